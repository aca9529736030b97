"""The request pages, under ``/requests/``."""

from django.urls import path, re_path

from . import views

app_name = "requests_app"

# A request's reference, ``KEN-2026-0007`` or a forum's ``AMCEN-2026-0001`` (any case), so fixed
# paths such as ``new/`` never collide with it. The API's routes use the same pattern.
REFERENCE = r"(?P<reference>[A-Za-z]{3,8}-[0-9]{4}-[0-9]{4,})"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    re_path(rf"^{REFERENCE}/$", views.request_detail, name="detail"),
    re_path(rf"^{REFERENCE}/edit/$", views.request_edit, name="edit"),
    re_path(rf"^{REFERENCE}/matches/$", views.request_matches, name="matches"),
    re_path(rf"^{REFERENCE}/act/(?P<action>[a-z_]+)/$", views.request_act, name="act"),
    re_path(rf"^{REFERENCE}/attachments/$", views.attachment_upload, name="attachment-upload"),
    re_path(
        rf"^{REFERENCE}/attachments/(?P<pk>[0-9]+)/$",
        views.attachment_download,
        name="attachment-download",
    ),
]

# --- staff (issue 4) ---
# Put first, so that these fixed paths win over the ``<str:reference>/`` pattern of a request.
from django.urls import path as _path  # noqa: E402

from . import views_staff  # noqa: E402

urlpatterns = [
    _path("queue/", views_staff.queue, name="queue"),
    _path("service-levels/", views_staff.service_levels, name="service-levels"),
    *urlpatterns,
]
