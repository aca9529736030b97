"""Serializers whose fields are built once per class (``bali_portal.serializers``): each
instance still gets fields of its own, bound to it, exactly as DRF's deep copy would."""

import copy
from importlib import import_module

import pytest
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from rest_framework import serializers

from bali_portal.serializers import ChoiceLabelField, FieldsBuiltOnce, unbound_copy
from requests_app.api.serializers import DraftSerializer, RequestDetailSerializer
from requests_app.models import Request
from requests_app.workflow import State
from tests.requests_app import focal


def test_each_instance_gets_its_own_fields_bound_to_it():
    first, second = DraftSerializer(), DraftSerializer()
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other
        assert field.parent is first and other.parent is second
        assert field.field_name == name
    # A list field's child is its own too, bound to its own list.
    codes = first.fields["thematic_areas"]
    assert codes.child is not second.fields["thematic_areas"].child
    assert codes.child.parent is codes


def test_the_class_copy_stays_unbound():
    DraftSerializer().fields  # noqa: B018 (builds and binds an instance's fields)
    kept = DraftSerializer.__dict__["_fields_built_once"]
    assert all(field.parent is None for field in kept.values())
    assert all(getattr(field, "field_name", None) is None for field in kept.values())


def test_a_change_to_one_instance_field_does_not_reach_another():
    first = DraftSerializer()
    first.fields["title"].required = True
    first.fields["title"].error_messages = {"required": "x"}
    second = DraftSerializer()
    assert second.fields["title"].required is False
    assert second.fields["title"].error_messages["required"] != "x"


def test_the_copy_validates_and_fails_as_the_deep_copy_does():
    class Sample(FieldsBuiltOnce, serializers.Serializer):
        name = serializers.CharField(max_length=5)
        tags = serializers.ListField(child=serializers.IntegerField(min_value=1))
        scores = serializers.DictField(
            child=serializers.ListField(child=serializers.IntegerField())
        )

    plain = {name: copy.deepcopy(field) for name, field in Sample._declared_fields.items()}
    ours = {name: unbound_copy(field) for name, field in Sample._declared_fields.items()}
    assert {n: repr(f) for n, f in plain.items()} == {n: repr(f) for n, f in ours.items()}
    good = {"name": "abc", "tags": ["2", 3], "scores": {"a": ["1"]}}
    bad = {"name": "abcdef", "tags": [0], "scores": {"a": ["x"]}}
    checked = Sample(data=good)
    assert checked.is_valid()
    assert checked.validated_data == {"name": "abc", "tags": [2, 3], "scores": {"a": [1]}}
    checked = Sample(data=bad)
    assert not checked.is_valid()
    assert set(checked.errors) == {"name", "tags", "scores"}
    # Nested copies are bound to their own parents all the way down.
    nested = Sample().fields["scores"]
    assert nested.child.parent is nested and nested.child.child.parent is nested.child


def test_nested_serializers_are_copied_and_bound_to_their_own_parents():
    first, second = RequestDetailSerializer(), RequestDetailSerializer()
    assert first.fields["events"] is not second.fields["events"]
    assert first.fields["events"].child is not second.fields["events"].child
    assert first.fields["events"].child.parent is first.fields["events"]
    assert first.fields["events"].child.root is first
    kept = RequestDetailSerializer.__dict__["_fields_built_once"]["events"]
    assert kept.parent is None and "fields" not in kept.child.__dict__
    # Each copy works out its own fields, bound to it.
    assert first.fields["events"].child.fields["action"].parent is first.fields["events"].child
    assert (
        second.fields["events"].child.fields["action"]
        is not first.fields["events"].child.fields["action"]
    )


@pytest.mark.django_db
def test_the_timelines_of_two_requests_stay_their_own(rf):
    cast = focal.people()
    submitted = focal.submitted(cast)
    acknowledged = focal.advance(focal.submitted(cast), cast, "acknowledge")
    request = rf.get("/")
    request.user = cast.office
    answers = [
        RequestDetailSerializer(request_obj, context={"request": request}).data
        for request_obj in (submitted, acknowledged, submitted)
    ]
    actions = [[event["action"] for event in answer["events"]] for answer in answers]
    assert actions[0] == actions[2] == ["create", "submit"]
    assert actions[1] == ["create", "submit", "acknowledge"]
    assert answers[0] == answers[2]


@pytest.mark.parametrize("language", ["en", "zh-hans", "ar"])
def test_a_choice_label_is_the_models_display_in_the_readers_language(language):
    label = ChoiceLabelField(Request._meta.get_field("state").choices, source="state")
    with translation.override(language):
        for state in State.values:
            assert label.to_representation(state) == Request(state=state).get_state_display()
        assert label.to_representation("no-such-state") == "no-such-state"


def test_fields_come_bound_as_drf_binds_them():
    serializer = RequestDetailSerializer()
    built = RequestDetailSerializer.__dict__["_fields_built_once"]
    for name, field in serializer.fields.items():
        theirs = copy.deepcopy(built[name])
        theirs.bind(field_name=name, parent=serializer)
        for attribute in ("field_name", "label", "source", "source_attrs", "method_name"):
            assert getattr(field, attribute, None) == getattr(theirs, attribute, None), name
        assert field.parent is serializer and field.root is serializer
    assert serializer.fields["overdue"].method_name == "get_overdue"
    assert serializer.fields["country"].source_attrs == ["country_id"]


def test_a_validator_appended_on_one_instance_does_not_apply_to_later_ones():
    """The shared-validator bug: clones that shared the class copy's ``_validators`` list (and
    ``error_messages`` dict) carried one instance's validator into every later instance."""

    def refuse(value):
        raise serializers.ValidationError("refused by the first instance only")

    first = DraftSerializer(data={"title": "Water"})
    first.fields["title"].validators.append(refuse)
    first.fields["title"].error_messages["blank"] = "changed by the first instance"
    assert not first.is_valid()
    later = DraftSerializer(data={"title": "Water"})
    assert later.is_valid(), later.errors
    assert later.fields["title"].error_messages["blank"] != "changed by the first instance"


def _model_serializers():
    import_module(settings.ROOT_URLCONF)  # every API module, so every serializer is defined
    pending = list(serializers.ModelSerializer.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] != "rest_framework" and hasattr(cls, "Meta"):
            yield cls


def test_a_choice_the_record_may_leave_blank_is_stated_so_in_the_schema():
    """A model choice with ``blank=True`` holds "", which is outside the enum: the API says it
    (null, or an allowed blank) or schemathesis finds an answer that breaks the schema. DRF
    drops ``allow_blank`` from read-only model fields, so such a field must be declared."""
    unstated = []
    for cls in _model_serializers():
        model = cls.Meta.model
        for name, field in cls().fields.items():
            if not isinstance(field, serializers.ChoiceField) or field.source == "*":
                continue
            try:
                model_field = model._meta.get_field(field.source)
            except FieldDoesNotExist:
                continue
            if model_field.blank and not (field.allow_blank or field.allow_null):
                unstated.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert unstated == []
