"""Every catalog of every language is complete, consistent with the others and compiled.

The catalogs are read by scripts/catalog.py, the tool the translators use to find and fill
gaps, so what these tests call a gap is exactly what `catalog.py missing` lists.
"""

import gettext
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "catalog.py"
MSGFMT = shutil.which("msgfmt")
needs_gettext = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")
LANGUAGES = {"zh_Hans", "ar", "fr", "es", "ru"}


def load_catalog_tool():
    spec = importlib.util.spec_from_file_location("catalog_tool", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


catalog = load_catalog_tool()
CATALOGS = catalog.catalogs(ROOT)


def label(po: Path) -> str:
    return str(po.relative_to(ROOT).parent.parent)


def msgids(po: Path) -> set[tuple[str | None, str]]:
    return {
        (entry.msgctxt, entry.msgid)
        for entry in catalog.parse(po.read_text(encoding="utf-8"))
        if not entry.is_header and not entry.obsolete
    }


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_every_catalog_directory_has_all_five_translated_languages():
    directories = {po.parents[2] for po in CATALOGS}
    assert directories >= {ROOT / "locale", ROOT / "reporting" / "locale"}
    for directory in directories:
        found = {po.parts[-3] for po in CATALOGS if po.parents[2] == directory}
        assert found >= LANGUAGES, directory


@pytest.mark.parametrize("po", CATALOGS, ids=label)
def test_the_catalog_has_no_empty_or_fuzzy_entry(po):
    gaps = [catalog.describe(entry) for entry in catalog.gaps(po)]
    language = po.parts[-3]
    assert gaps == [], (
        f"fill them: scripts/catalog.py fill {language} locale/pending/{language}.txt if it has"
        f" them, else scripts/catalog.py export {language} and translate"
    )


def plural_rule(header: str) -> str:
    line = next(line for line in header.splitlines() if line.startswith("Plural-Forms:"))
    return line.split(":", 1)[1].strip()


@pytest.mark.parametrize("po", CATALOGS, ids=label)
def test_the_plural_rule_is_the_language_s_own(po):
    entries = catalog.parse(po.read_text(encoding="utf-8"))
    header = next(entry for entry in entries if entry.is_header)
    # Spellings differ (Django's Arabic rule omits a redundant test); the forms chosen must not.
    found = gettext.c2py(plural_rule(header.msgstr).split("plural=", 1)[1].rstrip(";"))
    expected = gettext.c2py(catalog.PLURAL_FORMS[po.parts[-3]].split("plural=", 1)[1].rstrip(";"))
    assert [found(n) for n in range(250)] == [expected(n) for n in range(250)]
    count = catalog.nplurals(entries, po.parts[-3])
    for entry in entries:
        if entry.msgid_plural is not None and not entry.obsolete:
            assert len(entry.translations()) == count, entry.msgid


@pytest.mark.parametrize("po", CATALOGS, ids=label)
def test_placeholders_and_tags_survive_translation(po):
    result = run_tool("check", po.parts[-3])
    assert result.returncode == 0, result.stdout


def test_every_language_has_the_msgids_of_the_chinese_catalog():
    # test_translations checks the Chinese catalog against the source; the others follow it.
    for po in CATALOGS:
        chinese = po.parents[2] / "zh_Hans" / "LC_MESSAGES" / po.name
        missing = sorted(msgids(chinese) - msgids(po), key=str)
        extra = sorted(msgids(po) - msgids(chinese), key=str)
        assert (missing, extra) == ([], []), f"{label(po)}: run sh scripts/translations"


@needs_gettext
@pytest.mark.parametrize("po", CATALOGS, ids=label)
def test_the_catalog_compiles_and_the_committed_mo_matches_it(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "--check", "-o", str(compiled), str(po)], check=True)
    with open(compiled, "rb") as fresh, open(po.with_suffix(".mo"), "rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog
        assert gettext.GNUTranslations(committed)._catalog == expected


# --- the tool itself ------------------------------------------------------------------------------

SAMPLE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Requests"
msgstr "Demandes"

msgid "Referral"
msgstr ""

#, fuzzy, python-format
msgid "Back to %(reference)s"
msgstr "Retour"

msgctxt "request state"
msgid "Submitted"
msgstr ""

msgid "%(counter)s offer"
msgid_plural "%(counter)s offers"
msgstr[0] "%(counter)s offre"
msgstr[1] ""
"""


def sample_project(tmp_path: Path) -> Path:
    po = tmp_path / "app" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(SAMPLE, encoding="utf-8")
    return po


def test_missing_lists_empty_fuzzy_and_half_plural_entries_and_nothing_else(tmp_path):
    sample_project(tmp_path)
    result = run_tool("--root", str(tmp_path), "missing", "fr")
    assert result.returncode == 1
    listed = result.stdout.splitlines()
    assert len(listed) == 4
    assert any("empty" in line and line.endswith("\tReferral") for line in listed)
    assert any("fuzzy" in line and "Back to %(reference)s" in line for line in listed)
    assert any("[request state] Submitted" in line for line in listed)
    assert any("%(counter)s offer" in line for line in listed)
    assert not any(line.endswith("\tRequests") for line in listed)
    assert run_tool("--root", str(tmp_path), "missing", "es").returncode == 0


def test_export_then_fill_closes_every_gap_and_keeps_placeholders(tmp_path):
    po = sample_project(tmp_path)
    exported = run_tool("--root", str(tmp_path), "export", "fr").stdout.splitlines()
    keys = {line.split("\t")[2].split(" || ")[0]: line.split("\t")[0] for line in exported}
    translations = tmp_path / "fr.txt"
    translations.write_text(
        f"{keys['Referral']}\tRenvoi\n"
        f"{keys['Back to %(reference)s']}\tRetour à %(reference)s\n"
        f"{keys['Submitted']}\tSoumise\n"
        f"{keys['%(counter)s offer']}[0]\t%(counter)s offre\n"
        f"{keys['%(counter)s offer']}[1]\t%(counter)s offres\n",
        encoding="utf-8",
    )
    assert run_tool("--root", str(tmp_path), "fill", "fr", str(translations)).returncode == 0
    assert run_tool("--root", str(tmp_path), "missing", "fr").returncode == 0
    entries = {e.msgid: e for e in catalog.parse(po.read_text(encoding="utf-8"))}
    assert entries["Back to %(reference)s"].msgstr == "Retour à %(reference)s"
    assert entries["Back to %(reference)s"].flags == ["python-format"]
    assert entries["Submitted"].msgctxt == "request state"
    assert entries["%(counter)s offer"].translations() == [
        "%(counter)s offre",
        "%(counter)s offres",
    ]
    assert entries["Requests"].msgstr == "Demandes"
    if MSGFMT:
        subprocess.run([MSGFMT, "--check", "-o", str(tmp_path / "x.mo"), str(po)], check=True)


def test_fill_refuses_a_translation_that_loses_a_placeholder(tmp_path):
    sample_project(tmp_path)
    exported = run_tool("--root", str(tmp_path), "export", "fr").stdout
    key = next(line.split("\t")[0] for line in exported.splitlines() if "Back to" in line)
    translations = tmp_path / "fr.txt"
    translations.write_text(f"{key}\tRetour\n", encoding="utf-8")
    result = run_tool("--root", str(tmp_path), "fill", "fr", str(translations))
    assert result.returncode == 1
    assert "%(reference)s" in result.stderr


def test_french_punctuation_is_held_to_its_word_by_a_no_break_space():
    spaced = catalog.french_spacing("Pays : « %(country)s » ; vraiment ?")
    assert spaced == "Pays\u00a0: «\u00a0%(country)s\u00a0»\u00a0; vraiment\u00a0?"
    assert catalog.french_spacing("Page %(number)s sur %(total)s") == (
        "Page %(number)s sur %(total)s"
    )
