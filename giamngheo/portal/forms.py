"""The citizen lookup form: what is on the head's citizen ID card, and the household's code."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from giamngheo.households.rules import CITIZEN_ID_PATTERN, CITIZEN_ID_REGEX, MSG_CITIZEN_ID
from giamngheo.validators import validate_date_in_range

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnechoedInput(forms.TextInput):
    """A field whose value is never sent back: a public page never shows a citizen ID."""

    def format_value(self, value):
        return None


class LookupForm(forms.Form):
    citizen_id = forms.CharField(
        label=_("Citizen ID number of the head of household"),
        max_length=12,
        validators=[RegexValidator(CITIZEN_ID_REGEX, MSG_CITIZEN_ID)],
        widget=UnechoedInput(
            attrs={
                "inputmode": "numeric",
                "pattern": CITIZEN_ID_PATTERN,
                "autocomplete": "off",
            }
        ),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth of the head of household"),
        widget=DATE,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[validate_date_in_range],
    )
    code = forms.CharField(
        label=_("Lookup code (optional)"),
        required=False,
        max_length=20,
        help_text=_("Printed on the slip the commune gave the household, e.g. ABCDE-FGHJK."),
        widget=UnechoedInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_citizen_id(self) -> str:
        return self.cleaned_data["citizen_id"].strip()
