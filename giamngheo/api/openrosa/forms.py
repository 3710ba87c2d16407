"""The form XML and its media, built from the committed XLSForm and the commune's registry."""

import csv
import hashlib
import io
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _

from giamngheo.api.openrosa import questionnaire_a
from giamngheo.api.openrosa.questionnaire import FORM_ID, FORM_VERSION, SETTINGS, XLSX_PATH
from giamngheo.geo.models import AdminUnit
from giamngheo.households.models import Household, HouseholdStatus, Member
from giamngheo.households.vocab import HousingType, PovertyClass
from giamngheo.reviews import screening, workflow
from giamngheo.reviews.facts import MEMBER_FACT_NAMES, member_facts_from_registry
from giamngheo.reviews.models import Assessment, ReviewRound, RoundStatus
from giamngheo.reviews.services.assessments import previous_assessments

MEDIA_FILES = ("households.csv", "members.csv")
FORM_ID_A = questionnaire_a.FORM_ID
# Each form's media; the same file name per form, since Collect keeps a folder per form.
FORM_MEDIA = {FORM_ID: MEDIA_FILES, FORM_ID_A: ("households.csv",)}


@lru_cache(maxsize=4)
def _convert(xlsx_bytes: bytes) -> bytes:
    from pyxform.xls2xform import convert

    return convert(xlsform=xlsx_bytes, file_type=".xlsx").xform.encode("utf-8")


def form_xml(form_id: str = FORM_ID) -> bytes:
    """The XForm converted from the committed workbook (cached while the workbook is unchanged)."""
    path = questionnaire_a.XLSX_PATH if form_id == FORM_ID_A else XLSX_PATH
    return _convert(path.read_bytes())


def md5_hash(data: bytes) -> str:
    return "md5:" + hashlib.md5(data).hexdigest()  # noqa: S324


def form_title(form_id: str = FORM_ID) -> str:
    return (questionnaire_a.SETTINGS if form_id == FORM_ID_A else SETTINGS)["form_title"]


def form_version(form_id: str = FORM_ID) -> str:
    return questionnaire_a.FORM_VERSION if form_id == FORM_ID_A else FORM_VERSION


def offered_forms(commune: AdminUnit) -> list[str]:
    """The forms of the steps the commune's rounds are in: Phiếu A while screening, Phiếu B
    while surveying. With no round in either step both are offered, so phones can be set up
    ahead; their pick-lists are then empty and refresh when the round opens."""
    steps = set(
        ReviewRound.objects.filter(
            unit=commune, status__in=(RoundStatus.SCREENING, RoundStatus.SURVEY)
        ).values_list("status", flat=True)
    )
    offered = [
        *([FORM_ID_A] if RoundStatus.SCREENING in steps else []),
        *([FORM_ID] if RoundStatus.SURVEY in steps else []),
    ]
    return offered or [FORM_ID_A, FORM_ID]


def open_round(commune: AdminUnit) -> ReviewRound | None:
    """The commune's round now collecting form B answers."""
    return (
        ReviewRound.objects.filter(unit=commune, status__in=workflow.SURVEY_OPEN)
        .order_by("-review_date", "-pk")
        .first()
    )


def screening_round(commune: AdminUnit, steps=(RoundStatus.SCREENING,)) -> ReviewRound | None:
    """The commune's round taking form A answers: in screening for the pick-list; the service
    also takes them during the survey (`workflow.SCREENING_OPEN`)."""
    return (
        ReviewRound.objects.filter(unit=commune, status__in=steps)
        .order_by("-review_date", "-pk")
        .first()
    )


def commune_households(commune: AdminUnit):
    return Household.objects.filter(
        unit__in=commune.subtree(), status=HouseholdStatus.ACTIVE
    ).select_related("unit")


def _last_assessments(commune: AdminUnit, households) -> dict[int, Assessment]:
    """Each household's latest classified assessment before the open round (last year's)."""
    current = open_round(commune)
    rows = Assessment.objects.filter(household__in=households).exclude(poverty_class="")
    if current is not None:
        rows = rows.filter(round__review_date__lt=current.review_date)
    latest: dict[int, Assessment] = {}
    for a in rows.select_related("round").order_by("round__review_date", "pk"):
        latest[a.household_id] = a
    return latest


def _csv(header: list[str], rows: list[list]) -> bytes:
    """Written as they are, without the apostrophe `giamngheo.spreadsheets` puts before
    formula-like text: ODK Collect reads these files for choices and `pulldata`, never a
    spreadsheet program, and an apostrophe would show in the form and break lookups by code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def survey_households(commune: AdminUnit) -> list[Household]:
    """The open round's households still to survey: listed, and not screened out by form A."""
    current = open_round(commune)
    if current is None:
        return []
    listed = current.assessments.filter(screened_out=False).values("household_id")
    return list(commune_households(commune).filter(pk__in=listed).order_by("code"))


