"""Report tables as CSV files for spreadsheet programs.

Invariants: a download holds exactly what its table publishes (hidden cells as HIDDEN, never
their count); files are UTF-8 with a byte-order mark, so that spreadsheet programs read
accents right; no cell starts a formula (services.hsds.values.neutralise_formula).
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.http import HttpResponse

from referrals.counting import OUTCOMES, Fact
from reports.suppression import suppress
from reports.tables import Table, month_key
from services.hsds.values import neutralise_formula

BOM = "\ufeff"
# How a hidden count reads in tables and files: one mark for every hidden cell, so that a
# reader cannot tell a small count from one hidden to protect it.
HIDDEN = "x"
REFERRALS_COLUMNS = ("period", "country", "region", "need", "outcome", "count")


def _cell(value: object) -> str:
    return HIDDEN if value is None else neutralise_formula(str(value))


def csv_response(rows: Iterable[Iterable[object]], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) if value is not None else HIDDEN for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_rows(table: Table, total_label: str) -> list[list[object]]:
    """The table as the page shows it: a heading row, its rows, and the totals row."""
    heading = [str(table.row_heading), *(str(label) for _key, label in table.columns)]
    rows = [heading + ([total_label] if table.row_totals else [])]
    for row in table.body():
        rows.append(
            [str(row["label"]), *row["cells"]] + ([row["total"]] if table.row_totals else [])
        )
    totals = [total_label, *table.published.column_totals]
    rows.append(totals + ([table.published.total] if table.row_totals else []))
    return rows


def referrals_rows(counts: Counter, months: list[date]) -> list[list[object]]:
    """The long table of `REFERRALS_COLUMNS`: per month, places by outcome (need blank: each
    referral once) and places and needs by outcome, each suppressed as a table of its own with
    its totals. Cells counting zero are left out."""
    rows: list[list[object]] = [list(REFERRALS_COLUMNS)]
    by_month: dict[date, list[tuple[Fact, int]]] = {}
    for fact, n in counts.items():
        by_month.setdefault(fact.month, []).append((fact, n))
    for month in months:
        month_facts = by_month.get(month, [])
        for needs in (False, True):
            cells: Counter = Counter()
            for fact, n in month_facts:
                if bool(fact.need) == needs:
                    cells[((fact.country, fact.region, fact.need), fact.outcome)] += n
            keys = sorted({key for key, _o in cells})
            if not keys:
                continue
            published = suppress([[cells[(key, o)] for o in OUTCOMES] for key in keys])
            for (country, region, need), counts_row, real in zip(
                keys,
                published.cells,
                ([cells[(k, o)] for o in OUTCOMES] for k in keys),
                strict=True,
            ):
                for outcome, shown, value in zip(OUTCOMES, counts_row, real, strict=True):
                    if value == 0 and shown == 0:
                        continue
                    rows.append([month_key(month), country, region, need, outcome, shown])
    return rows
