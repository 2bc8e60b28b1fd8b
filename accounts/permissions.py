"""Every access rule in Enlace, in one place. Pages, the admin and the API all ask these functions.

Rules are object-level: *this* user, *this* organisation, *this* record. A user counts only when
signed in with both factors in this session (`is_signed_in`); roles come from active memberships.

- Operators (Django superusers) may do everything.
- Stewards edit every listing, import and merge, and read the whole audit log.
- Organisation admins manage their own organisation's members (any role but steward), edit its
  listings and read its audit events.
- Caseworkers and hotline staff of a verified partner make referrals for it; its intake staff
  receive them. Staff of verified partners may see confidential locations.

Views must turn "may not see" into 404 (see the *_or_404 helpers), not 403, so that ids of other
organisations' records cannot be probed.
"""

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Invitation, Membership, Role

# Which roles, in their own organisation, do what. Rules and the querysets below both read these,
# so that a page listing records and a check on one record cannot disagree.
REFERRING_ROLES = frozenset({Role.CASEWORKER, Role.HOTLINE})
RECEIVING_ROLES = frozenset({Role.INTAKE})
# Hotline staff of a receiving organisation answer callers who quote their referral code: they
# read the organisation's received referrals (status, and needs as consent allows) and make no
# move on them and never open contact details.
RECEIVED_READER_ROLES = frozenset({Role.HOTLINE})
MANAGING_ROLES = frozenset({Role.ORG_ADMIN})  # members and invitations
LISTING_ROLES = frozenset({Role.ORG_ADMIN})  # the organisation's own listings
AUDIT_ROLES = frozenset({Role.ORG_ADMIN})  # the organisation's own audit events
DIRECTORY_ROLES = frozenset({Role.STEWARD})  # every listing, imports, merges, the whole log
OBSERVING_ROLES = frozenset({Role.OBSERVER})  # report counts of the whole directory, nothing else
_CACHE = "_enlace_access"
PENDING = ""  # the role of a membership whose sensitive role waits for confirmation


# --- who is this user -------------------------------------------------------------------------


def is_signed_in(user: Any) -> bool:
    """Authenticated, active, and verified by a second factor in this session.

    A user object that did not come through OTPMiddleware (no `is_verified`) is not verified.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def _access(user: Any) -> tuple[dict[uuid.UUID, str], frozenset[uuid.UUID]]:
    """(role by organisation id, ids of those organisations that are verified partners), read
    once per user object, which is once per request."""
    if not is_signed_in(user):
        return {}, frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is None:
        rows = Membership.objects.filter(user_id=user.pk, is_active=True).values_list(
            "organization_id", "role", "role_confirmed", "organization__is_verified_partner"
        )
        # A sensitive role waiting for its second confirmation gives no role's rights yet (the
        # member still reaches the staff area, as a member of the organisation).
        cached = (
            {org_id: role if confirmed else PENDING for org_id, role, confirmed, _p in rows},
            # An observer's membership makes nobody a partner's staff (no confidential shelter).
            frozenset(
                org_id
                for org_id, role, _confirmed, partner in rows
                if partner and role not in OBSERVING_ROLES
            ),
        )
        setattr(user, _CACHE, cached)
    return cached


def forget(user: Any) -> None:
    """Drops the cached roles after a change within the same request."""
    with contextlib.suppress(AttributeError):
        delattr(user, _CACHE)


def _org_id(organization: Any) -> uuid.UUID | None:
    if organization is None:
        return None
    value = getattr(organization, "pk", organization)
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def roles(user: Any) -> dict[uuid.UUID, str]:
    return _access(user)[0]


def role_in(user: Any, organization: Any) -> str | None:
    return roles(user).get(_org_id(organization))


def is_operator(user: Any) -> bool:
    return is_signed_in(user) and bool(user.is_superuser)


def is_steward(user: Any) -> bool:
    return bool(DIRECTORY_ROLES.intersection(roles(user).values()))


def organizations_with_role(user: Any, *wanted: str) -> set[uuid.UUID]:
    return {org_id for org_id, role in roles(user).items() if role in wanted}


# --- the staff area and the admin -------------------------------------------------------------


def may_use_staff_area(user: Any) -> bool:
    return is_operator(user) or bool(roles(user))  # a pending role still counts as a member


def may_use_admin(user: Any) -> bool:
    return is_signed_in(user) and bool(user.is_staff)


# --- members and invitations ------------------------------------------------------------------


def may_manage_members(user: Any, organization: Any) -> bool:
    return is_operator(user) or role_in(user, organization) in MANAGING_ROLES


def assignable_roles(user: Any, organization: Any) -> list[str]:
    """Roles `user` may give in `organization`. Steward is directory-wide: operators only."""
    if is_operator(user):
        return list(Role.values)
    if role_in(user, organization) in MANAGING_ROLES:
        return [role for role in Role.values if role not in DIRECTORY_ROLES | OBSERVING_ROLES]
    return []


def may_confirm_role(user: Any, membership: Membership) -> bool:
    """A second person confirms a sensitive role: an admin of the organisation (or an operator)
    who neither granted it nor holds it."""
    if membership.role_confirmed or not membership.is_active:
        return False
    if user is None or user.pk in (membership.user_id, membership.role_granted_by_id):
        return False
    return may_manage_members(user, membership.organization_id)


def may_invite(user: Any, organization: Any, role: str) -> bool:
    return role in assignable_roles(user, organization)


def may_change_role(user: Any, membership: Membership, role: str) -> bool:
    allowed = assignable_roles(user, membership.organization_id)
    return membership.role in allowed and role in allowed


def may_deactivate_member(user: Any, membership: Membership) -> bool:
    return membership.role in assignable_roles(user, membership.organization_id)


def may_edit_work_phone(user: Any, membership: Membership) -> bool:
    """The member's own work phone, and the members of organisations one administers."""
    if not is_signed_in(user):
        return False
    if membership.user_id == user.pk and membership.is_active:
        return True
    return may_manage_members(user, membership.organization_id)


