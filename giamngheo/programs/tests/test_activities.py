import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from giamngheo.accounts.tests.factories import OrganisationFactory
from giamngheo.programs.models import Activity, ActivityStatus, Evidence
from giamngheo.programs.selectors import activities_editable, program_progress
from giamngheo.programs.services import IndicatorSpec, activity_create, activity_report, plan_create

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _housing_activity(program, orgs, actor, **overrides):
    department, front = orgs
    kwargs = dict(
        actor=actor,
        content_area=program.content_areas.get(number=2),
        title="Vận động xây nhà Đại đoàn kết",
        responsible=front,
        cooperating=[department],
        unit=program.unit,
        planned_start=dt.date(2024, 3, 1),
        planned_end=dt.date(2024, 11, 18),
        budget=2_400_000_000,
        indicators=[IndicatorSpec("Hộ được hỗ trợ nhà ở", 120, "hộ")],
    )
    kwargs.update(overrides)
    return activity_create(**kwargs)


def test_activity_is_planned_and_reported_with_evidence(
    former_program, former_orgs, province_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan = plan_create(actor=province_officer, program=former_program, year=2024)
    activity = _housing_activity(former_program, former_orgs, province_officer, plan=plan)
    indicator = activity.indicators.get()
    assert [p.organisation for p in activity.cooperating.all()] == [former_orgs[0]]

    activity_report(
        actor=province_officer,
        activity=activity,
        status=ActivityStatus.DONE,
        result_summary="Đã bàn giao 96 nhà",
        achieved={indicator.pk: 96},
        evidence=[(SimpleUploadedFile("ảnh bàn giao.png", PNG), "Bàn giao nhà")],
    )
    activity.refresh_from_db()
    indicator.refresh_from_db()
    assert activity.status == ActivityStatus.DONE and activity.reported_by == province_officer
    assert indicator.achieved == 96 and indicator.percent == 80
    evidence = Evidence.objects.get(activity=activity)
    assert evidence.file.name.endswith(".png") and "ảnh" not in evidence.file.name


def test_progress_per_content_area_and_per_party(former_program, former_orgs, province_officer):
    activity = _housing_activity(former_program, former_orgs, province_officer)
    _housing_activity(
        former_program,
        former_orgs,
        province_officer,
        content_area=former_program.content_areas.get(number=1),
        title="Tuyên truyền trên sóng phát thanh",
        responsible=former_orgs[0],
        cooperating=[],
        budget=50_000_000,
        indicators=[],
    )
    activity_report(
        actor=province_officer,
        activity=activity,
        status=ActivityStatus.DONE,
        result_summary="",
        achieved={activity.indicators.get().pk: 60},
    )
    progress = program_progress(actor=province_officer, program=former_program)
    by_area = {area.number: p for area, p in progress.areas}
    assert (by_area[2].activities, by_area[2].done, by_area[2].percent_achieved) == (1, 1, 50)
    assert (by_area[1].activities, by_area[1].done, by_area[1].percent_achieved) == (1, 0, None)
    assert by_area[3].activities == 0
    by_party = {party.organisation: p for party, p in progress.parties}
    assert by_party[former_orgs[1]].budget == 2_400_000_000
    assert by_party[former_orgs[0]].extra == {"cooperating": 1}


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(2020, 12, 1), dt.date(2021, 2, 1), "planned_start"),
        (dt.date(2025, 12, 1), dt.date(2026, 1, 31), "planned_end"),
        (dt.date(2024, 5, 1), dt.date(2024, 4, 1), "planned_end"),
    ],
)
def test_activity_dates_outside_the_program_period_are_refused(
    former_program, former_orgs, province_officer, start, end, field
):
    with pytest.raises(ValidationError) as error:
        _housing_activity(
            former_program, former_orgs, province_officer, planned_start=start, planned_end=end
        )
    assert field in error.value.message_dict
    assert not Activity.objects.exists()


def test_responsible_organisation_must_be_a_party(
    units, former_program, former_orgs, province_officer
):
    outsider = OrganisationFactory(unit=units["FP"], name="Hội Cựu chiến binh")
    with pytest.raises(ValidationError) as error, translation.override("en"):
        _housing_activity(former_program, former_orgs, province_officer, responsible=outsider)
    assert "is not a party of this program" in error.value.message_dict["responsible"][0]
    with pytest.raises(ValidationError) as error:
        _housing_activity(former_program, former_orgs, province_officer, cooperating=[outsider])
    assert "cooperating" in error.value.message_dict
    assert not Activity.objects.exists()


def test_negative_budget_is_refused(former_program, former_orgs, province_officer):
    with pytest.raises(ValidationError):
        _housing_activity(former_program, former_orgs, province_officer, budget=-1)
    assert not Activity.objects.exists()


def test_activity_unit_may_be_a_unit_that_took_over_the_former_province(
    units, former_program, former_orgs, province_officer
):
    activity = _housing_activity(
        former_program,
        former_orgs,
        province_officer,
        unit=units["A"],
        planned_start=dt.date(2025, 7, 1),
        planned_end=dt.date(2025, 9, 30),
    )
    assert activity.unit == units["A"]


def test_activity_unit_outside_the_program_is_refused(
    units, former_program, former_orgs, province_officer
):
    with pytest.raises(ValidationError) as error:
        _housing_activity(former_program, former_orgs, province_officer, unit=units["C"])
    assert "unit" in error.value.message_dict


def test_partner_officer_edits_only_their_own_organisations_activities(
    former_program, former_orgs, province_officer, front_officer, department_officer
):
    fronts = _housing_activity(former_program, former_orgs, province_officer)
    departments = _housing_activity(
        former_program, former_orgs, province_officer, responsible=former_orgs[0], cooperating=[]
    )
    activity_report(
        actor=front_officer,
        activity=fronts,
        status=ActivityStatus.IN_PROGRESS,
        result_summary="Đang làm",
    )
    with pytest.raises(PermissionDenied):
        activity_report(
            actor=front_officer,
            activity=departments,
            status=ActivityStatus.DONE,
            result_summary="",
        )
    assert list(activities_editable(actor=front_officer)) == [fronts]
    assert list(activities_editable(actor=department_officer)) == [departments]
    departments.refresh_from_db()
    assert departments.status == ActivityStatus.PLANNED


def test_partner_officer_cannot_plan_an_activity_for_another_party(
    former_program, former_orgs, front_officer
):
    with pytest.raises(PermissionDenied):
        _housing_activity(former_program, former_orgs, front_officer, responsible=former_orgs[0])
    assert (
        _housing_activity(former_program, former_orgs, front_officer).responsible.organisation
        == former_orgs[1]
    )


def test_other_province_officer_cannot_report(
    former_program, former_orgs, province_officer, other_province_officer
):
    activity = _housing_activity(former_program, former_orgs, province_officer)
    with pytest.raises(PermissionDenied):
        activity_report(
            actor=other_province_officer, activity=activity, status="done", result_summary=""
        )


def test_report_with_a_bad_evidence_file_saves_nothing(
    former_program, former_orgs, province_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    activity = _housing_activity(former_program, former_orgs, province_officer)
    with pytest.raises(ValidationError):
        activity_report(
            actor=province_officer,
            activity=activity,
            status=ActivityStatus.DONE,
            result_summary="Xong",
            achieved={activity.indicators.get().pk: 120},
            evidence=[(SimpleUploadedFile("virus.png", b"MZ\x90"), "")],
        )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED
    assert activity.indicators.get().achieved == 0
    assert not Evidence.objects.exists()
