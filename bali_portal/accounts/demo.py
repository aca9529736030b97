"""Demonstration users: one of each role, plus focal points of the demo countries."""

from .models import Role, User
from .services import create_portal_user

DEMO_PASSWORD = "bali-demo-2026"  # noqa: S105 - printed for demos; never for production data

DEMO_USERS = [
    # email, role, scope code, full name
    ("focal.point@kenya.example.org", Role.FOCAL_POINT, "KEN", "Wanjiru Mwangi"),
    ("focal.point2@kenya.example.org", Role.FOCAL_POINT, "KEN", "Otieno Kamau"),
    ("focal.point@nepal.example.org", Role.FOCAL_POINT, "NPL", "Sita Sharma"),
    ("focal.point@egypt.example.org", Role.FOCAL_POINT, "EGY", "Amina Farouk"),
    ("focal.point@china.example.org", Role.FOCAL_POINT, "CHN", "Li Wei"),
    ("focal.point@fiji.example.org", Role.FOCAL_POINT, "FJI", "Mere Tuilagi"),
    ("focal.point@jordan.example.org", Role.FOCAL_POINT, "JOR", "Omar Haddad"),
    ("focal.point@brazil.example.org", Role.FOCAL_POINT, "BRA", "Ana Souza"),
    ("focal.point@haiti.example.org", Role.FOCAL_POINT, "HTI", "Jean Baptiste"),
    ("focal.point@georgia.example.org", Role.FOCAL_POINT, "GEO", "Nino Beridze"),
    ("focal.point@chile.example.org", Role.FOCAL_POINT, "CHL", "Camila Rojas"),
    ("focal.point@amcen.example.org", Role.FORUM_FOCAL_POINT, "AMCEN", "Aïssatou Ndiaye"),
    ("focal.point@lacforum.example.org", Role.FORUM_FOCAL_POINT, "LACFORUM", "Lucía Fernández"),
    ("officer@roa.example.org", Role.REGIONAL_STAFF, "ROA", "Africa regional officer"),
    ("officer2@roa.example.org", Role.REGIONAL_STAFF, "ROA", "Africa regional officer (2)"),
    ("officer@roap.example.org", Role.REGIONAL_STAFF, "ROAP", "Asia-Pacific regional officer"),
    ("officer@rowa.example.org", Role.REGIONAL_STAFF, "ROWA", "West Asia regional officer"),
    ("officer@rolac.example.org", Role.REGIONAL_STAFF, "ROLAC", "LAC regional officer"),
    ("officer@roe.example.org", Role.REGIONAL_STAFF, "ROE", "Europe regional officer"),
    ("officer@rona.example.org", Role.REGIONAL_STAFF, "RONA", "North America regional officer"),
    ("officer@depi.example.org", Role.DIVISION_STAFF, "DEPI", "DEPI programme officer"),
    ("officer@delc.example.org", Role.DIVISION_STAFF, "DELC", "DELC legal officer"),
    ("officer@dtie.example.org", Role.DIVISION_STAFF, "DTIE", "DTIE programme officer"),
    ("officer@dewa.example.org", Role.DIVISION_STAFF, "DEWA", "DEWA programme officer"),
    ("coordinator@unep.example.org", Role.COORDINATOR, None, "BSP coordinator"),
    ("council@unep.example.org", Role.COUNCIL, None, "Governing Council secretariat"),
]

_SCOPE_ARGUMENT = {
    Role.FOCAL_POINT: "country",
    Role.REGIONAL_STAFF: "regional_office",
    Role.DIVISION_STAFF: "division",
    Role.FORUM_FOCAL_POINT: "forum",
}


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def seed(log) -> None:
    created = 0
    for email, role, scope, full_name in DEMO_USERS:
        if User.objects.filter(email=email).exists():
            continue
        scope_kwargs = {_SCOPE_ARGUMENT[role]: scope} if role in _SCOPE_ARGUMENT else {}
        create_portal_user(
            email=email, role=role, password=DEMO_PASSWORD, full_name=full_name, **scope_kwargs
        )
        created += 1
    coordinator = demo_user("coordinator@unep.example.org")
    if not coordinator.is_staff:
        coordinator.is_staff = coordinator.is_superuser = True
        coordinator.save(update_fields=["is_staff", "is_superuser"])
    log(f"Demo users: {created} created, {len(DEMO_USERS) - created} already there.")
