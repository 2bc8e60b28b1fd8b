"""Listings kept true: named people around two organisations' listings.

alice is the admin of organisation A, ines its intake staff, bob its caseworker; charlie is the
admin of organisation B; stella is a directory steward (her membership is in B, but stewards act
directory-wide). Listings come from the directory suite's `make_service` (real regions, PostGIS
positions, search columns refreshed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import member, sign_in
from tests.services_tests.conftest import base, directory_base, make_service  # noqa: F401

CUCUTA = (7.89, -72.50)
NOW = dt.datetime.now(dt.UTC)


def days_ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


def url(name: str, lang: str = "es", **kwargs: Any) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def shelter(make_service):  # noqa: F811
    """Organisation A's shelter: verified last week, counting beds, with one public phone."""
    from services.models import Phone

    service = make_service(
        "Albergue Puente",
        name_en="Bridge Shelter",
        at=CUCUTA,
        terms=("emergency-shelter",),
        capacity_available=4,
        capacity_total=10,
        capacity_unit="camas",
        capacity_updated_at=dt.datetime.now(dt.UTC),
        last_verified_at=days_ago(7),
    )
    Phone.objects.create(service=service, number="+57 300 111 2222")
    return service


@pytest.fixture
def org_a(shelter):
    return shelter.organization


@pytest.fixture
def alice(org_a):
    return member("alice", org_a, "org_admin")


@pytest.fixture
def ines(org_a):
    return member("ines", org_a, "intake")


@pytest.fixture
def bob(org_a):
    return member("bob", org_a, "caseworker")


@pytest.fixture
def org_b(base):  # noqa: F811
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Organización B")


@pytest.fixture
def charlie(org_b):
    return member("charlie", org_b, "org_admin")


@pytest.fixture
def stella(org_b):
    return member("stella", org_b, "steward")


@pytest.fixture
def signed_in(client):
    def as_user(user):
        return sign_in(client, user)

    return as_user


@pytest.fixture
def alice_of():
    """An admin of a given listing's organisation."""

    def make(service):
        return member(f"admin-{service.organization_id.hex[:8]}", service.organization, "org_admin")

    return make
