"""Exports of a filtered list: exactly its rows, in CSV, JSON, XLSX, IATI 2.03 XML and PDF."""

import csv
import io
import json
import re
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from lxml import etree
from openpyxl import load_workbook

from registry import export_labels
from registry.models import ActivityStatus
from registry.records import COLUMNS
from tests.factories import coordinator

pytestmark = pytest.mark.django_db

# A copy of IATI's published 2.03 schemas, in the repository so that a clean clone tests alone.
IATI_SCHEMA = Path(settings.BASE_DIR) / "tests/data/iati-2.03/schemas/iati-activities-schema.xsd"
FILTERS = {"thematic_area": "T13"}  # transboundary: Kailash and its phases, CBC, Tanganyika


def listed(client, params) -> set[str]:
    response = client.get("/api/v1/activities/", params)
    assert response.status_code == 200
    return {row["identifier"] for row in response.json()["results"]}


def export(client, export_format: str, params=None):
    response = client.get("/api/v1/activities/export/", {"format": export_format, **(params or {})})
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def inflated_streams(data: bytes) -> list[bytes]:
    """The PDF's compressed streams, inflated. Each is read from its start until zlib says it
    ends: a stream whose last byte happens to be a carriage return would be cut short by a
    pattern that stops at ``\r\nendstream``."""
    streams = []
    for match in re.finditer(rb"stream\r?\n", data):
        if data[match.end() : match.end() + 1] != b"x":
            continue
        try:
            streams.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return streams


def pdf_titles(data: bytes) -> list[str]:
    """The bookmark titles of a PDF (WeasyPrint makes one per heading), streams inflated."""
    blobs = [data, *inflated_streams(data)]
    titles = []
    for match in re.finditer(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]+>)", b"\n".join(blobs)):
        raw = match.group(1)
        if raw.startswith(b"("):
            titles.append(re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1"))
        else:
            titles.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16"))
    return titles


def test_every_format_has_exactly_the_rows_of_the_filtered_list(registry_demo, client):
    expected = listed(client, FILTERS)
    assert expected == {
        "UNEP-KSLCI",
        "UNEP-KSLCI-PREP",
        "UNEP-KSLCI-INCEPTION",
        "UNEP-KSLCI-IMPL1",
        "UNEP-KSLCI-IMPL2",
        "UNEP-CBC",
        "UNEP-AFRICA-CHINA-TANGANYIKA",
    }

    response, body = export(client, "csv", FILTERS)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0]) == COLUMNS
    assert [row["identifier"] for row in rows].count("UNEP-CBC") == 1
    assert {row["identifier"] for row in rows} == expected and len(rows) == len(expected)

    response, body = export(client, "json", FILTERS)
    assert response.streaming
    items = json.loads(body)
    assert {item["identifier"] for item in items} == expected and len(items) == len(expected)

    response, body = export(client, "xlsx", FILTERS)
    sheet = load_workbook(io.BytesIO(body), read_only=True)["activities"]
    values = list(sheet.iter_rows(values_only=True))
    # Headings for people, names beside the codes (the CSV keeps the keys the import reads).
    assert list(values[0]) == export_labels.xlsx_header()
    assert values[0][:4] == ("Identifier", "Title", "Title in Chinese", "Status")
    assert {row[0] for row in values[1:]} == expected and len(values) - 1 == len(expected)
    by_identifier = {row[0]: dict(zip(values[0], row, strict=True)) for row in values[1:]}
    cbc = by_identifier["UNEP-CBC"]
    assert cbc["Countries"] == "CUB; DOM; HTI"
    assert cbc["Countries (names)"] == "Cuba; Dominican Republic; Haiti"
    assert cbc["Status (names)"] == str(ActivityStatus(cbc["Status"]).label)

    response, body = export(client, "iati", FILTERS)
    assert response.streaming
    document = etree.fromstring(body)
    identifiers = [element.text for element in document.iter("iati-identifier")]
    assert sorted(identifiers) == sorted(f"XM-DAC-41116-{code}" for code in expected)

    response, body = export(client, "pdf", FILTERS)
    assert response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    titles = pdf_titles(body)
    for activity in registry_demo.values():
        occurrences = titles.count(activity.title)
        assert occurrences == (1 if activity.identifier in expected else 0), activity.title


def test_a_search_filters_the_exports_too(registry_demo, client):
    params = {"search": "rainwater"}
    assert listed(client, params) == {"UNEP-AFRICA-CHINA-RAINWATER"}
    _response, body = export(client, "csv", params)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row["identifier"] for row in rows] == ["UNEP-AFRICA-CHINA-RAINWATER"]


