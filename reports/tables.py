"""The report tables of referral and call counts, each published through reports.suppression.

Invariants: every table here is a count of referrals (or of their needs) or of calls, and goes
through `suppress` whole, with its totals; nothing else in reports publishes a count of people.
Rows and columns are at most a calendar month and a first-level region. A table's rows and
columns that are zero throughout are left out (a zero names nobody, and they only make it
wider). The call tables each split the same calls (every call in exactly one row of each), so
they share their outcome totals and grand total: the first (by month) decides which of those
are shown, and the others are suppressed knowing exactly that, so that no table's hidden cell
can be solved with a total another table shows.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.counting import (
    CALL_OUTCOMES,
    DECLINED,
    OUTCOMES,
    UNMET,
    CallFact,
    Fact,
    outcome_label,
)
from referrals.models import CallOutcome, DeclineReason
from reports.suppression import Published, suppress
from services.models import Region, TaxonomyTerm

# Columns of the tables by outcome: declines are one column there, by reason in their own table.
DECLINED_GROUP = "declined"
GROUPS = tuple(dict.fromkeys(DECLINED_GROUP if o.startswith(DECLINED) else o for o in OUTCOMES))


def group_of(outcome: str) -> str:
    return DECLINED_GROUP if outcome.startswith(DECLINED) else outcome


def group_label(group: str) -> Any:
    return _("declined") if group == DECLINED_GROUP else outcome_label(group)


@dataclass
class Table:
    key: str
    title: Any
    row_heading: Any
    rows: list[tuple[str, Any]]
    columns: list[tuple[str, Any]]
    published: Published
    description: Any = ""
    row_totals: bool = True
    chart: str = ""
    extra: dict = field(default_factory=dict)

    def body(self) -> list[dict]:
        """Rows for a template: label, cells, total."""
        return [
            {"key": key, "label": label, "cells": cells, "total": total}
            for (key, label), cells, total in zip(
                self.rows, self.published.cells, self.published.row_totals, strict=True
            )
        ]


def _table(
    key: str,
    counts: Counter,
    rows: list[tuple[str, Any]],
    columns: list[tuple[str, Any]],
    *,
    keep_zero_rows: bool = False,
    totals_of: "Table | None" = None,
    **details: Any,
) -> Table:
    """The table, suppressed. `totals_of`: a table of the same counts split another way, whose
    published column totals and grand total this one must agree with (see the module's
    invariants)."""
    rows = [r for r in rows if keep_zero_rows or any(counts[(r[0], c[0])] for c in columns)]
    columns = [c for c in columns if any(counts[(r[0], c[0])] for r in rows)] or columns[:1]
    grid = [[counts[(r[0], c[0])] for c in columns] for r in rows]
    margins = None
    if totals_of is not None and grid:
        shown = dict(
            zip(
                (key for key, _label in totals_of.columns),
                totals_of.published.column_totals,
                strict=True,
            )
        )
        margins = {
            (len(rows), j): shown.get(column_key, 0) is not None
            for j, (column_key, _label) in enumerate(columns)
        }
        margins[(len(rows), len(columns))] = totals_of.published.total is not None
    return Table(
        key=key, rows=rows, columns=columns, published=suppress(grid, margins=margins), **details
    )


def month_label(month: date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def place_labels(places: Iterable[tuple[str, str]]) -> dict[str, str]:
    """ "CO/CO-NSA" → "Norte de Santander (CO)"; a place whose region is not known by its
    country's name."""
    places = set(places)
    codes = {region for _c, region in places if region} | {country for country, _r in places}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    labels = {}
    for country, region in places:
        if not country:
            labels[place_key(country, region)] = _("place not known")
        elif region:
            labels[place_key(country, region)] = f"{names.get(region, region)} ({country})"
        else:
            labels[place_key(country, region)] = _("%(country)s, region not known") % {
                "country": names.get(country, country)
            }
    return labels


def place_key(country: str, region: str) -> str:
    return f"{country}/{region}"


def term_labels(codes: Iterable[str]) -> dict[str, str]:
    codes = set(codes)
    names = {}
    for code, name in TaxonomyTerm.objects.filter(code__in=codes).values_list("code", "name"):
        names.setdefault(code, name)
    return {code: names.get(code, code) if code else _("not known") for code in codes}


def _by(counts: Counter, facts: Callable[[Fact], bool], row: Callable[[Fact], str], column):
    out: Counter = Counter()
    for fact, n in counts.items():
        if facts(fact):
            out[(row(fact), column(fact))] += n
    return out


def _referral(fact: Fact) -> bool:
    return fact.need == ""


