"""Fixtures for import, export and duplicates: the small directory and the HSDS specification."""

from pathlib import Path

import pytest

from tests.hsds_tests.directory import build_directory, spec_dir


@pytest.fixture
def directory(db):
    return build_directory()


@pytest.fixture
def hsds_spec() -> Path:
    """The HSDS 3.0 specification folder (../shared/hsds-3.0), or a skip."""
    found = spec_dir()
    if found is None:
        pytest.skip("../shared/hsds-3.0 (the HSDS 3.0 specification) is not on this machine")
    return found


@pytest.fixture(autouse=True)
def generous_rate(settings):
    # API calls made here (redirects after a merge) must not meet the public rate limit.
    settings.API_THROTTLE_RATE = "100000/minute"