def test_csv_cells_carry_the_record(registry_demo, client):
    _response, body = export(client, "csv", {"identifier": "UNEP-CBC"})
    (row,) = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert row["countries"] == "CUB; DOM; HTI"
    assert row["funding"] == "European Union | extrabudgetary | 2774805.00 | EUR"
    assert "funding: European Union" in row["partners"]
    assert row["title_zh"] == "加勒比生物走廊"
    assert row["url"].endswith(registry_demo["UNEP-CBC"].get_absolute_url())


def test_the_iati_file_validates_against_the_iati_2_03_schema(registry_demo, client):
    _response, body = export(client, "iati")
    schema = etree.XMLSchema(etree.parse(str(IATI_SCHEMA)))
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log
    assert document.get("version") == "2.03"
    assert len(document) == len(registry_demo)


def test_iati_content_percentages_funding_results_and_south_south(registry_demo, client):
    _response, body = export(client, "iati")
    activities = {
        element.findtext("iati-identifier"): element
        for element in etree.fromstring(body).iter("iati-activity")
    }
    for element in activities.values():
        countries = [Decimal(e.get("percentage")) for e in element.iter("recipient-country")]
        regions = [Decimal(e.get("percentage")) for e in element.iter("recipient-region")]
        assert sum(countries + regions) == 100
        for vocabulary in ("99", "98"):
            shares = [
                Decimal(e.get("percentage"))
                for e in element.iter("sector")
                if e.get("vocabulary") == vocabulary
            ]
            assert not shares or sum(shares) == 100
        assert element.find("reporting-org").get("ref") == "XM-DAC-41116"

    kailash = activities["XM-DAC-41116-UNEP-KSLCI"]
    assert [e.get("code") for e in kailash.iter("recipient-country")] == ["CN", "IN", "NP"]
    assert {e.get("code") for e in kailash.iter("sector")} >= {"T01", "T13"}
    tag = kailash.find("tag")
    assert (tag.get("vocabulary"), tag.get("code")) == ("99", "south_south")
    assert tag.findtext("narrative") == "South-South cooperation"
    roles = {(e.findtext("narrative"), e.get("role")) for e in kailash.iter("participating-org")}
    assert ("Government of Norway", "1") in roles
    assert ("International Centre for Integrated Mountain Development", "4") in roles
    children = {e.get("ref") for e in kailash.iter("related-activity") if e.get("type") == "2"}
    assert "XM-DAC-41116-UNEP-KSLCI-PREP" in children

    corridor = activities["XM-DAC-41116-UNEP-CBC"]
    transaction = corridor.find("transaction")
    value = transaction.find("value")
    assert (value.text, value.get("currency")) == ("2774805.00", "EUR")
    assert transaction.find("transaction-type").get("code") == "11"
    assert transaction.find("provider-org/narrative").text == "European Union"

    tna = activities["XM-DAC-41116-UNEP-GEF-TNA"]
    budget = tna.find("budget")
    assert budget.find("period-start").get("iso-date") == "2009-01-01"
    assert (budget.findtext("value"), budget.find("value").get("currency")) == (
        "9000000.00",
        "USD",
    )
    assert [e.get("code") for e in tna.iter("recipient-region")] == ["298", "798", "498"]

    triangular = activities["XM-DAC-41116-UNEP-NORWAY-AFRICA-IEA"]
    assert triangular.find("collaboration-type").get("code") == "8"
    africa_china = activities["XM-DAC-41116-UNEP-AFRICA-CHINA"]
    actual = {
        i.findtext("title/narrative"): i.find("period/actual").get("value")
        for i in africa_china.iter("indicator")
    }
    assert actual == {"Others trained, or gender not recorded": "200"}


def test_the_pdf_prints_chinese_with_a_cjk_font(registry_demo, client):
    _response, body = export(client, "pdf", {"identifier": "UNEP-KSLCI"})
    inflated = b"".join(inflated_streams(body))
    assert b"CJK" in body + inflated  # the embedded Noto Sans CJK subset for 冈仁波齐
    assert pdf_titles(body).count("Kailash Sacred Landscape Conservation Initiative") == 1


def test_exports_follow_who_sees_what(make_activity, client, client_for):
    make_activity("PUBLIC-ONE", published=True)
    make_activity("DRAFT-ONE", published=False)
    _response, body = export(client, "json")
    public = {item["identifier"] for item in json.loads(body)}
    assert "PUBLIC-ONE" in public and "DRAFT-ONE" not in public
    staff = client_for(coordinator())
    _response, body = export(staff, "json")
    assert {"PUBLIC-ONE", "DRAFT-ONE"} <= {item["identifier"] for item in json.loads(body)}


