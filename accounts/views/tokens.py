"""The staff page where a member makes and revokes their own staff API tokens. A new token is
shown once, in the answer to the POST that made it (never in a URL, a message or the session)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from accounts import permissions, tokens
from accounts.forms import ApiTokenForm
from accounts.models import ApiToken


def _may_hold_tokens(request: HttpRequest) -> None:
    # The middleware already demands the second factor for every staff page; asked again here
    # because a token outlives the session that made it.
    if not (permissions.may_use_staff_area(request.user) and tokens.session_is_two_factor(request)):
        raise Http404


def _page(request: HttpRequest, form: ApiTokenForm, issued: Any = None, status: int = 200) -> Any:
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at")[:100],
        "issued": issued,
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@sensitive_variables("issued")
@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    _may_hold_tokens(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, form, status=400)
        scopes = form.cleaned_data.get("scopes") or []
        if not all(tokens.may_mint(request.user, scope) for scope in scopes):
            form.add_error(
                "scopes", gettext("Only intake staff may make a token that opens contact details.")
            )
            return _page(request, form, status=400)
        issued = tokens.issue_token(
            actor=request.user, name=form.cleaned_data["name"], request=request, scopes=scopes
        )
        return _page(request, ApiTokenForm(), issued=issued)
    return _page(request, form)


@require_POST
@login_required
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    _may_hold_tokens(request)
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise Http404
    # The box is required in the page; checked again here so the rule holds without a browser
    # that enforces it.
    if not request.POST.get("confirm"):
        messages.error(request, gettext("Tick the box to confirm: this step cannot be undone."))
        return redirect("accounts:api_tokens")
    tokens.revoke_token(actor=request.user, token=token, request=request)
    messages.success(request, gettext("Token revoked."))
    return redirect("accounts:api_tokens")
