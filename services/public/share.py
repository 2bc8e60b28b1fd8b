"""Share a listing from a phone: "send by SMS" and "send by WhatsApp" links that open the
phone's own app with a prefilled text.

Invariants:
- The text is made from the listing alone (its name, first public number, hours and its address
  on our site) and the page's language; nothing about the visitor or the caseworker, their
  search, place or session goes into it. The site sends nothing and learns nothing: the links
  are plain `sms:` and `https://wa.me/?text=` addresses the phone opens only when tapped, with no
  recipient (the person chooses whom to send it to in their own app).
- The text is short enough for two SMS segments in most languages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from services import phones

MAX_TEXT = 300


def share_text(service: Any, numbers: list[Any], hours_lines: list[str]) -> str:
    parts = [str(service.name)]
    if numbers:
        parts.append(gettext("Phone: %(number)s") % {"number": phones.display(numbers[0].number)})
    if service.open_24_7:
        parts.append(gettext("Open 24/7"))
    elif hours_lines:
        parts.append(hours_lines[0])
    parts.append(settings.SITE_URL + reverse("services:service", args=[service.pk]))
    text = "\n".join(parts)
    return text if len(text) <= MAX_TEXT else "\n".join([parts[0][:120], *parts[1:]])


def share_links(service: Any, numbers: list[Any], hours_lines: list[str]) -> dict[str, str]:
    text = quote(share_text(service, numbers, hours_lines), safe="")
    return {"sms": f"sms:?&body={text}", "whatsapp": f"https://wa.me/?text={text}"}
