"""What a referral counts as in the reports: the one function that live reports and retention's
reduction both use, so that a count kept after its referral is deleted sits in the cell the
referral sat in before.

Invariants:
- A count carries nothing finer than a calendar month (of sending), a country and a first-level
  region (ISO 3166-2), the kind of the receiving service, an outcome and, where the client's
  consent allows, a top-level need. No organisation's client, no day, no demographic.
- Needs are counted only when the current consent shares them and was not revoked: a referral
  whose client revoked consent counts as an outcome and never with its needs.
- Drafts (never sent) are not referrals yet and are not counted.
- A call tally counts as one CallFact with the same place and need rules (first-level region,
  top-level need) plus its language and how the call ended; nothing else of it is read.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from referrals.models import CallOutcome, CallTally, DeclineReason, Outcome, Referral, Status
from services.models import Attribute, Region, TaxonomyTerm

# The outcomes a report shows, in the order of a referral's life.
WAITING = "waiting"
ACCEPTED = "accepted"
CONNECTED = "connected"
CLOSED_WITHOUT_CONTACT = "closed_without_contact"
EXPIRED = "expired"
CONSENT_REVOKED = "consent_revoked"
WITHDRAWN = "withdrawn"
DECLINED = "declined_"  # followed by the decline reason
UNMET = DECLINED + DeclineReason.NO_CAPACITY

_LABELS = {
    WAITING: _("waiting for an answer"),
    ACCEPTED: _("accepted"),
    CONNECTED: _("connected"),
    CLOSED_WITHOUT_CONTACT: _("closed without contact"),
    EXPIRED: _("expired unanswered"),
    CONSENT_REVOKED: _("consent revoked"),
    WITHDRAWN: _("withdrawn"),
}
OUTCOMES = (
    WAITING,
    ACCEPTED,
    *(DECLINED + value for value in DeclineReason.values),
    CONNECTED,
    CLOSED_WITHOUT_CONTACT,
    EXPIRED,
    CONSENT_REVOKED,
    WITHDRAWN,
)


def outcome_label(outcome: str) -> str:
    """The outcome in the active language."""
    if outcome.startswith(DECLINED):
        reason = outcome.removeprefix(DECLINED)
        label = dict(DeclineReason.choices).get(reason, reason)
        return gettext("declined: %(reason)s") % {"reason": label}
    return str(_LABELS.get(outcome, outcome))


@dataclass(frozen=True)
class Fact:
    """One referral (need "") or one of its needs, as the reports count it."""

    month: date
    country: str
    region: str
    kind: str
    outcome: str
    need: str
    referring_organization_id: object
    receiving_organization_id: object


def outcome_of(referral: Referral) -> str:
    """The report outcome of a referral, from its status and what was recorded with it."""
    consent = referral.consent
    if referral.outcome == Outcome.CONSENT_REVOKED or (consent and consent.revoked_at):
        return CONSENT_REVOKED
    if referral.status == Status.DECLINED:
        return DECLINED + (referral.decline_reason or DeclineReason.OTHER)
    if referral.status == Status.CONNECTED or referral.connected_at is not None:
        return CONNECTED
    return {
        Status.SENT: WAITING,
        Status.ACCEPTED: ACCEPTED,
        Status.EXPIRED: EXPIRED,
        Status.WITHDRAWN: WITHDRAWN,
    }.get(referral.status, CLOSED_WITHOUT_CONTACT)


def counted_referrals(queryset: QuerySet) -> QuerySet:
    """The referrals a report counts, fetched with what `facts` reads."""
    return (
        queryset.exclude(status=Status.DRAFT)
        .exclude(sent_at__isnull=True)
        .select_related("consent", "location", "service")
        .prefetch_related("needs")
    )


class _Places:
    """Country and first-level region of regions, read once per report."""

    def __init__(self) -> None:
        self.rows = {
            pk: (level, code, country, parent)
            for pk, level, code, country, parent in Region.objects.filter(
                level__lte=Region.Level.SUBDIVISION
            ).values_list("id", "level", "code", "country_code", "parent_id")
        }
        self.parents: dict[int, int | None] = {}

    def _up(self, region_ids: Iterable[int]) -> set[int]:
        """The first-level regions among `region_ids` and their ancestors."""
        missing = [pk for pk in region_ids if pk not in self.rows and pk not in self.parents]
        if missing:
            self.parents.update(
                Region.objects.filter(pk__in=missing).values_list("id", "parent_id")
            )
        found = set()
        for pk in region_ids:
            while pk is not None and pk not in self.rows:
                pk = self.parents.get(pk)
            if pk is not None:
                found.add(pk)
        return found

    def of(self, region_ids: Iterable[int]) -> tuple[str, str]:
        """(country, region): the one first-level region, else the one country, else blank."""
        found = self._up(list(region_ids))
        firsts = {self.rows[pk][1] for pk in found if self.rows[pk][0] == Region.Level.SUBDIVISION}
        countries = {self.rows[pk][2] for pk in found}
        if len(countries) != 1:
            return "", ""
        return countries.pop(), (firsts.pop() if len(firsts) == 1 else "")


class _Terms:
    """Top-level taxonomy codes: a need or a service's kind is counted at the top of its tree,
    which keeps cells large."""

    def __init__(self) -> None:
        self.rows = {
            pk: (code, parent)
            for pk, code, parent in TaxonomyTerm.objects.values_list("id", "code", "parent_id")
        }

    def top(self, term_id) -> str:
        seen = set()
        while self.rows.get(term_id, ("", None))[1] is not None and term_id not in seen:
            seen.add(term_id)
            term_id = self.rows[term_id][1]
        return self.rows.get(term_id, ("", None))[0]


def _kinds(service_ids: set, terms: _Terms) -> dict:
    tops: dict = {}
    for service_id, term_id in Attribute.objects.filter(
        link_entity="service", link_id__in=service_ids
    ).values_list("link_id", "taxonomy_term_id"):
        tops.setdefault(service_id, set()).add(terms.top(term_id))
    return {service_id: min(codes - {""}, default="") for service_id, codes in tops.items()}


def _needs_counted(referral: Referral) -> bool:
    consent = referral.consent
    return bool(consent and consent.shares_needs and consent.revoked_at is None)


def facts(referrals: Iterable[Referral]) -> Iterator[Fact]:
    """One Fact per referral (need "") and one per top-level need its consent lets us count.
    `referrals` come from `counted_referrals`."""
    for _referral, fact in referral_facts(referrals):
        yield fact


def referral_facts(referrals: Iterable[Referral]) -> Iterator[tuple[Referral, Fact]]:
    """`facts`, each with the referral it counts."""
    referrals = list(referrals)
    places, terms = _Places(), _Terms()
    kinds = _kinds({r.service_id for r in referrals}, terms)
    for referral in referrals:
        location = referral.location
        if location is not None and location.region_id:
            country, region = places.of([location.region_id])
        else:
            country, region = places.of(referral.service.region_ids or [])
        month = (referral.sent_at or referral.created_at).date().replace(day=1)
        common = {
            "month": month,
            "country": country,
            "region": region,
            "kind": kinds.get(referral.service_id, ""),
            "outcome": outcome_of(referral),
            "referring_organization_id": referral.referring_organization_id,
            "receiving_organization_id": referral.receiving_organization_id,
        }
        yield referral, Fact(need="", **common)
        if _needs_counted(referral):
            for need in sorted({terms.top(term.pk) for term in referral.needs.all()} - {""}):
                yield referral, Fact(need=need, **common)


@dataclass(frozen=True)
class CallFact:
    """One call tallied at the hotline desk, as the reports count it."""

    month: date
    country: str
    region: str
    need: str
    language: str
    outcome: str


CALL_OUTCOMES = tuple(CallOutcome.values)


def call_facts(tallies: QuerySet[CallTally]) -> Iterator[CallFact]:
    """One CallFact per tally: its month, the first-level region (and country) of the place
    searched, the top-level need, the caller's language and the outcome."""
    places, terms = _Places(), _Terms()
    rows = tallies.values_list("month", "region_id", "need_id", "language", "outcome")
    for month, region_id, need_id, language, outcome in rows.iterator(chunk_size=2000):
        country, region = places.of([region_id]) if region_id else ("", "")
        yield CallFact(
            month=month.replace(day=1),
            country=country,
            region=region,
            need=terms.top(need_id) if need_id else "",
            language=language or "",
            outcome=outcome,
        )
