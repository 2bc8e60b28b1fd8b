"""Who at an organisation is told about a referral: intake staff and admins of the receiving
organisation; the referring user and the admins of the referring organisation."""

from django.db.models import Q

from accounts.models import Membership, Role
from referrals.models import Outbox


def recipients_for(item: Outbox) -> list[str]:
    referral = item.referral
    wanted = Q(pk__in=[])
    if item.organization_id == referral.receiving_organization_id:
        wanted |= Q(role__in=[Role.INTAKE, Role.ORG_ADMIN])
    if item.organization_id == referral.referring_organization_id:
        wanted |= Q(role=Role.ORG_ADMIN) | Q(user_id=referral.referring_user_id)
    emails = (
        Membership.objects.filter(
            wanted, organization_id=item.organization_id, is_active=True, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))
