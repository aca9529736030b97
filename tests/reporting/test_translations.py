"""The annual report's Chinese catalog (``reporting/locale``) is complete, compiled, and covers
every string of the app.

Django's ``makemessages`` writes the strings of an app that has its own ``locale`` directory
there, so the project-wide catalog checks in ``tests/foundation`` do not see these.
"""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.foundation.test_translations import entries

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "reporting" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MSGFMT = shutil.which("msgfmt")
needs_gettext = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")


def test_every_string_of_the_report_has_a_chinese_translation():
    catalog = entries(CATALOG.read_text(encoding="utf-8"))
    assert len(catalog) > 200
    assert [msgid for msgid, msgstr in catalog.items() if not msgstr] == []


@needs_gettext
@pytest.mark.parametrize("language", ["zh_Hans", "ar"])
def test_each_catalog_compiles_to_the_committed_mo(language, tmp_path):
    catalog = ROOT / "reporting" / "locale" / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "--check", "-o", str(compiled), str(catalog)], check=True)
    with open(compiled, "rb") as fresh, open(catalog.with_suffix(".mo"), "rb") as committed:
        assert (
            gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog
        )


@needs_gettext
def test_the_catalog_covers_every_string_of_the_app(tmp_path):
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "media", "staticfiles", "*.sqlite3", "__pycache__", "bench", "tests"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    (copy / CATALOG.relative_to(ROOT)).unlink()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bali_portal.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = entries((copy / CATALOG.relative_to(ROOT)).read_text(encoding="utf-8"))
    committed = entries(CATALOG.read_text(encoding="utf-8"))
    assert sorted(set(fresh) - {msgid for msgid, msgstr in committed.items() if msgstr}) == []
