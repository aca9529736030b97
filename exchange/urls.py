"""The exchange's pages: offers and the regional centres' pages beside the registry's, what is
done on one request beside the request's page, and the partner's signed link (no account)."""

from django.urls import path, re_path

from requests_app.urls import REFERENCE

from . import views

app_name = "exchange"

urlpatterns = [
    path("registry/offers/", views.offer_list, name="offer-list"),
    path("registry/offers/new/", views.offer_edit, name="offer-create"),
    path("registry/offers/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("registry/offers/<int:pk>/edit/", views.offer_edit, name="offer-edit"),
    path("registry/centre/", views.centre_home, name="centre"),
    path("registry/centre/experts/", views.expert_list, name="expert-list"),
    path("registry/centre/experts/new/", views.expert_edit, name="expert-create"),
    path("registry/centre/experts/<int:pk>/edit/", views.expert_edit, name="expert-edit"),
    path("registry/assistance/<int:pk>/ask/", views.funding_access_new, name="funding-access"),
    re_path(rf"^requests/{REFERENCE}/sharing/$", views.sharing_update, name="sharing"),
    re_path(rf"^requests/{REFERENCE}/propose/$", views.proposal_new, name="propose"),
    re_path(
        rf"^requests/{REFERENCE}/proposals/(?P<pk>[0-9]+)/decide/$",
        views.proposal_decide,
        name="proposal-decide",
    ),
    re_path(
        rf"^requests/{REFERENCE}/referral/resend/$", views.referral_resend, name="referral-resend"
    ),
    path("referrals/<str:token>/", views.referral_answer, name="referral-answer"),
]
