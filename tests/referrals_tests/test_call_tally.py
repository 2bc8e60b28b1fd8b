"""Counting calls without personal data: one tap on the outcome, the need, region and
language of the search on screen, the month only; a double tap counts once."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import CallTally
from services.models import Region
from tests.referrals_tests.staff_world import client_for_world, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def call(client, organization, **fields):
    data = {
        "organization": str(organization.pk),
        "outcome": "referred",
        "key": str(uuid.uuid4()),
        **fields,
    }
    return client.post(reverse("desk:call"), data), data


def test_a_call_is_counted_with_month_region_need_language_and_outcome(world):
    region = Region.objects.create(code="ZZ", name="Zedland", level=0, country_code="ZZ")
    from services.models import Taxonomy, TaxonomyTerm

    taxonomy = Taxonomy.objects.create(name="t", description="t", uri="https://t.example/")
    need = TaxonomyTerm.objects.create(taxonomy=taxonomy, code="zz-shelter", name="Albergue")
    response, _data = call(
        client_for_world(world, "hotline-a"),
        world.a,
        region="ZZ",
        need="zz-shelter",
        language="es",
        outcome="no_service",
    )
    assert response.status_code == 302
    tally = CallTally.objects.get()
    assert (tally.organization, tally.region, tally.need, tally.language, tally.outcome) == (
        world.a,
        region,
        need,
        "es",
        "no_service",
    )
    assert tally.month == timezone.localdate().replace(day=1)
    # Nothing finer than the month, and nobody: the model has no such column.
    names = {f.name for f in CallTally._meta.get_fields()}
    assert names == {"id", "organization", "month", "region", "need", "language", "outcome"}
    assert isinstance(tally.month, dt.date)


def test_a_double_tap_counts_once(world):
    client = client_for_world(world, "caseworker-a")
    _response, data = call(client, world.a)
    client.post(reverse("desk:call"), data)
    assert CallTally.objects.count() == 1


@pytest.mark.parametrize("person", ["intake-a", "org_admin-a", "hotline-b"])
def test_only_referring_staff_count_their_own_organisations_calls(world, person):
    response, _data = call(client_for_world(world, person), world.a)
    assert response.status_code in (302, 404)
    assert CallTally.objects.count() == 0


def test_a_call_without_an_outcome_is_refused_with_a_message(world):
    client = client_for_world(world, "hotline-a")
    response, _data = call(client, world.a, outcome="")
    assert response.status_code == 302
    assert CallTally.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "not counted" in page or "no se contó" in page
