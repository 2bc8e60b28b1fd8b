"""Spanish is a first-class language: the catalogue is complete, current and never fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted((ROOT / "locale" / "es" / "LC_MESSAGES").glob("*.po"))
SOURCE_DIRS = ["accounts", "audit", "config", "referrals", "services", "templates", "static"]


def describe(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} ({', '.join(f'{f}:{n}' for f, n in entry.occurrences[:2])})"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_every_spanish_message_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    untranslated = [describe(e) for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [describe(e) for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path.name}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path.name}: {fuzzy}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_every_plural_message_fills_all_three_spanish_forms(path):
    catalogue = polib.pofile(str(path))
    incomplete = [
        describe(e)
        for e in catalogue
        if e.msgid_plural and not e.obsolete and not all(e.msgstr_plural.get(i) for i in range(3))
    ]
    assert not incomplete, f"plural entries missing msgstr[0..2]: {incomplete}"


def test_the_catalogues_exist():
    assert (ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po").exists()


def test_makemessages_would_add_nothing_the_catalogue_lacks(tmp_path):
    """Runs makemessages on a copy of the sources and compares message ids."""
    copy = tmp_path / "tree"
    copy.mkdir()
    for name in [*SOURCE_DIRS, "manage.py", "locale"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        elif source.exists():
            shutil.copy2(source, copy / name)
    for domain, extensions in (("django", "html,txt,py,py.txt"), ("djangojs", "js")):
        if domain == "djangojs" and not (ROOT / "locale/es/LC_MESSAGES/djangojs.po").exists():
            continue
        result = subprocess.run(
            [
                sys.executable,
                str(copy / "manage.py"),
                "makemessages",
                "-l",
                "es",
                "-d",
                domain,
                "-e",
                extensions,
                "--no-obsolete",
                "-i",
                "tests",
                "-i",
                "bench",
            ],
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        fresh = polib.pofile(str(copy / f"locale/es/LC_MESSAGES/{domain}.po"))
        ours = polib.pofile(str(ROOT / f"locale/es/LC_MESSAGES/{domain}.po"))
        known = {(e.msgctxt, e.msgid) for e in ours if not e.obsolete}
        missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
        assert not missing, f"run `make messages-update`: {domain}.po lacks {missing}"
