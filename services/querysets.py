"""Reads of the directory with their public rules; views and the API start from these."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

# A listing nobody has verified or edited for this long is hidden from the public until a steward
# looks at it again (a wrong shelter address is worse than none).
DEFAULT_PUBLIC_STALE_DAYS = 730


def public_stale_days() -> int:
    return int(getattr(settings, "DIRECTORY_PUBLIC_STALE_DAYS", DEFAULT_PUBLIC_STALE_DAYS))


def fresh_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=public_stale_days())


class ServiceQuerySet(models.QuerySet):
    def published(self) -> ServiceQuerySet:
        """Active services verified (or, when never verified, edited) within the public limit."""
        return (
            self.filter(status="active")
            .alias(_freshness=Coalesce("last_verified_at", "last_modified"))
            .filter(_freshness__gte=fresh_since())
        )


class LocationQuerySet(models.QuerySet):
    def public_fields(self) -> LocationQuerySet:
        """Never loads the exact point: what public code may read of a location."""
        return self.defer("point")
