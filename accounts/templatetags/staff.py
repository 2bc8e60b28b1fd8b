from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.navigation import items_for, notices_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_navigation(context: Any) -> list[dict[str, Any]]:
    request = context.get("request")
    return items_for(request) if request is not None else []


@register.simple_tag(takes_context=True)
def staff_notices(context: Any) -> list[dict[str, Any]]:
    request = context.get("request")
    return notices_for(request) if request is not None else []


@register.filter
def when(value: Any) -> str:
    """A time in the active zone (the member's organisation's), with the zone named."""
    if not value:
        return ""
    local = timezone.localtime(value)
    zone = timezone.get_current_timezone_name()
    place = zone.rsplit("/", 1)[-1].replace("_", " ")
    text = _("%(when)s (%(zone)s time)") % {
        "when": date_format(local, "DATETIME_FORMAT"),
        "zone": place,
    }
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), text)


@register.filter
def record_label(object_type: str) -> str:
    """A record's kind in the reader's words ("miembro", "derivación"), not "app.model"."""
    from django.apps import apps

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
