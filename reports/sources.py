"""Where report counts come from, and whose they are.

Invariants:
- A source yields (Fact, count) pairs for one `Scope` and nothing else: no referral row, no id
  of a client, no time finer than a month leaves a source.
- Sources never overlap: a referral is counted live until retention reduces it, then only by
  the count retention kept (referrals.retention deletes the referral in the same transaction).
- Whose counts: the whole directory, or the referrals that given organisations sent or
  received and the calls they answered (accounts.permissions.report_organization_ids decides
  which).
- Calls come from `CallTally` rows alone (they hold a month, never a day, and nothing of the
  caller or the worker) and are counted apart from referrals: a call that ended in a referral
  is one call and, if sent, one referral; no table adds the two.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Q

from referrals.counting import CallFact, Fact, call_facts, counted_referrals, facts
from referrals.models import CallTally, Referral, ReferralCount


@dataclass(frozen=True)
class Scope:
    """Whose referrals (None: the whole directory) and which months, first to last."""

    organization_ids: frozenset | None
    first_month: date
    last_month: date

    def organizations(self, referring: str, receiving: str) -> Q:
        if self.organization_ids is None:
            return Q()
        ids = list(self.organization_ids)
        return Q(**{f"{referring}__in": ids}) | Q(**{f"{receiving}__in": ids})


def live_referrals(scope: Scope) -> Iterator[tuple[Fact, int]]:
    """Referrals still held, each once (and once per need its consent lets us count)."""
    queryset = Referral.objects.filter(
        scope.organizations("referring_organization_id", "receiving_organization_id"),
        sent_at__gte=_utc(scope.first_month),
        sent_at__lt=_utc(_month_after(scope.last_month)),
    )
    for fact in facts(counted_referrals(queryset).iterator(chunk_size=500)):
        yield fact, 1


def kept_counts(scope: Scope) -> Iterator[tuple[Fact, int]]:
    """What retention kept of referrals it deleted."""
    rows = ReferralCount.objects.filter(
        scope.organizations("referring_organization_id", "receiving_organization_id"),
        month__gte=scope.first_month,
        month__lte=scope.last_month,
        count__gt=0,
    )
    for row in rows.iterator():
        yield (
            Fact(
                month=row.month,
                country=row.country,
                region=row.region,
                kind=row.kind,
                outcome=row.counted_as,
                need=row.need,
                referring_organization_id=row.referring_organization_id,
                receiving_organization_id=row.receiving_organization_id,
            ),
            row.count,
        )


SOURCES: list[Callable[[Scope], Iterator[tuple[Fact, int]]]] = [live_referrals, kept_counts]


def referral_counts(scope: Scope) -> Counter:
    """How many of each Fact, from every source. Organisations are dropped here: no table
    splits by organisation, and a scope already chose whose referrals count."""
    counts: Counter = Counter()
    for source in SOURCES:
        for fact, n in source(scope):
            counts[
                Fact(
                    month=fact.month,
                    country=fact.country,
                    region=fact.region,
                    kind=fact.kind,
                    outcome=fact.outcome,
                    need=fact.need,
                    referring_organization_id=None,
                    receiving_organization_id=None,
                )
            ] += n
    return counts


def call_counts(scope: Scope) -> Counter:
    """How many calls of each CallFact the scope's organisations answered in its months."""
    tallies = CallTally.objects.filter(month__gte=scope.first_month, month__lte=scope.last_month)
    if scope.organization_ids is not None:
        tallies = tallies.filter(organization_id__in=list(scope.organization_ids))
    counts: Counter[CallFact] = Counter()
    for fact in call_facts(tallies):
        counts[fact] += 1
    return counts


def _utc(day: date) -> datetime:
    # Months are counted in UTC (referrals.counting), whatever zone the page is shown in.
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _month_after(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = _month_after(month)
    return months
