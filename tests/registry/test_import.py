"""Import of activities from CSV: every row validated first, a bad row names its line and
commits nothing, a re-import updates instead of duplicating."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from registry.importing import import_csv
from registry.models import Activity, ActivityChange
from registry.records import COLUMNS, EDITABLE_COLUMNS
from tests.factories import coordinator, regional_staff

pytestmark = pytest.mark.django_db


def exported_rows(client, **params) -> list[dict]:
    response = client.get("/api/v1/activities/export/", {"format": "csv", **params})
    return list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )


def to_csv(rows: list[dict], columns=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def new_row(identifier: str, /, **cells) -> dict:
    row = dict.fromkeys(EDITABLE_COLUMNS, "")
    row.update(
        identifier=identifier,
        title=f"Imported {identifier}",
        status="ongoing",
        modality="south_south",
        scope="national",
        planned_start="2024-01-01",
        lead_division="DEWA",
        countries="KEN",
        thematic_areas="T04",
        is_published="yes",
    )
    row.update(cells)
    return row


def snapshot():
    return (
        dict(Activity.objects.values_list("identifier", "updated_at")),
        ActivityChange.objects.count(),
    )


def test_reimporting_the_export_changes_nothing(registry_demo, client):
    rows = exported_rows(client)
    before = snapshot()
    report = import_csv(to_csv(rows), actor=coordinator())
    assert report.ok, report.problems
    assert (report.created, report.updated) == ([], [])
    assert sorted(report.unchanged) == sorted(registry_demo)
    assert snapshot() == before


def test_a_changed_row_updates_its_record_and_a_new_row_creates_one(registry_demo, client):
    rows = exported_rows(client)
    corridor = next(row for row in rows if row["identifier"] == "UNEP-CBC")
    corridor["title"] = "Caribbean Biological Corridor (Cuba, Dominican Republic, Haiti)"
    corridor["funding"] += "; Government of Norway | bilateral | 1000 | USD | 2011"
    rows.append(new_row("KEN-WATER-1", partners="technical: ICIMOD"))
    person = coordinator()
    report = import_csv(to_csv(rows), actor=person)
    assert report.ok, report.problems
    assert (report.created, report.updated) == (["KEN-WATER-1"], ["UNEP-CBC"])
    assert Activity.objects.count() == len(registry_demo) + 1

    updated = Activity.objects.get(identifier="UNEP-CBC")
    assert updated.title.endswith("(Cuba, Dominican Republic, Haiti)")
    assert updated.funding_lines.count() == 2
    change = updated.changes.first()  # the latest; the first is the demo's own import
    assert (change.action, change.changed_by) == ("imported", person)
    assert set(change.changes) == {"title", "funding", "partners"}

    # The same file once more: recognized, nothing duplicated, nothing rewritten.
    before = snapshot()
    again = import_csv(to_csv(rows), actor=person)
    assert (again.created, again.updated) == ([], [])
    assert snapshot() == before


def test_one_bad_row_names_its_line_and_nothing_is_committed(registry_demo, client):
    rows = [
        new_row("GOOD-1"),  # line 2
        new_row("BAD-COUNTRY", countries="KEN; XXX"),  # line 3
        new_row("GOOD-2", description="First line\nsecond line\nthird line"),  # lines 4-6
        new_row("BAD-DATE", planned_start="2024-13-40", lead_division="NOPE"),  # line 7
    ]
    corridor = exported_rows(client, identifier="UNEP-CBC")[0]
    corridor["title"] = "Changed"
    rows.append(corridor)  # line 8: a valid update, which must not be applied either
    before = snapshot()
    report = import_csv(to_csv(rows), actor=coordinator())
    assert not report.ok
    assert [(p.line, p.identifier) for p in report.problems] == [
        (3, "BAD-COUNTRY"),
        (7, "BAD-DATE"),
    ]
    assert "unknown country code 'XXX'" in str(report.problems[0])
    assert "2024-13-40" in str(report.problems[1]) and "NOPE" in str(report.problems[1])
    assert "nothing was imported" in report.summary()
    assert snapshot() == before
    assert not Activity.objects.filter(identifier__startswith="GOOD").exists()
    assert Activity.objects.get(identifier="UNEP-CBC").title == "Caribbean Biological Corridor"


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"partners": "implementing: Nobody Known"}, "unknown organization 'Nobody Known'"),
        ({"funding": "GEF | gef | lots | USD"}, "'lots' is not a number"),
        ({"funding": "GEF | gef | 10 | EURO"}, "not an ISO 4217 currency code"),
        ({"countries": "KEN:60; UGA:60"}, "more than 100%"),
        ({"status": "finished"}, "status 'finished' is not one of"),
        ({"planned_start": "", "actual_start": ""}, "needs a start date"),
        ({"planned_end": "2023-01-01"}, "planned end"),
        ({"parent": "NOT-THERE"}, "parent 'NOT-THERE' is neither in the registry nor in this file"),
        ({"identifier": "has spaces"}, "identifier"),
    ],
)
def test_each_kind_of_bad_cell_is_reported(registry_demo, cells, reason):
    report = import_csv(to_csv([new_row("ROW-1", **cells)]))
    assert not report.ok
    assert reason in str(report.problems[0]), str(report.problems[0])
    assert report.problems[0].line == 2
    assert not Activity.objects.filter(identifier="ROW-1").exists()


def test_duplicate_identifiers_and_parent_loops_are_refused(db):
    report = import_csv(
        to_csv(
            [
                new_row("A", parent="B"),
                new_row("B", parent="A"),
                new_row("C"),
                new_row("C"),
            ]
        )
    )
    messages = {problem.line: str(problem) for problem in report.problems}
    assert "cannot be part of itself" in messages[2] and "cannot be part of itself" in messages[3]
    assert "already on line 4" in messages[5]
    assert not Activity.objects.filter(identifier__in=["A", "B", "C"]).exists()


def test_projects_may_come_before_their_programme_in_the_file(db):
    report = import_csv(to_csv([new_row("PROJECT-1", parent="PROGRAMME"), new_row("PROGRAMME")]))
    assert report.ok, report.problems
    assert Activity.objects.get(identifier="PROJECT-1").parent.identifier == "PROGRAMME"


def test_a_file_without_the_export_columns_is_refused(db):
    report = import_csv(b"identifier,title\nX,Y\n")
    assert [problem.line for problem in report.problems] == [1]
    assert "Missing columns" in str(report.problems[0])


def test_a_dry_run_reports_and_saves_nothing(db):
    report = import_csv(to_csv([new_row("DRY-1"), new_row("DRY-2")]), dry_run=True)
    assert report.ok and report.created == ["DRY-1", "DRY-2"]
    assert "Dry run" in report.summary()
    assert not Activity.objects.filter(identifier__startswith="DRY").exists()


def test_the_management_command(db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([new_row("CMD-1")]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([new_row("CMD-2"), new_row("CMD-3", modality="sideways")]))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_activities", str(good), "--dry-run", stdout=out)
    assert "1 would be created" in out.getvalue()
    assert not Activity.objects.filter(identifier="CMD-1").exists()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_activities", str(bad), stdout=out, stderr=err)
    assert "Line 3 (CMD-3): modality 'sideways' is not one of" in err.getvalue()
    assert not Activity.objects.filter(identifier__startswith="CMD").exists()

    call_command("import_activities", str(good), stdout=out)
    call_command("import_activities", str(good), stdout=out)
    assert Activity.objects.filter(identifier="CMD-1").count() == 1
    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert Activity.objects.get(identifier="CMD-1").changes.get().action == "imported"


def test_the_upload_page_is_the_coordinators(db, client, client_for):
    upload = SimpleUploadedFile("activities.csv", to_csv([new_row("PAGE-1")]), "text/csv")
    response = client.get("/registry/import/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(regional_staff("ROA")).get("/registry/import/").status_code == 403

    page = client_for(coordinator())
    response = page.post("/registry/import/", {"file": upload, "dry_run": ""})
    assert response.status_code == 200
    assert "Imported: 1 created" in response.content.decode()
    assert Activity.objects.filter(identifier="PAGE-1").exists()

    bad = SimpleUploadedFile("bad.csv", to_csv([new_row("PAGE-2", countries="ZZZ")]), "text/csv")
    response = page.post("/registry/import/", {"file": bad})
    assert "Line 2 (PAGE-2): unknown country code &#x27;ZZZ&#x27;" in response.content.decode()
    assert not Activity.objects.filter(identifier="PAGE-2").exists()
