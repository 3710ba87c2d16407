"""Indicators: small registered objects, each with ONE vectorised definition.

A standard's data file names an indicator ``kind`` and its parameters; the kind's object says
which facts it needs for which rows (``requires``) and computes the deprived households over
coded numpy columns (:class:`~giamngheo.standards.tables.Tables`). Classifying one household
runs the same code on one-row tables. A genuinely new indicator is one new class here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from giamngheo.standards import vocab
from giamngheo.standards.tables import MISSING, Tables, isin_codes
from giamngheo.standards.working_age import working_age


def N_(msgid: str) -> str:
    """Mark a catalogue string; it is translated when rendered (``explain.py``)."""
    return msgid


@dataclass(frozen=True)
class Need:
    """Fact ``fact`` must be present on the rows of ``mask`` (None = every row of its table).

    ``mask`` may be a function giving the rows: it is called only when the fact is absent
    somewhere, so a complete column costs nothing.
    """

    table: str
    fact: str
    mask: np.ndarray | Callable[[], np.ndarray] | None = None
    reason: str = ""

    def rows(self) -> np.ndarray | None:
        return self.mask() if callable(self.mask) else self.mask


class Indicator:
    """Base of registered indicator kinds."""

    kind = ""
    level = "household"
    text = ""

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        raise NotImplementedError

    def members(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        """Member-level kinds: the members who cause the deprivation."""
        raise NotImplementedError

    def households(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        """The deprived households (member-level kinds: any causing member)."""
        return t.seg_any(self.members(t, p))

    def describe(self, p: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
        """The condition in words, with this standard's parameters, in the catalogue's language."""
        return gettext(self.text).format(**_text_params(p, gettext))


REGISTRY: dict[str, Indicator] = {}


def register(cls: type[Indicator]) -> type[Indicator]:
    REGISTRY[cls.kind] = cls()
    return cls


def get(kind: str) -> Indicator:
    return REGISTRY[kind]


def check_standard(std: Any) -> None:
    """Every indicator of a standard names a registered kind and only known facts."""
    for spec in std.indicators:
        if spec.kind not in REGISTRY:
            raise ValueError(f"indicator {spec.id}: unknown kind {spec.kind!r}")
        for f in spec.household_facts:
            if f not in vocab.HOUSEHOLD_FIELDS:
                raise ValueError(f"indicator {spec.id}: unknown household fact {f!r}")
        for f in spec.member_facts:
            if f not in vocab.MEMBER_FIELDS:
                raise ValueError(f"indicator {spec.id}: unknown member fact {f!r}")


def codes(values: tuple[str, ...], names: Any) -> list[int]:
    return [values.index(v) for v in names]


def _text_params(p: Mapping[str, Any], gettext: Callable[[str], str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in p.items():
        if isinstance(val, list):
            out[key] = ", ".join(gettext(vocab.LABELS.get(str(v), str(v))) for v in val)
        else:
            out[key] = val
    out["ages"] = age_phrase(p, gettext)
    return out


def age_phrase(p: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """The age window in words, mirroring the law's wording (inclusive "to", exclusive "under")."""
    if "min_age" in p and "under_age" in p:
        return gettext(N_("aged {min_age} to under {under_age}")).format(**p)
    if "min_age" in p and "max_age" in p:
        return gettext(N_("aged {min_age} to {max_age}")).format(**p)
    if "min_age" in p:
        return gettext(N_("aged {min_age} or older")).format(**p)
    if "under_age" in p:
        return gettext(N_("under {under_age}")).format(**p)
    return ""


