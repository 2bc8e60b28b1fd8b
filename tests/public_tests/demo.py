"""The demo directory, loaded once for a group of tests and removed afterwards."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command


@contextmanager
def demo_directory(django_db_blocker) -> Iterator[None]:
    """Commits the demo (so that a live server's threads see it too) and empties the database
    afterwards, as pytest-django does after a transactional test."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
