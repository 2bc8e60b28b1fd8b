import threading
import uuid

import pytest
from django.db import connection

from referrals.actions import ReferralInput, make_referral
from referrals.models import Referral, ReferralEvent, Status
from referrals.transitions import Conflict, Side, transition
from tests.referrals_tests.conftest import consent_with_contact


def race(*calls):
    """Runs the calls at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # collected for the assertions
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_accept_and_decline_at_once_exactly_one_wins_and_the_other_is_told(sent_referral, intake):
    outcomes = race(
        lambda: transition(sent_referral.pk, "accept", actor=intake, acting_side=Side.RECEIVING),
        lambda: transition(
            sent_referral.pk,
            "decline",
            actor=intake,
            acting_side=Side.RECEIVING,
            reason="no_capacity",
        ),
    )
    winners = [o for o in outcomes if isinstance(o, Referral)]
    losers = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    final = Referral.objects.get(pk=sent_referral.pk)
    assert final.status == winners[0].status
    answers = ReferralEvent.objects.filter(
        referral=final, to_status__in=[Status.ACCEPTED, Status.DECLINED]
    )
    assert answers.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_sending_the_same_form_twice_at_once_makes_one_referral(
    referring_org, receiving_service, caseworker
):
    key = uuid.uuid4()

    def submit():
        return make_referral(
            actor=caseworker,
            organization=referring_org,
            details=ReferralInput(
                service=receiving_service, client_language="es", idempotency_key=key
            ),
            consent=consent_with_contact(),
            handoff=None,
        )

    outcomes = race(submit, submit)
    assert all(isinstance(o, Referral) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Referral.objects.count() == 1
