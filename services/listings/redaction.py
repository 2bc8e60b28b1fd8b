"""Removing a value from every stored version of a listing (django-simple-history rows).

A member who pasted a shelter's street address into a description and removed it has not
removed it from the history, which keeps every version. `redact` replaces the text in the
listing and in all its versions with a marker, refreshes the search columns, and audits the act
with the field and a reason code (never the text). Only a steward, an operator, or an admin of
the listing's organisation may redact; the act is one transaction.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _

import audit
from accounts import permissions
from services.models import Service

MARKER = "[…]"
MIN_LENGTH = 3
REASONS = {
    "personal_data": _("Personal data of someone"),
    "confidential_place": _("Where a confidential place is"),
    "mistake": _("Pasted by mistake"),
    "other": _("Another reason"),
}


def redactable_fields() -> list[str]:
    """Text columns of a listing (each language's own) that history keeps."""
    from django.db.models import CharField, TextField

    history = Service.history.model
    kept = {f.attname for f in history._meta.concrete_fields}
    return [
        field.attname
        for field in Service._meta.concrete_fields
        if isinstance(field, CharField | TextField)
        and not field.choices
        and field.attname in kept
        and not field.primary_key
    ]


def redactable_field_choices() -> list[tuple[str, str]]:
    """The redactable columns as a member reads them: the field's name in the interface's
    language, and for each language's own copy the language named in words ("requisitos
    (English)"), not the column's code ("eligibility_description_en")."""
    from django.conf import settings
    from django.utils.text import capfirst
    from django.utils.translation import get_language_info

    choices = []
    for name in redactable_fields():
        field = Service._meta.get_field(name)
        label = capfirst(str(getattr(field, "translated_field", field).verbose_name))
        code = getattr(field, "language", None)
        if code in settings.MODELTRANSLATION_LANGUAGES:
            label = f"{label} ({get_language_info(code)['name_translated']})"
        choices.append((name, label))
    return choices


@transaction.atomic
def redact(*, actor: Any, service: Service, field: str, text: str, reason: str) -> int:
    """Replace `text` in `field` of the listing and of every stored version; return how many
    versions held it."""
    if not permissions.may_redact_history(actor, service):
        raise PermissionDenied
    if field not in redactable_fields():
        raise ValidationError(_("This field cannot be redacted."))
    if reason not in REASONS:
        raise ValidationError(_("Choose a reason."))
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise ValidationError(
            _("Give the exact text to remove, at least %(count)s characters.")
            % {"count": MIN_LENGTH}
        )
    replace = {field: Replace(F(field), Value(text), Value(MARKER))}
    versions = Service.history.filter(id=service.pk, **{f"{field}__contains": text})
    count = versions.update(**replace)
    # An update, not a save: a save would store one more version.
    current = Service.objects.filter(pk=service.pk, **{f"{field}__contains": text}).update(
        **replace
    )
    # A suggested edit may carry the same text: it is a stored version too.
    suggested = service.suggestions.filter(proposed_value__contains=text).update(
        proposed_value=Replace(F("proposed_value"), Value(text), Value(MARKER))
    )
    if not count and not current and not suggested:
        raise ValidationError(_("No version of this listing holds that text in that field."))
    audit.record(
        actor=actor,
        action="services.value_redacted",
        organization=service.organization_id,
        obj=service,
        details={
            "field": field,
            "versions": count,
            "current": bool(current),
            "suggestions": suggested,
            "reason": reason,
        },
    )
    transaction.on_commit(lambda: _refresh(service.pk))
    return count


def _refresh(service_id: Any) -> None:
    from services.search.index import refresh_services

    refresh_services([service_id])
