"""Keeping listings true: verifying, updating capacity, suggested edits and their
moderation, restoring an earlier version.

Each function checks the rule first, writes in one transaction, leaves the provenance on the
listing's history (simple_history's change reason and user) and an audit event with ids only.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

import audit
from accounts import permissions
from services.listings import row_edits
from services.models import (
    Address,
    Phone,
    Service,
    Suggestion,
    Verification,
    VerificationMethod,
)
from services.querysets import capacity_is_current, warn_since  # noqa: F401 — staff pages read it here
from services.search.index import refresh_services
from services.tasks import queue_document_rebuild
from services.validators import proposed_name

# Fields a suggestion may not touch: ids, timestamps, the derived search columns, and what has
# its own workflow (verification, capacity) or owner (the organisation, the programme).
NOT_SUGGESTABLE = {
    "id",
    "created_at",
    "last_modified",
    "organization",
    "program",
    "last_verified_at",
    "last_verified_by",
    "last_verified_method",
    "capacity_available",
    "capacity_updated_at",
}


@dataclass(frozen=True)
class Freshness:
    """What the public page says about a listing's age."""

    verified_at: dt.datetime | None
    method: Any  # translated label, or ""
    warn: bool  # past the warning age: "this may be out of date"


def listing_freshness(service: Service, now: dt.datetime | None = None) -> Freshness:
    method = ""
    if service.last_verified_at and service.last_verified_method:
        method = service.get_last_verified_method_display()
    return Freshness(
        verified_at=service.last_verified_at,
        method=method,
        warn=service.freshness_at < warn_since(now),
    )


def suggestable_fields() -> list[models.Field]:
    """Every field of a listing a staff member may propose a new value for."""
    return [
        f
        for f in Service._meta.concrete_fields
        if f.editable and not f.is_relation and f.name not in NOT_SUGGESTABLE
    ]


def _field(name: str) -> models.Field:
    for candidate in suggestable_fields():
        if candidate.name == name:
            return candidate
    raise ValidationError({"field_name": _("This field cannot be changed by a suggestion.")})


def parse_value(field_name: str, raw: str, service: Service) -> Any:
    """The typed value of a proposed text, or a translated ValidationError."""
    field = _field(field_name)
    raw = (raw or "").strip()
    if raw == "" and (field.null or field.blank):
        return None if field.null else ""
    if isinstance(field, models.BooleanField):
        lowered = raw.casefold()
        if lowered in {"1", "true", "yes", "sí", "si"}:
            return True
        if lowered in {"0", "false", "no"}:
            return False
        raise ValidationError({"proposed_value": _("Answer yes or no.")})
    if field.get_internal_type() == "ArrayField":
        raw_list: Any = [part.strip() for part in raw.split(",") if part.strip()]
        return field.clean(raw_list, service)
    try:
        value = field.clean(raw, service)
    except ValidationError as error:
        raise ValidationError({"proposed_value": error.messages}) from None
    # A name that could imitate another is refused now, not when a moderator applies it.
    return proposed_name(field, value)


def display_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _provenance(obj: Any, *, actor: Any, reason: str) -> None:
    """What simple_history writes on the next save: who and from what source."""
    obj._change_reason = reason
    if actor is not None and getattr(actor, "pk", None):
        obj._history_user = actor


# --- verification ---------------------------------------------------------------------------


@transaction.atomic
def verify_service(
    *, actor: Any, service: Service, method: str, now: dt.datetime | None = None
) -> Verification:
    """Records that someone checked the listing is still true."""
    if not permissions.may_verify_listing(actor, service):
        raise PermissionDenied
    if method not in VerificationMethod.values:
        raise ValidationError({"method": _("Choose how the listing was checked.")})
    now = now or timezone.now()
    service = Service.objects.select_for_update().get(pk=service.pk)
    verification = Verification.objects.create(
        service=service, verified_at=now, verified_by=actor, method=method
    )
    service.last_verified_at = now
    service.last_verified_by = actor
    service.last_verified_method = method
    _provenance(service, actor=actor, reason=f"verification: {method}")
    service.save(
        update_fields=[
            "last_verified_at",
            "last_verified_by",
            "last_verified_method",
            "last_modified",
        ]
    )
    # The search row follows the save (a trigger); the public documents, discarded by it, are
    # rebuilt by a task once this commits. Until then the listing is drawn from the models: as
    # right, and the commonest write (a steward verifies a list of them) stays cheap.
    transaction.on_commit(functools.partial(queue_document_rebuild, [service.id]))
    audit.record(
        actor=actor,
        organization=service.organization_id,
        action="services.listing_verified",
        obj=service,
        details={"method": method},
    )
    return verification


# --- capacity -------------------------------------------------------------------------------


