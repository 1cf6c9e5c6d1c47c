"""Small bar charts for the report, drawn server-side as HTML boxes (styled in report.css).

Each row's label is text on a line of its own above its bars, so WeasyPrint wraps a long label
(a Spanish sector name, a recommendation's title) instead of cutting it at the page's edge, and
a long chart flows onto the next page row by row. Values arrive already suppressed (None =
fewer than 5) and are printed after their bar."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SERIES = 3  # report.css colours .series-0 to .series-2


def bar_chart(rows, *, series_labels, suppressed_label="< 5"):
    """Horizontal grouped bars. `rows`: [(label, [value or None, ...])], one value per series."""
    values = [v for _label, vs in rows for v in vs if v]
    top = max(values) if values else 1
    legend = format_html_join(
        " ",
        '<span class="key"><span class="swatch series-{}"></span>{}</span>',
        ((index % SERIES, label) for index, label in enumerate(series_labels)),
    )
    parts = [format_html('<div class="chart"><p class="legend">{}</p>', legend)]
    for label, vals in rows:
        parts.append(format_html('<div class="chart-row"><p class="chart-label">{}</p>', label))
        for index, value in enumerate(vals):
            if value is None:
                parts.append(format_html('<p class="bar suppressed">{}</p>', suppressed_label))
            else:
                # The longest bar takes 85% of the width: its value is printed after it.
                parts.append(
                    format_html(
                        '<p class="bar"><span class="fill series-{}" style="width: {}%"></span> {}</p>',
                        index % SERIES,
                        f"{85 * value / top:.1f}",
                        value,
                    )
                )
        parts.append(mark_safe("</div>"))  # noqa: S308 - a constant
    parts.append(mark_safe("</div>"))  # noqa: S308 - a constant
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped by format_html


def share_bar(share, *, label=""):
    """One bar showing a share (0-100), with its label under it."""
    return format_html(
        '<div class="chart share"><p class="track"><span class="fill series-0" style="width: {}%"></span></p>'
        '<p class="chart-label">{}</p></div>',
        f"{share:.1f}",
        label,
    )
