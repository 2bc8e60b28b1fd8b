from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")
    default = True

    def ready(self) -> None:
        from accounts import signals  # audit of sign-ins and failures, tokens' end
        from audit.labels import register as register_labels

        signals.connect_device_signals()
        register_labels(
            {
                "accounts.role_grant_pending": _("sensitive role given, waiting for confirmation"),
                "accounts.role_confirmed": _("sensitive role confirmed by a second person"),
            }
        )


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that requires two factors and asks accounts.permissions."""

    default = False  # named explicitly in INSTALLED_APPS; "accounts" alone means AccountsConfig
    default_site = "accounts.admin_site.StaffAdminSite"
