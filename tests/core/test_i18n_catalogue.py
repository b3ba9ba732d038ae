"""Issue #15: staff read Dutch, so the nl catalogue is complete — every entry translated,
none fuzzy, every translatable string of the sources in it (none missing, none left over),
and the compiled .mo is the .po's.

"Up to date" is checked the way a developer would: `makemessages -l nl` runs on a copy of
the package (sources and catalogue) and must find no msgid the committed catalogue lacks
and leave none of its entries without a source. It needs GNU gettext (the Debian package
`gettext`, installed by scripts/bootstrap.sh and scripts/test.sh).
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core import catalogue

PACKAGE = Path(__file__).resolve().parents[2] / "privacydesk"
PO = PACKAGE / "locale/nl/LC_MESSAGES/django.po"
MO = PACKAGE / "locale/nl/LC_MESSAGES/django.mo"


def problems(path: Path) -> list[str]:
    """Every entry of the catalogue at `path` a Dutch reader would miss: untranslated
    (an empty msgstr, or one plural form empty) or fuzzy (a guess nobody checked)."""
    found = []
    for entry in catalogue.read(path):
        if entry.obsolete:
            continue
        if entry.fuzzy:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated:
            found.append(f"untranslated: {entry.msgid!r}")
    return found


def _keys(path: Path) -> set[tuple[str | None, str]]:
    return {e.key for e in catalogue.read(path) if not e.obsolete}


def _makemessages(into: Path) -> Path:
    """Run makemessages -l nl on a copy of the package under `into`; return the .po it
    wrote. Without settings, as `django-admin makemessages` in privacydesk/ runs: the
    copy's own locale/ is the catalogue it updates."""
    copy = into / "privacydesk"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "static", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    admin = Path(sys.executable).with_name("django-admin")
    result = subprocess.run([str(admin), "makemessages", "-l", "nl", "--no-obsolete"],
                            cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return copy / "locale/nl/LC_MESSAGES/django.po"


def test_every_entry_of_the_nl_catalogue_is_translated_and_none_is_fuzzy():
    assert problems(PO) == []


def test_the_nl_catalogue_holds_every_string_of_the_sources_and_nothing_else(tmp_path):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext is missing: install the Debian package `gettext` "
                    "(scripts/bootstrap.sh does)")
    fresh = _makemessages(tmp_path)
    committed, sources = _keys(PO), _keys(fresh)
    missing = sorted(sources - committed, key=str)
    left_over = sorted(committed - sources, key=str)
    assert not missing, ("strings in the sources without an nl entry (run `cd privacydesk && "
                         f"../.venv/bin/django-admin makemessages -l nl`): {missing}")
    assert not left_over, f"nl entries no source uses any more: {left_over}"
    assert problems(fresh) == []  # what makemessages merged is translated too


def test_the_compiled_catalogue_is_the_po_compiled(tmp_path):
    """compilemessages ran after the last change: the .mo Django reads says what the .po
    says (a .po fixed without compiling would leave the pages English)."""
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext is missing: install the Debian package `gettext`")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == \
            gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]


def test_the_check_finds_a_fuzzy_and_an_untranslated_entry(tmp_path):
    """The first test can fail: a catalogue with a guess and a gap is reported."""
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '#, fuzzy\nmsgid "Sign out"\nmsgstr "Aanmelden"\n\n'
                  'msgid "Sign in"\nmsgstr ""\n\n'
                  'msgid "%(n)d day left"\nmsgid_plural "%(n)d days left"\n'
                  'msgstr[0] "nog %(n)d dag"\nmsgstr[1] ""\n\n'
                  'msgctxt "menu"\nmsgid "Work"\nmsgstr "Werk"\n', encoding="utf-8")
    assert problems(po) == ["fuzzy: 'Sign out'", "untranslated: 'Sign in'",
                            "untranslated: '%(n)d day left'"]
