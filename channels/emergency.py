"""Where a message comes from, and whom to call in danger there.

Invariants:
- EMERGENCY_NUMBERS holds only numbers that are the country's general (or police) emergency
  line and well established; a country missing here gets "call the local emergency number",
  never a guess.
- The anti-trafficking line is not written here: it is the directory's own published national
  hotline of the country (services.public.views.national_hotlines, which reads only what the
  public may see), preferring one specialised in trafficking. No such listing, no number.
- The sender's number is read for its calling code only, and is not kept (memory.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from services.models import Phone, Region
from services.public.hits import HitView
from services.public.views import national_hotline_views

# The general (or police) emergency number by ISO 3166-1 country code.
EMERGENCY_NUMBERS: dict[str, str] = {
    "US": "911",
    "CA": "911",
    "MX": "911",
    "CR": "911",
    "SV": "911",
    "HN": "911",
    "PA": "911",
    "DO": "911",
    "CO": "123",
    "VE": "911",
    "EC": "911",
    "PE": "105",
    "CL": "133",
    "AR": "911",
    "UY": "911",
    "PY": "911",
    "BR": "190",
    "ES": "112",
    "PT": "112",
    "FR": "112",
    "IT": "112",
    "DE": "112",
}


def sender_country(sender: str) -> str:
    """The country of a sender's number by its calling code ("+57…" → "CO"), or ""."""
    number = sender.split(":", 1)[-1].strip()
    if number and not number.startswith("+"):
        number = "+" + number  # RapidPro's whatsapp: URNs carry the digits without "+"
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return ""
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else ""


def sms_phone(phone: Phone) -> str:
    """A listing's phone as a text message shows it: the stored number as it is, on one line."""
    return " ".join(phone.number.split())


@dataclass(frozen=True)
class Hotline:
    name: str
    phone: str
    open_24_7: bool
    is_free: bool


def national_hotline(country: str, lang: str) -> Hotline | None:
    """The country's published national hotline with a phone, trafficking-specialised first."""
    region = Region.objects.filter(code=country, level=Region.Level.COUNTRY).first()
    if region is None:
        return None
    views: list[HitView] = [v for v in national_hotline_views(region, lang, limit=20) if v.phones]
    if not views:
        return None
    best = sorted(views, key=lambda v: not v.service.trafficking_specialised)[0]
    return Hotline(
        name=best.service.name,
        phone=sms_phone(best.phones[0]),
        open_24_7=best.service.open_24_7,
        is_free=best.service.is_free,
    )
