"""``/api/v1/requests/…`` (``docs/design.md``, "API")."""

from django.urls import path, re_path

from ..urls import REFERENCE
from ..workflow import ACTIONS
from . import views

requests_list = views.RequestViewSet.as_view({"get": "list", "post": "create"})
request_item = views.RequestViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

# Only the lifecycle table's actions: other paths under a request (``matches/`` of the
# registry, ``attachments/``) stay free, and an unknown action is a 404.
ACTION = "(?P<action>{})".format("|".join(sorted(ACTIONS, key=len, reverse=True)))

urlpatterns = [
    path("requests/", requests_list, name="api-request-list"),
    re_path(rf"^requests/{REFERENCE}/$", request_item, name="api-request-detail"),
    re_path(
        rf"^requests/{REFERENCE}/attachments/$",
        views.AttachmentListView.as_view(),
        name="api-request-attachments",
    ),
    re_path(
        rf"^requests/{REFERENCE}/attachments/(?P<pk>[0-9]+)/download/$",
        views.AttachmentDownloadView.as_view(),
        name="api-request-attachment-download",
    ),
    re_path(
        rf"^requests/{REFERENCE}/{ACTION}/$",
        views.RequestActionView.as_view(),
        name="api-request-action",
    ),
]
