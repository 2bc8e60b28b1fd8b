from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Directory")

    def ready(self) -> None:
        # Django ships no language info for Haitian Creole, one of our content languages;
        # modeltranslation's admin (and any page labelling a text's language) asks for it.
        from django.conf.locale import LANG_INFO

        LANG_INFO.setdefault(
            "ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl"}
        )
