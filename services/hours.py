"""Opening hours: HSDS 3.0 schedules (iCalendar recurrence rules) read in the location's own time
zone, so that "open now" is right across time zones and daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RRULE_DAYS = {
    "MO": rrule.MO,
    "TU": rrule.TU,
    "WE": rrule.WE,
    "TH": rrule.TH,
    "FR": rrule.FR,
    "SA": rrule.SA,
    "SU": rrule.SU,
}
_DAY_NAMES = {
    "MO": _("Monday"),
    "TU": _("Tuesday"),
    "WE": _("Wednesday"),
    "TH": _("Thursday"),
    "FR": _("Friday"),
    "SA": _("Saturday"),
    "SU": _("Sunday"),
}
# A rule with no start date still needs one for dateutil; any Monday in the past will do.
_EPOCH = dt.date(2000, 1, 3)


def parse_byday(value: str) -> list[str]:
    """ "MO,TU" → ["MO", "TU"]; raises ValidationError on anything else (positions like "1MO" are
    accepted for monthly rules)."""
    days = []
    for raw in (value or "").replace(" ", "").upper().split(","):
        if not raw:
            continue
        code = raw.lstrip("+-0123456789")
        if code not in _RRULE_DAYS:
            raise ValidationError(
                _("“%(value)s” is not a day of the week (use MO, TU, WE, TH, FR, SA, SU)."),
                code="invalid_byday",
                params={"value": raw},
            )
        days.append(raw)
    return days


def _parse_int_list(value: str, *, field: str, low: int, high: int) -> list[int]:
    numbers = []
    for raw in (value or "").replace(" ", "").split(","):
        if not raw:
            continue
        try:
            number = int(raw)
        except ValueError:
            number = None
        if number is None or not (low <= abs(number) <= high):
            raise ValidationError(
                _("“%(value)s” is not a valid number in %(field)s."),
                code="invalid_number_list",
                params={"value": raw, "field": field},
            )
        numbers.append(number)
    return numbers


def _weekday(raw: str) -> rrule.weekday:
    code = raw.lstrip("+-0123456789")
    position = raw[: len(raw) - len(code)]
    day = _RRULE_DAYS[code]
    return day(int(position)) if position else day


def build_rule(schedule: Any, *, near: dt.date | None = None) -> rrule.rrule | None:
    """The schedule's recurrence as a dateutil rule (None when it has no recurrence).

    Raises ValidationError with a translated message when the rule cannot be read."""
    if not schedule.freq:
        if schedule.byday or schedule.bymonthday:
            raise ValidationError(
                _("Choose how often the schedule repeats (weekly or monthly)."), code="no_freq"
            )
        return None
    if schedule.freq not in ("WEEKLY", "MONTHLY"):
        raise ValidationError(_("Only weekly and monthly schedules are supported."), code="freq")
    days = [_weekday(d) for d in parse_byday(schedule.byday)]
    monthdays = _parse_int_list(
        schedule.bymonthday, field=str(_("days of the month")), low=1, high=31
    )
    try:
        return rrule.rrule(
            rrule.WEEKLY if schedule.freq == "WEEKLY" else rrule.MONTHLY,
            dtstart=dt.datetime.combine(_start(schedule, near), dt.time()),
            interval=schedule.interval or 1,
            byweekday=days or None,
            bymonthday=monthdays or None,
            until=dt.datetime.combine(schedule.until, dt.time.max) if schedule.until else None,
            count=schedule.count or None,
        )
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            _("This schedule cannot be read: %(error)s"), code="rrule", params={"error": str(exc)}
        ) from exc


def _start(schedule: Any, near: dt.date | None) -> dt.date:
    if schedule.dtstart:
        return schedule.dtstart
    if near is not None and (schedule.interval or 1) == 1:
        # Without a start date or an interval, any start before the day gives the same days;
        # a recent one saves dateutil from iterating since 2000.
        return near - dt.timedelta(days=62)
    return _EPOCH


def validate_schedule(schedule: Any) -> None:
    """Raise ValidationError (translated) unless the schedule can be evaluated."""
    build_rule(schedule)
    if (schedule.opens_at is None) != (schedule.closes_at is None):
        raise ValidationError(
            _("Give both the opening and the closing time, or neither."), code="half_open"
        )
    if schedule.freq and schedule.opens_at is None:
        raise ValidationError(_("Give the opening and closing times."), code="no_times")
    if schedule.valid_from and schedule.valid_to and schedule.valid_from > schedule.valid_to:
        raise ValidationError(
            _("The schedule's end date is before its start date."), code="valid_range"
        )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _occurs_on(schedule: Any, day: dt.date) -> bool:
    rule = build_rule(schedule, near=day)
    start = dt.datetime.combine(day, dt.time())
    return rule is not None and rule.after(start, inc=True) == start


def _valid_on(schedule: Any, day: dt.date) -> bool:
    if schedule.valid_from and day < schedule.valid_from:
        return False
    return not (schedule.valid_to and day > schedule.valid_to)


def schedule_open_at(schedule: Any, local: dt.datetime) -> bool:
    """Whether one schedule is open at `local` (a naive wall-clock time in its time zone)."""
    if not schedule.freq or schedule.opens_at is None or schedule.closes_at is None:
        return False
    today, now = local.date(), local.time()
    opens, closes = schedule.opens_at, schedule.closes_at
    if opens == closes:  # 00:00–00:00 means the whole day
        return _valid_on(schedule, today) and _occurs_on(schedule, today)
    if opens < closes:
        return opens <= now < closes and _valid_on(schedule, today) and _occurs_on(schedule, today)
    # Overnight (22:00–06:00): open late on an occurrence day, or early the morning after one.
    if now >= opens and _valid_on(schedule, today) and _occurs_on(schedule, today):
        return True
    yesterday = today - dt.timedelta(days=1)
    return now < closes and _valid_on(schedule, yesterday) and _occurs_on(schedule, yesterday)


def service_time_zone(obj: Any) -> str:
    """The time zone a service's or location's hours are read in."""
    if getattr(obj, "time_zone", ""):
        return obj.time_zone
    region = getattr(obj, "region", None)
    if region is not None and region.time_zone:
        return region.time_zone
    for location in _locations_of(obj):
        if location.time_zone:
            return location.time_zone
        if location.region is not None and location.region.time_zone:
            return location.region.time_zone
    return "UTC"


def _locations_of(obj: Any) -> list[Any]:
    if hasattr(obj, "service_at_locations"):
        return [sal.location for sal in obj.service_at_locations.all()]
    return []


def schedules_of(obj: Any) -> list[Any]:
    """A service's own schedules, else those of its locations; a location's own schedules."""
    own = list(obj.schedules.all())
    if own or not hasattr(obj, "service_at_locations"):
        return own
    found = []
    for sal in obj.service_at_locations.all():
        found.extend(sal.schedules.all())
        found.extend(sal.location.schedules.all())
    return found


def is_open_now(service_or_location: Any, at: dt.datetime | None = None) -> bool | None:
    """True or False from the schedules, read in the place's own time zone; None when the
    listing gives no hours (unknown is not closed)."""
    if getattr(service_or_location, "open_24_7", False):
        return True
    schedules = [s for s in schedules_of(service_or_location) if s.freq]
    if not schedules:
        return None
    moment = at or timezone.now()
    local = moment.astimezone(_zone(service_time_zone(service_or_location))).replace(tzinfo=None)
    try:
        return any(schedule_open_at(schedule, local) for schedule in schedules)
    except ValidationError:
        return None


def _days_label(days: list[str]) -> str:
    if days == list(WEEKDAYS):
        return str(_("Every day"))
    indexes = [WEEKDAYS.index(d) for d in days]
    if len(days) > 2 and indexes == list(range(indexes[0], indexes[0] + len(days))):
        return str(
            _("%(first)s to %(last)s")
            % {"first": _DAY_NAMES[days[0]], "last": _DAY_NAMES[days[-1]]}
        )
    return ", ".join(str(_DAY_NAMES[d]) for d in days)


def describe_hours(schedules: Iterable[Any], *, lang: str) -> list[str]:
    """Human lines ("Monday to Friday: 08:00–17:00") in the listing's own time zone."""
    lines = []
    with translation.override(lang):
        for schedule in schedules:
            if schedule.freq == "WEEKLY" and schedule.opens_at is not None:
                try:
                    days = [d.lstrip("+-0123456789") for d in parse_byday(schedule.byday)]
                except ValidationError:
                    continue
                days = sorted(set(days or WEEKDAYS), key=WEEKDAYS.index)
                if schedule.opens_at == schedule.closes_at:
                    hours = str(_("open 24 hours"))
                else:
                    hours = f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}"
                lines.append(f"{_days_label(days)}: {hours}")
            elif schedule.freq == "MONTHLY" and schedule.opens_at is not None:
                lines.append(
                    str(_("Monthly: %(hours)s"))
                    % {"hours": f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}"}
                )
            note = schedule.localized("description", lang)[0] if schedule.pk else ""
            if note:
                lines.append(note)
    return lines


def weekly_minutes(schedule: Any) -> list[tuple[int, int]]:
    """Minutes of the week (Monday 00:00 = 0) a weekly schedule is open, as [start, end) pairs;
    what `Service.open_week` stores so that the database can filter "open now"."""
    if schedule.freq != "WEEKLY" or schedule.opens_at is None or schedule.closes_at is None:
        return []
    if (schedule.interval or 1) != 1:
        return []
    days = [d.lstrip("+-0123456789") for d in parse_byday(schedule.byday)] or list(WEEKDAYS)
    opens = schedule.opens_at.hour * 60 + schedule.opens_at.minute
    closes = schedule.closes_at.hour * 60 + schedule.closes_at.minute
    spans = []
    for day in days:
        base = WEEKDAYS.index(day) * 1440
        if opens == closes:
            spans.append((base, base + 1440))
        elif opens < closes:
            spans.append((base + opens, base + closes))
        else:
            spans.append((base + opens, base + 1440))
            after = (base + 1440) % (7 * 1440)
            spans.append((after, after + closes))
    return spans


def minute_of_week(moment: dt.datetime, zone: str) -> int:
    local = moment.astimezone(_zone(zone))
    return local.weekday() * 1440 + local.hour * 60 + local.minute
