"""Twilio's SMS and WhatsApp webhooks: a signed form POST in, TwiML out.

Invariants:
- Without TWILIO_AUTH_TOKEN the endpoints do not exist (404): an unsigned request is never read.
- Every request's X-Twilio-Signature is checked by the official `twilio` package's
  RequestValidator against the exact URL Twilio called. Behind our TLS proxy
  (BEHIND_TLS_PROXY) that is the public https URL, rebuilt from X-Forwarded-Proto and the host
  the proxy forwarded (checked against ALLOWED_HOSTS); otherwise the URL as this server saw it.
  A wrong or missing signature is a 403 that reads nothing.
- CSRF does not apply (a gateway has no cookie to borrow): only these views are exempt, and
  the signature stands in for the token.
- Django's error reports never carry the form (sensitive_post_parameters), and the view never
  answers 500: conversation.respond() answers every message it is given.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.request import split_domain_port, validate_host
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from channels.conversation import respond
from channels.gateways import not_configured


def public_url(request: HttpRequest) -> str:
    """The URL Twilio signed: the proxy's public one when we stand behind our TLS proxy."""
    if not settings.SECURE_PROXY_SSL_HEADER:
        return request.build_absolute_uri()
    scheme = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip() or request.scheme
    host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
    domain, _port = split_domain_port(host)
    if not host or not validate_host(domain, settings.ALLOWED_HOSTS):
        host = request.get_host()
    return f"{scheme}://{host}{request.get_full_path()}"


def signed(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    algorithm = get_signature_algorithm(
        request.headers.get("X-Twilio-Webhooks-Signature-Settings", "")
    )
    return validator.validate(public_url(request), request.POST, signature, algorithm)


def _twiml(text: str) -> HttpResponse:
    reply = MessagingResponse()
    if text:
        reply.message(text)
    response = HttpResponse(str(reply), content_type="text/xml; charset=utf-8")
    add_never_cache_headers(response)
    return response


def _inbound(request: HttpRequest, channel: str) -> HttpResponse:
    if not settings.TWILIO_AUTH_TOKEN:
        return not_configured()
    if not signed(request):
        return HttpResponseForbidden(b"", content_type="text/plain")
    answer = respond(
        body=request.POST.get("Body", ""),
        sender=request.POST.get("From", ""),
        channel=channel,
        message_id=request.POST.get("MessageSid", "") or request.POST.get("SmsMessageSid", ""),
    )
    return _twiml(answer.text)


@csrf_exempt  # signed by Twilio instead (see the module's invariants)
@sensitive_post_parameters()
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    return _inbound(request, "sms")


@csrf_exempt  # signed by Twilio instead (see the module's invariants)
@sensitive_post_parameters()
@require_POST
def whatsapp(request: HttpRequest) -> HttpResponse:
    return _inbound(request, "whatsapp")
