"""What an organisation is told about a referral: that something happened and where to sign in.

The message names the referral code and the service, never the client: not a name, not a need
beyond the service's own name, not a contact detail.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from referrals.models import Outbox


def subject_for(kind: str, code: str, service: str) -> str:
    texts = {
        Outbox.Kind.NEW_REFERRAL: _("New referral %(code)s for %(service)s"),
        Outbox.Kind.ACCEPTED: _("Referral %(code)s was accepted"),
        Outbox.Kind.DECLINED: _("Referral %(code)s was declined"),
        Outbox.Kind.CONNECTED: _("Referral %(code)s: the client was reached"),
        Outbox.Kind.CLOSED: _("Referral %(code)s was closed"),
        Outbox.Kind.WITHDRAWN: _("Referral %(code)s was withdrawn"),
        Outbox.Kind.REVOKED: _("Referral %(code)s: consent was revoked"),
        Outbox.Kind.EXPIRED: _("Referral %(code)s expired without an answer"),
        Outbox.Kind.CONSENT_EXPIRED: _(
            "Referral %(code)s: the client's consent expired; ask the client again"
        ),
        Outbox.Kind.CONSENT_RENEWED: _("Referral %(code)s: the client's consent was renewed"),
        Outbox.Kind.REMINDER: _("Referral %(code)s is waiting for your answer"),
    }
    return texts[kind] % {"code": code, "service": service}


def build_message(item: Outbox, recipients: list[str], language: str = "es") -> EmailMessage:
    referral = item.referral
    with translation.override(language):
        service_name = referral.service.localized("name", language)[0] or referral.service.name
        subject = subject_for(item.kind, referral.code, service_name)
        link = settings.SITE_URL + reverse("referrals:detail", kwargs={"pk": referral.pk})
        body = "\n\n".join(
            [
                subject + ".",
                _("Sign in to Enlace to read it: %(link)s") % {"link": link},
                _("This message never contains details about the person referred."),
            ]
        )
    message = EmailMessage(subject=subject, body=body, to=[], bcc=recipients)
    # A stable Message-ID lets mail systems drop a copy sent twice after a crash. Each language
    # is a different message; the default language's keeps the plain id.
    suffix = "" if language == settings.LANGUAGE_CODE else f"-{language}"
    message.extra_headers["Message-ID"] = f"<outbox-{item.id}{suffix}@enlace>"
    return message
