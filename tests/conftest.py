"""Fixtures shared by every suite. Parts add their named users and factories here as they land."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker consuming from the real Redis broker, in this process.

    Tasks that touch the database need the test to use `transactional_db`: the worker's thread
    has its own connection and must see committed rows.
    """
    celery_app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (the test Redis database), so that throttling
    counters from one test never answer 429 in another."""
    from django.core.cache import cache

    from services.search.places import forget_readings

    cache.clear()
    # Place readings kept in this process may name regions another test rolled back.
    forget_readings()
    yield


@pytest.fixture(autouse=True)
def no_active_language():
    """Each test starts and ends in the default language (settings.LANGUAGE_CODE). Views activate the request's language
    in the test's own thread, and modeltranslation writes a plain `name=` into the active
    language's column: a language left over from an earlier test would change what a fixture
    stores, so a test could pass or fail by the order the suite happens to run in."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The suite connects as the owner role (DATABASE_OWNER_URL), as `migrate` does: it creates
    and migrates the test database, empties tables between transactional tests and plays the
    attacker who switches triggers off. What the application's own role may and may not do is
    proven by connecting as it (tests/audit_tests/test_app_role.py)."""
    from urllib.parse import unquote, urlsplit

    from django.conf import settings
    from django.db import connections

    if not settings.DATABASE_OWNER_URL:
        return
    parts = urlsplit(settings.DATABASE_OWNER_URL)
    for target in (settings.DATABASES["default"], connections["default"].settings_dict):
        target["USER"] = unquote(parts.username or "")
        target["PASSWORD"] = unquote(parts.password or "")
    connections["default"].close()


@pytest.fixture(autouse=True)
def audit_anchor_dir(tmp_path_factory, settings, monkeypatch):
    """Each test anchors the audit chain in its own folder (and so do the commands it starts):
    anchors of another test's rolled-back events would not match this test's chain."""
    folder = tmp_path_factory.mktemp("anchors")
    settings.AUDIT_ANCHOR_DIR = folder
    monkeypatch.setenv("AUDIT_ANCHOR_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """Lets Django empty audit_auditevent between transactional tests: the table refuses
    TRUNCATE unless a superuser session sets this (audit/migrations/0002_append_only.py).

    pytest-django makes the test database only when a collected test is marked `django_db`; a
    run of the browser suite alone has none, and would otherwise load the demo into the
    developer's own database and flush it afterwards."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, _serialized = _get_databases_for_setup(request.session.items)
    if "default" not in aliases:
        with django_db_blocker.unblock():
            made = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        request.addfinalizer(lambda: _teardown(made, django_db_blocker, teardown_databases))
    with django_db_blocker.unblock():
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} SET enlace.allow_audit_truncate = 'on'")
        connection.close()  # new connections read the database's settings


def _teardown(made, django_db_blocker, teardown_databases) -> None:
    with django_db_blocker.unblock():
        teardown_databases(made, verbosity=0)


# Named staff (healthchecks' convention): alice is the admin of organisation A, bob a caseworker
# on A, charlie the admin of organisation B, outside A. Both organisations are verified partners.
@pytest.fixture
def org_a(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Organización A", is_verified_partner=True)


@pytest.fixture
def org_b(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Organización B", is_verified_partner=True)


@pytest.fixture
def alice(org_a):
    from tests.factories import member

    return member("alice", org_a, "org_admin")


@pytest.fixture
def bob(org_a):
    from tests.factories import member

    return member("bob", org_a, "caseworker")


@pytest.fixture
def charlie(org_b):
    from tests.factories import member

    return member("charlie", org_b, "org_admin")
