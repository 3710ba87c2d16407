"""Explanations as an officer writes them: one entry per deprived indicator, members by label,
the legal condition once (issue 15)."""

from __future__ import annotations

from giamngheo.standards import classify_household, load_standard
from giamngheo.standards.explain import entries
from giamngheo.standards.tests.factories import child, household, member

HEALTH_CONDITION_VI = "có thành viên từ 6 tuổi trở lên không có thẻ bảo hiểm y tế"


def _three_uninsured() -> dict:
    return household(
        "vn-2022",
        [
            member(health_insurance=False),
            member(age=38, sex="female", relation="spouse", health_insurance=False),
            child(8, health_insurance=False),
            child(4, in_school=False),
        ],
        housing_type="simple",
    )


def test_three_uninsured_members_make_one_health_insurance_entry_decree_07_2021_art_3_1_c():
    out = classify_household(_three_uninsured())
    std = load_standard("vn-2022")
    found = [e for e in entries(out["explanation"], std, "vi") if e.indicator == "health_insurance"]
    assert len(found) == 1
    entry = found[0]
    assert entry.title == "Bảo hiểm y tế"
    assert entry.members == (
        "thành viên 1 (40 tuổi, không có thẻ bảo hiểm y tế)",
        "thành viên 2 (38 tuổi, không có thẻ bảo hiểm y tế)",
        "thành viên 3 (8 tuổi, không có thẻ bảo hiểm y tế)",
    )
    assert entry.condition == HEALTH_CONDITION_VI
    assert entry.citation == "điểm c khoản 1 Điều 3 Nghị định số 07/2021/NĐ-CP"
    # the legal text once in the whole explanation, not once per member
    assert sum(line.count(HEALTH_CONDITION_VI) for line in out["explanation_text"]) == 1


def test_structured_items_keep_one_item_per_member_for_the_api():
    out = classify_household(_three_uninsured())
    per_member = [i for i in out["explanation"] if i.get("indicator") == "health_insurance"]
    assert [i["code"] for i in per_member] == ["deprived_member"] * 3
    assert [i["member"] for i in per_member] == ["1", "2", "3"]
    assert out["deprived_members"]["health_insurance"] == ["1", "2", "3"]


def test_entries_are_the_income_each_deprived_indicator_and_the_class_rule_in_both_languages():
    out = classify_household(_three_uninsured())
    std = load_standard("vn-2022")
    for lang in ("vi", "en"):
        found = entries(out["explanation"], std, lang)
        assert len(found) == len(out["deprived"]) + 2
        assert [e.indicator for e in found[1:-1]] == out["deprived"]
        assert found[0].code == "income_at_or_below_line" and not found[0].deprivation
        assert found[-1].code == "class_rule"
    english = entries(out["explanation"], std, "en")
    health = next(e for e in english if e.indicator == "health_insurance")
    assert health.members[2] == "member 3 (aged 8, no health insurance card)"
    assert health.citation == "Decree 07/2021/NĐ-CP, Art. 3(1)(c)"
    assert english[-1].text.startswith("Class: poor")


def test_explanation_text_has_one_sentence_per_deprived_indicator():
    out = classify_household(_three_uninsured())
    text = out["explanation_text"]
    assert len(text) == len(out["deprived"]) + 2
    health = next(line for line in text if "“Bảo hiểm y tế”" in line)
    assert "thành viên 1 (40 tuổi, không có thẻ bảo hiểm y tế), thành viên 2" in health
    assert ";" not in "".join(text)  # CSV and Excel join a household's sentences with ";"
    assert health.endswith("(điểm c khoản 1 Điều 3 Nghị định số 07/2021/NĐ-CP)")


def test_a_member_label_callback_names_members_and_the_engine_adds_what_concerns_them():
    out = classify_household(_three_uninsured())
    names = {"1": "Chủ hộ: Lò Văn Páo", "2": "Vợ/chồng: Lò Thị Mai", "3": "Con: Lò Văn An"}
    seen = []

    def label(member_id, params):
        seen.append((member_id, params.get("age")))
        return f"{names.get(member_id, '?')}, {params['age']} tuổi"

    found = entries(out["explanation"], load_standard("vn-2022"), "vi", member_label=label)
    school = next(e for e in found if e.indicator == "child_school_attendance")
    assert school.members == ("?, 4 tuổi, không đi học",)
    health = next(e for e in found if e.indicator == "health_insurance")
    assert health.members[2] == "Con: Lò Văn An, 8 tuổi, không có thẻ bảo hiểm y tế"
    assert ("3", 8) in seen
    assert all("thành viên" not in m for e in found for m in e.members)


def test_dependants_read_as_a_share_and_are_listed_decree_07_2021_art_3_1_c():
    facts = household(
        "vn-2022",
        [member(), child(3), child(5), child(10), member(age=70, social_allowance=True)],
    )
    out = classify_household(facts)
    assert "dependency_ratio" in out["deprived"]
    std = load_standard("vn-2022")
    entry = next(
        e
        for e in entries(out["explanation"], std, "vi", deprived_members=out["deprived_members"])
        if e.indicator == "dependency_ratio"
    )
    assert entry.detail == "4/5 thành viên là người phụ thuộc"
    assert entry.members == ("thành viên 2", "thành viên 3", "thành viên 4", "thành viên 5")
    without = entries(out["explanation"], std, "vi")
    assert next(e for e in without if e.indicator == "dependency_ratio").members == ()


def test_member_details_say_what_is_missing_for_each_indicator():
    facts = household(
        "vn-2022",
        [
            member(employment="unemployed"),
            member(age=35, employment="wage_without_contract", relation="spouse"),
            child(17, in_school=False, diploma="primary"),
            child(20, in_school=False, diploma="lower_secondary", employment="self_employed"),
            child(2, child_nutrition="stunted"),
        ],
    )
    out = classify_household(facts)
    found = {e.indicator: e for e in entries(out["explanation"], load_standard("vn-2022"), "vi")}
    assert found["employment"].members == (
        "thành viên 1 (40 tuổi, thất nghiệp)",
        "thành viên 2 (35 tuổi, làm công ăn lương không có hợp đồng lao động)",
    )
    assert found["adult_education"].members == (
        "thành viên 3 (17 tuổi, không đi học, chưa có bằng tốt nghiệp trung học cơ sở "
        "hoặc chứng chỉ sơ cấp nghề)",
        "thành viên 4 (20 tuổi, không đi học, chưa có bằng tốt nghiệp trung học phổ thông "
        "hoặc chứng chỉ sơ cấp nghề)",
    )
    assert found["nutrition"].members == ("thành viên 5 (2 tuổi, suy dinh dưỡng thấp còi)",)


def test_household_evidence_is_shown_beside_the_condition():
    facts = household("vn-2022", [member(), member(age=38)], floor_area_m2=12.0)
    out = classify_household(facts)
    area = next(
        e
        for e in entries(out["explanation"], load_standard("vn-2022"), "vi")
        if e.indicator == "housing_area"
    )
    assert area.detail == "12 m² cho 2 người, bình quân 6 m²/người"
    assert area.members == ()


def test_given_deprivations_are_one_entry_each():
    facts = household("vn-2022", size=4, deprivations=["health_insurance", "housing_area"])
    facts["members"] = None
    out = classify_household(facts)
    found = entries(out["explanation"], load_standard("vn-2022"), "vi")
    assert [e.indicator for e in found if e.deprivation] == ["health_insurance", "housing_area"]
    assert all(e.code == "deprived_given" and e.condition for e in found if e.deprivation)
