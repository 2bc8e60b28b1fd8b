"""Making a referral, and reading its handoff: the writes with side effects beyond one move."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals import crypto
from referrals.models import Consent, ContactHandoff, HandoffKey, Referral, ReferralEvent, Status
from referrals.transitions import Side, TransitionError, transition

CONSENT_SCRIPT_VERSION = "2026-11"
HANDOFF_FIELDS = ("name", "phone", "safe_times", "note")


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
    referral instead of making a second one."""
    if details.idempotency_key is not None:
        existing = Referral.objects.filter(
            referring_user=actor, idempotency_key=details.idempotency_key
        ).first()
        if existing is not None:
            return existing
    if handoff is not None and handoff.as_dict() and not consent.shares_contact:
        raise TransitionError(
            _("Contact details can only be shared when the client agreed to share them."),
            code="consent",
        )
    if consent.shares_contact and not consent.contact_channel:
        raise TransitionError(
            _("Choose how the receiving organisation may contact the client."), code="channel"
        )
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
            Consent.objects.create(
                referral=referral,
                shares_needs=consent.shares_needs,
                shares_contact=consent.shares_contact,
                contact_channel=consent.contact_channel if consent.shares_contact else "",
                method=consent.method,
                explained_language=consent.explained_language,
                script_version=consent.script_version,
                recorded_by=actor,
                expires_at=timezone.now() + timedelta(days=settings.REFERRAL_EXPIRY_DAYS + 30),
            )
            if consent.shares_contact and handoff is not None and handoff.as_dict():
                seal_handoff(referral, handoff)
            transition(referral.pk, "send", actor=actor, acting_side=Side.REFERRING)
    except IntegrityError:
        # The same key raced in from a second request: the first one won; return it.
        if details.idempotency_key is None:
            raise
        return Referral.objects.get(referring_user=actor, idempotency_key=details.idempotency_key)
    referral.refresh_from_db()
    return referral


def seal_handoff(referral: Referral, handoff: HandoffInput) -> ContactHandoff:
    sealed = crypto.seal(handoff.as_dict(), associated_id=str(referral.pk))
    key = HandoffKey.objects.create(
        wrapped_key=sealed.wrapped_key, master_key_id=sealed.master_key_id
    )
    return ContactHandoff.objects.create(referral=referral, key=key, ciphertext=sealed.ciphertext)


def read_handoff(*, actor, referral: Referral) -> dict[str, str]:
    """Opens the handoff for the receiving intake. The caller has checked, through
    accounts.permissions, that the actor may; every opening is audited, whether or not it works."""
    from audit import record

    handoff = ContactHandoff.objects.select_related("key").filter(referral=referral).first()
    record(
        actor=actor,
        organization=referral.receiving_organization,
        action="referral.handoff_viewed",
        obj=referral,
    )
    if handoff is None:
        raise crypto.HandoffUnreadable("no handoff")
    return crypto.open_sealed(
        handoff.ciphertext,
        handoff.key.wrapped_key if handoff.key else None,
        associated_id=str(referral.pk),
    )
