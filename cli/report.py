"""`cxm report`: a client-ready report, HTML (one self-contained file) or Markdown.

Templates (Jinja2, autoescaped for HTML) live in ``cli/templates``; the radar chart of the four
competency levels is drawn by pygal as SVG and put inline in the HTML (no script, no stylesheet,
no font is fetched). The Markdown report links the same chart, written beside it as
``OUT.radar.svg``, and also gives the levels as a table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cxm.cli.i18n import translator
from cxm.cli.main import LANGS, cli, rules_option, started
from cxm.cli.render import effect_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_ID = "cxm-radar"

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Customer-experience maturity report", "ru": "Отчёт о зрелости клиентского опыта"},
    "prepared": {"en": "Prepared on {date} from the facts file {file}",
                 "ru": "Подготовлен {date} по файлу фактов {file}"},
    "summary": {"en": "Summary", "ru": "Кратко"},
    "stage_of": {"en": "Stage {n} of 6: {name}", "ru": "Стадия {n} из 6: {name}"},
    "why": {"en": "Why", "ru": "Почему"},
    "effects": {"en": "Once done", "ru": "После выполнения"},
    "summary_weakest": {"en": "Weakest competency", "ru": "Самая слабая компетенция"},
    "summary_recs": {"en": "{d} key decisions, {a} actions and {t} tools are recommended.",
                     "ru": "Рекомендовано ключевых решений: {d}, действий: {a}, инструментов: {t}."},
    "summary_next": {"en": "Next stage: {name} (stage {n}).", "ru": "Следующая стадия: «{name}» ({n})."},
    "summary_top": {"en": "The company is at the top stage.", "ru": "Компания на высшей стадии."},
    "levels": {"en": "Competency levels", "ru": "Уровни компетенций"},
    "levels_note": {"en": "Each competency is rated from 1 to 6.", "ru": "Каждая компетенция оценена от 1 до 6."},
    "competency": {"en": "Competency", "ru": "Компетенция"},
    "level": {"en": "Level", "ru": "Уровень"},
    "basis": {"en": "What it rests on", "ru": "На чём основано"},
    "chart": {"en": "Radar chart of the four competency levels (1 to 6)",
              "ru": "Лепестковая диаграмма уровней четырёх компетенций (от 1 до 6)"},
    "series": {"en": "Level", "ru": "Уровень"},
    "ladder": {"en": "The six stages", "ru": "Шесть стадий"},
    "you_are_here": {"en": "You are here", "ru": "Вы здесь"},
    "reached": {"en": "passed", "ru": "пройдена"},
    "current": {"en": "current stage", "ru": "текущая стадия"},
    "next": {"en": "next stage", "ru": "следующая стадия"},
    "ahead": {"en": "ahead", "ru": "впереди"},
    "weakest": {"en": "Weakest competency", "ru": "Самая слабая компетенция"},
    "weakest_note": {"en": "The weakest competency holds the stage back: strengthen it first.",
                     "ru": "Самая слабая компетенция сдерживает стадию: её нужно укреплять в первую очередь."},
    "recommendations": {"en": "Recommendations: key decisions, actions, tools",
                        "ru": "Рекомендации: ключевые решения, действия, инструменты"},
    "recs_note": {"en": "In priority order: each decision is followed by its actions, each action by its tools.",
                  "ru": "В порядке приоритета: за каждым решением следуют его действия, за действием — инструменты."},
    "none": {"en": "None.", "ru": "Нет."},
    "decision": {"en": "Decision", "ru": "Решение"},
    "action": {"en": "Action", "ru": "Действие"},
    "tool": {"en": "Tool", "ru": "Инструмент"},
    "effort": {"en": "effort", "ru": "усилия"},
    "cost": {"en": "cost", "ru": "затраты"},
    "low": {"en": "low", "ru": "низкие"},
    "medium": {"en": "medium", "ru": "средние"},
    "high": {"en": "high", "ru": "высокие"},
    "roadmap": {"en": "Roadmap to {name} (stage {n})", "ru": "Дорожная карта к стадии «{name}» ({n})"},
    "roadmap_top": {"en": "Roadmap", "ru": "Дорожная карта"},
    "top_stage": {"en": "The top stage is reached; the task now is to keep it.",
                  "ru": "Достигнута высшая стадия; теперь задача — её удерживать."},
    "unmet_intro": {"en": "What the next stage needs and the company does not have yet:",
                    "ru": "Чего требует следующая стадия и чего у компании пока нет:"},
    "all_met": {"en": "Every condition of the next stage is met.",
                "ru": "Все условия следующей стадии выполнены."},
    "now": {"en": "now", "ru": "сейчас"},
    "absent": {"en": "absent", "ru": "нет"},
    "focus": {"en": "Strengthen first", "ru": "Укрепить в первую очередь"},
    "start_with": {"en": "Start with", "ru": "Начать с"},
    "held_back": {"en": "Held back for now", "ru": "Пока отложено"},
    "appendix": {"en": "Appendix: why each recommendation is made",
                 "ru": "Приложение: почему сделана каждая рекомендация"},
    "appendix_note": {"en": "Each recommendation with the rule that made it, what that rule rests on, and the "
                            "input facts with their line in the facts file.",
                      "ru": "Каждая рекомендация с правилом, которое её сделало, тем, на чём оно основано, "
                            "и исходными фактами с номером строки в файле фактов."},
    "rule": {"en": "rule", "ru": "правило"},
    "source": {"en": "source", "ru": "источник"},
    "input_line": {"en": "input, line {line}", "ru": "исходный факт, строка {line}"},
    "input_default": {"en": "input, default (not in the file)", "ru": "исходный факт, по умолчанию (нет в файле)"},
    "footer": {"en": "cx-maturity {version}; knowledge base {kb}", "ru": "cx-maturity {version}; база знаний {kb}"},
}


label = translator(LABELS)


def _strip_comments(root: Any) -> Any:
    """Drop pygal's comments (links and the date) and its script (the config of its optional tooltips).

    What is left is a static, offline SVG that gives the same bytes for the same input.
    """
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _level_labels(root: Any) -> None:
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
        background="#ffffff", plot_background="#ffffff", foreground="#1d2a33", foreground_strong="#1d2a33",
        foreground_subtle="#c9d3da", colors=("#1f6f8b",), opacity=".35", opacity_hover=".45",
        font_family="'DejaVu Sans', 'Liberation Sans', Arial, sans-serif",
        label_font_size=14, major_label_font_size=14, value_font_size=12, tooltip_font_size=12,
    )
    chart = pygal.Radar(
        style=style, js=[], disable_xml_declaration=True, fill=True, range=(0, 6), show_legend=False,
        width=820, height=420, dots_size=5, stroke_style={"width": 2.5}, show_y_labels=True,
        y_labels=[1, 2, 3, 4, 5, 6], truncate_label=-1, margin=14, margin_top=30, margin_bottom=30, margin_left=215,
        margin_right=215,
        inner_radius=0,
    )
    chart.uuid = CHART_ID  # a fixed id instead of a random one: the same input gives the same bytes
    chart.x_labels = [f"{getattr(lv.name, lang)} ({lv.level})" for lv in levels]
    chart.add(label("series", lang), [lv.level for lv in levels])

    def finish(root: Any) -> Any:
        _strip_comments(root)
        _level_labels(root)
        for child in root:
            if child.tag.endswith("title"):
                child.text = label("chart", lang)
        root.set("role", "img")
        root.set("aria-label", label("chart", lang))
        return root

    chart.add_xml_filter(finish)
    return chart.render(is_unicode=True)


def _text(value: Any) -> str:
    from cxm.cli.render import _plain

    return _plain(value)


def render(report: Any, fmt: str, lang: str, *, chart_href: str = "") -> str:
    """The report as HTML or Markdown text."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    from cxm.cli.main import package_version
    from cxm.engine.services.history import now

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("md",), default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["tr"] = lambda bilingual: getattr(bilingual, lang)
    env.filters["plain"] = _text
    env.filters["md"] = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    env.filters["effects"] = lambda effects: "; ".join(effect_text(e) for e in effects)
    env.globals["L"] = lambda key, **values: label(key, lang, **values)
    a = report.assessment
    context = {
        "r": report, "a": a, "lang": lang, "version": package_version(), "date": now()[:10],
        "weakest": [a.levels[c] for c in a.weakest],
        "weakest_text": ", ".join(f"{getattr(a.levels[c].name, lang)} ({a.levels[c].level})" for c in a.weakest),
        "focus_text": ", ".join(getattr(a.levels[c].name, lang) for c in a.roadmap.weakest),
        "stage_why": " ".join(dict.fromkeys(getattr(x, lang) for x in (a.stage.because, a.stage.basis))),
        "next_text": label("summary_next", lang, name=getattr(a.roadmap.next_stage.name, lang),
                           n=a.roadmap.next_stage.number) if a.roadmap.next_stage else label("summary_top", lang),
        "chart": Markup(radar_svg(report, lang)) if fmt == "html" else "",
        "chart_href": chart_href,
    }
    return env.get_template(f"report.{fmt}").render(context)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The report file: OUT.html (self-contained page) or OUT.md (Markdown).")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Language of the report.")
