"""The staff referral pages: the whole life, who may make each move, the consent gate,
idempotency, conflicts and the canary."""

import logging
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from audit.models import AuditEvent
from referrals.actions import ConsentInput, HandoffInput, ReferralInput, make_referral
from referrals.models import ContactHandoff, Referral, Status
from referrals.tasks import deliver_pending_notifications
from referrals.transitions import Side, transition
from tests.factories import OrganizationFactory, member, sign_in
from tests.referrals_tests.staff_world import (
    CANARY,
    ROLES,
    referral_form,
    world_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db

CANARY_PARTS = (CANARY, "+57 300 555 4417", "nota-zafiro-4417")


def url(name: str, **kwargs) -> str:
    with translation.override("es"):
        return reverse(f"referrals:{name}", kwargs=kwargs)


def client_for(user) -> Client:
    return sign_in(Client(), user)


def assert_no_canary(text: str) -> None:
    for part in CANARY_PARTS:
        assert part not in text


def move(client: Client, referral: Referral, name: str, **extra):
    referral.refresh_from_db()
    return client.post(
        url("move", pk=referral.pk), {"move": name, "version": referral.version, **extra}
    )


def test_the_whole_life_through_the_pages(world, caplog):
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    case = client_for(world["caseworker-a"])
    intake = client_for(world["intake-b"])

    page = case.get(url("new") + "?client_language=es")
    assert page.status_code == 200
    form_page = case.get(url("create", service_id=world.service_b.pk) + "?client_language=es")
    assert form_page.status_code == 200
    with translation.override("es"):
        from referrals.forms import consent_script

        assert escape(consent_script("es", receiving=world.b.name)) in form_page.content.decode()
    made = case.post(url("create", service_id=world.service_b.pk), referral_form(world))
    assert made.status_code == 302, made.content.decode()[:2000]
    referral = Referral.objects.get()
    assert made["Location"] == url("made", pk=referral.pk)
    confirmation = case.get(made["Location"])
    assert referral.code in confirmation.content.decode()
    slip = case.get(url("slip", pk=referral.pk))
    slip_text = slip.content.decode()
    # The slip never names the service (it may say what the service is for).
    assert referral.code in slip_text and "Casa Refugio B" not in slip_text
    assert "+57 601 222 3333" in slip_text and 'lang="es"' in slip_text
    seen += [page.content.decode(), form_page.content.decode(), confirmation.content.decode()]
    seen.append(slip_text)

    inbox = intake.get(url("inbox"))
    assert referral.code in inbox.content.decode()
    assert move(intake, referral, "accept").status_code == 302
    opened = intake.post(url("contact", pk=referral.pk))
    assert opened.status_code == 200
    assert CANARY in opened.content.decode()
    assert "no-store" in opened["Cache-Control"]
    assert AuditEvent.objects.filter(action="referral.handoff_viewed").count() == 1
    assert move(intake, referral, "connect").status_code == 302
    assert move(intake, referral, "close", outcome="served", confirm="1").status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and referral.outcome == "served"
    assert ContactHandoff.objects.get(referral=referral).is_purged

    # The referring side follows it to the end, and never sees the contact view.
    detail = case.get(url("detail", pk=referral.pk))
    text = detail.content.decode()
    for status in ("aceptada", "en contacto", "cerrada"):
        assert status in text.lower()
    assert url("contact", pk=referral.pk) not in text
    assert case.post(url("contact", pk=referral.pk)).status_code == 404
    seen += [text, case.get(url("sent")).content.decode()]

    deliver_pending_notifications()
    assert mail.outbox
    for message in mail.outbox:
        seen += [message.subject, message.body]
    for text in seen:
        assert_no_canary(text)
    for record in caplog.records:
        assert_no_canary(record.getMessage())
        assert_no_canary(str(record.args))
    assert_no_canary(made["Location"] + url("detail", pk=referral.pk))


def _referral_in(world, status: str, *, contact: bool = True) -> Referral:
    referral = make_referral(
        actor=world["caseworker-a"],
        organization=world.a,
        details=ReferralInput(service=world.service_b, client_language="es"),
        consent=ConsentInput(
            method="verbal",
            explained_language="es",
            shares_contact=contact,
            contact_channel="phone" if contact else "",
        ),
        handoff=HandoffInput(name=CANARY) if contact else None,
    )
    path = {"sent": [], "accepted": ["accept"], "connected": ["accept", "connect"]}[status]
    for name in path:
        transition(referral.pk, name, actor=world["intake-b"], acting_side=Side.RECEIVING)
    return referral


REFERRING = {"caseworker-a", "hotline-a", "org_admin-a"}
RECEIVING = {"intake-b", "org_admin-b"}
# Hotline staff of the receiving organisation read its referrals for callers; they move none.
READERS = {"hotline-b"}
MATRIX = {
    # move: (state it is tried from, extra fields, who may make it)
    "accept": ("sent", {}, RECEIVING),
    "decline": ("sent", {"reason": "no_capacity"}, RECEIVING),
    "connect": ("accepted", {}, RECEIVING),
    "close": ("connected", {"outcome": "served", "confirm": "1"}, RECEIVING),
    "withdraw": ("sent", {"confirm": "1"}, REFERRING),
    "revoke": ("accepted", {"method": "verbal", "confirm": "1"}, REFERRING | RECEIVING),
}
PEOPLE = [f"{role}-{side}" for side in ("a", "b") for role in ROLES]


@pytest.mark.parametrize("move_name", list(MATRIX))
def test_who_may_make_each_move_on_the_pages(world, move_name):
    state, extra, allowed = MATRIX[move_name]
    outsider = member("caseworker-c", OrganizationFactory(is_verified_partner=True), "caseworker")
    for person in [*PEOPLE, "caseworker-c"]:
        user = outsider if person == "caseworker-c" else world[person]
        referral = _referral_in(world, state)
        response = move(client_for(user), referral, move_name, **extra)
        referral.refresh_from_db()
        if person in allowed:
            assert response.status_code == 302, person
            assert referral.status != state, person
        elif person in REFERRING | RECEIVING | READERS:
            assert response.status_code == 403, person
            assert referral.status == state, person
        else:
            assert response.status_code == 404, person
            assert client_for(user).get(url("detail", pk=referral.pk)).status_code == 404
        referral.delete()


def test_revocation_records_how_and_purges_the_contact(world):
    referral = _referral_in(world, "accepted")
    response = move(
        client_for(world["caseworker-a"]), referral, "revoke", method="written", confirm="1"
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.consent.revocation_method == "written"
    assert referral.consent.revoked_by == world["caseworker-a"]
    assert ContactHandoff.objects.get(referral=referral).is_purged


def test_decline_needs_a_reason_and_close_an_outcome(world):
    intake = client_for(world["intake-b"])
    referral = _referral_in(world, "sent")
    assert move(intake, referral, "decline").status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    connected = _referral_in(world, "connected")
    assert move(intake, connected, "close", confirm="1").status_code == 400


@pytest.mark.parametrize("move_name", ["close", "withdraw", "revoke"])
def test_a_move_that_cannot_be_undone_needs_a_ticked_confirmation(world, move_name):
    state, extra, allowed = MATRIX[move_name]
    person = sorted(allowed)[0]
    referral = _referral_in(world, state)
    unconfirmed = {k: v for k, v in extra.items() if k != "confirm"}
    response = move(client_for(world[person]), referral, move_name, **unconfirmed)
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == state
    assert "no se puede deshacer" in response.content.decode()
    assert move(client_for(world[person]), referral, move_name, **extra).status_code == 302


def test_a_stale_version_shows_the_conflict_message_in_spanish(world):
    intake = client_for(world["intake-b"])
    referral = _referral_in(world, "sent")
    stale = referral.version
    assert move(intake, referral, "accept").status_code == 302
    response = intake.post(
        url("move", pk=referral.pk), {"move": "decline", "version": stale, "reason": "other"}
    )
    assert response.status_code == 409
    with translation.override("es"):
        expected = translation.gettext(
            "This referral was changed by someone else a moment ago. Reload to see it."
        )
    assert expected.startswith("Otra persona")  # translated, not the English fallback
    assert expected in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_only_the_receiving_intake_opens_contact_details_after_accepting(world):
    referral = _referral_in(world, "sent")
    intake = client_for(world["intake-b"])
    assert intake.post(url("contact", pk=referral.pk)).status_code == 404  # not accepted yet
    transition(referral.pk, "accept", actor=world["intake-b"], acting_side=Side.RECEIVING)
    for person in ("caseworker-a", "org_admin-a", "org_admin-b", "intake-a"):
        assert client_for(world[person]).post(url("contact", pk=referral.pk)).status_code == 404
    assert intake.get(url("contact", pk=referral.pk)).status_code == 405
    assert intake.post(url("contact", pk=referral.pk)).status_code == 200


def test_contact_details_without_contact_consent_are_refused_and_nothing_is_stored(world):
    case = client_for(world["caseworker-a"])
    response = case.post(
        url("create", service_id=world.service_b.pk), referral_form(world, contact=False)
    )
    assert response.status_code == 200
    assert "solo se pueden compartir" in response.content.decode().lower()
    assert not Referral.objects.exists()
    data = referral_form(world, contact=False)
    for name in ("contact_name", "contact_phone", "safe_times", "note"):
        data.pop(name)
    assert case.post(url("create", service_id=world.service_b.pk), data).status_code == 302
    referral = Referral.objects.get()
    assert not ContactHandoff.objects.filter(referral=referral).exists()
    transition(referral.pk, "accept", actor=world["intake-b"], acting_side=Side.RECEIVING)
    assert client_for(world["intake-b"]).post(url("contact", pk=referral.pk)).status_code == 404


def test_a_double_submit_makes_one_referral(world):
    case = client_for(world["caseworker-a"])
    data = referral_form(world, key=str(uuid.uuid4()))
    first = case.post(url("create", service_id=world.service_b.pk), data)
    second = case.post(url("create", service_id=world.service_b.pk), data)
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1


def test_only_referring_staff_of_a_verified_partner_may_make_referrals(world):
    for person in ("intake-a", "org_admin-a", "intake-b"):
        client = client_for(world[person])
        assert client.get(url("new")).status_code == 404
        response = client.post(url("create", service_id=world.service_b.pk), referral_form(world))
        assert response.status_code == 404
    assert not Referral.objects.exists()
    assert client_for(world["hotline-a"]).get(url("new")).status_code == 200


def test_the_inbox_filters_by_status_urgency_and_age(world):
    sent = _referral_in(world, "sent")
    accepted = _referral_in(world, "accepted")
    Referral.objects.filter(pk=accepted.pk).update(urgency="urgent")
    intake = client_for(world["intake-b"])
    text = intake.get(url("inbox") + "?status=sent").content.decode()
    assert sent.code in text and accepted.code not in text
    text = intake.get(url("inbox") + "?urgency=urgent").content.decode()
    assert accepted.code in text and sent.code not in text
    assert sent.code not in intake.get(url("inbox") + "?age=old").content.decode()
    assert sent.code in intake.get(url("inbox") + "?age=today").content.decode()
    # The referring organisation's inbox does not list what it sent.
    case = client_for(world["caseworker-a"])
    assert sent.code not in case.get(url("inbox")).content.decode()
    assert sent.code in case.get(url("sent")).content.decode()


def test_the_slip_is_in_the_clients_language_and_only_for_the_referring_side(world):
    referral = _referral_in(world, "sent")
    Referral.objects.filter(pk=referral.pk).update(client_language="en")
    slip = client_for(world["caseworker-a"]).get(url("slip", pk=referral.pk))
    text = slip.content.decode()
    assert 'lang="en"' in text and "Your code:" in text and referral.code in text
    assert "Refuge House B" not in text
    assert_no_canary(text)
    assert client_for(world["intake-b"]).get(url("slip", pk=referral.pk)).status_code == 404


def test_the_hotline_flow_starts_from_search_or_a_service_link_and_the_nav_shows_it(world):
    hotline = client_for(world["hotline-a"])
    searched = hotline.post(url("new"), {"q": "Casa Refugio", "client_language": "en"})
    assert searched.status_code == 200
    assert "autofocus" in searched.content.decode()
    direct = hotline.get(url("new") + f"?service={world.service_b.pk}&client_language=en")
    assert direct.status_code == 302
    form_page = hotline.get(direct["Location"])
    text = form_page.content.decode()
    from referrals.forms import consent_script

    assert escape(consent_script("en", receiving=world.b.name)) in text and 'lang="en"' in text
    assert 'name="idempotency_key"' in text
    assert url("inbox") in hotline.get(reverse("accounts:dashboard")).content.decode()
    assert client_for(world["intake-b"]).get(url("new")).status_code == 404
