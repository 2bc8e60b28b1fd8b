"""Every request gets our own random id: in its response, its log lines and its audit events."""

import logging
import uuid

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from audit.middleware import RequestIdMiddleware
from audit.models import AuditEvent
from audit.request_id import RequestIdFilter


def test_each_response_carries_a_fresh_request_id(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert uuid.UUID(first).version == 4 and first != second


def test_an_id_sent_by_the_client_is_ignored(client, db):
    sent = str(uuid.uuid4())
    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] != sent


def test_audit_events_carry_the_id_of_their_request(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    event = AuditEvent.objects.get(action="accounts.signin_failed")
    assert str(event.request_id) == response["X-Request-ID"]


def test_log_lines_of_a_request_carry_its_id():
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("enlace.test.request_id")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:

        def view(request):
            logger.info("inside the request")
            return HttpResponse("ok")

        response = RequestIdMiddleware(view)(RequestFactory().get("/"))
        logger.info("after it")
    finally:
        logger.removeHandler(handler)
    assert records[0].request_id == response["X-Request-ID"]
    assert records[1].request_id == "-"
