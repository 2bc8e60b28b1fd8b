from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


@shared_task
def purge_expired_sessions() -> int:
    """Expired staff sessions are deleted rather than left to accumulate."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


PASSWORD_RESET_SUBJECT = "accounts/email/password_reset_subject.txt"  # noqa: S105 — a template name
PASSWORD_RESET_BODY = "accounts/email/password_reset.txt"  # noqa: S105 — a template name


@shared_task
def send_password_reset(user_ids: list[int], language: str) -> int:
    """The reset e-mails of a request, sent by a worker: an answer that waited for the mail
    server only when the address had an account would tell anyone timing it which addresses do.
    The task carries user ids, never an address; each link is made here, when it is sent."""
    form = PasswordResetForm()
    users = get_user_model()._default_manager.filter(pk__in=user_ids, is_active=True)
    sent = 0
    with translation.override(language):
        for user in users:
            if not user.has_usable_password() or not user.email:
                continue
            context = {
                "email": user.email,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "user": user,
                "token": default_token_generator.make_token(user),
                "site_url": settings.SITE_URL,
            }
            form.send_mail(PASSWORD_RESET_SUBJECT, PASSWORD_RESET_BODY, context, None, user.email)
            sent += 1
    return sent
