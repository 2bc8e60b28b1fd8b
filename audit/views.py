from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import permissions
from audit.labels import known_actions, label
from audit.models import AuditEvent
from services.models import Organization

PAGE_SIZE = 50


def describe(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Events with the names of their actors and organisations, looked up by id (the events keep
    only ids, and the people or organisations may since have been removed)."""
    users = get_user_model().objects.filter(pk__in={e.actor_id for e in events if e.actor_id})
    names = {u.pk: u.get_full_name() or u.get_username() for u in users}
    orgs = dict(
        Organization.objects.filter(
            pk__in={e.organization_id for e in events if e.organization_id}
        ).values_list("pk", "name")
    )
    return [
        {
            "event": e,
            "label": label(e.action),
            "actor": names.get(e.actor_id, f"#{e.actor_id}") if e.actor_id else None,
            "organization": orgs.get(e.organization_id, str(e.organization_id))
            if e.organization_id
            else None,
        }
        for e in events
    ]


@login_required
def events(request: HttpRequest) -> HttpResponse:
    """The audit log, as much of it as the user may read: their organisation's as its admin,
    everything else as a steward or operator, with other organisations' referral events only as
    counts per action and day."""
    user = request.user
    if not permissions.may_read_audit(user):
        raise Http404
    queryset = AuditEvent.objects.visible_to(user)
    organizations = Organization.objects.all()
    if not permissions.may_read_all_audit(user):
        organizations = organizations.filter(pk__in=permissions.audit_organization_ids(user))
    organization_id = request.GET.get("organization", "")
    if organization_id:
        try:
            if not permissions.may_read_audit(user, organization_id):
                raise Http404
        except ValueError as bad:
            raise Http404 from bad
        queryset = queryset.filter(organization_id=organization_id)
    action = request.GET.get("action", "")
    if action:
        queryset = queryset.filter(action=action)
    page = Paginator(queryset.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = permissions.referral_event_counts(user, AuditEvent.objects.all())
    context = {
        "referral_counts": [{**row, "label": label(row["action"])} for row in counts],
        "page": page,
        "rows": describe(list(page.object_list)),
        "organizations": organizations.order_by("name")[:500],
        "organization_id": organization_id,
        "actions": known_actions(),
        "action": action,
    }
    return render(request, "audit/events.html", context)
