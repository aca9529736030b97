#!/usr/bin/env python3
"""Find and fill the gaps of the gettext catalogs (stdlib only, no Django needed).

    python scripts/catalog.py missing [LANG ...]     list empty or fuzzy entries (exit 1 if any)
    python scripts/catalog.py export LANG > work.tsv  the gaps of LANG, one line each:
                                                      KEY <TAB> context <TAB> msgid
    python scripts/catalog.py fill LANG work.txt      write translations into every catalog of LANG
                                                      (one whose placeholders differ is refused)
    python scripts/catalog.py check [LANG ...]        placeholders and HTML tags of msgstr = msgid

The translations file of `fill` has one line per entry: ``KEY<TAB>translation`` (a space
will do; plural forms: ``KEY[0]<TAB>…``, ``KEY[1]<TAB>…``). KEY is a short hash of context and
msgid, the same in every language and every catalog, so one export serves all languages and
survives re-extraction. In texts, ``\\n`` stands for a line break; quotes need no escaping.

Catalogs are every ``locale/<LANG>/LC_MESSAGES/*.po`` and ``<app>/locale/<LANG>/LC_MESSAGES/*.po``
under the project root (``--root DIR`` to look elsewhere). After `fill`, the files are
re-wrapped by ``msgcat`` as makemessages would write them, and compiled to their ``.mo`` (when
GNU gettext is installed): after `sh scripts/translations`, `fill` is the only step left.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".venv", ".git", "node_modules", "staticfiles", "media"}

# The plural rule of each language, as GNU gettext and CLDR give it.
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "zh_Hans": "nplurals=1; plural=0;",
    "ar": (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5;"
    ),
}
LANGUAGE_TEAMS = {
    "fr": "French",
    "es": "Spanish",
    "ru": "Russian",
    "zh_Hans": "Chinese",
    "ar": "Arabic",
}


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    obsolete: list[str] = field(default_factory=list)  # raw `#~` lines, kept as they are

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and not self.obsolete

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def key(self) -> str:
        return entry_key(self.msgctxt, self.msgid)

    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]

    def is_gap(self, nplurals: int) -> bool:
        if self.is_header or self.obsolete:
            return False
        forms = self.translations()
        if self.msgid_plural is not None and len(forms) < nplurals:
            return True
        return self.fuzzy or any(not form for form in forms)


def entry_key(msgctxt: str | None, msgid: str) -> str:
    source = f"{msgctxt}\x04{msgid}" if msgctxt is not None else msgid
    return hashlib.sha1(source.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]


# --- reading and writing .po files ---------------------------------------------------------------

ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if entry.comments or entry.obsolete or target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for line in text.splitlines():
        if not line.strip():
            finish()
        elif line.startswith("#~"):
            entry.obsolete.append(line)
        elif line.startswith("#,"):
            entry.flags.extend(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            if target is not None:  # a comment after the strings starts the next entry
                finish()
            entry.comments.append(line)
        elif line.startswith("msgctxt "):
            entry.msgctxt, target = unquote(line[8:]), "msgctxt"
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, target = unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgid "):
            if target is not None and target != "msgctxt":
                finish()
            entry.msgid, target = unquote(line[6:]), "msgid"
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            entry.msgstr_plural[index] = unquote(line[line.index("]") + 1 :])
            target = index
        elif line.startswith("msgstr "):
            entry.msgstr, target = unquote(line[7:]), "msgstr"
        elif line.startswith('"'):
            if isinstance(target, int):
                entry.msgstr_plural[target] += unquote(line)
            else:
                setattr(entry, target, getattr(entry, target) + unquote(line))
    finish()
    return entries


def render_string(keyword: str, text: str) -> list[str]:
    if "\n" not in text[:-1]:
        return [f'{keyword} "{quote(text)}"']
    pieces = re.findall(r"[^\n]*\n|[^\n]+$", text)
    return [f'{keyword} ""', *(f'"{quote(piece)}"' for piece in pieces)]


def render(entries: list[Entry]) -> str:
    blocks = []
    for entry in entries:
        # GNU gettext's order: comments, flags, then the previous msgid (``#|``) of a fuzzy entry.
        lines = [c for c in entry.comments if not c.startswith("#|")]
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        lines += [c for c in entry.comments if c.startswith("#|")]
        if entry.obsolete:
            lines.extend(entry.obsolete)
            blocks.append("\n".join(lines))
            continue
        if entry.msgctxt is not None:
            lines += render_string("msgctxt", entry.msgctxt)
        lines += render_string("msgid", entry.msgid)
        if entry.msgid_plural is None:
            lines += render_string("msgstr", entry.msgstr)
        else:
            lines += render_string("msgid_plural", entry.msgid_plural)
            for index in sorted(entry.msgstr_plural):
                lines += render_string(f"msgstr[{index}]", entry.msgstr_plural[index])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# --- the catalogs of the project ---------------------------------------------------------------


def catalogs(root: Path, languages: list[str] | None = None) -> list[Path]:
    found = []
    for po in sorted(root.rglob("*.po")):
        parts = po.relative_to(root).parts
        if SKIP_DIRS.intersection(parts) or len(parts) < 4:
            continue
        if parts[-4] != "locale" or parts[-2] != "LC_MESSAGES":
            continue
        if languages and parts[-3] not in languages:
            continue
        found.append(po)
    return found


def language_of(po: Path) -> str:
    return po.parts[-3]


def nplurals(entries: list[Entry], language: str) -> int:
    header = next((e for e in entries if e.is_header), None)
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr if header else "")
    if match:
        return int(match.group(1))
    return int(re.search(r"nplurals=(\d+)", PLURAL_FORMS.get(language, "nplurals=2")).group(1))


def gaps(po: Path) -> list[Entry]:
    entries = parse(po.read_text(encoding="utf-8"))
    count = nplurals(entries, language_of(po))
    found = [entry for entry in entries if entry.is_gap(count)]
    header = next((e for e in entries if e.is_header), None)
    if header is not None and header.fuzzy:
        found.insert(0, header)  # a fuzzy header is skipped by msgfmt: no plural rule, no charset
    return found


def describe(entry: Entry) -> str:
    if entry.is_header:
        return "(header is fuzzy)"
    context = f"[{entry.msgctxt}] " if entry.msgctxt is not None else ""
    state = "fuzzy" if entry.fuzzy else "empty"
    return f"{state}\t{entry.key}\t{context}{quote(entry.msgid)}"


def command_missing(root: Path, languages: list[str]) -> int:
    total = 0
    for po in catalogs(root, languages):
        for entry in gaps(po):
            print(f"{po.relative_to(root)}\t{describe(entry)}")
            total += 1
    print(f"{total} gap(s)", file=sys.stderr)
    return 1 if total else 0


def command_export(root: Path, language: str) -> int:
    seen = set()
    for po in catalogs(root, [language]):
        for entry in gaps(po):
            if entry.is_header or entry.key in seen:
                continue
            seen.add(entry.key)
            source = quote(entry.msgid)
            if entry.msgid_plural is not None:
                source += " || " + quote(entry.msgid_plural)
            print(f"{entry.key}\t{quote(entry.msgctxt or '')}\t{source}")
    return 0


def french_spacing(text: str) -> str:
    """No-break space before : ; ? ! » and after «, so punctuation never starts a line."""
    return re.sub(r" ([:;?!»])", "\u00a0\\1", text).replace("« ", "«\u00a0")


TYPOGRAPHY = {"fr": french_spacing}


def read_translations(path: Path) -> dict[str, dict[int | None, str]]:
    found: dict[str, dict[int | None, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([0-9a-f]{8})(?:\[(\d)\])?[\t ]+(.*)", line.strip())
        if not match:
            raise SystemExit(f"{path}:{number}: expected KEY<TAB>translation: {line!r}")
        text = match.group(3)
        index = int(match.group(2)) if match.group(2) is not None else None
        text = re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text)
        found.setdefault(match.group(1), {})[index] = text
    return found


def fix_header(header: Entry, language: str) -> None:
    header.flags = [flag for flag in header.flags if flag != "fuzzy"]
    fields = {"Language": language}
    defaults = {  # replace what xgettext leaves, so msgfmt --check has nothing to warn about
        "Project-Id-Version": ("PACKAGE VERSION", "bali-portal"),
        "PO-Revision-Date": ("YEAR-MO-DA", time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime())),
        "Last-Translator": ("FULL NAME", "Bali portal team"),
    }
    for name, (placeholder, value) in defaults.items():
        if f"{name}: {placeholder}" in header.msgstr:
            fields[name] = value
    if language in PLURAL_FORMS:
        fields["Plural-Forms"] = PLURAL_FORMS[language]
    if language in LANGUAGE_TEAMS and "LANGUAGE <LL@li.org>" in header.msgstr:
        fields["Language-Team"] = LANGUAGE_TEAMS[language]
    lines = header.msgstr.splitlines(keepends=True)
    for name, value in fields.items():
        for i, line in enumerate(lines):
            if line.startswith(f"{name}:"):
                lines[i] = f"{name}: {value}\n"
                break
        else:
            lines.append(f"{name}: {value}\n")
    header.msgstr = "".join(lines)


def command_fill(root: Path, language: str, path: Path) -> int:
    translations = read_translations(path)
    typography = TYPOGRAPHY.get(language, lambda text: text)
    translations = {
        key: {index: typography(text) for index, text in forms.items()}
        for key, forms in translations.items()
    }
    used, problems = set(), []
    for po in catalogs(root, [language]):
        entries = parse(po.read_text(encoding="utf-8"))
        header = next((e for e in entries if e.is_header), None)
        if header is not None:
            fix_header(header, language)
        count = nplurals(entries, language)
        for entry in entries:
            given = translations.get(entry.key)
            if not given or entry.is_header or entry.obsolete:
                continue
            used.add(entry.key)
            if entry.msgid_plural is None:
                text = given.get(None, given.get(0))
                wrong = mismatches(entry.msgid, text, entry.key)
                if wrong:  # a lost placeholder breaks formatting at run time: keep the gap
                    problems += wrong
                    continue
                entry.msgstr = text
            else:
                forms = [given.get(i) for i in range(count)]
                if None in forms:
                    problems.append(f"{entry.key}: needs {count} plural forms")
                    continue
                wrong = [
                    problem
                    for form in forms
                    for problem in mismatches(entry.msgid_plural, form, entry.key, plural=True)
                ]
                if wrong:
                    problems += wrong
                    continue
                entry.msgstr_plural = dict(enumerate(forms))
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
            entry.comments = [c for c in entry.comments if not c.startswith("#|")]
        po.write_text(render(entries), encoding="utf-8")
        rewrap(po)
    for key in sorted(set(translations) - used):
        print(f"{key}: no such entry in the {language} catalogs (already filled?)", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def rewrap(po: Path) -> None:
    """Wrap as makemessages does and compile the .mo beside it, as compilemessages does."""
    msgcat, msgfmt = shutil.which("msgcat"), shutil.which("msgfmt")
    # Our own catalog paths, given to GNU gettext as argument lists (no shell).
    if msgcat:
        subprocess.run([msgcat, "--width=79", "-o", str(po), str(po)], check=True)
    if msgfmt:
        mo = str(po.with_suffix(".mo"))
        subprocess.run([msgfmt, "--check-format", "-o", mo, str(po)], check=True)


# --- placeholders -----------------------------------------------------------------------------

PLACEHOLDER = re.compile(
    r"%\([^)]+\)[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_.]*\}|</?[a-zA-Z][^>]*>"
)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def mismatches(source: str, text: str, key: str, plural: bool = False) -> list[str]:
    expected, found = placeholders(source), placeholders(text)
    if plural:  # a plural form may spell the number out ("one day") instead of %(days)s
        if set(found) <= set(expected):
            return []
    elif expected == found:
        return []
    return [f"{key}: placeholders {expected} in the msgid, {found} in {text!r}"]


def command_check(root: Path, languages: list[str]) -> int:
    problems = []
    for po in catalogs(root, languages):
        for entry in parse(po.read_text(encoding="utf-8")):
            if entry.is_header or entry.obsolete:
                continue
            for text in entry.translations():
                if not text:
                    continue
                # Any form may serve numbers other than one (Russian's first form serves 21, 31,
                # Chinese has only one form): a form may use what either msgid holds.
                source = entry.msgid
                if entry.msgid_plural is not None:
                    source = f"{entry.msgid} {entry.msgid_plural}"
                for problem in mismatches(source, text, entry.key, entry.msgid_plural is not None):
                    problems.append(f"{po.relative_to(root)}\t{problem}")
    print("\n".join(problems)) if problems else None
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("missing").add_argument("languages", nargs="*")
    sub.add_parser("export").add_argument("language")
    fill = sub.add_parser("fill")
    fill.add_argument("language")
    fill.add_argument("translations", type=Path)
    sub.add_parser("check").add_argument("languages", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "missing":
        return command_missing(args.root, args.languages)
    if args.command == "export":
        return command_export(args.root, args.language)
    if args.command == "fill":
        return command_fill(args.root, args.language, args.translations)
    return command_check(args.root, args.languages)


if __name__ == "__main__":
    sys.exit(main())
