"""Finding a referral by the code a caller reads out: as a person reads it, only among the
referrals the member may see, the same answer for a code elsewhere as for no code at all,
throttled per member and audited by id."""

import uuid

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from referrals.actions import ConsentInput, ReferralInput, make_referral
from referrals.desk import throttle
from services.models import TaxonomyTerm
from tests.referrals_tests.staff_world import CANARY, client_for_world, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(world):
    return sent_referral(world)


def sent_referral(world):
    """A referral from A to B, sent."""
    need = TaxonomyTerm.objects.order_by("code").first()
    made = make_referral(
        actor=world["caseworker-a"],
        organization=world.a,
        details=ReferralInput(
            service=world.service_b,
            client_language="es",
            urgency="urgent",
            needs=(need.pk,) if need else (),
            idempotency_key=uuid.uuid4(),
        ),
        consent=ConsentInput(method="verbal", explained_language="es", shares_needs=True),
        handoff=None,
    )
    return made


def misread(code: str) -> str:
    """The code as a caller might read it: small letters, spaces instead of dashes, a 0 heard
    as O and a 1 as I."""
    body = code.removeprefix("ENL-").replace("-", "")
    spoken = body.lower().replace("0", "o").replace("1", "i")
    return f"enl {spoken[:4]} {spoken[4:]}"


def look_up(client, code: str):
    return client.post(reverse("desk:lookup"), {"code": code})


@pytest.mark.parametrize(
    "person", ["caseworker-a", "hotline-a", "org_admin-a", "intake-b", "hotline-b", "org_admin-b"]
)
def test_a_misread_code_finds_the_referral_for_both_sides(world, referral, person):
    response = look_up(client_for_world(world, person), misread(referral.code))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})


@pytest.mark.parametrize("person", ["caseworker-b", "intake-a"])
def test_a_code_elsewhere_answers_exactly_as_a_code_that_does_not_exist(world, referral, person):
    client = client_for_world(world, person)
    elsewhere = look_up(client, referral.code)
    from referrals.codes import new_code

    nowhere_code = new_code()
    while nowhere_code == referral.code:
        nowhere_code = new_code()
    nowhere = look_up(client, nowhere_code)
    assert elsewhere.status_code == nowhere.status_code == 404
    assert _same_but_tokens(elsewhere, nowhere, referral.code, nowhere_code)


def _same_but_tokens(a, b, code_a, code_b) -> bool:
    import re

    def clean(response, code):
        text = response.content.decode().replace(code, "CODE")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    return clean(a, code_a) == clean(b, code_b)


def test_a_wrong_check_character_is_caught_before_any_look_up(world, referral):
    code = referral.code
    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    response = look_up(client_for_world(world, "caseworker-a"), wrong)
    assert response.status_code == 400
    assert (
        "read it again" in response.content.decode() or "lea de nuevo" in response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="referral.looked_up").exists()


def test_every_look_up_is_audited_by_id_only(world, referral):
    client = client_for_world(world, "hotline-b")
    look_up(client, misread(referral.code))
    event = AuditEvent.objects.get(action="referral.looked_up")
    assert event.object_id == str(referral.pk)
    assert event.organization_id == world.b.pk
    assert referral.code not in str(event.details)
    look_up(client_for_world(world, "caseworker-b"), referral.code)
    missed = AuditEvent.objects.get(action="referral.lookup_missed")
    assert referral.code not in str(missed.details)
    assert not missed.object_id


def test_receiving_hotline_staff_read_status_and_needs_but_make_no_move(world, referral):
    client = client_for_world(world, "hotline-b")
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert referral.get_status_display() in page
    assert 'name="move"' not in page
    assert CANARY not in page
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert str(referral.pk) in inbox
    contact = client.post(reverse("referrals:contact", kwargs={"pk": referral.pk}))
    assert contact.status_code == 404


def test_look_ups_are_throttled_per_member(world, referral, settings):
    client = client_for_world(world, "caseworker-a")
    for _ in range(throttle.LOOKUP_LIMIT):
        assert look_up(client, referral.code).status_code == 302
    assert look_up(client, referral.code).status_code == 429
    # Another member has their own allowance.
    assert look_up(client_for_world(world, "hotline-a"), referral.code).status_code == 302


def test_with_redis_down_a_look_up_still_answers(world, referral, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = look_up(client_for_world(world, "caseworker-a"), misread(referral.code))
    assert response.status_code == 302


def test_the_code_box_is_on_every_staff_page(world):
    client = client_for_world(world, "intake-b")
    for name in ("accounts:dashboard", "referrals:inbox", "desk:find"):
        page = client.get(reverse(name)).content.decode()
        assert f'action="{reverse("desk:lookup")}"' in page
