"""The public dashboard, under ``/dashboard/`` (issue 18)."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>.csv", dashboard.dashboard_csv, name="dashboard-csv"),
]
