"""Server-side SVG charts: no JavaScript, no inline style (the CSP allows neither)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# The widest glyph advance of the 13 px system font, a little over the real average, so a
# label's estimated width is never short of its drawn width.
_CHAR_WIDTH = 8.0


def label_room(labels: Sequence[str], minimum: int = 120) -> int:
    """The width (in chart units) the longest label needs at 13 px, plus a margin."""
    return max(minimum, round(max((len(label) for label in labels), default=0) * _CHAR_WIDTH)
               + 16)


def bar_chart(rows: Sequence[tuple[str, int]], title: str, *, bar_height: int = 26,
              label_width: int | None = None, width: int = 640) -> SafeString:
    """A horizontal bar chart of (label, count) rows as an accessible inline <svg>.

    Labels and the title are escaped; the chart has role="img", a <title> and a <desc>
    listing every value, so a screen reader gets the numbers, not the picture. The label
    column is as wide as the longest label needs (#15: Dutch labels such as
    "vertegenwoordigers van een bedrijf" were clipped at the left edge); the chart grows
    wider rather than squeezing the bars below 200 units.
    """
    label_width = label_width or label_room([label for label, _ in rows])
    width = max(width, label_width + 260)
    top = 8
    height = top * 2 + bar_height * max(len(rows), 1)
    most = max((count for _, count in rows), default=0) or 1
    room = width - label_width - 60
    desc = "; ".join(f"{label}: {count}" for label, count in rows) or gettext("no data")
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for index, (label, count) in enumerate(rows):
        y = top + index * bar_height
        length = round(room * count / most)
        parts.append(
            f'<text class="label" x="{label_width - 8}" y="{y + bar_height * 0.65:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{length}" '
            f'height="{bar_height - 8}"></rect>'
            f'<text class="value" x="{label_width + length + 6}" '
            f'y="{y + bar_height * 0.65:.1f}">{count}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
