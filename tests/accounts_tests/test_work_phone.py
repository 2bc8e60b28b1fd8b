"""A member's work phone: set by the member or their organisation's admin, checked as every
phone number is, shown to the receiving side of the member's referrals and to nobody else."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from audit.models import AuditEvent
from tests.referrals_tests.staff_world import client_for_world, world_fixture  # noqa: F401
from tests.referrals_tests.test_code_lookup import sent_referral

pytestmark = pytest.mark.django_db
NUMBER = "+57 300 765 4321"  # as typed
STORED = "+573007654321"  # E.164
SHOWN = "+57 300 7654321"  # as a page shows it


def _membership(world, name: str) -> Membership:
    return Membership.objects.get(user=world[name])


def test_a_member_sets_their_own_work_phone_and_the_log_keeps_no_number(world):
    client = client_for_world(world, "caseworker-a")
    mine = _membership(world, "caseworker-a")
    page = client.get(reverse("accounts:work_phone"))
    assert page.status_code == 200
    assert world.a.name in page.content.decode()
    response = client.post(
        reverse("accounts:work_phone"),
        {"membership": mine.pk, "work_phone": "  +57 300  765 4321 "},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.work_phone == STORED
    event = AuditEvent.objects.filter(action="accounts.work_phone_changed").get()
    assert event.object_id == str(mine.pk)
    assert "765" not in str(event.details)


def test_a_bad_work_phone_is_a_clear_error_in_the_members_language_and_changes_nothing(world):
    client = client_for_world(world, "caseworker-a")
    mine = _membership(world, "caseworker-a")
    response = client.post(
        "/es/staff/work-phone/", {"membership": mine.pk, "work_phone": "llámame=1+1"}
    )
    assert response.status_code == 400
    assert "no tiene código de país" in response.content.decode()
    mine.refresh_from_db()
    assert mine.work_phone == ""


def test_a_member_cannot_set_another_members_work_phone(world):
    client = client_for_world(world, "caseworker-a")
    other = _membership(world, "hotline-a")
    response = client.post(
        reverse("accounts:work_phone"), {"membership": other.pk, "work_phone": NUMBER}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.work_phone == ""


@pytest.mark.parametrize(("person", "allowed"), [("org_admin-a", True), ("org_admin-b", False)])
def test_an_organisation_admin_sets_their_members_work_phone(world, person, allowed):
    target = _membership(world, "caseworker-a")
    url = reverse("accounts:member", args=[world.a.pk, target.pk])
    response = client_for_world(world, person).post(
        url, {"do": "work_phone", "membership": target.pk, "work_phone": NUMBER}
    )
    assert response.status_code == (302 if allowed else 404)
    target.refresh_from_db()
    assert (target.work_phone == STORED) is allowed


# The referral is sent by caseworker-a (organisation A) to organisation B.
RECEIVING = ["intake-b", "org_admin-b", "hotline-b"]
NOT_RECEIVING = ["caseworker-a", "hotline-a", "org_admin-a"]
NO_ACCESS = ["caseworker-b", "intake-a"]


@pytest.mark.parametrize("person", RECEIVING + NOT_RECEIVING + NO_ACCESS)
def test_the_referrers_work_phone_shows_only_to_the_receiving_side(world, person):
    Membership.objects.filter(user=world["caseworker-a"]).update(work_phone=STORED)
    referral = sent_referral(world)
    client = client_for_world(world, person)
    response = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
    page = response.content.decode()
    if person in NO_ACCESS:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert (SHOWN in page) is (person in RECEIVING)
        assert ("data-referrer-work-phone" in page) is (person in RECEIVING)
    if person in RECEIVING:
        assert 'href="tel:+573007654321"' in page
    api = client.get(reverse("referrals_api:referral-detail", kwargs={"pk": referral.pk}))
    assert "7654321" not in api.content.decode()
    assert "7654321" not in client.get(reverse("referrals:inbox")).content.decode()


def test_a_referrer_who_left_the_organisation_shows_no_work_phone(world):
    Membership.objects.filter(user=world["caseworker-a"]).update(work_phone=STORED)
    referral = sent_referral(world)
    Membership.objects.filter(user=world["caseworker-a"]).update(is_active=False)
    page = client_for_world(world, "intake-b").get(
        reverse("referrals:detail", kwargs={"pk": referral.pk})
    )
    assert "7654321" not in page.content.decode()


def test_a_bad_number_from_the_admin_is_a_clear_error_and_changes_nothing(world):
    target = _membership(world, "caseworker-a")
    url = reverse("accounts:member", args=[world.a.pk, target.pk])
    response = client_for_world(world, "org_admin-a").post(
        url, {"do": "work_phone", "membership": target.pk, "work_phone": "12"}
    )
    assert response.status_code == 400
    assert "no tiene código de país" in response.content.decode()
    target.refresh_from_db()
    assert target.work_phone == ""
