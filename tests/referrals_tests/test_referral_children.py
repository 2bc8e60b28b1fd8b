"""A referral says "with N children (ages)", never their names: from the form, from the desk's
search (through the session, not the URL) and through the API; shown where the needs are."""

import uuid

import pytest
from django.urls import reverse

from referrals.models import Referral
from tests.referrals_tests.staff_world import (  # noqa: F401
    client_for_world,
    referral_form,
    world_fixture,
)
from tests.referrals_tests.test_api import BASE, client_for, payload, post

pytestmark = pytest.mark.django_db


def _create(world, client, **fields):
    url = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    return client.post(url, {**referral_form(world), **fields})


def test_a_referral_says_how_many_children_and_their_ages(world):
    client = client_for_world(world, "caseworker-a")
    response = _create(world, client, children="2", children_ages="4 9")
    assert response.status_code == 302, response.content.decode()[:3000]
    referral = Referral.objects.get()
    assert (referral.children, referral.children_ages) == (2, [4, 9])
    page = client_for_world(world, "intake-b").get(
        reverse("referrals:detail", kwargs={"pk": referral.pk})
    )
    assert "2 (edades 4, 9)" in page.content.decode()


def test_ages_alone_give_the_count(world):
    _create(world, client_for_world(world, "caseworker-a"), children_ages="3")
    assert Referral.objects.get().children == 1


@pytest.mark.parametrize(
    ("children", "ages", "message"),
    [
        ("1", "4, 9", "Escribe como máximo una edad por cada niño o niña."),
        ("", "4, x", "Escribe edades de 0 a 17, separadas por comas."),
        ("40", "", "Este valor debe ser 15 o menos."),
    ],
)
def test_a_wrong_family_is_a_clear_error_and_sends_nothing(world, children, ages, message):
    client = client_for_world(world, "caseworker-a")
    response = _create(world, client, children=children, children_ages=ages)
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_the_children_hide_with_the_needs_when_the_client_did_not_share_them(world):
    client = client_for_world(world, "caseworker-a")
    form = referral_form(world)
    form.pop("shares_needs")
    url = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    client.post(url, {**form, "children": "2", "children_ages": "4, 9"})
    referral = Referral.objects.get()
    intake = client_for_world(world, "intake-b")
    page = intake.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "edades 4, 9" not in page
    body = intake.get(f"{BASE}/{referral.pk}").json()
    assert (body["children"], body["children_ages"]) == (None, [])
    own = client.get(f"{BASE}/{referral.pk}").json()
    assert (own["children"], own["children_ages"]) == (2, [4, 9])


def test_the_api_takes_children_and_refuses_more_ages_than_children(world):
    case = client_for(world["caseworker-a"])
    made = post(
        case,
        BASE,
        payload(world, children=2, children_ages=[4, 9]),
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert made.status_code == 201, made.content
    assert (made.json()["children"], made.json()["children_ages"]) == (2, [4, 9])
    refused = post(
        case,
        BASE,
        payload(world, children=1, children_ages=[4, 9]),
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert refused.status_code == 400
    assert "children_ages" in refused.json()
    assert Referral.objects.count() == 1


def test_a_referral_opened_from_the_desk_carries_the_children_of_the_search(world):
    client = client_for_world(world, "hotline-a")
    client.post(reverse("desk:find"), {"q": "albergue", "children": "2", "children_ages": "4, 9"})
    url = reverse("referrals:create", kwargs={"service_id": world.service_b.pk})
    page = client.get(url, {"client_language": "es", "from": "desk"}).content.decode()
    assert 'name="children" value="2"' in page
    assert 'name="children_ages" value="4, 9"' in page
    # Opened from anywhere else, the form starts blank.
    plain = client.get(url, {"client_language": "es"}).content.decode()
    assert 'name="children" value="2"' not in plain


def test_a_wrong_age_in_the_api_is_one_message_in_a_list(world):
    case = client_for(world["caseworker-a"])
    refused = post(
        case,
        BASE,
        payload(world, children=2, children_ages=[4, "x"]),
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert refused.status_code == 400
    assert refused.json()["children_ages"] == ["Escribe edades de 0 a 17, separadas por comas."]
    assert not Referral.objects.exists()
