"""The one module that touches Django's and DRF's private internals.

Each use saves work the public way repeats (a query, a field rebuilt per response), and each
has a test in ``tests/foundation/test_internals.py`` that compares it with the public way on
the installed versions, so that an upgrade that changes an internal fails a test here rather
than misbehaving elsewhere. Nothing outside this module reads or writes a private attribute of
the frameworks.
"""

from rest_framework.utils.serializer_helpers import BindingDict


def as_prefetched(instance, name: str, items: list) -> None:
    """Store ``items`` as ``instance``'s related list ``name``, as ``prefetch_related`` stores
    it (the manager's queryset, evaluated), without the query."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def sql_with_params(queryset) -> tuple[str, tuple]:
    """The SQL and parameters Django would run for ``queryset``."""
    return queryset.query.sql_with_params()


def bound_fields(serializer, fields: dict) -> BindingDict:
    """A serializer's ``fields`` from fields already bound to it (BindingDict would bind them
    again)."""
    binding = BindingDict(serializer)
    binding.fields.update(fields)
    return binding


# The containers a field keeps that DRF's deep copy gives each copy of its own.
_MUTABLE = (list, dict, set)


def shallow_field_copy(field):
    """A copy of an unbound DRF field, as ``copy.copy`` makes it without its generic protocol,
    with a container of its own for each list, dict and set it holds (validators, error
    messages, choices), as ``Field.__deepcopy__`` gives it by building the field anew."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    for name, value in field.__dict__.items():
        if type(value) in _MUTABLE:
            clone.__dict__[name] = type(value)(value)
    return clone


# --- Django's Redis cache backend (bali_portal.cache) ------------------------------------------


def redis_pool_and_class(cache_client, write: bool):
    """The connection pool and the ``redis.Redis`` class Django's ``RedisCacheClient`` builds
    a client from for an operation (``get_client`` builds a new one each time)."""
    return cache_client._get_connection_pool(write), cache_client._client


def use_cache_client_class(cache, client_class) -> None:
    """Make Django's ``RedisCache`` build its client from ``client_class`` (it has no option
    for it: the class is fixed in its ``__init__``)."""
    cache._class = client_class


def forget_filter_form_field(filter_) -> None:
    """Have a django-filter ``Filter`` make its form field again when next asked.

    ``Filter.field`` makes the field once and keeps it (in ``_field``); a FilterSet copies its
    class's filters, so a field made on the class (the schema's generation makes them) would
    reach every FilterSet, deaf to what each instance sets on its filters."""
    filter_.__dict__.pop("_field", None)


def peek_filter_form_field(filter_):
    """The form field of ``filter_``, leaving the filter as it was: kept if it was made
    before, made again when next asked if not."""
    made_before = "_field" in filter_.__dict__
    field = filter_.field
    if not made_before:
        forget_filter_form_field(filter_)
    return field
