"""What the walk through the portal checks on each page, in a real Chromium (issue 17).

Kept apart from the test so that the keyboard test and the walk read pages the same way.
"""

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from tests.foundation.test_translations import entries

ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = ROOT / ".axe"
AXE_VERSION = "4.14.1"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# The success criteria of WCAG 2.2 at levels A and AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# The catalogs' directory names of the five languages other than English.
CATALOG_DIRS = {"fr": "fr", "es": "es", "ru": "ru", "zh-hans": "zh_Hans", "ar": "ar"}
# Codes of the reference lists people should read as names (a code inside an identifier such
# as ``UNEP-DELC-12`` is part of that identifier, not a label).
RAW_CODE = re.compile(
    r"(?<![\w-])(T(0[1-9]|1[0-9])|X(0[1-9]|1[0-3])|ROA|ROAP|ROE|ROLAC|RONA|ROWA|DEWA|DELC|"
    r"DTIE|DEPI|DRC|DCPI)(?![\w-])"
)

# The text a person sees: text nodes of rendered elements (not the language menu, whose
# languages are named in their own language on purpose, nor what people typed in fields).
VISIBLE_TEXT_JS = """() => {
  const skip = new Set(['SCRIPT', 'STYLE', 'TEXTAREA', 'NOSCRIPT', 'TEMPLATE']);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || skip.has(parent.tagName) || parent.closest('.lang')) continue;
    if (parent.tagName !== 'OPTION' && !parent.checkVisibility()) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.push(text);
  }
  return texts;
}"""


def axe_script() -> str:
    """axe-core's script, installed from npm into .axe/ on first use (never fetched by a
    page: the walk injects it from disk)."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed once to install axe-core into .axe/"
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
             f"axe-core@{AXE_VERSION}"],
            check=True,
        )  # fmt: skip
    return AXE_SCRIPT.read_text(encoding="utf-8")


@cache
def catalog(language: str) -> dict[str, str]:
    """msgid -> msgstr of every catalog of the language (project and apps); empty where the
    language has none."""
    directory = CATALOG_DIRS.get(language)
    merged: dict[str, str] = {}
    if directory is None:
        return merged
    for po in sorted(ROOT.glob(f"**/locale/{directory}/LC_MESSAGES/django.po")):
        if ".venv" in po.parts:
            continue
        merged.update(entries(po.read_text(encoding="utf-8")))
    return merged


@cache
def english_messages() -> frozenset[str]:
    """Every msgid of the portal's own catalogs (the Chinese ones are complete)."""
    return frozenset(message for message in catalog("zh-hans") if message)


def untranslated(texts: list[str], language: str) -> list[str]:
    """Texts shown in English although the catalog has (or should have) them translated."""
    translations = catalog(language)
    found = []
    for text in texts:
        if text in english_messages() and translations.get(text, "") != text:
            found.append(text)
    return sorted(set(found))


def raw_codes(texts: list[str]) -> list[str]:
    """Texts that show codes as the value of something ("T09, T13", "Lead: DELC", a cell
    reading "DEPI"): once the codes are taken out, at most one word is left. Prose that
    mentions a code (a response plan, a person's title) is what people wrote, not a label."""
    found = set()
    for text in texts:
        if RAW_CODE.search(text):
            rest = RAW_CODE.sub(" ", text)
            if len(re.findall(r"\w+", rest)) <= 1:
                found.add(text)
    return sorted(found)


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def axe_violations(page, script: str) -> list[str]:
    page.add_script_tag(content=script)
    result = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                             resultTypes: ['violations']});
          const where = (v) => v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ');
          return r.violations.map(v => `${v.id}: ${where(v)}`);
        }""",
        WCAG_TAGS,
    )
    return list(result)
