"""Each member is told about a referral in the language they chose, one message per language."""

import pytest
from django.core import mail

from referrals.actions import ConsentInput, ReferralInput, make_referral
from referrals.tasks import deliver_pending_notifications
from tests.referrals_tests.staff_world import world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _new_referral(world):
    return make_referral(
        actor=world["caseworker-a"],
        organization=world.a,
        details=ReferralInput(service=world.service_b, client_language="ht"),
        consent=ConsentInput(method="verbal", explained_language="ht", shares_contact=False),
        handoff=None,
    )


def _messages_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.bcc]


def test_a_member_who_reads_portuguese_gets_the_new_referral_in_portuguese(world):
    intake = world["intake-b"]
    intake.language = "pt"
    intake.save(update_fields=["language"])
    referral = _new_referral(world)

    deliver_pending_notifications()

    [portuguese] = _messages_to(intake.email)
    assert portuguese.bcc == [intake.email]  # alone: the Spanish readers get their own copy
    assert portuguese.subject == f"Novo encaminhamento {referral.code} para Casa Refugio B"
    assert "Entre no Enlace para ler:" in portuguese.body
    assert "Esta mensagem nunca traz dados sobre a pessoa encaminhada." in portuguese.body
    assert (
        portuguese.extra_headers["Message-ID"]
        == f"<outbox-{referral.notifications.get().pk}-pt@enlace>"
    )

    [spanish] = _messages_to(world["org_admin-b"].email)
    assert intake.email not in spanish.bcc
    assert spanish.subject == f"Nueva derivación {referral.code} para Casa Refugio B"
    assert (
        spanish.extra_headers["Message-ID"] == f"<outbox-{referral.notifications.get().pk}@enlace>"
    )


def test_members_who_chose_nothing_are_written_to_in_spanish_in_one_message(world):
    referral = _new_referral(world)

    deliver_pending_notifications()

    [message] = mail.outbox
    assert sorted(message.bcc) == sorted([world["intake-b"].email, world["org_admin-b"].email])
    assert message.subject.startswith(f"Nueva derivación {referral.code}")
