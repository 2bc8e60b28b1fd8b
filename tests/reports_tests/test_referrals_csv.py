"""GET /api/v1/staff/reports/referrals.csv: its columns, its suppression, who gets it."""

import csv
import io
from datetime import timedelta

import pytest

from audit.models import AuditEvent
from referrals.models import Status
from reports.downloads import BOM, HIDDEN
from tests.accounts_tests.test_token_scopes import bearer, make_token
from tests.factories import sign_in

URL = "/api/v1/staff/reports/referrals.csv"


def _rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def test_the_csv_has_its_columns_and_hides_small_counts(client, network):
    for _ in range(8):
        network.refer(
            status=Status.ACCEPTED, accepted_after=timedelta(hours=1), needs=[network.legal]
        )
    for _ in range(2):
        network.refer(status=Status.DECLINED, decline_reason="no_capacity", needs=[network.legal])
    sign_in(client, network.users["observer"])
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header = response.content.decode("utf-8").removeprefix(BOM).splitlines()[0]
    assert header == "period,country,region,need,outcome,count"
    rows = _rows(response)
    period = rows[0]["period"]
    assert len(period) == 7 and period[4] == "-"
    counts = {(r["need"], r["outcome"]): r["count"] for r in rows}
    assert {r["region"] for r in rows} == {"CO-NSA"}
    assert {r["country"] for r in rows} == {"CO"}
    # Two declines are hidden, and so is the cell that would give them away.
    assert counts[("", "declined_no_capacity")] == HIDDEN
    assert counts[("", "accepted")] == HIDDEN
    assert counts[("legal", "declined_no_capacity")] == HIDDEN
    assert "2" not in {r["count"] for r in rows}


def test_the_csv_shows_counts_at_or_over_the_threshold(client, network):
    for _ in range(6):
        network.refer(status=Status.ACCEPTED, accepted_after=timedelta(hours=1))
    for _ in range(5):
        network.refer(status=Status.EXPIRED)
    sign_in(client, network.users["steward"])
    counts = {r["outcome"]: r["count"] for r in _rows(client.get(URL)) if not r["need"]}
    assert counts == {"accepted": "6", "expired": "5"}


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("steward", 200),
        ("observer", 200),
        ("admin-a", 200),
        ("caseworker-a", 403),
        ("hotline-a", 403),
        ("intake-b", 403),
        ("outsider", 403),
    ],
)
def test_the_csv_is_for_those_who_may_view_reports(client, network, person, status):
    sign_in(client, network.users[person])
    assert client.get(URL).status_code == status


def test_an_admin_gets_only_their_organisations_referrals(client, network):
    for _ in range(6):
        network.refer(status=Status.EXPIRED)
    sign_in(client, network.users["admin-c"])
    assert _rows(client.get(URL)) == []
    sign_in(client, network.users["admin-a"])
    assert {r["count"] for r in _rows(client.get(URL)) if not r["need"]} == {"6"}


def test_a_bad_period_is_a_clear_error(client, network):
    sign_in(client, network.users["steward"])
    response = client.get(URL, {"months": "13"})
    assert response.status_code == 400
    assert "months" in response.json()


def test_a_token_needs_the_reports_scope_and_only_report_viewers_can_mint_it(network):
    page, secret = make_token(network.users["caseworker-a"], "referrals:read", "reports:read")
    assert page.status_code == 400 and secret is None
    _page, plain = make_token(network.users["observer"], "referrals:read")
    assert bearer(plain).get(URL).status_code == 403
    _page, scoped = make_token(network.users["observer"], "referrals:read", "reports:read")
    assert bearer(scoped).get(URL).status_code == 200
    event = AuditEvent.objects.filter(action="reports.viewed").latest("id")
    assert event.details == {"view": "api:referrals_csv", "months": 12, "whole_directory": True}


def test_the_csv_and_the_page_together_do_not_give_a_small_count_away(client, network):
    """The page publishes each place's count over the whole period; were the CSV to publish
    every other month of that place, the small month would be that count minus the rest."""
    from django.utils import timezone

    from reports.build import build
    from tests.reports_tests.conftest import this_month

    for months_ago, n in ((0, 7), (1, 8), (2, 3)):
        sent = this_month() - timedelta(days=31 * months_ago)
        for _ in range(n):
            network.refer(sent=sent, status=Status.ACCEPTED, accepted_after=timedelta(hours=1))
    sign_in(client, network.users["steward"])
    page = build(None, 12, timezone.now())
    places = page.table("places")
    assert places.published.total == 18  # the page tells the place's 18
    cells = {r["period"]: r["count"] for r in _rows(client.get(URL)) if not r["need"]}
    shown = [int(v) for v in cells.values() if v != HIDDEN]
    assert HIDDEN in cells.values()
    # Never 18 minus what is shown leaving one hidden month alone.
    assert list(cells.values()).count(HIDDEN) >= 2
    assert sum(shown) <= 18
