"""Admin for system administrators. Citizen IDs are shown masked here too; the full number is
only on the household page, where each viewing is logged."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from giamngheo.households.models import (
    Household,
    LifeEvent,
    Member,
    PersonalDataAccess,
    RegistryImport,
    ResidentCount,
)


class MemberInline(admin.TabularInline):
    model = Member
    fields = ["member_no", "full_name", "sex", "date_of_birth", "relation", "masked_id"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("citizen ID number"))
    def masked_id(self, obj: Member) -> str:
        return obj.masked_citizen_id

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["code", "head_name", "unit", "status"]
    list_filter = ["status", "area"]
    search_fields = ["code", "search_text"]
    raw_id_fields = ["unit"]
    inlines = [MemberInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "household", "relation", "masked_id"]
    search_fields = ["full_name", "household__code"]
    raw_id_fields = ["household"]
    exclude = ["citizen_id"]
    readonly_fields = ["masked_id"]
    history_list_display = ["full_name", "relation"]

    @admin.display(description=_("citizen ID number"))
    def masked_id(self, obj: Member) -> str:
        return obj.masked_citizen_id


@admin.register(LifeEvent)
class LifeEventAdmin(SimpleHistoryAdmin):
    list_display = ["household", "kind", "date", "recorded_by"]
    list_filter = ["kind"]
    raw_id_fields = ["household", "related_household", "recorded_by"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ["accessed_at", "user", "household", "purpose"]
    list_filter = ["purpose"]
    readonly_fields = ["user", "household", "accessed_at", "purpose"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ResidentCount)
class ResidentCountAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "year", "households", "persons"]
    raw_id_fields = ["unit"]


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    """The log of registry imports, for inspectors to read: nobody adds, changes or removes a line."""

    list_display = [
        "imported_at",
        "user",
        "source",
        "households_created",
        "households_updated",
        "members_created",
        "members_updated",
    ]
    list_filter = ["imported_at"]
    readonly_fields = [
        "user",
        "imported_at",
        "reason",
        "source",
        "households_created",
        "households_updated",
        "members_created",
        "members_updated",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
