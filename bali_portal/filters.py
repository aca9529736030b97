"""What every list's FilterSet shares, on the pages and in the API.

- An empty parameter (``?country=``) is no filter, as a cleared select box or search field
  means; the OpenAPI schema says so of every query parameter (``allowEmptyValue``).
- A reference chosen by a key or code that no record has (``?centre=999``, ``?country=XXX``)
  matches nothing: the list is empty, as for a search no record answers, never a 400. A
  value that cannot be a key at all (``?centre=abc``, ``?centre=0``) is still refused.
- A yes-or-no filter takes ``true``/``false`` (or empty); anything else is refused, never
  read as "any".
"""

import django_filters
from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelMultipleChoiceField
from django_filters.widgets import BooleanWidget

from . import bounds
from .internals import forget_filter_form_field


class _MatchesNothing:
    """A filter's cleaned value when it names only records that do not exist."""

    def __repr__(self):
        return "MATCHES_NOTHING"


MATCHES_NOTHING = _MatchesNothing()


def keyed_by_number(field) -> bool:
    """Whether ``field`` (a model choice form field) takes records by an integer key."""
    if field.to_field_name:
        target = field.queryset.model._meta.get_field(field.to_field_name)
    else:
        target = field.queryset.model._meta.pk
    return isinstance(target, models.IntegerField | models.AutoField)


class KeyedChoiceField(ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if keyed_by_number(self) and not bounds.is_key(str(value)):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
            return MATCHES_NOTHING


class KeyedMultipleChoiceField(ModelMultipleChoiceField):
    """Records chosen by key: a value that cannot be a key is refused before any query (SQLite
    cannot even compare a 20-digit number with a key); keys no record has are left out, and
    if none is left the filter matches nothing."""

    def _check_values(self, value):
        if keyed_by_number(self):
            for key in value:
                if not bounds.is_key(str(key)):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": key},
                    )
        try:
            return super()._check_values(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
        found = self.queryset.filter(**{f"{self.to_field_name or 'pk'}__in": value})
        return found if found.exists() else MATCHES_NOTHING


def without_empty_values(data):
    """``data`` (a ``QueryDict`` or a dict) without the parameters given only empty values."""
    if hasattr(data, "getlist"):
        kept = QueryDict(mutable=True)
        for name in data:
            values = [value for value in data.getlist(name) if value != ""]
            if values:
                kept.setlist(name, values)
        return kept
    return {name: value for name, value in data.items() if value not in ("", [""], [])}


class AnyYesNoWidget(BooleanWidget):
    """``true``/``false``/``1``/``0`` from the API; "any" as the empty choice on pages."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        # Anything else is passed on as typed, so that the field refuses it.
        return data.get(name) if value is None else value


class StrictBooleanField(forms.NullBooleanField):
    """Yes, no or empty; a wrong value is an error, never silently "any"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AnyYesNoWidget)
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.FilterSet):
    """The base of every list's FilterSet (see the module's docstring)."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = without_empty_values(data)
        super().__init__(data, *args, **kwargs)
        for filter_ in self.filters.values():
            # A form field made on the class's filter (as the schema's generation does) would
            # be copied with it, of the class replaced and deaf to ``extra`` set per instance.
            forget_filter_form_field(filter_)
            if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
                filter_.field_class = KeyedMultipleChoiceField
            elif isinstance(filter_, django_filters.ModelChoiceFilter):
                filter_.field_class = KeyedChoiceField

    def filter_queryset(self, queryset):
        if any(value is MATCHES_NOTHING for value in self.form.cleaned_data.values()):
            return queryset.none()
        return super().filter_queryset(queryset)