@transaction.atomic
def update_capacity(
    *, actor: Any, service: Service, available: int | None = None, delta: int | None = None
) -> Service:
    """Sets free places, or moves them by `delta` (the staff area's +1/−1 buttons), now."""
    if not permissions.may_update_capacity(actor, service):
        raise PermissionDenied
    service = Service.objects.select_for_update().get(pk=service.pk)
    if delta is not None:
        available = (service.capacity_available or 0) + delta
    if available is None or available < 0:
        raise ValidationError({"available": _("Capacity cannot be negative.")})
    if service.capacity_total is not None and available > service.capacity_total:
        raise ValidationError(
            {"available": _("There cannot be more free places than places in total.")}
        )
    service.capacity_available = available
    service.capacity_updated_at = timezone.now()
    _provenance(service, actor=actor, reason="capacity update")
    service.save(update_fields=["capacity_available", "capacity_updated_at", "last_modified"])
    audit.record(
        actor=actor,
        organization=service.organization_id,
        action="services.capacity_updated",
        obj=service,
        details={"available": available, "total": service.capacity_total},
    )
    refresh_services([service.id])
    return service


# --- suggested edits ------------------------------------------------------------------------


@transaction.atomic
def report_problem(*, service: Service, kind: str, phone: Phone | None = None) -> Suggestion:
    """An anonymous visitor's report. Nothing about the visitor is kept, not even who: a report
    is a kind, a listing and maybe which of its public numbers. A report already waiting is not
    queued twice."""
    if kind not in (Suggestion.Kind.PHONE_NOT_WORKING, Suggestion.Kind.CLOSED):
        raise ValidationError({"kind": _("Choose what is wrong.")})
    if phone is not None and phone.service_id != service.id:
        raise ValidationError({"phone": _("Choose one of this service's numbers.")})
    waiting = Suggestion.objects.filter(
        service=service,
        kind=kind,
        phone=phone,
        status__in=[Suggestion.Status.OPEN, Suggestion.Status.VISIT],
    ).first()
    if waiting is not None:
        return waiting
    suggestion = Suggestion.objects.create(
        service=service, kind=kind, source=Suggestion.Source.PUBLIC, phone=phone
    )
    audit.record(
        actor=None,
        organization=service.organization_id,
        action="services.problem_reported",
        obj=suggestion,
        details={"kind": kind, "service": str(service.id)},
    )
    return suggestion


@transaction.atomic
def suggest_change(*, actor: Any, service: Service, field_name: str, value: str) -> Suggestion:
    """A staff member proposes a new value for one field of a listing."""
    if not permissions.may_suggest_edit(actor, service):
        raise PermissionDenied
    parsed = parse_value(field_name, value, service)
    current = getattr(service, field_name)
    if parsed == current:
        raise ValidationError({"proposed_value": _("This is already the listing's value.")})
    suggestion = Suggestion.objects.create(
        service=service,
        kind=Suggestion.Kind.FIELD_CHANGE,
        source=Suggestion.Source.STAFF,
        field_name=field_name,
        previous_value=display_value(current),
        proposed_value=display_value(parsed),
        suggested_by=actor,
    )
    audit.record(
        actor=actor,
        organization=service.organization_id,
        action="services.change_suggested",
        obj=suggestion,
        details={"field": field_name, "service": str(service.id)},
    )
    return suggestion


@transaction.atomic
def suggest_row_change(
    *,
    actor: Any,
    service: Service,
    kind: str,
    data: Any,
    phone: Phone | None = None,
    address: Address | None = None,
) -> Suggestion:
    """A staff member proposes a new or changed phone number, new weekly hours or a changed
    address. `data` is the form's; it is checked now and kept as plain data for the moderator.
    A phone or address to change must be one of this listing's that the actor may see."""
    if not permissions.may_suggest_edit(actor, service):
        raise PermissionDenied
    editor = permissions.may_edit_listing(actor, service)
    if kind == Suggestion.Kind.PHONE_CHANGE:
        if phone is not None and phone not in row_edits.phones_for(
            service, include_confidential=editor
        ):
            raise ValidationError({"phone": _("Choose one of this service's numbers.")})
        address = None
    elif kind == Suggestion.Kind.ADDRESS_CHANGE:
        phone = None
        address = row_edits.address_for(service, include_confidential=editor)
        if address is None:
            raise ValidationError(
                {"address": _("This listing has no address to change; ask a steward to add it.")}
            )
    else:
        phone = address = None
    proposed = row_edits.read(
        kind,
        data,
        country=row_edits.phone_country(service, phone)
        if kind == Suggestion.Kind.PHONE_CHANGE
        else "",
    )
    now = row_edits.current(kind, service, phone or address)
    if proposed == now:
        raise ValidationError({"proposed_value": _("This is already the listing's value.")})
    lang = get_language() or "es"
    suggestion = Suggestion.objects.create(
        service=service,
        kind=kind,
        source=Suggestion.Source.STAFF,
        phone=phone,
        address=address,
        previous_value=row_edits.describe(kind, now, lang=lang),
        proposed_value=row_edits.describe(kind, proposed, lang=lang),
        proposed_data=proposed,
        suggested_by=actor,
    )
    audit.record(
        actor=actor,
        organization=service.organization_id,
        action="services.change_suggested",
        obj=suggestion,
        details={"kind": kind, "service": str(service.id)},
    )
    return suggestion


