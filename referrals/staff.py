"""What the staff pages and the staff API share: fetching a referral through the access rules,
which moves this user may make on it, and turning submitted fields into make_referral's inputs.
Both layers call these, so a page and an endpoint cannot disagree about who may do what."""

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts import permissions
from accounts.models import Role
from referrals.actions import (
    ConsentInput,
    HandoffInput,
    ReferralInput,
    make_referral,
)
from referrals.actions import (
    renew_consent as _renew_consent,
)
from referrals.models import TERMINAL, Referral
from referrals.transitions import MOVES, Side, allowed_moves, transition
from services.models import Organization, Service, TaxonomyTerm

# Moves a person makes (send happens inside make_referral, expire is Celery beat's).
STAFF_MOVES = ("accept", "decline", "connect", "close", "withdraw", "revoke")


def visible_referrals(user: Any) -> QuerySet:
    return permissions.referrals_visible_to(
        user,
        Referral.objects.select_related(
            "service", "referring_organization", "receiving_organization", "consent"
        ),
    )


def referral_or_404(user: Any, pk: Any) -> Referral:
    try:
        return visible_referrals(user).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def received_by(user: Any) -> QuerySet:
    """The inbox: referrals to organisations where the user is intake staff or admin, or
    hotline staff (who read them to help a caller, and make no move)."""
    orgs = permissions.organizations_with_role(
        user, Role.INTAKE, Role.ORG_ADMIN, *permissions.RECEIVED_READER_ROLES
    )
    return visible_referrals(user).filter(receiving_organization_id__in=orgs)


def sent_by(user: Any) -> QuerySet:
    orgs = permissions.organizations_with_role(user, Role.CASEWORKER, Role.HOTLINE, Role.ORG_ADMIN)
    return visible_referrals(user).filter(referring_organization_id__in=orgs)


