"""Reads of the directory with their public rules; views and the API start from these."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

# Ageing of listings. A listing counts from its last verification (phone call, visit or
# the organisation itself); one never verified counts from when it was created, so that an edit
# alone does not make an unchecked listing look checked.
# Past the warning age the public page says so and search ranks the listing after fresh ones;
# past the public limit it leaves public search and the API until someone verifies it again (a
# wrong shelter address is worse than none). Nothing is ever deleted for being old.
DEFAULT_VERIFY_WARN_DAYS = 183
DEFAULT_PUBLIC_STALE_DAYS = 365
# A capacity figure older than this is shown as unknown: a bed free three days ago is a guess.
CAPACITY_VALID_HOURS = 72
# SQL for the moment a listing's age counts from (search/query.py uses the same expression).
FRESHNESS_SQL = "coalesce(s.last_verified_at, s.created_at)"


def verify_warn_days() -> int:
    return int(getattr(settings, "DIRECTORY_VERIFY_WARN_DAYS", DEFAULT_VERIFY_WARN_DAYS))


def public_stale_days() -> int:
    return int(getattr(settings, "DIRECTORY_PUBLIC_STALE_DAYS", DEFAULT_PUBLIC_STALE_DAYS))


def fresh_since(now: dt.datetime | None = None) -> dt.datetime:
    """Listings counted from before this are out of public search."""
    return (now or timezone.now()) - dt.timedelta(days=public_stale_days())


def warn_since(now: dt.datetime | None = None) -> dt.datetime:
    """Listings counted from before this carry a warning and sink in ranking."""
    return (now or timezone.now()) - dt.timedelta(days=verify_warn_days())


class ServiceQuerySet(models.QuerySet):
    def with_freshness(self) -> ServiceQuerySet:
        return self.alias(_freshness=Coalesce("last_verified_at", "created_at"))

    def published(self) -> ServiceQuerySet:
        """Active services verified (or, when never verified, created) within the public
        limit."""
        return self.filter(status="active").with_freshness().filter(_freshness__gte=fresh_since())

    def due_for_verification(self, now: dt.datetime | None = None) -> ServiceQuerySet:
        """Active listings past the warning age, including those already out of search."""
        return self.filter(status="active").with_freshness().filter(_freshness__lt=warn_since(now))


class LocationQuerySet(models.QuerySet):
    def public_fields(self) -> LocationQuerySet:
        """Never loads the exact point: what public code may read of a location."""
        return self.defer("point")


def capacity_is_current(service: models.Model, now: dt.datetime | None = None) -> bool:
    """Whether the service's free places were given recently enough to be shown."""
    updated = service.capacity_updated_at
    if updated is None:
        return False
    return (now or timezone.now()) - updated <= dt.timedelta(hours=CAPACITY_VALID_HOURS)
