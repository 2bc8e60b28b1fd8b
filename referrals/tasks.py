"""Celery beat's jobs for the referral workflow. Thin: each task calls one function of
referrals.retention or referrals.outbox. Tasks take no client data as arguments (most take none
at all) and are safe to run twice. Their names are the registered ones beat and the broker use."""

from celery import shared_task

from referrals import retention
from referrals.outbox import deliver_pending_notifications

__all__ = [
    "act_on_expired_consents",
    "close_stale_referrals",
    "deliver_pending_notifications",
    "expire_unanswered_referrals",
    "purge_due_handoffs",
    "reduce_old_referrals",
    "remind_unanswered_referrals",
]


@shared_task
def purge_due_handoffs() -> int:
    return retention.purge_due_handoffs()


@shared_task
def expire_unanswered_referrals() -> int:
    return retention.expire_unanswered_referrals()


@shared_task
def remind_unanswered_referrals() -> int:
    return retention.remind_unanswered_referrals()


@shared_task
def act_on_expired_consents() -> int:
    return retention.act_on_expired_consents()


@shared_task
def close_stale_referrals() -> int:
    return retention.close_stale_referrals()


@shared_task
def reduce_old_referrals() -> int:
    return retention.reduce_old_referrals()
