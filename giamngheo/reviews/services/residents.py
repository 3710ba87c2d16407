"""A commune's resident households per year: the denominator of every official rate
(report-forms.md §5.1), entered or imported by the commune."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.households.models import ResidentCount
from giamngheo.reviews.workbooks import parse


@transaction.atomic
def resident_count_set(
    *,
    actor: User,
    unit: AdminUnit,
    year: int,
    households: int,
    persons: int | None = None,
    source: str = "",
) -> ResidentCount:
    if not can(actor, Capability.EDIT_RECORDS, unit):
        raise PermissionDenied(_("This is outside your unit or your role."))
    errors = []
    if unit.level != Level.COMMUNE:
        errors.append(_("Resident households are counted per commune."))
    if households < 1:
        errors.append(_("Enter the number of resident households."))
    if persons is not None and persons < households:
        errors.append(_("There cannot be fewer residents than households."))
    if errors:
        raise ValidationError(errors)
    count, _created = ResidentCount.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={"households": households, "persons": persons, "source": source[:200]},
    )
    return count


def resident_counts_import(*, actor: User, name: str, content: bytes) -> int:
    """Many communes at once from a sheet with columns unit_code, year, households, persons,
    source; every bad row is reported and nothing is saved unless all are valid."""
    rows = parse(name, content).households
    errors: list[str] = []
    codes = {str(row.get("unit_code") or "").strip() for _n, row in rows}
    units = {
        u.code: u
        for u in AdminUnit.objects.filter(
            code__in=codes, level=Level.COMMUNE, valid_to__isnull=True
        )
    }
    clean = []
    for row_no, row in rows:
        code = str(row.get("unit_code") or "").strip()
        unit = units.get(code)
        if unit is None or not can(actor, Capability.EDIT_RECORDS, unit):
            errors.append(
                _("Row %(row)d: “%(code)s” is not a commune of your area; check the official code.")
                % {"row": row_no, "code": code}
            )
        numbers: dict[str, int | None] = {}
        for column, required in (("year", True), ("households", True), ("persons", False)):
            raw = row.get(column)
            if raw in (None, ""):
                if required:
                    errors.append(
                        _("Row %(row)d: column %(col)s is required.")
                        % {"row": row_no, "col": column}
                    )
                numbers[column] = None
                continue
            try:
                numbers[column] = int(str(raw).replace(".", "").replace(",", "").strip())
            except ValueError:
                errors.append(
                    _("Row %(row)d: “%(value)s” in column %(col)s is not a whole number.")
                    % {"row": row_no, "value": raw, "col": column}
                )
        clean.append((row_no, unit, numbers, str(row.get("source") or "")))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for row_no, unit, numbers, source in clean:
            try:
                resident_count_set(
                    actor=actor,
                    unit=unit,
                    year=numbers["year"],
                    households=numbers["households"],
                    persons=numbers["persons"],
                    source=source,
                )
            except ValidationError as exc:
                errors += [_("Row %(row)d: %(m)s") % {"row": row_no, "m": m} for m in exc.messages]
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return len(clean)
