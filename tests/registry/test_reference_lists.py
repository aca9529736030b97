"""Reference lists as each process keeps them (``registry.reference``): read once, and never
kept past a change of their items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import freshness, reference
from registry.models import Country, SupportType, ThematicArea

pytestmark = pytest.mark.django_db


def codes(model) -> set[str]:
    return set(reference.active_items(model).by_code)


def test_a_list_is_read_once_then_kept():
    with CaptureQueriesContext(connection) as first:
        kept = reference.active_items(ThematicArea)
    with CaptureQueriesContext(connection) as again:
        assert reference.active_items(ThematicArea) is kept
    assert len(first) == 1 and len(again) == 0
    assert set(kept.by_code) == set(ThematicArea.objects.active().values_list("code", flat=True))


def test_codes_are_found_exactly_then_ignoring_case():
    themes = reference.active_items(ThematicArea)
    assert themes.find("T09").code == "T09"
    assert themes.find("t09").code == "T09"
    assert reference.active_items(SupportType).find("TRAINING").code == "training"
    assert themes.find("T99") is None


def test_an_item_saved_or_deleted_is_seen_at_once():
    assert "T02" in codes(ThematicArea)
    withdrawn = ThematicArea.objects.get(code="T02")
    withdrawn.is_active = False
    withdrawn.save()
    assert "T02" not in codes(ThematicArea)
    ThematicArea.objects.create(code="T20", name="Oceans", sort_order=20)
    assert "T20" in codes(ThematicArea)
    ThematicArea.objects.get(code="T20").delete()
    assert "T20" not in codes(ThematicArea)


def test_a_change_announced_by_another_process_is_seen_at_once():
    assert reference.active_items(Country).find("KEN") is not None
    # Another process saves the country: only the shared version tells this one.
    Country.objects.filter(code="KEN").update(is_active=False)
    freshness.registry_changed()
    assert reference.active_items(Country).find("KEN") is None


def test_a_change_behind_the_models_back_is_seen_after_the_longest_keep(monkeypatch):
    assert "T03" in codes(ThematicArea)
    ThematicArea.objects.filter(code="T03").update(is_active=False)  # no signal, no version
    assert "T03" in codes(ThematicArea)
    later = reference.time.monotonic() + reference.MAX_AGE_SECONDS + 1
    monkeypatch.setattr(reference.time, "monotonic", lambda: later)
    assert "T03" not in codes(ThematicArea)


def test_the_lists_of_one_body_read_the_registry_version_once(monkeypatch):
    from requests_app.api.serializers import DraftSerializer

    reads = []
    real = freshness.registry_version
    monkeypatch.setattr(freshness, "registry_version", lambda: reads.append(1) or real())
    body = {"thematic_areas": ["T01", "t02"], "support_types": ["training"], "meas": ["CBD"]}
    serializer = DraftSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    assert [item.code for item in serializer.validated_data["thematic_areas"]] == ["T01", "T02"]
    assert len(reads) == 1
