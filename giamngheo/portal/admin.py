from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from giamngheo.accounts.scoping import Capability, has_capability
from giamngheo.portal.models import Article, Category, LookupAttempt, SupportPolicy


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "published_at", "is_published", "source"]
    list_filter = ["is_published", "category"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["author", "updated_at"]

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(SupportPolicy)
class SupportPolicyAdmin(SimpleHistoryAdmin):
    """Only the province lists policies: its staff at the province level (who also set its
    targets), or the system administrator."""

    list_display = ["name", "poverty_class", "legal_citation", "is_active", "position"]
    list_filter = ["poverty_class", "is_active"]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "legal_citation", "description"]

    def _province_editor(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or has_capability(user, Capability.SET_TARGETS))
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._province_editor(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._province_editor(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._province_editor(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._province_editor(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._province_editor(request)


@admin.register(LookupAttempt)
class LookupAttemptAdmin(admin.ModelAdmin):
    """The citizen lookup log: read-only, and it never held the full citizen ID."""

    list_display = ["at", "address", "id_tail", "with_code", "result"]
    list_filter = ["result", "with_code"]
    search_fields = ["address", "id_tail"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
