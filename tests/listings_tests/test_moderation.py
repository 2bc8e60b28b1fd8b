"""The moderation queue: public reports and staff suggestions wait for the listing's
organisation admin or a steward, who accepts (the change applies, with the suggestion as its
source in the history), rejects (nothing changes) or asks for a visit."""

from __future__ import annotations

from django.test import Client

from audit.models import AuditEvent
from services.listings.upkeep import report_problem
from services.models import Phone, Service, Suggestion
from services.search import SearchParams, search
from tests.listings_tests.conftest import url


def decide(client, suggestion, to):
    return client.post(url("listings:decide", pk=suggestion.pk), {"to": to})


def test_the_queue_shows_the_listings_admin_their_reports_only(shelter, alice, charlie, signed_in):
    report_problem(service=shelter, kind="closed")
    page = signed_in(alice).get(url("listings:queue"))
    assert page.status_code == 200 and "Albergue Puente" in page.content.decode()
    assert "Aceptar" in page.content.decode() and "Pedir una visita" in page.content.decode()
    other = signed_in(charlie).get(url("listings:queue")).content.decode()
    assert "Albergue Puente" not in other


def test_accepting_a_closed_report_takes_the_listing_out_of_search(shelter, alice, signed_in):
    suggestion = report_problem(service=shelter, kind="closed")
    assert decide(signed_in(alice), suggestion, "accepted").status_code == 302
    shelter.refresh_from_db()
    assert shelter.status == Service.Status.INACTIVE
    assert shelter.id not in [h.service.id for h in search(SearchParams(), lang="es").hits]
    latest = shelter.history.latest()
    assert latest.history_change_reason == f"suggestion {suggestion.pk} (public)"
    assert latest.history_user == alice
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted" and suggestion.decided_by == alice
    event = AuditEvent.objects.get(action="services.suggestion_accepted")
    assert event.actor_id == alice.pk and event.organization_id == shelter.organization_id


def test_accepting_a_dead_number_removes_it_and_keeps_it_in_history(shelter, stella, signed_in):
    phone = shelter.phones.get(service=shelter)
    suggestion = report_problem(service=shelter, kind="phone_not_working", phone=phone)
    decide(signed_in(stella), suggestion, "accepted")  # a steward of another organisation
    assert not Phone.objects.filter(pk=phone.pk).exists()
    deleted = Phone.history.filter(id=phone.pk).latest()
    assert deleted.history_type == "-" and deleted.number == "+57 300 111 2222"
    assert deleted.history_change_reason == f"suggestion {suggestion.pk} (public)"
    page = Client().get(url("services:service", pk=shelter.pk)).content.decode()
    assert "+57 300 111 2222" not in page


def test_rejecting_changes_nothing_and_a_visit_keeps_it_waiting(shelter, alice, signed_in):
    client = signed_in(alice)
    rejected = report_problem(service=shelter, kind="closed")
    decide(client, rejected, "rejected")
    shelter.refresh_from_db()
    assert shelter.status == "active"
    visit = report_problem(service=shelter, kind="closed")
    assert visit.pk != rejected.pk  # the rejected one no longer counts as waiting
    decide(client, visit, "visit")
    visit.refresh_from_db()
    assert visit.status == "visit"
    # A decided suggestion cannot be decided again the same way; a visit can still end.
    response = decide(client, visit, "visit")
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=visit.pk).status == "visit"
    decide(client, visit, "accepted")
    assert Suggestion.objects.get(pk=visit.pk).status == "accepted"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "services.suggestion_rejected",
        "services.suggestion_visit",
        "services.suggestion_accepted",
    } <= actions


def test_someone_else_cannot_decide(shelter, charlie, bob, signed_in):
    suggestion = report_problem(service=shelter, kind="closed")
    for person in (charlie, bob):
        assert decide(signed_in(person), suggestion, "accepted").status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == "open"


def test_staff_suggest_any_field_and_the_admin_accepts_it(shelter, bob, alice, signed_in):
    response = signed_in(bob).post(
        url("listings:change", pk=shelter.pk),
        {"field_name": "description_en", "proposed_value": "Beds for women and children."},
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.source == "staff" and suggestion.suggested_by == bob
    shelter.refresh_from_db()
    assert not shelter.description_en  # waits for a moderator
    decide(signed_in(alice), suggestion, "accepted")
    shelter.refresh_from_db()
    assert shelter.description_en == "Beds for women and children."
    assert shelter.history.latest().history_change_reason == f"suggestion {suggestion.pk} (staff)"


def test_a_bad_suggestion_is_refused_with_a_reason(shelter, bob, signed_in):
    client = signed_in(bob)
    for data, message in (
        ({"field_name": "organization", "proposed_value": "x"}, "no se puede cambiar"),
        ({"field_name": "minimum_age", "proposed_value": "muchos"}, "numero entero"),
        ({"field_name": "url", "proposed_value": "no es una web"}, "URL válida"),
    ):
        response = client.post(url("listings:change", pk=shelter.pk), data, follow=True)
        assert message in response.content.decode(), data
    assert not Suggestion.objects.exists()


def test_an_admin_edits_directly_with_provenance(shelter, alice, signed_in):
    signed_in(alice).post(
        url("listings:change", pk=shelter.pk),
        {"field_name": "is_free", "proposed_value": "sí", "apply": "1"},
    )
    shelter.refresh_from_db()
    assert shelter.is_free is True
    assert Suggestion.objects.get().status == "accepted"
    assert AuditEvent.objects.filter(action="services.change_suggested").exists()
