"""Steps of the database-restart fault test, each run as its own process against a private
PostgreSQL cluster (DATABASE_URL in the environment): `seed`, `move <referral id> <move>` (what
a staff request does: try, and on a lost connection try again as the user would) and `check`.
Each prints one JSON line."""

import json
import sys
import time
import uuid

import django


def seed() -> dict:
    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Role
    from tests.factories import OrganizationFactory, ServiceFactory
    from tests.fault_tests.helpers import new_referral

    users = get_user_model().objects
    caseworker = users.create_user("bob", "bob@example.org", uuid.uuid4().hex)
    intake = users.create_user("ines", "ines@example.org", uuid.uuid4().hex)
    referring_org = OrganizationFactory(name="Fundación Remitente (demo)")
    service = ServiceFactory(name="Albergue Receptor (demo)")
    Membership.objects.create(user=caseworker, organization=referring_org, role=Role.CASEWORKER)
    Membership.objects.create(user=intake, organization=service.organization, role=Role.INTAKE)
    referral = new_referral(
        caseworker=caseworker, referring_org=referring_org, receiving_service=service
    )
    return {"referral": str(referral.pk), "intake": intake.pk, "version": referral.version}


def move(referral_id: str, move_name: str, actor_id: str, version: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import Error, close_old_connections, connections

    from referrals.transitions import Conflict, Side, transition

    failures: list[str] = []
    deadline = time.monotonic() + 60
    while True:
        try:
            transition(
                referral_id,
                move_name,
                actor=get_user_model().objects.get(pk=int(actor_id)),
                acting_side=Side.RECEIVING,
                expected_version=int(version),
                reason="no_capacity",
            )
            return {"result": "done", "failures": failures}
        except Conflict as conflict:  # a retry of a move that had in fact been made
            return {"result": conflict.code, "failures": failures}
        except Error as error:
            failures.append(type(error).__name__)
            connections["default"].close()
            close_old_connections()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def check() -> dict:
    from referrals.models import ContactHandoff, HandoffKey, Outbox, Referral, ReferralEvent
    from tests.fault_tests.helpers import assert_consistent

    assert_consistent()
    referral = Referral.objects.get()
    return {
        "status": referral.status,
        "version": referral.version,
        "events": list(
            ReferralEvent.objects.order_by("at").values_list("from_status", "to_status")
        ),
        "outbox": sorted(Outbox.objects.values_list("kind", flat=True)),
        "handoff_purged": ContactHandoff.objects.get().purged_at is not None,
        "keys": HandoffKey.objects.count(),
    }


if __name__ == "__main__":
    django.setup()
    step, *arguments = sys.argv[1:]
    result = {"seed": seed, "move": move, "check": check}[step](*arguments)
    print(json.dumps(result))
