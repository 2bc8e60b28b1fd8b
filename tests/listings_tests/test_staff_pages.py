"""The staff pages of listings: in the staff menu for the right people, in Spanish and English,
404 for those who may not use them, and every action in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from services.models import Verification
from tests.listings_tests.conftest import url


def menu(client) -> str:
    page = client.get(url("accounts:dashboard")).content.decode()
    return page.split('class="staff-nav"', 1)[1].split("</nav>", 1)[0]


def test_the_menu_offers_each_page_to_whom_it_serves(shelter, alice, ines, bob, signed_in):
    admin = menu(signed_in(alice))
    assert all(label in admin for label in ("Plazas libres", "Fichas", "Cambios sugeridos"))
    intake = menu(signed_in(ines))
    assert "Plazas libres" in intake and "Cambios sugeridos" not in intake
    assert "Plazas libres" not in menu(signed_in(bob))


@pytest.mark.parametrize(
    "lang,words",
    [
        (
            "es",
            ["Verificación", "Sigue siendo correcta: registrar verificación", "Cambiar un campo"],
        ),
        ("en", ["Verification", "Still correct: record verification", "Change a field"]),
    ],
)
def test_the_listing_page_speaks_spanish_and_english(shelter, alice, signed_in, lang, words):
    page = signed_in(alice).get(url("listings:listing", lang=lang, pk=shelter.pk))
    assert page.status_code == 200
    for word in words:
        assert word in page.content.decode()


def test_the_pages_are_404_for_the_public_and_other_organisations(shelter, charlie, signed_in):
    anonymous = Client()
    for name in ("listings:index", "listings:queue", "listings:capacity_board"):
        assert anonymous.get(url(name)).status_code == 302  # to the sign-in page
    other = signed_in(charlie)
    assert other.post(url("listings:verify", pk=shelter.pk), {"method": "phone"}).status_code == 404
    assert not Verification.objects.exists()


def test_verifying_from_the_listing_page_is_recorded_and_audited(shelter, alice, signed_in):
    client = signed_in(alice)
    response = client.post(url("listings:verify", pk=shelter.pk), {"method": "visit"}, follow=True)
    assert "Verificación registrada." in response.content.decode()
    shelter.refresh_from_db()
    assert shelter.last_verified_method == "visit" and shelter.last_verified_by == alice
    event = AuditEvent.objects.get(action="services.listing_verified")
    assert event.actor_id == alice.pk and event.object_id == str(shelter.pk)
    bad = client.post(url("listings:verify", pk=shelter.pk), {"method": "guess"}, follow=True)
    assert "Elige cómo se comprobó la ficha." in bad.content.decode()
    assert Verification.objects.count() == 1


def test_the_index_lists_due_listings_first(make_service, shelter, alice, signed_in):
    from services.models import Service
    from tests.listings_tests.conftest import days_ago

    old = make_service("Casa Vieja", last_verified_at=days_ago(300))
    Service.objects.filter(pk=old.pk).update(organization=shelter.organization)
    page = signed_in(alice).get(url("listings:index") + "?due=1").content.decode()
    assert "Casa Vieja" in page and "Albergue Puente" not in page
    assert "pendiente de verificar" in page


def test_every_action_is_in_the_audit_log_with_a_spanish_label(shelter, alice, ines, signed_in):
    from services.listings.upkeep import report_problem

    signed_in(ines).post(url("listings:capacity", pk=shelter.pk), {"delta": "1"})
    suggestion = report_problem(service=shelter, kind="closed")
    client = signed_in(alice)
    client.post(url("listings:verify", pk=shelter.pk), {"method": "phone"})
    client.post(url("listings:decide", pk=suggestion.pk), {"to": "rejected"})
    client.post(
        url("listings:change", pk=shelter.pk),
        {"field_name": "wait_time_es", "proposed_value": "Un día", "apply": "1"},
    )
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    for action in (
        "services.capacity_updated",
        "services.problem_reported",
        "services.listing_verified",
        "services.suggestion_rejected",
        "services.change_suggested",
        "services.suggestion_accepted",
    ):
        assert action in actions
    from django.utils import translation

    from audit.labels import label

    with translation.override("es"):
        assert str(label("services.listing_verified")) == "ficha verificada"


def test_a_listing_without_any_recorded_version_opens_for_its_admin(shelter, alice, signed_in):
    # Listings loaded in bulk (the demo, an HSDS import) have no history row at all.
    shelter.history.all().delete()
    page = signed_in(alice).get(url("listings:listing", pk=shelter.pk))
    assert page.status_code == 200
    assert "Sigue siendo correcta: registrar verificación" in page.content.decode()