@rules_option
def report(file: Path, output: Path, lang: str, rules: tuple[Path, ...]) -> None:
    """Write a client-ready report on the company described in FILE.

    The report holds a summary, a radar chart of the four competency levels, the six-stage ladder
    with the company's place on it, the weakest competency, the key decisions, actions and tools in
    priority order, the roadmap to the next stage, and an appendix explaining each recommendation.
    The format follows the extension of OUT: .html is one self-contained page (inline SVG chart,
    nothing fetched from the network, print-ready); .md is Markdown, with the chart written beside
    it as OUT.radar.svg.

    \b
    Example:
      cxm report facts/examples/article-1-wellness-resort.yaml -o resort.html
      cxm report facts/examples/article-2-regional-lender.yaml -o lender.md --lang ru
    """
    from cxm.engine.base.atomic import write_text
    from cxm.engine.services.api import Engine, read_facts
    from cxm.engine.services.report import build

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise click.BadParameter(f"{output}: the report must end in .html or .md", param_hint="-o/--output")
    loaded = read_facts(file)
    engine = Engine(rules)
    started()
    data = build(engine, loaded)
    if suffix == ".md":
        chart = output.with_name(output.stem + ".radar.svg")
        write_text(chart, radar_svg(data, lang) + "\n")
        write_text(output, render(data, "md", lang, chart_href=chart.name))
        click.echo(f"{output}\n{chart}")
    else:
        write_text(output, render(data, "html", lang))
        click.echo(str(output))
