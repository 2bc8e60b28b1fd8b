"""Fixtures for import, export and duplicates: the small directory and the HSDS specification."""

from pathlib import Path

import pytest

from services.hsds.validation import SPEC_DIR
from tests.hsds_tests.directory import build_directory


@pytest.fixture
def directory(db):
    return build_directory()


@pytest.fixture
def hsds_spec() -> Path:
    """The HSDS 3.0 schemas and official examples (services/hsds/schema/)."""
    return SPEC_DIR


@pytest.fixture(autouse=True)
def generous_rate(settings):
    # API calls made here (redirects after a merge) must not meet the public rate limit.
    settings.API_THROTTLE_RATE = "100000/minute"
