"""One random id per request, carried by its log lines, its audit events and its response.

The id is always ours (uuid4): a client-supplied X-Request-ID is ignored, so that nothing a client
sends ends up in the audit log.
"""

import logging
import uuid
from contextvars import ContextVar

_current: ContextVar[uuid.UUID | None] = ContextVar("enlace_request_id", default=None)


def current_request_id() -> uuid.UUID | None:
    return _current.get()


def start() -> tuple[uuid.UUID, object]:
    request_id = uuid.uuid4()
    return request_id, _current.set(request_id)


def end(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute ("-" outside a request) for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _current.get()
        record.request_id = str(request_id) if request_id else "-"
        return True
