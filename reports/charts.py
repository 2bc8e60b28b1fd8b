"""Charts as SVG written on the server: no script, no library, no request to anyone.

Invariants: a chart draws only figures already published beside it in a table (hidden cells
stay hidden: no bar, no point); every text in it comes from the caller, already translated and
escaped here; the SVG is an image with a title and a description for screen readers, which
are pointed to the table beside it for the numbers.
"""

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48
# Dark enough on white for text and marks alike (WCAG 3:1 for graphics, 4.5:1 for the text).
INK = "#1f2933"
GRID = "#c7ccd1"
COLOURS = ("#1d5f9e", "#a3460d", "#2e6b30", "#6b3f8f")


def _scale(values: Sequence[float | None]) -> float:
    """A round top for the value axis."""
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1
    step = 10 ** max(0, len(str(int(top))) - 1)
    return float(((int(top) // step) + 1) * step)


def _frame(chart_id: str, title: str, description: str, top: float, labels: Sequence[str]):
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="{}">{}</text>',
            LEFT,
            TOP + plot_h - plot_h * i / 4,
            LEFT + plot_w,
            TOP + plot_h - plot_h * i / 4,
            GRID,
            LEFT - 6,
            TOP + plot_h - plot_h * i / 4 + 4,
            INK,
            number_format(top * i / 4, decimal_pos=0 if top >= 4 else 1, use_l10n=True),
        )
        for i in range(5)
    ]
    slot = plot_w / max(1, len(labels))
    every = max(1, len(labels) // 12 + (len(labels) % 12 > 0))
    parts += [
        format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">{}</text>',
            round(LEFT + slot * (i + 0.5), 1),
            HEIGHT - BOTTOM + 16,
            INK,
            label,
        )
        for i, label in enumerate(labels)
        if (len(labels) - 1 - i) % every == 0  # the latest month always named
    ]
    head = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
    )
    return head, parts, slot, plot_h


def _close(head: SafeString, parts: list[SafeString]) -> SafeString:
    # Every part is already escaped (format_html); joining them keeps it so.
    return format_html("{}{}</svg>", head, format_html_join("", "{}", ((p,) for p in parts)))


def bar_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[int | None],
) -> SafeString:
    """One bar per label; a hidden value (None) draws no bar."""
    top = _scale(values)
    head, parts, slot, plot_h = _frame(chart_id, title, description, top, labels)
    bars = [
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
            round(LEFT + slot * i + slot * 0.15, 1),
            round(TOP + plot_h - plot_h * value / top, 1),
            round(slot * 0.7, 1),
            round(plot_h * value / top, 1),
            COLOURS[0],
        )
        for i, value in enumerate(values)
        if value
    ]
    return _close(head, [*parts, *bars])


def line_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> SafeString:
    """One line per series; a hidden point (None) breaks its line. A legend names each."""
    top = _scale([v for _name, values in series for v in values])
    head, parts, slot, plot_h = _frame(chart_id, title, description, top, labels)
    dashes = ("", "6 4", "2 3", "10 3")
    for n, (name, values) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        runs, run = [], []
        for i, value in enumerate(values):
            if value is None:
                runs, run = [*runs, run] if run else runs, []
                continue
            run.append(
                (round(LEFT + slot * (i + 0.5), 1), round(TOP + plot_h - plot_h * value / top, 1))
            )
        if run:
            runs.append(run)
        for points in runs:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
                    'stroke-dasharray="{}"/>',
                    " ".join(f"{x},{y}" for x, y in points),
                    colour,
                    dashes[n % len(dashes)] or "none",
                )
            )
            parts.append(
                format_html_join(
                    "",
                    '<circle cx="{}" cy="{}" r="3.5" fill="{}"/>',
                    ((x, y, colour) for x, y in points),
                )
            )
        legend_x = LEFT + n * 200
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" '
                'stroke-dasharray="{}"/><text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                legend_x,
                HEIGHT - 10,
                legend_x + 24,
                HEIGHT - 10,
                colour,
                dashes[n % len(dashes)] or "none",
                legend_x + 30,
                HEIGHT - 6,
                INK,
                name,
            )
        )
    return _close(head, parts)
