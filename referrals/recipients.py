"""Who at an organisation is told about a referral: intake staff and admins of the receiving
organisation; the referring user and the admins of the referring organisation. Each is written
to in the language they chose (accounts.languages)."""

from collections import defaultdict

from django.db.models import Q, QuerySet

from accounts.languages import recipient_language
from accounts.models import Membership, Role, User
from referrals.models import Outbox


def recipients_for(item: Outbox) -> list[str]:
    emails = _memberships(item).values_list("user__email", flat=True)
    return sorted(set(emails))


def recipients_by_language(item: Outbox) -> dict[str, list[str]]:
    """The recipients' addresses grouped by the language each one reads, sorted."""
    groups: dict[str, set[str]] = defaultdict(set)
    users = User.objects.filter(pk__in=_memberships(item).values("user_id")).only(
        "email", "language"
    )
    for user in users:
        groups[recipient_language(user)].add(user.email)
    return {language: sorted(emails) for language, emails in sorted(groups.items())}


def _memberships(item: Outbox) -> QuerySet[Membership]:
    referral = item.referral
    wanted = Q(pk__in=[])
    if item.organization_id == referral.receiving_organization_id:
        wanted |= Q(role__in=[Role.INTAKE, Role.ORG_ADMIN])
    if item.organization_id == referral.referring_organization_id:
        wanted |= Q(role=Role.ORG_ADMIN) | Q(user_id=referral.referring_user_id)
    return Membership.objects.filter(
        wanted, organization_id=item.organization_id, is_active=True, user__is_active=True
    ).exclude(user__email="")
