"""What the staff menu says about referrals on every page: how many received referrals wait for
an answer (a badge on "Referrals"), and a notice when referrals the member's organisation sent
have changed state since the member last opened the sent list.

Both read through referrals.staff (the access rules); the notice names no referral, client or
organisation, only how many changed, and "last opened" is kept in the member's session.
"""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext

from accounts import permissions
from referrals import staff
from referrals.models import ReferralEvent, Status

SEEN_KEY = "enlace.referrals.sent_seen_at"


def waiting_count(request: Any) -> int:
    """Received referrals still waiting for an answer (sent, not yet accepted or declined)."""
    user = request.user
    if not (
        permissions.receiving_organization_ids(user)
        or permissions.organizations_with_role(
            user, "org_admin", *permissions.RECEIVED_READER_ROLES
        )
    ):
        return 0
    return staff.received_by(user).filter(status=Status.SENT).count()


def mark_sent_seen(request: Any) -> None:
    request.session[SEEN_KEY] = timezone.now().isoformat()


def start_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """user_logged_in: changes from now on are news to this member."""
    if request is not None and hasattr(request, "session"):
        mark_sent_seen(request)


def sent_changes(request: Any) -> list[dict[str, Any]]:
    """A notice when the other side moved referrals this member's organisation sent, since the
    member last opened the sent list (signing in starts the clock)."""
    user = request.user
    own = permissions.referring_organization_ids(user) | permissions.organizations_with_role(
        user, "org_admin"
    )
    if not own:
        return []
    # Set at sign-in (apps.py): reading a page never writes the session, so every page costs
    # the same queries whatever the member typed into it.
    seen = parse_datetime(request.session.get(SEEN_KEY) or "")
    if seen is None:
        return []
    changed = (
        ReferralEvent.objects.filter(referral__in=staff.sent_by(user).values("pk"), at__gt=seen)
        .filter(Q(actor_organization__isnull=True) | ~Q(actor_organization_id__in=own))
        .values("referral_id")
        .distinct()
        .count()
    )
    if not changed:
        return []
    text = ngettext(
        "%(count)s referral you sent has changed. See it in Sent.",
        "%(count)s referrals you sent have changed. See them in Sent.",
        changed,
    ) % {"count": changed}
    return [{"url": reverse("referrals:sent"), "text": text}]
