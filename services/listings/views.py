"""Staff pages for keeping listings true: the listings an organisation keeps and how
old their verification is, free places in two taps, a listing's page (verify, change or suggest a
change, its history), the moderation queue, and the one-click link of the weekly reminder.

Every view asks accounts.permissions; a listing or suggestion the user may not act on is a 404.
Every change goes through services.listings.upkeep, which writes the audit event and the history.
"""

from __future__ import annotations

import uuid
from itertools import pairwise
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from accounts import permissions
from services import phones
from services.listings import redaction, row_edits, upkeep
from services.listings.reminders import read_verify_token
from services.models import Phone, Schedule, Service, Suggestion, VerificationMethod
from services.querysets import warn_since

STAFF_METHODS = [
    (VerificationMethod.PHONE, VerificationMethod.PHONE.label),
    (VerificationMethod.VISIT, VerificationMethod.VISIT.label),
    (VerificationMethod.ORGANIZATION, VerificationMethod.ORGANIZATION.label),
]


def _staff_only(request: HttpRequest) -> None:
    if not permissions.may_use_staff_area(request.user):
        raise Http404


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Listings the user keeps, the oldest verification first."""
    _staff_only(request)
    services = permissions.services_editable_by(
        request.user, Service.objects.select_related("organization")
    ).with_freshness()
    due_only = request.GET.get("due") == "1"
    if due_only:
        services = services.filter(_freshness__lt=warn_since())
    page = Paginator(services.order_by("_freshness", "name", "id"), 50).get_page(
        request.GET.get("page")
    )
    rows = [(s, upkeep.listing_freshness(s)) for s in page.object_list]
    return render(
        request,
        "services/staff/index.html",
        {"page": page, "rows": rows, "due_only": due_only},
    )


@login_required
def capacity_board(request: HttpRequest) -> HttpResponse:
    """Free places of the user's services, each a tap away from +1 or −1."""
    _staff_only(request)
    services = permissions.services_with_capacity_for(
        request.user,
        Service.objects.filter(status=Service.Status.ACTIVE).select_related("organization"),
    ).order_by("organization__name", "name", "id")
    rows = [(s, upkeep.capacity_is_current(s)) for s in services[:200]]
    return render(request, "services/staff/capacity.html", {"rows": rows})


def _service_for(request: HttpRequest, pk: uuid.UUID, rule: Any) -> Service:
    service = get_object_or_404(Service.objects.select_related("organization"), pk=pk)
    if not rule(request.user, service):
        raise Http404
    return service


@login_required
@require_POST
def capacity(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = _service_for(request, pk, permissions.may_update_capacity)
    delta = request.POST.get("delta")
    available = request.POST.get("available")
    try:
        if delta in ("1", "-1"):
            upkeep.update_capacity(actor=request.user, service=service, delta=int(delta))
        else:
            try:
                number = int(available or "")
            except ValueError:
                raise ValidationError(gettext("Give a whole number of free places.")) from None
            upkeep.update_capacity(actor=request.user, service=service, available=number)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, gettext("Free places updated."))
    back = request.POST.get("back")
    if back == "listing":
        return redirect("listings:listing", pk=service.pk)
    return redirect("listings:capacity_board")


def _source_label(reason: str | None) -> str:
    """The history's change reason in the reader's words (it is stored as a short code-like
    English phrase, e.g. "capacity update" or "verification: phone")."""
    reason = reason or ""
    head, _sep, rest = reason.partition(":")
    labels = {
        "capacity update": gettext("free places update"),
        "verification": gettext("verification"),
        "staff edit (admin)": gettext("edit in the administration"),
    }
    if reason in labels:
        return labels[reason]
    if head in labels:
        methods = dict(VerificationMethod.choices)
        method = rest.strip()
        return f"{labels[head]} ({methods.get(method, method)})" if method else labels[head]
    if reason.startswith("suggestion "):
        return gettext("accepted suggestion")
    if reason.startswith("restore of version"):
        return gettext("earlier version restored")
    if reason.startswith("import"):
        return gettext("import")
    return reason or "—"


def _field_label(name: str) -> str:
    try:
        return str(Service._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _row_change(reason: str | None) -> str | None:
    """The phones, hours or address an accepted suggestion changed, in the reader's words (the
    listing's own fields did not change, so the version's diff is empty)."""
    kind = (reason or "").rpartition(": ")[2]
    label = row_edits.ROW_FIELDS.get(kind)
    return str(label) if label is not None else None


def _history_rows(service: Service) -> list[dict[str, Any]]:
    rows = []
    versions = list(service.history.select_related("history_user").order_by("-history_id")[:20])
    # A listing loaded in bulk (the demo, an import) may have no version at all: no rows then.
    for newer, older in pairwise([*versions, None]):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["last_modified"])
            changes = [_field_label(c.field) for c in delta.changes]
        row_change = _row_change(newer.history_change_reason)
        if row_change is not None:
            changes.append(row_change)
        rows.append(
            {
                "version": newer,
                "changes": changes,
                "source": _source_label(newer.history_change_reason),
            }
        )
    return rows


