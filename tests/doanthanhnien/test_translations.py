"""The Vietnamese catalogue is complete, reviewed and compiled.

Every source string has a translation, none is marked fuzzy (a guess msgmerge made, which
gettext ignores at run time), placeholders survive translation, and the compiled .mo file says
the same as the .po file (i.e. `make messages` was run after the last edit).
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import django
import pytest
from django.conf import settings

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"

# %(name)s, %(count)d, %s … (but not a literal "%%").
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXoc%]")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """How gettext keys the entry in a compiled catalogue."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def where(self) -> str:
        return f"django.po:{self.line} {self.msgid[:60]!r}"


def parse_po(text: str) -> list[Entry]:
    """A minimal reader for the PO files makemessages writes (obsolete `#~` entries skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None

    def start(lineno):
        nonlocal entry, flags
        if entry is None:
            entry = Entry(line=lineno, flags=flags)
            flags = set()
        return entry

    def append(value: str):
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:
                entries.append(entry)
                entry, target = None, None
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            append(ast.literal_eval(line))
            continue
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
            entries.append(entry)
            entry = None
        current = start(lineno)
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[7:-1]))
        elif keyword == "msgstr":
            target = ("msgstr", 0)
        else:
            target = (keyword, None)
            setattr(current, keyword, "")
        append(value)
    if entry is not None:
        entries.append(entry)
    return entries


# The project's catalogue, and the one with its Vietnamese for strings of the packages it uses
# (Django's admin, django-axes, django-import-export) that have none.
CATALOGUES = [LC_MESSAGES, Path(settings.BASE_DIR) / "locale-packages" / "vi" / "LC_MESSAGES"]


@pytest.fixture(scope="module", params=CATALOGUES, ids=["project", "packages"])
def catalogue(request):
    return request.param


@pytest.fixture(scope="module")
def entries(catalogue):
    po = catalogue / "django.po"
    assert po.exists(), f"{po} is missing: run `make messages` and translate the catalogue"
    return parse_po(po.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compiled(catalogue):
    mo = catalogue / "django.mo"
    assert mo.exists(), f"{mo} is missing: run `make messages` to compile the catalogue"
    with open(mo, "rb") as handle:
        return gettext.GNUTranslations(handle)


def _messages(entries):
    return [e for e in entries if e.msgid]


def test_the_reader_understands_the_po_format():
    sample = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "Hi %(name)s"\nmsgstr "Chào %(name)s"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Long "\n"text"\nmsgstr "Dài"\n\n'
        'msgid "one file"\nmsgid_plural "%d files"\nmsgstr[0] "%d tệp"\n\n'
        '#~ msgid "gone"\n#~ msgstr "mất"\n'
    )

    header, hi, long, plural = parse_po(sample)

    assert header.msgid == "" and "nplurals=1" in header.msgstr[0]
    assert (hi.msgid, hi.msgstr, hi.flags) == (
        "Hi %(name)s",
        {0: "Chào %(name)s"},
        {"fuzzy", "python-format"},
    )
    assert (long.msgctxt, long.msgid, long.key) == ("menu", "Long text", "menu\x04Long text")
    assert (plural.msgid_plural, plural.msgstr) == ("%d files", {0: "%d tệp"})


def test_the_reader_agrees_with_msgfmt_on_djangos_own_catalogue():
    # Django ships each .po with the .mo msgfmt compiled from it: both must say the same.
    auth_vi = Path(django.__file__).parent / "contrib" / "auth" / "locale" / "vi" / "LC_MESSAGES"
    parsed = parse_po((auth_vi / "django.po").read_text(encoding="utf-8"))
    with open(auth_vi / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog

    compiled = {e.key: e for e in parsed if e.msgid and "fuzzy" not in e.flags}
    assert len(compiled) + 1 == len(catalog)  # + the header
    for e in compiled.values():
        if e.msgid_plural is None:
            assert catalog[e.key] == e.msgstr[0]
        else:
            assert all(catalog[(e.key, i)] == text for i, text in e.msgstr.items())


def test_the_catalogue_has_a_header_and_messages(entries):
    header = [e for e in entries if not e.msgid]
    assert len(header) == 1
    assert "charset=UTF-8" in header[0].msgstr[0]
    assert "Plural-Forms:" in header[0].msgstr[0]
    assert len(_messages(entries)) > 50


def test_every_string_is_translated(entries):
    missing = [e.where for e in _messages(entries) if not all(e.msgstr.values()) or not e.msgstr]
    assert missing == []


def test_no_translation_is_fuzzy(entries):
    fuzzy = [e.where for e in _messages(entries) if "fuzzy" in e.flags]
    assert fuzzy == []


def test_placeholders_survive_translation(entries):
    def placeholders(text):
        return sorted(PLACEHOLDER.findall(text))

    wrong = []
    for e in _messages(entries):
        if "python-format" not in e.flags:
            continue
        expected = placeholders(e.msgid_plural or e.msgid)
        for text in e.msgstr.values():
            # An empty translation is reported by test_every_string_is_translated.
            if text and placeholders(text) != expected:
                wrong.append(e.where)
    assert wrong == []


def test_the_compiled_catalogue_matches(entries, compiled):
    catalog = compiled._catalog
    stale = []
    for e in _messages(entries):
        if e.msgid_plural is None:
            if catalog.get(e.key) != e.msgstr.get(0):
                stale.append(e.where)
        else:
            for index, text in e.msgstr.items():
                if catalog.get((e.key, index)) != text:
                    stale.append(e.where)
    assert stale == []