# The queue: open referrals first, the most urgent first, then the longest waiting.
_OPEN_FIRST = models.Case(
    models.When(status__in=list(TERMINAL), then=models.Value(1)),
    default=models.Value(0),
    output_field=models.IntegerField(),
)
_URGENCY_FIRST = models.Case(
    models.When(urgency="urgent", then=models.Value(0)),
    models.When(urgency="soon", then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)


def as_queue(queryset: QuerySet) -> QuerySet:
    """Open before finished, then by urgency, then by waiting time (oldest first)."""
    return queryset.select_related("referring_user").order_by(
        _OPEN_FIRST, _URGENCY_FIRST, "created_at", "id"
    )


def filter_inbox(queryset: QuerySet, data: dict[str, str]) -> QuerySet:
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("urgency"):
        queryset = queryset.filter(urgency=data["urgency"])
    now = timezone.now()
    age = data.get("age")
    if age == "today":
        queryset = queryset.filter(created_at__gte=now - timedelta(days=1))
    elif age == "2d":
        queryset = queryset.filter(created_at__gte=now - timedelta(hours=48))
    elif age == "old":
        queryset = queryset.filter(created_at__lt=now - timedelta(hours=48))
    return queryset


def acting_side(user: Any, referral: Referral, move_name: str) -> Side | None:
    """The side `user` would make this move for, or None when they may not make it."""
    if move_name not in STAFF_MOVES:
        return None
    side = MOVES[move_name].side
    referring = permissions.may_act_for_referring_side(user, referral)
    receiving = permissions.may_act_for_receiving_side(user, referral)
    if side is Side.REFERRING:
        return Side.REFERRING if referring else None
    if side is Side.RECEIVING:
        return Side.RECEIVING if receiving else None
    if side is Side.EITHER:
        if referring:
            return Side.REFERRING
        return Side.RECEIVING if receiving else None
    return None


def moves_for(user: Any, referral: Referral) -> list[str]:
    return [
        name
        for name in allowed_moves(referral)
        if name in STAFF_MOVES and acting_side(user, referral, name) is not None
    ]


def make_move(
    user: Any,
    referral: Referral,
    move_name: str,
    *,
    version: int | None,
    reason: str = "",
    outcome: str = "",
) -> Referral:
    """Raises PermissionDenied when the user may not act for the move's side, and the state
    machine's TransitionError/Conflict otherwise."""
    side = acting_side(user, referral, move_name)
    if side is None:
        raise PermissionDenied
    return transition(
        referral.pk,
        move_name,
        actor=user,
        acting_side=side,
        expected_version=version,
        reason=reason,
        outcome=outcome if move_name == "close" else "",
    )


def referring_organizations(user: Any) -> list[Organization]:
    ids = permissions.referring_organization_ids(user)
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def referable_services() -> QuerySet:
    return Service.objects.published().select_related("organization")


def terms_for(service: Service) -> QuerySet:
    """The service's own needs when it lists some, otherwise the whole vocabulary."""
    from services.models import Attribute

    linked = Attribute.objects.filter(link_entity="service", link_id=service.pk).values(
        "taxonomy_term_id"
    )
    own = TaxonomyTerm.objects.filter(pk__in=linked)
    return (own if own.exists() else TaxonomyTerm.objects.all()).order_by("code", "name")


def needs_from_code(terms: QuerySet, code: str) -> list[Any]:
    """The ids among `terms` that are the need `code` or narrower ones (up to two levels down),
    to tick on a referral opened from a search for that need."""
    if not code or len(code) > 100:
        return []
    return list(
        terms.filter(
            models.Q(code=code) | models.Q(parent__code=code) | models.Q(parent__parent__code=code)
        ).values_list("pk", flat=True)
    )


@sensitive_variables("data", "handoff")
def submit_referral(
    *,
    user: Any,
    organization: Organization,
    service: Service,
    data: dict[str, Any],
) -> Referral:
    """Makes the referral from submitted fields (page or API). Contact fields go into the
    HandoffInput only; make_referral refuses them when consent does not cover contact."""
    shares_contact = bool(data.get("shares_contact"))
    handoff = HandoffInput(
        name=data.get("contact_name", "") or "",
        phone=data.get("contact_phone", "") or "",
        safe_times=data.get("safe_times", "") or "",
        note=data.get("note", "") or "",
    )
    key = data.get("idempotency_key")
    return make_referral(
        actor=user,
        organization=organization,
        details=ReferralInput(
            service=service,
            client_language=data["client_language"],
            urgency=data.get("urgency") or "routine",
            needs=tuple(data.get("needs") or ()),
            interpreter_needed=bool(data.get("interpreter_needed")),
            age_band=data.get("age_band", "") or "",
            gender=data.get("gender", "") or "",
            children=data.get("children"),
            children_ages=tuple(data.get("children_ages") or ()),
            idempotency_key=key if isinstance(key, uuid.UUID) or key is None else uuid.UUID(key),
        ),
        consent=ConsentInput(
            method=data["consent_method"],
            explained_language=data.get("script_language") or data["client_language"],
            shares_needs=bool(data.get("shares_needs", True)),
            shares_contact=shares_contact,
            contact_channel=(data.get("contact_channel") or "") if shares_contact else "",
        ),
        handoff=handoff if handoff.as_dict() else None,
    )


def may_renew_consent(referral: Referral) -> bool:
    """Open referrals whose consent is not revoked (a revocation closes the referral)."""
    return referral.status not in TERMINAL


@sensitive_variables("data", "handoff")
def renew_consent(*, user: Any, referral: Referral, data: dict[str, Any]) -> Referral:
    if not permissions.may_act_for_referring_side(user, referral):
        raise PermissionDenied
    shares_contact = bool(data.get("shares_contact"))
    handoff = HandoffInput(
        name=data.get("contact_name", "") or "",
        phone=data.get("contact_phone", "") or "",
        safe_times=data.get("safe_times", "") or "",
        note=data.get("note", "") or "",
    )
    return _renew_consent(
        actor=user,
        referral_id=referral.pk,
        consent=ConsentInput(
            method=data["consent_method"],
            explained_language=data.get("script_language") or referral.client_language,
            shares_needs=bool(data.get("shares_needs")),
            shares_contact=shares_contact,
            contact_channel=(data.get("contact_channel") or "") if shares_contact else "",
        ),
        handoff=handoff if handoff.as_dict() else None,
    )


def referrer_name(referral: Referral) -> str:
    """The referring member's name as they gave it to their organisation (never the client's)."""
    user = referral.referring_user
    if user is None:
        return ""
    return user.get_full_name() or user.username


def referrer_work_phone(referral: Referral) -> str:
    """The referring member's work phone in the referring organisation, while they are still
    an active member of it. For the receiving side of the referral only (referrals.views)."""
    from accounts.models import Membership

    if referral.referring_user_id is None:
        return ""
    phone = (
        Membership.objects.filter(
            user_id=referral.referring_user_id,
            organization_id=referral.referring_organization_id,
            is_active=True,
        )
        .values_list("work_phone", flat=True)
        .first()
    )
    return phone or ""


def organization_phone(organization_id: Any) -> str:
    """The organisation's own public number, intake lines first."""
    from services.models import Phone

    phone = (
        Phone.objects.filter(organization_id=organization_id)
        .order_by("-is_intake", "number")
        .first()
    )
    return phone.number if phone is not None else ""


def public_phone(service: Service) -> str:
    """The service's (or its organisation's) public number for the slip; never a location's,
    which may be a confidential shelter's."""
    from services.models import Phone

    for phones in (
        Phone.objects.filter(service=service),
        Phone.objects.filter(organization_id=service.organization_id),
    ):
        phone = phones.order_by("-is_intake", "number").first()
        if phone is not None:
            return phone.number
    return ""


def national_hotline(service: Service) -> str:
    """The number of a national hotline of the service's country, for the slip: a way to ask
    for help that does not depend on this referral."""
    from services.models import Phone, Region

    countries = Region.objects.filter(
        level=Region.Level.COUNTRY,
        country_code__in=Region.objects.filter(
            models.Q(locations__service_at_locations__service=service)
            | models.Q(locations__organization_id=service.organization_id)
        ).values("country_code"),
    )
    phone = (
        Phone.objects.filter(
            service__service_areas__region__in=countries,
            service__status=Service.Status.ACTIVE,
            service__organization__is_verified_partner=True,
        )
        .exclude(service__organization_id=service.organization_id)
        .order_by("number")
        .first()
    )
    return phone.number if phone is not None else ""
