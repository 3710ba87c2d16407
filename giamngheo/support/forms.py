from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.support.models import (
    Campaign,
    ContributionKind,
    Fund,
    Pledge,
    SupportKind,
    SupportSource,
)
from giamngheo.validators import validate_date_in_range

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContributionForm(forms.Form):
    donor_name = forms.CharField(label=_("Donor"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices)
    amount = forms.IntegerField(
        label=_("Amount or estimated value (VND)"),
        min_value=1,
        error_messages={"min_value": _("The amount must be above zero.")},
    )
    goods = forms.CharField(label=_("Goods (in kind)"), max_length=300, required=False)
    received_on = forms.DateField(
        label=_("Received on"), widget=DATE, validators=[validate_date_in_range]
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    pledge = forms.ModelChoiceField(
        label=_("Pledge"), queryset=Pledge.objects.none(), required=False
    )
    earmark = forms.CharField(label=_("Earmarked for"), max_length=200, required=False)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40, required=False)
    acknowledge = forms.BooleanField(label=_("Name publicly"), required=False, initial=True)

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = fund.campaigns.all()
        self.fields["pledge"].queryset = fund.pledges.select_related("donor")


class DisbursementForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Amount (VND)"),
        min_value=1,
        error_messages={"min_value": _("The amount must be above zero.")},
    )
    disbursed_on = forms.DateField(
        label=_("Disbursed on"), widget=DATE, validators=[validate_date_in_range]
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    recipient = forms.CharField(label=_("Recipient"), max_length=200, required=False)
    household_code = forms.CharField(
        label=_("Household code"),
        max_length=32,
        required=False,
        help_text=_(
            "When the money goes to a household of the registry: its support is recorded too."
        ),
    )
    support_kind = forms.ChoiceField(
        label=_("Kind of support"), choices=[("", "—"), *SupportKind.choices], required=False
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=80, required=False)


class HouseholdSearchForm(forms.Form):
    code = forms.CharField(label=_("Household code"), max_length=32, required=False)


# Fund-sourced support is recorded by the disbursement itself, with its ledger entry; support
# from a program activity is recorded where the activity is known (admin, services).
RECORDABLE_SOURCES = [
    (value, label)
    for value, label in SupportSource.choices
    if value not in (SupportSource.FUND, SupportSource.ACTIVITY)
]


class SupportRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    value = forms.IntegerField(
        label=_("Value (VND)"),
        min_value=1,
        error_messages={"min_value": _("The value must be above zero.")},
    )
    given_on = forms.DateField(label=_("Date"), widget=DATE, validators=[validate_date_in_range])
    source = forms.ChoiceField(label=_("Source"), choices=RECORDABLE_SOURCES)
    budget_line = forms.CharField(label=_("Budget line"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=DATE, validators=[validate_date_in_range]
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, validators=[validate_date_in_range])
    target_amount = forms.IntegerField(
        label=_("Target (VND)"),
        min_value=1,
        required=False,
        error_messages={"min_value": _("The amount must be above zero.")},
    )


class PledgeForm(forms.Form):
    donor_name = forms.CharField(label=_("Donor"), max_length=200)
    amount = forms.IntegerField(
        label=_("Amount pledged (VND)"),
        min_value=1,
        error_messages={"min_value": _("The amount must be above zero.")},
    )
    pledged_on = forms.DateField(
        label=_("Pledged on"), widget=DATE, validators=[validate_date_in_range]
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    earmark = forms.CharField(label=_("Earmarked for"), max_length=200, required=False)

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = fund.campaigns.all()
