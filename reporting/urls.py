"""The annual report pages, under ``/reports/``."""

from django.urls import path, re_path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.run_list, name="list"),
    path("<int:pk>/", views.run_detail, name="detail"),
    re_path(
        r"^(?P<pk>[0-9]+)/download/(?P<kind>pdf|xlsx|csv)/$",
        views.run_download,
        name="download",
    ),
]