def _row_input(service: Service, kind: str, editor: bool) -> dict[str, Any]:
    """The inputs for a phone number, the weekly hours or the address, filled with what the
    listing has now (a change must still be pressed to be sent)."""
    lang = translation.get_language() or "es"
    found: dict[str, Any] = {"name": kind, "label": row_edits.ROW_FIELDS[kind], "kind": kind}
    if kind == Suggestion.Kind.PHONE_CHANGE:
        found["phones"] = row_edits.phones_for(service, include_confidential=editor)
        found["current"] = ", ".join(phones.display(p.number) for p in found["phones"])
    elif kind == Suggestion.Kind.HOURS_CHANGE:
        now = row_edits.current(kind, service, None)
        days = now.get("days", {})
        found["days"] = [
            (code, name, *days.get(code, ["", ""])) for code, name in Schedule.Weekday.choices
        ]
        found["current"] = row_edits.describe(kind, now, lang=lang)
    else:
        address = row_edits.address_for(service, include_confidential=editor)
        now = row_edits.current(kind, service, address)
        found["has_address"] = address is not None
        found["address"] = [
            (name, row_edits.ADDRESS_LABELS[name], now.get(name, ""), name != "postal_code")
            for name in row_edits.ADDRESS_FIELDS
        ]
        found["current"] = row_edits.describe(kind, now, lang=lang)
    return found


def _change_input(service: Service, name: str, editor: bool = False) -> dict[str, Any] | None:
    """The input for one chosen field, typed by the field: yes/no, a number, a choice, a line
    or a paragraph of text, showing the value the listing has now; phones, hours and the
    address have inputs of their own."""
    if name in row_edits.ROW_FIELDS:
        return _row_input(service, name, editor)
    field = next((f for f in upkeep.suggestable_fields() if f.name == name), None)
    if field is None:
        return None
    current = getattr(service, field.name)
    kind = "line"
    if isinstance(field, models.BooleanField):
        kind = "yesno"
    elif isinstance(field, models.IntegerField):
        kind = "number"
    elif field.choices:
        kind = "choice"
    elif isinstance(field, models.TextField):
        kind = "text"
    elif isinstance(field, models.EmailField):
        kind = "email"
    elif isinstance(field, models.URLField):
        kind = "url"
    elif isinstance(field, models.DateField):
        kind = "date"
    return {
        "name": field.name,
        "label": capfirst(field.verbose_name),
        "kind": kind,
        "current": upkeep.display_value(current),
        "is_true": current is True,
        "choices": field.choices or [],
        "help": field.help_text,
    }


