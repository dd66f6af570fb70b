"""`cxm report`: a client-ready report, HTML (one self-contained file) or Markdown.

Templates (Jinja2, autoescaped for HTML, escaped for Markdown: see :func:`md_escape`) live in
``cli/templates``; the radar chart of the four
competency levels is drawn by pygal as SVG and put inline in the HTML (no script, no stylesheet,
no font is fetched). The Markdown report links the same chart, written beside it as
``OUT.radar.svg``, and also gives the levels as a table.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import click

from cxm.cli.errors import Failure, Rejected
from cxm.cli.i18n import LABELS as _TEXT_LABELS
from cxm.cli.i18n import translator
from cxm.cli.main import cli, lang_option, rules_option, started, warn_facts, warn_overrides
from cxm.cli.render import effect_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_ID = "cxm-radar"

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Customer-experience maturity report", "ru": "Отчёт о зрелости клиентского опыта"},
    "prepared": {"en": "Prepared on {date} from the facts file {file}",
                 "ru": "Подготовлен {date} по исходным данным из файла {file}"},
    "summary": {"en": "Summary", "ru": "Резюме"},
    "stage_of": {"en": "Stage {n} of 6: {name}", "ru": "Стадия {n} из 6: {name}"},
    "why": {"en": "Why", "ru": "Почему"},
    "effects": {"en": "Once done", "ru": "После выполнения"},
    "summary_weakest": {"en": "Weakest competency", "ru": "Самая слабая компетенция"},
    "summary_recs": {"en": "{d} key decisions, {a} actions and {t} tools are recommended.",
                     "ru": "Рекомендовано ключевых решений: {d}, действий: {a}, инструментов: {t}."},
    "summary_next": {"en": "Next stage: {name} (stage {n}).", "ru": "Следующая стадия: «{name}» ({n})."},
    "summary_top": {"en": "The company is at the top stage.", "ru": "Компания на высшей стадии."},
    "levels": {"en": "Competency levels", "ru": "Уровни компетенций"},
    "levels_note": {"en": "Each competency is rated from 1 to 6.",
                    "ru": "Каждая компетенция оценивается по шкале от 1 до 6."},
    "competency": {"en": "Competency", "ru": "Компетенция"},
    "level": {"en": "Level", "ru": "Уровень"},
    "basis": {"en": "What it rests on", "ru": "На чём основано"},
    "self_far_below": {"en": "Rates itself far below what the facts show (self-assessed {own}, facts {evidence}).",
                       "ru": "Оценивает себя намного ниже, чем показывают факты (самооценка {own}, "
                             "по фактам {evidence})."},
    "self_far_above": {"en": "Rates itself far above what the facts show (self-assessed {own}, facts {evidence}).",
                       "ru": "Оценивает себя намного выше, чем показывают факты (самооценка {own}, "
                             "по фактам {evidence})."},
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
                     "ru": "Самая слабая компетенция сдерживает переход на следующую стадию, поэтому укреплять её "
                           "нужно в первую очередь."},
    "recommendations": {"en": "Appendix A: every recommendation (key decisions, actions, tools)",
                        "ru": "Приложение А: все рекомендации (ключевые решения, действия, инструменты)"},
    "plan_note": {"en": "What to do now, next and later, in one order: the weakest competency first, then what "
                        "unlocks the next stage, then effort, cost and time. Appendix A lists every recommendation.",
                  "ru": "Что делать сейчас, затем и позже. Порядок один: сначала самая слабая компетенция, потом то, "
                        "что открывает путь к следующей стадии, затем усилия, затраты и срок. Все рекомендации — в "
                        "приложении А."},
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
    "appendix": {"en": "Appendix B: why each recommendation is made",
                 "ru": "Приложение Б: почему сделана каждая рекомендация"},
    "appendix_note": {"en": "Why each recommendation is made, its source, and what that rests on, down to the "
                            "facts about the company.",
                      "ru": "Почему сделана каждая рекомендация, на каком источнике она основана и на чём держится — "
                            "вплоть до сведений о компании."},
    "rule": {"en": "rule", "ru": "правило"},
    "source": {"en": "source", "ru": "источник"},
    "input_line": {"en": "input, line {line}", "ru": "исходный факт, строка {line}"},
    "input_default": {"en": "input, default (not in the file)", "ru": "исходный факт, по умолчанию (нет в файле)"},
    "assumed": {"en": "Assumed", "ru": "Принято по умолчанию"},
    "assumed_note": {"en": "The facts file leaves these out, so the assessment takes them at their defaults: the "
                           "practice is taken as not in place. Add them to the file if that is not so.",
                     "ru": "Этих сведений нет в исходных данных, поэтому при оценке считалось, что таких практик в "
                           "компании нет. Если это не так, дополните данные."},
    "assumed_whole": {"en": "the whole section", "ru": "весь раздел"},
    "sources": {"en": "Sources", "ru": "Источники"},
    "footer": {"en": "cx-maturity {version}; knowledge base {kb}", "ru": "cx-maturity {version}; база знаний {kb}"},
    "portfolio": {"en": "Against the portfolio", "ru": "В сравнении с портфелем"},
    "portfolio_note": {"en": "Percentile rank (0-100) in {source}: the per cent of companies below, plus half of "
                             "those level (50 is the middle); the group's median in brackets. Industry and "
                             "size-class groups of fewer than {n} companies are left out.",
                       "ru": "Процентильный ранг (0-100) в {source}: доля компаний ниже, плюс половина равных "
                             "(50 — середина); в скобках медиана группы. Группы отрасли и размера меньше {n} "
                             "компаний не показаны."},
    "standing_chart": {"en": "Bar chart: percentile rank of the stage and of each level, per group",
                       "ru": "Столбчатая диаграмма: процентильный ранг стадии и каждого уровня по группам"},
    "group": {"en": "Group", "ru": "Группа"},
    "stage": {"en": "Stage", "ru": "Стадия"},
    "this_company": {"en": "This company", "ru": "Эта компания"},
    "pct": {"en": "{p} (median {m:g})", "ru": "{p} (медиана {m:g})"},
    "pct_stage": {"en": "{p} (median: {m})", "ru": "{p} (медиана: {m})"},
    "between_stages": {"en": "between {a} and {b}", "ru": "между «{a}» и «{b}»"},
    "shortest_head": {"en": "The shortest path to the next stage", "ru": "Кратчайший путь к следующей стадии"},
    "group_of": {"en": "{cut}: {name} ({n} companies)", "ru": "{cut}: {name} (компаний: {n})"},
}


# the plan's words are the text output's own, so that the report and `cxm assess` say the same
LABELS.update({key: _TEXT_LABELS[key] for key in (
    "plan", "plan_empty", "plan_now", "plan_next", "plan_later", "meta", "weeks", "months", "year", "obligations",
    "duty_do", "duty_confirm", "duty_confirm_how", "duty_confirm_client", "shortest", "now", "absent",
    *(k for k in _TEXT_LABELS if k.startswith("section_")))})
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
        y_labels=[1, 2, 3, 4, 5, 6], truncate_label=-1, margin=14, margin_top=30, margin_bottom=30, margin_left=270,
        margin_right=270,
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


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links and images, table cells, strike-through
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")  # a heading, a list item, a setext underline


def md_escape(value: Any) -> Any:
    """A value as literal Markdown text: no HTML, link, image, emphasis, heading or list can come out of it.

    Every value a Markdown template inserts passes through here (the environment's ``finalize``), but
    what the template marks ``|safe`` (its own heading marks and outline numbers) and what is already
    escaped. A line break becomes a space, so no value can begin a line of its own.
    """
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit()
                                                      else "\\" + m.group(2)), text)
    return Markup(text)


def md_code(value: Any) -> Any:
    """A Markdown code span holding ``value`` literally (its fence longer than any run of backticks in it)."""
    from markupsafe import Markup

    text = " ".join(str(value).splitlines())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def md_url(value: Any) -> Any:
    """A link destination: percent-encoded, so that it cannot close the link or add a title."""
    from urllib.parse import quote

    from markupsafe import Markup

    return Markup(quote(str(value)))


def _text(value: Any) -> str:
    from cxm.cli.render import _plain

    return _plain(value)


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
    groups = [(group_label(s, lang), [s.percentiles["stage"], *(s.percentiles[c] for c in a.levels)])
              for s in standing]
    return chart(labels, groups, label("standing_chart", lang))


def stage_median(report: Any, median: float, lang: str) -> str:
    """A portfolio's median stage as a stage: its name, or the two stages it falls between (1.5: Ignore-Explore)."""
    names = [getattr(r.name, lang) for r in report.ladder]
    low, high = int(median // 1), -int(-median // 1)
    if low == high:
        return names[low - 1]
    return label("between_stages", lang, a=names[low - 1], b=names[high - 1])


def render(report: Any, fmt: str, lang: str, *, chart_href: str = "", standing: list[Any] | None = None,
           portfolio_source: str = "", standing_href: str = "", consultant: bool = False,
           range_lines: list[str] | None = None) -> str:
    """The report as HTML or Markdown text (with ``standing``: the section against a portfolio). The client's
    report says everything in words; ``consultant`` adds the ids, the rules and the facts as the engine has them."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    from cxm.cli.main import package_version
    from cxm.cli.render import condition_text, reason, survey_line
    from cxm.cli.report_prose import appendix, sources
    from cxm.cli.report_prose import label as label_prose
    from cxm.engine.language.words import lower_first
    from cxm.engine.services.history import now
    from cxm.engine.services.portfolio import MIN_GROUP

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("md",), default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        finalize=md_escape if fmt == "md" else None,
    )
    env.filters["tr"] = lambda bilingual: getattr(bilingual, lang)
    env.filters["plain"] = _text
    env.filters["fields"] = lambda fields: ", ".join(f"{p.split('.', 1)[1]}={_text(v)}" for p, v in fields.items())
    env.filters["md"] = md_escape
    env.filters["code"] = md_code
    env.filters["url"] = md_url
    env.filters["effects"] = lambda effects: "; ".join(effect_text(e) for e in effects)
    env.globals["L"] = lambda key, **values: label(key, lang, **values)
    env.filters["lowerfirst"] = lower_first
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
        "survey_text": lambda c: survey_line(a, c, lang),
        "standing": standing or [], "portfolio_source": portfolio_source, "standing_href": standing_href,
        "standing_chart": Markup(standing_svg(report, standing, lang)) if standing and fmt == "html" else "",
        "group_label": lambda s: group_label(s, lang), "min_group": MIN_GROUP,
        "appendix": appendix(report, lang, consultant),
        "consultant": consultant,
        "condition": lambda cond: condition_text(cond, lang, ids=consultant),
        "reason": lambda rec: getattr(rec.because, lang) if consultant else reason(rec, lang),
        "stage_median": lambda m: stage_median(report, m, lang),
        "sources": sources(report, lang),
        "file_name": Path(a.file).name,
        "rests_on": label_prose("rests_on", lang),
        "texts": {rec.id: rec.text for rec in a.recommendations},
        "titles": {rec.id: rec.title for rec in a.recommendations},
        "range_lines": range_lines or [],
    }
    return env.get_template(f"report.{fmt}").render(context)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The report file: OUT.html (self-contained page), OUT.md (Markdown) or OUT.pdf (A4; needs the "
                   "optional extra: pip install 'cx-maturity[pdf]').")
@lang_option("Language of the report.")
@click.option("--portfolio", "portfolio", type=click.Path(exists=True, path_type=Path),
              help="Add where the company stands in a portfolio: `cxm batch` JSON Lines or a folder of facts files.")
@click.option("--consultant", is_flag=True,
              help="The consultant's copy: adds the recommendation ids, the rules and their sources, and the facts "
                   "as the facts file gives them (the client's copy says everything in words).")
@rules_option
def report(file: Path, output: Path, lang: str, rules: tuple[Path, ...], portfolio: Path | None = None,
           consultant: bool = False) -> None:
    """Write a client-ready report on the company described in FILE.

    The report holds a summary, a radar chart of the four competency levels, the six-stage ladder
    with the company's place on it, the weakest competency, the key decisions, actions and tools in
    priority order, the roadmap to the next stage, and an appendix explaining each recommendation.
    The format follows the extension of OUT: .html is one self-contained page (inline SVG chart,
    nothing fetched from the network, print-ready); .md is Markdown, with the chart written beside
    it as OUT.radar.svg; .pdf is the HTML page printed on A4 by WeasyPrint (the optional extra
    cx-maturity[pdf]). FILE '-' reads the facts from standard input.

    \b
    Example:
      cxm report facts/examples/article-1-wellness-resort.yaml -o resort.html
      cxm report facts/examples/article-2-regional-lender.yaml -o lender.md --lang ru
      cxm report facts/examples/article-2-regional-lender.yaml -o lender.html \\
          --portfolio facts/examples/portfolio/results.jsonl
      cxm report facts/examples/article-3-manufacturer.yaml -o manufacturer.pdf
    """
    from cxm.engine.base.atomic import write_bytes, write_text
    from cxm.engine.base.paths import clashes
    from cxm.engine.services.api import Engine, read_facts
    from cxm.engine.services.report import build

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".pdf"):
        raise click.BadParameter(f"{output}: the report must end in .html, .md or .pdf", param_hint="-o/--output")
    if suffix == ".pdf":
        pdf_library()  # before the work: a missing optional extra is said at once
    chart = output.with_name(output.stem + ".radar.svg") if suffix == ".md" else None
    standing = output.with_name(output.stem + ".standing.svg") if chart is not None and portfolio else None
    same = clashes([("FILE", file), ("OUT", output), ("the chart", chart), ("the standing chart", standing),
                    ("the portfolio", portfolio)])
    if same:
        raise Rejected(*(f"error: {line}" for line in same))
    for beside in filter(None, (chart, standing)):  # said before the work, not after it
        if len(os.fsencode(beside.name)) > 255:
            raise click.BadParameter(f"{output}: the name is too long for the chart written beside it "
                                     f"({beside.name[-24:]!r} at the end is over 255 bytes)", param_hint="-o/--output")
    loaded = read_facts(file)
    warn_facts(loaded)
    engine = Engine(rules)
    warn_overrides(engine.kb)
    started()
    extra: dict[str, Any] = {}
    if loaded.unknown:  # facts nobody knew: the range and the facts that decide it lead; the plan is the lowest end's
        from cxm.cli.render_range import report_build

        data, extra["range_lines"] = report_build(engine, loaded, lang, consultant)
    else:
        data = build(engine, loaded)
    if portfolio is not None:
        extra = {"standing": _standing(engine, loaded, data, portfolio, rules), "portfolio_source": portfolio.name}
    written = [output]
    try:
        if chart is not None:
            written.append(chart)
            if extra.get("standing"):
                extra["standing_href"] = output.stem + ".standing.svg"
                written.append(output.with_name(extra["standing_href"]))
            text = render(data, "md", lang, chart_href=chart.name, consultant=consultant, **extra)
            write_text(chart, radar_svg(data, lang) + "\n")
            if extra.get("standing"):
                write_text(written[-1], standing_svg(data, extra["standing"], lang) + "\n")
            write_text(output, text)
        elif suffix == ".pdf":
            write_bytes(output, to_pdf(render(data, "html", lang, consultant=consultant, **extra)))
        else:
            write_text(output, render(data, "html", lang, consultant=consultant, **extra))
    except OSError as exc:
        raise Failure(f"error: cannot write the report {output}: {exc.strerror or exc}") from None
    click.echo("\n".join(map(str, written)))


def _standing(engine: Any, loaded: Any, data: Any, portfolio: Path, rules: tuple[Path, ...]) -> list[Any]:
    """The company's percentile ranks in the portfolio (bad portfolio input: a PortfolioError, exit 2)."""
    from cxm.engine.services import portfolio as service

    records = service.read_records(portfolio, service.Model.of(engine.kb), [str(Path(r).resolve()) for r in rules])
    return service.position(engine, loaded, data.assessment, records)


def pdf_library() -> Any:
    """WeasyPrint, the optional extra that prints the HTML report to PDF."""
    try:
        import weasyprint
    except ImportError:  # not installed (or its system libraries, Pango, are missing)
        raise Failure("error: a PDF report needs WeasyPrint: pip install 'cx-maturity[pdf]' (and the Pango "
                      "library, e.g. the Debian package libpango-1.0-0); .html and .md need nothing more") from None
    return weasyprint


# The date the embedded fonts carry when SOURCE_DATE_EPOCH is not set (2026-01-01 00:00 UTC): without HarfBuzz's
# subsetter, WeasyPrint subsets fonts with fontTools, which stamps each font's "modified" date with the time now
# unless SOURCE_DATE_EPOCH says otherwise (https://reproducible-builds.org/specs/source-date-epoch/).
FONT_DATE_EPOCH = "1767225600"


def to_pdf(html: str) -> bytes:
    """The HTML report printed to PDF by WeasyPrint (A4, as the page's print styles say); the same bytes for the
    same input whichever font subsetter is present: the document's identifier is derived from its content, no
    date is written, and the fonts' date is SOURCE_DATE_EPOCH (set to :data:`FONT_DATE_EPOCH` while printing,
    when the environment does not set it)."""
    import hashlib
    import os

    weasyprint = pdf_library()
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is None:
        os.environ["SOURCE_DATE_EPOCH"] = FONT_DATE_EPOCH
    try:
        return weasyprint.HTML(string=html).write_pdf(identifier=identifier)
    finally:
        if given is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