def may_reactivate_member(user: Any, membership: Membership) -> bool:
    return membership.role in assignable_roles(user, membership.organization_id)


def may_revoke_invitation(user: Any, invitation: Invitation) -> bool:
    return invitation.role in assignable_roles(user, invitation.organization_id)


# --- listings ---------------------------------------------------------------------------------


def listing_organization_id(record: Any) -> uuid.UUID | None:
    """The organisation that owns a directory record, following HSDS parents
    (a phone of a location of an organisation...). None for records no organisation owns."""
    if record is None:
        return None
    if record._meta.label_lower == "services.organization":
        return record.pk
    own = getattr(record, "organization_id", None)
    if own:
        return own
    for parent in ("service", "location", "service_at_location", "contact", "program"):
        if getattr(record, f"{parent}_id", None):
            return listing_organization_id(getattr(record, parent))
    return None


def may_edit_organization(user: Any, organization: Any) -> bool:
    return is_operator(user) or is_steward(user) or role_in(user, organization) in LISTING_ROLES


def may_edit_listing(user: Any, record: Model) -> bool:
    if is_operator(user) or is_steward(user):
        return True
    owner = listing_organization_id(record)
    return owner is not None and role_in(user, owner) in LISTING_ROLES


def may_import_listings(user: Any) -> bool:
    return is_operator(user) or is_steward(user)


def may_merge_duplicates(user: Any) -> bool:
    return is_operator(user) or is_steward(user)


def may_verify_partners(user: Any) -> bool:
    return is_operator(user) or is_steward(user)


def organizations_editable_by(user: Any, queryset: QuerySet) -> QuerySet:
    """Organisations whose listings `user` may edit, from a queryset of Organization."""
    if is_operator(user) or is_steward(user):
        return queryset
    return queryset.filter(pk__in=organizations_with_role(user, *LISTING_ROLES))


# --- confidential locations -------------------------------------------------------------------


# --- keeping listings true ------------------------------------------------------------------

CAPACITY_ROLES = frozenset({Role.INTAKE, Role.ORG_ADMIN})  # free beds or places


def may_verify_listing(user: Any, service: Any) -> bool:
    """Record that a listing is still true: whoever may edit it."""
    return may_edit_listing(user, service)


def may_update_capacity(user: Any, service: Any) -> bool:
    if is_operator(user) or is_steward(user):
        return True
    return role_in(user, service.organization_id) in CAPACITY_ROLES


def may_redact_history(user: Any, service: Any) -> bool:
    """Remove a text from every stored version of a listing: stewards, operators and the
    admins of the listing's organisation."""
    if is_operator(user) or is_steward(user):
        return True
    return role_in(user, service.organization_id) == Role.ORG_ADMIN


