from typing import Any

from django import template

from accounts.navigation import items_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_navigation(context: Any) -> list[dict[str, Any]]:
    request = context.get("request")
    return items_for(request) if request is not None else []
