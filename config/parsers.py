"""JSON for the API that cannot be turned into a server error by its shape or its characters.

PostgreSQL text cannot hold NUL (U+0000): a body carrying one anywhere, in a key or a value, is a
400 that names the field, before any view reads it.
"""

from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

NUL = "\x00"


def _field_with_nul(value: Any, path: str = "") -> str | None:
    """The dotted path of the first key or string holding NUL, or None."""
    if isinstance(value, str):
        return path or "body" if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here.replace(NUL, "\\u0000")
            found = _field_with_nul(item, here)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _field_with_nul(item, f"{path}[{index}]")
            if found:
                return found
    return None


class GuardedJSONParser(JSONParser):
    """DRF's parser, except that JSON nested deeper than Python's recursion limit (a few
    kilobytes of brackets) is a 400 like any other malformed body, not a RecursionError, and so
    is a NUL character anywhere in it."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
            field = _field_with_nul(data)
        except RecursionError as deep:
            raise ParseError(gettext("The JSON is nested too deeply.")) from deep
        if field:
            raise ParseError(
                gettext("The field %(field)s contains a character that is not allowed.")
                % {"field": field}
            )
        return data
