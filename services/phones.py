"""Phone numbers as data: read once, stored as E.164, shown for the reader's country.

Invariants:
- A number is read with the country of the place it belongs to as its default region (the
  location's; a service's or organisation's first located place, else the country its areas are
  in). A number that cannot be read, or is not a valid number of its country, is refused with a
  translated message naming the problem; nothing is stored then.
- What is stored is E.164 ("+576075550101"): one spelling per number, so duplicates match, `tel:`
  and `wa.me` links always carry the country code, and the API gives HSDS a number any system dials.
- Shown numbers are in the national format when the page is about the number's own country
  ("(607) 5550101" on a Colombian page) and in the international one otherwise. A number that
  is stored but cannot be read (kept as it was by the migration that normalised the rest) is
  shown as stored, and gets no WhatsApp link: wa.me needs the country code to reach anyone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What a stored number looks like once normalised (the database filters on it).
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
# Longest input worth parsing: E.164 has at most 15 digits; people add spaces, dots and brackets.
MAX_INPUT = 40


def parse(raw: str, region: str | None = None) -> phonenumbers.PhoneNumber | None:
    """The number `raw` names if it is a valid one (read with `region` when it has no +)."""
    text = " ".join((raw or "").split())
    if not text or len(text) > MAX_INPUT:
        return None
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise(raw: str, region: str | None = None) -> str:
    """The E.164 form of `raw`, or a ValidationError in the user's language."""
    text = " ".join((raw or "").split())
    if not text:
        raise ValidationError(_("Type the phone number."), code="phone_empty")
    number = parse(text, region)
    if number is not None:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not text.startswith("+") and not region:
        raise ValidationError(
            _(
                "“%(number)s” has no country code and we do not know the country of this "
                "place: write it with + and the country code (for example +57 300 123 4567)."
            ),
            code="phone_no_country",
            params={"number": text[:MAX_INPUT]},
        )
    raise ValidationError(
        _(
            "“%(number)s” is not a phone number we can dial: check the digits, and write a "
            "number abroad with + and its country code (for example +57 300 123 4567)."
        ),
        code="phone_invalid",
        params={"number": text[:MAX_INPUT]},
    )


def is_e164(stored: str) -> bool:
    return bool(re.match(E164_PATTERN, stored or "")) and parse(stored) is not None


class _Forms(NamedTuple):
    region: str
    national: str
    international: str
    e164: str


@lru_cache(maxsize=16384)
def _forms(stored: str) -> _Forms | None:
    """Every rendering of a stored number, read once: a page or a build of result cards shows
    the same few numbers many times, and reading one is the costly part."""
    number = parse(stored)
    if number is None:
        return None
    return _Forms(
        region=phonenumbers.region_code_for_number(number) or "",
        national=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        international=phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
    )


def country_of(stored: str) -> str:
    """ "CO" for "+576075550101"; "" when the stored number cannot be read."""
    forms = _forms(stored or "")
    return forms.region if forms else ""


def display(stored: str, page_country: str | None = None) -> str:
    """The number as a reader of a page about `page_country` writes it."""
    forms = _forms(stored or "")
    if forms is None:
        return stored or ""
    if page_country and forms.region == page_country.upper():
        return forms.national
    return forms.international


def dial(stored: str) -> str:
    """ "+576075550101" for a `tel:` or `sms:` link; a number that cannot be read is dialled as
    its digits (and its + when it has one), which is what a phone does with it anyway."""
    forms = _forms(stored or "")
    if forms is not None:
        return forms.e164
    digits = re.sub(r"\D", "", stored or "")
    return f"+{digits}" if (stored or "").strip().startswith("+") else digits


def whatsapp_digits(stored: str) -> str:
    """The digits wa.me wants (country code first), or "" when the number cannot be read: a
    link without the country code would open a chat with somebody else or with nobody."""
    forms = _forms(stored or "")
    return forms.e164[1:] if forms else ""


def _location_country(location: Any) -> str:
    if location is None:
        return ""
    if getattr(location, "region_id", None):
        return location.region.country_code
    address = location.addresses.exclude(country="").first()
    return address.country.upper() if address else ""


def _service_country(service: Any) -> str:
    if service is None:
        return ""
    for link in service.service_at_locations.select_related("location__region"):
        country = _location_country(link.location)
        if country:
            return country
    area = service.service_areas.filter(region__isnull=False).select_related("region").first()
    return area.region.country_code if area else ""


def _organization_country(organization: Any) -> str:
    if organization is None:
        return ""
    for location in organization.locations.select_related("region")[:5]:
        country = _location_country(location)
        if country:
            return country
    for service in organization.services.all()[:5]:
        country = _service_country(service)
        if country:
            return country
    return ""


def owner_country(phone: Any) -> str:
    """The country a phone's owner is in: the default region its number is read with."""
    if phone.location_id:
        return _location_country(phone.location)
    if phone.service_at_location_id:
        return _location_country(phone.service_at_location.location)
    if phone.service_id:
        return _service_country(phone.service) or _organization_country(phone.service.organization)
    if phone.organization_id:
        return _organization_country(phone.organization)
    if phone.contact_id:
        contact = phone.contact
        for owner, find in (
            (getattr(contact, "service", None), _service_country),
            (getattr(contact, "location", None), _location_country),
            (getattr(contact, "organization", None), _organization_country),
        ):
            country = find(owner)
            if country:
                return country
    return ""


def normalise_stored(phone_model: Any) -> tuple[int, list[tuple[Any, str]]]:
    """Rewrite every stored number that is not E.164 yet; return how many changed and the
    (id, number) of those that could not be read, which stay as they are for a steward.

    Takes the model class so that a migration can pass its historical one.
    """
    changed = 0
    unreadable: list[tuple[Any, str]] = []
    rows = phone_model.objects.exclude(number__regex=E164_PATTERN).order_by("pk")
    for phone in rows.iterator(chunk_size=500):
        try:
            number = normalise(phone.number, owner_country(phone))
        except ValidationError:
            unreadable.append((phone.pk, phone.number))
            continue
        if number != phone.number:
            phone_model.objects.filter(pk=phone.pk).update(number=number)
            changed += 1
    return changed, unreadable