def may_suggest_edit(user: Any, service: Any) -> bool:
    """Any member but an observer may suggest a change to any listing; a moderator decides."""
    return is_operator(user) or any(r not in OBSERVING_ROLES for r in roles(user).values())


def may_moderate_suggestion(user: Any, suggestion: Any) -> bool:
    """The listing's organisation admins and the stewards decide on suggested edits."""
    return may_edit_listing(user, suggestion.service)


def services_editable_by(user: Any, queryset: QuerySet) -> QuerySet:
    """Services whose listing `user` may edit (and verify), from a queryset of Service."""
    if is_operator(user) or is_steward(user):
        return queryset
    return queryset.filter(organization_id__in=organizations_with_role(user, *LISTING_ROLES))


def services_with_capacity_for(user: Any, queryset: QuerySet) -> QuerySet:
    if is_operator(user) or is_steward(user):
        return queryset
    return queryset.filter(organization_id__in=organizations_with_role(user, *CAPACITY_ROLES))


def suggestions_visible_to(user: Any, queryset: QuerySet) -> QuerySet:
    """The moderation queue: suggestions on listings the user may edit."""
    if is_operator(user) or is_steward(user):
        return queryset
    return queryset.filter(
        service__organization_id__in=organizations_with_role(user, *LISTING_ROLES)
    )


def may_view_confidential_locations(user: Any) -> bool:
    """Staff of a verified partner organisation, stewards and operators."""
    return is_operator(user) or is_steward(user) or bool(_access(user)[1])


def may_view_confidential_location(user: Any, location: Any) -> bool:
    """As above, and also the staff of the organisation that runs the location."""
    if may_view_confidential_locations(user):
        return True
    owner = listing_organization_id(location)
    return owner is not None and roles(user).get(owner, Role.OBSERVER) not in OBSERVING_ROLES


# --- referrals --------------------------------------------------------------------------------


def may_make_referrals(user: Any, organization: Any) -> bool:
    """Caseworkers and hotline staff, for their own organisation if it is a verified partner."""
    org_id = _org_id(organization)
    return role_in(user, org_id) in REFERRING_ROLES and org_id in _access(user)[1]


def may_record_calls(user: Any, organization: Any) -> bool:
    """Count a call the organisation answered: its caseworkers and hotline staff, as for
    referrals (a verified partner)."""
    return may_make_referrals(user, organization)


def may_receive_referrals(user: Any, organization: Any) -> bool:
    """Intake staff, for their own organisation if it is a verified partner."""
    org_id = _org_id(organization)
    return role_in(user, org_id) in RECEIVING_ROLES and org_id in _access(user)[1]


def referring_organization_ids(user: Any) -> set[uuid.UUID]:
    return {
        org for org in organizations_with_role(user, *REFERRING_ROLES) if org in _access(user)[1]
    }


def receiving_organization_ids(user: Any) -> set[uuid.UUID]:
    return {
        org for org in organizations_with_role(user, *RECEIVING_ROLES) if org in _access(user)[1]
    }


def _referral_org_ids(referral: Any) -> tuple[uuid.UUID, uuid.UUID]:
    return referral.referring_organization_id, referral.receiving_organization_id


def may_act_for_referring_side(user: Any, referral: Any) -> bool:
    """Caseworkers, hotline staff and admins of the referring organisation (a verified partner)."""
    org_id = _referral_org_ids(referral)[0]
    return (
        role_in(user, org_id) in (REFERRING_ROLES | {Role.ORG_ADMIN}) and org_id in _access(user)[1]
    )


def may_act_for_receiving_side(user: Any, referral: Any) -> bool:
    """Intake staff and admins of the receiving organisation (a verified partner)."""
    org_id = _referral_org_ids(referral)[1]
    return (
        role_in(user, org_id) in (RECEIVING_ROLES | {Role.ORG_ADMIN}) and org_id in _access(user)[1]
    )


def may_read_received_referral(user: Any, referral: Any) -> bool:
    """Hotline staff of the receiving organisation (a verified partner): read only."""
    org_id = _referral_org_ids(referral)[1]
    return role_in(user, org_id) in RECEIVED_READER_ROLES and org_id in _access(user)[1]


