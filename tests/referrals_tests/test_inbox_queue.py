"""The inbox as a queue: open referrals first, the most urgent, then the longest waiting;
the expiry shown; the receiver sees who referred and a number to call them back."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.actions import ConsentInput, ReferralInput, make_referral
from referrals.models import Referral
from tests.referrals_tests.staff_world import client_for_world, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def refer(world, urgency: str, *, days_ago: int, status: str = "sent") -> Referral:
    made = make_referral(
        actor=world["caseworker-a"],
        organization=world.a,
        details=ReferralInput(
            service=world.service_b,
            client_language="es",
            urgency=urgency,
            idempotency_key=uuid.uuid4(),
        ),
        consent=ConsentInput(method="verbal", explained_language="es"),
        handoff=None,
    )
    Referral.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago), status=status
    )
    return made


def test_open_first_then_urgency_then_waiting_time(world):
    closed = refer(world, "urgent", days_ago=9, status="closed")
    routine_old = refer(world, "routine", days_ago=5)
    urgent_new = refer(world, "urgent", days_ago=0)
    urgent_old = refer(world, "urgent", days_ago=2)
    soon = refer(world, "soon", days_ago=1)
    page = client_for_world(world, "intake-b").get(reverse("referrals:inbox")).content.decode()
    order = sorted(
        (urgent_new, urgent_old, soon, routine_old, closed), key=lambda r: page.index(r.code)
    )
    assert order == [urgent_old, urgent_new, soon, routine_old, closed]


def test_the_receiver_sees_who_referred_and_their_number(world):
    from services.models import Phone

    world["caseworker-a"].first_name = "Rosa"
    world["caseworker-a"].last_name = "Pérez"
    world["caseworker-a"].save()
    Phone.objects.create(organization=world.a, number="+57 601 444 5555")
    referral = refer(world, "urgent", days_ago=0)
    page = (
        client_for_world(world, "intake-b")
        .get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
        .content.decode()
    )
    assert "Rosa Pérez" in page
    assert 'href="tel:+576014445555"' in page


def test_the_menu_counts_referrals_waiting_for_an_answer(world):
    refer(world, "urgent", days_ago=0)
    refer(world, "soon", days_ago=1)
    refer(world, "routine", days_ago=3, status="accepted")
    page = client_for_world(world, "intake-b").get(reverse("desk:find")).content.decode()
    assert '<span class="badge">2 ' in page
    sender = client_for_world(world, "caseworker-a").get(reverse("desk:find")).content.decode()
    assert 'class="badge"' not in sender


def test_a_sent_referral_that_changes_state_is_announced_once_to_the_sender(world):
    from referrals.transitions import Side, transition

    referral = refer(world, "urgent", days_ago=0)
    sender = client_for_world(world, "caseworker-a")
    notice = f'<li class="message"><a href="{reverse("referrals:sent")}">'
    assert notice not in sender.get(reverse("accounts:dashboard")).content.decode()
    transition(referral.pk, "accept", actor=world["intake-b"], acting_side=Side.RECEIVING)
    page = sender.get(reverse("accounts:dashboard")).content.decode()
    assert notice in page
    shown = page.split(notice)[1].split("</li>")[0]
    assert "1" in shown and referral.code not in shown and world.b.name not in shown
    sender.get(reverse("referrals:sent"))
    assert notice not in sender.get(reverse("accounts:dashboard")).content.decode()
