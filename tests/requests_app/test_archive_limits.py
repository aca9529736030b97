"""Uploaded packages are checked without expanding them (issue 22, point 5): the type check of
an ODT or DOCX reads its directory and a few bytes of one member, never a member whole, and a
"zip bomb" (204 KB whose ``mimetype`` member expands to 200 MB) is refused with a message."""

import json
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app import uploads
from requests_app.models import Attachment
from tests.conftest import ROOT
from tests.requests_app import focal

pytestmark = pytest.mark.django_db

EXPANDED = 200 * 1024 * 1024
ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def zip_bomb(path, *, understated: bool = False, compression=zipfile.ZIP_DEFLATED):
    """An ODT-looking package whose ``mimetype`` member expands to 200 MB of zeros (~200 KB
    compressed); ``understated``: its directory says the member is a media type's size."""
    member = zipfile.ZipInfo("mimetype", date_time=(2026, 1, 1, 0, 0, 0))
    member.compress_type = compression
    with zipfile.ZipFile(path, "w") as package:
        with package.open(member, "w") as target:
            chunk = bytes(1024 * 1024)
            for _ in range(EXPANDED // len(chunk)):
                target.write(chunk)
        package.writestr("content.xml", "<office:document-content/>")
    if understated:
        data = bytearray(path.read_bytes())
        small = len(ODT_TYPE).to_bytes(4, "little")
        data[22:26] = small  # the local header's size of the first member
        central = data.index(b"PK\x01\x02")
        data[central + 24 : central + 28] = small  # and the central directory's
        path.write_bytes(bytes(data))
    return path


MEASURE = textwrap.dedent(
    """
    import json, resource, sys, tracemalloc

    import django

    django.setup()
    from requests_app import uploads

    with open(sys.argv[1], "rb") as upload:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        try:
            outcome = str(uploads.sniff(upload))
        except uploads.Refused:
            outcome = "refused"
        peak = tracemalloc.get_traced_memory()[1]
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"outcome": outcome, "traced_peak": peak, "rss_growth": grown * 1024}))
    """
)


@pytest.mark.parametrize("understated", [False, True], ids=["honest sizes", "understated"])
def test_the_type_check_of_a_zip_bomb_stays_under_50_mb(tmp_path, understated):
    bomb = zip_bomb(tmp_path / "bomb.odt", understated=understated)
    assert bomb.stat().st_size < 300 * 1024
    script = tmp_path / "measure.py"
    script.write_text(MEASURE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bali_portal.settings"}
    done = subprocess.run(
        [sys.executable, str(script), str(bomb)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    # Refused from its directory; with a lying directory, read a few bytes and found no ODT.
    assert measured["outcome"] == ("None" if understated else "refused")
    assert measured["traced_peak"] < 50 * 1024 * 1024, measured
    assert measured["rss_growth"] < 50 * 1024 * 1024, measured


def test_a_member_compressed_other_than_deflate_is_not_expanded(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.odt", understated=True, compression=zipfile.ZIP_BZIP2)
    with open(bomb, "rb") as upload:
        assert uploads.sniff(upload) is None


@pytest.mark.parametrize(
    "members",
    [
        {f"part{number}.xml": "" for number in range(uploads.MAX_MEMBERS + 1)},
        {"word/document.xml": "x" * (2 * 1024 * 1024), "[Content_Types].xml": "<Types/>"},
    ],
    ids=["too many members", "compressed too far"],
)
def test_a_package_beyond_any_document_is_refused(tmp_path, members):
    path = tmp_path / "package.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, text in members.items():
            package.writestr(name, text)
    with open(path, "rb") as upload, pytest.raises(uploads.Refused):
        uploads.sniff(upload)


def test_real_documents_still_pass():
    for content, kind in ((focal.odt_bytes(), uploads.ODT), (focal.docx_bytes(), uploads.DOCX)):
        assert uploads.sniff(SimpleUploadedFile("document", content)) == kind


def test_the_upload_of_a_zip_bomb_is_a_400_with_a_clear_message(tmp_path, api_for):
    cast = focal.people()
    request_obj = focal.draft(cast)
    bomb = zip_bomb(tmp_path / "report.odt")
    upload = SimpleUploadedFile("report.odt", bomb.read_bytes())
    response = api_for(cast.owner).post(
        f"/api/v1/requests/{request_obj.reference}/attachments/",
        {"file": upload, "kind": "other"},
        format="multipart",
    )
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["file"])
    assert "expands far beyond any document" in message and "200" in message
    assert not Attachment.objects.exists()
