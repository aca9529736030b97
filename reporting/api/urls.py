"""``/api/v1/reports/…`` (``docs/design.md``, "API")."""

from django.urls import path, re_path

from . import statistics, views

urlpatterns = [
    path("reports/", views.ReportRunListView.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", views.ReportRunDetailView.as_view(), name="api-report-detail"),
    re_path(
        r"^reports/(?P<pk>[0-9]+)/download/(?P<kind>pdf|xlsx|csv)/$",
        views.ReportRunDownloadView.as_view(),
        name="api-report-download",
    ),
    # The public figures (issue 18): anyone may read them.
    path("statistics/", statistics.StatisticsView.as_view(), name="api-statistics"),
]
