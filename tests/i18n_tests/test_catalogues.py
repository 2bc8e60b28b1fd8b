"""Every interface language is first-class: its catalogue exists, is complete, current, never
fuzzy, has the plural forms its header declares, and keeps every placeholder and tag of the
English source. English is the source language (the msgids) and has no catalogue of its own.

A language listed in settings.LANGUAGES without a catalogue fails here, by name."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SOURCE_LANGUAGE = "en"
SOURCE_DIRS = [
    "accounts",
    "audit",
    "channels",
    "config",
    "referrals",
    "reports",
    "services",
    "templates",
    "static",
]
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]

# What each plural rule must answer, from the CLDR: Spanish has a separate form for round
# millions ("1 000 000 de servicios"); Brazilian Portuguese and French treat 0 and 1 alike.
PLURAL_FORMS = {
    "es": {1: 0, 2: 2, 5: 2, 1_000_000: 1},
    "pt": {0: 0, 1: 0, 2: 1, 5: 1},
    "fr": {0: 0, 1: 0, 2: 1, 5: 1},
}

# %(name)s, %s and %d, {name}, HTML tags, URL converters (<uuid:pk>): a translation that drops,
# renames or adds one breaks the page or the message.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrif]|%[sdrif]|\{\w*\}|</?[a-zA-Z][^>]*>")


def catalogue_path(language: str, domain: str = "django") -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def catalogue(language: str) -> polib.POFile:
    path = catalogue_path(language)
    assert path.exists(), f"settings.LANGUAGES lists {language!r} but {path} is missing"
    return polib.pofile(str(path))


def entries(language: str) -> list[polib.POEntry]:
    return [e for e in catalogue(language) if not e.obsolete and e.msgid]


def describe(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} ({', '.join(f'{f}:{n}' for f, n in entry.occurrences[:2])})"


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    assert match, "the catalogue has no Plural-Forms header"
    return int(match.group(1))


def plural_rule(po: polib.POFile):
    expression = re.search(r"plural\s*=\s*(.+?);?\s*$", po.metadata["Plural-Forms"]).group(1)
    from gettext import c2py

    return c2py(expression)


def test_english_is_the_source_language_and_every_other_one_has_a_catalogue():
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes == ["es", "en", "pt", "fr", "ht"]
    assert settings.LANGUAGE_CODE == "es"
    for language in LANGUAGES:
        assert catalogue_path(language).exists(), f"no catalogue for {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_says_which_language_it_is(language):
    assert catalogue(language).metadata.get("Language") == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    untranslated = [describe(e) for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [describe(e) for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_message_fills_exactly_the_forms_the_header_declares(language):
    po = catalogue(language)
    count = nplurals(po)
    wrong = [
        describe(e)
        for e in po
        if e.msgid_plural
        and not e.obsolete
        and (
            sorted(e.msgstr_plural) != list(range(count))
            or not all(e.msgstr_plural[i] for i in range(count))
        )
    ]
    assert not wrong, f"plural entries without msgstr[0..{count - 1}] in {language}: {wrong}"


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_the_plural_rule_is_the_languages_own(language):
    rule = plural_rule(catalogue(language))
    assert {n: rule(n) for n in PLURAL_FORMS[language]} == PLURAL_FORMS[language]
    assert nplurals(catalogue(language)) == max(PLURAL_FORMS[language].values()) + 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_and_tags_of_its_source(language):
    broken = []
    for entry in entries(language):
        singular = sorted(PLACEHOLDER.findall(entry.msgid))
        if not entry.msgid_plural:
            if sorted(PLACEHOLDER.findall(entry.msgstr)) != singular:
                broken.append(describe(entry))
            continue
        plural = sorted(PLACEHOLDER.findall(entry.msgid_plural))
        allowed = set(singular) | set(plural)
        # The count may be left out of a form ("Where" / "Where (%(counter)s places)"), but
        # every other placeholder the source has in both forms must stay.
        needed = set(singular) & set(plural)
        for form in entry.msgstr_plural.values():
            found = set(PLACEHOLDER.findall(form))
            if not found <= allowed or not needed <= found:
                broken.append(describe(entry))
                break
    assert not broken, f"placeholders or tags changed in {language}: {broken}"


def test_the_django_messages_we_translate_are_still_djangos_own():
    """config/django_strings.py copies Django's msgids: a Django upgrade that rewords one would
    leave our translation unused and the page back in Django's (or no) translation."""
    django_root = Path(django.__file__).parent
    theirs = set()
    for path in (
        django_root / "conf/locale/es/LC_MESSAGES/django.po",
        django_root / "contrib/auth/locale/es/LC_MESSAGES/django.po",
    ):
        theirs |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(path))}
    ours = [
        e
        for e in entries("es")
        if any(path == "config/django_strings.py" for path, _line in e.occurrences)
    ]
    assert len(ours) > 100
    stale = [describe(e) for e in ours if (e.msgctxt, e.msgid) not in theirs]
    assert not stale, f"no longer Django's messages: {stale}"


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> dict[str, polib.POFile]:
    """What makemessages extracts from a copy of the sources today, per domain."""
    copy = tmp_path_factory.mktemp("tree")
    for name in [*SOURCE_DIRS, "manage.py", "locale"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        elif source.exists():
            shutil.copy2(source, copy / name)
    fresh = {}
    for domain, extensions in (("django", "html,txt,py,py.txt"), ("djangojs", "js")):
        if domain == "djangojs" and not catalogue_path("es", "djangojs").exists():
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
        fresh[domain] = polib.pofile(str(copy / f"locale/es/LC_MESSAGES/{domain}.po"))
    return fresh


@pytest.mark.parametrize("language", LANGUAGES)
def test_makemessages_would_add_nothing_the_catalogue_lacks(language, fresh_catalogues):
    for domain, fresh in fresh_catalogues.items():
        path = catalogue_path(language, domain)
        assert path.exists(), f"no {domain} catalogue for {language}"
        known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}
        missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
        assert not missing, f"run `make messages-update`: {language}/{domain}.po lacks {missing}"
