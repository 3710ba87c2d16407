from django.urls import path

from giamngheo.reports.views import pages, targets, whatif

app_name = "reports"
urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("forms/<str:form>/", pages.form_page, name="form"),
    path("forms/<str:form>.xlsx", pages.form_xlsx, name="form_xlsx"),
    path("forms/<str:form>.pdf", pages.form_pdf, name="form_pdf"),
    path("households/", pages.households, name="households"),
    path("alkire-foster/", pages.alkire_foster, name="af"),
    path("what-if/", whatif.whatif, name="whatif"),
    path("targets/", targets.target_list, name="targets"),
    path("targets/new/", targets.target_edit, name="target_new"),
    path("targets/<int:pk>/", targets.target_edit, name="target_edit"),
]
