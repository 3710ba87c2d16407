from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from giamngheo.programs.models import (
    Activity,
    AnnualPlan,
    Commendation,
    Conference,
    ContentArea,
    ContentCategory,
    CoordinationProgram,
    Evidence,
    Indicator,
    Inspection,
    LegalBasis,
    ProgramParty,
    ProgramReview,
    Recommendation,
)


@admin.register(ContentCategory)
class ContentCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"code": ["name"]}


class PartyFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            f
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("organisation")
        ]
        if len(kept) < 2:
            raise ValidationError(
                _("A coordination program has at least two different organisations.")
            )


class PartyInline(admin.TabularInline):
    model = ProgramParty
    formset = PartyFormSet
    extra = 2
    raw_id_fields = ["organisation"]


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


class ContentAreaInline(admin.TabularInline):
    model = ContentArea
    extra = 0


class AnnualPlanInline(admin.TabularInline):
    model = AnnualPlan
    extra = 0


@admin.register(CoordinationProgram)
class CoordinationProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "document_number", "signed_on", "start_year", "end_year", "unit"]
    list_filter = ["start_year"]
    search_fields = ["title", "document_number"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [PartyInline, LegalBasisInline, ContentAreaInline, AnnualPlanInline]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "content_area",
        "responsible",
        "planned_start",
        "planned_end",
        "status",
    ]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["content_area", "plan", "responsible", "unit", "reported_by"]
    filter_horizontal = ["cooperating"]
    inlines = [IndicatorInline, EvidenceInline]


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "unit", "planned_on", "conducted_on"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "program", "activity", "lead_organisation", "created_by"]
    inlines = [RecommendationInline]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "responsible", "deadline", "status"]
    list_filter = ["status"]
    raw_id_fields = ["inspection", "responsible"]


@admin.register(ProgramReview)
class ProgramReviewAdmin(admin.ModelAdmin):
    list_display = ["program", "kind", "held_on"]


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = [
        "decision_number",
        "decided_on",
        "award_form",
        "recipient_organisation",
        "recipient_person",
    ]
    raw_id_fields = ["program", "review", "recipient_organisation"]


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "held_on", "participant_count"]


admin.site.register(AnnualPlan)
admin.site.register(LegalBasis)
admin.site.register(ContentArea)
admin.site.register(ProgramParty)
admin.site.register(Indicator)
admin.site.register(Evidence)
