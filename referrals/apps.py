from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
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
        from accounts.navigation import NavItem, register, register_notice
        from audit.labels import register as register_labels
        from referrals import (
            checks,  # noqa: F401  (registers the master key check)
            notices,
        )

        register_labels(
            {
                "referral.consent_expired": _("consent expired: contact details deleted"),
                "referral.consent_renewed": _("consent recorded again"),
                "referral.lapse": _("closed with no outcome recorded (left open too long)"),
                "referral.looked_up": _("referral found by its code"),
                "referral.lookup_missed": _("referral code looked up: not found"),
                "referrals.key_rotation_started": _("master key rotation started"),
                "referrals.key_rotation_finished": _("master key rotation finished"),
            }
        )

        register(
            NavItem(
                "referrals:inbox",
                _("Referrals"),
                _works_with_referrals,
                order=20,
                badge=notices.waiting_count,
            )
        )
        register_notice(notices.sent_changes)
        user_logged_in.connect(notices.start_clock, dispatch_uid="referrals.notices.start_clock")
        register(NavItem("desk:find", _("Find a service"), _works_with_referrals, order=10))
