"""RapidPro/TextIt's "Call webhook" step: a JSON POST in, JSON out for the flow to send.

Invariants:
- Without RAPIDPRO_WEBHOOK_SECRET the endpoint does not exist (404). Every request carries the
  secret in the X-Enlace-Secret header, compared in constant time; a wrong one is a 403 that
  reads nothing.
- The body is RapidPro's default webhook payload (`input.text`, `contact.urn`, `input.uuid`)
  or a flow's own `{"text": …, "urn": …, "id": …}`; anything else is a 400 in plain words.
- The answer is `{"message": …, "language": …, "segments": …, "encoding": …}`; a message id
  seen before gets an empty message. The request body never reaches an error report or a log.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from channels.conversation import respond
from channels.gateways import not_configured

# RapidPro sends a few kilobytes (the run's path and results); anything far bigger is not it.
MAX_BODY_BYTES = 64 * 1024


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    add_never_cache_headers(response)
    return response


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@sensitive_variables()
def read_payload(raw: bytes) -> tuple[str, str, str] | None:
    """(text, urn, message id) from a RapidPro payload, or None when it is not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    given = data.get("input") if isinstance(data.get("input"), dict) else {}
    contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
    text = _text(given.get("text")) or _text(data.get("text"))
    urn = _text(contact.get("urn")) or _text(given.get("urn")) or _text(data.get("urn"))
    message_id = _text(given.get("uuid")) or _text(data.get("id"))
    if "text" not in given and "text" not in data:
        return None
    return text, urn, message_id


@csrf_exempt  # authenticated by the shared secret instead (see the module's invariants)
@sensitive_variables()
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.RAPIDPRO_WEBHOOK_SECRET
    if not secret:
        return not_configured()
    given = request.headers.get("X-Enlace-Secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _json({"detail": gettext("This request is not signed.")}, status=403)
    if len(request.body) > MAX_BODY_BYTES:
        return _json({"detail": gettext("This message is too long.")}, status=400)
    payload = read_payload(request.body)
    if payload is None:
        return _json(
            {"detail": gettext("Send the message as JSON with its text (input.text).")},
            status=400,
        )
    text, urn, message_id = payload
    answer = respond(body=text, sender=urn, channel="rapidpro", message_id=message_id)
    count = answer.count
    return _json(
        {
            "message": answer.text,
            "language": answer.language,
            "segments": count.segments,
            "encoding": count.encoding,
        }
    )
