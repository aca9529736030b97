"""What the API's serializers share."""

import copy
from collections.abc import Mapping

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField
from rest_framework.utils import html

from .internals import bound_fields, shallow_field_copy


class FieldsBuiltOnce:
    """A serializer whose fields are worked out once per class and copied for each instance.

    DRF rebuilds a model serializer's fields from the model's metadata for every instance, and
    clones every declared field by calling its constructor again (``Field.__deepcopy__``): for
    a request with its timeline, more time than the queries behind it. The fields depend only
    on the class (``Meta`` and the declared fields), so the class keeps one unbound set, and
    each instance takes copies of it (``unbound_copy``). What ``bind()`` adds to a field (its
    name, label, source) depends only on its name too: the class keeps each field as bound,
    and an instance's copies only get their parent.
    """

    def get_fields(self):
        return {name: unbound_copy(field) for name, field in _built_once(self).items()}

    @cached_property
    def fields(self):
        fields = {}
        for name, bound in _bound_once(self).items():
            field = unbound_copy(bound)
            if getattr(field, "field_name", None) != name:
                field.bind(field_name=name, parent=self)  # deep-copied: unbound again
            field.parent = self
            fields[name] = field
        return bound_fields(self, fields)


def _built_once(serializer) -> dict:
    cls = type(serializer)
    built = cls.__dict__.get("_fields_built_once")
    if built is None:
        built = super(FieldsBuiltOnce, serializer).get_fields()
        cls._fields_built_once = built
    return built


def _bound_once(serializer) -> dict:
    cls = type(serializer)
    bound = cls.__dict__.get("_fields_bound_once")
    if bound is None:
        bound = {}
        for name, field in _built_once(serializer).items():
            bound[name] = unbound_copy(field)
            bound[name].bind(field_name=name, parent=None)
        cls._fields_bound_once = bound
    return bound


def unbound_copy(field):
    """A new field equal to ``field``, bound to nothing, as DRF's deep copy makes it.

    A field's constructor sets its attributes once and ``bind()`` adds the field's name and
    parent, so a shallow copy of an unbound field is as good as a new one. That holds for a
    nested serializer too: what it works out (its fields, data, errors) goes in its own
    instance's attributes, after the copy. A list field's or list serializer's child, bound to
    it by its constructor, is copied too and bound to the copy. Many-related fields hold
    more, and are deep-copied as DRF does.
    """
    if isinstance(field, ManyRelatedField):
        return copy.deepcopy(field)
    # copy.copy, without its generic protocol (a third of the cost of a response), with
    # lists and dicts of its own: a validator appended to one copy stays in that copy.
    clone = shallow_field_copy(field)
    child = getattr(field, "child", None)
    if child is not None:
        clone.child = unbound_copy(child)
        clone.child.parent = clone
    return clone


# The mixins below say what they do in comments, not docstrings: drf-spectacular would take a
# mixin's docstring for the description of every serializer without one of its own.


class StrictJSONTypes:
    # A serializer of what a client sends that takes from JSON a string only as a string and
    # a yes-or-no only as a boolean, as the schema says: DRF would read ``{"reason": 0}`` as
    # the text "0" and ``{"submit": 1}`` as true. A form carries only text, read as DRF does.

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not html.is_html_input(data):
            errors = {}
            for field in self.fields.values():
                if field.read_only or data.get(field.field_name) is None:
                    continue
                expected = _json_type(field)
                if expected and not isinstance(data[field.field_name], expected):
                    errors[field.field_name] = [field.error_messages["invalid"]]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _json_type(field):
    if isinstance(field, serializers.BooleanField):
        return bool
    if isinstance(field, serializers.CharField):
        return str
    return None


class RefusesUnknownFields:
    # A serializer that refuses a field it does not know, naming it: a misspelt field name
    # must not be dropped silently. ``also_accepted`` names what may be sent and is ignored
    # (what the API itself returns, sent back unchanged). The schema says so of its request
    # body (``additionalProperties: false``, ``bali_portal.openapi.AutoSchema``).

    refuses_unknown_fields = True
    also_accepted: frozenset = frozenset()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        known = {*self.fields, *self.also_accepted, "csrfmiddlewaretoken"}
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - known)
        if unknown:
            raise serializers.ValidationError({name: _("Unknown field.") for name in unknown})
        return attrs


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.Field):
    """The label of a choice's value in the reader's language, as ``get_FOO_display()``.

    Read from a table built once: Django's ``get_FOO_display`` rebuilds (and hashes, so
    translates) every label of the field for each call, and DRF asks of a method source
    whether it is callable by inspecting its signature, each time.
    """

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice the record may not have made yet: null then, never "" outside the enum."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None
