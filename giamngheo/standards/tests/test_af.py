"""Alkire–Foster measures: the published example (spec §7) and agreement with ``mpitb``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from giamngheo.standards import StandardError, load_standard
from giamngheo.standards.af import measures

# Alkire & Foster (2011), as restated in shared/spec/poverty-standards.md §7.
ACHIEVEMENTS = np.array([[13.1, 14, 4, 1], [15.2, 7, 5, 0], [12.5, 10, 1, 0], [20, 11, 3, 1]])
CUTOFFS = np.array([13, 12, 3, 1])


def test_alkire_foster_2011_worked_example():
    deprived = (ACHIEVEMENTS < CUTOFFS).astype(int)  # strictly below the cutoff
    r = measures(deprived, [0.25] * 4, 0.5)
    assert abs(r.H - 1 / 2) < 1e-9 and abs(r.A - 3 / 4) < 1e-9 and abs(r.M0 - 3 / 8) < 1e-9
    assert np.allclose(r.censored_headcounts, [1 / 4, 1 / 2, 1 / 4, 1 / 2], atol=1e-9)
    assert abs(r.contributions.sum() - 1) < 1e-9


def test_inputs_may_be_lists_numpy_or_polars():
    deprived = (ACHIEVEMENTS < CUTOFFS).astype(int)
    frame = pl.DataFrame(deprived, schema=["d1", "d2", "d3", "d4"], orient="row")
    a, b = measures(deprived.tolist(), [0.25] * 4, 0.5), measures(frame, np.full(4, 0.25), 0.5)
    assert (a.H, a.A, a.M0) == (b.H, b.A, b.M0)


def test_vietnamese_count_of_three_of_twelve_reaches_k_despite_float_rounding():
    """Spec §7: 12 indicators weighted 1/12 and k = 3/12 reproduce "deprived on ≥ 3"."""
    rows = np.zeros((3, 12))
    rows[0, :3] = 1
    rows[1, :2] = 1
    r = measures(rows, [1 / 12] * 12, 3 / 12)
    assert pytest.approx(1 / 3) == r.H


def test_population_weighted_group_m0s_sum_to_the_total():
    rng = np.random.default_rng(7)
    x = (rng.random((500, 6)) < 0.3).astype(int)
    sizes = rng.integers(1, 8, 500)
    groups = rng.choice(["rural", "urban", "đặc khu"], 500)
    r = measures(x, [1 / 6] * 6, 2 / 6, unit_weights=sizes, groups=groups)
    assert set(r.by_group) == {"rural", "urban", "đặc khu"}
    assert sum(g.population_share * g.M0 for g in r.by_group.values()) == pytest.approx(
        r.M0, abs=1e-12
    )
    assert sum(g.population_share for g in r.by_group.values()) == pytest.approx(1)


@pytest.mark.parametrize("bad", [dict(weights=[0.5, 0.4]), dict(k=0), dict(k=1.5)])
def test_invalid_arguments_are_rejected(bad):
    args = dict(deprivations=[[1, 0], [0, 1]], weights=[0.5, 0.5], k=0.5) | bad
    with pytest.raises(ValueError):
        measures(**args)


@pytest.mark.parametrize(
    "bad",
    [
        np.array([[0, 2]], np.int8),
        np.array([[-1, 0]], np.int8),
        np.array([[0, 3]], np.int64),
        np.array([[0.5, 0.0]]),
    ],
)
def test_entries_other_than_zero_and_one_are_rejected(bad):
    with pytest.raises(ValueError, match="0 or 1"):
        measures(bad, [0.5, 0.5], 0.5)


def test_profiles_of_every_dtype_give_the_same_measures():
    rng = np.random.default_rng(3)
    x = (rng.random((300, 13)) < 0.3).astype(np.int8)
    w = np.full(13, 1 / 13)
    ref = measures(x.astype(np.float64), w, 3 / 13)
    for same in (x, x.astype(bool), x.astype(np.int64), np.asfortranarray(x)):
        r = measures(same, w, 3 / 13)
        assert (r.H, r.A, r.M0) == (ref.H, ref.A, ref.M0)
        assert np.array_equal(r.censored_headcounts, ref.censored_headcounts)


@pytest.mark.parametrize("use_unit_weights", [False, True])
def test_agrees_with_mpitb(use_unit_weights):
    from mpitb.core import MPIToolbox

    rng = np.random.default_rng(11)
    names = [f"i{j}" for j in range(6)]
    x = (rng.random((2000, 6)) < rng.uniform(0.05, 0.4, 6)).astype(int)
    w = np.array([1 / 6, 1 / 6, 1 / 12, 1 / 12, 1 / 4, 1 / 4])
    sizes = rng.integers(1, 9, 2000).astype(float)
    k = 1 / 3
    df = pd.DataFrame(x, columns=names).assign(size=sizes)
    tool = MPIToolbox()
    tool.set(name="t", dimensions=[(names[:2], "a"), (names[2:4], "b"), (names[4:], "c")])
    if use_unit_weights:
        tool.svyset(weight="size")
    # mpitb takes k in percent and compares score ≥ k/100 exactly; 100/3 % avoids a float tie
    est = pd.DataFrame(
        tool.est(
            df, "t", klist=[k * 100], weights=dict(zip(names, w, strict=True)), svy=use_unit_weights
        )
    )
    ours = measures(x, w, k, unit_weights=sizes if use_unit_weights else None)
    nat = est[est["loa"] == "nat"]
    scalar = nat[nat["indicator"].isna()].set_index("measure")["b"]
    assert pytest.approx(scalar["H"], abs=1e-12) == ours.H
    assert pytest.approx(scalar["A"], abs=1e-12) == ours.A
    assert pytest.approx(scalar["M0"], abs=1e-12) == ours.M0
    for measure, ours_values in (("hdk", ours.censored_headcounts), ("pctb", ours.contributions)):
        theirs = nat[nat["measure"] == measure].set_index("indicator")["b"].reindex(names)
        assert np.allclose(ours_values, theirs.to_numpy(), atol=1e-12), measure


def test_af_cutoff_of_vn_2022_is_decree_07_2021_art_3_2_three_of_twelve_indicators():
    params = load_standard("vn-2022").af_parameters()
    assert (params.indicators, params.k) == (12, 3)
    assert params.article == "Decree 07/2021/NĐ-CP, Art. 3(2)(a)–(b)"
    assert params.cutoff == pytest.approx(3 / 12) and sum(params.weights) == pytest.approx(1)


def test_af_cutoff_of_vn_2016_is_decision_59_2015_art_2_three_of_ten_indicators():
    params = load_standard("vn-2016").af_parameters()
    assert (params.indicators, params.k) == (10, 3)
    assert params.article == "Decision 59/2015/QĐ-TTg, Art. 2(1)–(2)"
    assert params.weights == (0.1,) * 10


def test_af_cutoff_follows_a_province_standard_that_raises_the_class_threshold():
    raised = load_standard({"base": "vn-2022", "class_rule": {"threshold": 4}})
    assert raised.af_parameters().k == 4


def test_an_explicit_alkire_foster_section_sets_k_and_its_article():
    data = {"base": "vn-2022", "alkire_foster": {"k": 4, "article": "Provincial decision X"}}
    params = load_standard(data).af_parameters()
    assert (params.k, params.article) == (4, "Provincial decision X")


def test_an_af_cutoff_beyond_the_number_of_indicators_is_refused():
    data = {"base": "vn-2016", "alkire_foster": {"k": 11, "article": "none"}}
    with pytest.raises(StandardError, match="between 1 and 10"):
        load_standard(data).af_parameters()
