"""SQL and template injection in every text input, oversize and malformed bodies, and Unicode
tricks: each is stored verbatim and shown escaped, or refused with a clear 4xx in the user's
language; never a server error, never a changed table."""

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import ApiToken, Invitation
from referrals.models import Referral
from tests.attack_tests.conftest import token_for
from tests.factories import sign_in

pytestmark = pytest.mark.django_db
API = "/api/v1/staff/referrals"

INJECTIONS = [
    "'; DROP TABLE referrals_referral; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM accounts_user WHERE ('1'='1",
    "{{ 7*7 }}",
    "{% debug %}",
    "{{ request.session }}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "${7*7} #{7*7} %s%s%n",
]
RTL = "Ana\u202egnp.exe"
ZERO_WIDTH = "Ana\u200b\u200dMaría"
HOMOGLYPH = "Аna Маría"  # Cyrillic А and М
TRICKS = [RTL, ZERO_WIDTH, HOMOGLYPH]


def page(name: str, **kwargs) -> str:
    with translation.override("es"):
        return reverse(name, kwargs=kwargs)


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def referral_body(world, text: str) -> dict:
    return {
        "service": str(world.service_b.pk),
        "organization": str(world.a.pk),
        "client_language": "es",
        "consent_method": "verbal",
        "shares_contact": True,
        "contact_channel": "phone",
        "contact_name": text,
        "contact_phone": text,
        "safe_times": text,
        "note": text,
        "idempotency_key": str(uuid.uuid4()),
    }


def test_injections_in_the_contact_fields_are_stored_verbatim_and_shown_escaped(world):
    before = tables()
    case = Client(headers={"authorization": f"Bearer {token_for(world['caseworker-a'])}"})
    intake_api = Client(headers={"authorization": f"Bearer {token_for(world['intake-b'])}"})
    intake_page = sign_in(Client(), world["intake-b"])
    for text in [*INJECTIONS, *TRICKS]:
        made = case.post(API, referral_body(world, text), content_type="application/json")
        assert made.status_code == 201, (text, made.content)
        pk = made.json()["id"]
        assert text not in made.content.decode()  # write-only: never echoed
        accept = intake_api.post(
            f"{API}/{pk}/transitions",
            {"move": "accept", "version": made.json()["version"]},
            content_type="application/json",
        )
        assert accept.status_code == 200
        handoff = intake_api.get(f"{API}/{pk}/handoff").json()
        assert handoff["name"] == text and handoff["note"] == text  # verbatim round trip
        shown = intake_page.post(page("referrals:contact", pk=pk))
        assert shown.status_code == 200
        html = shown.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        if text.startswith("{"):
            assert text in html  # printed as text, never evaluated
            assert "sql_queries" not in html and "<bdi>49</bdi>" not in html
        assert (
            f"<bdi>{escape(text)}</bdi>" in html
        )  # escaped, and isolated from the page's direction
    assert tables() == before
    assert Referral.objects.count() == len(INJECTIONS) + len(TRICKS)


