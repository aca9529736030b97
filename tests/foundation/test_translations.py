"""Every user-facing string is translatable, the Chinese catalog is complete, all compile."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
MSGFMT = shutil.which("msgfmt")
needs_gettext = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")


def catalogs():
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def entries(po_text: str) -> dict[str, str]:
    """msgid → msgstr of a catalog, without the header and obsolete entries."""
    result, msgid, msgstr, fuzzy, field = {}, None, None, False, None
    for line in [*po_text.splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, field = line[6:].strip('"'), "id"
        elif line.startswith("msgid_plural"):
            field = None
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, field = line.split(" ", 1)[1].strip('"'), "str"
        elif line.startswith('"') and field == "id":
            msgid += line.strip('"')
        elif line.startswith('"') and field == "str":
            msgstr += line.strip('"')
        elif not line.strip():
            if msgid:
                result[msgid] = "" if fuzzy else msgstr
            msgid, msgstr, fuzzy, field = None, None, False, None
    return result


def test_there_are_chinese_and_arabic_catalogs():
    assert {path.parts[-3] for path in catalogs()} >= {"zh_Hans", "ar"}


@needs_gettext
@pytest.mark.parametrize("po", catalogs(), ids=lambda p: p.parts[-3])
def test_catalog_compiles_and_the_committed_mo_matches_it(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "--check", "-o", str(compiled), str(po)], check=True)
    with open(compiled, "rb") as fresh, open(po.with_suffix(".mo"), "rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog
        assert gettext.GNUTranslations(committed)._catalog == expected


def test_the_chinese_catalog_has_no_untranslated_or_fuzzy_entry():
    catalog = entries((LOCALE / "zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    missing = [msgid for msgid, msgstr in catalog.items() if not msgstr]
    assert missing == []


@needs_gettext
def test_the_chinese_catalog_covers_every_string_of_the_source(tmp_path):
    # Extract the strings afresh from a copy of the source and compare with the catalog.
    ignore = shutil.ignore_patterns(
        ".venv",
        ".venv-*",
        ".git",
        "media",
        "staticfiles",
        "*.sqlite3",
        "__pycache__",
        "bench",
        "tests",
    )
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=ignore)
    (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").unlink()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bali_portal.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = entries((copy / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    committed = entries((LOCALE / "zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    not_in_catalog = sorted(set(fresh) - {k for k, v in committed.items() if v})
    assert not_in_catalog == []
