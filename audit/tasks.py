"""Scheduled work of the audit log (ids only, idempotent: an extra anchor is harmless)."""

from celery import shared_task

from audit.anchor import write_anchor


@shared_task
def anchor_audit_head() -> int | None:
    """Write the chain's head to the anchor file (Celery beat, hourly); returns the event id."""
    anchor = write_anchor()
    return anchor.event_id if anchor else None
