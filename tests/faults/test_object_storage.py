"""Attachments and report files in S3-compatible object storage (issue 20).

A real S3 API served locally (moto's server), two gunicorn processes and a Celery worker, each
with a ``MEDIA_ROOT`` of its own, as on separate hosts: what one stores, the others serve, and
only to those the request or the run is visible to. The store going down gives a clear error
on upload and no half-written record.
"""

import time
import uuid

import pytest

from reporting.models import ReportRun
from requests_app.models import Attachment
from tests.faults.conftest import token_for
from tests.faults.stack import S3Server, http, wait_for
from tests.requests_app import focal

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres]

LETTER = b"%PDF-1.4\n% The minister's endorsement letter\n" + b"0" * 2000 + b"\n%%EOF\n"


def upload(web, reference: str, token: str, content: bytes, name: str):
    """POST a document as a browser or an API client does (multipart/form-data)."""
    import urllib.request

    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
            f"endorsement_letter\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{web.url}/api/v1/requests/{reference}/attachments/", data=body, method="POST"
    )
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def local_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def s3():
    server = S3Server().start()
    yield server
    server.kill()


def test_files_stored_by_one_process_are_served_by_another_and_only_in_scope(
    stack, s3, tmp_path, django_capture_on_commit_callbacks
):
    cast = focal.people()
    with django_capture_on_commit_callbacks(execute=False):
        request_obj = focal.submitted(cast)
    roots = {name: tmp_path / name for name in ("host-a", "host-b", "host-c")}
    web_a = stack.web(name="web-a", MEDIA_ROOT=roots["host-a"], **s3.env())
    web_b = stack.web(name="web-b", MEDIA_ROOT=roots["host-b"], **s3.env())
    stack.worker(MEDIA_ROOT=roots["host-c"], **s3.env())

    # An endorsement letter uploaded through one host...
    status, body = upload(web_a, request_obj.reference, token_for(cast.owner), LETTER, "letter.pdf")
    assert status == 201, body
    attachment = Attachment.objects.get()
    assert s3.keys() == [attachment.file.name]
    # ... is downloaded through the other, by a colleague; an outsider gets a 404.
    download = f"{web_b.url}/api/v1/requests/{request_obj.reference}/attachments/"
    download += f"{attachment.pk}/download/"
    got = http(download, token=token_for(cast.colleague))
    assert got.status == 200 and got.body == LETTER
    assert http(download, token=token_for(cast.outsider_focal_point)).status == 404

    # A report rendered by the worker is downloaded through a web host.
    coordinator = token_for(cast.coordinator)
    asked = http(f"{web_a.url}/api/v1/reports/", method="POST", token=coordinator,
                 json_body={"year": 2025})  # fmt: skip
    assert asked.status == 202
    run = wait_for(
        lambda: ReportRun.objects.filter(
            pk=asked.json()["id"], status__in=["done", "failed"]
        ).first(),
        120,
        "the worker never finished the report",
        0.3,
    )
    assert run.status == ReportRun.Status.DONE, run.error
    assert {run.pdf.name, run.xlsx.name, run.csv.name} <= set(s3.keys())
    pdf = http(f"{web_b.url}/api/v1/reports/{run.pk}/download/pdf/", token=coordinator)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    assert (
        http(
            f"{web_b.url}/api/v1/reports/{run.pk}/download/pdf/", token=token_for(cast.owner)
        ).status
        == 404
    )
    # Nothing was written to any host's own disk.
    assert all(local_files(root) == [] for root in roots.values() if root.exists())

    # The object store down: a clear error on upload, no record, and downloads say "later".
    s3.kill()
    started = time.monotonic()
    status, body = upload(web_a, request_obj.reference, token_for(cast.owner), LETTER, "again.pdf")
    assert time.monotonic() - started < 30
    assert status == 503, body
    assert b"could not be stored" in body
    assert Attachment.objects.count() == 1
    assert http(download, token=token_for(cast.colleague)).status == 503
