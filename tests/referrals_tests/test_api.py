"""The staff referral API: create (idempotent), list, detail, transitions (409 on conflict),
the handoff endpoint for the entitled intake only, and the schema."""

import json
import logging
import uuid

import pytest
from django.core import mail
from django.test import Client

from referrals.models import ContactHandoff, Referral, Status
from referrals.tasks import deliver_pending_notifications
from tests.factories import OrganizationFactory, member, sign_in
from tests.referrals_tests.staff_world import CANARY, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/staff/referrals"
CANARY_PARTS = (CANARY, "+57 300 555 4417", "nota-zafiro-4417")


def client_for(user) -> Client:
    return sign_in(Client(), user)


def payload(world, *, contact: bool = True, **extra) -> dict:
    data = {
        "service": str(world.service_b.pk),
        "urgency": "urgent",
        "client_language": "es",
        "consent_method": "verbal",
        "script_language": "es",
        "contact_name": CANARY,
        "contact_phone": "+57 300 555 4417",
        "note": "nota-zafiro-4417",
    }
    if contact:
        data.update(shares_contact=True, contact_channel="phone")
    data.update(extra)
    return data


def post(client: Client, path: str, data: dict, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def assert_no_canary(text: str) -> None:
    for part in CANARY_PARTS:
        assert part not in text


def test_the_whole_life_through_the_api(world, caplog):
    caplog.set_level(logging.DEBUG)
    case = client_for(world["caseworker-a"])
    intake = client_for(world["intake-b"])
    made = post(case, BASE, payload(world), HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "sent" and body["allowed_moves"] == ["withdraw", "revoke"]
    texts = [made.content.decode()]
    pk = body["id"]
    assert pk in intake.get(BASE).content.decode()
    version = body["version"]
    for move, extra in (("accept", {}), ("connect", {}), ("close", {"outcome": "served"})):
        if move == "connect":
            handoff = intake.get(f"{BASE}/{pk}/handoff")
            assert handoff.status_code == 200
            assert handoff.json()["name"] == CANARY
            assert "no-store" in handoff["Cache-Control"]
            assert case.get(f"{BASE}/{pk}/handoff").status_code == 404
        answer = post(
            intake, f"{BASE}/{pk}/transitions", {"move": move, "version": version, **extra}
        )
        assert answer.status_code == 200, answer.content
        version = answer.json()["version"]
        texts.append(answer.content.decode())
    seen = case.get(f"{BASE}/{pk}")
    assert seen.json()["status"] == "closed"
    assert [e["to_status"] for e in seen.json()["events"]] == [
        "draft",
        "sent",
        "accepted",
        "connected",
        "closed",
    ]
    texts += [seen.content.decode(), case.get(BASE).content.decode()]
    assert intake.get(f"{BASE}/{pk}/handoff").status_code == 404  # purged on close
    deliver_pending_notifications()
    texts += [m.subject + m.body for m in mail.outbox]
    for text in texts:
        assert_no_canary(text)
    for record in caplog.records:
        assert_no_canary(record.getMessage())


def test_a_retried_create_with_the_same_idempotency_key_makes_one_referral(world):
    case = client_for(world["caseworker-a"])
    key = str(uuid.uuid4())
    first = post(case, BASE, payload(world), HTTP_IDEMPOTENCY_KEY=key)
    second = post(case, BASE, payload(world), HTTP_IDEMPOTENCY_KEY=key)
    third = post(case, BASE, payload(world, idempotency_key=key))
    assert first.json()["id"] == second.json()["id"] == third.json()["id"]
    assert Referral.objects.count() == 1


def test_contact_fields_without_contact_consent_are_refused(world):
    case = client_for(world["caseworker-a"])
    refused = post(case, BASE, payload(world, contact=False))
    assert refused.status_code == 400
    assert refused.json()["code"] == "consent"
    assert not Referral.objects.exists()
    made = post(
        case,
        BASE,
        payload(world, contact=False, contact_name="", contact_phone="", note=""),
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert not ContactHandoff.objects.filter(referral_id=pk).exists()
    intake = client_for(world["intake-b"])
    post(intake, f"{BASE}/{pk}/transitions", {"move": "accept", "version": made.json()["version"]})
    assert Referral.objects.get(pk=pk).status == Status.ACCEPTED
    assert intake.get(f"{BASE}/{pk}/handoff").status_code == 404


def test_a_stale_version_is_a_409_with_the_message(world):
    case = client_for(world["caseworker-a"])
    made = post(case, BASE, payload(world)).json()
    intake = client_for(world["intake-b"])
    url = f"{BASE}/{made['id']}/transitions"
    assert post(intake, url, {"move": "accept", "version": made["version"]}).status_code == 200
    lost = post(
        intake,
        url,
        {"move": "decline", "version": made["version"], "reason": "no_capacity"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert lost.status_code == 409
    assert lost.json()["code"] == "stale" and lost.json()["detail"]
    # A current version but a move the state does not allow: still a conflict, not a 500.
    current = Referral.objects.get(pk=made["id"]).version
    again = post(intake, url, {"move": "accept", "version": current})
    assert again.status_code == 409 and again.json()["code"] == "state"


def test_another_organisations_referral_is_a_404_and_a_wrong_side_move_a_403(world):
    made = post(client_for(world["caseworker-a"]), BASE, payload(world)).json()
    pk = made["id"]
    outsider = member("caseworker-c", OrganizationFactory(is_verified_partner=True), "caseworker")
    for user in (outsider, world["caseworker-b"], world["intake-a"]):
        client = client_for(user)
        assert client.get(f"{BASE}/{pk}").status_code == 404
        assert client.get(f"{BASE}/{pk}/handoff").status_code == 404
        answer = post(client, f"{BASE}/{pk}/transitions", {"move": "withdraw", "version": 2})
        assert answer.status_code == 404
        assert pk not in client.get(BASE).content.decode()
    wrong_side = post(
        client_for(world["caseworker-a"]),
        f"{BASE}/{pk}/transitions",
        {"move": "accept", "version": made["version"]},
    )
    assert wrong_side.status_code == 403
    assert post(client_for(world["intake-b"]), BASE, payload(world)).status_code == 404


def test_the_api_needs_two_factors(world):
    client = Client()
    client.force_login(world["caseworker-a"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(BASE).status_code == 403
    # No credentials at all: 401, naming the bearer-token scheme (accounts.api.authentication).
    assert Client().get(BASE).status_code == 401


def test_the_staff_schema_describes_the_referral_endpoints_for_staff_only(world):
    schema = client_for(world["caseworker-a"]).get("/api/v1/staff/schema/?format=json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/staff/referrals", "/transitions", "/handoff"):
        assert path in text
    assert Client().get("/api/v1/staff/schema/").status_code == 401
    public = Client().get("/api/schema/?format=json").content.decode()
    assert "/api/v1/staff/" not in public


@pytest.mark.parametrize(
    "move_name", ["accept", "decline", "connect", "close", "withdraw", "revoke"]
)
def test_who_may_make_each_move_through_the_api(world, move_name):
    from tests.referrals_tests.test_pages import (
        MATRIX,
        PEOPLE,
        READERS,
        RECEIVING,
        REFERRING,
        _referral_in,
    )

    state, extra, allowed = MATRIX[move_name]
    fields = {"reason": extra.get("reason") or extra.get("method", ""), **extra}
    fields.pop("method", None)
    for person in PEOPLE:
        referral = _referral_in(world, state)
        referral.refresh_from_db()
        answer = post(
            client_for(world[person]),
            f"{BASE}/{referral.pk}/transitions",
            {"move": move_name, "version": referral.version, **fields},
        )
        referral.refresh_from_db()
        if person in allowed:
            assert answer.status_code == 200, (person, answer.content)
        elif person in REFERRING | RECEIVING | READERS:
            assert answer.status_code == 403, person
            assert referral.status == state
        else:
            assert answer.status_code == 404, person
        referral.delete()
