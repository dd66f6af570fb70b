"""Bar charts of the portfolio view, drawn by pygal as static SVG (no script, no external reference,
a fixed id: the same figures give the same bytes), like the report's radar chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cxm.cli.svg import finish

FONT = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
STAGE_COLOURS = ("#1f6f8b",)
LEVEL_COLOURS = ("#c0392b", "#e67e22", "#f1c40f", "#7dbb5a", "#2e8b57", "#1f6f8b")
GROUP_COLOURS = ("#1f6f8b", "#e67e22", "#7d5ba6")


def _style(colours: Sequence[str]) -> Any:
    from pygal.style import Style

    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1d2a33",
        foreground_strong="#1d2a33",
        foreground_subtle="#c9d3da",
        colors=tuple(colours),
        opacity=".9",
        opacity_hover=".95",
        font_family=FONT,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=12,
        legend_font_size=13,
        tooltip_font_size=12,
    )


def stages_svg(labels: Sequence[str], counts: Sequence[int], title: str, series: str) -> str:
    """Companies per stage: one bar per stage, the count printed on it."""
    import pygal

    top = max([*counts, 1])
    step = max(1, -(-top // 5))
    chart = pygal.Bar(
        style=_style(STAGE_COLOURS),
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        width=820,
        height=360,
        print_values=True,
        truncate_label=-1,
        margin=14,
        range=(0, top),
        y_labels=list(range(0, top + step, step)),
    )
    chart.x_labels = list(labels)
    chart.add(series, list(counts))
    return finish(chart, "cxm-stages", title)


def levels_svg(
    labels: Sequence[str],
    counts: Sequence[Sequence[float]],
    title: str,
    series: Sequence[str],
    chart_id: str = "cxm-levels",
    percent: bool = False,
) -> str:
    """Companies per level (or stage) of each row: one stacked horizontal bar per row, low to high left to right
    (``percent``: the values are per cent of each row, on a 0-100 axis)."""
    import pygal

    scale = {"range": (0, 100), "y_labels": [0, 20, 40, 60, 80, 100]} if percent else {}

    chart = pygal.HorizontalStackedBar(
        style=_style(LEVEL_COLOURS),
        js=[],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=3 if percent else 6,
        width=820,
        height=max(200, 110 + 68 * len(labels)),
        truncate_label=-1,
        truncate_legend=-1,
        margin=14,
        print_values=False,
        **scale,
    )
    chart.x_labels = list(reversed(labels))  # pygal draws the first label at the bottom
    for level, name in enumerate(series):
        chart.add(name, [row[level] for row in reversed(counts)])
    return finish(chart, chart_id, title)


def standing_svg(labels: Sequence[str], groups: Sequence[tuple[str, Sequence[int]]], title: str) -> str:
    """Percentile ranks (0-100) of one company's stage and levels, one series per group."""
    import pygal

    chart = pygal.Bar(
        style=_style(GROUP_COLOURS),
        js=[],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        width=820,
        height=380,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        print_values=True,
        truncate_label=-1,
        truncate_legend=-1,
        margin=14,
    )
    chart.x_labels = list(labels)
    for name, values in groups:
        chart.add(name, list(values))
    return finish(chart, "cxm-standing", title)
