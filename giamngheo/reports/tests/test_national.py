"""The national what-if: facts exported as Parquet per province, re-classified on Dask.

Province P: commune A's approved 2025 round (two poor, one near-poor, one middle, one not poor;
see test_whatif), commune B with no household. Province Q: commune C's round in progress with a
poor and a not-poor household, and one stopped at form A.
"""

import csv
import hashlib
import hmac
import io

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.households.models import Household, Member, ResidentCount
from giamngheo.households.tests.factories import HouseholdFactory, MemberFactory
from giamngheo.reports.facts_export import facts_export, pseudonym_key
from giamngheo.reports.models import FactsExport
from giamngheo.reports.national import main, simulate, write_outputs
from giamngheo.reports.selectors.whatif import whatif_report, whatif_standard
from giamngheo.reports.tests.test_whatif import GOOD_HOME, POOR_HOME, a_round, surveyed
from giamngheo.reviews.models import Assessment, RoundStatus
from giamngheo.reviews.services import round_snapshot_take
from giamngheo.standards import load_standard
from giamngheo.standards.partitions import PartitionError, partition_counts, partitions
from giamngheo.standards.whatif import combine, whatif_counts

pytestmark = pytest.mark.django_db

HEAD = "Lò Văn Páo"
CITIZEN_IDS = [f"00108501{n:04d}" for n in range(20)]


@pytest.fixture
def registry():
    u = build_small_province()
    rnd = a_round(u["A"], 2025)
    for income, home in (
        (1_200_000, POOR_HOME),
        (1_200_000, POOR_HOME),
        (1_400_000, GOOD_HOME),
        (1_900_000, GOOD_HOME),
        (2_600_000, GOOD_HOME),
    ):
        surveyed(rnd, u["A1"], income, home=home)
    round_snapshot_take(review_round=rnd)
    ResidentCount.objects.create(unit=u["A"], year=2025, households=100, persons=400)
    c_round = a_round(u["C"], 2025, status=RoundStatus.SURVEY)
    surveyed(c_round, u["C1"], 1_200_000, home=POOR_HOME, persons=3)
    surveyed(c_round, u["C1"], 2_600_000)
    screened = HouseholdFactory(unit=u["C1"], area="rural")
    Assessment.objects.create(
        round=c_round, household=screened, facts={}, members=[{}, {}], screened_out=True
    )
    for n, household in enumerate(Household.objects.all()):
        household.head_name = HEAD
        household.address = "Số 7 ngõ 12"
        household.phone = "0912345678"
        household.save()
        MemberFactory(household=household, full_name=HEAD, citizen_id=CITIZEN_IDS[n])
    u["admin"] = UserFactory(role=Role.SYSTEM_ADMIN, unit=None)
    return u


@pytest.fixture
def dask_client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def _by_class(national, province=None):
    counts = national.counts
    if province is not None:
        counts = counts.filter(pl.col("province") == province)
    summed = counts.group_by("class").agg(pl.col("households").sum())
    return dict(summed.iter_rows())


def test_two_provinces_exported_and_simulated_on_dask_count_as_the_whatif_core_on_the_whole(
    registry, tmp_path, dask_client
):
    facts_export(actor=registry["admin"], output=tmp_path / "facts")
    assert [code for code, _p in partitions(tmp_path / "facts")] == ["01", "31"]
    std = load_standard("vn-2022")
    national = simulate(tmp_path / "facts", std, client=dask_client)

    parts = [partition_counts(path, std)[1] for _c, path in partitions(tmp_path / "facts")]
    frames = [pl.read_parquet(p / "households.parquet") for _c, p in partitions(tmp_path / "facts")]
    members = pl.concat(
        [pl.read_parquet(p / "members.parquet") for _c, p in partitions(tmp_path / "facts")],
        how="vertical_relaxed",
    )
    whole = pl.concat(frames, how="vertical_relaxed")
    kept = whole.filter(~pl.col("screened_out"))
    core = whatif_counts(
        kept.drop("province", "commune", "screened_out"),
        members.filter(pl.col("household_id").is_in(kept["household_id"].implode())),
        standard=std,
        unit=kept["commune"],
    ).total()
    assert combine(parts).total()["poor"] == core["poor"]
    by_class = _by_class(national)
    assert by_class["poor"] == core["poor"][0] == 3
    assert by_class["near_poor"] == core["near_poor"][0] == 1
    # The household stopped at form A stays not poor, as on the what-if page.
    assert by_class["not_poor"] == core["not_poor"][0] + 1 == 3
    page = whatif_report(
        actor=registry["admin"], unit=registry["P"], standard=whatif_standard("vn-2022")
    )
    for key in ("poor", "near_poor", "middle", "not_poor"):
        assert _by_class(national, "31").get(key, 0) == page.total.whatif.count(key)


