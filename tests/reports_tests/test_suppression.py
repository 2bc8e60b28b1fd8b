"""The suppression rule, proved on tables hypothesis makes up: no published table lets a hidden
count be worked out from the cells, rows, columns and totals that are published.

The check is independent of the rule's own graph reasoning: it writes down every equation a
reader has (each row and column adds up to its total), puts in the published numbers, and asks
exact linear algebra whether the equations pin a hidden cell to one value."""

from fractions import Fraction

from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.suppression import hidden_cells, min_cell, suppress


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def solvable_cells(counts: list[list[int]], hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden cells whose value the published cells and totals fix."""
    rows, columns = len(counts) + 1, len(counts[0]) + 1
    unknown = sorted(hidden)
    where = {cell: n for n, cell in enumerate(unknown)}
    equations = []
    # Each row: its cells minus its total is zero; each column likewise (totals included).
    for i in range(rows):
        line = [Fraction(0)] * len(unknown)
        for j in range(columns):
            if (i, j) in where:
                line[where[(i, j)]] += -1 if j == columns - 1 else 1
        equations.append(line)
    for j in range(columns):
        line = [Fraction(0)] * len(unknown)
        for i in range(rows):
            if (i, j) in where:
                line[where[(i, j)]] += -1 if i == rows - 1 else 1
        equations.append(line)
    base = _rank(equations)
    solved = set()
    for cell in unknown:
        probe = [Fraction(0)] * len(unknown)
        probe[where[cell]] = Fraction(1)
        if _rank([*equations, probe]) == base:
            solved.add(cell)
    return solved


def _grid(counts: list[list[int]]) -> list[list[int]]:
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(row[j] for row in grid) for j in range(len(grid[0]))])
    return grid


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda width: st.lists(
        st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=width, max_size=width),
        min_size=1,
        max_size=6,
    )
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=tables, minimum=st.integers(3, 8))
def test_no_hidden_count_can_be_worked_out_from_a_published_table(counts, minimum):
    hidden = hidden_cells(counts, minimum)
    assert solvable_cells(counts, hidden) == set()


@settings(max_examples=300, deadline=None)
@given(counts=tables, minimum=st.integers(3, 8))
def test_every_small_count_and_total_is_hidden_and_every_shown_number_is_true(counts, minimum):
    published = suppress(counts, minimum)
    grid = _grid(counts)
    shown = [
        [*cells, total] for cells, total in zip(published.cells, published.row_totals, strict=True)
    ]
    shown.append([*published.column_totals, published.total])
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if 0 < value < minimum:
                assert shown[i][j] is None
            assert shown[i][j] in (None, value)


def test_a_lone_small_cell_takes_the_next_smallest_of_its_row_and_column_with_it():
    published = suppress([[3, 10, 20], [6, 12, 30]], 5)
    assert published.cells == [[None, None, 20], [None, None, 30]]
    assert published.row_totals == [33, 48]
    assert published.column_totals == [9, 22, 50]
    assert published.total == 81


def test_two_small_cells_of_one_column_hide_their_row_totals_not_a_third_cell():
    # A list (one column): two small rows hide each other; the total may stay.
    published = suppress([[2], [3], [40]], 5)
    assert published.cells == [[None], [None], [40]]
    assert published.total == 45


def test_a_total_under_the_threshold_is_hidden_too():
    published = suppress([[1, 0], [0, 2]], 5)
    assert published.total is None
    assert published.cells == [[None, 0], [0, None]]


def test_zero_is_published():
    assert suppress([[0, 0], [7, 9]], 5).cells == [[0, 0], [7, 9]]


@override_settings(REPORT_MIN_CELL=1)
def test_the_threshold_never_goes_below_three():
    assert min_cell() == 3
    assert suppress([[2, 50], [40, 60]]).cells[0][0] is None


@override_settings(REPORT_MIN_CELL=10)
def test_the_threshold_is_a_setting():
    assert min_cell() == 10
    assert suppress([[7, 50], [40, 60]]).cells[0][0] is None


margin_cases = tables.flatmap(
    lambda counts: st.tuples(
        st.just(counts),
        st.lists(
            st.booleans(),
            min_size=len(counts) + len(counts[0]) + 1,
            max_size=len(counts) + len(counts[0]) + 1,
        ),
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=margin_cases, minimum=st.integers(3, 8))
def test_with_totals_told_elsewhere_the_table_gives_away_nothing_they_did_not(case, minimum):
    """Totals another table publishes (known) or that nobody publishes (unknown): whatever the
    published cells add to them, a hidden cell is solvable only if the known totals alone
    already solve it."""
    counts, flags = case
    grid = _grid(counts)
    rows, columns = len(grid), len(grid[0])
    margin_cells = [(i, columns - 1) for i in range(rows - 1)]
    margin_cells += [(rows - 1, j) for j in range(columns - 1)] + [(rows - 1, columns - 1)]
    # A total another table publishes is never a small count: that table hid it.
    margins = {
        cell: flag and not 0 < grid[cell[0]][cell[1]] < minimum
        for cell, flag in zip(margin_cells, flags, strict=True)
    }
    hidden = hidden_cells(counts, minimum, margins)
    assert not any(margins[cell] for cell in hidden if cell in margins)
    assert all(cell in hidden for cell, known in margins.items() if not known)
    interior = {(i, j) for i in range(rows - 1) for j in range(columns - 1)}
    unknown_anyway = interior | {cell for cell, known in margins.items() if not known}
    told_by_totals = solvable_cells(counts, unknown_anyway)
    assert solvable_cells(counts, hidden) <= told_by_totals | (set(margins) - hidden)
