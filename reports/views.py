"""The reports page and its downloads. Who sees whose counts is
accounts.permissions.report_organization_ids; every view is audited (which report, which
period, which download), never the figures."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

import audit
from accounts import permissions
from reports.build import Report, build, days, scope_for
from reports.downloads import HIDDEN, calls_rows, csv_response, referrals_rows, table_rows
from reports.forms import PeriodForm
from reports.sources import call_counts, referral_counts
from reports.suppression import min_cell
from reports.tables import month_key, month_label, referral_tables
from services.querysets import verify_warn_days

EXTRA_DOWNLOADS = ("waits", "places", "verified")


def record_view(user: Any, view: str, months: int, request: HttpRequest) -> None:
    """Who looked at which report: never a figure of it."""
    organization_ids = permissions.report_organization_ids(user)
    with transaction.atomic():
        audit.record(
            actor=user,
            action="reports.viewed",
            request=request,
            details={
                "view": view,
                "months": months,
                "whole_directory": organization_ids is None,
            },
        )


@never_cache
@login_required
def reports(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.may_view_reports(user):
        raise Http404
    form = PeriodForm(request.GET or None)
    months = form.months_wanted()
    download = request.GET.get("download", "")
    report = build(permissions.report_organization_ids(user), months, timezone.now())
    if download:
        response = _download(report, download)
        record_view(user, f"download:{download}", months, request)
        return response
    record_view(user, "page", months, request)
    return render(
        request,
        "reports/reports.html",
        {
            "form": form,
            "months": months,
            "report": report,
            "whole_directory": report.scope.organization_ids is None,
            "hidden_mark": HIDDEN,
            "min_cell": min_cell(),
            "below": min_cell() - 1,
            "warn_days": verify_warn_days(),
            "waits": _wait_rows(report),
            "places": [(month_label(p.month), p) for p in report.places],
            "verified": [(month_label(v.month), v) for v in report.verified],
        },
    )


def _wait_rows(report: Report) -> list[dict]:
    accepted, connected = report.waits["accepted"], report.waits["connected"]
    return [
        {
            "month": month_label(a.month),
            "accepted": (days(a.median), days(a.p90)),
            "connected": (days(c.median), days(c.p90)),
        }
        for a, c in zip(accepted, connected, strict=True)
    ]


def _download(report: Report, key: str) -> HttpResponse:
    total = _("Total")
    stamp = f"{report.months[0]:%Y-%m}_{report.months[-1]:%Y-%m}"
    table = report.table(key)
    if table is not None:
        return csv_response(table_rows(table, total), f"enlace-{key}-{stamp}.csv")
    if key == "waits":
        heading = [
            _("Month sent"),
            _("Median days to acceptance"),
            _("90th percentile, days to acceptance"),
            _("Median days to connection"),
            _("90th percentile, days to connection"),
        ]
        rows = [
            [month_key(a.month), a.median, a.p90, c.median, c.p90]
            for a, c in zip(report.waits["accepted"], report.waits["connected"], strict=True)
        ]
        return csv_response([heading, *rows], f"enlace-waits-{stamp}.csv")
    if key == "places":
        heading = [_("Month"), _("Services counting places"), _("Free places"), _("Places")]
        rows = [[month_key(p.month), p.services, p.free, p.total] for p in report.places]
        return csv_response([heading, *rows], f"enlace-places-{stamp}.csv")
    if key == "verified":
        heading = [_("Month"), _("Active listings"), _("Verified on time"), _("Share (%)")]
        rows = [
            [month_key(v.month), v.listings, v.on_time, "" if v.share is None else v.share]
            for v in report.verified
        ]
        return csv_response([heading, *rows], f"enlace-verified-{stamp}.csv")
    raise Http404


def referrals_csv(user: Any, months: int) -> HttpResponse:
    """The long CSV of the staff API, for the user's scope."""
    scope, month_list = scope_for(permissions.report_organization_ids(user), months, timezone.now())
    counts = referral_counts(scope)
    return csv_response(
        referrals_rows(counts, month_list, referral_tables(counts, month_list)),
        f"enlace-referrals-{month_list[0]:%Y-%m}_{month_list[-1]:%Y-%m}.csv",
    )


def calls_csv(user: Any, months: int) -> HttpResponse:
    """The long CSV of calls tallied at the desk, for the user's scope."""
    scope, month_list = scope_for(permissions.report_organization_ids(user), months, timezone.now())
    return csv_response(
        calls_rows(call_counts(scope), month_list),
        f"enlace-calls-{month_list[0]:%Y-%m}_{month_list[-1]:%Y-%m}.csv",
    )
