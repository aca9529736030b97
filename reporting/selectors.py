"""Who may see and start annual report runs. Decided here, and only here.

The Governing Council staff read and download the Executive Director's report and its data;
the BSP coordinator produces it (plan §24, §29, §31(a, h); ``docs/design.md``). For everyone
else the runs do not exist: a 404, never a hint.
"""

from django.db.models import QuerySet

from bali_portal.accounts.models import Role, User

from .models import ReportRun

READERS = frozenset({Role.COORDINATOR, Role.COUNCIL})


def _role(user) -> str | None:
    if not user or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def can_read_runs(user) -> bool:
    return _role(user) in READERS


def can_start_runs(user) -> bool:
    return _role(user) == Role.COORDINATOR


def can_edit_allocations(user) -> bool:
    """The divisions' BSP allocations: the coordinator, and the portal's administrators."""
    return can_start_runs(user) or bool(
        user and user.is_authenticated and user.is_active and user.is_superuser
    )


def runs_visible_to(user) -> QuerySet[ReportRun]:
    if not can_read_runs(user):
        return ReportRun.objects.none()
    return ReportRun.objects.select_related("requested_by")


def run_list_visible_to(user) -> QuerySet[ReportRun]:
    """The runs as lists show them: without their figures, which a list never reads and which
    weigh 1.6 MB a run for a large year (every funder of the year is in them)."""
    return runs_visible_to(user).defer("snapshot")


def run_starters() -> list[str]:
    """Who starts runs, as the pages name them (``User.public_name``, never an e-mail address):
    the BSP coordinators whose accounts are active. Council staff who find no report yet learn
    whom to ask."""
    coordinators = User.objects.filter(role=Role.COORDINATOR, is_active=True)
    return sorted({user.public_name for user in coordinators.only("full_name", "role")})
