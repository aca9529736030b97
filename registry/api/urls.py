"""``/api/v1/activities/``, ``organizations/``, ``solutions/``, ``assistance-sources/`` and
``requests/{reference}/matches/`` (``docs/design.md``, "API")."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from requests_app.urls import REFERENCE

from . import views

router = SimpleRouter()
router.register("activities", views.ActivityViewSet, basename="api-activity")
router.register("organizations", views.OrganizationViewSet, basename="api-organization")
router.register("solutions", views.SolutionViewSet, basename="api-solution")
router.register(
    "assistance-sources", views.AssistanceSourceViewSet, basename="api-assistance-source"
)

urlpatterns = [
    path("activities/export/", views.ActivityExportView.as_view(), name="api-activity-export"),
    re_path(
        rf"^requests/{REFERENCE}/matches/$",
        views.RequestMatchesView.as_view(),
        name="api-request-matches",
    ),
    *router.urls,
]
