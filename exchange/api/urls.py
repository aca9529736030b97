"""``/api/v1/offers/``, ``experts/``, ``proposals/{id}/accept|decline/``, and under a request
``proposals/`` and ``sharing/`` (``docs/design.md``, second round)."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from requests_app.urls import REFERENCE

from . import views

router = SimpleRouter()
router.register("offers", views.OfferViewSet, basename="api-offer")
router.register("experts", views.ExpertViewSet, basename="api-expert")

urlpatterns = [
    re_path(
        rf"^requests/{REFERENCE}/proposals/$",
        views.RequestProposalsView.as_view(),
        name="api-request-proposals",
    ),
    re_path(
        rf"^requests/{REFERENCE}/sharing/$",
        views.RequestSharingView.as_view(),
        name="api-request-sharing",
    ),
    path(
        "proposals/<int:pk>/accept/",
        views.ProposalDecisionView.as_view(accept=True),
        name="api-proposal-accept",
    ),
    path(
        "proposals/<int:pk>/decline/",
        views.ProposalDecisionView.as_view(accept=False),
        name="api-proposal-decline",
    ),
    path(
        "assistance-sources/<int:pk>/access-request/",
        views.FundingAccessView.as_view(),
        name="api-funding-access",
    ),
    *router.urls,
]
