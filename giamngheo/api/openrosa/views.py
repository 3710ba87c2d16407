"""The OpenRosa endpoints ODK Collect and ODK Web Forms talk to, one server URL per commune.

Configure Collect with server URL https://<host>/api/openrosa/<commune code>/ ; it then calls
formList, downloads the form and its media, and posts to submission.
"""

import logging
from functools import wraps
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from giamngheo.accounts.access import Access, public
from giamngheo.accounts.scoping import Capability, can
from giamngheo.api.openrosa import forms
from giamngheo.api.openrosa.auth import openrosa_user
from giamngheo.api.openrosa.responses import message, with_headers, xml_response
from giamngheo.api.openrosa.submissions import receive
from giamngheo.geo.models import AdminUnit, Level

logger = logging.getLogger(__name__)


def openrosa_view(methods: tuple[str, ...], capability: str = Capability.COLLECT_ANSWERS):
    """Authenticate (Digest), resolve the commune and check `capability` there."""
    access = Access("capability", frozenset({capability}))

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, commune_code: str, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = message(_("Method not allowed."), 405)
                response["Allow"] = ", ".join(methods)
                return response
            user = openrosa_user(request)
            if isinstance(user, HttpResponse):
                return user
            commune = (
                AdminUnit.objects.filter(
                    code=commune_code, level=Level.COMMUNE, valid_to__isnull=True
                )
                .order_by("-pk")
                .first()
            )
            if commune is None:
                return message(_("No commune has the code %(code)s.") % {"code": commune_code}, 404)
            if not access.allows(user) or not can(user, capability, commune):
                return message(
                    _("You may not collect answers in %(commune)s.") % {"commune": commune.name},
                    403,
                )
            request.user = user
            try:
                return view(request, commune, *args, **kwargs)
            except Exception:
                # Collect keeps the form and retries on a 5xx; it must still read a message.
                logger.exception("OpenRosa error on %s %s", request.method, request.path)
                return message(
                    _("Server error; nothing was saved. Send the form again later."), 500
                )

        wrapper.access = access
        return wrapper

    return decorate


def _base(request: HttpRequest, commune: AdminUnit) -> str:
    return request.build_absolute_uri(f"/api/openrosa/{commune.code}/")


@openrosa_view(("GET", "HEAD"))
def form_list(request: HttpRequest, commune: AdminUnit) -> HttpResponse:
    """OpenRosa Form List API: the forms of the round's step, with the md5 of the exact bytes
    served. Collect compares the manifest's media hashes too, so a changed pick-list is
    downloaded again without a new form version."""
    wanted = request.GET.get("formID")
    base = _base(request, commune)
    items = []
    for form_id in forms.offered_forms(commune):
        if wanted not in (None, "", form_id):
            continue
        items.append(
            "<xform>"
            f"<formID>{form_id}</formID>"
            f"<name>{escape(forms.form_title(form_id))}</name>"
            f"<version>{forms.form_version(form_id)}</version>"
            f"<hash>{forms.md5_hash(forms.form_xml(form_id))}</hash>"
            "<descriptionText></descriptionText>"
            f"<downloadUrl>{escape(base)}forms/{form_id}/form.xml</downloadUrl>"
            f"<manifestUrl>{escape(base)}forms/{form_id}/manifest</manifestUrl>"
            "</xform>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<xforms xmlns="http://openrosa.org/xforms/xformsList">' + "".join(items) + "</xforms>"
    )
    return xml_response(body.encode())


@openrosa_view(("GET", "HEAD"))
def form_download(request: HttpRequest, commune: AdminUnit, form_id: str) -> HttpResponse:
    if form_id not in forms.FORM_MEDIA:
        return message(_("Unknown form."), 404)
    return xml_response(forms.form_xml(form_id))


@openrosa_view(("GET", "HEAD"))
def manifest(request: HttpRequest, commune: AdminUnit, form_id: str) -> HttpResponse:
    """The media files with the md5 of their content now: it changes with the pick-list."""
    if form_id not in forms.FORM_MEDIA:
        return message(_("Unknown form."), 404)
    base = _base(request, commune)
    files = []
    for filename in forms.FORM_MEDIA[form_id]:
        data = forms.form_media_file(commune, form_id, filename) or b""
        files.append(
            "<mediaFile>"
            f"<filename>{filename}</filename>"
            f"<hash>{forms.md5_hash(data)}</hash>"
            f"<downloadUrl>{escape(base)}forms/{form_id}/media/{filename}</downloadUrl>"
            "</mediaFile>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest xmlns="http://openrosa.org/xforms/xformsManifest">'
        + "".join(files)
        + "</manifest>"
    )
    return xml_response(body.encode())


@openrosa_view(("GET", "HEAD"))
def media(request: HttpRequest, commune: AdminUnit, form_id: str, filename: str) -> HttpResponse:
    data = forms.form_media_file(commune, form_id, filename)
    if data is None:
        return message(_("Unknown media file."), 404)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return with_headers(response)


@openrosa_view(("HEAD", "POST"))
def submission(request: HttpRequest, commune: AdminUnit) -> HttpResponse:
    """HEAD: 204 with the accepted size. POST: one submission, or one part of a split one."""
    if request.method == "HEAD":
        return with_headers(HttpResponse(status=204))
    return receive(request, commune)


@public
@csrf_exempt
def not_found(request: HttpRequest, commune_code: str, rest: str) -> HttpResponse:
    """Unknown OpenRosa paths answer as OpenRosa does, not with an HTML page."""
    return message(_("Not found."), 404)
