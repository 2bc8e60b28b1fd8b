import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import crypto
from referrals.actions import ConsentInput, HandoffInput, ReferralInput, make_referral, read_handoff
from referrals.models import ContactHandoff, HandoffKey, Outbox, Referral, ReferralEvent, Status
from referrals.tasks import (
    expire_unanswered_referrals,
    purge_due_handoffs,
    remind_unanswered_referrals,
)
from referrals.transitions import Conflict, Side, TransitionError, transition
from tests.referrals_tests.conftest import CANARY, consent_with_contact

pytestmark = pytest.mark.django_db


def statuses(referral) -> list[str]:
    return list(ReferralEvent.objects.filter(referral=referral).values_list("to_status", flat=True))


def test_making_a_referral_records_consent_seals_contact_and_tells_the_receiver(
    sent_referral, receiving_service
):
    assert sent_referral.status == Status.SENT
    assert statuses(sent_referral) == [Status.DRAFT, Status.SENT]
    assert sent_referral.receiving_organization == receiving_service.organization
    assert sent_referral.consent.shares_contact is True
    handoff = ContactHandoff.objects.get(referral=sent_referral)
    for value in CANARY.values():
        assert value.encode() not in bytes(handoff.ciphertext)
    outbox = Outbox.objects.get(referral=sent_referral)
    assert (outbox.kind, outbox.organization) == (
        Outbox.Kind.NEW_REFERRAL,
        receiving_service.organization,
    )
    assert sent_referral.expires_at > timezone.now() + timedelta(days=6)


def test_a_retried_request_with_the_same_key_makes_one_referral(
    referring_org, receiving_service, caseworker
):
    key = uuid.uuid4()
    details = ReferralInput(service=receiving_service, client_language="es", idempotency_key=key)
    first = make_referral(
        actor=caseworker,
        organization=referring_org,
        details=details,
        consent=consent_with_contact(),
        handoff=None,
    )
    second = make_referral(
        actor=caseworker,
        organization=referring_org,
        details=details,
        consent=consent_with_contact(),
        handoff=None,
    )
    assert first.pk == second.pk
    assert Referral.objects.count() == 1


def test_contact_details_without_contact_consent_are_refused_and_nothing_is_saved(
    referring_org, receiving_service, caseworker
):
    with pytest.raises(TransitionError) as raised:
        make_referral(
            actor=caseworker,
            organization=referring_org,
            details=ReferralInput(service=receiving_service, client_language="es"),
            consent=ConsentInput(method="verbal", explained_language="es", shares_contact=False),
            handoff=HandoffInput(**CANARY),
        )
    assert raised.value.code == "consent"
    assert not Referral.objects.exists()
    assert not ContactHandoff.objects.exists()


def test_without_contact_consent_no_handoff_exists_at_all(
    referring_org, receiving_service, caseworker
):
    referral = make_referral(
        actor=caseworker,
        organization=referring_org,
        details=ReferralInput(service=receiving_service, client_language="en"),
        consent=ConsentInput(method="written", explained_language="en"),
        handoff=None,
    )
    assert not ContactHandoff.objects.filter(referral=referral).exists()
    assert not HandoffKey.objects.exists()


def test_the_receiving_intake_reads_the_handoff_after_accepting(sent_referral, entitled_intake):
    transition(sent_referral.pk, "accept", actor=entitled_intake, acting_side=Side.RECEIVING)
    assert read_handoff(actor=entitled_intake, referral=sent_referral) == CANARY


def test_the_whole_life_to_closure_purges_the_handoff_for_good(sent_referral, intake):
    for move in ("accept", "connect"):
        transition(sent_referral.pk, move, actor=intake, acting_side=Side.RECEIVING)
    closed = transition(
        sent_referral.pk, "close", actor=intake, acting_side=Side.RECEIVING, outcome="served"
    )
    assert closed.status == Status.CLOSED and closed.outcome == "served"
    assert statuses(closed) == ["draft", "sent", "accepted", "connected", "closed"]
    handoff = ContactHandoff.objects.get(referral=closed)
    assert handoff.is_purged and handoff.ciphertext is None and handoff.key is None
    assert not HandoffKey.objects.exists()
    with pytest.raises(crypto.HandoffUnreadable):
        read_handoff(actor=intake, referral=closed)


@pytest.mark.parametrize(
    "move,side",
    [
        ("decline", Side.RECEIVING),
        ("withdraw", Side.REFERRING),
        ("revoke", Side.REFERRING),
        ("revoke", Side.RECEIVING),
    ],
)
def test_decline_withdrawal_and_revocation_purge_the_handoff(sent_referral, caseworker, move, side):
    reason = {"decline": "no_capacity", "revoke": "verbal"}.get(move, "")
    transition(sent_referral.pk, move, actor=caseworker, acting_side=side, reason=reason)
    assert ContactHandoff.objects.get(referral=sent_referral).is_purged
    assert not HandoffKey.objects.exists()


