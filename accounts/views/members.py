"""The staff dashboard and an organisation's members and invitations. Every view fetches through
accounts.permissions: an organisation or member the user may not manage is a 404."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts import actions, permissions
from accounts.forms import InviteForm, RoleForm, WorkPhoneForm
from accounts.models import Role
from services.models import Organization


def _staff_only(request: HttpRequest) -> None:
    if not permissions.may_use_staff_area(request.user):
        raise Http404


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    memberships = list(
        user.memberships.filter(is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )
    rows = [
        {
            "membership": m,
            "manages_members": permissions.may_manage_members(user, m.organization_id),
            "reads_audit": permissions.may_read_audit(user, m.organization_id),
        }
        for m in memberships
    ]
    context = {
        "rows": rows,
        "is_operator": permissions.is_operator(user),
        "is_steward": permissions.is_steward(user),
        "reads_all_audit": permissions.may_read_all_audit(user),
        "uses_admin": permissions.may_use_admin(user),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def members_index(request: HttpRequest) -> HttpResponse:
    """The organisations whose members the user manages; straight to it when there is one."""
    _staff_only(request)
    organizations = list(
        permissions.organizations_managed_by(request.user, Organization.objects.all())[:200]
    )
    if not organizations:
        raise Http404
    if len(organizations) == 1:
        return redirect("accounts:members", organization_id=organizations[0].pk)
    return render(request, "accounts/members_index.html", {"organizations": organizations})


@login_required
def members(request: HttpRequest, organization_id: Any) -> HttpResponse:
    _staff_only(request)
    user = request.user
    organization = permissions.managed_organization_or_404(
        user, Organization.objects.all(), organization_id
    )
    roles = permissions.assignable_roles(user, organization)
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        email = actions.normalize_email(form.cleaned_data["email"])
        if organization.memberships.filter(user__email__iexact=email, is_active=True).exists():
            # The admin already sees this person in the list below: nothing is revealed.
            form.add_error("email", gettext("This person is already a member."))
        else:
            try:
                actions.invite_member(
                    actor=user,
                    organization=organization,
                    email=email,
                    role=form.cleaned_data["role"],
                    request=request,
                )
            except PermissionDenied:
                raise Http404 from None
            messages.success(
                request,
                gettext("Invitation sent to %(email)s. The link works for %(hours)d hours.")
                % {"email": email, "hours": settings.INVITATION_VALID_HOURS},
            )
            return redirect("accounts:members", organization_id=organization.pk)
    member_rows = organization.memberships.select_related("user").order_by(
        "-is_active", "user__last_name", "user__first_name", "user__username"
    )
    invitations = [
        invitation
        for invitation in organization.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("-created_at")[:100]
        if invitation.is_pending
    ]
    context = {
        "organization": organization,
        "memberships": member_rows,
        "invitations": invitations,
        "form": form,
        "can_invite": bool(roles),
        "assignable": roles,
        "reads_audit": permissions.may_read_audit(user, organization),
    }
    return render(request, "accounts/members.html", context)


@login_required
def member(request: HttpRequest, organization_id: Any, membership_id: int) -> HttpResponse:
    _staff_only(request)
    user = request.user
    membership = permissions.membership_or_404(user, organization_id, membership_id)
    roles = permissions.assignable_roles(user, membership.organization_id)
    may_edit = membership.role in roles
    form = RoleForm(
        request.POST if request.POST.get("do") == "role" else None,
        roles=roles,
        initial={"role": membership.role},
    )
    may_confirm = permissions.may_confirm_role(user, membership)
    phone_form = WorkPhoneForm(
        request.POST if request.POST.get("do") == "work_phone" else None,
        initial={"membership": membership.pk, "work_phone": membership.work_phone},
    )
    if request.method == "POST" and request.POST.get("do") == "work_phone":
        if not permissions.may_edit_work_phone(user, membership):
            raise PermissionDenied
        if phone_form.is_valid() and phone_form.cleaned_data["membership"] == membership.pk:
            actions.set_work_phone(
                actor=user,
                membership=membership,
                work_phone=phone_form.cleaned_data["work_phone"],
                request=request,
            )
            messages.success(request, gettext("Work phone saved."))
            return redirect(
                "accounts:member",
                organization_id=membership.organization_id,
                membership_id=membership.pk,
            )
    if request.method == "POST" and request.POST.get("do") == "confirm":
        if not may_confirm:
            raise PermissionDenied
        actions.confirm_role(actor=user, membership=membership, request=request)
        messages.success(request, gettext("Role confirmed."))
        return redirect("accounts:members", organization_id=membership.organization_id)
    if request.method == "POST" and request.POST.get("do") != "work_phone":
        if not may_edit:
            raise PermissionDenied
        do = request.POST.get("do")
        try:
            if do == "role" and form.is_valid():
                actions.change_role(
                    actor=user,
                    membership=membership,
                    role=form.cleaned_data["role"],
                    request=request,
                )
                messages.success(request, gettext("Role changed."))
                return redirect("accounts:members", organization_id=membership.organization_id)
            if do == "deactivate":
                actions.deactivate_member(actor=user, membership=membership, request=request)
                messages.success(request, gettext("Member deactivated."))
                return redirect("accounts:members", organization_id=membership.organization_id)
            if do == "reactivate":
                actions.reactivate_member(actor=user, membership=membership, request=request)
                messages.success(request, gettext("Member reactivated."))
                return redirect("accounts:members", organization_id=membership.organization_id)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect(
                "accounts:member",
                organization_id=membership.organization_id,
                membership_id=membership.pk,
            )
    context = {
        "membership": membership,
        "organization": membership.organization,
        "form": form,
        "phone_form": phone_form,
        "may_edit": may_edit,
        "may_confirm": may_confirm,
        "is_steward_role": membership.role == Role.STEWARD,
    }
    return render(
        request, "accounts/member.html", context, status=400 if phone_form.errors else 200
    )


@require_POST
@login_required
def revoke_invitation(
    request: HttpRequest, organization_id: Any, invitation_id: int
) -> HttpResponse:
    _staff_only(request)
    invitation = permissions.invitation_or_404(request.user, organization_id, invitation_id)
    # The box is required in the page; checked again here so the rule holds without a browser
    # that enforces it.
    if not request.POST.get("confirm"):
        messages.error(request, gettext("Tick the box to confirm: this step cannot be undone."))
        return redirect("accounts:members", organization_id=invitation.organization_id)
    actions.revoke_invitation(actor=request.user, invitation=invitation, request=request)
    messages.success(request, gettext("Invitation withdrawn."))
    return redirect("accounts:members", organization_id=invitation.organization_id)
