"""Signing in (password, then a second factor), enrolling a second factor, signing out, and
passwords."""

import base64
import logging
import re
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from kombu.exceptions import OperationalError as KombuOperationalError

import audit
from accounts import backup_codes as codes_lib
from accounts import permissions
from accounts.forms import CodeForm, EnrolForm, SignInForm
from accounts.models import BackupCode, BackupCodeDevice, Role
from accounts.tasks import send_password_reset

log = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
_TOTP_CODE = re.compile(r"^\d{6}$")
_UIDB64 = re.compile(r"^[0-9A-Za-z_\-]{1,64}$")


def _home_after_sign_in(request: HttpRequest, next_url: str) -> str:
    """Hotline staff start on the desk (the search a call needs), unless a page sent them to
    sign in; everyone else on the dashboard. Asked once the second factor is verified, when the
    member's roles count."""
    if next_url != reverse(settings.LOGIN_REDIRECT_URL):
        return next_url
    permissions.forget(request.user)  # read before the second factor counted
    roles = set(permissions.roles(request.user).values())
    if roles and roles <= {Role.HOTLINE}:
        try:
            return reverse("desk:find")
        except NoReverseMatch:  # the desk not installed
            return next_url
    return next_url


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SignInView(auth_views.LoginView):
    """Step one: the password. The session is then signed in but unverified, and
    StaffAccessMiddleware lets it reach nothing but the second-factor pages."""

    template_name = "accounts/login.html"
    form_class = SignInForm

    def form_valid(self, form: SignInForm) -> HttpResponse:
        super().form_valid(form)
        user = self.request.user
        step = "accounts:two_factor" if user_has_device(user) else "accounts:two_factor_setup"
        return redirect(_with_next(reverse(step), self.get_redirect_url()))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the session and asks the browser to drop everything it kept for this site.

    The staff pages' quick exit posts here with `leave`: the member is signed out and sent to the
    neutral page. A POST with the CSRF token, so no other site can sign anyone out."""
    logout(request)
    if request.POST.get("leave"):
        # A page that only moves on to the neutral site (the CSP's form-action would block a
        # redirect there). Storage is kept: it holds the tab's "left through the quick exit"
        # flag, which makes Back leave again instead of showing one of our pages.
        response = render(request, "accounts/left.html")
        response["Clear-Site-Data"] = '"cache", "cookies"'
        return response
    response = render(request, "accounts/signed_out.html")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def _verify(user: Any, code: str) -> tuple[Any, bool]:
    """The device that accepts `code` and whether any device refused to try (throttled).

    Six digits go to the authenticator app, anything else to the backup codes, so that one
    mistyped code does not count as a failure against both.
    """
    wanted = TOTPDevice if _TOTP_CODE.match(code) else BackupCodeDevice
    throttled = False
    with transaction.atomic():
        tried = []
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not isinstance(device, wanted):
                continue
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                # The member's other authenticators were asked first and each counted the
                # code as a failure: with two phones, every sign-in with one throttled the
                # other, until neither was let through. A right code proves the member; their
                # devices start afresh.
                for other in tried:
                    other.throttle_reset()
                return device, False
            tried.append(device)
    return None, throttled


@never_cache
@sensitive_post_parameters("code")
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app or a backup code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not user_has_device(user):
        return redirect(_with_next(reverse("accounts:two_factor_setup"), next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = _verify(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            # A new session id for the fully signed-in session (the old one was only half).
            request.session.cycle_key()
            factor = "backup_code" if isinstance(device, BackupCodeDevice) else "totp"
            audit.record(
                actor=user, action="accounts.signed_in", request=request, details={"factor": factor}
            )
            if isinstance(device, BackupCodeDevice):
                left = device.codes.count()
                messages.warning(
                    request,
                    gettext(
                        "You used a backup code; %(count)d are left. Make new ones from your "
                        "account page if you are running out."
                    )
                    % {"count": left},
                )
            return redirect(_home_after_sign_in(request, next_url))
        audit.record(actor=user, action="accounts.second_factor_failed", request=request)
        form.add_error(
            None,
            gettext("Too many wrong codes. Wait a moment and try again.")
            if throttled
            else gettext("That code is not valid."),
        )
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def _new_backup_codes(user: Any) -> list[str]:
    """New codes replace all the old ones; only their keyed hashes are stored, so the list
    returned here is the only time anyone sees them."""
    with transaction.atomic():
        BackupCodeDevice.objects.filter(user=user).delete()
        # Plain codes of django-otp's own device (from before they were hashed) die too.
        StaticDevice.objects.filter(user=user).delete()
        device = BackupCodeDevice.objects.create(
            user=user, name=gettext("Backup codes"), confirmed=True
        )
        codes = [codes_lib.new_code() for _ in range(BACKUP_CODE_COUNT)]
        BackupCode.objects.bulk_create(
            BackupCode(device=device, code_hash=codes_lib.hash_code(code)) for code in codes
        )
    return codes


@never_cache
@sensitive_post_parameters("code")
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (or replace one, once verified), then show backup codes once."""
    user = request.user
    next_url = _next_url(request)
    if user_has_device(user) and not user.is_verified():
        # Someone holding only the password must not add their own authenticator.
        return redirect(_with_next(reverse("accounts:two_factor"), next_url))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=gettext("Authenticator app"), confirmed=False
        )
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_backup_codes(user)
                audit.record(actor=user, action="accounts.two_factor_enrolled", request=request)
            otp_login(request, device)
            request.session.cycle_key()
            audit.record(
                actor=user, action="accounts.signed_in", request=request, details={"factor": "totp"}
            )
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", gettext("That code is not valid. Check the time on your phone."))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        # The QR code is drawn here, as inline SVG: the secret never goes to another server.
        # mark_safe (B308, B703): our own SVG, drawn by qrcode from the TOTP URL; no user input.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308  # nosec B308 B703
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left; a POST with the box ticked replaces them all (the old ones,
    perhaps written down somewhere, stop working) and shows the new ones once."""
    if request.method == "POST":
        if not request.POST.get("confirm"):
            messages.error(request, gettext("Tick the box to confirm: this step cannot be undone."))
            return redirect("accounts:backup_codes")
        codes = _new_backup_codes(request.user)
        audit.record(actor=request.user, action="accounts.backup_codes_created", request=request)
        return render(request, "accounts/backup_codes.html", {"codes": codes, "next": ""})
    left = BackupCode.objects.filter(device__user=request.user).count()
    return render(request, "accounts/backup_codes_status.html", {"left": left})


@method_decorator(
    sensitive_post_parameters("old_password", "new_password1", "new_password2"), "dispatch"
)
class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password ends every session of the account, this one included: whoever else was
    signed in with the old one is out, and so is this browser until it signs in again."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.save()
        audit.record(actor=user, action="accounts.password_changed", request=self.request)
        logout(self.request)
        messages.success(self.request, gettext("Your password was changed. Sign in again."))
        return redirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer, in the same time, whether or not the address has an account: the
    request only looks the address up and queues the ids (an empty list too); a worker sends."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        user_ids = [user.pk for user in form.get_users(form.cleaned_data["email"])]
        try:
            send_password_reset.delay(user_ids, translation.get_language())
        except KombuOperationalError:
            # The visitor is told what everyone is told; asking again once the queue is back
            # sends the link. The address is not logged.
            log.warning("password reset: the task queue is unreachable, no e-mail was queued")
        return redirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


def password_reset_link(request: HttpRequest) -> HttpResponse:
    """The e-mailed link carries its token in the query string, which no log keeps; the token
    moves into the session and the browser goes on to Django's form without it."""
    uidb64, token = request.GET.get("u", ""), request.GET.get("t", "")
    if not _UIDB64.match(uidb64) or not token:
        return HttpResponseBadRequest()
    request.session[INTERNAL_RESET_SESSION_TOKEN] = token
    return redirect(
        "accounts:password_reset_confirm",
        uidb64=uidb64,
        token=PasswordResetConfirmView.reset_url_token,
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(actor=form.user, action="accounts.password_reset", request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
