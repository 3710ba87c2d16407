from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Value
from django.db.models.functions import Replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from giamngheo.accounts.scoping import unit_manager
from giamngheo.geo.models import AdminUnit, Succession
from giamngheo.geo.services import village_template, villages_import
from giamngheo.geo.version import units_changed


class EraFilter(admin.SimpleListFilter):
    title = _("era")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("Current")), ("no", _("Former"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(valid_to__isnull=self.value() == "yes")
        return queryset


class VillageImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: commune_code, village_code, name, division_type, valid_from (optional)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "division_type",
        "level",
        "parent",
        "valid_from",
        "valid_to",
        "area",
    ]
    list_filter = ["level", EraFilter, "area", "division_type"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]
    list_select_related = ["parent"]
    change_list_template = "admin/geo/adminunit/change_list.html"

    def save_model(self, request, obj, form, change) -> None:
        old_path = obj.path
        super().save_model(request, obj, form, change)
        if change and old_path and old_path != obj.path:
            # A unit moved under another parent: its whole subtree's materialised paths follow.
            AdminUnit.objects.filter(path__startswith=old_path).exclude(pk=obj.pk).update(
                path=Replace("path", Value(old_path), Value(obj.path))
            )
            units_changed()

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "import-villages/",
                view(self.import_villages_view),
                name="geo_adminunit_import_villages",
            ),
            path(
                "village-template.xlsx",
                view(self.village_template_view),
                name="geo_adminunit_village_template",
            ),
            *super().get_urls(),
        ]

    def import_villages_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = VillageImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = villages_import(
                actor=request.user,
                file=upload,
                filename=upload.name,
                may_manage=unit_manager(request.user),
            )
            if report.ok:
                self.message_user(
                    request,
                    ngettext(
                        "%(created)d village created, %(unchanged)d already present.",
                        "%(created)d villages created, %(unchanged)d already present.",
                        report.created,
                    )
                    % {"created": report.created, "unchanged": report.unchanged},
                    messages.SUCCESS,
                )
                return redirect("admin:geo_adminunit_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import villages and residential groups"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/geo/adminunit/import_villages.html", context)

    def village_template_view(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(
            village_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="villages.xlsx"'
        return response


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = [
        "predecessor",
        "successor",
        "is_split",
        "is_default",
        "share",
        "effective_date",
        "legal_basis",
    ]
    list_filter = ["is_split", "is_default", "predecessor__level", "effective_date"]
    search_fields = [
        "predecessor__name",
        "predecessor__code",
        "successor__name",
        "successor__code",
    ]
    raw_id_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
