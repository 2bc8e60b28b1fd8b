import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: a serious security one (a missing or malformed handoff master
# key outside DEBUG) stops the server here rather than at the first referral, with a 500.
_serious = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.is_serious()]
if _serious:
    raise ImproperlyConfigured("; ".join(f"{m.id}: {m.msg}" for m in _serious))
