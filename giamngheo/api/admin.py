from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.api.models import (
    ApiToken,
    DigestCredential,
    MemberChange,
    Submission,
    SubmissionAttachment,
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # issued through the API, so that the raw token is shown only to its owner

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@admin.register(DigestCredential)
class DigestCredentialAdmin(admin.ModelAdmin):
    list_display = ["user", "realm", "updated_at"]
    exclude = ["ha1"]
    readonly_fields = ["user", "realm", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = SubmissionAttachment
    extra = 0
    fields = readonly_fields = ["name", "content_type", "size"]
    can_delete = False


class MemberChangeInline(admin.TabularInline):
    """Decided on the review pages, where the registry is changed through its services."""

    model = MemberChange
    extra = 0
    fields = readonly_fields = ["kind", "full_name", "date", "state", "reviewer", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "instance_id",
        "commune",
        "submitted_by",
        "state",
        "problem",
        "superseded",
        "received_at",
    ]
    list_filter = ["state", "problem", "complete", "superseded"]
    search_fields = ["instance_id", "deprecated_id", "submitted_by__username"]
    readonly_fields = [f.name for f in Submission._meta.fields]
    inlines = [AttachmentInline, MemberChangeInline]

    def has_add_permission(self, request) -> bool:
        return False
