from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _views_reports(user: Any) -> bool:
    from accounts import permissions

    return permissions.may_view_reports(user)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from accounts.navigation import NavItem, register
        from audit.labels import register as register_labels

        register_labels({"reports.viewed": _("report viewed or downloaded")})
        register(NavItem("reports:reports", _("Reports"), _views_reports, order=80))
