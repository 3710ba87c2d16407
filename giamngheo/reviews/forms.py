"""Phone-sized forms: one per form section, built from the contract's fact lists."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from giamngheo.households.vocab import HousingType
from giamngheo.reviews import screening, workflow
from giamngheo.reviews.facts import MEMBER_FACTS, SECTIONS, Fact
from giamngheo.reviews.models import Attachment, ReviewRound, RoundType
from giamngheo.validators import validate_date_in_range

YES_NO = (("true", _("Yes")), ("false", _("No")))


def _bool(value: Any) -> bool | None:
    return {"true": True, "false": False}.get(value)


def fact_field(fact: Fact) -> forms.Field:
    common = {"label": fact.label, "required": fact.required, "help_text": fact.help}
    if fact.kind == "int":
        return forms.IntegerField(
            min_value=fact.min_value,
            max_value=fact.max_value,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    if fact.kind == "decimal":
        return forms.FloatField(
            min_value=fact.min_value,
            max_value=fact.max_value,
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
            **common,
        )
    if fact.kind in ("bool", "optional_bool"):
        choices = YES_NO if fact.required else (("", _("Not asked")), *YES_NO)
        return forms.TypedChoiceField(
            choices=choices, coerce=_bool, empty_value=None, widget=forms.RadioSelect, **common
        )
    if fact.kind == "choice":
        # Always a blank first option: a survey answer is chosen, never defaulted.
        return forms.TypedChoiceField(
            choices=(("", "—"), *fact.choices), empty_value=None, **common
        )
    if fact.kind == "multi":
        return forms.MultipleChoiceField(
            choices=fact.choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if fact.kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}),
            validators=[validate_date_in_range],
            **common,
        )
    raise ValueError(fact.kind)


def to_initial(fact: Fact, value: Any) -> Any:
    if fact.kind in ("bool", "optional_bool") and value is not None:
        return "true" if value else "false"
    return value


def to_stored(fact: Fact, value: Any) -> Any:
    if fact.kind == "date" and value:
        return value.isoformat()
    if fact.kind == "multi":
        return list(value or [])
    return value


class SectionForm(forms.Form):
    """One section of form B; `facts` decides the fields, `review_date` the age checks."""

    def __init__(self, *args, facts: tuple[Fact, ...], review_date: dt.date, values: dict, **kw):
        super().__init__(*args, **kw)
        self.facts = facts
        self.review_date = review_date
        for fact in facts:
            self.fields[fact.name] = fact_field(fact)
            self.fields[fact.name].initial = to_initial(fact, values.get(fact.name))

    def clean(self) -> dict:
        data = super().clean()
        area = data.get("floor_area_m2")
        if "housing_type" in data and area == 0 and data["housing_type"] != HousingType.NONE:
            self.add_error("floor_area_m2", _("Floor area 0 is only possible with no house."))
        born = data.get("date_of_birth")
        if born:
            if born > self.review_date or born.year < 1900:
                self.add_error(
                    "date_of_birth", _("The date of birth must be before the review date.")
                )
            else:
                age = (
                    self.review_date.year
                    - born.year
                    - ((self.review_date.month, self.review_date.day) < (born.month, born.day))
                )
                if (
                    age < 16
                    and "child_nutrition" in self.fields
                    and not data.get("child_nutrition")
                ):
                    self.add_error(
                        "child_nutrition",
                        _("Required for children under 16 (nutrition indicator)."),
                    )
        return data

    def stored(self) -> dict:
        return {f.name: to_stored(f, self.cleaned_data.get(f.name)) for f in self.facts}

    def touched_errors(self) -> dict[str, list[str]]:
        """Errors of the fields already filled in, for validation as the person types: an
        empty field they have not reached yet is not an error to show."""
        self.is_valid()
        touched = {name for name, value in self.data.items() if value}
        return {name: self.errors.get(name, []) if name in touched else [] for name in self.fields}


def error_messages(form: forms.Form) -> list[str]:
    """Each error of a form as one sentence, after its field's label (shown as page messages)."""
    out: list[str] = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        out.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return out


def section_form(section: str, *, data=None, review_date: dt.date, values: dict) -> SectionForm:
    facts = SECTIONS[section][1] if section in SECTIONS else MEMBER_FACTS
    return SectionForm(data, facts=facts, review_date=review_date, values=values)


