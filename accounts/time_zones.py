"""The time zone a member reads times in: their organisation's (from its locations), so that a
referral sent at 10:00 in Bogotá shows 10:00, not 15:00 UTC. Pages name the zone next to every
time. A member with no organisation, or one with no located place, reads UTC."""

from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_for(user: Any) -> ZoneInfo:
    """The zone of the first of the member's organisations (by name) that has a located place."""
    from accounts.models import Membership
    from services.models import Location

    organizations = Membership.objects.filter(user=user, is_active=True).values("organization_id")
    names = (
        Location.objects.filter(organization_id__in=organizations)
        .exclude(time_zone="")
        .order_by("organization__name", "time_zone")
        .values_list("time_zone", flat=True)
    )
    for name in names[:5]:
        zone = _zone(name)
        if zone is not None:
            return zone
    return _zone(settings.TIME_ZONE) or ZoneInfo("UTC")
