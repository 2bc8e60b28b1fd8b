"""RapidPro/TextIt's "Call webhook" step: the shared secret, its payload, and the JSON a flow
sends on."""

import json

import pytest

from channels import segments
from tests.channels_tests.conftest import SECRET, rapidpro_payload, rapidpro_post

pytestmark = pytest.mark.django_db


def test_a_flow_gets_the_answer_as_json(client, world):
    response = rapidpro_post(client, rapidpro_payload("albergue Cúcuta"))
    assert response.status_code == 200
    data = response.json()
    assert "1) Albergue Cucuta 1" in data["message"]
    assert data["language"] == "es"
    assert data["encoding"] == "GSM-7"
    assert data["segments"] == segments.count(data["message"]).segments <= 3


def test_a_whatsapp_urn_gives_the_country_by_its_calling_code(client, world):
    data = rapidpro_post(client, rapidpro_payload("danger", urn="whatsapp:17135550100")).json()
    assert "911" in data["message"].splitlines()[0]
    assert data["language"] == "en"


def test_a_flows_own_small_body_is_read_too(client, world):
    data = rapidpro_post(client, {"text": "shelter Houston", "urn": "tel:+17135550100"}).json()
    assert "Houston Shelter 1" in data["message"]


def test_a_wrong_or_missing_secret_is_refused(client, world):
    assert rapidpro_post(client, rapidpro_payload("ayuda"), secret=SECRET + "x").status_code == 403
    assert rapidpro_post(client, rapidpro_payload("ayuda"), secret="").status_code == 403


def test_without_a_secret_configured_the_endpoint_does_not_exist(client, settings, world):
    settings.RAPIDPRO_WEBHOOK_SECRET = ""
    assert rapidpro_post(client, rapidpro_payload("ayuda"), secret="").status_code == 404


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", json.dumps({"contact": {}})])
def test_a_body_that_is_not_a_message_is_a_clear_400(client, world, raw):
    response = client.post(
        "/channels/rapidpro/", raw, content_type="application/json", HTTP_X_ENLACE_SECRET=SECRET
    )
    assert response.status_code == 400
    assert "input.text" in response.json()["detail"]


def test_the_same_input_twice_is_answered_once(client, world):
    payload = rapidpro_payload("albergue Cúcuta", uuid="11111111-2222-4333-8444-555555555555")
    assert rapidpro_post(client, payload).json()["message"]
    assert rapidpro_post(client, payload).json()["message"] == ""