def test_revocation_closes_the_referral_records_it_on_the_consent_and_tells_both_sides(
    sent_referral, caseworker
):
    referral = transition(
        sent_referral.pk, "revoke", actor=caseworker, acting_side=Side.REFERRING, reason="verbal"
    )
    assert (referral.status, referral.outcome) == (Status.CLOSED, "consent_revoked")
    referral.consent.refresh_from_db()
    assert (
        referral.consent.revoked_at is not None and referral.consent.revocation_method == "verbal"
    )
    revoked = Outbox.objects.filter(referral=referral, kind=Outbox.Kind.REVOKED)
    assert set(revoked.values_list("organization", flat=True)) == {
        referral.receiving_organization_id,
        referral.referring_organization_id,
    }


def test_each_side_can_only_make_its_own_moves(sent_referral, caseworker, intake):
    with pytest.raises(TransitionError):
        transition(sent_referral.pk, "accept", actor=caseworker, acting_side=Side.REFERRING)
    with pytest.raises(TransitionError):
        transition(sent_referral.pk, "withdraw", actor=intake, acting_side=Side.RECEIVING)
    assert Referral.objects.get(pk=sent_referral.pk).status == Status.SENT


def test_a_move_from_the_wrong_state_is_a_clear_conflict_and_changes_nothing(sent_referral, intake):
    transition(
        sent_referral.pk, "decline", actor=intake, acting_side=Side.RECEIVING, reason="no_capacity"
    )
    with pytest.raises(Conflict) as raised:
        transition(sent_referral.pk, "accept", actor=intake, acting_side=Side.RECEIVING)
    assert raised.value.code == "state"
    assert Referral.objects.get(pk=sent_referral.pk).status == Status.DECLINED


def test_a_stale_version_from_a_second_tab_is_a_conflict(sent_referral, intake):
    seen = sent_referral.version
    transition(
        sent_referral.pk, "accept", actor=intake, acting_side=Side.RECEIVING, expected_version=seen
    )
    with pytest.raises(Conflict) as raised:
        transition(
            sent_referral.pk,
            "connect",
            actor=intake,
            acting_side=Side.RECEIVING,
            expected_version=seen,
        )
    assert raised.value.code == "stale"


def test_unanswered_referrals_get_one_reminder_then_expire_and_purge(sent_referral):
    Referral.objects.filter(pk=sent_referral.pk).update(
        sent_at=timezone.now() - timedelta(hours=49)
    )
    assert remind_unanswered_referrals() == 1
    assert remind_unanswered_referrals() == 0
    assert Outbox.objects.filter(referral=sent_referral, kind=Outbox.Kind.REMINDER).count() == 1
    Referral.objects.filter(pk=sent_referral.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert expire_unanswered_referrals() == 1
    assert expire_unanswered_referrals() == 0
    assert Referral.objects.get(pk=sent_referral.pk).status == Status.EXPIRED
    assert ContactHandoff.objects.get(referral=sent_referral).is_purged


def test_a_grace_period_delays_the_purge_until_the_beat_task(sent_referral, intake, settings):
    settings.HANDOFF_PURGE_GRACE_DAYS = 2
    transition(
        sent_referral.pk, "decline", actor=intake, acting_side=Side.RECEIVING, reason="not_eligible"
    )
    handoff = ContactHandoff.objects.get(referral=sent_referral)
    assert not handoff.is_purged and handoff.purge_after is not None
    assert purge_due_handoffs() == 0
    ContactHandoff.objects.filter(pk=handoff.pk).update(purge_after=timezone.now())
    assert purge_due_handoffs() == 1
    assert ContactHandoff.objects.get(pk=handoff.pk).is_purged


def test_a_declined_referral_ends_and_retention_reduces_it_like_any_other(
    sent_referral, intake, settings
):
    """A decline set no end, and retention reduces referrals by their end: declined referrals,
    with their needs and consent, were kept for ever."""
    from referrals.models import ReferralCount
    from referrals.retention import reduce_old_referrals

    transition(
        sent_referral.pk, "decline", actor=intake, acting_side=Side.RECEIVING, reason="no_capacity"
    )
    declined = Referral.objects.get(pk=sent_referral.pk)
    assert declined.closed_at is not None and declined.closed_at == declined.responded_at

    Referral.objects.filter(pk=declined.pk).update(
        closed_at=timezone.now() - timedelta(days=30 * settings.REFERRAL_RETENTION_MONTHS + 1)
    )
    assert reduce_old_referrals() == 1
    assert not Referral.objects.filter(pk=declined.pk).exists()
    assert ReferralCount.objects.filter(status=Status.DECLINED).exists()
