from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Directory")

    def ready(self) -> None:
        # Django ships no language info for Haitian Creole, one of our content languages;
        # modeltranslation's admin (and any page labelling a text's language) asks for it.
        from django.conf.locale import LANG_INFO

        self._register_staff_pages()
        from services.search import cache as result_cache

        result_cache.connect_signals(list(self.get_models()))
        from services.search import documents

        documents.connect_signals()
        from django.db.models.signals import post_delete, post_save

        from services.models import PostalCode, Region
        from services.search.places import forget_readings

        for model in (Region, PostalCode):
            post_save.connect(forget_readings, sender=model, dispatch_uid=f"readings-{model}")
            post_delete.connect(forget_readings, sender=model, dispatch_uid=f"readings-d-{model}")
        LANG_INFO.setdefault(
            "ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl"}
        )

    def _register_staff_pages(self) -> None:
        from accounts import permissions
        from accounts.navigation import NavItem, register

        def keeps_listings(user: Any) -> bool:
            return bool(
                permissions.is_operator(user)
                or permissions.is_steward(user)
                or permissions.organizations_with_role(user, *permissions.LISTING_ROLES)
            )

        def counts_places(user: Any) -> bool:
            return bool(
                permissions.is_operator(user)
                or permissions.is_steward(user)
                or permissions.organizations_with_role(user, *permissions.CAPACITY_ROLES)
            )

        from audit.labels import register as register_labels

        register_labels(
            {
                "services.listing_verified": _("listing verified"),
                "services.capacity_updated": _("free places updated"),
                "services.problem_reported": _("problem reported by a visitor"),
                "services.change_suggested": _("change suggested"),
                "services.suggestion_accepted": _("suggestion accepted"),
                "services.suggestion_rejected": _("suggestion rejected"),
                "services.suggestion_visit": _("visit requested for a suggestion"),
                "services.version_restored": _("earlier version restored"),
                "services.value_redacted": _("text removed from every version"),
                "services.listing_edited": _("listing edited in the admin"),
                "services.verification_reminder_sent": _("verification reminder sent"),
            }
        )
        register(NavItem("listings:capacity_board", _("Free places"), counts_places, order=30))
        register(NavItem("listings:index", _("Listings"), keeps_listings, order=31))
        register(NavItem("listings:queue", _("Suggested edits"), keeps_listings, order=32))