def test_an_unknown_format_is_refused_and_an_unknown_code_does_not_widen(registry_demo, client):
    assert client.get("/api/v1/activities/export/", {"format": "doc"}).status_code == 400

    def exported(**filters):
        response = client.get("/api/v1/activities/export/", {"format": "json", **filters})
        assert response.status_code == 200
        return b"".join(response.streaming_content).decode()

    # A code no record has matches nothing, as in the list (bali_portal.filters).
    assert "UNEP-CBC" in exported()
    assert "UNEP-CBC" not in exported(country="XXX")
    response = client.get("/api/v1/activities/export/", {"format": "csv", "funder": "0"})
    assert response.status_code == 400
    assert "funder" in response.json()["errors"]


def _merged_and_loaded_rows(queryset):
    from django.db import transaction

    from registry.exports import export_rows
    from registry.records import activity_row

    with transaction.atomic():
        merged = [
            dict(zip(COLUMNS, cells, strict=True))
            for cells in export_rows(queryset, "https://example.org")
        ]
    loaded = [
        activity_row(activity, "https://example.org")
        for activity in queryset.order_by("pk").with_everything()
    ]
    return merged, loaded


def test_the_merged_rows_equal_the_rows_of_the_loaded_records(registry_demo, make_activity):
    """The CSV and XLSX rows merge the activities with each related table read in activity
    order; they must say exactly what the record says (``activity_row`` of the instance, as the
    history and import read it), including shares, amounts, links and funding lines that tie on
    their sort key."""
    from registry.models import Activity

    make_activity(
        "TIES",
        countries=("KEN", "UGA"),
        partners=[("Same Name Institute", "technical"), ("Same Name Institute", "funding")],
        funding=[("Twin Donor", "1000", "USD"), ("Twin Donor", "1000", "EUR")],
        planned_start=None,
    )
    merged, loaded = _merged_and_loaded_rows(Activity.objects.all())
    assert merged == loaded
    assert len(merged) == len(registry_demo) + 1
    assert any(row["links"] for row in merged) and any(";" in row["funding"] for row in merged)


@pytest.mark.parametrize("narrow_keys", [2, 20_000], ids=["each-table-whole", "by-key"])
def test_related_lists_of_none_one_or_many_merge_onto_their_own_activity(
    make_activity, monkeypatch, narrow_keys
):
    """Each related list empty, single or several, on neighbouring activities, with drafts
    between them whose related rows the merge must skip. At most 2 keys to narrow by makes
    the list "long": every related table is then read whole; a short list is narrowed by its
    keys (PostgreSQL; other databases load the records whatever the list)."""
    from registry import exports
    from registry.models import MEA, Activity, ActivityLink, RegionalOffice, SupportType

    monkeypatch.setattr(exports, "NARROW_KEYS", narrow_keys)
    supports = list(SupportType.objects.values_list("code", flat=True)[:3])
    meas = list(MEA.objects.values_list("code", flat=True)[:3])
    empty = make_activity("EMPTY", countries=(), themes=())
    make_activity("DRAFT-A", published=False, countries=("KEN",), partners=[("Hidden", "funding")])
    single = make_activity(
        "SINGLE",
        countries=("NPL",),
        themes=("T01",),
        support=supports[:1],
        meas=meas[:1],
        partners=[("One Partner", "implementing")],
        funding=[("One Donor", "10.5", "USD")],
    )
    make_activity("DRAFT-B", published=False, funding=[("Hidden Donor", "1", "EUR")])
    many = make_activity(
        "MANY",
        countries=("CHN", "IND", "NPL"),
        themes=("T01", "T13"),
        support=supports,
        meas=meas,
        partners=[("Zeta", "funding"), ("Alpha", "funding"), ("Alpha", "technical")],
        funding=[("Donor B", "2", "EUR"), ("Donor A", "3", "USD"), ("Donor A", "3", "USD")],
    )
    make_activity("DRAFT-C", published=False)
    many.regional_offices.set(RegionalOffice.objects.all()[:2])
    single.regional_offices.set(RegionalOffice.objects.all()[:1])
    ActivityLink.objects.create(activity=single, kind="web_page", url="https://one.example")
    for kind, label in (("web_page", "b"), ("document", "a"), ("web_page", "a")):
        ActivityLink.objects.create(
            activity=many, kind=kind, url=f"https://{label}.example", label=label
        )

    for queryset in (Activity.objects.published(), Activity.objects.all()):
        merged, loaded = _merged_and_loaded_rows(queryset)
        assert merged == loaded
    by_identifier = {row["identifier"]: row for row in merged}
    assert by_identifier["EMPTY"]["countries"] == "" and by_identifier["EMPTY"]["links"] == ""
    assert by_identifier["SINGLE"]["funding"].startswith("One Donor")
    assert by_identifier["MANY"]["countries"] == "CHN; IND; NPL"
    assert by_identifier["MANY"]["links"].count(";") == 2
    assert empty.pk < single.pk < many.pk


