"""The annual report pages, under ``/reports/``."""

from django.urls import path, re_path

from . import views, views_allocations

app_name = "reporting"

urlpatterns = [
    path("", views.run_list, name="list"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("allocations/", views_allocations.allocations, name="allocations"),
    re_path(
        r"^(?P<pk>[0-9]+)/download/(?P<kind>pdf|xlsx|csv)/$",
        views.run_download,
        name="download",
    ),
]
