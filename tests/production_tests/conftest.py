"""Production settings in the test process.

The settings module is loaded in a separate process with only the production environment
(tests/config_tests/test_deploy_settings.py: no .env, production defaults), and every setting
that comes out different from the test process's is applied here, except the few that name this
machine's services (listed below, with why). Requests then arrive as they do behind the TLS proxy:
over HTTPS as the proxy reports it, for the production host name."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.config_tests.test_deploy_settings import PRODUCTION_ENVIRONMENT, ROOT

HOST = PRODUCTION_ENVIRONMENT["ALLOWED_HOSTS"]
# Where production differs from the test run on purpose, and keeps the test run's value:
KEEP = {
    "SETTINGS_MODULE",
    "DATABASES",  # the test database
    "CACHES",  # the test Redis database
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",  # signs the test client's session cookies
    "HANDOFF_MASTER_KEY",  # seals the test handoffs
    # Production serves hashed static files from a manifest that `collectstatic` writes (about
    # three minutes here, with compression); the test run uses plain static storage.
    "STORAGES",
    "WHITENOISE_USE_FINDERS",
    "EMAIL_BACKEND",  # pytest-django's locmem outbox
}

DUMP = """
import json
from django.conf import settings
out = {}
for name in dir(settings):
    if name.isupper():
        try:
            out[name] = json.loads(json.dumps(getattr(settings, name)))
        except (TypeError, ValueError):
            pass
print(json.dumps(out))
"""


@pytest.fixture(scope="session")
def production_values() -> dict:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        **PRODUCTION_ENVIRONMENT,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", DUMP],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production(settings, production_values) -> dict:
    """Applies production's values; returns what was changed (for the record)."""
    from django.conf import settings as live

    changed = {}
    for name, value in production_values.items():
        if name in KEEP:
            continue
        current = json.loads(json.dumps(getattr(live, name, None), default=str))
        if current != value:
            if name == "SECURE_PROXY_SSL_HEADER" and value is not None:
                value = tuple(value)
            setattr(settings, name, value)
            changed[name] = value
    assert settings.DEBUG is False
    return changed


class ProductionClient(Client):
    """A browser reaching Enlace through the TLS proxy: HTTPS (X-Forwarded-Proto, which the
    proxy sets) for the production host name."""

    def __init__(self, **defaults):
        super().__init__(**{"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https", **defaults})


@pytest.fixture
def browser(production) -> ProductionClient:
    return ProductionClient()


# A redis-server of the test's own, for the test that looks at what Celery leaves in Redis.
from tests.fault_tests.conftest import private_redis  # noqa: E402, F401
