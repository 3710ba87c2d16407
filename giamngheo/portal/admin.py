from django.contrib import admin

from giamngheo.portal.models import Article, Category, LookupAttempt


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