def referral_tables(counts: Counter, months: list[date]) -> list[Table]:
    """The tables of the reports page, in the order it shows them."""
    outcome_columns = [(g, group_label(g)) for g in GROUPS]
    places = {(f.country, f.region) for f in counts}
    place_names = place_labels(places)
    place_rows = sorted(((k, v) for k, v in place_names.items()), key=lambda r: str(r[1]))
    needs = term_labels({f.need for f in counts if f.need})
    kinds = term_labels({f.kind for f in counts if _referral(f)})

    def place(fact: Fact) -> str:
        return place_key(fact.country, fact.region)

    def outcome(fact: Fact) -> str:
        return group_of(fact.outcome)

    flow = _table(
        "flow",
        _by(counts, _referral, lambda f: month_key(f.month), outcome),
        [(month_key(m), month_label(m)) for m in months],
        outcome_columns,
        keep_zero_rows=True,
        title=gettext_lazy("Referrals by month and outcome"),
        row_heading=gettext_lazy("Month sent"),
        chart="flow",
    )
    tables = [
        flow,
        _table(
            "places",
            _by(counts, _referral, place, outcome),
            place_rows,
            outcome_columns,
            title=gettext_lazy("Referrals by country and region"),
            row_heading=gettext_lazy("Country and region of the service"),
        ),
        _table(
            "needs",
            _by(counts, lambda f: f.need != "", lambda f: f.need, outcome),
            sorted(needs.items(), key=lambda r: str(r[1])),
            outcome_columns,
            title=gettext_lazy("Needs of referred people, by outcome"),
            row_heading=gettext_lazy("Need"),
            description=gettext_lazy(
                "A referral with two needs counts once under each. Needs are counted only where "
                "the person agreed to share them and did not revoke consent."
            ),
        ),
        _table(
            "kinds",
            _by(counts, _referral, lambda f: f.kind, outcome),
            sorted(kinds.items(), key=lambda r: str(r[1])),
            outcome_columns,
            title=gettext_lazy("Referrals by kind of receiving service"),
            row_heading=gettext_lazy("Kind of service"),
        ),
        _table(
            "declines",
            _by(
                counts,
                lambda f: _referral(f) and f.outcome.startswith(DECLINED),
                lambda f: f.outcome.removeprefix(DECLINED),
                lambda f: "referrals",
            ),
            list(DeclineReason.choices),
            [("referrals", gettext_lazy("Referrals"))],
            title=gettext_lazy("Declined referrals by reason"),
            row_heading=gettext_lazy("Reason"),
            row_totals=False,
        ),
        _table(
            "unmet",
            _by(counts, lambda f: f.need != "" and f.outcome == UNMET, lambda f: f.need, place),
            sorted(needs.items(), key=lambda r: str(r[1])),
            place_rows,
            title=gettext_lazy("Unmet needs: declined for lack of capacity"),
            row_heading=gettext_lazy("Need"),
            description=gettext_lazy(
                "Needs of referrals a service declined because it had no room, by where the "
                "service is."
            ),
        ),
    ]
    return tables


def by_group(counts: Counter) -> dict[str, Counter]:
    """Counts of referrals per month and outcome group, for charts."""
    out: dict[str, Counter] = defaultdict(Counter)
    for fact, n in counts.items():
        if _referral(fact):
            out[month_key(fact.month)][group_of(fact.outcome)] += n
    return out


def language_labels(codes: Iterable[str]) -> dict[str, str]:
    names = dict(settings.CONTENT_LANGUAGES)
    return {code: str(names.get(code, code)) if code else _("not known") for code in codes}


def call_tables(counts: Counter, months: list[date]) -> list[Table]:
    """The tables of calls tallied at the hotline desk: by month, place, need and language,
    each by how the call ended. Keys start with "calls-" (they name the downloads too)."""
    columns = [(o, label) for o, label in CallOutcome.choices if o in CALL_OUTCOMES]
    place_names = place_labels({(f.country, f.region) for f in counts})
    needs = term_labels({f.need for f in counts})
    languages = language_labels({f.language for f in counts})

    def by(row: Callable[[CallFact], str]) -> Counter:
        out: Counter = Counter()
        for fact, n in counts.items():
            out[(row(fact), fact.outcome)] += n
        return out

    def ordered(labels: dict[str, str]) -> list[tuple[str, str]]:
        return sorted(labels.items(), key=lambda r: str(r[1]))

    flow = _table(
        "calls-flow",
        by(lambda f: month_key(f.month)),
        [(month_key(m), month_label(m)) for m in months],
        columns,
        keep_zero_rows=True,
        title=gettext_lazy("Calls by month and how they ended"),
        row_heading=gettext_lazy("Month of the call"),
        description=gettext_lazy(
            "Calls hotline staff counted at the desk: how the call ended, and nothing about "
            "the caller."
        ),
    )
    return [
        flow,
        _table(
            "calls-places",
            by(lambda f: place_key(f.country, f.region)),
            ordered(place_names),
            columns,
            totals_of=flow,
            title=gettext_lazy("Calls by country and region searched"),
            row_heading=gettext_lazy("Country and region"),
        ),
        _table(
            "calls-needs",
            by(lambda f: f.need),
            ordered(needs),
            columns,
            totals_of=flow,
            title=gettext_lazy("Calls by need"),
            row_heading=gettext_lazy("Need"),
        ),
        _table(
            "calls-languages",
            by(lambda f: f.language),
            ordered(languages),
            columns,
            totals_of=flow,
            title=gettext_lazy("Calls by the caller's language"),
            row_heading=gettext_lazy("Language"),
        ),
    ]
