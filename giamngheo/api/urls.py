from django.urls import path

from giamngheo.api.openrosa import views as openrosa
from giamngheo.api.rest.api import api

urlpatterns = [
    path("v1/", api.urls),
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
