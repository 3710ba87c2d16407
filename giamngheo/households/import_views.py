"""Import, template download and export pages."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability
from giamngheo.households import imports, services
from giamngheo.households import selectors as sel
from giamngheo.households.forms import ImportForm
from giamngheo.households.views import list_filters
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import job_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
# Up to this size the import runs while the officer waits (a commune's few thousand rows);
# larger files go to the worker with a progress bar.
INLINE_MAX_BYTES = 512 * 1024
SHOWN_ERRORS = 2000


def _attachment(content: bytes, name: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Capability.EDIT_RECORDS)
def template_download(request: HttpRequest) -> HttpResponse:
    return _attachment(imports.template_workbook(), "mau-nhap-ho.xlsx")


@requires(Capability.READ_RECORDS)
def export(request: HttpRequest) -> HttpResponse:
    """A commune or less is written while the officer waits; more is confirmed, then a job.
    ``format`` chooses the workbook (the default) or the CSV files (a .zip, for any size)."""
    chosen = request.POST.get("format") or request.GET.get("format") or ""
    kind = chosen or imports.XLSX_FORMAT
    if kind not in imports.EXPORT_FORMATS:
        return HttpResponseBadRequest(
            _("Unknown export format %(format)s: choose xlsx or csv.") % {"format": chosen[:20]}
        )
    filters = list_filters(request)
    households = sel.household_list(actor=request.user, filters=filters)
    count = households.count()
    name = f"ho-gia-dinh-{timezone.localdate():%Y%m%d}.{imports.EXPORT_FORMATS[kind]}"
    if count > imports.INLINE_EXPORT_MAX:
        if request.method != "POST":
            context = {"count": count, "filters": filters, "format": chosen or imports.CSV_FORMAT}
            return render(request, "households/export.html", context)
        job = imports.export_start(
            actor=request.user, filters=filters, name=name, count=count, kind=kind
        )
    services.citizen_id_search_record(
        actor=request.user,
        query=filters["q"],
        households=households,
        purpose="export by citizen ID",
    )
    if count > imports.INLINE_EXPORT_MAX:
        return redirect(job)
    if kind == imports.CSV_FORMAT:
        return _attachment(imports.export_csv(households), name, content_type=ZIP)
    return _attachment(imports.export_workbook(households), name)


@requires(Capability.EDIT_RECORDS)
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {
        "form": form,
        "instructions": imports.instructions(),
        "guide": imports.column_guide(),
        "preview": imports.dropdown_preview(),
    }
    if request.method == "POST" and form.is_valid():
        upload, members = form.cleaned_data["file"], form.cleaned_data["members_file"]
        reason = form.cleaned_data["reason"]
        if upload.size + (members.size if members else 0) > INLINE_MAX_BYTES:
            job = _start_job(request, upload, members, reason)
            return redirect(job)
        try:
            tables = imports.read_upload(
                upload.name, upload, members, members.name if members else ""
            )
            result = imports.registry_import(
                actor=request.user,
                tables=tables,
                reason=reason,
                source=imports.source_name(upload.name, members.name if members else ""),
            )
        except imports.UnreadableFile as exc:
            form.add_error("file", str(exc))
        except imports.ImportInvalid as exc:
            shown = exc.errors[:SHOWN_ERRORS]
            context.update(
                errors=shown,
                error_count=len(exc.errors),
                more_errors=len(exc.errors) - len(shown),
                failed=str(exc),
            )
        else:
            messages.success(request, result.summary())
            return redirect("households:list")
    return render(request, "households/import.html", context)


def _start_job(request: HttpRequest, upload, members, reason: str) -> Job:
    folder = imports.upload_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    files = []
    for item in (upload, members):
        if item is None:
            continue
        path = folder / ("members.csv" if item is members else f"households{_suffix(item.name)}")
        with path.open("wb") as out:
            for chunk in item.chunks():
                out.write(chunk)
        files.append(str(path))
    return job_start(
        actor=request.user,
        kind="import_households",
        title=_("Household import: %(name)s") % {"name": upload.name[:100]},
        params={
            "user_id": request.user.pk,
            "files": files,
            "reason": reason,
            "language": translation.get_language(),
            "cleanup": True,
            "source": imports.source_name(upload.name, members.name if members else ""),
        },
    )


def _suffix(name: str) -> str:
    return ".csv" if name.lower().endswith(".csv") else ".xlsx"


@requires(Capability.EDIT_RECORDS)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import job's earlier address: its page is now the one page every job has."""
    job = Job.objects.filter(pk=pk, owner=request.user, kind="import_households").first()
    if job is None:
        raise Http404
    return redirect(job)
