"""Log scrubbing: public search terms travel in query strings and visitors' addresses in request
lines; neither may be kept (docs/security.md)."""

import logging
import re

_QUERY_STRING = re.compile(r"(/[^\s\"?]*)\?[^\s\"]*")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def scrub(text: str) -> str:
    return _IPV4.sub("-", _QUERY_STRING.sub(r"\1", text))


class ScrubRequestDetails(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record still gets logged, scrubbed of its raw args
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = ()
        return True
