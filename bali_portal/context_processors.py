from django.utils.translation import gettext_lazy as _

from bali_portal.accounts.models import Role

# (url path, label, roles that see it; None = everyone)
NAVIGATION = [
    ("/", _("Home"), None),
    (
        "/requests/",
        _("Requests"),
        {
            Role.FOCAL_POINT,
            Role.FORUM_FOCAL_POINT,
            Role.REGIONAL_STAFF,
            Role.DIVISION_STAFF,
            Role.COORDINATOR,
            Role.COUNCIL,
            Role.REGIONAL_CENTRE,
        },
    ),
    (
        "/requests/queue/",
        _("Work queue"),
        {Role.REGIONAL_STAFF, Role.DIVISION_STAFF, Role.COORDINATOR, Role.COUNCIL},
    ),
    ("/registry/", _("Registry"), None),
    ("/focal-points/", _("Focal points"), None),
    ("/dashboard/", _("Dashboard"), None),
    ("/registry/centre/", _("Regional centre"), {Role.REGIONAL_CENTRE}),
    ("/reports/", _("Annual reports"), {Role.COORDINATOR, Role.COUNCIL}),
]


def navigation(request):
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user and user.is_authenticated else None
    shown = [(url, label) for url, label, roles in NAVIGATION if roles is None or role in roles]
    # The one item the page is under: the longest address it starts with.
    under = [
        url
        for url, _label in shown
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(under, key=len, default=None)
    items = [{"url": url, "label": label, "current": url == current} for url, label in shown]
    return {"nav_items": items}
