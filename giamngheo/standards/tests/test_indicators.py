"""Every indicator at and around each bound, for every standard that has it.

Ages are whole years on the review date; ``*_age`` bounds mirror the legal wording
("from", "to" inclusive, "under" exclusive). Articles: Decree 07/2021/NĐ-CP Art. 3(1)(c)
(vn-2022), Decision 59/2015/QĐ-TTg Art. 1(2)(b) (vn-2016), Decree 351/2025/NĐ-CP (vn-2027).
"""

from __future__ import annotations

import pytest

from giamngheo.standards import classify_household
from giamngheo.standards.tests.factories import child, household, member

NEW = ["vn-2022", "vn-2027"]


def deprived(std: str, members=None, **over) -> list[str]:
    out = classify_household(household(std, members, **over))
    assert "error" not in out, out
    return out["deprived"]


@pytest.mark.parametrize("std", ["vn-2016", "vn-2022", "vn-2027"])
def test_base_household_is_deprived_on_nothing(std):
    assert deprived(std) == []


@pytest.mark.parametrize(
    ("std", "ind"),
    [
        ("vn-2016", "health_insurance_2016"),
        ("vn-2022", "health_insurance"),
        ("vn-2027", "health_insurance"),
    ],
)
def test_decree_07_2021_art3_health_insurance_member_aged_6_without_card_is_deprived(std, ind):
    """Decree 07/2021 Art. 3(1)(c) and Decision 59/2015 Art. 1(2)(b): members aged 6 or older."""
    assert ind in deprived(std, [member(), child(6, health_insurance=False)])


@pytest.mark.parametrize(
    ("std", "ind"),
    [
        ("vn-2016", "health_insurance_2016"),
        ("vn-2022", "health_insurance"),
        ("vn-2027", "health_insurance"),
    ],
)
def test_decree_07_2021_art3_health_insurance_member_aged_5_is_outside(std, ind):
    assert ind not in deprived(std, [member(), child(5, health_insurance=False)])


@pytest.mark.parametrize("std", NEW)
@pytest.mark.parametrize(
    ("age", "status", "expected"),
    [
        (15, "stunted", True),
        (15, "underweight", True),
        (16, "stunted", False),
        (0, "stunted", True),
        (15, "normal", False),
    ],
)
def test_decree_07_2021_art3_nutrition_child_under_16(std, age, status, expected):
    """Nutrition: a child under 16 (age < 16) stunted or underweight."""
    kid = child(age, child_nutrition=status, in_school=True, diploma="lower_secondary")
    assert ("nutrition" in deprived(std, [member(), kid])) is expected


@pytest.mark.parametrize("std", NEW)
@pytest.mark.parametrize(("age", "expected"), [(2, False), (3, True), (15, True), (16, False)])
def test_decree_07_2021_art3_child_school_attendance_3_to_under_16(std, age, expected):
    kid = child(age, in_school=False, diploma="lower_secondary")
    assert ("child_school_attendance" in deprived(std, [member(), kid])) is expected


@pytest.mark.parametrize(("age", "expected"), [(4, False), (5, True), (14, True), (15, False)])
def test_decision_59_2015_art1_child_school_2016_ages_5_to_14(age, expected):
    kid = child(age, in_school=False, diploma="lower_secondary", date_of_birth=None)
    assert ("child_school_2016" in deprived("vn-2016", [member(), kid])) is expected


@pytest.mark.parametrize("std", NEW)
@pytest.mark.parametrize(
    ("age", "diploma", "training", "studying", "expected"),
    [
        (15, "primary", False, False, False),  # below 16: outside the group
        (16, "primary", False, False, True),
        (16, "lower_secondary", False, False, False),  # 16 to under 18: lower secondary suffices
        (17, "lower_secondary", False, False, False),
        (18, "lower_secondary", False, False, True),  # from 18: upper secondary or vocational
        (18, "upper_secondary", False, False, False),
        (18, "vocational_elementary", False, False, False),
        (25, "lower_secondary", True, False, False),  # certified on-the-job training counts
        (25, "primary", False, True, False),  # studying
        (30, "primary", False, False, True),
        (31, "primary", False, False, False),
    ],
)
def test_decree_07_2021_art3_adult_education_16_to_30(
    std, age, diploma, training, studying, expected
):
    person = member(
        member_id="2",
        age=age,
        diploma=diploma,
        vocational_training=training,
        in_school=studying,
        relation="child",
        child_nutrition="normal",
    )
    assert ("adult_education" in deprived(std, [member(), person])) is expected


