"""Attachments: checked by content, capped in size, stored under generated names, and served
only to those who can see the request — on the pages and through the API."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.models import Attachment
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def cast():
    return focal.people()


def upload(client, request_obj, name, content, kind="concept_note"):
    return client.post(
        f"/requests/{request_obj.reference}/attachments/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def download_url(attachment):
    return f"/requests/{attachment.request.reference}/attachments/{attachment.pk}/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Content, size and names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("concept note.pdf", focal.PDF_BYTES, "application/pdf", ".pdf"),
        ("letter.docx", focal.docx_bytes(), "application/vnd.openxmlformats-officedocument"
         ".wordprocessingml.document", ".docx"),
        ("letter.odt", focal.odt_bytes(), "application/vnd.oasis.opendocument.text", ".odt"),
        ("scan.png", focal.PNG_BYTES, "image/png", ".png"),
        # The extension says nothing: a JPEG named .pdf is stored and served as a JPEG.
        ("scan.pdf", focal.JPEG_BYTES, "image/jpeg", ".jpg"),
    ],
)  # fmt: skip
def test_accepted_types_are_recognised_by_their_content(
    cast, client_for, media_root, name, content, content_type, extension
):
    request_obj = focal.draft(cast)
    response = upload(client_for(cast.owner), request_obj, name, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get(request=request_obj)
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.uploaded_by == cast.owner
    stored = Path(attachment.file.path)
    assert stored.suffix == extension
    assert stored.read_bytes() == content
    assert Path(media_root) in stored.parents
    assert name.split(".")[0] not in stored.name  # a generated name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", focal.EXE_BYTES),  # a program renamed .pdf
        ("notes.docx", focal.plain_zip_bytes()),  # a ZIP that is no Word document
        ("notes.txt", b"Just some text"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_other_content_is_refused_whatever_its_name(cast, client_for, media_root, name, content):
    request_obj = focal.draft(cast)
    response = upload(client_for(cast.owner), request_obj, name, content)
    assert response.status_code == 400
    assert "This file type is not accepted" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not any(path.is_file() for path in Path(media_root).rglob("*"))


def test_files_over_the_size_cap_are_refused(cast, client_for, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    request_obj = focal.draft(cast)
    client = client_for(cast.owner)
    big = focal.PDF_BYTES + b"0" * 1024
    response = upload(client, request_obj, "big.pdf", big)
    assert response.status_code == 400
    assert "The file is larger than 1.0" in response.content.decode()
    assert not Attachment.objects.exists()
    assert upload(client, request_obj, "small.pdf", focal.PDF_BYTES).status_code == 302


def test_the_uploaded_name_never_reaches_the_file_system(cast, client_for, media_root):
    request_obj = focal.draft(cast)
    upload(client_for(cast.owner), request_obj, "../../../etc/cron.d/evil.pdf", focal.PDF_BYTES)
    attachment = Attachment.objects.get()
    assert attachment.original_name == "evil.pdf"
    stored = Path(attachment.file.path).resolve()
    assert stored.parent == (Path(media_root) / "attachments" / str(request_obj.pk)).resolve()
    assert "evil" not in stored.name


# --- Who may download and upload -----------------------------------------------------------------


def test_download_for_those_who_see_the_request_404_for_others(cast, client_for):
    request_obj = focal.draft(cast)
    upload(client_for(cast.owner), request_obj, "concept note.pdf", focal.PDF_BYTES)
    attachment = Attachment.objects.get()
    for person in (cast.owner, cast.colleague):
        response = client_for(person).get(download_url(attachment))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'attachment; filename="concept note.pdf"' in response["Content-Disposition"]
        assert body_of(response) == focal.PDF_BYTES
    # A draft is the country's own: nobody else sees it, nor its documents.
    for person in [*cast.outsiders, cast.office, cast.coordinator]:
        assert client_for(person).get(download_url(attachment)).status_code == 404

    focal.advance(request_obj, cast, "submit")
    assert client_for(cast.office).get(download_url(attachment)).status_code == 200
    assert client_for(cast.coordinator).get(download_url(attachment)).status_code == 200
    for person in cast.outsiders:
        assert client_for(person).get(download_url(attachment)).status_code == 404


def test_an_attachment_is_only_reachable_through_its_own_request(cast, client_for):
    mine = focal.draft(cast)
    upload(client_for(cast.owner), mine, "mine.pdf", focal.PDF_BYTES)
    attachment = Attachment.objects.get()
    other = focal.draft(cast, title="Another")
    url = f"/requests/{other.reference}/attachments/{attachment.pk}/"
    assert client_for(cast.owner).get(url).status_code == 404


def test_the_page_lists_documents_and_offers_the_upload(cast, client_for):
    request_obj = focal.draft(cast)
    client = client_for(cast.owner)
    upload(client, request_obj, "endorsement.pdf", focal.PDF_BYTES, kind="endorsement_letter")
    html = client.get(f"/requests/{request_obj.reference}/").content.decode()
    attachment = Attachment.objects.get()
    assert f'href="{download_url(attachment)}"' in html
    assert "Endorsement letter" in html
    assert 'enctype="multipart/form-data"' in html


def test_council_reads_but_does_not_upload_and_closed_requests_take_no_more(cast, client_for):
    request_obj = focal.submitted(cast)
    response = upload(client_for(cast.council), request_obj, "x.pdf", focal.PDF_BYTES)
    assert response.status_code == 403
    focal.advance(request_obj, cast, "acknowledge", "route", "accept", "complete", "close")
    response = upload(client_for(cast.owner), request_obj, "late.pdf", focal.PDF_BYTES)
    assert response.status_code == 409
    assert not Attachment.objects.exists()


def test_outsiders_cannot_upload(cast, client_for):
    request_obj = focal.submitted(cast)
    for person in cast.outsiders:
        assert upload(client_for(person), request_obj, "x.pdf", focal.PDF_BYTES).status_code == 404
    assert not Attachment.objects.exists()


# --- The same through the API --------------------------------------------------------------------


def api_upload(api, request_obj, name, content, kind="concept_note"):
    return api.post(
        f"/api/v1/requests/{request_obj.reference}/attachments/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_api_upload_list_and_download(cast, api_for):
    request_obj = focal.submitted(cast)
    response = api_upload(api_for(cast.owner), request_obj, "note.docx", focal.docx_bytes())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["original_name"] == "note.docx"
    assert created["kind"] == "concept_note"
    assert created["content_type"].endswith("wordprocessingml.document")

    listing = api_for(cast.colleague).get(f"/api/v1/requests/{request_obj.reference}/attachments/")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()] == [created["id"]]

    download = api_for(cast.office).get(created["download_url"])
    assert download.status_code == 200
    assert body_of(download) == focal.docx_bytes()

    detail = api_for(cast.owner).get(f"/api/v1/requests/{request_obj.reference}/").json()
    assert [item["id"] for item in detail["attachments"]] == [created["id"]]


def test_api_refuses_bad_content_and_oversize_with_400_naming_the_file(cast, api_for, settings):
    request_obj = focal.submitted(cast)
    api = api_for(cast.owner)
    response = api_upload(api, request_obj, "x.pdf", focal.EXE_BYTES)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file"}
    settings.ATTACHMENT_MAX_BYTES = 10
    response = api_upload(api, request_obj, "x.pdf", focal.PDF_BYTES)
    assert response.status_code == 400
    assert "larger" in " ".join(response.json()["errors"]["file"])
    response = api.post(f"/api/v1/requests/{request_obj.reference}/attachments/", {})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file"}


def test_api_outsiders_get_404_on_attachments(cast, api_for):
    request_obj = focal.submitted(cast)
    api_upload(api_for(cast.owner), request_obj, "note.pdf", focal.PDF_BYTES)
    attachment = Attachment.objects.get()
    base = f"/api/v1/requests/{request_obj.reference}/attachments/"
    for person in cast.outsiders:
        api = api_for(person)
        assert api.get(base).status_code == 404
        assert api.get(f"{base}{attachment.pk}/download/").status_code == 404
        assert api_upload(api, request_obj, "x.pdf", focal.PDF_BYTES).status_code == 404
    assert Attachment.objects.count() == 1