class ScreeningForm(forms.Form):
    markers = forms.MultipleChoiceField(
        label=_("Form A markers that apply"),
        choices=[(m.code, m.label) for m in screening.MARKERS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class VillageScreeningForm(forms.Form):
    """Form A for a village as the table posts it: the rows shown, each row's ticks (`m-<id>`),
    the rows confirmed unchanged, and the confirmation that they were asked."""

    def __init__(self, *args, review_round: ReviewRound, **kw):
        super().__init__(*args, **kw)
        self.review_round = review_round

    def clean(self) -> dict:
        if self.review_round.status not in workflow.SCREENING_OPEN:
            raise forms.ValidationError(
                _("Form A is recorded during the screening and survey steps, not in “%(step)s”.")
                % {"step": self.review_round.get_status_display()}
            )
        try:
            shown = [int(v) for v in self.data.getlist("shown")]
            unchanged = [int(v) for v in self.data.getlist("unchanged")]
        except ValueError:
            raise forms.ValidationError(_("The form was damaged; reload the page.")) from None
        return {
            "rows": {i: self.data.getlist(f"m-{i}") for i in shown},
            "confirm_unchanged": unchanged,
            "confirmed": self.data.get("confirmed") == "on",
        }


class RoundCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Commune"), queryset=None)
    round_type = forms.ChoiceField(label=_("Round type"), choices=RoundType.choices)
    review_date = forms.DateField(
        label=_("Review date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, units, **kw):
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = units
        # A commune officer has one commune: it is chosen already.
        only = list(units[:2])
        if len(only) == 1:
            self.fields["unit"].initial = only[0].pk


class AdvanceForm(forms.Form):
    reason = forms.CharField(label=_("Reason or note"), required=False, max_length=1000)
    target = forms.CharField(required=False, widget=forms.HiddenInput)


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Meeting held on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=100_000)
    agreed = forms.IntegerField(label=_("Attendees who agreed"), min_value=0, max_value=100_000)


class ApprovalForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = forms.DateField(
        label=_("Decision date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("type of attached document", "Kind"), choices=Attachment.Kind.choices
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class ComplaintForm(forms.Form):
    """The household is picked by searching (a commune has hundreds): the page's script fills the
    hidden `household` id from the search results; without the script, the code typed exactly
    picks it."""

    household_search = forms.CharField(
        label=_("Household"),
        max_length=100,
        required=False,
        help_text=_("Type the code, the head's name or the address, then choose from the list."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-household-search": ""}),
    )
    household = forms.ModelChoiceField(
        label=_("Household"),
        queryset=None,
        required=False,
        widget=forms.HiddenInput(attrs={"data-household-id": ""}),
        error_messages={"invalid_choice": _("This household does not belong to the commune.")},
    )
    received_on = forms.DateField(
        label=_("Received on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
        validators=[validate_date_in_range],
    )
    complainant = forms.CharField(label=_("Complainant"), max_length=120)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, households, search_url: str = "", **kw):
        super().__init__(*args, **kw)
        self.fields["household"].queryset = households
        if search_url:
            self.fields["household_search"].widget.attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:250ms, search",
                    "hx-target": "#household-matches",
                    "aria-controls": "household-matches",
                }
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("household") is None and "household" not in self.errors:
            typed = (cleaned.get("household_search") or "").strip()
            found = (
                self.fields["household"].queryset.filter(code__iexact=typed).first()
                if typed
                else None
            )
            if found is None:
                self.add_error(
                    "household_search",
                    _(
                        "Choose the household from the search results, or type its code "
                        "exactly as in the registry (for example 31-11001-000001)."
                    ),
                )
            cleaned["household"] = found
        cleaned.pop("household_search", None)
        return cleaned


class RecheckForm(forms.Form):
    """The decision on a complaint; unless it is dismissed, the section's answers shown beside it
    are re-checked with it and must be valid too."""

    resolution = forms.CharField(
        label=_("Result of the re-check"), widget=forms.Textarea(attrs={"rows": 3})
    )
    dismiss = forms.BooleanField(label=_("Dismiss: the posted result stands"), required=False)

    def __init__(self, *args, section: str, answers: SectionForm, **kw):
        super().__init__(*args, **kw)
        self.section = section
        self.answers = answers

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("dismiss") and not self.answers.is_valid():
            for message in error_messages(self.answers):
                self.add_error(None, message)
        return data

    def decision(self) -> dict[str, Any]:
        """The keyword arguments of `complaint_recheck`."""
        dismiss = self.cleaned_data["dismiss"]
        return {
            "resolution": self.cleaned_data["resolution"],
            "dismiss": dismiss,
            "changes": None if dismiss else {self.section: self.answers.stored()},
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Filled template (.xlsx or .csv)"))


class ChangeRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence"))


class BaselineForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Commune"), queryset=None)
    year = forms.IntegerField(label=_("Year of the lists"), min_value=2015, max_value=2100)
    decision_number = forms.CharField(label=_("Number of the province's decision"), max_length=60)
    decision_date = forms.DateField(
        label=_("Date of the decision"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    file = forms.FileField(label=_("List (.xlsx or .csv: household_code, class)"))

    def __init__(self, *args, units, **kw):
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = units


class ResidentCountForm(forms.Form):
    households = forms.IntegerField(label=_("Resident households"), min_value=1)
    persons = forms.IntegerField(label=_("Resident persons"), min_value=1, required=False)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    @classmethod
    def showing(cls, residents: Any) -> "ResidentCountForm":
        """The form filled with the year's recorded count, if there is one."""
        if residents is None:
            return cls()
        return cls(initial={"households": residents.households, "persons": residents.persons})


class SubmissionReviewForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SubmissionDismissForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=500)


class MemberChangeConfirmForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MemberChangeRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
