"""The consent matrix: scope × expiry × revocation × status, for every role on either side, on the
pages, the API and the slip alike. One table of expectations (`expected`), written from the
consent rules in docs/security.md and not from the code; the three layers must agree with it.

The referrals are put in each state directly, whatever the workflow would do next (a revoked
consent in an accepted referral, a closed referral whose handoff was not yet shredded): the
rules must hold in every combination, not only in the ones the workflow reaches."""

import itertools
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from referrals.actions import ConsentInput, HandoffInput, ReferralInput, make_referral
from referrals.models import Consent, Referral
from tests.factories import TaxonomyTermFactory, sign_in
from tests.referrals_tests.staff_world import CANARY, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/staff/referrals"
PHONE = "+57 300 555 4417"
NEED = "Necesidad-Matriz-5521"


@dataclass(frozen=True)
class Scope:
    name: str
    shares_needs: bool
    shares_contact: bool
    channel: str


SCOPES = [
    Scope("needs-and-contact", True, True, "phone"),
    Scope("needs-only", True, False, ""),
    Scope("contact-only", False, True, "whatsapp"),
    Scope("through-referrer", True, True, "referrer"),
]
# Before acceptance, while the receiver works with the client, after the end ("connected" is
# the same as "accepted" to every rule, and costs a quarter of the run).
STATUSES = ["sent", "accepted", "closed"]
REFERRING = {"caseworker-a", "org_admin-a"}
RECEIVING = {"intake-b", "org_admin-b"}
# Each role of both organisations (hotline staff are caseworkers to every rule here); intake-a
# and caseworker-b act for neither side of this referral.
PEOPLE = sorted(REFERRING | RECEIVING | {"intake-a", "caseworker-b"})


def expected(person: str, scope: Scope, expired: bool, revoked: bool, status: str) -> dict:
    """What `person` may see, from the rules alone."""
    in_force = not expired and not revoked
    sees = person in REFERRING or person in RECEIVING
    needs = person in REFERRING or (person in RECEIVING and in_force and scope.shares_needs)
    contact = (
        person == "intake-b"
        and status in ("accepted", "connected")
        and in_force
        and scope.shares_contact
    )
    return {
        "sees": sees,
        "needs": sees and needs,
        "contact": contact,
        "phone": contact and scope.channel != "referrer",
        "slip": person in REFERRING,
    }


def make(world, scope: Scope, expired: bool, revoked: bool, status: str) -> Referral:
    term = TaxonomyTermFactory(name_es=NEED, name_en=NEED)
    handoff = None
    if scope.shares_contact:
        handoff = HandoffInput(
            name=CANARY, phone="" if scope.channel == "referrer" else PHONE, note="nota"
        )
    referral = make_referral(
        actor=world["caseworker-a"],
        organization=world.a,
        details=ReferralInput(
            service=world.service_b,
            client_language="es",
            needs=(term,),
            age_band="26_40",
            gender="woman",
        ),
        consent=ConsentInput(
            method="verbal",
            explained_language="es",
            shares_needs=scope.shares_needs,
            shares_contact=scope.shares_contact,
            contact_channel=scope.channel,
        ),
        handoff=handoff,
    )
    Referral.objects.filter(pk=referral.pk).update(status=status)
    changes = {}
    if expired:
        changes["expires_at"] = timezone.now() - timedelta(days=1)
    if revoked:
        changes.update(revoked_at=timezone.now(), revocation_method="verbal")
    if changes:
        Consent.objects.filter(referral=referral).update(**changes)
    return referral


def page(name: str, pk) -> str:
    with translation.override("en"):
        return reverse(f"referrals:{name}", kwargs={"pk": pk})


STATES = list(itertools.product([False, True], [False, True], STATUSES))


@pytest.mark.parametrize("scope", SCOPES, ids=[s.name for s in SCOPES])
def test_pages_api_and_slip_show_what_the_consent_allows(world, scope):
    """For one scope: every expiry × revocation × status, every person, every layer."""
    referrals = {state: make(world, scope, *state) for state in STATES}
    clients = {person: sign_in(Client(), world[person]) for person in PEOPLE}
    for (expired, revoked, status), referral in referrals.items():
        for person, client in clients.items():
            want = expected(person, scope, expired, revoked, status)
            where = f"{person}, {'expired' if expired else 'live'}, "
            where += f"{'revoked' if revoked else 'standing'}, {status}: "
            check(client, referral, want, where, expired=expired, revoked=revoked)


def check(client: Client, referral: Referral, want: dict, where: str, **consent: bool) -> None:
    detail = client.get(page("detail", referral.pk), HTTP_ACCEPT_LANGUAGE="en")
    api = client.get(f"{BASE}/{referral.pk}")
    assert detail.status_code == (200 if want["sees"] else 404), where + "page"
    assert api.status_code == (200 if want["sees"] else 404), where + "api"
    if want["sees"]:
        text = detail.content.decode()
        body = api.json()
        assert (NEED in text) == want["needs"], where + "page needs"
        assert ("26 to 40" in text) == want["needs"], where + "page age band"
        assert bool(body["needs"]) == want["needs"], where + "api needs"
        assert (body["age_band"] == "26_40") == want["needs"], where + "api age band"
        assert (body["gender"] == "woman") == want["needs"], where + "api gender"
        state = "revoked" if consent["revoked"] else "expired" if consent["expired"] else "in_force"
        assert body["consent_state"] == state, where + "api consent state"
        assert CANARY not in text and CANARY not in api.content.decode()

    handoff = client.get(f"{BASE}/{referral.pk}/handoff")
    contact = client.post(page("contact", referral.pk), HTTP_ACCEPT_LANGUAGE="en")
    if want["contact"]:
        assert handoff.status_code == 200, where + "api handoff"
        assert handoff.json()["name"] == CANARY
        assert (handoff.json()["phone"] == PHONE) == want["phone"], where + "api phone"
        assert contact.status_code == 200 and CANARY in contact.content.decode()
        assert (PHONE in contact.content.decode()) == want["phone"], where + "page phone"
    else:
        assert handoff.status_code == 404, where + "api handoff"
        assert contact.status_code == 404, where + "page contact"
        assert CANARY not in handoff.content.decode() + contact.content.decode()

    slip = client.get(page("slip", referral.pk))
    assert slip.status_code == (200 if want["slip"] else 404), where + "slip"
    if want["slip"]:
        assert CANARY not in slip.content.decode() and NEED not in slip.content.decode()
