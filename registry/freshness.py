"""The registry's version: the key under which counts computed from it are cached.

Any write that can change what a list of activities counts or names (an activity saved or
imported, an organization or a reference name edited, the search index rebuilt) calls
``registry_changed()``. The version is a random token in the shared cache, so a new one makes
every cached count unreachable at once, in every process; the old entries expire on their own.

While Redis is down the cache answers "not cached" (``bali_portal.cache``): every count is
computed from the database, and a change of version cannot be stored. The process that made
the change remembers it and stores a new version as soon as Redis answers again, so counts
cached before the outage are not served as if nothing had changed.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

from bali_portal.internals import sql_with_params

VERSION_KEY = "registry:version"


# A change of version this process could not store (Redis was down); stored at the next use.
_unsaved_change = False


def registry_version() -> str:
    if _unsaved_change:
        _new_version()
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or the cache was emptied: a fresh token can never match older entries.
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def _new_version() -> None:
    global _unsaved_change
    # The portal's cache returns False for a write it could not make (Django's returns None).
    _unsaved_change = cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None) is False


def registry_changed() -> None:
    """Call inside the writing transaction.

    The version changes at once (so the writer's own transaction never reads counts from
    before its change) and again after the commit: a reader that counted the old rows between
    the two stored them under the intermediate version, which the second change retires.
    """
    _new_version()
    transaction.on_commit(_new_version)


def cached_for_version(name: str, queryset, compute, timeout: int = 600):
    """``compute()``, cached under the registry version and the exact SQL of ``queryset``.

    The SQL carries the list's filters and the reader's scope, so two lists share an entry only
    when they are the same list of the same registry. Raises ``EmptyResultSet`` for a
    ``queryset.none()``; callers handle that without computing anything.
    """
    sql, params = sql_with_params(queryset)
    digest = hashlib.sha256(f"{registry_version()}|{sql}|{params!r}".encode()).hexdigest()
    key = f"registry:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