def households_csv(commune: AdminUnit) -> bytes:
    """One row per household of the survey step: the choice list and last year's answers
    (pulldata)."""
    households = survey_households(commune)
    last = _last_assessments(commune, households)
    counts: dict[int, int] = {}
    for hid in Member.objects.filter(household__in=households, left_on__isnull=True).values_list(
        "household_id", flat=True
    ):
        counts[hid] = counts.get(hid, 0) + 1
    rows = []
    with translation.override("vi"):
        for h in households:
            a = last.get(h.pk)
            housing = (a.facts.get("housing_type") if a else "") or ""
            rows.append(
                [
                    h.code,
                    f"{h.code} · {h.head_name} · {h.unit.name}",
                    a.round.year if a else "",
                    str(PovertyClass(a.poverty_class).label) if a else "",
                    a.income_per_capita_month
                    if a and a.income_per_capita_month is not None
                    else "",
                    str(HousingType(housing).label) if housing in HousingType.values else "",
                    counts.get(h.pk, 0),
                ]
            )
    header = ["name", "label", "last_year", "last_class", "last_income", "last_housing"]
    return _csv([*header, "member_count"], rows)


# Member facts the form preloads as each repeat row's defaults (last year's answers). Whether
# a member was ill in the last 12 months is asked afresh every year.
PRELOADED_FACTS = tuple(n for n in MEMBER_FACT_NAMES if n != "ill_untreated")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def member_preload(member: Member, last: Assessment | None) -> dict:
    """A member's facts as the form starts from: the registry's, with last year's answers
    (the latest classified assessment before the open round) over everything but identity."""
    facts = member_facts_from_registry(member)
    before = next(
        (m for m in (last.members if last else []) if m.get("member_id") == str(member.pk)), None
    )
    if before:
        facts.update(
            {
                k: before[k]
                for k in PRELOADED_FACTS
                if k in before and k not in ("sex", "date_of_birth", "relation")
            }
        )
    return facts


def members_csv(commune: AdminUnit) -> bytes:
    """The registry's members with last year's facts, looked up by the form (pulldata) with
    the key `household#row`: row n is the household's n-th member, as `member_count` counts them.
    Only the members of the households on form B's pick-list."""
    households = survey_households(commune)
    last = _last_assessments(commune, households)
    members = (
        Member.objects.filter(household__in=households, left_on__isnull=True)
        .select_related("household")
        .order_by("household__code", "member_no")
    )
    rows = []
    row_no: dict[int, int] = {}
    for m in members:
        row_no[m.household_id] = row_no.get(m.household_id, 0) + 1
        facts = member_preload(m, last.get(m.household_id))
        rows.append(
            [
                f"{m.household.code}#{row_no[m.household_id]}",
                f"{m.full_name}" + (f" ({m.date_of_birth:%Y})" if m.date_of_birth else ""),
                m.household.code,
                str(m.pk),
                m.full_name,
                *(_csv_value(facts.get(k)) for k in PRELOADED_FACTS),
            ]
        )
    header = ["key", "label", "household", "member_id", "full_name", *PRELOADED_FACTS]
    return _csv(header, rows)


def screening_households_csv(commune: AdminUnit) -> bytes:
    """Every household listed in the round in screening, with last year's markers (pulldata).

    Screened households stay on the list, marked as such: during screening a household may be
    screened again, and the latest form A counts."""
    current = screening_round(commune)
    assessments = (
        list(
            current.assessments.filter(household__status=HouseholdStatus.ACTIVE)
            .select_related("household__unit")
            .order_by("household__code")
        )
        if current
        else []
    )
    last = previous_assessments(current, [a.household_id for a in assessments]) if current else {}
    years = dict(
        ReviewRound.objects.filter(pk__in={a.round_id for a in last.values()}).values_list(
            "pk", "year"
        )
    )
    rows = []
    with translation.override("vi"):
        labels = {m.code: str(m.label) for m in screening.MARKERS}
        for a in assessments:
            h = a.household
            label = f"{h.code} · {h.head_name} · {h.unit.name}"
            if a.screening:
                label += " · " + _("screened: %(n)d markers") % {"n": a.screening.get("count", 0)}
            before = last.get(h.pk)
            markers = before.screening.get("markers", []) if before and before.screening else None
            rows.append(
                [
                    h.code,
                    label,
                    years[before.round_id] if before and before.screening else "",
                    "; ".join(labels.get(m, m) for m in markers)
                    if markers
                    else (_("none") if markers is not None else ""),
                ]
            )
    return _csv(["name", "label", "last_year", "last_markers"], rows)


def form_media_file(commune: AdminUnit, form_id: str, filename: str) -> bytes | None:
    """A media file of `form_id`, or None when the form has no such file."""
    if filename not in FORM_MEDIA.get(form_id, ()):
        return None
    if form_id == FORM_ID_A:
        return screening_households_csv(commune)
    return media_file(commune, filename)


def media_file(commune: AdminUnit, filename: str) -> bytes | None:
    if filename == "households.csv":
        return households_csv(commune)
    if filename == "members.csv":
        return members_csv(commune)
    return None


__all__ = [
    "FORM_ID",
    "FORM_ID_A",
    "FORM_MEDIA",
    "FORM_VERSION",
    "MEDIA_FILES",
    "form_media_file",
    "form_xml",
    "md5_hash",
    "media_file",
]