def age_window(age: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    """Ages as the law words them: ``min_age`` (from), ``max_age`` (to, inclusive), ``under_age``."""
    mask = age >= 0
    if "min_age" in p:
        mask &= age >= p["min_age"]
    if "max_age" in p:
        mask &= age <= p["max_age"]
    if "under_age" in p:
        mask &= age < p["under_age"]
    return mask


class _HouseholdFlag(Indicator):
    """Deprived when a household fact has one of the values in ``deprived_codes``."""

    fact = ""
    deprived_codes: tuple[int, ...] = (0,)

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        return [Need("households", self.fact)]

    def households(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        return isin_codes(t.h[self.fact], self.deprived_codes)


@register
class DomesticWater(_HouseholdFlag):
    kind, fact, deprived_codes = "domestic_water", "domestic_water", (1,)
    text = N_("the household has no access to a safe domestic water source")


@register
class HygienicLatrine(_HouseholdFlag):
    kind, fact = "hygienic_latrine", "hygienic_latrine"
    text = N_("the household does not use a hygienic latrine")


@register
class TelecomUse(_HouseholdFlag):
    kind, fact = "telecom_use", "uses_telecom"
    text = N_("no member uses telecommunication services")


@register
class WasteTreatment(_HouseholdFlag):
    kind, fact = "waste_treatment", "waste_treated"
    text = N_("household waste is not collected or treated hygienically")


@register
class HousingQuality(Indicator):
    kind = "housing_quality"
    text = N_("the household lives in a house of type: {deprived_types}")

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        return [Need("households", "housing_type")]

    def households(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        return isin_codes(t.h["housing_type"], codes(vocab.HOUSING_TYPE, p["deprived_types"]))


@register
class HousingArea(Indicator):
    kind = "housing_area"
    text = N_("floor area per person is below {min_m2_per_person} m²")

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        return [Need("households", "floor_area_m2")]

    def households(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        # area / size < min  ⇔  area < min × size, exact for whole sizes
        result: np.ndarray = t.h["floor_area_m2"] < p["min_m2_per_person"] * effective_size(t)
        return result


def effective_size(t: Tables) -> np.ndarray:
    """Number of members; the ``size`` fact when members were omitted (deprivations given)."""
    if t.memo(("all_have_members",), lambda: bool((t.size > 0).all())):
        return t.size
    return np.where(t.size > 0, t.size, np.nan_to_num(t.h["size"]))


@register
class InfoAccess(Indicator):
    kind = "info_access"
    text = N_(
        "the household has none of: {devices}, and cannot hear the commune or village loudspeaker"
    )

    def _no_device(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        accepted = sum(1 << vocab.INFO_DEVICES.index(d) for d in p["devices"])
        result: np.ndarray = (t.h["info_devices"] & accepted) == 0
        return result

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        needs = [Need("households", "info_devices")]
        if p.get("loudspeaker_counts", True):
            needs.append(Need("households", "hears_loudspeaker", lambda: self._no_device(t, p)))
        return needs

    def households(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        deprived: np.ndarray = self._no_device(t, p) & (t.h["info_devices"] != MISSING)
        if p.get("loudspeaker_counts", True):
            deprived &= t.h["hears_loudspeaker"] == 0
        return deprived


class _MemberFlag(Indicator):
    """Deprived when a member inside an age window has a deprived value of one fact."""

    level = "member"
    fact = ""

    def target(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        return t.memo(
            ("age_window", tuple(sorted((k, v) for k, v in p.items() if k.endswith("_age")))),
            lambda: age_window(t.mem["_age"], p),
        )

    def deprived_value(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        result: np.ndarray = t.mem[self.fact] == 0
        return result

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        return [Need("members", self.fact, self.target(t, p))]

    def members(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        result: np.ndarray = self.target(t, p) & self.deprived_value(t, p)
        return result


@register
class HealthInsurance(_MemberFlag):
    kind, fact = "health_insurance", "health_insurance"
    text = N_("a member {ages} has no health insurance card")


@register
class UntreatedIllness(_MemberFlag):
    kind, fact = "untreated_illness", "ill_untreated"
    text = N_("a member was ill and did not seek medical treatment")

    def deprived_value(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        result: np.ndarray = t.mem["ill_untreated"] == 1
        return result


@register
class ChildSchool(_MemberFlag):
    kind, fact = "child_school", "in_school"
    text = N_("a child {ages} is not attending school")


@register
class ChildNutrition(_MemberFlag):
    kind, fact = "child_nutrition", "child_nutrition"
    text = N_("a child {ages} has a nutrition status of: {deprived_status}")

    def deprived_value(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        return isin_codes(
            t.mem["child_nutrition"], codes(vocab.CHILD_NUTRITION, p["deprived_status"])
        )


@register
class AdultEducation(_MemberFlag):
    """Decree 07/2021 wording: 16–30-year-olds studying or holding the qualification for their age."""

    kind = "adult_education"
    text = N_(
        "a member {ages} is not studying and holds no qualification expected for the age "
        "(under {split_age}: {qualified_below_split}, from {split_age}: {qualified_from_split})"
    )

    def _parts(self, t: Tables, p: Mapping[str, Any]) -> tuple[np.ndarray, ...]:
        return t.memo((self.kind, id(p)), lambda: self._compute_parts(t, p))

    def _compute_parts(self, t: Tables, p: Mapping[str, Any]) -> tuple[np.ndarray, ...]:
        age = t.mem["_age"]
        target = age_window(age, p)
        below = age < p["split_age"]
        ok_below = isin_codes(t.mem["diploma"], codes(vocab.DIPLOMA, p["qualified_below_split"]))
        ok_from = isin_codes(t.mem["diploma"], codes(vocab.DIPLOMA, p["qualified_from_split"]))
        diploma_ok = (ok_below & below) | (ok_from & ~below)  # np.where, by boolean arithmetic
        studying = t.mem["in_school"] == 1
        return target, studying, diploma_ok

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        target, studying, diploma_ok = self._parts(t, p)
        needs = [
            Need("members", "in_school", target),
            Need("members", "diploma", lambda: target & ~studying),
        ]
        if p.get("training_counts", True):
            needs.append(
                Need("members", "vocational_training", lambda: target & ~studying & ~diploma_ok)
            )
        return needs

    def members(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        target, studying, diploma_ok = self._parts(t, p)
        qualified = studying | diploma_ok
        if p.get("training_counts", True):
            qualified |= t.mem["vocational_training"] == 1
        result: np.ndarray = target & ~qualified
        return result


@register
class AdultEducationCohort(_MemberFlag):
    """Decision 59/2015 wording: members 15+ born from a given year without lower secondary."""

    kind = "adult_education_cohort"
    text = N_(
        "a member {ages} born in {born_from_year} or later has not completed lower secondary "
        "school and is not in school"
    )

    def _cohort(self, t: Tables, p: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        old_enough = age_window(t.mem["_age"], p)
        sure = old_enough & (t.mem["_by_lo"] >= p["born_from_year"])
        unsure = (
            old_enough
            & (t.mem["_by_lo"] < p["born_from_year"])
            & (t.mem["_by_hi"] >= p["born_from_year"])
        )
        return sure, unsure

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        sure, unsure = self._cohort(t, p)
        return [
            # With only an age, the birth year is one of two; the cohort rule needs the date.
            Need("members", "date_of_birth", unsure, N_("the birth year decides the cohort")),
            Need("members", "in_school", sure),
            Need("members", "diploma", lambda: sure & (t.mem["in_school"] != 1)),
        ]

    def members(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        sure, _ = self._cohort(t, p)
        qualified = isin_codes(t.mem["diploma"], codes(vocab.DIPLOMA, p["qualified"]))
        result: np.ndarray = sure & (t.mem["in_school"] == 0) & ~qualified
        return result


def retirement_months(sex: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Retirement age in months by sex and year (Labour Code 2019 Art. 169; Decree 135/2020 Art. 4)."""
    rows = working_age()["retirement"]
    first = rows[0]["year"]
    # one lookup table indexed by (year, sex); years outside the schedule use its nearest row
    table = np.array([[r["male_months"], r["female_months"]] for r in rows], np.int32).ravel()
    female = sex == vocab.SEX.index("female")
    if len(year) and year.min() == year.max():
        # one review year (the usual batch): two numbers, no per-member lookup
        row = int(np.clip(int(year[0]) - first, 0, len(rows) - 1)) * 2
        male_months, female_months = int(table[row]), int(table[row + 1])
        # the men's age, moved by the difference where female (arithmetic: no per-row choice)
        months: np.ndarray = female.view(np.int8) * np.int16(female_months - male_months)
        months += np.int16(male_months)
        return months
    result: np.ndarray = table[np.clip(year - first, 0, len(rows) - 1) * 2 + female.view(np.int8)]
    return result


@register
class Employment(_MemberFlag):
    """Working-age members (Labour Code 2019) unemployed or in wage work without a contract."""

    kind = "employment"
    text = N_("a member of working age is in one of these situations: {deprived_employment}")

    def _working_age(self, t: Tables) -> tuple[np.ndarray, np.ndarray, Callable[[], np.ndarray]]:
        return t.memo(("working_age",), lambda: self._compute_working_age(t))

    def _compute_working_age(
        self, t: Tables
    ) -> tuple[np.ndarray, np.ndarray, Callable[[], np.ndarray]]:
        lower = working_age()["lower_age"] * 12
        ret = retirement_months(t.mem["sex"], t.mem["_ry"])
        lo, hi = t.mem["_months_lo"], t.mem["_months_hi"]
        adult = (t.mem["_age"] >= 0) & (lo >= lower)
        sure = adult & (hi < ret)

        def unsure() -> np.ndarray:
            # Only an age in years: the member may have passed the retirement age in months.
            result: np.ndarray = adult & (lo < ret) & (hi >= ret)
            return result

        return adult, sure, unsure

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        adult, sure, unsure = self._working_age(t)
        return [
            Need("members", "sex", adult),
            Need("members", "date_of_birth", unsure, N_("working age in months decides")),
            Need("members", "employment", sure),
        ]

    def members(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        _, sure, _ = self._working_age(t)
        result: np.ndarray = sure & isin_codes(
            t.mem["employment"], codes(vocab.EMPLOYMENT, p["deprived_employment"])
        )
        return result


@register
class DependencyRatio(Indicator):
    """Dependants strictly more than ``max_share`` of the members (spec §0b definition)."""

    kind = "dependency_ratio"
    level = "member"
    text = N_(
        "dependants (children under {child_under_age}, and members aged {elderly_min_age} or older "
        "or with a disability who receive a monthly social allowance) are more than "
        "{max_share_pct} percent of the members"
    )

    def requires(self, t: Tables, p: Mapping[str, Any]) -> list[Need]:
        age = t.mem["_age"]

        def grown() -> np.ndarray:
            result: np.ndarray = age >= p["child_under_age"]
            return result

        def disability_counts() -> np.ndarray:
            allowance = t.mem["social_allowance"] == 1
            result: np.ndarray = grown() & allowance & (age < p["elderly_min_age"])
            return result

        return [
            Need("members", "social_allowance", grown),
            Need("members", "disability", disability_counts),
        ]

    def members(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        age = t.mem["_age"]
        disabled = isin_codes(t.mem["disability"], codes(vocab.DISABILITY, p["disabled_levels"]))
        supported = (t.mem["social_allowance"] == 1) & ((age >= p["elderly_min_age"]) | disabled)
        result: np.ndarray = ((age >= 0) & (age < p["child_under_age"])) | supported
        return result

    def households(self, t: Tables, p: Mapping[str, Any]) -> np.ndarray:
        result: np.ndarray = t.seg_count(self.members(t, p)) > p["max_share"] * t.size
        return result

    def describe(self, p: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
        return super().describe({**p, "max_share_pct": round(p["max_share"] * 100)}, gettext)
