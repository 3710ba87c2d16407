"""The citizen's request form and the officer's confirm and refuse forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.portal.models import CitizenRequest
from giamngheo.portal.requests import TEXT_MAX


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you ask for?"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Your request"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What should be reviewed or corrected, and why."),
    )
    phone = forms.CharField(
        label=_("Contact phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CitizenRequest.Kind.choices)
        # Only what the day allows is offered; the service checks it again.
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]


class ConfirmForm(forms.Form):
    evidence = forms.FileField(
        label=_("Signed request or evidence"),
        required=False,
        help_text=_("Needed for a regular review or a correction: the change request keeps it."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The household reads it on its tracking page: write no personal data."),
    )
