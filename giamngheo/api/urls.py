from django.urls import path

from giamngheo.api.rest.api import api

urlpatterns = [
    path("v1/", api.urls),
]
