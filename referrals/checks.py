"""System checks of the referral workflow: the handoff master keys.

Outside DEBUG a missing or malformed master key is an Error, so `manage.py check --deploy`,
`migrate` and the server's start (runserver, and gunicorn through config.wsgi's check) all
refuse, instead of starting a server that fails with a 500 at the first handoff. Under DEBUG it
is a Warning: development can run without referrals.
"""

from typing import Any

from django.conf import settings
from django.core import checks

from referrals import crypto


@checks.register(checks.Tags.security, deploy=False)
def master_key_is_usable(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = crypto.configuration_problem()
    if not problem:
        return []
    level = checks.Warning if settings.DEBUG else checks.Error
    return [
        level(
            problem,
            hint=(
                "Set HANDOFF_MASTER_KEY (32 random bytes, base64) or HANDOFF_MASTER_KEYS "
                "(id:base64,..., the current key first). See README, Configuration."
            ),
            id="referrals.E001" if level is checks.Error else "referrals.W001",
        )
    ]
