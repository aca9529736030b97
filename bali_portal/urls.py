from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api_errors, health, views
from .accounts.api import ObtainTokenView

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("reference/", include("registry.api.reference_urls")),
    path("", include("requests_app.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("designations.api")),
    path("", include("exchange.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler500 = "bali_portal.unavailable.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    path("favicon.ico", views.favicon, name="favicon"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("requests/", include("requests_app.urls")),
    path("registry/", include("registry.urls")),
    # The exchange (issue 19): its pages sit beside the registry's and the requests'.
    path("", include("exchange.urls")),
    path("reports/", include("reporting.urls")),
    path("dashboard/", include("reporting.dashboard_urls")),
    path("focal-points/", include("designations.urls")),
    path("api/v1/", include(api_v1)),
    # Any other path under /api/ is answered in the API's shape, never with a page.
    re_path(r"^api/", api_errors.not_found),
]
