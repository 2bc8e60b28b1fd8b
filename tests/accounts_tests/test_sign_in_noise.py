"""Failed sign-ins for made-up names cannot bloat the audit log: after the first few of an
address in an hour only counts are audited, and an hour's events are bounded overall."""

import uuid

from django.db.models import Q

from audit.models import AuditEvent
from tests.accounts_tests.conftest import password_step

FAILURES = Q(action__in=["accounts.signin_failed", "accounts.signin_failures_counted"])


def test_random_names_from_one_client_write_a_handful_of_rows(client, db, settings):
    settings.SIGNIN_FAILURES_AUDITED_PER_ADDRESS = 3
    for _ in range(12):
        password_step(client, f"random-{uuid.uuid4().hex[:8]}", "x", REMOTE_ADDR="198.51.100.7")

    one_by_one = AuditEvent.objects.filter(action="accounts.signin_failed")
    counted = AuditEvent.objects.filter(action="accounts.signin_failures_counted").order_by("id")
    assert one_by_one.count() == 3
    assert [e.details["count"] for e in counted] == [6, 12]
    address = counted[0].details["address"]
    assert len(address) == 16 and "198.51.100.7" not in str(counted[0].details)
    assert {e.details["address"] for e in counted} == {address}


def test_rotating_addresses_and_names_is_bounded_by_the_hourly_budget(client, db, settings):
    settings.SIGNIN_FAILURES_AUDITED_PER_ADDRESS = 1
    settings.SIGNIN_FAILURE_EVENTS_PER_HOUR = 3
    for n in range(24):
        password_step(client, f"random-{n}", "x", REMOTE_ADDR=f"203.0.113.{n}")

    assert AuditEvent.objects.filter(FAILURES).count() == 3 + 3
    totals = AuditEvent.objects.filter(
        action="accounts.signin_failures_counted", details__address="*"
    ).values_list("details__count", flat=True)
    assert sorted(totals) == [6, 12, 24]


def test_the_counts_are_per_address(client, db, settings):
    settings.SIGNIN_FAILURES_AUDITED_PER_ADDRESS = 1
    for address in ("198.51.100.7", "198.51.100.8"):
        for _ in range(2):
            password_step(client, "nobody-here", "x", REMOTE_ADDR=address)
    counted = AuditEvent.objects.filter(action="accounts.signin_failures_counted")
    assert AuditEvent.objects.filter(action="accounts.signin_failed").count() == 2
    assert sorted(e.details["count"] for e in counted) == [2, 2]
    assert len({e.details["address"] for e in counted}) == 2
