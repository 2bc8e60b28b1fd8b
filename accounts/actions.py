"""Changes to memberships and invitations. Each one checks its rule (accounts.permissions), makes
the change and writes the audit event in one transaction; e-mails leave after the commit.

A sensitive role (intake, which opens clients' contact details) given by any path here waits
for a second person's confirmation (`confirm_role`): another admin of the organisation or an
operator, never the person who granted it nor the member themself. The organisation's admins
are told of the grant and of the confirmation. A role change, a deactivation and a sensitive
grant revoke the member's API tokens.
"""

import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

import audit
from accounts import permissions, tokens
from accounts.models import ApiToken, Invitation, Membership, Role, hash_token

log = logging.getLogger(__name__)
User = get_user_model()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _active_admins(organization_id: Any) -> Any:
    return Membership.objects.filter(
        organization_id=organization_id, role=Role.ORG_ADMIN, is_active=True
    )


def _keeps_an_admin(membership: Membership, new_role: str | None) -> None:
    """An organisation never loses its last admin by someone's click: it would be locked out of
    its own staff and listings until an operator stepped in."""
    if membership.role != Role.ORG_ADMIN or new_role == Role.ORG_ADMIN or not membership.is_active:
        return
    if not _active_admins(membership.organization_id).exclude(pk=membership.pk).exists():
        raise ValidationError(_("An organisation needs at least one active admin."))


@transaction.atomic
def invite_member(
    *, actor: Any, organization: Any, email: str, role: str, request: Any = None
) -> Invitation:
    """Creates an invitation and e-mails its link. The answer is the same whether or not the
    address already has an account."""
    if not permissions.may_invite(actor, organization, role):
        raise PermissionDenied
    email = normalize_email(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(hours=settings.INVITATION_VALID_HOURS),
    )
    audit.record(
        actor=actor,
        organization=organization,
        action="accounts.invitation_created",
        obj=invitation,
        request=request,
        details={"role": role},
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _send_invitation(invitation, token, language))
    return invitation


