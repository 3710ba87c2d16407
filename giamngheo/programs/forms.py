import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from giamngheo.accounts.models import Organisation, User
from giamngheo.accounts.scoping import unit_q
from giamngheo.geo.models import AdminUnit, Level, q_within
from giamngheo.programs.models import (
    ActivityStatus,
    AnnualPlan,
    AwardForm,
    ConferenceKind,
    ContentArea,
    ContentCategory,
    CoordinationProgram,
    InspectionKind,
    RecommendationStatus,
    ReviewKind,
)
from giamngheo.programs.services import AreaSpec, IndicatorSpec, LegalBasisSpec, PartySpec
from giamngheo.validators import validate_date_in_range

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    document_number = forms.CharField(label=_("Number / symbol"), max_length=80, required=False)


class AreaForm(forms.Form):
    title = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ContentCategory.objects.filter(is_active=True), required=False
    )


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=_("Signed document (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )


def _program_units(actor: User, program: CoordinationProgram):
    units = AdminUnit.objects.filter(unit_q(actor, unit_field="")).exclude(level=Level.VILLAGE)
    return (
        units.filter(q_within(program.unit))
        | units.filter(predecessions__predecessor=program.unit)
        | AdminUnit.objects.filter(pk=program.unit_id)
    )


class ActivityForm(forms.Form):
    content_area = forms.ModelChoiceField(
        label=_("Content area"), queryset=ContentArea.objects.none()
    )
    plan = forms.ModelChoiceField(
        label=_("Annual plan"), queryset=AnnualPlan.objects.none(), required=False
    )
    title = forms.CharField(label=_("Activity"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible party"), queryset=Organisation.objects.none()
    )
    cooperating = forms.ModelMultipleChoiceField(
        label=_("Cooperating parties"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ModelChoiceField(label=_("Administrative unit"), queryset=AdminUnit.objects.none())
    planned_start = forms.DateField(
        label=_("Planned start"), widget=DATE, validators=[validate_date_in_range]
    )
    planned_end = forms.DateField(
        label=_("Planned end"), widget=DATE, validators=[validate_date_in_range]
    )
    budget = forms.IntegerField(label=_("Budget (VND)"), min_value=0, initial=0)
    indicators = forms.CharField(
        label=_("Indicators and targets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'One per line: name; target; unit of measure — e.g. "Households supported with housing; 120; households".'
        ),
    )

    def __init__(self, *args, actor: User, program: CoordinationProgram, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_area"].queryset = program.content_areas.all()
        self.fields["plan"].queryset = program.plans.all()
        organisations = Organisation.objects.filter(program_parties__program=program)
        self.fields["responsible"].queryset = organisations
        self.fields["cooperating"].queryset = organisations
        self.fields["unit"].queryset = _program_units(actor, program).distinct().order_by("path")
        self.fields["unit"].initial = program.unit_id

    def clean_indicators(self) -> list[IndicatorSpec]:
        specs = []
        for number, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            try:
                target = int(parts[1].replace(".", ""))
            except (IndexError, ValueError):
                target = 0
            if not parts[0] or target <= 0:
                raise ValidationError(
                    _(
                        "Line %(number)d: write the name, then a target above zero, separated by ';'."
                    ),
                    params={"number": number},
                )
            specs.append(IndicatorSpec(parts[0], target, parts[2] if len(parts) > 2 else ""))
        return specs


class ReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    result_summary = forms.CharField(
        label=_("Reported results"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    evidence_title = forms.CharField(
        label=_("Title of the evidence"), max_length=200, required=False
    )

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for indicator in activity.indicators.all():
            name = f"indicator_{indicator.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{indicator.name} ({_('target')} {indicator.target} {indicator.measure})",
                min_value=0,
                initial=indicator.achieved,
            )
            self.indicator_fields.append((indicator.pk, name))
        self.fields["status"].initial = activity.status
        self.fields["result_summary"].initial = activity.result_summary

    def achieved(self) -> dict[int, int]:
        return {pk: self.cleaned_data[name] for pk, name in self.indicator_fields}


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Follow-up status"), choices=RecommendationStatus.choices)
    follow_up = forms.CharField(label=_("Follow-up"), max_length=2000, required=False)
    resolved_on = forms.DateField(
        label=_("Resolved on"), widget=DATE, required=False, validators=[validate_date_in_range]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ProgramForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    document_number = forms.CharField(label=_("Number / symbol"), max_length=80, required=False)
    signed_on = forms.DateField(
        label=_("Signing date"), widget=DATE, validators=[validate_date_in_range]
    )
    start_year = forms.IntegerField(label=_("First year"), min_value=1945, max_value=2100)
    end_year = forms.IntegerField(
        label=pgettext_lazy("final year of a program", "Last year"), min_value=1945, max_value=2100
    )
    unit = forms.ModelChoiceField(label=_("Administrative unit"), queryset=AdminUnit.objects.none())
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more organisations."),
    )
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    legal_bases = forms.CharField(
        label=_("Legal bases"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            'One per line: number; date (dd/mm/yyyy); issued by — e.g. "05-CT/TW; 23/06/2021; Ban Bí thư".'
        ),
    )
    content_areas = forms.CharField(
        label=_("Content areas"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, in order; the category is chosen afterwards on each area."),
    )
    signed_document = forms.FileField(
        label=_("Signed document (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.filter(unit_q(actor, unit_field="")).filter(
            level__in=[Level.PROVINCE, Level.COMMUNE]
        )
        self.fields["unit"].queryset = units.order_by("level", "name")
        self.fields["parties"].queryset = Organisation.objects.filter(
            unit_q(actor, unit_field="unit")
        ).select_related("unit")

    def clean_parties(self):
        parties = self.cleaned_data["parties"]
        if len(parties) < 2:
            raise ValidationError(
                _("A coordination program has at least two different organisations.")
            )
        return [PartySpec(organisation) for organisation in parties]

    def clean_legal_bases(self) -> list[LegalBasisSpec]:
        bases = []
        for number, line in enumerate(_lines(self.cleaned_data["legal_bases"]), start=1):
            parts = [p.strip() for p in line.split(";")]
            issued_on = None
            if len(parts) > 1 and parts[1]:
                try:
                    issued_on = dt.datetime.strptime(parts[1], "%d/%m/%Y").date()
                except ValueError:
                    raise ValidationError(
                        _("Line %(number)d: write the date as dd/mm/yyyy."),
                        params={"number": number},
                    ) from None
            bases.append(
                LegalBasisSpec(parts[0][:80], issued_on, parts[2] if len(parts) > 2 else "")
            )
        return bases

    def clean_content_areas(self) -> list[AreaSpec]:
        return [AreaSpec(line) for line in _lines(self.cleaned_data["content_areas"])]


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE, validators=[validate_date_in_range])
    period_label = forms.CharField(label=_("Period reviewed"), max_length=60, required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    report = forms.FileField(
        label=_("Report (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )


class CommendationForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=80)
    decided_on = forms.DateField(
        label=_("Decision date"), widget=DATE, validators=[validate_date_in_range]
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    award_form = forms.ChoiceField(label=_("Form of award"), choices=AwardForm.choices)
    recipient_organisation = forms.ModelChoiceField(
        label=_("Organisation awarded"), queryset=Organisation.objects.none(), required=False
    )
    recipient_person = forms.CharField(label=_("Person awarded"), max_length=160, required=False)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_organisation"].queryset = Organisation.objects.filter(
            unit_q(actor, unit_field="unit")
        )


class ConferenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConferenceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = forms.DateField(label=_("Date"), widget=DATE, validators=[validate_date_in_range])
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    participant_count = forms.IntegerField(
        label=_("Number of participants"), min_value=0, initial=0
    )
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    unit = forms.ModelChoiceField(label=_("Inspected unit"), queryset=AdminUnit.objects.none())
    planned_on = forms.DateField(
        label=_("Planned date"), widget=DATE, validators=[validate_date_in_range]
    )
    program = forms.ModelChoiceField(
        label=_("Coordination program"), queryset=CoordinationProgram.objects.none(), required=False
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, actor: User, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            AdminUnit.objects.filter(unit_q(actor, unit_field=""))
            .exclude(level=Level.VILLAGE)
            .order_by("level", "name")
        )
        self.fields["program"].queryset = programs
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(
            unit_q(actor, unit_field="unit")
        )


class InspectionResultForm(forms.Form):
    conducted_on = forms.DateField(
        label=_("Conducted on"), widget=DATE, validators=[validate_date_in_range]
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none()
    )
    deadline = forms.DateField(
        label=_("Deadline"), widget=DATE, validators=[validate_date_in_range]
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = Organisation.objects.filter(
            unit_q(actor, unit_field="unit")
        )
