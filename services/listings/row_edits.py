"""Changes to what a listing shows that live in rows of their own: its phone numbers, its weekly
opening hours and its address.

A change is read from a form into plain data (`read_phone`, `read_hours`, `read_address`), which
a suggestion keeps as it is, and applied by `apply_change` when it is accepted. Reading refuses
bad input with a translated ValidationError and touches nothing; applying reads the data again,
so a suggestion changed in the database since cannot slip past the checks. Who may see which
row is decided here too: a confidential place's numbers and address are offered only to those
who may edit the listing, never to a member who may only suggest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from services import phones
from services.hours import WEEKDAYS, describe_hours
from services.models import Address, Phone, Schedule, Service, Suggestion

ADDRESS_FIELDS = ("address_1", "city", "state_province", "postal_code")
ADDRESS_LABELS = {
    "address_1": _("Street and number"),
    "city": _("City"),
    "state_province": _("State or province"),
    "postal_code": _("Postal code"),
}
ROW_FIELDS = {
    Suggestion.Kind.PHONE_CHANGE: _("Phone number"),
    Suggestion.Kind.HOURS_CHANGE: _("Opening hours"),
    Suggestion.Kind.ADDRESS_CHANGE: _("Address"),
}


# --- which rows a person may see and change -------------------------------------------------


def phones_for(service: Service, *, include_confidential: bool) -> list[Phone]:
    """The service's own numbers and those of its places (a confidential place's only for
    editors), in a stable order."""
    places = Q(location__service_at_locations__service=service)
    if not include_confidential:
        places &= Q(location__is_confidential=False)
    return list(
        Phone.objects.filter(Q(service=service) | places).distinct().order_by("number", "id")
    )


def address_for(service: Service, *, include_confidential: bool) -> Address | None:
    """The physical address of the service's first place (a confidential one only for
    editors), or None when it has none."""
    addresses = Address.objects.filter(
        location__service_at_locations__service=service,
        address_type=Address.AddressType.PHYSICAL,
    )
    if not include_confidential:
        addresses = addresses.filter(location__is_confidential=False)
    return addresses.order_by("location__name", "id").first()


def weekly_hours(service: Service) -> dict[str, list[str]]:
    """The service's own weekly hours as {"MO": ["08:00", "17:00"], …}; closed days left out."""
    days: dict[str, list[str]] = {}
    for schedule in Schedule.objects.filter(service=service, freq="WEEKLY").order_by("id"):
        if schedule.opens_at is None or schedule.closes_at is None:
            continue
        for raw in (schedule.byday or ",".join(WEEKDAYS)).split(","):
            code = raw.strip().lstrip("+-0123456789").upper()
            if code in WEEKDAYS and code not in days:
                days[code] = [f"{schedule.opens_at:%H:%M}", f"{schedule.closes_at:%H:%M}"]
    return days


# --- reading a form -------------------------------------------------------------------------


def read_phone(raw: str, country: str = "") -> dict[str, str]:
    """{"number": "+573001234567"} from what was typed (read with the listing's `country` when
    it has no +), or a translated ValidationError (services/phones.py)."""
    try:
        return {"number": phones.normalise(raw, country or None)}
    except ValidationError as error:
        raise ValidationError({"number": error}) from None


def _time(raw: str, day: str) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.time.fromisoformat(raw).strftime("%H:%M")
    except ValueError:
        raise ValidationError(
            {day: _("Give the time as hours and minutes, for example 08:30.")}
        ) from None


def read_hours(data: Any) -> dict[str, dict[str, list[str]]]:
    """{"days": {"MO": ["08:00", "17:00"], …}} from the form's opens_MO/closes_MO pairs; a day
    with neither time is closed."""
    days: dict[str, list[str]] = {}
    for day in WEEKDAYS:
        opens = _time(data.get(f"opens_{day}", ""), day)
        closes = _time(data.get(f"closes_{day}", ""), day)
        if opens is None and closes is None:
            continue
        if opens is None or closes is None:
            raise ValidationError(
                {day: _("Give both the opening and the closing time, or neither.")}
            )
        if closes <= opens:
            raise ValidationError({day: _("The closing time must be after the opening time.")})
        days[day] = [opens, closes]
    if not days:
        raise ValidationError(
            {
                "hours": _(
                    "Give the hours of at least one day. A place that has closed is "
                    "reported with “this place has closed”."
                )
            }
        )
    return {"days": days}


