"""Fixtures for the public API: an anonymous client (no cookie jar is ever filled), the small
directory, and schema validation against the official HSDS 3.0 schemas."""

from pathlib import Path

import pytest
from django.test import Client

from services import models as m
from services.hsds.validation import SPEC_DIR
from tests.hsds_tests.directory import build_directory


@pytest.fixture(autouse=True)
def generous_rate(settings):
    # Throttling has its own tests; everywhere else a suite's requests must not be limited.
    settings.API_THROTTLE_RATE = "100000/minute"


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def directory(db):
    # The directory suite commits our real vocabulary once per session; hidden inside this
    # test's transaction (and back after its rollback), so list filters see the fixture alone.
    while m.TaxonomyTerm.objects.exists():  # leaves first: a parent is protected
        m.TaxonomyTerm.objects.exclude(
            id__in=m.TaxonomyTerm.objects.filter(parent__isnull=False).values("parent_id")
        ).delete()
    m.Taxonomy.objects.all().delete()
    return build_directory()


@pytest.fixture
def hsds_spec() -> Path:
    """The HSDS 3.0 schemas and official examples (services/hsds/schema/)."""
    return SPEC_DIR


@pytest.fixture
def valid(hsds_spec):
    """valid(document, kind) asserts the document passes the extended official schema."""
    from services.hsds import validation

    def check(document: dict, kind: str) -> None:
        problems = validation.problems(document, kind)
        assert problems == [], f"{kind}: {problems[:5]}"

    return check
