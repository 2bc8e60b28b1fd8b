"""Following an invitation link: join with the account you have, or make one."""

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import actions, permissions
from accounts.forms import NewAccountForm
from accounts.models import Invitation

SESSION_KEY = "enlace_invitation_token"


def invitation_link(request: HttpRequest) -> HttpResponse:
    """The e-mailed link (?t=…): the token moves into the session, out of the address bar, the
    history and any log, and the browser goes on to the invitation page."""
    token = request.GET.get("t", "")
    if token:
        request.session[SESSION_KEY] = token[:100]
    return redirect("accounts:invitation")


def _unusable(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/invitation_unusable.html", status=404)


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation(request: HttpRequest) -> HttpResponse:
    token = request.session.get(SESSION_KEY, "")
    found = Invitation.objects.select_related("organization").by_token(token)
    if found is None:
        return _unusable(request)
    user = request.user
    if user.is_authenticated:
        # StaffAccessMiddleware has already made sure the second factor was entered.
        if actions.normalize_email(user.email) != found.email:
            return render(request, "accounts/invitation_other_account.html", {"invitation": found})
        if request.method == "POST":
            try:
                actions.accept_invitation(invitation=found, user=user, request=request)
            except actions.InvitationUnusable:
                return _unusable(request)
            request.session.pop(SESSION_KEY, None)
            permissions.forget(user)
            return redirect("accounts:dashboard")
        return render(request, "accounts/invitation_join.html", {"invitation": found})

    form = NewAccountForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = actions.create_account_from_invitation(
                invitation=found,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except actions.InvitationUnusable:
            return _unusable(request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("accounts:two_factor_setup")
    sign_in = f"{reverse('accounts:login')}?{urlencode({'next': reverse('accounts:invitation')})}"
    context = {"invitation": found, "form": form, "sign_in_url": sign_in}
    return render(request, "accounts/invitation_new_account.html", context)
