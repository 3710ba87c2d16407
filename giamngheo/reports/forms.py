from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo import law
from giamngheo.accounts.scoping import unit_q
from giamngheo.geo.models import AdminUnit, Area, Level
from giamngheo.reports.models import Target
from giamngheo.standards import StandardError, load_standard
from giamngheo.standards.whatif import LineProblem, line_problems


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["unit", "year", "measure", "value", "legal_basis"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            AdminUnit.objects.filter(unit_q(actor, unit_field=""))
            .filter(level__in=[Level.PROVINCE, Level.COMMUNE], valid_to__isnull=True)
            .order_by("-level", "code")
        )
        self.fields["year"].min_value = 2000
        self.fields["year"].max_value = 2100
        self.fields["value"].help_text = _("e.g. 1.5 for a fall of 1.5 points")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("The year must be a number such as 2025."))
        return year


# The what-if page's income lines: rural and urban, each optional (blank keeps the standard's).
WHATIF_LINES = ("poverty_line", "near_poor_line", "middle_upper")
WHATIF_AREAS = ("rural", "urban")
_LINE_LABELS = {
    "poverty_line": _("Poverty line"),
    "near_poor_line": _("Near-poor line"),
    "middle_upper": _("Middle living standard: upper bound"),
}
_AREA_LABELS = dict(Area.choices)


def _line_problem_message(problem: LineProblem) -> str:
    """`standards.whatif.line_problems`' codes as sentences (the rule lives in the engine)."""
    p = dict(problem.params)
    messages = {
        "not_positive": _("Enter a whole number of dong above 0."),
        "below_national": _(
            "A province may only raise a line: %(national)s is the national figure."
        ),
        "one_line": _(
            "Under %(standard)s the poor and the near-poor share one income line: leave the "
            "near-poor line empty or equal to the poverty line."
        ),
        "near_below_poverty": _(
            "The near-poor line must not be below the poverty line (%(poverty)s)."
        ),
        "upper_below_near": _(
            "The upper bound of the middle band must not be below the near-poor line (%(near)s)."
        ),
    }
    if isinstance(p.get("standard"), str):
        p["standard"] = law.standard_named(p["standard"])
    for key in ("national", "poverty", "near"):
        if isinstance(p.get(key), int):
            p[key] = f"{p[key]:,}".replace(",", ".")
    return messages[problem.code] % p


class WhatIfForm(forms.Form):
    """Unit, standard and the province's own lines (VND per person per month), all optional."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=AdminUnit.objects.none())
    standard = forms.ChoiceField(label=_("Poverty standard"))

    def __init__(self, *args, actor, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            AdminUnit.objects.filter(unit_q(actor, unit_field=""))
            .filter(level__in=[Level.PROVINCE, Level.COMMUNE], valid_to__isnull=True)
            .order_by("-level", "code")
        )
        self.fields["standard"].choices = [(s, law.standard_named(s)) for s in standards]
        for area in WHATIF_AREAS:
            for line in WHATIF_LINES:
                self.fields[f"{area}_{line}"] = forms.IntegerField(
                    label=f"{_LINE_LABELS[line]} ({_AREA_LABELS[area]})",
                    required=False,
                    min_value=1,
                    max_value=1_000_000_000,
                )

    def lines(self) -> dict[str, dict[str, int | None]]:
        return {
            area: {line: self.cleaned_data.get(f"{area}_{line}") for line in WHATIF_LINES}
            for area in WHATIF_AREAS
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("standard"):
            return cleaned
        try:
            base = load_standard(cleaned["standard"])
        except StandardError:
            raise forms.ValidationError(_("Choose a standard from the list.")) from None
        for problem in line_problems(base, self.lines()):
            self.add_error(f"{problem.area}_{problem.field}", _line_problem_message(problem))
        return cleaned