# The channel through which the receiver reaches the client only by asking the referring side.
THROUGH_REFERRER = "referrer"
# Statuses in which the receiving intake works with the client's contact details.
HANDOFF_STATUSES = frozenset({"accepted", "connected"})


@dataclass(frozen=True)
class ReferralView:
    """What one user may see of one referral.

    side: "referring", "receiving", "both", "reader" (hotline staff of the receiving
    organisation: read only) or "" (none: such a user gets a 404).
    needs: the needs, age band and gender. contact: may open the sealed contact details.
    phone: the opened details may include the phone (not when the client chose to be reached
    only through the referring organisation). consent: "in_force", "expired", "revoked" or
    "none", for the page to say why something is not shown.
    """

    side: str
    needs: bool
    contact: bool
    phone: bool
    consent: str


def consent_state(referral: Any, now: Any = None) -> str:
    consent = getattr(referral, "consent", None)
    if consent is None:
        return "none"
    if consent.revoked_at is not None:
        return "revoked"
    expires_at = consent.expires_at
    if expires_at is not None and expires_at <= (now or timezone.now()):
        return "expired"
    return "in_force"


def referral_view(user: Any, referral: Any, now: Any = None) -> ReferralView:
    """The one rule for what a user sees of a referral, from the role, the side, the status
    and the consent (its scope, expiry and revocation). Pages, the API, the slip, e-mails,
    exports and `referrals.handoffs.read_handoff` all ask it.

    The referring side recorded the needs with the client and keeps seeing them; it never sees
    the sealed contact details back. The receiving side sees the needs only while a consent
    that covers them is in force, and its intake staff (never its admins) open the contact
    details only in an accepted or connected referral whose consent covers contact and is in
    force."""
    referring = may_act_for_referring_side(user, referral)
    receiving = may_act_for_receiving_side(user, referral)
    side = {
        (True, True): "both",
        (True, False): "referring",
        (False, True): "receiving",
        (False, False): "",
    }[(referring, receiving)]
    reader = not side and may_read_received_referral(user, referral)
    if reader:
        side = "reader"
    state = consent_state(referral, now)
    consent = getattr(referral, "consent", None)
    in_force = state == "in_force"
    receiver_needs = (receiving or reader) and in_force and bool(consent.shares_needs)
    contact = (
        receiving
        and role_in(user, referral.receiving_organization_id) in RECEIVING_ROLES
        and referral.status in HANDOFF_STATUSES
        and in_force
        and bool(consent.shares_contact)
    )
    return ReferralView(
        side=side,
        needs=referring or receiver_needs,
        contact=contact,
        phone=contact and consent.contact_channel != THROUGH_REFERRER,
        consent=state,
    )


def may_read_handoff(user: Any, referral: Any) -> bool:
    """Only the receiving organisation's intake staff, only once they have accepted, and only
    while the client's consent covers contact details and is neither revoked nor expired.
    Never the referring side, admins, stewards or operators."""
    return referral_view(user, referral).contact


def may_see_needs(user: Any, referral: Any) -> bool:
    """The referring side; the receiving side only while consent to share needs is in force."""
    return referral_view(user, referral).needs


def referrals_visible_to(user: Any, queryset: QuerySet) -> QuerySet:
    """Referrals of the organisations whose referring or receiving staff `user` is (a hotline
    member reads their organisation's received referrals too). Operators and
    stewards see counts only (ReferralCount), never referral rows."""
    referring = {
        org
        for org in organizations_with_role(user, *REFERRING_ROLES, Role.ORG_ADMIN)
        if org in _access(user)[1]
    }
    receiving = {
        org
        for org in organizations_with_role(
            user, *RECEIVING_ROLES, *RECEIVED_READER_ROLES, Role.ORG_ADMIN
        )
        if org in _access(user)[1]
    }
    if not referring and not receiving:
        return queryset.none()
    return queryset.filter(
        Q(referring_organization_id__in=referring) | Q(receiving_organization_id__in=receiving)
    )


# --- the audit log ----------------------------------------------------------------------------


def may_read_all_audit(user: Any) -> bool:
    return is_operator(user) or is_steward(user)


def audit_organization_ids(user: Any) -> set[uuid.UUID]:
    """Organisations whose events `user` reads as their admin."""
    return organizations_with_role(user, *AUDIT_ROLES)


