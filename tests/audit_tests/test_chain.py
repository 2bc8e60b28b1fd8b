"""Appending: each event carries the hash of the one before, ids only, under one lock."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

import audit
from audit.chain import GENESIS, digest, verify
from audit.models import AuditEvent
from tests.factories import OrganizationFactory


def test_each_event_links_to_the_one_before_and_hashes_its_own_fields(alice, org_a):
    first = audit.record(actor=alice, organization=org_a, action="accounts.probe", obj=org_a)
    second = audit.record(actor=None, action="accounts.probe")
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    row = AuditEvent.objects.values().get(pk=first.pk)
    assert digest(row) == first.hash
    assert (row["actor_id"], row["organization_id"]) == (alice.pk, org_a.pk)
    assert (row["object_type"], row["object_id"]) == ("services.organization", str(org_a.pk))
    assert verify().ok and verify().count == 2


def test_an_event_keeps_ids_and_codes_never_text(db):
    with pytest.raises(ValueError):
        audit.record(actor=None, action="accounts.probe", details={"note": "x" * 65})
    with pytest.raises(ValueError):
        audit.record(actor=None, action="accounts.probe", details={"Client Name": "Ana"})
    with pytest.raises(ValueError):
        audit.record(actor=None, action="accounts.probe", details={"nested": {"a": 1}})
    with pytest.raises(ValueError):
        audit.record(actor=None, action="Free text action")
    assert not AuditEvent.objects.exists()


def test_an_event_outlives_what_it_names(db):
    organization = OrganizationFactory()
    event = audit.record(actor=None, organization=organization, action="accounts.probe")
    organization.delete()
    assert AuditEvent.objects.get(pk=event.pk).organization_id == event.organization_id
    assert verify().ok


def test_an_event_rolled_back_with_its_change_leaves_the_chain_whole(db):
    audit.record(actor=None, action="accounts.probe")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="accounts.probe")
        raise RuntimeError("the change failed")
    audit.record(actor=None, action="accounts.probe")
    assert AuditEvent.objects.count() == 2
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_straight_chain():
    writers, each = 4, 15
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
                    audit.record(actor=None, action="accounts.probe", details={"writer": n, "i": i})
        finally:
            connection.close()

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))

    rows = list(AuditEvent.objects.order_by("id").values("prev_hash", "hash", "occurred_at"))
    assert len(rows) == writers * each
    assert len({r["prev_hash"] for r in rows}) == len(rows)  # no fork
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert all(a["occurred_at"] <= b["occurred_at"] for a, b in zip(rows, rows[1:], strict=False))
    report = verify()
    assert report.ok and report.count == writers * each


def test_ids_of_any_kind_are_accepted_as_actor_and_organisation(alice, org_a):
    event = audit.record(actor=alice.pk, organization=str(org_a.pk), action="accounts.probe")
    assert event.actor_id == alice.pk and event.organization_id == org_a.pk
    assert isinstance(event.organization_id, uuid.UUID)