@pytest.mark.parametrize(
    ("dob", "diploma", "studying", "expected"),
    [
        ("1986-01-01", "primary", False, True),
        ("1985-12-31", "primary", False, False),  # born before 1986: outside
        ("1990-05-05", "lower_secondary", False, False),
        ("1990-05-05", "primary", True, False),
        ("2004-06-15", "primary", False, True),  # exactly 15 on the review date
        ("2004-06-16", "primary", False, False),  # 14
    ],
)
def test_decision_59_2015_art1_adult_education_2016_born_1986_or_later(
    dob, diploma, studying, expected
):
    person = member(member_id="2", date_of_birth=dob, diploma=diploma, in_school=studying)
    assert ("adult_education_2016" in deprived("vn-2016", [member(), person])) is expected


def test_decision_59_2015_art1_adult_education_2016_needs_birth_date_when_age_is_ambiguous():
    # Reviewed mid-2019, aged 33 ⇒ born 1985 or 1986: the cohort cannot be decided from age.
    out = classify_household(household("vn-2016", [member(), member(age=33, diploma="primary")]))
    assert out["error"]["field"] == "date_of_birth"


@pytest.mark.parametrize("std", NEW)
@pytest.mark.parametrize(
    ("dob", "sex", "expected"),
    [
        # vn-2022 reviewed 2024-06-15: men retire at 61y0m, women at 56y4m (Decree 135/2020 Art. 4)
        ("1963-06-16", "male", True),  # 60y11m
        ("1963-06-15", "male", False),  # 61y0m
        ("1968-02-16", "female", True),  # 56y3m
        ("1968-02-15", "female", False),  # 56y4m
        ("2009-06-15", "male", True),  # exactly 15
        ("2009-06-16", "male", False),  # 14
    ],
)
def test_labour_code_2019_art169_employment_working_age_bounds(std, dob, sex, expected):
    if std == "vn-2027":
        # reviewed 2028-06-15: men 62y0m, women 57y8m
        shift = {
            "1963-06-16": "1966-06-16",
            "1963-06-15": "1966-06-15",
            "1968-02-16": "1970-10-16",
            "1968-02-15": "1970-10-15",
            "2009-06-15": "2013-06-15",
            "2009-06-16": "2013-06-16",
        }
        dob = shift[dob]
    person = member(
        member_id="2",
        date_of_birth=dob,
        sex=sex,
        employment="unemployed",
        diploma="university",
        child_nutrition="normal",
        in_school=False,
    )
    assert ("employment" in deprived(std, [member(), person])) is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("unemployed", True),
        ("wage_without_contract", True),
        ("wage_with_contract", False),
        ("self_employed", False),
        ("not_in_labour_force", False),
    ],
)
def test_decree_07_2021_art3_employment_status(status, expected):
    assert ("employment" in deprived("vn-2022", [member(employment=status)])) is expected


def test_decree_07_2021_art3_employment_needs_birth_date_when_retirement_month_is_ambiguous():
    # 2024: women retire at 56y4m; "aged 56" may be either side of it.
    woman = member(age=56, sex="female", employment="unemployed")
    out = classify_household(household("vn-2022", [member(), woman]))
    assert out["error"]["field"] == "date_of_birth"


@pytest.mark.parametrize("std", NEW)
def test_decree_07_2021_art3_dependency_exactly_half_is_not_deprived(std):
    people = [member(), member(age=35, sex="female"), child(4), child(9)]
    assert "dependency_ratio" not in deprived(std, people)


@pytest.mark.parametrize("std", NEW)
def test_decree_07_2021_art3_dependency_more_than_half_is_deprived(std):
    people = [member(), member(age=35, sex="female"), child(4), child(9), child(15)]
    out = classify_household(household(std, people))
    assert "dependency_ratio" in out["deprived"]
    assert out["deprived_members"]["dependency_ratio"] == ["3", "4", "5"]


@pytest.mark.parametrize(
    ("allowance", "age", "disability", "expected"),
    [
        (True, 70, "none", True),
        (False, 70, "none", False),
        (True, 40, "severe", True),
        (True, 40, "none", False),
    ],
)
def test_decree_07_2021_art3_dependency_counts_allowance_recipients_elderly_or_disabled(
    allowance, age, disability, expected
):
    people = [
        member(),
        child(4),
        member(
            age=age,
            social_allowance=allowance,
            disability=disability,
            employment="not_in_labour_force",
        ),
    ]
    assert ("dependency_ratio" in deprived("vn-2022", people)) is expected