def test_injections_in_every_staff_text_field_are_harmless(world):
    before = tables()
    admin = sign_in(Client(), world["org_admin-a"])
    hotline = sign_in(Client(), world["hotline-a"])
    for text in INJECTIONS:
        answers = [
            hotline.post(page("referrals:new"), {"q": text, "client_language": "es"}),
            admin.post(page("accounts:api_tokens"), {"name": text}),
            admin.post(
                page("accounts:members", organization_id=world.a.pk),
                {"email": text, "role": "intake"},
            ),
            admin.post(
                page("listings:change", pk=world.service_a.pk),
                {"field_name": "name", "proposed_value": text},
            ),
            admin.get(page("referrals:inbox"), {"status": text, "urgency": text, "page": text}),
            admin.get(page("audit:events"), {"organization": text, "action": text}),
            Client().post(page("accounts:login"), {"username": text, "password": text}),
            Client().get("/api/v1/services", {"search": text}),
            Client().get(page("services:results"), {"q": text}, follow=True),
        ]
        for answer in answers:
            assert answer.status_code < 500, (text, answer.request["PATH_INFO"])
            body = answer.content.decode()
            assert "<script>alert" not in body and "<img src=x" not in body
    # A token name is shown escaped in the list, as typed.
    listing = admin.get(page("accounts:api_tokens")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "{{ 7*7 }}" in listing
    assert tables() == before
    assert not Invitation.objects.exists()  # none of those is an e-mail address


@pytest.mark.parametrize(
    ("name", "accepted"),
    [(RTL, False), (ZERO_WIDTH, False), ("nul\x00byte", False), (HOMOGLYPH, True)],
)
def test_unicode_tricks_in_a_token_name(world, name, accepted):
    admin = sign_in(Client(), world["org_admin-a"])
    answer = admin.post(page("accounts:api_tokens"), {"name": name}, HTTP_ACCEPT_LANGUAGE="es")
    assert answer.status_code == (200 if accepted else 400)
    assert ApiToken.objects.exists() is accepted
    if not accepted and "\x00" not in name:
        assert "Usa solo letras" in answer.content.decode()


def test_a_look_alike_invitation_address_is_kept_in_punycode(world):
    admin = sign_in(Client(), world["org_admin-a"])
    admin.post(
        page("accounts:members", organization_id=world.a.pk),
        {"email": "bob@exаmple.org", "role": "intake"},  # Cyrillic а in the domain
    )
    invitation = Invitation.objects.get()
    assert invitation.email.isascii() and "xn--" in invitation.email


def test_names_with_direction_or_invisible_characters_are_refused_for_new_accounts():
    from accounts.forms import NewAccountForm

    for name in (RTL, ZERO_WIDTH, "Ana\x00"):
        form = NewAccountForm(
            email="new@example.org",
            data={
                "first_name": name,
                "last_name": "x",
                "password1": "Long-Enough-Pass-991",
                "password2": "Long-Enough-Pass-991",
            },
        )
        assert not form.is_valid() and "first_name" in form.errors
    plain = NewAccountForm(
        email="new@example.org",
        data={
            "first_name": HOMOGLYPH,
            "last_name": "Núñez",
            "password1": "Long-Enough-Pass-991",
            "password2": "Long-Enough-Pass-991",
        },
    )
    assert "first_name" not in plain.errors


# --- malformed and oversize bodies ---------------------------------------------------------


def api_client(world) -> Client:
    return Client(
        headers={
            "authorization": f"Bearer {token_for(world['caseworker-a'])}",
            "accept-language": "es",
        }
    )


def spanish_4xx(answer, *codes: int) -> None:
    assert answer.status_code in codes, (answer.status_code, answer.content[:200])
    assert answer["Content-Type"].startswith("application/json")
    detail = json.dumps(answer.json(), ensure_ascii=False)
    assert any(word in detail for word in ("solicitud", "JSON", "válid", "Tipo", "grande")), detail


def test_oversize_json_is_a_413_or_400_and_makes_nothing(world):
    client = api_client(world)
    body = json.dumps({**referral_body(world, "x"), "note": "x" * 3_000_000})
    answer = client.post(API, body, content_type="application/json")
    assert answer.status_code in (400, 413)
    assert not Referral.objects.exists()


def test_deeply_nested_json_is_a_400(world):
    client = api_client(world)
    answer = client.post(API, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    spanish_4xx(answer, 400)
    answer = client.post(
        API, '{"needs":' + "[" * 5000 + "]" * 5000 + "}", content_type="application/json"
    )
    assert answer.status_code == 400
    assert not Referral.objects.exists()


def test_invalid_utf8_and_broken_json_are_400(world):
    client = api_client(world)
    spanish_4xx(client.post(API, b'{"note": "\xff\xfe"}', content_type="application/json"), 400)
    spanish_4xx(client.post(API, b'{"note": ', content_type="application/json"), 400)
    spanish_4xx(client.post(API, b"\x00\x01\x02", content_type="application/json"), 400)
    assert not Referral.objects.exists()


def test_wrong_content_types_are_415(world):
    client = api_client(world)
    for kind, body in (
        ("text/plain", "hola"),
        ("application/xml", "<a>1</a>"),
        ("application/x-yaml", "a: 1"),
    ):
        spanish_4xx(client.post(API, body, content_type=kind), 415)
    assert not Referral.objects.exists()


def test_malformed_form_posts_on_pages_are_4xx(world):
    hotline = sign_in(Client(), world["hotline-a"])
    create = page("referrals:create", service_id=world.service_b.pk)
    bad_utf8 = hotline.post(
        create, b"note=%FF%FE&contact_name=\xff", content_type="application/x-www-form-urlencoded"
    )
    assert bad_utf8.status_code < 500
    many = "&".join(f"f{i}=1" for i in range(2000))
    too_many = hotline.post(create, many, content_type="application/x-www-form-urlencoded")
    assert too_many.status_code == 400
    huge = hotline.post(create, {"note": "x" * 3_000_000})
    assert huge.status_code in (400, 413)
    nul = hotline.post(page("referrals:new"), {"q": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="es")
    assert nul.status_code == 400 and "carácter" in nul.content.decode()
    assert not Referral.objects.exists()
