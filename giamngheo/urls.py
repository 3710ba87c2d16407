from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("giamngheo.accounts.urls")),
    path("units/", include("giamngheo.geo.urls")),
    path("jobs/", include("giamngheo.jobs.urls")),
    path("notifications/", include("giamngheo.notifications.urls")),
    path("households/", include("giamngheo.households.urls")),
    path("reviews/", include("giamngheo.reviews.urls")),
    path("reports/", include("giamngheo.reports.urls")),
    path("portal/", include("giamngheo.portal.urls")),
    path("api/", include("giamngheo.api.urls")),
    path("programs/", include("giamngheo.programs.urls")),
    path("support/", include("giamngheo.support.urls")),
    path("", include("giamngheo.accounts.home_urls")),
]
# No route serves the private folder (settings.PRIVATE_ROOT) in any mode: every stored file is
# sent by a view that checks the reader (giamngheo.storage.file_response).
