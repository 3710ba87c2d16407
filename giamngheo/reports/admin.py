from django.contrib import admin

from giamngheo.reports.models import FactsExport, ProvinceSettings, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "measure", "value", "legal_basis"]
    list_filter = ["year", "measure"]
    search_fields = ["unit__name", "unit__code", "legal_basis"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProvinceSettings)
class ProvinceSettingsAdmin(admin.ModelAdmin):
    list_display = ["unit", "issuing_body", "signer_name"]
    autocomplete_fields = ["unit"]


@admin.register(FactsExport)
class FactsExportAdmin(admin.ModelAdmin):
    """The log of facts exports, for inspectors to read: nobody adds, changes or removes a line."""

    list_display = ["exported_at", "user", "households", "members", "key_id", "purpose"]
    list_filter = ["exported_at"]
    readonly_fields = [
        "user",
        "exported_at",
        "provinces",
        "households",
        "members",
        "key_id",
        "destination",
        "purpose",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