def test_decree_07_2021_art3_dependency_child_aged_16_is_not_a_dependant():
    people = [member(), child(10), child(16, diploma="lower_secondary")]
    assert "dependency_ratio" not in deprived("vn-2022", people)


@pytest.mark.parametrize(
    ("std", "ind"),
    [
        ("vn-2016", "housing_quality_2016"),
        ("vn-2022", "housing_quality"),
        ("vn-2027", "housing_quality"),
    ],
)
@pytest.mark.parametrize(
    ("housing", "expected"),
    [
        ("solid", False),
        ("semi_solid", False),
        ("less_solid", True),
        ("simple", True),
        ("none", True),
    ],
)
def test_decree_07_2021_art3_housing_quality_non_durable(std, ind, housing, expected):
    area = 0.0 if housing == "none" else 100.0
    assert (ind in deprived(std, housing_type=housing, floor_area_m2=area)) is expected


@pytest.mark.parametrize(
    ("std", "ind"),
    [("vn-2016", "housing_area_2016"), ("vn-2022", "housing_area"), ("vn-2027", "housing_area")],
)
@pytest.mark.parametrize(("area", "expected"), [(16.0, False), (15.99, True), (16.01, False)])
def test_decree_07_2021_art3_housing_area_below_8_m2_per_person(std, ind, area, expected):
    people = [member(), member(age=38, sex="female")]
    assert (ind in deprived(std, people, floor_area_m2=area)) is expected


@pytest.mark.parametrize(
    ("std", "ind", "facts"),
    [
        ("vn-2016", "water_2016", {"domestic_water": "unsafe"}),
        ("vn-2022", "domestic_water", {"domestic_water": "unsafe"}),
        ("vn-2027", "domestic_water", {"domestic_water": "unsafe"}),
        ("vn-2016", "sanitation_2016", {"hygienic_latrine": False}),
        ("vn-2022", "hygienic_latrine", {"hygienic_latrine": False}),
        ("vn-2027", "hygienic_latrine", {"hygienic_latrine": False}),
        ("vn-2016", "telecom_2016", {"uses_telecom": False}),
        ("vn-2022", "telecom_use", {"uses_telecom": False}),
        ("vn-2027", "telecom_use", {"uses_telecom": False}),
        ("vn-2027", "waste_treatment", {"waste_treated": False}),
    ],
)
def test_decree_07_2021_art3_household_flag_indicators(std, ind, facts):
    assert ind in deprived(std, **facts)
    assert deprived(std, **facts) == [ind]


@pytest.mark.parametrize(
    ("std", "ind", "devices", "loud", "expected"),
    [
        ("vn-2022", "info_access_means", [], False, True),
        ("vn-2022", "info_access_means", [], True, False),
        ("vn-2022", "info_access_means", ["smartphone"], False, False),
        ("vn-2022", "info_access_means", ["landline"], False, True),
        ("vn-2016", "info_assets_2016", ["smartphone"], False, True),
        ("vn-2016", "info_assets_2016", ["radio"], False, False),
    ],
)
def test_decree_07_2021_art3_information_devices_and_loudspeaker(std, ind, devices, loud, expected):
    assert (ind in deprived(std, info_devices=devices, hears_loudspeaker=loud)) is expected


def test_decree_351_2025_vn_2027_has_no_information_devices_indicator():
    assert deprived("vn-2027", info_devices=[], hears_loudspeaker=False) == []


def test_decision_59_2015_art1_untreated_illness():
    assert deprived("vn-2016", [member(), member(age=50, ill_untreated=True)]) == ["hc_access_2016"]
    assert deprived("vn-2016", [member(), member(age=50, ill_untreated=False)]) == []


@pytest.mark.parametrize(("dob", "expected"), [("1986-01-01", True), ("1985-12-31", False)])
def test_decision_59_2015_art1_adult_education_2016_when_every_member_has_a_birth_date(
    dob, expected
):
    """All birth dates known and one review date: the lookup path of the age computation."""
    people = [
        member(date_of_birth="1960-03-01"),
        member(member_id="2", date_of_birth=dob, diploma="primary"),
    ]
    assert ("adult_education_2016" in deprived("vn-2016", people)) is expected