_DECIDABLE = {
    Suggestion.Status.ACCEPTED: {Suggestion.Status.OPEN, Suggestion.Status.VISIT},
    Suggestion.Status.REJECTED: {Suggestion.Status.OPEN, Suggestion.Status.VISIT},
    Suggestion.Status.VISIT: {Suggestion.Status.OPEN},
}


def _lock_for_decision(actor: Any, suggestion: Suggestion, to: str) -> Suggestion:
    locked = Suggestion.objects.select_for_update().select_related("service").get(pk=suggestion.pk)
    if not permissions.may_moderate_suggestion(actor, locked):
        raise PermissionDenied
    if locked.status not in _DECIDABLE[to]:
        raise ValidationError(_("This suggestion was already decided."), code="decided")
    return locked


def _apply(actor: Any, suggestion: Suggestion) -> None:
    service = Service.objects.select_for_update().get(pk=suggestion.service_id)
    reason = f"suggestion {suggestion.pk} ({suggestion.source})"
    if suggestion.kind == Suggestion.Kind.CLOSED:
        service.status = Service.Status.INACTIVE
        _provenance(service, actor=actor, reason=reason)
        service.save()
    elif suggestion.kind == Suggestion.Kind.PHONE_NOT_WORKING:
        if suggestion.phone is None:
            raise ValidationError(
                _("The report names no number; edit the listing instead."), code="no_phone"
            )
        phone = suggestion.phone
        # Deleting keeps the number in the phone's history, where the admin can restore it;
        # the suggestion keeps the number it was about.
        suggestion.previous_value = phone.number
        _provenance(phone, actor=actor, reason=reason)
        phone.delete()
        suggestion.phone = None
    elif suggestion.kind in row_edits.ROW_FIELDS:
        row_edits.apply_change(
            suggestion, service, provenance=lambda row: _provenance(row, actor=actor, reason=reason)
        )
        # The listing's own history names the change, so its page and API show when and by
        # whom its phones, hours or address last changed.
        _provenance(service, actor=actor, reason=f"{reason}: {suggestion.kind}")
        service.save(update_fields=["last_modified"])
    else:
        value = parse_value(suggestion.field_name, suggestion.proposed_value, service)
        setattr(service, suggestion.field_name, value)
        service.full_clean(exclude=["organization", "program"])
        _provenance(service, actor=actor, reason=reason)
        service.save()
    refresh_services([service.id])


@transaction.atomic
def decide_suggestion(*, actor: Any, suggestion: Suggestion, to: str) -> Suggestion:
    """Accept (the change applies, with the suggestion as its source), reject, or ask for a
    visit (the suggestion stays in the queue until someone has been)."""
    if to not in _DECIDABLE:
        raise ValidationError(_("Unknown decision."), code="decision")
    suggestion = _lock_for_decision(actor, suggestion, to)
    if to == Suggestion.Status.ACCEPTED:
        _apply(actor, suggestion)
    suggestion.status = to
    suggestion.decided_by = actor
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "phone", "previous_value"])
    audit.record(
        actor=actor,
        organization=suggestion.service.organization_id,
        action=f"services.suggestion_{to}",
        obj=suggestion,
        details={"kind": suggestion.kind, "service": str(suggestion.service_id)},
    )
    return suggestion


# --- history --------------------------------------------------------------------------------


@transaction.atomic
def restore_version(*, actor: Any, service: Service, history_id: int) -> Service:
    """Puts back the listing's fields as they were in one historical version."""
    if not permissions.may_edit_listing(actor, service):
        raise PermissionDenied
    version = service.history.get(history_id=history_id)
    restored = Service.objects.select_for_update().get(pk=service.pk)
    own = {f.attname for f in Service._meta.concrete_fields}
    skip = {"id", "created_at", "last_modified"}
    for field in version._meta.fields:
        if field.attname in own and field.attname not in skip:
            setattr(restored, field.attname, getattr(version, field.attname))
    _provenance(restored, actor=actor, reason=f"restore of version {history_id}")
    restored.save()
    audit.record(
        actor=actor,
        organization=service.organization_id,
        action="services.version_restored",
        obj=service,
        details={"version": history_id},
    )
    refresh_services([service.id])
    return restored
