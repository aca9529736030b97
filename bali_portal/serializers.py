"""What the API's serializers share."""

import copy


class FieldsBuiltOnce:
    """A ``ModelSerializer`` whose fields are worked out from its model once per class.

    DRF rebuilds a model serializer's fields from the model's metadata for every instance (a
    few milliseconds for a request with its timeline, more than the queries behind it). They
    depend only on the class (``Meta`` and the declared fields), so each instance takes a deep
    copy of the class's, as DRF itself does with declared fields.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return copy.deepcopy(built)
