"""The client's sealed contact details: sealing, reading, scheduling the purge, shredding.

Invariants: a handoff is opened only through `read_handoff`, which asks
`accounts.permissions.referral_view` itself on a fresh copy of the referral (role, side, status,
consent scope, expiry and revocation) instead of trusting its caller; every attempt is audited,
whether it opens, is refused or cannot be opened; a shredded handoff has neither ciphertext nor
data key, in this database or in any backup made after. Nothing here logs or raises plaintext.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from accounts import permissions
from referrals import crypto
from referrals.models import ContactHandoff, HandoffKey, Referral

HANDOFF_FIELDS = ("name", "phone", "safe_times", "note")


class HandoffRefused(crypto.HandoffUnreadable):
    """The user may not open this handoff now (role, side, status or consent)."""


@sensitive_variables("fields", "sealed")
def seal_handoff(referral: Referral, fields: dict[str, str]) -> ContactHandoff:
    sealed = crypto.seal(fields, associated_id=str(referral.pk))
    key = HandoffKey.objects.create(
        wrapped_key=sealed.wrapped_key, master_key_id=sealed.master_key_id
    )
    return ContactHandoff.objects.create(referral=referral, key=key, ciphertext=sealed.ciphertext)


def _audit(actor: Any, referral: Referral, result: str) -> None:
    from audit import record

    record(
        actor=actor,
        organization=referral.receiving_organization_id,
        action="referral.handoff_viewed",
        obj=referral,
        details={"result": result},
    )


@sensitive_variables("details")
def read_handoff(*, actor: Any, referral: Referral) -> dict[str, str]:
    """The contact details, for a user `referral_view` lets open them now.

    Raises HandoffRefused when the rule says no (a revoked or expired consent, a referral not
    accepted, a user who is not the receiving intake), HandoffUnreadable when the handoff is
    purged or cannot be opened. The phone is left out when the client chose to be reached only
    through the referring organisation.
    """
    fresh = Referral.objects.select_related("consent").filter(pk=referral.pk).first()
    view = permissions.referral_view(actor, fresh) if fresh is not None else None
    if view is None or not view.contact:
        _audit(actor, referral, "refused")
        raise HandoffRefused("the consent or the referral does not allow it")
    handoff = ContactHandoff.objects.select_related("key").filter(referral=fresh).first()
    if handoff is None or handoff.key is None or handoff.ciphertext is None:
        _audit(actor, fresh, "purged")
        raise crypto.HandoffUnreadable("no handoff")
    try:
        details = crypto.open_sealed(
            handoff.ciphertext,
            handoff.key.wrapped_key,
            associated_id=str(fresh.pk),
            key_id=handoff.key.master_key_id,
        )
    except crypto.HandoffUnreadable:
        _audit(actor, fresh, "unreadable")
        raise
    _audit(actor, fresh, "opened")
    if not view.phone:
        details.pop("phone", None)
    return details


def schedule_purge(handoff: ContactHandoff | None, now: Any, *, at_once: bool = False) -> None:
    """Purge now, or after the configured grace period (at most 7 days) by the beat task.
    An expired or revoked consent purges at once (`at_once`): no grace outlives the consent."""
    if handoff is None or handoff.is_purged:
        return
    grace = min(int(settings.HANDOFF_PURGE_GRACE_DAYS), 7)
    if grace <= 0 or at_once:
        shred(handoff, now)
    else:
        handoff.purge_after = now + timedelta(days=grace)
        handoff.save(update_fields=["purge_after"])


def shred(handoff: ContactHandoff, now: Any) -> None:
    """Crypto-shredding: the data key row is deleted and the ciphertext nulled."""
    key = handoff.key
    handoff.ciphertext = None
    handoff.key = None
    handoff.purged_at = now
    handoff.save(update_fields=["ciphertext", "key", "purged_at"])
    if key is not None:
        key.delete()


def shred_for(referral_id: Any, now: Any) -> bool:
    """Shreds the referral's handoff at once, if it has a live one. Call inside the
    transaction that holds the referral's row lock."""
    handoff = (
        ContactHandoff.objects.select_for_update(of=("self",))
        .select_related("key")
        .filter(referral_id=referral_id, purged_at__isnull=True)
        .first()
    )
    if handoff is None:
        return False
    shred(handoff, now)
    return True
