"""The annual report in each of the six UN languages (issue 17): the PDF's headings are the
catalog's translations (read back with ``pdftotext``), Arabic comes out in logical order, and
the first page of each is rendered to PNG among the test artefacts for a person to look at.

The artefacts go to ``$TEST_ARTEFACTS`` (default: ``test-artefacts/`` in the worktree).
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from registry.models import Country
from registry.reference_data import load_reference_data
from reporting import services
from reporting.models import ReportRun
from reporting.render.charts import render_svg
from tests.foundation.walk import catalog
from tests.reporting import data
from tests.reporting.reading import pdf_text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = Path(os.environ.get("TEST_ARTEFACTS") or ROOT / "test-artefacts")
LANGUAGES = ["en", "fr", "es", "ru", "zh-hans", "ar"]
HEADINGS = ["Requests received", "Lessons learned", "Referrals to partners"]


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker, tmp_path_factory):
    """One year of records and its report in each language, rolled back at the end."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        if not Country.objects.exists():
            load_reference_data()
        data.build()
        runs = {}
        for language in LANGUAGES:
            run = ReportRun.objects.create(year=data.YEAR, language=language)
            runs[language] = services.produce_report(run.pk)
        yield {language: Path(run.pdf.path) for language, run in runs.items()}
        transaction.set_rollback(True)


def translated(message: str, language: str) -> str:
    return message if language == "en" else catalog(language).get(message, "")


def as_extracted(text: str) -> str:
    """``text`` as ``pdftotext`` gives it back: Arabic shaping draws lam followed by alef as one
    ligature glyph, which poppler maps back to the two letters in drawing order (alef, lam);
    every other letter comes back in logical order."""
    return re.sub("\u0644([\u0627\u0623\u0625\u0622])", "\\1\u0644", text)


def extracted_text(pdf: Path) -> str:
    """The PDF's text, without the direction marks poppler puts around right-to-left runs."""
    return re.sub("[\u202a-\u202e]", "", pdf_text(pdf, layout=False))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_pdf_has_its_headings_in_the_language(reports, language):
    pdf = reports[language]
    # First the picture of its first pages, for a person to look at, whatever follows.
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTEFACTS / f"report-{language}"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    assert stem.with_suffix(".png").stat().st_size > 1000
    text = extracted_text(pdf)
    for heading in HEADINGS:
        expected = translated(heading, language)
        assert expected, f"no {language} translation of {heading!r}"
        assert as_extracted(expected) in text, heading
    if language != "en":
        assert not any(heading in text for heading in HEADINGS)


def test_arabic_is_extracted_in_logical_order(reports):
    text = extracted_text(reports["ar"])
    heading = catalog("ar")["Requests received"]
    assert heading in text
    # Logical order, not a reversed copy of it.
    assert heading[::-1] not in text


def glyphs(svg: str) -> set[str]:
    """The font glyphs an SVG drawn with outlines uses."""
    return set(re.findall(r'<path id="(DejaVuSans-[0-9a-f]+)"', svg))


def test_an_arabic_chart_draws_its_labels_joined_as_outlines():
    from reporting.document import Chart

    def chart(title: str) -> Chart:
        return Chart("x", title, ["2026"], [("2026", [3])])

    with translation.override("ar"):
        joined = render_svg(chart("بتك"))
        apart = render_svg(chart("ب ت ك"))
    # Outlines, no text left for the SVG's reader to lay out (unjoined, reversed)...
    drawn = re.sub(r"<!--.*?-->", "", joined, flags=re.DOTALL)  # matplotlib's comments
    assert "<text" not in drawn and "بتك" not in drawn
    # ...of the letters' joined forms: beh, teh and kaf written together use other glyphs
    # (initial, medial, final) than the same letters standing apart.
    assert glyphs(joined) and not glyphs(joined) & glyphs(apart) - glyphs(render_nothing())
    with translation.override("en"):
        assert "<text" in render_svg(chart("Requests"))


def render_nothing() -> str:
    """The glyphs every chart draws (its figures), whatever its title."""
    from reporting.document import Chart

    with translation.override("ar"):
        return render_svg(Chart("x", "", ["2026"], [("2026", [3])]))
