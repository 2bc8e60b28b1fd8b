"""Fills Spanish translations into a catalogue from a Python dict file and fixes its header.

Usage: .venv/bin/python scripts/po_fill.py TRANSLATIONS.py [locale/es/LC_MESSAGES/django.po]
TRANSLATIONS.py defines `T = {"English msgid": "Spanish", ("one", "many"): ("uno", "muchos", "muchos")}`.
Entries already translated are left alone unless the dict names them; fuzzy flags are cleared
only on entries the dict fills.
"""

import runpy
import sys

import polib

PLURAL_FORMS = "nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"


def main(translations_path: str, po_path: str = "locale/es/LC_MESSAGES/django.po") -> None:
    table = runpy.run_path(translations_path)["T"]
    catalogue = polib.pofile(po_path)
    catalogue.metadata.update(
        {
            "Project-Id-Version": "Enlace",
            "Language": "es",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": PLURAL_FORMS,
        }
    )
    if "fuzzy" in catalogue.metadata_is_fuzzy:
        catalogue.metadata_is_fuzzy = []
    for entry in catalogue:
        key = (entry.msgid, entry.msgid_plural) if entry.msgid_plural else entry.msgid
        if key not in table:
            continue
        value = table[key]
        if entry.msgid_plural:
            forms = value if isinstance(value, tuple) else (value, value, value)
            entry.msgstr_plural = {
                0: forms[0],
                1: forms[1],
                2: forms[2] if len(forms) > 2 else forms[1],
            }
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save(po_path)
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    print(f"{len(missing)} untranslated left" + (f": {missing[:20]}" if missing else ""))


if __name__ == "__main__":
    main(*sys.argv[1:])
