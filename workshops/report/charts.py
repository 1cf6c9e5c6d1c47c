"""Small server-side SVG charts for the report: plain rectangles and text, no paths, so
WeasyPrint lays them out fast. Values arrive already suppressed (None = fewer than 5)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def bar_chart(rows, *, series_labels, width=460, bar_height=12, suppressed_label="< 5"):
    """Horizontal grouped bars. `rows`: [(label, [value or None, ...])], one value per series."""
    label_width = 170
    series = len(series_labels)
    row_height = bar_height * series + 8
    legend_height = 18
    height = legend_height + row_height * len(rows) + 4
    values = [v for _label, vs in rows for v in vs if v]
    top = max(values) if values else 1
    plot = width - label_width - 40
    colours = ["#1f5f8b", "#e0a030", "#5a9a5a"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="9">'
    ]
    x = label_width
    for index, label in enumerate(series_labels):
        parts.append(f'<rect x="{x}" y="3" width="10" height="10" fill="{colours[index % 3]}"/>')
        parts.append(f'<text x="{x + 14}" y="12">{escape(label)}</text>')
        x += 14 + 7 * len(str(label)) + 16
    for row_index, (label, vals) in enumerate(rows):
        y0 = legend_height + row_index * row_height
        parts.append(
            f'<text x="{label_width - 6}" y="{y0 + row_height / 2 + 3:.0f}" text-anchor="end">{escape(label)}</text>'
        )
        for index, value in enumerate(vals):
            y = y0 + index * bar_height
            if value is None:
                parts.append(
                    f'<text x="{label_width + 2}" y="{y + bar_height - 3}" fill="#555">{suppressed_label}</text>'
                )
                continue
            bar = round(plot * value / top, 1) if top else 0
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{bar}" height="{bar_height - 2}" fill="{colours[index % 3]}"/>'
            )
            parts.append(f'<text x="{label_width + bar + 3}" y="{y + bar_height - 3}">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above, values are ints


def share_bar(share, *, width=460, label=""):
    """One stacked bar showing a share (0-100)."""
    filled = round(width * share / 100, 1)
    return mark_safe(  # noqa: S308 - numbers and an escaped label only
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="22" viewBox="0 0 {width} 22" '
        f'font-family="sans-serif" font-size="9"><rect x="0" y="0" width="{width}" height="14" fill="#ddd"/>'
        f'<rect x="0" y="0" width="{filled}" height="14" fill="#1f5f8b"/>'
        f'<text x="2" y="22">{escape(label)}</text></svg>'
    )
