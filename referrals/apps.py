from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _works_with_referrals(user: Any) -> bool:
    from accounts import permissions

    return bool(
        permissions.referring_organization_ids(user)
        or permissions.receiving_organization_ids(user)
        or permissions.organizations_with_role(user, "org_admin")
    )


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from accounts.navigation import NavItem, register
        from referrals import checks  # noqa: F401  (registers the master key check)

        register(NavItem("referrals:inbox", _("Referrals"), _works_with_referrals, order=20))
