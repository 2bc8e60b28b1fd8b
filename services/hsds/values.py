"""Reading one HSDS value (from JSON or from a CSV cell) into what the database column holds.

Converters are built once per model field from its Django definition, so the rules an import
enforces are the model's own: lengths, choices, ranges, e-mail and URL syntax. Reasons never
repeat the offending value: an import report must not copy a confidential address elsewhere.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

Converter = Callable[[Any], Any]
MISSING = object()

_email = EmailValidator()
_url = URLValidator()
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


class ValueProblem(ValueError):
    """A value that cannot be stored; `reason` is translated and names no value."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# Parsed ids by their text: a document repeats its own id in each nested row ("service_id"),
# and thousands of services name the same organisation, location or term. Emptied when full.
_UUIDS: dict[str, uuid.UUID] = {}
_UUIDS_MAX = 100_000


def to_uuid(value: Any) -> uuid.UUID | None:
    if type(value) is str:
        known = _UUIDS.get(value)
        if known is not None:
            return known
    if is_empty(value):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        parsed = uuid.UUID(str(value).strip())
    except (ValueError, AttributeError, TypeError):
        raise ValueProblem(_("is not a valid UUID")) from None
    if type(value) is str:
        if len(_UUIDS) >= _UUIDS_MAX:
            _UUIDS.clear()
        _UUIDS[value] = parsed
    return parsed


_NUMBERS = (int, float, decimal.Decimal)


def to_text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # (a tuple made once: `int | float | Decimal` built a union type on every call)
    if isinstance(value, _NUMBERS):
        return str(value)
    if not isinstance(value, str):
        raise ValueProblem(_("must be text"))
    return value


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if is_empty(value):
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(_("must be true or false"))


def to_int(value: Any) -> int | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem(_("must be a whole number"))
    if isinstance(value, int):
        return value
    try:
        number = float(str(value).strip()) if not isinstance(value, float) else value
    except ValueError:
        raise ValueProblem(_("must be a whole number")) from None
    if number != number or number in (float("inf"), float("-inf")) or number != int(number):
        raise ValueProblem(_("must be a whole number"))
    return int(number)


