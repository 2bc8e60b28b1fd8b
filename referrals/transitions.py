"""The referral's state machine: which moves exist, which side may make each, what each purges.

Every move goes through `transition()`: one transaction that locks the referral row, checks the
move against the state it comes from (and the version the user saw, when given), records the
event (each status is entered at most once), writes the audit event and the outbox rows, and
purges the contact handoff where the move ends the referral's need for it.

A reason stored with an event is one of the closed choices of `REASONS` (never free text: the
event outlives the shredding of the handoff and goes into backups).
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.handoffs import schedule_purge
from referrals.models import (
    TERMINAL,
    Consent,
    ContactHandoff,
    DeclineReason,
    Outbox,
    Outcome,
    Referral,
    ReferralEvent,
    Status,
)
from referrals.outbox import queue_delivery_on_commit


class Side(Enum):
    REFERRING = "referring"  # caseworkers, hotline staff and admins of the referring organisation
    RECEIVING = "receiving"  # intake staff and admins of the receiving organisation
    EITHER = "either"  # either side (recording a client's revocation)
    SYSTEM = "system"  # Celery beat: expiry, and closing referrals left open too long


@dataclass(frozen=True)
class Move:
    name: str
    to: str
    sources: frozenset[str]
    side: Side
    purges_handoff: bool
    notify: tuple[Side, ...]
    outbox_kind: str


MOVES: dict[str, Move] = {
    move.name: move
    for move in [
        Move(
            "send",
            Status.SENT,
            frozenset({Status.DRAFT}),
            Side.REFERRING,
            False,
            (Side.RECEIVING,),
            Outbox.Kind.NEW_REFERRAL,
        ),
        Move(
            "accept",
            Status.ACCEPTED,
            frozenset({Status.SENT}),
            Side.RECEIVING,
            False,
            (Side.REFERRING,),
            Outbox.Kind.ACCEPTED,
        ),
        Move(
            "decline",
            Status.DECLINED,
            frozenset({Status.SENT}),
            Side.RECEIVING,
            True,
            (Side.REFERRING,),
            Outbox.Kind.DECLINED,
        ),
        Move(
            "expire",
            Status.EXPIRED,
            frozenset({Status.SENT}),
            Side.SYSTEM,
            True,
            (Side.REFERRING, Side.RECEIVING),
            Outbox.Kind.EXPIRED,
        ),
        Move(
            "connect",
            Status.CONNECTED,
            frozenset({Status.ACCEPTED}),
            Side.RECEIVING,
            False,
            (Side.REFERRING,),
            Outbox.Kind.CONNECTED,
        ),
        Move(
            "close",
            Status.CLOSED,
            frozenset({Status.ACCEPTED, Status.CONNECTED}),
            Side.RECEIVING,
            True,
            (Side.REFERRING,),
            Outbox.Kind.CLOSED,
        ),
        Move(
            "withdraw",
            Status.WITHDRAWN,
            frozenset({Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.CONNECTED}),
            Side.REFERRING,
            True,
            (Side.RECEIVING,),
            Outbox.Kind.WITHDRAWN,
        ),
        Move(
            "lapse",
            Status.CLOSED,
            frozenset({Status.ACCEPTED, Status.CONNECTED}),
            Side.SYSTEM,
            True,
            (Side.REFERRING, Side.RECEIVING),
            Outbox.Kind.CLOSED,
        ),
        Move(
            "revoke",
            Status.CLOSED,
            frozenset({Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.CONNECTED}),
            Side.EITHER,
            True,
            (Side.REFERRING, Side.RECEIVING),
            Outbox.Kind.REVOKED,
        ),
    ]
}

__all__ = ["MOVES", "REASONS", "TERMINAL", "Conflict", "Side", "TransitionError", "transition"]

# The only reasons a move stores: the same closed choices the pages offer.
REASONS: dict[str, frozenset[str]] = {
    "decline": frozenset(DeclineReason.values),
    "revoke": frozenset(Consent.Method.values),
}
OUTCOMES = frozenset(Outcome.values) - {Outcome.CONSENT_REVOKED, Outcome.NO_OUTCOME}


class TransitionError(Exception):
    """A move that cannot be made. `message` is translated and safe to show the user."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class Conflict(TransitionError):
    """Someone else changed the referral first (another tab, another colleague)."""


def allowed_moves(referral: Referral) -> list[str]:
    return [name for name, move in MOVES.items() if referral.status in move.sources]


def _organization_for(side: Side, referral: Referral):
    return (
        referral.referring_organization
        if side is Side.REFERRING
        else referral.receiving_organization
    )


