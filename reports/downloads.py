"""Report tables as CSV files for spreadsheet programs.

Invariants: a download holds exactly what its table publishes (hidden cells as HIDDEN, never
their count); files are UTF-8 with a byte-order mark, so that spreadsheet programs read
accents right; no cell starts a formula (services.hsds.values.neutralise_formula).
"""

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

from django.http import HttpResponse

from referrals.counting import CALL_OUTCOMES, OUTCOMES, UNMET
from reports.suppression import suppress
from reports.tables import GROUPS, Table, group_of, month_key, place_key
from services.hsds.values import neutralise_formula

BOM = "\ufeff"
# How a hidden count reads in tables and files: one mark for every hidden cell, so that a
# reader cannot tell a small count from one hidden to protect it.
HIDDEN = "x"
REFERRALS_COLUMNS = ("period", "country", "region", "need", "outcome", "count")
CALLS_COLUMNS = ("period", "country", "region", "need", "language", "outcome", "count")


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


def _shown(table: Table, row: str | None, column: str) -> bool:
    """Whether the page publishes this cell (row None: the column's total). Rows and columns
    a table leaves out are zero throughout, which a reader knows."""
    rows = [key for key, _label in table.rows]
    columns = [key for key, _label in table.columns]
    if column not in columns or (row is not None and row not in rows):
        return True
    if row is None:
        return table.published.column_totals[columns.index(column)] is not None
    return table.published.cells[rows.index(row)][columns.index(column)] is not None


def _grid_rows(
    month_list: list[date],
    columns: list[tuple[str, ...]],
    cells: Counter,
    known_row: Callable[[date], bool],
    known_column: Callable[[tuple[str, ...]], bool],
    known_total: bool,
) -> list[list[object]]:
    """One table of months by columns such as (country, region, need, outcome), suppressed
    with what the page already tells of its totals; its non-zero and hidden cells as CSV rows
    (the month, the column's parts, the count)."""
    if not columns:
        return []
    grid = [[cells[(month, column)] for column in columns] for month in month_list]
    rows_n, columns_n = len(month_list), len(columns)
    margins = {(i, columns_n): known_row(month) for i, month in enumerate(month_list)}
    margins |= {(rows_n, j): known_column(column) for j, column in enumerate(columns)}
    margins[(rows_n, columns_n)] = known_total
    published = suppress(grid, margins=margins)
    out: list[list[object]] = []
    for month, real, shown in zip(month_list, grid, published.cells, strict=True):
        for column, value, cell in zip(columns, real, shown, strict=True):
            if value or cell is None:
                out.append([month_key(month), *column, cell])
    return out


def referrals_rows(counts: Counter, month_list: list[date], tables: list[Table]) -> list[list]:
    """The long table of `REFERRALS_COLUMNS`, suppressed together with the page's tables.

    Cut by month, place, need and outcome, these cells add up to the page's cells (by month,
    by place, by need, unmet needs, declines). So each outcome (declines together, as the page
    groups them) is its own table of months by places (and needs), whose totals are the page's
    cells: a total the page publishes counts as known, one it hides (or publishes nowhere) as
    unknown, and the cells are hidden until none can be worked out from the known totals and
    the published cells. Where a total the page publishes is a sum of several of these (the
    declines of a place, a need's count over places), each part counts as known: more than a
    reader has, so the rule errs on hiding. A blank need counts each referral once."""
    by_key = {table.key: table for table in tables}
    flow, places, needs, unmet = (by_key[k] for k in ("flow", "places", "needs", "unmet"))
    rows: list[list[object]] = [list(REFERRALS_COLUMNS)]
    for group in GROUPS:
        for with_needs in (False, True):
            cells: Counter = Counter()
            for fact, n in counts.items():
                if bool(fact.need) == with_needs and group_of(fact.outcome) == group:
                    column = (fact.country, fact.region, fact.need, fact.outcome)
                    cells[(fact.month, column)] += n
            columns = sorted({column for _month, column in cells})
            if not with_needs:
                rows += _grid_rows(
                    month_list,
                    columns,
                    cells,
                    lambda month, g=group: _shown(flow, month_key(month), g),
                    lambda c, g=group: _shown(places, place_key(c[0], c[1]), g),
                    _shown(flow, None, group),
                )
                continue
            for outcome in sorted({column[3] for column in columns}):
                rows += _grid_rows(
                    month_list,
                    [column for column in columns if column[3] == outcome],
                    cells,
                    lambda month: False,
                    lambda c, g=group: (
                        _shown(needs, c[2], g)
                        or (c[3] == UNMET and _shown(unmet, c[2], place_key(c[0], c[1])))
                    ),
                    _shown(needs, None, group),
                )
    order = {outcome: n for n, outcome in enumerate(OUTCOMES)}
    return [rows[0], *sorted(rows[1:], key=lambda r: (*r[:4], order.get(str(r[4]), 0)))]


def calls_rows(counts: Counter, month_list: list[date]) -> list[list]:
    """The long table of `CALLS_COLUMNS`: each outcome is a table of months by (country,
    region, need, language), suppressed as if every one of its totals were known to the
    reader. The page's call tables are sums of those totals (by month, place, need or language
    and outcome), so whatever the page shows, nothing hidden here can be worked out; the rule
    errs on hiding."""
    rows: list[list[object]] = [list(CALLS_COLUMNS)]
    for outcome in CALL_OUTCOMES:
        cells: Counter = Counter()
        for fact, n in counts.items():
            if fact.outcome == outcome:
                column = (fact.country, fact.region, fact.need, fact.language, outcome)
                cells[(fact.month, column)] += n
        rows += _grid_rows(
            month_list,
            sorted({column for _month, column in cells}),
            cells,
            lambda month: True,
            lambda column: True,
            True,
        )
    order = {outcome: n for n, outcome in enumerate(CALL_OUTCOMES)}
    return [rows[0], *sorted(rows[1:], key=lambda r: (*r[:5], order.get(str(r[5]), 0)))]
