"""The weekly reminder to organisation admins: their listings due for verification, each with a
one-click "still correct" link and a link to edit it.

The e-mail names listings (public data) and links; never the admin's name, never anything about a
visitor or a client. One e-mail per admin per week: the VerificationReminder row for (admin, week)
is made before sending and marked sent in the same transaction, under a row lock, so a second run
of the task in the same week (or a concurrent one) sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

import audit
from accounts.languages import recipient_language
from accounts.models import Membership, Role
from services.models import Service, VerificationReminder
from services.querysets import verify_warn_days

logger = logging.getLogger(__name__)

VERIFY_LINK_SALT = "services.verify-link"
# The link works for two weeks: long enough for a holiday, short enough that old mail is inert.
VERIFY_LINK_MAX_AGE = dt.timedelta(days=14)
REMINDER_LANGUAGES = ("es", "en")


def reminder_languages(user: Any) -> tuple[str, ...]:
    """The member's own language; a member on the default language, who may never have chosen
    one, keeps the Spanish and English pair."""
    language = recipient_language(user)
    return REMINDER_LANGUAGES if language == settings.LANGUAGE_CODE else (language,)


def week_start(now: dt.datetime) -> dt.date:
    day = timezone.localdate(now, timezone=dt.UTC)
    return day - dt.timedelta(days=day.weekday())


def verify_token(service: Service) -> str:
    """Signed, expiring and good for one thing: confirming this listing as it was when the mail
    was written (the listing's freshness is in it, so the link stops working once used)."""
    return signing.dumps(
        {"s": str(service.pk), "f": service.freshness_at.isoformat()}, salt=VERIFY_LINK_SALT
    )


def read_verify_token(token: str) -> dict[str, str] | None:
    try:
        return signing.loads(
            token, salt=VERIFY_LINK_SALT, max_age=VERIFY_LINK_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None


def due_listings_by_admin(now: dt.datetime) -> dict[int, list[Service]]:
    """Admin user id → their organisations' listings past the warning age (two queries)."""
    admins: dict[Any, set[int]] = defaultdict(set)
    for user_id, org_id in Membership.objects.filter(
        role=Role.ORG_ADMIN, is_active=True, user__is_active=True
    ).values_list("user_id", "organization_id"):
        admins[org_id].add(user_id)
    due: dict[int, list[Service]] = defaultdict(list)
    services = (
        Service.objects.due_for_verification(now)
        .filter(organization_id__in=list(admins))
        .order_by("name", "id")
    )
    for service in services:
        for user_id in admins[service.organization_id]:
            due[user_id].append(service)
    return due


def build_message(
    services: list[Service], to: str, languages: tuple[str, ...] = REMINDER_LANGUAGES
) -> EmailMultiAlternatives:
    parts = []
    for language in languages:
        with translation.override(language):
            items = [
                {
                    "name": service.localized("name", language)[0] or service.name,
                    "verified": service.last_verified_at,
                    "verify": settings.SITE_URL
                    + reverse("listings:verify_link", kwargs={"token": verify_token(service)}),
                    "edit": settings.SITE_URL
                    + reverse("listings:listing", kwargs={"pk": service.pk}),
                }
                for service in services
            ]
            context = {"items": items, "months": round(verify_warn_days() / 30.4)}
            parts.append(
                (
                    render_to_string("services/email/reminder_subject.txt", context).strip(),
                    render_to_string("services/email/reminder.txt", context),
                )
            )
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n----\n\n".join(p[1] for p in parts)
    return EmailMultiAlternatives(subject=subject, body=body, to=[to])


def send_weekly_reminders(now: dt.datetime | None = None) -> int:
    """Sends each organisation admin at most one reminder this week; returns how many were
    sent by this call."""
    now = now or timezone.now()
    week = week_start(now)
    sent = 0
    due = due_listings_by_admin(now)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(due))}
    for user_id, services in due.items():
        user = users.get(user_id)
        if user is None or not user.email:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    reminder, _ = VerificationReminder.objects.get_or_create(
                        user_id=user_id, week=week, defaults={"listings": len(services)}
                    )
            except IntegrityError:  # a concurrent run made it first
                reminder = VerificationReminder.objects.get(user_id=user_id, week=week)
            reminder = VerificationReminder.objects.select_for_update().get(pk=reminder.pk)
            if reminder.sent_at is not None:
                continue
            message = build_message(services, user.email, reminder_languages(user))
            # A stable Message-ID lets mail systems drop a copy sent twice after a crash.
            message.extra_headers["Message-ID"] = f"<verify-reminder-{reminder.pk}@enlace>"
            message.send()
            reminder.sent_at = timezone.now()
            reminder.listings = len(services)
            reminder.save(update_fields=["sent_at", "listings"])
            audit.record(
                actor=None,
                action="services.verification_reminder_sent",
                obj=reminder,
                details={"listings": len(services)},
            )
            sent += 1
    logger.info("verification reminders sent: %s", sent)
    return sent
