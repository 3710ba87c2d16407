"""The first year's start-of-period lists: those recognised by the province's decision."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.errors import Conflict, DomainError
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.history import REASON_MAX, stamp
from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews.models import Baseline, BaselineEntry
from giamngheo.reviews.workbooks import parse
from giamngheo.standards import StandardError, select_standard

# Accepted spellings of the class column in an imported baseline list.
CLASS_WORDS = {
    "poor": PovertyClass.POOR,
    "nghèo": PovertyClass.POOR,
    "hộ nghèo": PovertyClass.POOR,
    "near_poor": PovertyClass.NEAR_POOR,
    "cận nghèo": PovertyClass.NEAR_POOR,
    "hộ cận nghèo": PovertyClass.NEAR_POOR,
}


@transaction.atomic
def baseline_create(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    decision_number: str,
    decision_date: dt.date,
    entries: list[tuple[str, str]],
    rows: list[int] | None = None,
) -> Baseline:
    """Record the lists of `year` (household code, class); all-or-nothing, every error at once.

    The standard is the one a periodic review of `year` used (in force on 1 January year+1).
    """
    if not can(actor, Capability.RECORD_BASELINES, unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    errors = []
    if unit.level != Level.COMMUNE:
        errors.append(_("A baseline list belongs to a commune."))
    if not decision_number.strip():
        errors.append(_("Enter the number of the province's decision."))
    try:
        standard = select_standard(dt.date(year, 10, 1), "periodic").id
    except StandardError:
        standard = ""
        errors.append(_("No poverty standard applies to %(year)d.") % {"year": year})
    households = {
        h.code: h
        for h in Household.objects.filter(
            unit__in=unit.subtree(), code__in=[str(c).strip() for c, _k in entries]
        )
    }
    chosen: dict[int, BaselineEntry] = {}
    numbers = rows or list(range(2, len(entries) + 2))
    for row_no, (code, word) in zip(numbers, entries, strict=True):
        household = households.get(str(code).strip())
        klass = CLASS_WORDS.get(str(word).strip().lower())
        if household is None:
            errors.append(
                _(
                    "Row %(row)d: household code “%(code)s” is not a household of this commune; "
                    "check the code against the registry."
                )
                % {"row": row_no, "code": code}
            )
        if klass is None:
            errors.append(
                _("Row %(row)d: class “%(value)s” is not understood; write “nghèo” or “cận nghèo”.")
                % {"row": row_no, "value": word}
            )
        if household and klass:
            if household.pk in chosen:
                errors.append(
                    _("Row %(row)d: household “%(code)s” appears twice.")
                    % {"row": row_no, "code": code}
                )
            chosen[household.pk] = BaselineEntry(household=household, poverty_class=klass)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            baseline = Baseline(
                unit=unit,
                year=year,
                decision_number=decision_number.strip(),
                decision_date=decision_date,
                standard=standard,
            )
            stamp(baseline, actor=actor, reason=baseline.decision_number)
            baseline.save(force_insert=True)
    except IntegrityError:
        raise Conflict(
            _("This commune already has a baseline list for %(year)d.") % {"year": year}
        ) from None
    for entry in chosen.values():
        entry.baseline = baseline
    bulk_create_with_history(
        list(chosen.values()),
        BaselineEntry,
        default_user=actor,
        default_change_reason=baseline.decision_number[:REASON_MAX],
    )
    return baseline


def baseline_import(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    decision_number: str,
    decision_date: dt.date,
    name: str,
    content: bytes,
) -> Baseline:
    """A baseline from a spreadsheet with columns `household_code` and `class` (.xlsx or .csv)."""
    parsed = parse(name, content)
    missing = {"household_code", "class"} - set(
        parsed.households[0][1] if parsed.households else {}
    )
    if missing:
        raise DomainError(
            _("The file needs the columns household_code and class, one household a row.")
        )
    return baseline_create(
        actor=actor,
        unit=unit,
        year=year,
        decision_number=decision_number,
        decision_date=decision_date,
        entries=[
            (row.get("household_code") or "", row.get("class") or "")
            for _n, row in parsed.households
        ],
        rows=[n for n, _row in parsed.households],
    )
