"""Calls tallied at the hotline desk in the reports: their tables, their scopes, their
suppression, their downloads, and how long the tallies are kept."""

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts import permissions
from audit.models import AuditEvent
from referrals.models import CallTally
from reports.build import build
from reports.downloads import BOM, HIDDEN
from tests.factories import sign_in, verified
from tests.reports_tests.conftest import this_month

URL = "/api/v1/staff/reports/calls.csv"


def _tally(
    network,
    n,
    *,
    outcome="referred",
    organization=None,
    month=None,
    need=None,
    language="es",
    region=None,
):
    for _ in range(n):
        CallTally.objects.create(
            id=uuid.uuid4(),
            organization=organization or network.a,
            month=month or this_month().date(),
            region=region if region is not None else network.department,
            need=need,
            language=language,
            outcome=outcome,
        )


def _report(network, person):
    user = verified(network.users[person])
    return build(permissions.report_organization_ids(user), 12, timezone.now())


def _cells(table) -> dict:
    columns = [key for key, _label in table.columns]
    return {
        (row["key"], column): cell
        for row in table.body()
        for column, cell in zip(columns, row["cells"], strict=True)
    }


def _rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def test_calls_are_counted_by_month_place_need_language_and_outcome(network):
    town = network.location.region  # Cúcuta counts in Norte de Santander
    _tally(network, 6, need=network.shelter_need, region=town)
    _tally(network, 5, outcome="information", need=network.legal, language="en")
    report = _report(network, "steward")
    month = f"{this_month():%Y-%m}"
    assert _cells(report.table("calls-flow"))[(month, "referred")] == 6
    assert _cells(report.table("calls-flow"))[(month, "information")] == 5
    assert _cells(report.table("calls-places")) == {
        ("CO/CO-NSA", "referred"): 6,
        ("CO/CO-NSA", "information"): 5,
    }
    needs = _cells(report.table("calls-needs"))
    assert needs[("housing", "referred")] == 6  # counted at the top of its tree
    assert needs[("legal", "information")] == 5
    languages = _cells(report.table("calls-languages"))
    assert (languages[("es", "referred")], languages[("en", "information")]) == (6, 5)
    assert report.table("calls-flow").published.total == 11


def test_each_scope_counts_its_own_calls(network):
    _tally(network, 6)  # answered by A
    _tally(network, 5, organization=network.c)
    assert _report(network, "steward").table("calls-flow").published.total == 11
    assert _report(network, "observer").table("calls-flow").published.total == 11
    assert _report(network, "admin-a").table("calls-flow").published.total == 6
    assert _report(network, "admin-c").table("calls-flow").published.total == 5
    assert _report(network, "admin-b").table("calls-flow").published.total == 0


def test_a_small_call_count_is_hidden_in_every_table_and_cannot_be_worked_out(network):
    _tally(network, 7)
    _tally(network, 2, outcome="no_service")
    report = _report(network, "steward")
    month = f"{this_month():%Y-%m}"
    flow = report.table("calls-flow")
    assert _cells(flow)[(month, "no_service")] is None
    # The month's total would give the 2 away with the 7: the 7 is hidden too.
    assert _cells(flow)[(month, "referred")] is None
    for key in ("calls-flow", "calls-places", "calls-needs", "calls-languages"):
        table = report.table(key)
        assert 2 not in [c for row in table.published.cells for c in row], key
        columns = [k for k, _label in table.columns]
        # Each table hides the outcome totals the first one hides: no table lets another's
        # hidden cell be solved for.
        assert table.published.column_totals[columns.index("no_service")] is None, key
        assert table.published.total == 9, key


def test_call_tables_agree_on_which_totals_they_show(network):
    other_month = this_month().date().replace(day=1) - timedelta(days=1)
    _tally(network, 3, month=other_month.replace(day=1), outcome="information", language="en")
    _tally(network, 8, outcome="information", language="es")
    _tally(network, 6, outcome="referred", need=network.legal)
    report = _report(network, "steward")
    flow = report.table("calls-flow")
    shown = dict(zip([k for k, _l in flow.columns], flow.published.column_totals, strict=True))
    for key in ("calls-places", "calls-needs", "calls-languages"):
        table = report.table(key)
        totals = dict(
            zip([k for k, _l in table.columns], table.published.column_totals, strict=True)
        )
        assert totals == shown, key
        assert table.published.total == flow.published.total, key


def test_the_page_shows_the_calls_and_downloads_each_table(client, network):
    _tally(network, 6, need=network.legal)
    sign_in(client, network.users["observer"])
    html = client.get("/es/staff/reports/").content.decode()
    assert 'id="h-calls-flow"' in html and 'id="h-calls-languages"' in html
    assert "?months=12&amp;download=calls-needs" in html
    response = client.get("/es/staff/reports/", {"download": "calls-languages"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "enlace-calls-languages-" in response["Content-Disposition"]
    lines = response.content.decode("utf-8").removeprefix(BOM).splitlines()
    assert lines[0].startswith("Idioma,")
    assert lines[1].split(",")[0] == "Español" and "6" in lines[1].split(",")


@pytest.mark.parametrize("person", ["caseworker-a", "hotline-a", "intake-b", "outsider"])
def test_staff_who_do_not_read_reports_get_no_calls(client, network, person):
    _tally(network, 6)
    sign_in(client, network.users[person])
    assert client.get("/es/staff/reports/", {"download": "calls-flow"}).status_code == 404
    assert client.get(URL).status_code == 403


def test_the_calls_csv_has_its_columns_and_hides_small_counts(client, network):
    _tally(network, 8, outcome="information", need=network.legal)
    _tally(network, 2, outcome="no_service", need=network.legal)
    sign_in(client, network.users["observer"])
    response = client.get(URL)
    assert response.status_code == 200
    header = response.content.decode("utf-8").removeprefix(BOM).splitlines()[0]
    assert header == "period,country,region,need,language,outcome,count"
    rows = _rows(response)
    assert {(r["country"], r["region"], r["need"], r["language"]) for r in rows} == {
        ("CO", "CO-NSA", "legal", "es")
    }
    counts = {r["outcome"]: r["count"] for r in rows}
    assert counts["no_service"] == HIDDEN
    assert "2" not in {r["count"] for r in rows}
    event = AuditEvent.objects.filter(action="reports.viewed").latest("id")
    assert event.details == {"view": "api:calls_csv", "months": 12, "whole_directory": True}


def test_the_calls_csv_shows_counts_at_or_over_the_threshold_for_an_admins_own_calls(
    client, network
):
    _tally(network, 6)
    _tally(network, 5, outcome="information")
    _tally(network, 7, organization=network.c)
    sign_in(client, network.users["admin-a"])
    counts = {r["outcome"]: r["count"] for r in _rows(client.get(URL))}
    assert counts == {"referred": "6", "information": "5"}


def test_retention_keeps_call_tallies_and_says_so(network):
    from referrals import retention

    long_ago = date(2001, 1, 1)
    _tally(network, 3, month=long_ago)
    retention.reduce_old_referrals()
    assert CallTally.objects.filter(month=long_ago).count() == 3
    lines = {line.part: line for line in retention.report()}
    assert lines["call tallies"].held == 3
    assert lines["call tallies"].goes.startswith("kept")
