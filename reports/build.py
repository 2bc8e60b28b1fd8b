"""Everything the reports page shows, for one scope and period.

Invariant: every count of people (referrals, and calls tallied at the desk) reaches the page
through reports.tables (suppressed there);
waits, free places and listings come from reports.measures under its own rules; charts draw
only what those publish.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from reports.charts import bar_chart, line_chart
from reports.measures import Places, Verified, Wait, free_places, verified_on_time, waits
from reports.sources import Scope, call_counts, months_between, referral_counts
from reports.tables import Table, call_tables, referral_tables


@dataclass
class Report:
    scope: Scope
    months: list[date]
    tables: list[Table]
    waits: dict[str, list[Wait]]
    places: list[Places]
    verified: list[Verified]
    charts: dict[str, Any]
    calls: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in [*self.tables, *self.calls] if t.key == key), None)


def period(months: int, now: datetime) -> tuple[date, date]:
    last = now.date().replace(day=1)
    first_index = last.year * 12 + last.month - 1 - (months - 1)
    return date(first_index // 12, first_index % 12 + 1, 1), last


def short_month(month: date) -> str:
    """ "dic 26": the month's own name cut to three letters (Django has no short month names in
    Haitian Creole; its full names come from our catalogue)."""
    return f"{date_format(month, 'F')[:3]} {month:%y}"


def scope_for(organization_ids: set | None, months: int, now: datetime) -> tuple[Scope, list[date]]:
    """The scope of a report of the last `months` whole or current months, and its months."""
    first, last = period(months, now)
    scope = Scope(
        organization_ids=None if organization_ids is None else frozenset(organization_ids),
        first_month=first,
        last_month=last,
    )
    return scope, months_between(first, last)


def build(organization_ids: set | None, months: int, now: datetime) -> Report:
    scope, month_list = scope_for(organization_ids, months, now)
    tables = referral_tables(referral_counts(scope), month_list)
    report = Report(
        scope=scope,
        months=month_list,
        tables=tables,
        waits=waits(scope, month_list),
        places=free_places(scope, month_list),
        verified=verified_on_time(scope, month_list, now),
        charts={},
        calls=call_tables(call_counts(scope), month_list),
    )
    report.charts = _charts(report)
    return report


def _charts(report: Report) -> dict[str, Any]:
    labels = [short_month(m) for m in report.months]
    flow = report.table("flow")
    connected = report.waits["connected"]
    accepted = report.waits["accepted"]
    return {
        "flow": bar_chart(
            "chart-flow",
            title=_("Referrals sent each month"),
            description=_(
                "Bars: referrals sent each month. A month with no bar has no referral or a "
                "hidden count. The table beside it gives every figure."
            ),
            labels=labels,
            values=list(flow.published.row_totals) if flow else [],
        ),
        "waits": line_chart(
            "chart-waits",
            title=_("Days from sending to connection"),
            description=_(
                "Lines: median days from sending to acceptance and to connection, by month sent. "
                "A gap is a month with too few referrals to show. The table beside it gives "
                "every figure."
            ),
            labels=labels,
            series=[
                (_("to acceptance (median)"), [w.median for w in accepted]),
                (_("to connection (median)"), [w.median for w in connected]),
            ],
        ),
        "places": line_chart(
            "chart-places",
            title=_("Free places at the end of each month"),
            description=_(
                "Line: free places in services that keep a count of them, at the end of each "
                "month. The table beside it gives every figure."
            ),
            labels=labels,
            series=[(_("free places"), [p.free if p.services else None for p in report.places])],
        ),
    }


def days(value: float | None) -> str:
    return "" if value is None else number_format(value, decimal_pos=1, use_l10n=True)