def test_a_commune_with_no_household_is_listed_with_its_approved_figures_and_no_rate(
    registry, tmp_path, dask_client
):
    facts_export(actor=registry["admin"], output=tmp_path / "facts")
    national = simulate(tmp_path / "facts", load_standard("vn-2022"), client=dask_client)
    write_outputs(national, tmp_path / "out")
    text = (tmp_path / "out" / "communes.csv").read_text(encoding="utf-8-sig")
    rows = {r["commune"]: r for r in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"11001", "11002", "00101"}
    b = rows["11002"]
    assert b["commune_name"] == "Phường B"
    assert b["simulated_households"] == "0" and b["poor_households"] == "0"
    assert b["approved_poor_households"] == "" and b["poor_rate"] == ""
    a = rows["11001"]
    # Form 1's 2025 figures beside the simulation: rates over the 100 resident households.
    assert a["resident_households"] == "100" and a["rate_base"] == "resident"
    assert a["approved_poor_households"] == "2" and a["poor_households"] == "2"
    assert a["poor_rate"] == "2.00" and a["difference_poor_rate_points"] == "0.00"
    provinces = {
        r["province"]: r
        for r in csv.DictReader(
            io.StringIO((tmp_path / "out" / "provinces.csv").read_text(encoding="utf-8-sig"))
        )
    }
    assert provinces["31"]["province_name"] == "Thành phố P"
    assert provinces["01"]["poor_households"] == "1" and provinces["01"]["rate_base"] == "simulated"


def test_personal_data_protection_law_91_2025_no_name_citizen_id_address_or_code_leaves(
    registry, tmp_path
):
    facts_export(actor=registry["admin"], output=tmp_path / "facts", province="31")
    text = ""
    for path in sorted((tmp_path / "facts").rglob("*.parquet")):
        frame = pl.read_parquet(path)
        text += repr(frame.to_dicts()) + " ".join(frame.columns)
    codes = list(Household.objects.values_list("code", flat=True))
    for secret in (HEAD, *CITIZEN_IDS, "Số 7 ngõ 12", "0912345678", *codes):
        assert secret not in text
    for column in ("head_name", "citizen_id", "address", "phone", "full_name"):
        assert column not in text
    households = pl.read_parquet(tmp_path / "facts" / "province=31" / "households.parquet")
    key = pseudonym_key()
    expected = {hmac.new(key, c.encode(), hashlib.sha256).hexdigest()[:16] for c in codes}
    assert set(households["household_id"]) <= expected
    members = pl.read_parquet(tmp_path / "facts" / "province=31" / "members.parquet")
    assert set(members["household_id"]) <= set(households["household_id"])
    assert not set(members["member_id"]) & {str(m.pk) for m in Member.objects.all()} - {"1", "2"}


def test_each_export_is_logged_with_who_when_which_provinces_and_how_many(registry, tmp_path):
    call_command(
        "export_parquet",
        output=str(tmp_path / "facts"),
        province="31",
        user=registry["admin"].username,
        purpose="national what-if 2027",
        stdout=io.StringIO(),
    )
    log = FactsExport.objects.get()
    assert log.user == registry["admin"] and log.provinces == ["31"]
    # The members as the round recorded them (two a household), not the registry's rows today.
    assert (log.households, log.members) == (5, 10)
    assert log.purpose == "national what-if 2027" and log.exported_at is not None
    assert log.destination.endswith("facts") and len(log.key_id) == 16


def test_an_officer_outside_the_province_cannot_export_and_nothing_is_logged(registry, tmp_path):
    officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=registry["A"])
    with pytest.raises(PermissionDenied):
        facts_export(actor=officer, output=tmp_path / "facts", province="31")
    assert not FactsExport.objects.exists()


def test_an_unknown_province_code_is_refused_with_the_fix(registry, tmp_path):
    with pytest.raises(CommandError, match="99"):
        call_command(
            "export_parquet",
            output=str(tmp_path / "facts"),
            province="99",
            user=registry["admin"].username,
        )


def test_an_unknown_standard_is_a_clear_error(registry, tmp_path, capsys):
    facts_export(actor=registry["admin"], output=tmp_path / "facts", province="31")
    code = main(["--standard", "vn-1999", "--input", str(tmp_path / "facts")])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown standard 'vn-1999'" in err and "vn-2022" in err


def test_an_input_without_partitions_says_what_it_expected(tmp_path, capsys):
    assert main(["--standard", "vn-2022", "--input", str(tmp_path)]) == 2
    assert "province=<code>" in capsys.readouterr().err
    with pytest.raises(PartitionError, match="no such directory"):
        partitions(tmp_path / "missing")


def test_simulate_on_a_given_scheduler_prints_a_summary_and_writes_both_tables(
    registry, tmp_path, dask_client, capsys
):
    facts_export(actor=registry["admin"], output=tmp_path / "facts")
    address = dask_client.cluster.scheduler_address
    code = main(
        ["--standard", "vn-2022", "--input", str(tmp_path / "facts"), "--scheduler", address]
        + ["--output", str(tmp_path / "out")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "standard=vn-2022 provinces=2 communes=2 households=8 poor=3" in out
    assert (tmp_path / "out" / "provinces.csv").is_file()
    assert (tmp_path / "out" / "communes.csv").is_file()