def test_the_csv_export_reads_a_fixed_number_of_queries(registry_demo, client):
    """On PostgreSQL, the keys (up to NARROW_KEYS) and one statement with every related list;
    elsewhere, the records with their prefetches (a fixed number per chunk). Whatever the rows."""
    from django.test.utils import CaptureQueriesContext

    from registry.models import Activity

    with CaptureQueriesContext(connection) as captured:
        export(client, "csv")
    reads = [q["sql"] for q in captured.captured_queries if "registry_" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(reads) == 2, reads
        assert "ARRAY_AGG" in reads[1] and reads[1].count("LEFT JOIN") == 9
    else:
        lookups = Activity.objects.with_everything()._prefetch_related_lookups
        assert len(reads) == 1 + len(lookups), reads


def test_an_export_of_nothing_is_its_header(client):
    from django.db import transaction

    from registry.exports import csv_stream, export_rows
    from registry.models import Activity

    with transaction.atomic():
        assert list(export_rows(Activity.objects.none())) == []
        assert list(export_rows(Activity.objects.filter(identifier="NO-SUCH"))) == []
        assert len(list(csv_stream(export_rows(Activity.objects.none())))) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL stream")
def test_a_stream_closed_midway_is_cancelled_and_the_connection_serves_the_next_query():
    """A client that goes away mid-download closes the response's stream: the statement, still
    running, is cancelled (not read to its end), its transaction rolled back, and the
    connection serves the next query."""
    import time

    from registry import exports
    from registry.models import Activity

    endless = "SELECT generate_series(1, 1000000000)"  # in the select list, it streams
    rows = exports._in_transaction(exports._streamed("default", endless, []))
    assert [next(rows) for _ in range(3)] == [(1,), (2,), (3,)]
    started = time.monotonic()
    rows.close()
    assert time.monotonic() - started < 5
    assert Activity.objects.filter(identifier="NO-SUCH").count() == 0


def test_the_csv_export_lists_activities_in_the_order_of_their_keys(registry_demo, client):
    """The export streams in key order, which every table's index serves (not in title
    order, which the related tables could not follow without a sort)."""
    _response, body = export(client, "csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    keys = [int(row["url"].rstrip("/").rsplit("/", 1)[-1]) for row in rows]
    assert keys == sorted(keys) and len(keys) == len(registry_demo)


@pytest.mark.parametrize(
    "cells",
    [
        ("UNEP-CBC", "Caribbean corridor", "", "CUB; DOM; HTI", "加勒比生物走廊"),
        ("a, b", "plain"),
        ('say "yes"', "plain"),
        ("line\nbreak", "x"),
        ("carriage\rreturn", "x"),
        ("windows\r\nbreak", "x"),
        ("", "", ""),
        ("",),
        (" leading and trailing ", "\ttab", "semi;colon", "pipe | part"),
        (",", '"', "\n"),
    ],
)
def test_a_csv_line_is_what_the_csv_module_writes(cells):
    """The export joins a row's cells itself when none needs quoting; every line must still be
    byte for byte what ``csv.writer`` writes."""
    import random

    from bali_portal.spreadsheets import csv_text
    from registry.exports import _csv_line

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def written(cells):  # with what would start a formula kept as text (issue 22)
        return writer.writerow([csv_text(cell) for cell in cells])

    assert _csv_line(cells, writer) == written(cells)
    shuffled = random.Random(str(cells))
    alphabet = ["a", " ", ",", '"', "\n", "\r", ";", "|", "中", "", "=", "-", "'", "\t"]
    for _ in range(200):
        mixed = tuple(
            "".join(shuffled.choices(alphabet, k=shuffled.randrange(4))) for _cell in cells
        )
        assert _csv_line(mixed, writer) == written(mixed), mixed


def test_the_spreadsheet_reads_in_the_readers_language(registry_demo, client):
    from registry.models import Country
    from tests.foundation.walk import catalog

    response = client.get(
        "/api/v1/activities/export/",
        {"format": "xlsx", "identifier": "UNEP-CBC"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True)["activities"]
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[0] == catalog("ar")["Identifier"] != "Identifier"
    cells = dict(zip(header, row, strict=True))
    countries = catalog("ar")["Countries"]
    assert cells[countries] == "CUB; DOM; HTI"
    names = [Country.objects.get(code=code).name_ar for code in ("CUB", "DOM", "HTI")]
    assert all(names)
    assert cells[catalog("ar")["%(column)s (names)"] % {"column": countries}] == "; ".join(names)
