"""What every fault test checks afterwards: nothing lost, nothing doubled, no purge missed, and
the audit chain intact."""

import uuid
from collections import Counter

from audit.chain import verify
from audit.models import AuditEvent
from referrals.actions import HandoffInput, ReferralInput, make_referral
from referrals.models import ContactHandoff, HandoffKey, Outbox, Referral, ReferralEvent
from referrals.transitions import MOVES, TERMINAL
from tests.referrals_tests.conftest import CANARY, consent_with_contact


def new_referral(*, caseworker, referring_org, receiving_service) -> Referral:
    return make_referral(
        actor=caseworker,
        organization=referring_org,
        details=ReferralInput(
            service=receiving_service, client_language="es", idempotency_key=uuid.uuid4()
        ),
        consent=consent_with_contact(),
        handoff=HandoffInput(**CANARY),
    )


def assert_consistent() -> None:
    """The invariants a fault must not break, read back from the database."""
    for referral in Referral.objects.all():
        events = list(
            ReferralEvent.objects.filter(referral=referral)
            .order_by("id")  # the order they were written in
            .values_list("from_status", "to_status")
        )
        # One event per status entered, the events form a path ending at the current status.
        assert len({to for _from, to in events}) == len(events), events
        assert events and events[-1][1] == referral.status, (referral.status, events)
        for (_a, before), (after_from, _b) in zip(events, events[1:], strict=False):
            assert after_from == before, events
        assert referral.consent is not None
        handoff = ContactHandoff.objects.filter(referral=referral).first()
        if handoff is not None and referral.status in TERMINAL:
            assert handoff.purged_at is not None, f"{referral.code}: purge missed"
            assert handoff.ciphertext is None and handoff.key_id is None
        audited = AuditEvent.objects.filter(
            object_type="referrals.referral", object_id=str(referral.pk)
        ).values_list("action", flat=True)
        moves = Counter(a for a in audited if a.removeprefix("referral.") in MOVES)
        # Each move made is audited once, never twice.
        assert all(count == 1 for count in moves.values()), moves
    keys_in_use = ContactHandoff.objects.filter(key__isnull=False).count()
    assert HandoffKey.objects.count() == keys_in_use, "a data key outlived its handoff"
    kinds = Counter(Outbox.objects.values_list("referral_id", "kind", "organization_id"))
    assert all(count == 1 for count in kinds.values())
    report = verify()
    assert report.ok, report.problem
