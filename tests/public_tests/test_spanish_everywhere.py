"""Every string the public pages show is translated: the Spanish catalogue has them all, and no
English sentence of ours shows on a Spanish page."""

import html
from pathlib import Path

import polib
import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OURS = (
    "services/templates/services/",
    "services/public/views.py",
    "services/public/forms.py",
    "services/public/urls.py",
    "services/templatetags/",
    "templates/base.html",
)


def our_entries() -> list[polib.POEntry]:
    catalogue = polib.pofile(str(ROOT / "locale/es/LC_MESSAGES/django.po"))
    return [
        entry
        for entry in catalogue
        if not entry.obsolete and any(path.startswith(OURS) for path, _line in entry.occurrences)
    ]


def test_the_catalogue_translates_every_public_string():
    entries = our_entries()
    assert len(entries) > 150
    missing = [e.msgid for e in entries if not e.translated() or "fuzzy" in e.flags]
    assert not missing, missing


def test_no_english_sentence_of_ours_shows_on_a_spanish_page(client, directory):
    # Sentences only: single words ("Enlace", "WhatsApp") are the same in both languages.
    english = {
        entry.msgid
        for entry in our_entries()
        if " " in entry.msgid
        and "%" not in entry.msgid
        and "{" not in entry.msgid
        and entry.msgid != entry.msgstr
    }
    for url in directory.public_urls():
        if not url.startswith("/es/"):
            continue
        page = html.unescape(client.get(url).content.decode())
        shown = sorted(sentence for sentence in english if sentence in page)
        assert not shown, (url, shown)