def may_read_audit(user: Any, organization: Any = None) -> bool:
    """Any audit events at all (organization None), or those of one organisation."""
    if may_read_all_audit(user):
        return True
    if organization is None:
        return bool(audit_organization_ids(user))
    return _org_id(organization) in audit_organization_ids(user)


# Events about referrals: which organisation referred to which, and when, is the referral
# workflow's secret even from the directory's stewards and operators (the referral API gives them
# nothing either); they see these only as counts by action and day.
REFERRAL_EVENTS = Q(action__startswith="referral.") | Q(object_type__startswith="referrals.")


def audit_events_visible_to(user: Any, queryset: QuerySet) -> QuerySet:
    """Operators and stewards read every event but the referral events of organisations they do
    not administer. An organisation admin reads the events of their organisation, and the
    account events (sign-ins, failures, second factors) of its current members, which belong to
    no organisation."""
    if may_read_all_audit(user):
        own = audit_organization_ids(user)
        return queryset.exclude(REFERRAL_EVENTS & ~Q(organization_id__in=own))
    org_ids = audit_organization_ids(user)
    if not org_ids:
        return queryset.none()
    members = Membership.objects.filter(organization_id__in=org_ids, is_active=True)
    return queryset.filter(
        Q(organization_id__in=org_ids)
        | Q(
            organization_id__isnull=True,
            action__startswith="accounts.",
            actor_id__in=members.values("user_id"),
        )
    )


def referral_event_counts(user: Any, queryset: QuerySet) -> list[dict[str, Any]]:
    """For stewards and operators: referral events as counts per action and day, without
    organisations, referrals or times of day. Nothing for anyone else."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    if not may_read_all_audit(user):
        return []
    return list(
        queryset.filter(REFERRAL_EVENTS)
        .annotate(day=TruncDate("occurred_at"))
        .values("day", "action")
        .annotate(count=Count("id"))
        .order_by("-day", "action")[:200]
    )


# --- reports ----------------------------------------------------------------------------------


def report_organization_ids(user: Any) -> set[uuid.UUID] | None:
    """Whose referrals a user's reports count: None for the whole directory (operators,
    stewards, observers), else the organisations they administer (referrals sent or received);
    an empty set for everyone else. Reports hold counts only, suppressed below REPORT_MIN_CELL."""
    if is_operator(user) or is_steward(user) or organizations_with_role(user, *OBSERVING_ROLES):
        return None
    return organizations_with_role(user, Role.ORG_ADMIN)


def may_view_reports(user: Any) -> bool:
    return is_signed_in(user) and report_organization_ids(user) != set()


# --- reads that start from the rules ----------------------------------------------------------


def organizations_managed_by(user: Any, queryset: QuerySet) -> QuerySet:
    if is_operator(user):
        return queryset
    return queryset.filter(pk__in=organizations_with_role(user, *MANAGING_ROLES))


def memberships_visible_to(user: Any) -> QuerySet:
    queryset = Membership.objects.select_related("user", "organization")
    if is_operator(user):
        return queryset
    return queryset.filter(organization_id__in=organizations_with_role(user, *MANAGING_ROLES))


def invitations_visible_to(user: Any) -> QuerySet:
    if is_operator(user):
        return Invitation.objects.all()
    return Invitation.objects.filter(
        organization_id__in=organizations_with_role(user, *MANAGING_ROLES)
    )


def managed_organization_or_404(user: Any, queryset: QuerySet, organization_id: Any) -> Any:
    """The organisation, if `user` manages its members; otherwise 404 whether or not it exists."""
    try:
        return organizations_managed_by(user, queryset).get(pk=organization_id)
    except (queryset.model.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def membership_or_404(user: Any, organization_id: Any, membership_id: Any) -> Membership:
    try:
        return memberships_visible_to(user).get(pk=membership_id, organization_id=organization_id)
    except (Membership.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def invitation_or_404(user: Any, organization_id: Any, invitation_id: Any) -> Invitation:
    try:
        return invitations_visible_to(user).get(pk=invitation_id, organization_id=organization_id)
    except (Invitation.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def all_rules() -> Iterable[str]:
    """Names of the rule functions, for the permission-matrix test to check it covers them."""
    return sorted(
        name for name, value in globals().items() if name.startswith("may_") and callable(value)
    )