def invitation_url(token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("accounts:invitation_link")
    return f"{settings.SITE_URL}{path}?{urlencode({'t': token})}"


def _send_invitation(invitation: Invitation, token: str, language: str) -> None:
    with translation.override(language):
        context = {
            "organization": invitation.organization,
            "url": invitation_url(token, language),
            "hours": settings.INVITATION_VALID_HOURS,
            "role": invitation.get_role_display(),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:  # the invitation stays; an admin can revoke it and invite again
        log.exception("invitation %s: the e-mail could not be sent", invitation.pk)


@transaction.atomic
def revoke_invitation(*, actor: Any, invitation: Invitation, request: Any = None) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not permissions.may_revoke_invitation(actor, invitation):
        raise PermissionDenied
    if not invitation.is_pending:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        organization=invitation.organization_id,
        action="accounts.invitation_revoked",
        obj=invitation,
        request=request,
    )


class InvitationUnusable(Exception):
    """Expired, revoked, already used, or meant for another address."""


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: Any, request: Any = None) -> Membership:
    """Makes `user` a member with the invitation's role. Single use: the row is locked, so two
    tabs accepting at once give one membership and one refusal."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationUnusable
    if normalize_email(user.email) != invitation.email:
        raise InvitationUnusable
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        organization_id=invitation.organization_id,
        defaults={"role": invitation.role},
    )
    previous = membership.role
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.deactivated_at = None
        membership.save(update_fields=["role", "is_active", "deactivated_at"])
        if previous != invitation.role:
            tokens.revoke_all(user_id=user.pk, because=ApiToken.RevokedBecause.ROLE)
    hold_sensitive_grant(membership, granted_by=invitation.invited_by_id, request=request)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        actor=user,
        organization=invitation.organization_id,
        action="accounts.invitation_accepted",
        obj=invitation,
        request=request,
    )
    audit.record(
        actor=user,
        organization=invitation.organization_id,
        action="accounts.member_added" if created else "accounts.role_changed",
        obj=membership,
        request=request,
        details={"role": invitation.role} if created else {"from": previous, "to": invitation.role},
    )
    permissions.forget(user)
    return membership


SENSITIVE_ROLES = frozenset({Role.INTAKE})


def hold_sensitive_grant(membership: Membership, *, granted_by: Any, request: Any) -> None:
    """A sensitive role just given waits for a second person; the admins are told."""
    if membership.role not in SENSITIVE_ROLES:
        if not membership.role_confirmed:
            membership.role_confirmed = True
            membership.save(update_fields=["role_confirmed"])
        return
    membership.role_confirmed = False
    membership.role_granted_by_id = getattr(granted_by, "pk", granted_by)
    membership.role_confirmed_by = None
    membership.role_confirmed_at = None
    membership.save(
        update_fields=[
            "role_confirmed",
            "role_granted_by",
            "role_confirmed_by",
            "role_confirmed_at",
        ]
    )
    audit.record(
        actor=granted_by,
        organization=membership.organization_id,
        action="accounts.role_grant_pending",
        obj=membership,
        request=request,
        details={"role": membership.role},
    )
    _tell_admins(membership, confirmed=False)


def _tell_admins(membership: Membership, *, confirmed: bool) -> None:
    """An e-mail to the organisation's admins: what happened and where to look, no names."""
    organization_id = membership.organization_id
    language = translation.get_language() or settings.LANGUAGE_CODE

    def send() -> None:
        emails = sorted(
            set(
                _active_admins(organization_id)
                .filter(user__is_active=True, role_confirmed=True)
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if not emails:
            return
        with translation.override(language):
            subject = (
                _("A sensitive role was confirmed in your organisation")
                if confirmed
                else _("A sensitive role waits for a second confirmation")
            )
            link = settings.SITE_URL + reverse(
                "accounts:members", kwargs={"organization_id": organization_id}
            )
            body = "\n\n".join(
                [
                    str(subject) + ".",
                    str(
                        _(
                            "The intake role opens clients' contact details, so a second admin "
                            "or an operator confirms it. Sign in to see it: %(link)s"
                        )
                    )
                    % {"link": link},
                    str(_("If you did not expect this, tell an operator.")),
                ]
            )
        try:
            EmailMessage(subject=str(subject), body=body, to=[], bcc=emails).send()
        except Exception:  # the grant stands; the members page shows it to every admin
            log.exception("role grant %s: the admins could not be told", membership.pk)

    transaction.on_commit(send)


@transaction.atomic
def confirm_role(*, actor: Any, membership: Membership, request: Any = None) -> None:
    """The second person confirms a sensitive grant: another admin or an operator."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.may_confirm_role(actor, membership):
        raise PermissionDenied
    if membership.role_confirmed:
        return
    membership.role_confirmed = True
    membership.role_confirmed_by = actor
    membership.role_confirmed_at = timezone.now()
    membership.save(update_fields=["role_confirmed", "role_confirmed_by", "role_confirmed_at"])
    audit.record(
        actor=actor,
        organization=membership.organization_id,
        action="accounts.role_confirmed",
        obj=membership,
        request=request,
        details={"role": membership.role, "granted_by": membership.role_granted_by_id},
    )
    _tell_admins(membership, confirmed=True)
    permissions.forget(actor)


@transaction.atomic
def create_account_from_invitation(
    *, invitation: Invitation, first_name: str, last_name: str, password: str, request: Any = None
) -> Any:
    """A new staff account for the invitation's address, then the membership."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationUnusable
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with this address already exists: sign in to accept the invitation.")
        )
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(password)
    user.save()
    audit.record(
        actor=user,
        organization=invitation.organization_id,
        action="accounts.account_created",
        obj=user,
        request=request,
    )
    accept_invitation(invitation=invitation, user=user, request=request)
    return user


@transaction.atomic
def change_role(*, actor: Any, membership: Membership, role: str, request: Any = None) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.may_change_role(actor, membership, role):
        raise PermissionDenied
    if membership.role == role:
        return
    _keeps_an_admin(membership, role)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        actor=actor,
        organization=membership.organization_id,
        action="accounts.role_changed",
        obj=membership,
        request=request,
        details={"from": previous, "to": role},
    )
    tokens.revoke_all(user_id=membership.user_id, because=ApiToken.RevokedBecause.ROLE, actor=actor)
    hold_sensitive_grant(membership, granted_by=actor, request=request)
    permissions.forget(actor)


@transaction.atomic
def deactivate_member(*, actor: Any, membership: Membership, request: Any = None) -> None:
    """The member loses the organisation's records at their next request; the account itself
    (perhaps a member elsewhere) stays."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.may_deactivate_member(actor, membership):
        raise PermissionDenied
    if not membership.is_active:
        return
    _keeps_an_admin(membership, None)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit.record(
        actor=actor,
        organization=membership.organization_id,
        action="accounts.member_deactivated",
        obj=membership,
        request=request,
    )
    tokens.revoke_all(
        user_id=membership.user_id, because=ApiToken.RevokedBecause.MEMBERSHIP, actor=actor
    )
    permissions.forget(actor)


@transaction.atomic
def set_work_phone(
    *, actor: Any, membership: Membership, work_phone: str, request: Any = None
) -> None:
    """The number a receiving organisation may call the member on; `work_phone` comes checked
    from WorkPhoneForm. Audited by id: the number is not written into the log."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.may_edit_work_phone(actor, membership):
        raise PermissionDenied
    if membership.work_phone == work_phone:
        return
    membership.work_phone = work_phone
    membership.save(update_fields=["work_phone"])
    audit.record(
        actor=actor,
        organization=membership.organization_id,
        action="accounts.work_phone_changed",
        obj=membership,
        request=request,
        details={"cleared": not work_phone},
    )


@transaction.atomic
def reactivate_member(*, actor: Any, membership: Membership, request: Any = None) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.may_reactivate_member(actor, membership):
        raise PermissionDenied
    if membership.is_active:
        return
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit.record(
        actor=actor,
        organization=membership.organization_id,
        action="accounts.member_reactivated",
        obj=membership,
        request=request,
    )
    hold_sensitive_grant(membership, granted_by=actor, request=request)
