from django.urls import path

from giamngheo.households import import_views, views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/events/add/", views.event_add, name="event_add"),
    path("<int:pk>/causes/", views.causes_edit, name="causes"),
    path("<int:pk>/merge/", views.household_merge, name="merge"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("import/", import_views.import_page, name="import"),
    path("import/jobs/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/template.xlsx", import_views.template_download, name="template"),
    path("export.xlsx", import_views.export, name="export"),
]
