"""Every catalog of the portal exists in the five languages besides English and has no empty
or fuzzy entry (issue 17): a person reading French, Spanish, Russian, Chinese or Arabic never
meets an English string the portal could have translated."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
MSGATTRIB = shutil.which("msgattrib")
needs_gettext = pytest.mark.skipif(
    MSGATTRIB is None, reason="GNU gettext (msgattrib) is not installed"
)


def catalog_directory(language_code: str) -> str:
    """Django's language code as the catalogs' directory name (``zh-hans`` -> ``zh_Hans``)."""
    language, _, script = language_code.partition("-")
    return f"{language}_{script.title()}" if script else language


LANGUAGES = [catalog_directory(code) for code, _name in settings.LANGUAGES if code != "en"]
# The project's catalog and those of the apps that keep their own.
APP_LOCALES = sorted(path for path in ROOT.glob("*/locale") if path.is_dir())
# (The project's own shows under the checkout's name.)
LOCALE_ROOTS = [ROOT / "locale", *APP_LOCALES]


def test_the_portal_speaks_the_six_un_languages():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "fr", "es", "ru", "zh-hans", "ar"]
    assert LANGUAGES == ["fr", "es", "ru", "zh_Hans", "ar"]


@needs_gettext
@pytest.mark.parametrize("root", LOCALE_ROOTS, ids=lambda root: root.parent.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_empty_or_fuzzy_entry(root, language):
    po = root / language / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{po.relative_to(ROOT)} is missing"
    for option, what in (("--untranslated", "empty"), ("--only-fuzzy", "fuzzy")):
        found = subprocess.run(
            [MSGATTRIB, option, "--no-obsolete", "--no-wrap", str(po)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        msgids = [line for line in found.splitlines() if line.startswith("msgid ")]
        # The header is an entry with an empty msgid; it is not a message.
        messages = [line for line in msgids if line != 'msgid ""']
        assert messages == [], f"{what} entries in {po.relative_to(ROOT)}: {messages[:10]}"
