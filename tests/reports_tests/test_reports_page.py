"""The reports page: who sees it and whose counts, what it hides, and what it records."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from referrals.counting import CONNECTED, CONSENT_REVOKED, UNMET
from referrals.models import Status
from reports.build import build
from reports.downloads import BOM, HIDDEN
from tests.factories import sign_in, verified
from tests.reports_tests.conftest import this_month

ALLOWED = {"steward", "observer", "operator", "admin-a", "admin-b", "admin-c"}
REFUSED = {"caseworker-a", "hotline-a", "intake-b", "outsider"}


def _page(client, language="es", **query):
    return client.get(f"/{language}/staff/reports/", query)


@pytest.mark.parametrize("person", sorted(ALLOWED | REFUSED))
def test_each_role_reaches_the_reports_page_or_gets_nothing(client, network, person):
    sign_in(client, network.users[person])
    response = _page(client)
    assert response.status_code == (200 if person in ALLOWED else 404)
    nav = client.get(reverse("accounts:dashboard")).content.decode()
    assert ("/es/staff/reports/" in nav) == (person in ALLOWED)


def test_signed_out_the_page_asks_for_a_sign_in(client, network):
    response = _page(client)
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]


def _total(user) -> int | None:
    from accounts import permissions

    report = build(permissions.report_organization_ids(verified(user)), 12, timezone.now())
    return report.table("flow").published.total


def test_whole_directory_for_stewards_and_observers_own_referrals_for_admins(network):
    for _ in range(6):
        network.refer()  # A to B
    for _ in range(5):
        network.refer(referring=network.c)  # C to B
    assert _total(network.users["steward"]) == 11
    assert _total(network.users["observer"]) == 11
    assert _total(network.users["admin-a"]) == 6  # sent
    assert _total(network.users["admin-b"]) == 11  # received
    assert _total(network.users["admin-c"]) == 5


def test_a_small_count_is_hidden_on_the_page_and_a_reader_cannot_work_it_out(client, network):
    for _ in range(7):
        network.refer(status=Status.ACCEPTED, accepted_after=timedelta(hours=5))
    for _ in range(2):
        network.refer(status=Status.DECLINED, decline_reason="no_capacity")
    report = build(None, 12, timezone.now())
    flow = report.table("flow")
    columns = [key for key, _label in flow.columns]
    month_row = flow.published.cells[-1]
    assert month_row[columns.index("declined")] is None
    # The other cell of the month's row is hidden too: the total would give the 2 away.
    assert month_row[columns.index("accepted")] is None
    assert flow.published.row_totals[-1] == 9
    sign_in(client, network.users["steward"])
    html = _page(client).content.decode()
    assert f">{HIDDEN}</abbr>" in html


def test_a_revoked_consent_counts_as_an_outcome_never_with_its_needs(network):
    from referrals.counting import counted_referrals, facts
    from referrals.models import Referral

    revoked = network.refer(
        status=Status.CLOSED, outcome="consent_revoked", revoked=True, needs=[network.legal]
    )
    private = network.refer(status=Status.SENT, needs=[network.legal], shares_needs=False)
    shared = network.refer(status=Status.SENT, needs=[network.shelter_need, network.legal])
    by_referral = {r.pk: list(facts([r])) for r in counted_referrals(Referral.objects.all())}
    assert [(f.outcome, f.need) for f in by_referral[revoked.pk]] == [(CONSENT_REVOKED, "")]
    assert [f.need for f in by_referral[private.pk]] == [""]
    # Needs count at the top of their tree: "emergency shelter" is housing.
    assert [f.need for f in by_referral[shared.pk]] == ["", "housing", "legal"]
    assert {(f.country, f.region, f.kind) for f in by_referral[shared.pk]} == {
        ("CO", "CO-NSA", "housing")
    }


def test_unmet_needs_count_declines_for_lack_of_capacity_by_need_and_region(network):
    for _ in range(6):
        network.refer(
            status=Status.DECLINED, decline_reason="no_capacity", needs=[network.shelter_need]
        )
    report = build(None, 12, timezone.now())
    unmet = report.table("unmet")
    assert [key for key, _l in unmet.rows] == ["housing"]
    assert [key for key, _l in unmet.columns] == ["CO/CO-NSA"]
    assert unmet.published.cells == [[6]]
    assert report.table("declines").published.total == 6


def test_waits_are_shown_only_for_months_with_enough_referrals(network):
    for hours in (2, 4, 6, 8, 10, 100):
        network.refer(
            status=Status.CONNECTED,
            accepted_after=timedelta(hours=hours),
            connected_after=timedelta(hours=hours * 2),
        )
    last_month = this_month() - timedelta(days=20)
    for _ in range(4):
        network.refer(sent=last_month, status=Status.ACCEPTED, accepted_after=timedelta(hours=1))
    report = build(None, 12, timezone.now())
    accepted = {w.month: w for w in report.waits["accepted"]}
    now = accepted[this_month().date().replace(day=1)]
    assert (now.count, now.median, now.p90) == (6, round(6 / 24, 1), round(100 / 24, 1))
    before = accepted[last_month.date().replace(day=1)]
    assert (before.count, before.median, before.p90) == (4, None, None)
    connected = report.waits["connected"][-1]
    assert connected.median == round(12 / 24, 1)


def test_free_places_come_from_the_listing_history(network):
    from services.models import Service

    service = Service.objects.get(pk=network.service.pk)
    service.capacity_available = 9
    service.save()
    report = build(None, 12, timezone.now())
    last = report.places[-1]
    assert (last.services, last.free, last.total) == (1, 9, 20)
    assert report.places[0].services == 0  # no history that far back


def test_listings_verified_on_time(network):
    from services.models import Verification

    Verification.objects.create(service=network.service, verified_at=timezone.now(), method="phone")
    report = build(None, 12, timezone.now())
    assert (report.verified[-1].listings, report.verified[-1].on_time) == (1, 1)


def test_retention_keeps_the_counts_the_reports_show(network, settings):
    from referrals.retention import reduce_old_referrals
    from reports.sources import Scope, referral_counts

    settings.REFERRAL_RETENTION_MONTHS = 1
    sent = this_month() - timedelta(days=100)
    for _ in range(5):
        network.refer(
            sent=sent,
            status=Status.CLOSED,
            connected_after=timedelta(days=1),
            needs=[network.legal],
        )
    for _ in range(3):
        network.refer(
            sent=sent, status=Status.DECLINED, decline_reason="no_capacity", needs=[network.housing]
        )
    network.refer(
        sent=sent,
        status=Status.CLOSED,
        outcome="consent_revoked",
        revoked=True,
        needs=[network.legal],
    )
    from referrals.models import Referral

    Referral.objects.update(connected_at=None)
    Referral.objects.filter(events__to_status="connected").update(
        connected_at=sent + timedelta(days=1)
    )
    Referral.objects.update(closed_at=sent + timedelta(days=3))
    months = 12
    report_before = build(None, months, timezone.now())
    scope = report_before.scope
    before = referral_counts(scope)
    assert reduce_old_referrals() == 9
    assert Referral.objects.count() == 0
    after = referral_counts(scope)
    assert after == before
    outcomes = Counter()
    for fact, n in after.items():
        if not fact.need:
            outcomes[fact.outcome] += n
    assert outcomes == {CONNECTED: 5, UNMET: 3, CONSENT_REVOKED: 1}
    assert build(None, months, timezone.now()).table("flow").published.total == 9
    assert isinstance(scope, Scope)


@pytest.mark.parametrize(
    ("language", "title", "month"),
    [("es", "Derivaciones enviadas cada mes", "dic"), ("en", "Referrals sent each month", "Dec")],
)
def test_charts_are_svg_in_the_page_language(client, network, language, title, month):
    for _ in range(6):
        network.refer(
            status=Status.CONNECTED,
            accepted_after=timedelta(hours=3),
            connected_after=timedelta(hours=9),
        )
    sign_in(client, network.users["observer"])
    html = _page(client, language, months=24).content.decode()
    assert html.count('<svg class="chart"') == 3
    assert f">{title}</title>" in html
    assert f">{month} " in html  # a month label on the axis, in the page's language
    assert "<script" not in html.split("<main", 1)[1]


def test_bad_period_shows_the_default_and_changes_nothing(client, network):
    sign_in(client, network.users["steward"])
    response = _page(client, months="7; DROP")
    assert response.status_code == 200
    assert len(response.context["report"].months) == 12


def test_a_table_downloads_as_csv_with_bom_hidden_marks_and_no_formula(client, network):
    from services.models import Region

    Region.objects.filter(code="CO-NSA").update(name="=HYPERLINK(1)", name_es="=HYPERLINK(1)")
    for _ in range(2):
        network.refer()
    for _ in range(6):
        network.refer(status=Status.ACCEPTED, accepted_after=timedelta(hours=1))
    sign_in(client, network.users["steward"])
    response = _page(client, download="places")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    assert "'=HYPERLINK(1) (CO)" in text
    assert ",x," in text or text.rstrip().endswith(",x")
    assert _page(client, download="nothing-such").status_code == 404


def test_every_view_is_audited_without_its_figures(client, network):
    for _ in range(6):
        network.refer()
    sign_in(client, network.users["admin-a"])
    _page(client, months=24)
    _page(client, download="flow")
    events = list(AuditEvent.objects.filter(action="reports.viewed").order_by("id"))
    assert [(e.actor_id, e.details) for e in events] == [
        (network.users["admin-a"].pk, {"view": "page", "months": 24, "whole_directory": False}),
        (
            network.users["admin-a"].pk,
            {"view": "download:flow", "months": 12, "whole_directory": False},
        ),
    ]


def test_the_page_names_the_threshold_from_the_setting(client, network, settings):
    settings.REPORT_MIN_CELL = 10
    sign_in(client, network.users["steward"])
    with translation.override("en"):
        html = _page(client, "en").content.decode()
    assert "from 1 to 9 is never shown" in html


def test_listings_loaded_without_history_count_from_their_last_update(network):
    from services.models import Service

    Service.history.model.objects.all().delete()
    Service.objects.filter(pk=network.service.pk).update(
        capacity_available=3, capacity_updated_at=timezone.now(), last_verified_at=timezone.now()
    )
    report = build(None, 12, timezone.now())
    assert (report.places[-1].services, report.places[-1].free) == (1, 3)
    assert report.verified[-1].on_time == 1
