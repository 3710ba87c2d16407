from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from giamngheo.reviews.models import (
    Assessment,
    Attachment,
    Baseline,
    BaselineEntry,
    ChangeRequest,
    Complaint,
    Outcome,
    PublicHoliday,
    ReviewRound,
    RoundSnapshot,
    RoundTransition,
    StoredDocument,
)


class TransitionInline(admin.TabularInline):
    model = RoundTransition
    extra = 0
    readonly_fields = ("from_status", "to_status", "actor", "at", "reason")
    can_delete = False


@admin.register(ReviewRound)
class ReviewRoundAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "year", "round_type", "status", "step_deadline", "standard")
    list_filter = ("round_type", "status", "year")
    search_fields = ("unit__name", "unit__code", "decision_number")
    # State changes go through the services (the state machine), never through the admin.
    readonly_fields = ("status", "step_started_at", "step_deadline", "approved_by", "standard")
    raw_id_fields = ("unit", "created_by")
    inlines = [TransitionInline]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("household", "round", "poverty_class", "deprivation_count", "engine_version")
    list_filter = ("poverty_class", "screened_out", "round__year")
    search_fields = ("household__code", "household__head_name")
    raw_id_fields = ("round", "household")
    readonly_fields = ("poverty_class", "deprived", "explanation", "engine_version", "standard")


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ("household", "round", "received_on", "status", "recheck_due")
    list_filter = ("status",)
    raw_id_fields = ("round", "household")


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("household", "round", "start_class", "end_class", "flow")
    list_filter = ("flow", "round__year")
    raw_id_fields = ("round", "household")


class BaselineEntryInline(admin.TabularInline):
    model = BaselineEntry
    raw_id_fields = ("household",)
    extra = 0


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ("unit", "year", "decision_number", "decision_date", "standard")
    raw_id_fields = ("unit",)
    inlines = [BaselineEntryInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "round", "kind", "uploaded_by", "uploaded_at")
    raw_id_fields = ("round",)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = ("household", "requested_by", "requested_at", "status", "ad_hoc_round")
    list_filter = ("status",)
    raw_id_fields = ("household", "ad_hoc_round")


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"


class FrozenAdmin(admin.ModelAdmin):
    """What a chairman signed is shown, never edited: a correction is a new decision (round)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoundSnapshot)
class RoundSnapshotAdmin(FrozenAdmin):
    list_display = ("round", "taken_from", "taken_at", "commune_name")
    list_filter = ("taken_from",)
    search_fields = ("commune_name", "commune_code")


@admin.register(StoredDocument)
class StoredDocumentAdmin(FrozenAdmin):
    list_display = ("round", "kind", "household", "size", "sha256", "created_at")
    list_filter = ("kind",)
    # The file is served only by the round's download views, which check the reader and checksum.
    exclude = ("file",)
