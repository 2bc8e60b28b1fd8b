"""Reading a date or date-time that a visitor typed into a search parameter.

Whatever the text, the answer is an aware UTC datetime PostgreSQL can compare with, or ValueError:
impossible dates (month 13, day 45), and moments that only exist beyond the calendar's ends once
their offset is applied (9999-12-31T23:59:59-23:59), never reach the database.
"""

import datetime as dt

from django.utils.dateparse import parse_date, parse_datetime

# Far enough on both sides for any "changed since" question; PostgreSQL and Python agree inside.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def parse_moment(raw: str) -> dt.datetime:
    """Return `raw` (2024-05-31 or an ISO 8601 date-time) as an aware datetime in UTC."""
    if "\x00" in raw:
        raise ValueError("NUL in a date")
    moment = parse_datetime(raw)  # ValueError for a well-formed but impossible date-time
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise ValueError("not a date")
        moment = dt.datetime.combine(day, dt.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        moment = moment.astimezone(dt.UTC)
    except OverflowError as outside:
        raise ValueError("outside the calendar") from outside
    if not EARLIEST <= moment <= LATEST:
        raise ValueError("outside the calendar")
    return moment
