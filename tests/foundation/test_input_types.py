"""What a client sends is read as the schema says (``bali_portal.serializers``)."""

from django.http import QueryDict

from designations.api import ReasonSerializer
from exchange.api.serializers import SharingInputSerializer


def test_json_text_is_a_string_and_a_yes_or_no_a_boolean():
    assert ReasonSerializer(data={"reason": "0"}).is_valid()
    for wrong in (0, 1.5, True, ["x"], {"x": 1}):
        serializer = ReasonSerializer(data={"reason": wrong})
        assert not serializer.is_valid(), wrong
        assert list(serializer.errors) == ["reason"]
    assert SharingInputSerializer(data={"share_with_partners": False}).is_valid()
    for wrong in (0, 1, "true", "on"):
        assert not SharingInputSerializer(data={"share_with_partners": wrong}).is_valid(), wrong


def test_a_form_is_text_read_as_drf_reads_it():
    assert ReasonSerializer(data=QueryDict("reason=0")).is_valid()
    for spelt, meant in (("on", True), ("1", True), ("false", False)):
        serializer = SharingInputSerializer(data=QueryDict(f"share_with_partners={spelt}"))
        assert serializer.is_valid(), spelt
        assert serializer.validated_data["share_with_partners"] is meant
    assert not SharingInputSerializer(data=QueryDict("share_with_partners=")).is_valid()
    left_out = SharingInputSerializer(data=QueryDict(""))
    assert left_out.is_valid()
    assert left_out.validated_data["share_with_partners"] is False


def test_a_body_that_is_no_multipart_form_is_refused(db):
    from rest_framework.test import APIClient

    from tests import factories

    api = APIClient()
    api.force_authenticate(factories.coordinator())
    garbage = api.generic(
        "POST", "/api/v1/offers/", b"-4.36e16", content_type="multipart/form-data; boundary=xyz"
    )
    assert garbage.status_code == 400
    assert "multipart" in garbage.json()["detail"]
    nameless = api.generic(
        "POST", "/api/v1/offers/", b"--xyz\r\n-4.36e16--xyz--\r\n",
        content_type="multipart/form-data; boundary=xyz",
    )  # fmt: skip
    assert "multipart" in nameless.json()["detail"]
    empty = api.generic(
        "POST", "/api/v1/offers/", b"--xyz--\r\n", content_type="multipart/form-data; boundary=xyz"
    )
    assert empty.status_code == 400
    assert "multipart" not in empty.json()["detail"]  # an empty form, whose fields are missing