def read_address(data: Any) -> dict[str, str]:
    """The street, city, state or province and postal code, trimmed; the first three needed."""
    address = {name: " ".join(str(data.get(name, "") or "").split()) for name in ADDRESS_FIELDS}
    missing = [name for name in ADDRESS_FIELDS[:3] if not address[name]]
    if missing:
        raise ValidationError(
            {
                name: _("Give the street and number, the city and the state or province.")
                for name in missing
            }
        )
    for name in ADDRESS_FIELDS:
        limit = Address._meta.get_field(name).max_length
        if len(address[name]) > limit:
            raise ValidationError(
                {name: _("This is too long: %(limit)s characters at most.") % {"limit": limit}}
            )
    return address


def read(kind: str, data: Any, *, country: str = "") -> dict[str, Any]:
    if kind == Suggestion.Kind.PHONE_CHANGE:
        return read_phone(data.get("number", ""), country)
    if kind == Suggestion.Kind.HOURS_CHANGE:
        return read_hours(data)
    if kind == Suggestion.Kind.ADDRESS_CHANGE:
        return read_address(data)
    raise ValidationError({"field_name": _("This field cannot be changed by a suggestion.")})


def recheck(kind: str, stored: dict[str, Any], *, country: str = "") -> dict[str, Any]:
    """Read a suggestion's stored data again, as if it came from the form."""
    if kind == Suggestion.Kind.HOURS_CHANGE:
        form: dict[str, str] = {}
        for day, (opens, closes) in (stored.get("days") or {}).items():
            form[f"opens_{day}"], form[f"closes_{day}"] = opens, closes
        return read(kind, form)
    return read(kind, stored, country=country)


def phone_country(service: Service, phone: Phone | None) -> str:
    """The country a typed number without + is read in: the phone's owner's, else the
    listing's."""
    return phones.owner_country(phone if phone is not None else Phone(service=service))


# --- showing a change -----------------------------------------------------------------------


def _schedules(days: dict[str, list[str]]) -> list[Schedule]:
    """Unsaved weekly schedules for a set of days, one per distinct pair of times."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for day in WEEKDAYS:
        if day in days:
            grouped.setdefault(tuple(days[day]), []).append(day)
    return [
        Schedule(
            freq="WEEKLY",
            byday=",".join(group),
            opens_at=dt.time.fromisoformat(opens),
            closes_at=dt.time.fromisoformat(closes),
        )
        for (opens, closes), group in grouped.items()
    ]


def describe(kind: str, data: dict[str, Any], *, lang: str) -> str:
    """A change in words, for the moderation queue and the listing's waiting suggestions."""
    if not data:
        return ""
    if kind == Suggestion.Kind.PHONE_CHANGE:
        return phones.display(data.get("number", ""))
    if kind == Suggestion.Kind.HOURS_CHANGE:
        return "; ".join(describe_hours(_schedules(data.get("days", {})), lang=lang))
    return ", ".join(data[name] for name in ADDRESS_FIELDS if data.get(name))


def current(kind: str, service: Service, target: Any) -> dict[str, Any]:
    """The data the listing has now for a change of this kind (empty when it has none)."""
    if kind == Suggestion.Kind.PHONE_CHANGE:
        return {"number": target.number} if target is not None else {}
    if kind == Suggestion.Kind.HOURS_CHANGE:
        days = weekly_hours(service)
        return {"days": days} if days else {}
    if target is None:
        return {}
    return {name: getattr(target, name) for name in ADDRESS_FIELDS}


# --- applying an accepted change ------------------------------------------------------------


def apply_change(suggestion: Suggestion, service: Service, *, provenance: Any) -> None:
    """Write an accepted change. `provenance(obj)` marks a row with who and why before it is
    saved (the rows that keep a history carry it there)."""
    country = (
        phone_country(service, suggestion.phone)
        if suggestion.kind == Suggestion.Kind.PHONE_CHANGE
        else ""
    )
    data = recheck(suggestion.kind, suggestion.proposed_data, country=country)
    if suggestion.kind == Suggestion.Kind.PHONE_CHANGE:
        phone = suggestion.phone
        if phone is None:
            phone = Phone(service=service, type=Phone.PhoneType.VOICE)
        phone.number = data["number"]
        phone.full_clean(exclude=["location", "service", "organization", "contact"])
        provenance(phone)
        phone.save()
    elif suggestion.kind == Suggestion.Kind.HOURS_CHANGE:
        Schedule.objects.filter(service=service, freq="WEEKLY").delete()
        for schedule in _schedules(data["days"]):
            schedule.service = service
            schedule.full_clean()
            schedule.save()
    else:
        address = suggestion.address
        if address is None:
            raise ValidationError(
                _("The address this suggestion was about no longer exists."), code="no_address"
            )
        for name, value in data.items():
            setattr(address, name, value)
        address.full_clean(exclude=["location"])
        address.save()
