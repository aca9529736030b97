"""Health endpoints for load balancers and container orchestration."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_is_reachable() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure of the driver means "not ready"
        return False, type(exc).__name__
    return True, "ok"


def broker_is_reachable() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return True, "eager (no broker configured)"
    import redis  # only with a broker: the embedded default never loads Redis's client

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    except Exception as exc:
        return False, type(exc).__name__
    return True, "ok"


@never_cache
@require_GET
def healthz(request):
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """The portal can serve: its database and its broker answer."""
    checks = {"database": database_is_reachable(), "broker": broker_is_reachable()}
    ready = all(ok for ok, _ in checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: detail for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