@login_required
def listing(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = _service_for(request, pk, permissions.may_suggest_edit)
    may_edit = permissions.may_edit_listing(request.user, service)
    suggestions = service.suggestions.filter(
        status__in=[Suggestion.Status.OPEN, Suggestion.Status.VISIT]
    )
    return render(
        request,
        "services/staff/listing.html",
        {
            "service": service,
            "freshness": upkeep.listing_freshness(service),
            "capacity_current": upkeep.capacity_is_current(service),
            "may_edit": may_edit,
            "may_verify": permissions.may_verify_listing(request.user, service),
            "may_update_capacity": permissions.may_update_capacity(request.user, service),
            "may_moderate": may_edit,
            "methods": STAFF_METHODS,
            "fields": [
                *((kind, label) for kind, label in row_edits.ROW_FIELDS.items()),
                *((f.name, capfirst(f.verbose_name)) for f in upkeep.suggestable_fields()),
            ],
            "change_input": _change_input(service, request.GET.get("field", ""), may_edit),
            "suggestions": suggestions,
            "history": _history_rows(service) if may_edit else [],
            "may_redact": permissions.may_redact_history(request.user, service),
            "page_country": phones.owner_country(Phone(service=service)),
            "share": public_share_links(service.pk),
        },
    )


def public_share_links(pk: uuid.UUID) -> dict[str, str] | None:
    """The public page's share links (services/public/share.py), made from what the public sees
    of the listing, so a caseworker never sends a client a number the public may not have;
    None for a listing the public cannot open."""
    from services.public.views import public_share_links as public_links

    return public_links(pk)


@login_required
@require_POST
def verify(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = _service_for(request, pk, permissions.may_verify_listing)
    try:
        upkeep.verify_service(
            actor=request.user, service=service, method=request.POST.get("method", "")
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, gettext("Verification recorded."))
    return redirect("listings:listing", pk=service.pk)


def _chosen_phone(service: Service, raw: str) -> Phone | None:
    """The number a phone change replaces, or None for a new one; suggest_row_change checks it
    belongs to the listing."""
    if not raw:
        return None
    try:
        phone = Phone.objects.filter(pk=uuid.UUID(raw)).first()
    except ValueError:
        phone = None
    if phone is None:
        raise ValidationError(gettext("Choose one of this service's numbers."))
    return phone


@login_required
@require_POST
def change(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Staff propose a new value for a field; for those who may edit the listing it applies at
    once (a suggestion accepted by its author, so the history names it a staff edit)."""
    service = _service_for(request, pk, permissions.may_suggest_edit)
    field_name = request.POST.get("field_name", "")
    value = request.POST.get("proposed_value", "")
    try:
        if field_name in row_edits.ROW_FIELDS:
            suggestion = upkeep.suggest_row_change(
                actor=request.user,
                service=service,
                kind=field_name,
                data=request.POST,
                phone=_chosen_phone(service, request.POST.get("phone", "")),
            )
        else:
            suggestion = upkeep.suggest_change(
                actor=request.user, service=service, field_name=field_name, value=value
            )
        if permissions.may_edit_listing(request.user, service) and request.POST.get("apply"):
            upkeep.decide_suggestion(
                actor=request.user, suggestion=suggestion, to=Suggestion.Status.ACCEPTED
            )
            messages.success(request, gettext("Change saved."))
        else:
            messages.success(request, gettext("Suggestion sent for review."))
    except ValidationError as error:
        messages.error(request, _errors(error))
        # Back to the same inputs, so the person sees what to fix.
        url = reverse("listings:listing", kwargs={"pk": service.pk})
        return redirect(f"{url}?{urlencode({'field': field_name})}#change")
    return redirect("listings:listing", pk=service.pk)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Suggested edits on the listings the user may edit, waiting first."""
    _staff_only(request)
    status = request.GET.get("status") or Suggestion.Status.OPEN
    if status not in Suggestion.Status.values:
        status = Suggestion.Status.OPEN
    suggestions = permissions.suggestions_visible_to(
        request.user,
        Suggestion.objects.filter(status=status).select_related(
            "service__organization", "phone", "suggested_by", "decided_by"
        ),
    ).order_by("created_at", "id")
    page = Paginator(suggestions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "services/staff/queue.html",
        {"page": page, "status": status, "statuses": Suggestion.Status.choices},
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion.objects.select_related("service"), pk=pk)
    if not permissions.may_moderate_suggestion(request.user, suggestion):
        raise Http404
    to = request.POST.get("to", "")
    try:
        upkeep.decide_suggestion(actor=request.user, suggestion=suggestion, to=to)
    except ValidationError as error:
        messages.error(request, _errors(error))
    except PermissionDenied:
        raise Http404 from None
    else:
        labels = {
            Suggestion.Status.ACCEPTED: gettext("Accepted: the listing was changed."),
            Suggestion.Status.REJECTED: gettext("Rejected."),
            Suggestion.Status.VISIT: gettext("A visit was requested."),
        }
        messages.success(request, labels[to])
    return redirect("listings:queue")


@login_required
def verify_link(request: HttpRequest, token: str) -> HttpResponse:
    """The reminder's one-click "still correct". Only reachable signed in with both factors
    (login_required, then StaffAccessMiddleware); the signed token names one listing and the
    state it was in, so it works once, for two weeks, for nothing else."""
    _staff_only(request)
    data = read_verify_token(token)
    if data is None:
        return render(request, "services/staff/verify_link.html", {"outcome": "invalid"})
    service = get_object_or_404(Service, pk=data["s"])
    if not permissions.may_verify_listing(request.user, service):
        raise Http404
    outcome = "already"
    if service.freshness_at.isoformat() == data["f"]:
        upkeep.verify_service(
            actor=request.user, service=service, method=VerificationMethod.ORGANIZATION
        )
        outcome = "recorded"
    return render(
        request, "services/staff/verify_link.html", {"outcome": outcome, "service": service}
    )


@login_required
def redact(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Remove a text from a field of the listing and of every stored version, with a reason."""
    service = _service_for(request, pk, permissions.may_redact_history)
    error = ""
    if request.method == "POST":
        try:
            # Required in the page; checked here too, so it holds without a browser that does.
            if not request.POST.get("confirm"):
                raise ValidationError(
                    gettext("Tick the box to confirm: this step cannot be undone.")
                )
            count = redaction.redact(
                actor=request.user,
                service=service,
                field=request.POST.get("field", ""),
                text=request.POST.get("text", ""),
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as invalid:
            error = _errors(invalid)
        else:
            messages.success(
                request,
                ngettext(
                    "Text removed from %(count)s stored version.",
                    "Text removed from %(count)s stored versions.",
                    count,
                )
                % {"count": count},
            )
            return redirect("listings:listing", pk=service.pk)
    return render(
        request,
        "services/staff/redact.html",
        {
            "service": service,
            "fields": redaction.redactable_field_choices(),
            "reasons": redaction.REASONS.items(),
            "chosen_field": request.POST.get("field", ""),
            "chosen_reason": request.POST.get("reason", ""),
            "error": error,
        },
        status=400 if error else 200,
    )
