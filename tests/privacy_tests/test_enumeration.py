"""Nobody who is not entitled can guess or confirm a referral, a referral code, an organisation's
staff or a membership: "exists but not yours" and "does not exist" give the same status, the same
body (once the id typed in is blanked), the same headers, and run the same number of SQL queries
(the timing check that is not a timed assertion: equal work, nothing to measure)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from accounts.models import Invitation, Membership
from referrals.actions import ConsentInput, HandoffInput, ReferralInput, make_referral
from referrals.models import Referral
from tests.factories import OrganizationFactory, member, sign_in
from tests.privacy_tests import canaries as c
from tests.referrals_tests.staff_world import world_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value=")[^"]+|("csrfToken": ")[^"]+')
# Headers that differ from one request to the next whatever the record.
_VARYING = {"date", "expires", "x-request-id", "set-cookie", "content-length"}


def es(name: str, **kwargs) -> str:
    with translation.override("es"):
        return reverse(name, kwargs=kwargs)


def _referral(world) -> Referral:
    return make_referral(
        actor=world["caseworker-a"],
        organization=world.a,
        details=ReferralInput(service=world.service_b, client_language="es"),
        consent=ConsentInput(
            method="verbal", explained_language="es", shares_contact=True, contact_channel="phone"
        ),
        handoff=HandoffInput(name=c.HANDOFF["name"]),
    )


@pytest.fixture
def outsiders(world) -> dict:
    """Staff who may not see the referral: a verified partner's caseworker and intake outside it,
    an unverified organisation's admin, and members of the two organisations in roles that do
    not reach it (intake at the referring side, a caseworker at the receiving side; hotline
    staff of the receiving side read its received referrals, so they are not outsiders)."""
    partner = OrganizationFactory(name="Otra Aliada D", is_verified_partner=True)
    unverified = OrganizationFactory(name="Colectivo E", is_verified_partner=False)
    return {
        "caseworker-d": member("caseworker-d", partner, "caseworker"),
        "intake-d": member("intake-d", partner, "intake"),
        "org_admin-e": member("org_admin-e", unverified, "org_admin"),
        "intake-a": world["intake-a"],
        "caseworker-b": world["caseworker-b"],
    }


def _normal(body: bytes, typed: list[str]) -> str:
    text = body.decode("utf-8", errors="replace")
    for value in typed:
        if len(value) >= 8:  # a short integer id would blank unrelated digits
            text = text.replace(value, "<typed>")
    text = _TOKEN.sub(r"\1\2<token>", text)
    return _UUID.sub("<uuid>", text)


def _answer(client: Client, method: str, path: str, data: dict | None, typed: list[str]):
    with CaptureQueriesContext(connection) as queries:
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data or {}, content_type="application/json")
    headers = {k.lower(): v for k, v in response.items() if k.lower() not in _VARYING}
    for name, value in headers.items():
        headers[name] = _normal(value.encode(), typed)
    return response.status_code, _normal(response.content, typed), headers, len(queries)


def assert_uniform(
    client: Client,
    method: str,
    path_for: Callable[[str], str],
    real: str,
    data: dict | None = None,
    *,
    who: str,
) -> None:
    fake = str(uuid.uuid4()) if _UUID.fullmatch(real) else _fake_like(real)
    _answer(client, method, path_for(fake), data, [fake])  # warm caches the same way for both
    existing = _answer(client, method, path_for(real), data, [real])
    missing = _answer(client, method, path_for(fake), data, [fake])
    label = f"{who} {method} {path_for(real).replace(real, '<id>')}"
    assert existing[0] == 404, label
    assert existing[0] == missing[0], label
    assert existing[1] == missing[1], f"{label}: the bodies differ"
    assert existing[2] == missing[2], f"{label}: the headers differ"
    assert existing[3] == missing[3], f"{label}: {existing[3]} vs {missing[3]} SQL queries"


def _fake_like(real: str) -> str:
    """A value of the same shape that names nothing (another integer id, another code)."""
    if real.isdigit():
        return str(int(real) + 100_000)
    return "ENL-0000-000" + ("0" if not real.endswith("0") else "1")


REFERRAL_PAGES = [
    ("GET", "referrals:detail"),
    ("GET", "referrals:made"),
    ("GET", "referrals:slip"),
    ("POST", "referrals:move"),
    ("POST", "referrals:contact"),
]
REFERRAL_API = [
    ("GET", "/api/v1/staff/referrals/{}"),
    ("GET", "/api/v1/staff/referrals/{}/handoff"),
    ("POST", "/api/v1/staff/referrals/{}/transitions"),
]


def test_a_referral_id_cannot_be_confirmed_by_anyone_outside_it(world, outsiders):
    referral = _referral(world)
    real = str(referral.pk)
    for who, user in outsiders.items():
        client = sign_in(Client(enforce_csrf_checks=False), user)
        for method, name in REFERRAL_PAGES:
            data = {"move": "accept", "version": 1} if name.endswith("move") else None
            assert_uniform(client, method, lambda pk, n=name: es(n, pk=pk), real, data, who=who)
        for method, pattern in REFERRAL_API:
            data = {"move": "accept", "version": 1} if "transitions" in pattern else None
            assert_uniform(client, method, pattern.format, real, data, who=who)


def test_the_handoff_of_a_referral_one_may_see_answers_like_one_that_does_not_exist(world):
    """The referring caseworker sees the referral but not its contact view: that view, and the
    handoff of a referral not yet accepted, are 404s indistinguishable from a made-up id."""
    referral = _referral(world)
    for who in ("caseworker-a", "intake-b", "org_admin-b"):
        client = sign_in(Client(), world[who])
        assert_uniform(
            client, "POST", lambda pk: es("referrals:contact", pk=pk), str(referral.pk), who=who
        )
        assert_uniform(
            client, "GET", "/api/v1/staff/referrals/{}/handoff".format, str(referral.pk), who=who
        )


def test_anonymous_and_half_signed_in_visitors_learn_nothing_from_a_referral_id(world):
    referral = _referral(world)
    no_second_factor = Client()
    no_second_factor.force_login(
        world["intake-b"], backend="django.contrib.auth.backends.ModelBackend"
    )
    for who, client in (("anonymous", Client()), ("no second factor", no_second_factor)):
        for method, name in REFERRAL_PAGES:
            responses = [
                _answer(client, method, es(name, pk=pk), {}, [pk])
                for pk in (str(referral.pk), str(uuid.uuid4()))
            ]
            assert responses[0] == responses[1], (who, name)
        for method, pattern in REFERRAL_API:
            responses = [
                _answer(client, method, pattern.format(pk), {}, [pk])
                for pk in (str(referral.pk), str(uuid.uuid4()))
            ]
            assert responses[0] == responses[1], (who, pattern)


def _all_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _all_patterns(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def test_no_address_looks_a_referral_up_by_its_code_so_there_is_nothing_to_guess():
    """Codes are read to the client and typed by nobody into Enlace: no URL takes one (staff
    reach a referral by its random UUID), so codes cannot be enumerated or confirmed, and no
    code-lookup throttle is needed. A URL that takes a `code` must be a region's."""
    for route, pattern in _all_patterns(get_resolver()):
        if "code" in pattern.pattern.converters or "<str:code>" in route or "code>" in route:
            assert pattern.lookup_str.startswith("services.public.views"), route


