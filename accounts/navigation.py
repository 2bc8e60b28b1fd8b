"""The staff area's navigation. Other parts add their pages (referrals, listings) with
`register(...)` in their AppConfig.ready(); each item shows only to users a rule admits."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import permissions


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    visible: Callable[[Any], bool]
    order: int = 100
    # A number shown beside the label (new items waiting), or None for no badge.
    badge: Callable[[Any], int] | None = None


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.url_name] = item


def items_for(request: Any) -> list[dict[str, Any]]:
    user = request.user
    items = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.url_name)):
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # a part not installed yet
            continue
        current = request.path == url or (
            url != reverse("accounts:dashboard") and request.path.startswith(url)
        )
        count = item.badge(request) if item.badge is not None else 0
        items.append({"url": url, "label": item.label, "current": current, "badge": count})
    return items


# In-app notices shown on every staff page: other parts register a function that answers a list
# of {"url", "text"} for the request (an empty list when there is nothing to say).
_NOTICES: list[Callable[[Any], list[dict[str, Any]]]] = []


def register_notice(source: Callable[[Any], list[dict[str, Any]]]) -> None:
    if source not in _NOTICES:
        _NOTICES.append(source)


def notices_for(request: Any) -> list[dict[str, Any]]:
    if not permissions.is_signed_in(request.user):
        return []
    found: list[dict[str, Any]] = []
    for source in _NOTICES:
        found.extend(source(request))
    return found


register(NavItem("accounts:dashboard", _("Dashboard"), permissions.is_signed_in, order=0))
register(
    NavItem(
        "accounts:members_index",
        _("Members"),
        lambda user: (
            bool(permissions.organizations_with_role(user, *permissions.MANAGING_ROLES))
            or permissions.is_operator(user)
        ),
        order=50,
    )
)
register(NavItem("audit:events", _("Audit log"), permissions.may_read_audit, order=90))
