"""The report's charts and its portfolio figures: the radar chart of the four levels, the bar chart of the
company's percentile ranks in a portfolio, and the words of its portfolio groups."""

from __future__ import annotations

from typing import Any

from cxm.cli.report_labels import label
from cxm.cli.svg import finish

CHART_ID = "cxm-radar"


def level_labels(root: Any) -> None:
    """Lay the competency labels flat (pygal turns them along their axis) and anchor them outwards."""
    for group in root.iter():
        if "x" not in (group.get("class") or "").split() or "web" not in group.get("class", ""):
            continue
        texts = [node for node in group.iter() if node.tag.endswith("text")]
        if not texts:
            continue
        xs = [float(node.get("x")) for node in texts]
        ys = [float(node.get("y")) for node in texts]
        centre, middle = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        for node, x, y in zip(texts, xs, ys, strict=True):
            node.attrib.pop("transform", None)
            anchor = "end" if x < centre - 1 else "start" if x > centre + 1 else "middle"
            node.set("style", f"text-anchor:{anchor}")
            node.set("dy", "0.35em" if anchor != "middle" else "-0.6em" if y < middle else "1.2em")


def radar_svg(report: Any, lang: str) -> str:
    """The radar chart of the four competency levels, as an SVG element (no script, no external reference)."""
    import pygal
    from pygal.style import Style

    levels = list(report.assessment.levels.values())
    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1d2a33",
        foreground_strong="#1d2a33",
        foreground_subtle="#c9d3da",
        colors=("#1f6f8b",),
        opacity=".35",
        opacity_hover=".45",
        font_family="'DejaVu Sans', 'Liberation Sans', Arial, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        value_font_size=12,
        tooltip_font_size=12,
    )
    chart = pygal.Radar(
        style=style,
        js=[],
        disable_xml_declaration=True,
        fill=True,
        range=(0, 6),
        show_legend=False,
        width=820,
        height=420,
        dots_size=5,
        stroke_style={"width": 2.5},
        show_y_labels=True,
        y_labels=[1, 2, 3, 4, 5, 6],
        truncate_label=-1,
        margin=14,
        margin_top=30,
        margin_bottom=30,
        margin_left=270,
        margin_right=270,
        inner_radius=0,
    )
    chart.x_labels = [f"{getattr(lv.name, lang)} ({lv.level})" for lv in levels]
    chart.add(label("series", lang), [lv.level for lv in levels])
    return finish(chart, CHART_ID, label("chart", lang), also=level_labels)


def group_label(s: Any, lang: str) -> str:
    """A portfolio group of the standing table: the whole portfolio, an industry or a size class."""
    from cxm.cli.portfolio import group_name
    from cxm.cli.portfolio import label as plabel

    if s.cut == "all":
        return label("group_of", lang, cut=group_name("all", "", lang), name="", n=s.companies).replace(":  (", " (")
    return label("group_of", lang, cut=plabel(f"cut.{s.cut}", lang), name=group_name(s.cut, s.key, lang), n=s.companies)


def standing_svg(report: Any, standing: list[Any], lang: str) -> str:
    """The bar chart of the company's percentile ranks, one series per group."""
    from cxm.cli.charts import standing_svg as chart

    a = report.assessment
    from cxm.cli.portfolio import label as plabel

    labels = [label("stage", lang), *(plabel(f"short.{c}", lang) for c in a.levels)]
    groups = [(group_label(s, lang), [s.percentiles["stage"], *(s.percentiles[c] for c in a.levels)]) for s in standing]
    return chart(labels, groups, label("standing_chart", lang))


def stage_median(report: Any, median: float, lang: str) -> str:
    """A portfolio's median stage as a stage: its name, or the two stages it falls between (1.5: Ignore-Explore)."""
    names = [getattr(r.name, lang) for r in report.ladder]
    low, high = int(median // 1), -int(-median // 1)
    if low == high:
        return names[low - 1]
    return label("between_stages", lang, a=names[low - 1], b=names[high - 1])