def transition(
    referral_id,
    move_name: str,
    *,
    actor,
    acting_side: Side,
    expected_version: int | None = None,
    reason: str = "",
    outcome: str = "",
) -> Referral:
    """Makes one move. The caller has already established, through accounts.permissions, that the
    actor may act for `acting_side` on this referral; this function enforces the rest."""
    move = MOVES[move_name]
    if move.side is Side.EITHER:
        side_may_move = acting_side in (Side.REFERRING, Side.RECEIVING)
    else:
        side_may_move = move.side is acting_side
    if not side_may_move:
        raise TransitionError(_("You cannot make this change to the referral."), code="side")
    _check_reason(move_name, reason, outcome)
    with transaction.atomic():
        # The row lock makes concurrent moves (two tabs accepting and declining) queue up; the
        # second one then sees the new status and fails with a clear conflict.
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if expected_version is not None and referral.version != expected_version:
            raise Conflict(
                _("This referral was changed by someone else a moment ago. Reload to see it."),
                code="stale",
            )
        if referral.status not in move.sources:
            raise Conflict(
                _("This referral is already %(status)s; the change was not made.")
                % {"status": referral.get_status_display()},
                code="state",
            )
        now = timezone.now()
        # A clock that jumped back (an NTP correction, a VM restored from a snapshot) must not
        # list this move before the previous one: a referral's history never runs backwards.
        last_at = referral.events.aggregate(last=Max("at"))["last"]
        if last_at is not None and last_at > now:
            now = last_at
        previous = referral.status
        referral.status = move.to
        referral.version += 1
        _stamp(referral, move, now, reason=reason, outcome=outcome)
        referral.save()
        try:
            with transaction.atomic():
                event = ReferralEvent.objects.create(
                    referral=referral,
                    from_status=previous,
                    to_status=move.to,
                    actor=actor,
                    actor_organization=(
                        None
                        if acting_side is Side.SYSTEM
                        else _organization_for(acting_side, referral)
                    ),
                    reason=reason or outcome,
                )
        except IntegrityError as error:
            raise Conflict(_("This change was already made."), code="duplicate") from error
        if event.at < now:  # auto_now_add stamped the wall clock, which is behind
            ReferralEvent.objects.filter(pk=event.pk).update(at=now)
        if move.purges_handoff:
            schedule_purge(
                ContactHandoff.objects.filter(referral=referral).select_related("key").first(), now
            )
        if move_name == "revoke":
            _record_revocation(referral, actor, now, reason)
        for side in move.notify:
            # The acting side knows what it did, except for a revocation, which both
            # organisations must hear of whoever recorded it.
            if side is acting_side and move_name != "revoke":
                continue
            Outbox.objects.get_or_create(
                referral=referral,
                kind=move.outbox_kind,
                organization=_organization_for(side, referral),
            )
        _audit(referral, move_name, actor, acting_side)
        queue_delivery_on_commit()
    return referral


def _check_reason(move_name: str, reason: str, outcome: str) -> None:
    """Refuses anything but the closed choices, whoever calls: pages and the API check first and
    answer with the list; this is the last line before the event row."""
    allowed = REASONS.get(move_name, frozenset())
    if reason and reason not in allowed:
        raise TransitionError(_("This reason is not one of the choices."), code="reason")
    if move_name in REASONS and not reason:
        raise TransitionError(_("Choose a reason from the list."), code="reason")
    if outcome and (move_name != "close" or outcome not in OUTCOMES):
        raise TransitionError(_("This outcome is not one of the choices."), code="outcome")
    if move_name == "close" and not outcome:
        raise TransitionError(_("Choose the outcome."), code="outcome")


def _stamp(referral: Referral, move: Move, now, *, reason: str, outcome: str) -> None:
    if move.name == "send":
        referral.sent_at = now
        referral.expires_at = now + timedelta(days=settings.REFERRAL_EXPIRY_DAYS)
    elif move.name in ("accept", "decline"):
        referral.responded_at = now
        if move.name == "decline":
            # A decline ends the referral like every other terminal move: retention reduces
            # referrals by when they ended, and one without an end would be kept for ever.
            referral.decline_reason = reason
            referral.closed_at = now
    elif move.name == "connect":
        referral.connected_at = now
    elif move.name == "close":
        referral.closed_at = now
        referral.outcome = outcome
    elif move.name == "revoke":
        referral.closed_at = now
        referral.outcome = Outcome.CONSENT_REVOKED
    elif move.name == "lapse":
        referral.closed_at = now
        referral.outcome = Outcome.NO_OUTCOME
    elif move.name in ("withdraw", "expire"):
        referral.closed_at = now


def _record_revocation(referral: Referral, actor, now, method: str) -> None:
    Consent.objects.filter(referral=referral, revoked_at__isnull=True).update(
        revoked_at=now,
        revoked_by=actor,
        revocation_method=method if method in Consent.Method.values else "",
    )


def _audit(referral: Referral, move_name: str, actor, acting_side: Side) -> None:
    from audit import record

    record(
        actor=actor,
        organization=None
        if acting_side is Side.SYSTEM
        else _organization_for(acting_side, referral),
        action=f"referral.{move_name}",
        obj=referral,
    )
