"""Small-cell suppression: the one rule every published report table goes through.

A table is published with its row totals, its column totals and its grand total. Invariants:

- A cell (or total) counting 1 to `min_cell() - 1` is never published (primary suppression).
  Zero is published: it names nobody.
- No suppressed cell can be worked out from what is published. See the table with its totals as
  a graph whose nodes are its rows and columns (the total row and column included) and whose
  edges are the suppressed cells. Every row and column sums to its total, so a suppressed cell
  is determined by the published cells exactly when it is on no cycle of suppressed cells (a
  bridge); on a cycle, adding t and -t in turn round the cycle keeps every sum, so the cell
  could be anything. Complementary suppression hides more cells until no suppressed cell is a
  bridge, choosing the smallest cell that closes a cycle (a non-zero one first: a hidden zero
  protects nothing, a reader can often guess it).
- Primary and complementary cells look the same when published, so a reader cannot tell which
  hidden cells are small.
- The threshold is REPORT_MIN_CELL (default 5) and never below 3, whatever the setting says.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

DEFAULT_MIN_CELL = 5
FLOOR_MIN_CELL = 3


def min_cell() -> int:
    """The smallest count that may be published."""
    configured = getattr(settings, "REPORT_MIN_CELL", DEFAULT_MIN_CELL)
    return max(FLOOR_MIN_CELL, int(configured))


@dataclass(frozen=True)
class Published:
    """A table as it may be shown: None where a count is hidden."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    @property
    def hidden(self) -> int:
        flat = [*self.row_totals, *self.column_totals, self.total]
        flat += [value for row in self.cells for value in row]
        return sum(value is None for value in flat)


def _with_margins(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with a total column and a total row appended (the grand total at the corner)."""
    width = len(counts[0]) if counts else 0
    grid = [[int(value) for value in row] + [sum(int(value) for value in row)] for row in counts]
    grid.append([sum(row[j] for row in grid) for j in range(width + 1)])
    return grid


def _bridges(hidden: set[tuple[int, int]], rows: int, columns: int) -> list[tuple[int, int]]:
    """Hidden cells on no cycle of hidden cells (Tarjan's bridges on the row-column graph)."""
    adjacent: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[int, int]]]] = {}
    for i, j in hidden:
        adjacent.setdefault(("r", i), []).append((("c", j), (i, j)))
        adjacent.setdefault(("c", j), []).append((("r", i), (i, j)))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: list[tuple[int, int]] = []

    def visit(node: tuple[str, int], via: tuple[int, int] | None) -> None:
        order[node] = low[node] = len(order)
        for neighbour, edge in adjacent.get(node, []):
            if edge == via:
                continue
            if neighbour in order:
                low[node] = min(low[node], order[neighbour])
            else:
                visit(neighbour, edge)
                low[node] = min(low[node], low[neighbour])
                if low[neighbour] > order[node]:
                    found.append(edge)

    for node in sorted(adjacent):
        if node not in order:
            visit(node, None)
    return sorted(found)


def _component(start: tuple[str, int], hidden: set[tuple[int, int]]) -> set[tuple[str, int]]:
    seen, todo = {start}, [start]
    while todo:
        kind, index = todo.pop()
        for i, j in hidden:
            if (kind == "r" and i == index) or (kind == "c" and j == index):
                other = ("c", j) if kind == "r" else ("r", i)
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    return seen


def _cost(grid: list[list[int]], cell: tuple[int, int]) -> tuple[bool, int, bool, int, int]:
    i, j = cell
    margin = i == len(grid) - 1 or j == len(grid[0]) - 1
    return (grid[i][j] == 0, grid[i][j], margin, i, j)


