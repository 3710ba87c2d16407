"""Forms of the registry pages; the rules themselves live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.households import rules
from giamngheo.households.models import Household, LifeEvent, Member
from giamngheo.households.services.common import REASON_MAX
from giamngheo.households.services.records import MEMBER_FIELDS
from giamngheo.households.vocab import MEMBER_EVENTS, PovertyCause, Relation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def reason_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        max_length=REASON_MAX,
        required=required,
        help_text=_(
            "Kept in the audit history, e.g. the meeting minutes or the request it follows."
        ),
    )


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "code",
            "unit",
            "address",
            "area",
            "head_ethnicity",
            "phone",
            "has_merit_person",
            "social_protection",
            "no_working_capacity",
        ]

    def __init__(self, *args, villages=None, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = villages
        self.fields["area"].required = False
        self.fields["area"].help_text = _("Empty: by the commune (xã rural, phường urban).")
        if editing:
            del self.fields["code"]
            self.fields["reason"] = reason_field()

    def _post_clean(self) -> None:
        # The services validate and save; the model's own checks would run twice.
        pass


class MemberForm(forms.ModelForm):
    confirm_duplicates = forms.BooleanField(
        label=_("I have checked: this is a different person"),
        required=False,
    )

    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {"date_of_birth": DATE, "left_on": DATE}

    def __init__(self, *args, head: bool = False, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizen_id"].widget.attrs.update(
            {"inputmode": "numeric", "pattern": rules.CITIZEN_ID_PATTERN, "autocomplete": "off"}
        )
        if head:
            del self.fields["relation"]
            del self.fields["left_on"]
        if editing:
            self.fields["reason"] = reason_field()

    def _post_clean(self) -> None:
        pass

    def member_data(self) -> dict:
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in ("confirm_duplicates", "reason")
        }
        if "relation" not in self.fields:
            data["relation"] = Relation.HEAD
        return data


class LifeEventForm(forms.ModelForm):
    related_code = forms.CharField(
        label=_("Code of the other household"),
        required=False,
        max_length=32,
        help_text=_("For a split or a merge: the new household, or the one it merged into."),
    )
    reason = reason_field()

    class Meta:
        model = LifeEvent
        fields = ["kind", "date", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A member's birth, death or move is recorded with the member's own change.
        field = self.fields["kind"]
        field.choices = [c for c in field.choices if c[0] not in MEMBER_EVENTS]

    def _post_clean(self) -> None:
        pass


class CausesForm(forms.Form):
    causes = forms.MultipleChoiceField(
        label=_("Causes of poverty"),
        choices=PovertyCause.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = reason_field()


class MergeForm(forms.Form):
    keep_code = forms.CharField(
        label=_("Code of the household to keep"),
        max_length=32,
        help_text=_("This household's members move there; this one leaves the lists."),
    )
    reason = reason_field()


class RemoveForm(forms.Form):
    reason = reason_field()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file"),
        help_text=_(
            "The .xlsx template (sheets “Households” and “Members”), or households as .csv."
        ),
    )
    members_file = forms.FileField(
        label=_("Members file (.csv)"), required=False, help_text=_("Only with a households .csv.")
    )
    reason = reason_field(required=False)