def test_a_referral_code_typed_anywhere_confirms_nothing(world, outsiders):
    referral = _referral(world)
    real = referral.code
    client = sign_in(Client(), outsiders["caseworker-d"])
    for path_for in (
        lambda code: es("referrals:inbox") + f"?q={code}",
        lambda code: es("referrals:sent") + f"?q={code}",
        lambda code: f"/api/v1/staff/referrals?code={code}",
        lambda code: f"/api/v1/staff/referrals?search={code}",
    ):
        fake = _fake_like(real)
        assert _answer(client, "GET", path_for(real), None, [real]) == _answer(
            client, "GET", path_for(fake), None, [fake]
        )
    anonymous = Client()
    with translation.override("es"):
        region = reverse("services:region", kwargs={"code": "X"}).replace("/X/", "/{}/")
    assert_uniform(anonymous, "GET", region.format, real, who="anonymous")


def test_an_organisations_staff_and_memberships_cannot_be_confirmed_from_outside(world, outsiders):
    membership = Membership.objects.get(user=world["intake-b"])
    invitation = Invitation.objects.create(
        organization=world.b,
        email="nueva@example.org",
        role="intake",
        token_hash="0" * 64,
        invited_by=world["org_admin-b"],
        expires_at="2999-01-01T00:00:00Z",
    )
    for who in ("caseworker-d", "org_admin-e", "intake-a"):
        client = sign_in(Client(), outsiders[who])
        assert_uniform(
            client,
            "GET",
            lambda org: es("accounts:members", organization_id=org),
            str(world.b.pk),
            who=who,
        )
        assert_uniform(
            client,
            "GET",
            lambda mid: es("accounts:member", organization_id=world.b.pk, membership_id=mid),
            str(membership.pk),
            who=who,
        )
        assert_uniform(
            client,
            "POST",
            lambda iid: es(
                "accounts:revoke_invitation", organization_id=world.b.pk, invitation_id=iid
            ),
            str(invitation.pk),
            who=who,
        )
        assert_uniform(
            client, "GET", "/api/staff/memberships/{}/".format, str(membership.pk), who=who
        )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
