"""Making a referral and renewing its consent: the writes with side effects beyond one move.

Invariants: a referral is made with its consent in one transaction, and its handoff is sealed
only when that consent covers contact; a consent record is never edited to extend it: renewal
adds a new record (its own method, language and date) that becomes the referral's current one.
Contact fields travel only in HandoffInput, whose repr is blank, and the functions holding them
are `sensitive_variables`.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from accounts import permissions
from referrals.handoffs import HANDOFF_FIELDS, HandoffRefused, read_handoff, seal_handoff
from referrals.handoffs import shred_for as _shred_for
from referrals.models import (
    TERMINAL,
    CallOutcome,
    CallTally,
    Consent,
    ContactHandoff,
    Outbox,
    Referral,
    ReferralEvent,
    Status,
)
from referrals.outbox import queue_delivery_on_commit
from referrals.transitions import Side, TransitionError, transition

__all__ = [
    "CONSENT_SCRIPT_VERSION",
    "ConsentInput",
    "HandoffInput",
    "HandoffRefused",
    "ReferralInput",
    "make_referral",
    "read_handoff",
    "renew_consent",
]

CONSENT_SCRIPT_VERSION = "2026-11"


@dataclass(frozen=True)
class ConsentInput:
    method: str
    explained_language: str
    shares_needs: bool = True
    shares_contact: bool = False
    contact_channel: str = ""
    script_version: str = CONSENT_SCRIPT_VERSION


@dataclass(frozen=True)
class ReferralInput:
    service: object
    client_language: str
    urgency: str = "routine"
    location: object = None
    needs: tuple = ()
    interpreter_needed: bool = False
    age_band: str = ""
    gender: str = ""
    children: int | None = None
    children_ages: tuple = ()
    idempotency_key: uuid.UUID | None = None


@dataclass(frozen=True)
class HandoffInput:
    """Contact details. repr is blank so that a traceback or a debug log never prints them."""

    name: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    safe_times: str = field(default="", repr=False)
    note: str = field(default="", repr=False)

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in HANDOFF_FIELDS if getattr(self, name)}


def _check_consent(consent: ConsentInput, handoff: "HandoffInput | None") -> None:
    given = handoff.as_dict() if handoff is not None else {}
    if given and not consent.shares_contact:
        raise TransitionError(
            _("Contact details can only be shared when the client agreed to share them."),
            code="consent",
        )
    if consent.shares_contact and not consent.contact_channel:
        raise TransitionError(
            _("Choose how the receiving organisation may contact the client."), code="channel"
        )
    if consent.contact_channel == Consent.Channel.THROUGH_REFERRER and given.get("phone"):
        raise TransitionError(
            _(
                "The client chose to be reached only through your organisation: leave the "
                "phone out. The receiving organisation will ask you."
            ),
            code="channel_phone",
        )


def _new_consent(referral: Referral, consent: ConsentInput, actor) -> Consent:
    record = Consent.objects.create(
        referral=referral,
        shares_needs=consent.shares_needs,
        shares_contact=consent.shares_contact,
        contact_channel=consent.contact_channel if consent.shares_contact else "",
        method=consent.method,
        explained_language=consent.explained_language,
        script_version=consent.script_version,
        recorded_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.CONSENT_VALID_DAYS),
    )
    referral.consent = record
    referral.save(update_fields=["consent", "updated_at"])
    return record


@sensitive_variables("handoff")
def make_referral(
    *,
    actor,
    organization,
    details: ReferralInput,
    consent: ConsentInput,
    handoff: HandoffInput | None,
) -> Referral:
    """Creates a referral with its consent (and handoff, only if consent covers contact) and sends
    it, in one transaction. The same idempotency key from the same user returns the first
    referral instead of making a second one. Needs, age band and gender are stored whatever the
    consent says; without `shares_needs` only the referring side ever sees them."""
    if details.idempotency_key is not None:
        existing = Referral.objects.filter(
            referring_user=actor, idempotency_key=details.idempotency_key
        ).first()
        if existing is not None:
            return existing
    _check_consent(consent, handoff)
    service = details.service
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                referring_organization=organization,
                referring_user=actor,
                service=service,
                location=details.location,
                receiving_organization=service.organization,
                urgency=details.urgency,
                client_language=details.client_language,
                interpreter_needed=details.interpreter_needed,
                age_band=details.age_band,
                gender=details.gender,
                children=details.children,
                children_ages=list(details.children_ages),
                idempotency_key=details.idempotency_key,
            )
            if details.needs:
                referral.needs.set(details.needs)
            ReferralEvent.objects.create(
                referral=referral,
                from_status="",
                to_status=Status.DRAFT,
                actor=actor,
                actor_organization=organization,
            )
            _new_consent(referral, consent, actor)
            if consent.shares_contact and handoff is not None and handoff.as_dict():
                seal_handoff(referral, handoff.as_dict())
            transition(referral.pk, "send", actor=actor, acting_side=Side.REFERRING)
    except IntegrityError:
        # The same key raced in from a second request: the first one won; return it.
        if details.idempotency_key is None:
            raise
        return Referral.objects.get(referring_user=actor, idempotency_key=details.idempotency_key)
    referral.refresh_from_db()
    return referral


@sensitive_variables("handoff")
def renew_consent(
    *,
    actor,
    referral_id,
    consent: ConsentInput,
    handoff: HandoffInput | None,
) -> Referral:
    """The referring side, with the client, records consent again: a new consent record becomes
    the current one (the old one stays, as it was). New contact details, when given and covered,
    are sealed afresh; the old handoff is shredded first. The receiving side is told. The
    caller has checked, through accounts.permissions, that `actor` acts for the referring side."""
    from audit import record

    _check_consent(consent, handoff)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.status in TERMINAL:
            raise TransitionError(
                _("This referral is finished; make a new one instead."), code="state"
            )
        now = timezone.now()
        previous = referral.consent
        if previous is not None and previous.revoked_at is None and previous.lapsed_at is None:
            # The old record stops being the one in force; its dates stay as they were.
            Consent.objects.filter(pk=previous.pk).update(lapsed_at=now)
        _new_consent(referral, consent, actor)
        given = handoff.as_dict() if handoff is not None else {}
        if consent.shares_contact and given:
            _shred_for(referral.pk, now)
            ContactHandoff.objects.filter(referral=referral).delete()
            seal_handoff(referral, given)
        elif not consent.shares_contact:
            _shred_for(referral.pk, now)
        Outbox.objects.update_or_create(
            referral=referral,
            kind=Outbox.Kind.CONSENT_RENEWED,
            organization_id=referral.receiving_organization_id,
            defaults={"sent_at": None, "claimed_at": None, "attempts": 0},
        )
        referral.version += 1
        referral.save(update_fields=["version", "updated_at"])
        record(
            actor=actor,
            organization=referral.referring_organization_id,
            action="referral.consent_renewed",
            obj=referral,
            details={"method": consent.method, "shares_contact": consent.shares_contact},
        )
        queue_delivery_on_commit()
    return referral


def record_call(
    *,
    actor: object,
    organization: object,
    outcome: str,
    key: uuid.UUID,
    region: object = None,
    need: object = None,
    language: str = "",
) -> CallTally:
    """Count one call the organisation answered. The same key counts once (a double tap, a
    retried request). No audit event: its exact time, joined to the tally's region, need and
    language, would narrow down a caller far better than the month the tally keeps."""
    if not permissions.may_record_calls(actor, organization):
        raise TransitionError(
            str(_("You may not record calls for this organisation.")), code="forbidden"
        )
    if outcome not in CallOutcome.values:
        raise TransitionError(str(_("Choose how the call ended.")), code="invalid")
    today = timezone.localdate()
    tally, _created = CallTally.objects.get_or_create(
        id=key,
        defaults={
            "organization": organization,
            "month": today.replace(day=1),
            "region": region,
            "need": need,
            "language": (language or "")[:8],
            "outcome": outcome,
        },
    )
    return tally
