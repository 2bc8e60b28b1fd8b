"""Report figures that are not counts of people: waits, free places and listings kept true.

Invariants:
- A wait (median, 90th percentile) is published for a month only when at least
  `min_cell()` referrals sent that month reached that step: a percentile of a handful of
  referrals is nearly one person's story. Waits are measured on referrals still held (retention
  keeps counts, not times), and in days to one decimal.
- Free places and verified listings count places and listings, never people; they are read
  from the listing's history (simple-history), so a month shows what was true at its end.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q

from referrals.models import Referral, ReferralEvent, Status
from reports.sources import Scope, _month_after, _utc
from reports.suppression import min_cell
from services.models import Service
from services.querysets import verify_warn_days


@dataclass(frozen=True)
class Wait:
    """Days from sending to one step, for one month: None where too few to publish."""

    month: date
    count: int
    median: float | None
    p90: float | None


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: a value that happened, never an average of two."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def waits(scope: Scope, months: list[date]) -> dict[str, list[Wait]]:
    """Per step ("accepted", "connected"), the wait of each month's referrals."""
    referrals = Referral.objects.filter(
        scope.organizations("referring_organization_id", "receiving_organization_id"),
        sent_at__gte=_utc(months[0]),
        sent_at__lt=_utc(_month_after(months[-1])),
    )
    sent = dict(referrals.values_list("id", "sent_at"))
    found: dict[str, dict[date, list[float]]] = {
        Status.ACCEPTED: defaultdict(list),
        Status.CONNECTED: defaultdict(list),
    }
    events = ReferralEvent.objects.filter(
        referral_id__in=referrals.values("id"), to_status__in=list(found)
    ).values_list("referral_id", "to_status", "at")
    for referral_id, step, at in events:
        start = sent[referral_id]
        found[step][start.date().replace(day=1)].append(_days(at - start))
    smallest = min_cell()
    out = {}
    for step, by_month in found.items():
        rows = []
        for month in months:
            values = by_month.get(month, [])
            shown = len(values) >= smallest
            rows.append(
                Wait(
                    month=month,
                    count=len(values),
                    median=round(percentile(values, 0.5), 1) if shown else None,
                    p90=round(percentile(values, 0.9), 1) if shown else None,
                )
            )
        out[str(step)] = rows
    return out


@dataclass(frozen=True)
class Places:
    month: date
    services: int
    free: int
    total: int


def _services(scope: Scope):
    services = Service.objects.all()
    if scope.organization_ids is not None:
        services = services.filter(organization_id__in=list(scope.organization_ids))
    return services


def free_places(scope: Scope, months: list[date]) -> list[Places]:
    """At the end of each month: the active services that keep a count of free places, their
    free places and their places in all, as their listing's history had them then."""
    services = _services(scope)
    end_of_period = _utc(_month_after(months[-1]))
    history = Service.history.model.objects.filter(
        id__in=services.values("id"), history_date__lt=end_of_period
    ).order_by("history_date", "history_id")
    rows = list(
        history.values_list(
            "id", "history_date", "history_type", "status", "capacity_available", "capacity_total"
        )
    )
    # A listing written without history (a bulk load) counts from its last capacity update.
    known = {row[0] for row in rows}
    rows += [
        (pk, at or created, "+", status, available, total)
        for pk, at, created, status, available, total in services.filter(
            capacity_available__isnull=False, created_at__lt=end_of_period
        )
        .exclude(id__in=known)
        .values_list(
            "id",
            "capacity_updated_at",
            "created_at",
            "status",
            "capacity_available",
            "capacity_total",
        )
    ]
    rows.sort(key=lambda row: row[1])
    latest: dict = {}
    out, index = [], 0
    for month in months:
        end = _utc(_month_after(month))
        while index < len(rows) and rows[index][1] < end:
            service_id, _at, kind, status, available, total = rows[index]
            latest[service_id] = None if kind == "-" else (status, available, total)
            index += 1
        current = [
            value
            for value in latest.values()
            if value and value[0] == Service.Status.ACTIVE and value[1] is not None
        ]
        out.append(
            Places(
                month=month,
                services=len(current),
                free=sum(available for _s, available, _t in current),
                total=sum(total or 0 for _s, _a, total in current),
            )
        )
    return out


@dataclass(frozen=True)
class Verified:
    month: date
    listings: int
    on_time: int

    @property
    def share(self) -> int | None:
        return round(100 * self.on_time / self.listings) if self.listings else None


def verified_on_time(scope: Scope, months: list[date], now: datetime) -> list[Verified]:
    """At the end of each month (or now, for this month): active listings, and those verified
    within DIRECTORY_VERIFY_WARN_DAYS before it."""
    services = _services(scope).filter(status=Service.Status.ACTIVE)
    window = timedelta(days=verify_warn_days())
    out = []
    for month in months:
        end = min(_utc(_month_after(month)), now)
        existing = services.filter(created_at__lt=end)
        on_time = (
            existing.filter(
                Q(last_verified_at__gte=end - window, last_verified_at__lt=end)
                | Q(
                    verifications__verified_at__gte=end - window, verifications__verified_at__lt=end
                )
            )
            .distinct()
            .count()
        )
        out.append(Verified(month=month, listings=existing.count(), on_time=on_time))
    return out