def _cheapest_pair(
    grid: list[list[int]],
    hidden: set[tuple[int, int]],
    side_a: set[tuple[str, int]],
    side_b: set[tuple[str, int]],
) -> list[tuple[int, int]]:
    """Two shown cells that join `side_a` to `side_b` through one row or column of neither."""
    rows, columns = len(grid), len(grid[0])

    def edge(node: tuple[str, int], other: tuple[str, int]) -> tuple[int, int]:
        return (node[1], other[1]) if node[0] == "r" else (other[1], node[1])

    best: list[tuple[int, int]] = []
    best_cost: tuple = ()
    nodes = [("r", i) for i in range(rows)] + [("c", j) for j in range(columns)]
    for middle in nodes:
        if middle in side_a or middle in side_b:
            continue
        kind = "c" if middle[0] == "r" else "r"
        reach = []
        for side in (side_a, side_b):
            cells = [edge(middle, node) for node in side if node[0] == kind]
            cells = [cell for cell in cells if cell not in hidden]
            if not cells:
                break
            reach.append(min(cells, key=lambda cell: _cost(grid, cell)))
        if len(reach) < 2:
            continue
        costs = [_cost(grid, cell) for cell in reach]
        cost = (sum(c[0] for c in costs), sum(c[1] for c in costs), sum(c[2] for c in costs), reach)
        if not best or cost < best_cost:
            best, best_cost = reach, cost
    return best


def hidden_cells(
    counts: Sequence[Sequence[int]],
    minimum: int | None = None,
    margins: dict[tuple[int, int], bool] | None = None,
) -> set[tuple[int, int]]:
    """Cells of the table with margins (the last row and column are the totals) to hide.

    `margins` is for a table whose totals are published elsewhere, or nowhere: a total marked
    True is known to every reader (never hidden, never chosen to protect another), one marked
    False is unknown to them (hidden from the start). A hidden cell that only known totals
    could protect is left as it is: those totals already tell it."""
    minimum = min_cell() if minimum is None else max(FLOOR_MIN_CELL, minimum)
    grid = _with_margins(counts)
    rows, columns = len(grid), len(grid[0])
    frozen = {cell for cell, known in (margins or {}).items() if known}
    hidden = {
        (i, j)
        for i in range(rows)
        for j in range(columns)
        if 0 < grid[i][j] < minimum and (i, j) not in frozen
    }
    hidden |= {cell for cell, known in (margins or {}).items() if not known}
    stuck: set[tuple[int, int]] = set()
    while True:
        bridges = [cell for cell in _bridges(hidden, rows, columns) if cell not in stuck]
        if not bridges:
            return hidden
        i, j = bridges[0]
        rest = hidden - {(i, j)}
        side_a, side_b = _component(("r", i), rest), _component(("c", j), rest)
        closed = hidden | frozen
        closing = [
            (r, c)
            for r in range(rows)
            for c in range(columns)
            if (r, c) not in closed
            and (
                (("r", r) in side_a and ("c", c) in side_b)
                or (("r", r) in side_b and ("c", c) in side_a)
            )
        ]
        if not closing:
            # No single cell closes a cycle: the cheapest two that do, through a row or column
            # outside both sides; failing that, the next smallest cell of its row, and look again.
            pair = _cheapest_pair(grid, closed, side_a, side_b)
            if pair:
                hidden.update(pair)
                continue
            closing = [(i, c) for c in range(columns) if (i, c) not in closed] or [
                (r, c) for r in range(rows) for c in range(columns) if (r, c) not in closed
            ]
        if not closing:
            stuck.add((i, j))
            continue
        hidden.add(min(closing, key=lambda cell: _cost(grid, cell)))


def suppress(
    counts: Sequence[Sequence[int]],
    minimum: int | None = None,
    margins: dict[tuple[int, int], bool] | None = None,
) -> Published:
    """The table and its totals with every small or revealing count hidden (see
    `hidden_cells` for `margins`)."""
    if not counts or not counts[0]:
        return Published([[] for _ in counts], [0 for _ in counts], [], 0)
    grid = _with_margins(counts)
    hidden = hidden_cells(counts, minimum, margins)
    shown = [
        [None if (i, j) in hidden else value for j, value in enumerate(row)]
        for i, row in enumerate(grid)
    ]
    return Published(
        cells=[row[:-1] for row in shown[:-1]],
        row_totals=[row[-1] for row in shown[:-1]],
        column_totals=shown[-1][:-1],
        total=shown[-1][-1],
    )
