"""Each use of a framework's private internals (``bali_portal.internals``) against the public
way of getting the same, on the installed Django and DRF: an upgrade that changes one of them
fails here."""

import copy

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from bali_portal import internals
from requests_app.api.serializers import DraftSerializer, EventSerializer
from requests_app.models import Request
from tests.requests_app import focal


@pytest.fixture
def cast():
    return focal.people()


@pytest.mark.django_db
def test_as_prefetched_reads_as_prefetch_related_does(cast):
    request_obj = focal.submitted(cast)
    public = Request.objects.prefetch_related("events").get(pk=request_obj.pk)
    ours = Request.objects.get(pk=request_obj.pk)
    internals.as_prefetched(ours, "events", list(public.events.all()))
    with CaptureQueriesContext(connection) as queries:
        assert list(ours.events.all()) == list(public.events.all())
        assert ours.events.count() == public.events.count()
    assert len(queries) == 0


@pytest.mark.django_db
def test_sql_with_params_is_what_django_runs(cast):
    focal.submitted(cast)
    queryset = Request.objects.filter(state="submitted").values_list("reference", flat=True)
    sql, params = internals.sql_with_params(queryset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [row[0] for row in cursor.fetchall()]
    assert rows == list(queryset)


def test_bound_fields_are_what_drf_binds():
    ours = DraftSerializer()
    public = serializers.Serializer.fields.func(DraftSerializer())  # DRF's own property
    assert list(ours.fields) == list(public)
    for name, field in ours.fields.items():
        assert field.parent is ours and field.field_name == name
        assert field.source == public[name].source
        assert field.label == public[name].label


@pytest.mark.parametrize("serializer_class", [DraftSerializer, EventSerializer])
def test_a_shallow_field_copy_equals_drfs_deep_copy_and_shares_no_container(serializer_class):
    for field in serializer_class().get_fields().values():
        ours, public = internals.shallow_field_copy(field), copy.deepcopy(field)
        assert repr(ours) == repr(public)
        for name, value in field.__dict__.items():
            if type(value) in (list, dict, set):
                assert ours.__dict__[name] == value
                assert ours.__dict__[name] is not value, name


def test_the_cache_client_builds_what_djangos_would_and_keeps_one_per_pool():
    from django.core.cache.backends.redis import RedisCacheClient as DjangosClient

    from bali_portal.cache import RedisCache, RedisCacheClient

    servers = ["redis://127.0.0.1:6379/13"]
    public = DjangosClient(servers).get_client(write=True)
    ours = RedisCacheClient(servers)
    pool, client_class = internals.redis_pool_and_class(ours, write=True)
    client = ours.get_client(write=True)
    assert type(client) is type(public) is client_class
    assert client.connection_pool is pool
    for setting in ("host", "port", "db"):
        assert (
            client.connection_pool.connection_kwargs[setting]
            == public.connection_pool.connection_kwargs[setting]
        )
    assert ours.get_client(write=True) is client  # built once per pool, not per operation

    cache = RedisCache(servers[0], {})
    assert isinstance(cache._cache, RedisCacheClient)  # the backend builds ours


def test_a_forgotten_filter_form_field_is_made_again_as_a_new_filter_makes_it():
    filter_ = django_filters.CharFilter(label="Word", max_length=20)
    first = filter_.field
    assert filter_.field is first  # django-filter keeps the field it made
    internals.forget_filter_form_field(filter_)
    again = filter_.field
    fresh = django_filters.CharFilter(label="Word", max_length=20).field
    assert again is not first
    assert (type(again), again.label, again.max_length) == (
        type(fresh),
        fresh.label,
        fresh.max_length,
    )


def test_peeking_at_a_filter_form_field_leaves_the_filter_as_it_was():
    untouched = django_filters.CharFilter(label="Word")
    peeked = internals.peek_filter_form_field(untouched)
    assert untouched.field is not peeked  # not kept: made again when asked
    made = django_filters.CharFilter(label="Word")
    kept = made.field
    assert internals.peek_filter_form_field(made) is kept
    assert made.field is kept
