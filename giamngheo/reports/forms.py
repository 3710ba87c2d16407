from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.scoping import unit_q
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.reports.models import Target


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
