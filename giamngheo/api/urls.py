from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _

from giamngheo.accounts.access import public
from giamngheo.api.openrosa import views as openrosa
from giamngheo.api.rest.api import api


@public
def _not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Unknown API paths answer with the API's error body, not the site's HTML page."""
    return JsonResponse({"detail": _("Not found."), "errors": []}, status=404)


urlpatterns = [
    path("v1/", api.urls),
    path("v1/<path:rest>", _not_found),
    path("openrosa/<str:commune_code>/formList", openrosa.form_list, name="openrosa-form-list"),
    path(
        "openrosa/<str:commune_code>/forms/<str:form_id>/form.xml",
        openrosa.form_download,
        name="openrosa-form",
    ),
    path(
        "openrosa/<str:commune_code>/forms/<str:form_id>/manifest",
        openrosa.manifest,
        name="openrosa-manifest",
    ),
    path(
        "openrosa/<str:commune_code>/forms/<str:form_id>/media/<str:filename>",
        openrosa.media,
        name="openrosa-media",
    ),
    path("openrosa/<str:commune_code>/submission", openrosa.submission, name="openrosa-submission"),
    path("openrosa/<str:commune_code>/<path:rest>", openrosa.not_found),
]
