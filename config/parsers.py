"""JSON for the API that cannot be turned into a server error by its shape."""

from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class GuardedJSONParser(JSONParser):
    """DRF's parser, except that JSON nested deeper than Python's recursion limit (a few
    kilobytes of brackets) is a 400 like any other malformed body, not a RecursionError."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as deep:
            raise ParseError(gettext("The JSON is nested too deeply.")) from deep