def to_float(value: Any) -> float | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem(_("must be a number"))
    try:
        number = float(value) if isinstance(value, int | float) else float(str(value).strip())
    except ValueError:
        raise ValueProblem(_("must be a number")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueProblem(_("must be a number"))
    return number


def to_date(value: Any) -> dt.date | None:
    if is_empty(value):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
    except ValueError:
        raise ValueProblem(_("must be a date (YYYY-MM-DD)")) from None


def to_datetime(value: Any) -> dt.datetime | None:
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueProblem(_("must be a date and time (ISO 8601)")) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def to_time(value: Any) -> dt.time | None:
    if is_empty(value):
        return None
    try:
        moment = dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueProblem(_("must be a time of day (HH:MM or HH:MM:SS)")) from None
    return moment.replace(tzinfo=None)


def to_decimal(value: Any, *, max_digits: int, places: int) -> decimal.Decimal | None:
    if is_empty(value):
        return None
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise ValueProblem(_("must be a number")) from None
    if not number.is_finite():
        raise ValueProblem(_("must be a number"))
    number = number.quantize(decimal.Decimal(1).scaleb(-places))
    if len(number.as_tuple().digits) > max_digits:
        raise ValueProblem(_("is too large"))
    return number


def _text_converter(field: models.Field) -> Converter:
    max_length = getattr(field, "max_length", None)
    choices = {str(value) for value, _label in field.choices} if field.choices else None
    lower_choices = {c.lower(): c for c in choices} if choices else None
    is_email = isinstance(field, models.EmailField)
    is_url = isinstance(field, models.URLField)

    def convert(value: Any) -> str:
        text = to_text(value).strip() if is_email or is_url or choices else to_text(value)
        if text == "":
            return ""
        if lower_choices is not None and text not in choices:
            if text.lower() not in lower_choices:
                raise ValueProblem(
                    _("must be one of: %(choices)s") % {"choices": ", ".join(sorted(choices))}
                )
            text = lower_choices[text.lower()]
        if max_length and len(text) > max_length:
            raise ValueProblem(_("is longer than %(max)d characters") % {"max": max_length})
        if is_email:
            try:
                _email(text)
            except ValidationError:
                raise ValueProblem(_("is not a valid e-mail address")) from None
        if is_url:
            try:
                _url(text)
            except ValidationError:
                raise ValueProblem(_("is not a valid URL")) from None
        return text

    return convert


def _int_converter(field: models.Field) -> Converter:
    low, high = -(2**31), 2**31 - 1
    if isinstance(field, models.PositiveSmallIntegerField):
        low, high = 0, 32767
    elif isinstance(field, models.PositiveBigIntegerField):
        low, high = 0, 2**63 - 1
    elif isinstance(field, models.PositiveIntegerField):
        low = 0

    def convert(value: Any) -> int | None:
        number = to_int(value)
        if number is not None and not low <= number <= high:
            raise ValueProblem(
                _("must be between %(low)d and %(high)d") % {"low": low, "high": high}
            )
        return number

    return convert


def _array_converter(field: ArrayField) -> Converter:
    base = field.base_field
    choices = {str(value) for value, _label in base.choices} if base.choices else None

    def convert(value: Any) -> list[str]:
        if is_empty(value):
            return []
        if isinstance(value, str):
            items = [part.strip() for part in value.split(",") if part.strip()]
        elif isinstance(value, list):
            items = [to_text(item).strip() for item in value]
        else:
            raise ValueProblem(_("must be a list"))
        if choices is not None:
            for item in items:
                if item not in choices:
                    raise ValueProblem(
                        _("must contain only: %(choices)s")
                        % {"choices": ", ".join(sorted(choices))}
                    )
        return items

    return convert


def converter_for(field: models.Field) -> Converter:
    """The converter for one concrete model field; the result is what the column stores."""
    if isinstance(field, ArrayField):
        return _array_converter(field)
    if isinstance(field, models.UUIDField | models.ForeignKey):
        return to_uuid
    if isinstance(field, models.BooleanField):
        return to_bool
    if isinstance(field, models.DateTimeField):
        return to_datetime
    if isinstance(field, models.DateField):
        return to_date
    if isinstance(field, models.TimeField):
        return to_time
    if isinstance(field, models.DecimalField):
        return lambda value: to_decimal(
            value, max_digits=field.max_digits, places=field.decimal_places
        )
    if isinstance(field, models.FloatField):
        return to_float
    if isinstance(field, models.IntegerField):
        return _int_converter(field)
    if isinstance(field, models.CharField | models.TextField):
        return _text_converter(field)
    raise TypeError(f"no HSDS converter for {field!r}")


def parse_json_cell(value: Any) -> Any:
    """CSV cells hold objects (our `translations`, `area`) as JSON text."""
    if isinstance(value, dict | list):
        return value
    if is_empty(value):
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        raise ValueProblem(_("must be JSON")) from None


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…) sends the
# reader's data elsewhere); a tab or carriage return hides the start of one.
_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralise_formula(text: str) -> str:
    """A cell text no spreadsheet runs as a formula: one apostrophe before a dangerous start.

    Apostrophes already in front of a dangerous start get one more, so that `restore_formula`
    gives back exactly the text exported, whatever it was. Plain numbers ("-34.6") stay numbers.
    """
    if _FORMULA_START.match(text) and not _is_number(text):
        return "'" + text
    return text


def restore_formula(text: str) -> str:
    """The inverse of `neutralise_formula`, for cells read back from our CSV."""
    if _NEUTRALISED.match(text):
        return text[1:]
    return text


def csv_cell(value: Any) -> str:
    """One value as our CSV export writes it, never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise_formula(",".join(str(item) for item in value))
    if isinstance(value, dict):
        return neutralise_formula(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return neutralise_formula(str(value))
