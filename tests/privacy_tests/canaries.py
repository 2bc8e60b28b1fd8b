"""Canaries: a distinctive value for every field of the two sensitive classes
(tests/privacy_tests/sensitivity.py), and the encoded forms in which a leak could hide.

VAWA counts an identifier as disclosed "regardless of whether the information has been encoded,
encrypted, hashed", so a value is looked for plain, url-encoded, HTML- and JSON-escaped, in
base64 (at each of the three byte alignments, so that it is found inside a longer encoded blob),
in hex, and as the MD5, SHA-1 and SHA-256 of the value.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import struct
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

from django.conf import settings

from tests.privacy_tests import sensitivity

# The sealed handoff's fields (client-identifying). Non-ASCII on purpose: escaping must be seen.
HANDOFF = {
    "name": "Canario Zafiro-Ñ4417",
    "phone": "+57 300 555 4417",
    "safe_times": "tardes-zafiro-4417",
    "note": "nota-zafiro-4417 «confidencial»",
}

# The confidential shelter's exact point: decimals that nothing else in the data has.
SHELTER_LON = -72.4987613
SHELTER_LAT = 7.9123457

_LOCATION_TEXT = (
    "url",
    "alternate_name",
    "description",
    "transportation",
    "external_identifier",
    "external_identifier_type",
)


def location_values() -> dict[str, str]:
    """A value for each confidential-location text column of Location, per-language ones too."""
    values = {
        "url": "https://escondido-kx7q.example.org/casa",
        "alternate_name": "Casa Escondida KX7Q",
        "external_identifier": "EXT-KX7Q-5521",
        "external_identifier_type": "catastro-kx7q",
    }
    for stem in ("description", "transportation"):
        values[stem] = f"{stem}-kx7q-base"
        for code in settings.MODELTRANSLATION_LANGUAGES:
            values[f"{stem}_{code}"] = f"{stem}-kx7q-{code}"
    return values


ADDRESS = {
    "attention": "Atención Hermana KX7Q",
    "address_1": "Calle Oculta 77-41 KX7Q",
    "address_2": "Interior Azul KX7Q",
    "city": "Barrio Secreto KX7Q",
    "region": "Vereda Niebla KX7Q",
    "state_province": "Provincia Velada KX7Q",
    "postal_code": "KX7Q-540099",
}

METADATA = {
    "previous_value": "Antigua Calle 12-19 KX7Q",
    "replacement_value": ADDRESS["address_1"],
}


# Rows whose public fields are confidential-location data because of where they are
# (tests/privacy_tests/sensitivity.py ROW_RULES): at the shelter, a phone that is not the intake line, a
# contact and that contact's own phone, hours, accessibility and a language note. Numbers have
# ten digits or more so that nothing else in a page matches them by chance.
HIDDEN_PHONE = {"number": "+57 605 938 2716", "extension": 2093827461}
CONTACT_PHONE = {"number": "+57 605 938 2745"}
CONTACT = {
    "name": "Hermana Portera KX7Q",
    "title": "Portera KX7Q",
    "department": "Portería KX7Q",
    "email": "portera-kx7q@example.org",
}
PHONE_LANGUAGE_NOTE = "idioma-del-telefono-kx7q"
SCHEDULE_LINK = "https://horario-kx7q.example.org/turnos"
ACCESSIBILITY_URL = "https://rampa-kx7q.example.org/acceso"

# The same kinds of row hanging off the service's link to the shelter (its service_at_location)
# instead of the shelter itself: as locating, hidden by the same rules. The link's own
# description is hidden too; the link and an intake line on it are public.
LINK_PHONE = {"number": "+57 605 938 2789", "extension": 2093827489}
LINK_CONTACT_PHONE = {"number": "+57 605 938 2798"}
LINK_CONTACT = {
    "name": "Hermano Enlace KX7Q",
    "title": "Enlace de turno KX7Q",
    "department": "Recepción de enlace KX7Q",
    "email": "enlace-kx7q@example.org",
}
LINK_SCHEDULE_LINK = "https://turnos-enlace-kx7q.example.org/horario"
LINK_INTAKE_PHONE = "+57 601 222 5555"  # public: the one number of the link
# Tags on hidden records (their free-text values), and the field history of two of them.
ATTRIBUTE_VALUES = {
    kind: f"valor-atributo-{kind}-kx7q"
    for kind in ("phone", "contact", "schedule", "link", "link_phone", "link_schedule")
}
LINK_METADATA = {
    "previous_value": "descripcion-anterior-del-enlace-kx7q",
    "replacement_value": "descripcion-nueva-del-enlace-kx7q",
}
LINK_PHONE_METADATA = {
    "previous_value": "+57 605 938 2700",
    "replacement_value": LINK_PHONE["number"],
}


def _per_language(stem: str) -> dict[str, str]:
    values = {stem: f"{stem}-kx7q-base"}
    for code in settings.MODELTRANSLATION_LANGUAGES:
        values[f"{stem}_{code}"] = f"{stem}-kx7q-{code}"
    return values


def row_values(kind: str) -> dict[str, str]:
    """Per-language texts for the conditional rows, each distinct (prefix by kind)."""
    stems = {
        "phone": ("description",),
        "schedule": ("description", "notes", "attending_type"),
        "accessibility": ("description", "details"),
        "language": ("note",),
        # Rows on the service's link to the shelter, and the link's own description.
        "link_phone": ("description",),
        "link_schedule": ("description", "notes", "attending_type"),
        "link": ("description",),
    }[kind]
    values: dict[str, str] = {}
    for stem in stems:
        # "description-phone-kx7q-es": no value contains another canary's whole value.
        values |= {k: v.replace("-kx7q", f"-{kind}-kx7q") for k, v in _per_language(stem).items()}
    return values


def seeded_fields() -> set[str]:
    """ "app.Model.field" of every field the suite seeds (or, for the two binary columns, reads
    back and looks for as bytes)."""
    seeded = {f"services.Location.{name}" for name in _LOCATION_TEXT}
    seeded |= {"services.Location.point"}
    seeded |= {f"services.Address.{name}" for name in ADDRESS}
    seeded |= {f"services.Metadata.{name}" for name in METADATA}
    seeded |= {"referrals.ContactHandoff.ciphertext", "referrals.HandoffKey.wrapped_key"}
    seeded |= {"services.Phone.number", "services.Phone.extension", "services.Phone.description"}
    seeded |= {f"services.Contact.{name}" for name in CONTACT}
    seeded |= {f"services.Schedule.{name}" for name in row_values("schedule")}
    seeded |= {"services.Schedule.schedule_link", "services.Accessibility.url"}
    seeded |= {f"services.Accessibility.{name}" for name in row_values("accessibility")}
    seeded |= {"services.Language.note"}
    seeded |= {f"services.ServiceAtLocation.{name}" for name in row_values("link")}
    seeded |= {"services.Attribute.value"}
    return seeded


def sensitive_fields() -> set[str]:
    return set(sensitivity.listed_fields(*sensitivity.SENSITIVE))


# --- encoded forms -----------------------------------------------------------------------------


def _b64_cores(data: bytes) -> set[str]:
    """The part of base64(prefix + data) that depends on `data` only, for each alignment."""
    cores = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).decode()
        start = -(-shift // 3) * 4
        end = ((shift + len(data)) // 3) * 4
        core = encoded[start:end]
        if len(core) >= 8:
            cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


def text_forms(value: str) -> set[str]:
    raw = value.encode()
    forms = {
        value,
        quote(value),
        quote_plus(value),
        quote(value, safe=""),
        html.escape(value),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        raw.hex(),
        hashlib.md5(raw).hexdigest(),  # noqa: S324 - looking for it, not using it
        hashlib.sha1(raw).hexdigest(),  # noqa: S324 - looking for it, not using it
        hashlib.sha256(raw).hexdigest(),
    }
    forms |= _b64_cores(raw)
    return {form for form in forms if form}


def bytes_forms(value: bytes) -> set[str]:
    """An encrypted or key blob: base64 at any alignment, hex, its hashes."""
    forms = {
        value.hex(),
        hashlib.sha256(value).hexdigest(),
        hashlib.sha1(value).hexdigest(),  # noqa: S324 - looking for it, not using it
        hashlib.md5(value).hexdigest(),  # noqa: S324 - looking for it, not using it
    }
    # A middle slice too: a truncated blob in a log line is still the blob.
    forms |= _b64_cores(value)
    forms |= _b64_cores(value[len(value) // 3 : len(value) // 3 + 24])
    return forms


def point_forms(lon: float, lat: float) -> set[str]:
    """The exact point as text with 4+ decimals, as the doubles in WKB/EWKB hex, and its
    distinctive decimals alone."""
    forms = set()
    for number in (lon, lat):
        text = repr(number)
        decimals = text.split(".")[1]
        forms.add(decimals[:7])
        for places in (4, 5, 6, 7):
            forms.add(f"{number:.{places}f}")
        forms.add(struct.pack("<d", number).hex())
        forms.add(struct.pack(">d", number).hex())
    return forms


@dataclass
class Canary:
    label: str
    sensitivity_class: str
    forms: set[str]


@dataclass
class Canaries:
    items: list[Canary] = field(default_factory=list)

    def add_text(self, label: str, sensitivity_class: str, value: str) -> None:
        self.items.append(Canary(label, sensitivity_class, text_forms(value)))

    def add_bytes(self, label: str, sensitivity_class: str, value: bytes) -> None:
        self.items.append(Canary(label, sensitivity_class, bytes_forms(value)))

    def add_point(self, label: str, lon: float, lat: float) -> None:
        self.items.append(Canary(label, sensitivity.CONFIDENTIAL_LOCATION, point_forms(lon, lat)))

    def add_phone(self, label: str, number: str) -> None:
        """A number as typed and as its digits alone (tel: links, E.164), with and without the
        country code, and as pages show it (services/phones.py: national and international)."""
        from services import phones

        digits = "".join(ch for ch in number if ch.isdigit())
        shown = {phones.display(number), phones.display(number, phones.country_of(number))}
        forms = text_forms(number) | {digits, "+" + digits, digits[2:]} | shown
        self.items.append(Canary(label, sensitivity.CONFIDENTIAL_LOCATION, forms))

    def found_in(self, text: str, *, classes: tuple[str, ...]) -> list[str]:
        """ "label: form" of every canary of `classes` that `text` holds (case-insensitively)."""
        lowered = text.casefold()
        found = []
        for canary in self.items:
            if canary.sensitivity_class not in classes:
                continue
            for form in canary.forms:
                if form.casefold() in lowered:
                    found.append(f"{canary.label}: {form}")
                    break
        return found


def standard_canaries() -> Canaries:
    """Every seeded value except the two binary ones, which exist only once a handoff is made."""
    canaries = Canaries()
    for name, value in HANDOFF.items():
        canaries.add_text(f"handoff.{name}", sensitivity.CLIENT, value)
    for name, value in location_values().items():
        canaries.add_text(f"location.{name}", sensitivity.CONFIDENTIAL_LOCATION, value)
    for name, value in ADDRESS.items():
        canaries.add_text(f"address.{name}", sensitivity.CONFIDENTIAL_LOCATION, value)
    canaries.add_text(
        "metadata.previous_value", sensitivity.CONFIDENTIAL_LOCATION, METADATA["previous_value"]
    )
    canaries.add_point("location.point", SHELTER_LON, SHELTER_LAT)
    for label, number in (
        ("phone.number", HIDDEN_PHONE),
        ("contact_phone.number", CONTACT_PHONE),
        ("link_phone.number", LINK_PHONE),
        ("link_contact_phone.number", LINK_CONTACT_PHONE),
        ("link_phone_metadata.previous_value", {"number": LINK_PHONE_METADATA["previous_value"]}),
    ):
        canaries.add_phone(label, number["number"])
    for label, phone in (("phone", HIDDEN_PHONE), ("link_phone", LINK_PHONE)):
        canaries.add_text(
            f"{label}.extension", sensitivity.CONFIDENTIAL_LOCATION, str(phone["extension"])
        )
    for label, contact in (("contact", CONTACT), ("link_contact", LINK_CONTACT)):
        for name, value in contact.items():
            canaries.add_text(f"{label}.{name}", sensitivity.CONFIDENTIAL_LOCATION, value)
    for kind in (
        "phone",
        "schedule",
        "accessibility",
        "language",
        "link_phone",
        "link_schedule",
        "link",
    ):
        for name, value in row_values(kind).items():
            canaries.add_text(f"{kind}.{name}", sensitivity.CONFIDENTIAL_LOCATION, value)
    canaries.add_text(
        "link_schedule.schedule_link", sensitivity.CONFIDENTIAL_LOCATION, LINK_SCHEDULE_LINK
    )
    for kind, value in ATTRIBUTE_VALUES.items():
        canaries.add_text(f"attribute.{kind}", sensitivity.CONFIDENTIAL_LOCATION, value)
    for name, value in LINK_METADATA.items():
        canaries.add_text(f"link_metadata.{name}", sensitivity.CONFIDENTIAL_LOCATION, value)
    canaries.add_text("language.phone_note", sensitivity.CONFIDENTIAL_LOCATION, PHONE_LANGUAGE_NOTE)
    canaries.add_text("schedule.schedule_link", sensitivity.CONFIDENTIAL_LOCATION, SCHEDULE_LINK)
    canaries.add_text("accessibility.url", sensitivity.CONFIDENTIAL_LOCATION, ACCESSIBILITY_URL)
    # Fragments every seeded value of a class shares: a truncated or reworded copy is a leak too.
    canaries.items.append(Canary("handoff.fragment", sensitivity.CLIENT, {"zafiro"}))
    canaries.items.append(Canary("location.fragment", sensitivity.CONFIDENTIAL_LOCATION, {"kx7q"}))
    return canaries
