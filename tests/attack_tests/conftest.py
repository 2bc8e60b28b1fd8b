"""The cast of the attack suite: organisation A refers, B receives (tests.referrals_tests'
world), referrals between them in several states, and a few public listings."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from services import models as m
from services.search.index import refresh_services
from tests.referrals_tests.staff_world import world_fixture  # noqa: F401


@pytest.fixture
def directory(db):
    """Two published listings, one at a confidential shelter, searchable."""
    services = []
    for n, confidential in ((1, False), (2, True)):
        org = m.Organization.objects.create(name=f"Org pública {n}", description="x")
        service = m.Service.objects.create(
            organization=org,
            name=f"Servicio {n}",
            name_es=f"Servicio {n}",
            last_verified_at=dt.datetime.now(dt.UTC),
        )
        location = m.Location.objects.create(
            organization=org,
            name_es=f"Sede {n}",
            location_type="physical",
            point=Point(-74.08, 4.6 + n / 100, srid=4326),
            is_confidential=confidential,
            time_zone="America/Bogota",
        )
        m.ServiceAtLocation.objects.create(service=service, location=location)
        m.Phone.objects.create(location=location, number=f"+57 601 555 010{n}", is_intake=True)
        m.Language.objects.create(service=service, code="es")
        services.append(service)
    refresh_services([s.id for s in services])
    return services


def referral_between(world, *, accepted: bool = False, to_a: bool = False):
    """A referral from A to B (or from B to A), with contact consent and a handoff."""
    import uuid

    from referrals.actions import ConsentInput, HandoffInput, ReferralInput, make_referral
    from referrals.transitions import Side, transition

    sender, organization, service = (
        (world["caseworker-b"], world.b, world.service_a)
        if to_a
        else (world["caseworker-a"], world.a, world.service_b)
    )
    referral = make_referral(
        actor=sender,
        organization=organization,
        details=ReferralInput(service=service, client_language="es", idempotency_key=uuid.uuid4()),
        consent=ConsentInput(
            method="verbal", explained_language="es", shares_contact=True, contact_channel="phone"
        ),
        handoff=HandoffInput(name="Cliente Prueba", phone="+57 300 000 1111"),
    )
    if accepted:
        receiver = world["intake-a"] if to_a else world["intake-b"]
        referral = transition(referral.pk, "accept", actor=receiver, acting_side=Side.RECEIVING)
    return referral


def token_for(user) -> str:
    """A staff API token issued the way a member gets one: the page, from a two-factor
    session. Returns the secret the page showed once."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import ApiToken, hash_token
    from tests.factories import sign_in

    # Every scope the user may hold: the attacks reach as far as the token could.
    everything = {"name": "attack", "scopes": ["referrals:read", "referrals:write", "handoff:read"]}
    page = sign_in(Client(), user).post(reverse("accounts:api_tokens"), everything)
    if page.status_code == 400:  # not intake staff: no handoff:read
        everything["scopes"] = ["referrals:read", "referrals:write"]
        page = sign_in(Client(), user).post(reverse("accounts:api_tokens"), everything)
    token = ApiToken.objects.filter(user=user).latest("created_at")
    text = page.content.decode()
    start = text.index(token.prefix)
    secret = text[start : text.index("<", start)]
    assert hash_token(secret) == token.token_hash
    return secret
