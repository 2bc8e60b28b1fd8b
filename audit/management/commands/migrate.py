"""`migrate` as the owner role, then the application's role granted what it needs (audit.roles).

With DATABASE_OWNER_URL set, the default connection switches to the owner's credentials (same
database) for the migrations and the grants; the application's own role, DATABASE_URL's, keeps
INSERT and SELECT only on the audit log.
"""

from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

from audit import roles


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as DATABASE_OWNER_URL's role and grants DATABASE_URL's."

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options.get("database") or DEFAULT_DB_ALIAS
        owner_url = settings.DATABASE_OWNER_URL
        if alias == DEFAULT_DB_ALIAS and owner_url:
            parts = urlsplit(owner_url)
            connection = connections[alias]
            connection.close()
            connection.settings_dict["USER"] = unquote(parts.username or "")
            connection.settings_dict["PASSWORD"] = unquote(parts.password or "")
        super().handle(*args, **options)
        connection = connections[alias]
        if alias != DEFAULT_DB_ALIAS:
            return
        if connection.settings_dict["USER"] == roles.app_role():
            if options.get("verbosity", 1):
                self.stderr.write(
                    "One database role for everything: set DATABASE_OWNER_URL so that the "
                    "application's role cannot rewrite the audit log (docs/security.md)."
                )
            return
        try:
            roles.ensure_app_role(settings.DATABASE_APP_PASSWORD)
        except PermissionError as refused:
            raise CommandError(str(refused)) from refused
        roles.grant_app_role()
