"""`cxm portfolio`: the figures of many assessed companies (see :mod:`cxm.engine.services.portfolio`), as a
self-contained HTML page, Markdown (charts beside it as SVG files) or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from cxm.cli.formats import PORTFOLIO
from cxm.cli.i18n import translator
from cxm.cli.options import lang_option, rules_option

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "CX maturity portfolio", "ru": "Портфель: зрелость клиентского опыта"},
    "prepared": {
        "en": "Prepared on {date} from {file}: {n} companies",
        "ru": "Подготовлен {date} по {file}: компаний — {n}",
    },
    "stages": {"en": "How the companies spread over the six stages", "ru": "Распределение компаний по шести стадиям"},
    "stages_chart": {"en": "Bar chart: companies per stage", "ru": "Столбчатая диаграмма: компании по стадиям"},
    "companies": {"en": "Companies", "ru": "Компании"},
    "stage": {"en": "Stage", "ru": "Стадия"},
    "share": {"en": "Share", "ru": "Доля"},
    "self_far": {
        "en": "Rate themselves far below what the facts show (two levels or more in a competency): {below}; "
        "far above: {above}.",
        "ru": "Оценивают себя намного ниже, чем показывают факты (на два уровня и более хотя бы по одной "
        "компетенции): {below}; намного выше: {above}.",
    },
    "benchmark": {
        "en": "{low} of the companies are in the two lowest stages and {high} in the two highest. "
        "For comparison, Temkin Group's State of Customer Experience Management 2013 found 6% of large "
        "(US$500 million or more) companies at the two highest levels.",
        "ru": "В двух низших стадиях {low} компаний, в двух высших — {high}. Для сравнения: в исследовании "
        "Temkin Group «The State of Customer Experience Management 2013» на двух высших уровнях "
        "было 6% крупных компаний (выручка от 500 млн долларов США).",
    },
    "warned": {
        "en": "Companies whose answers contradict each other (consistency warnings): {n}. Their advice rests "
        "on those answers; cxm assess shows each contradiction.",
        "ru": "Компаний с противоречивыми ответами (предупреждения о согласованности): {n}. Их рекомендации "
        "опираются на эти ответы; каждое противоречие покажет cxm assess.",
    },
    "unsettled": {
        "en": "Companies whose stage is not settled (facts nobody knew leave a range; counted at its "
        "lowest end): {n}. cxm assess names the facts that decide each.",
        "ru": "Компаний, стадия которых не определена (неизвестные факты оставляют диапазон; учтены по "
        "нижней границе): {n}. Решающие факты каждой назовёт cxm assess.",
    },
    "levels": {"en": "Level distribution of each competency", "ru": "Распределение уровней по компетенциям"},
    "levels_chart": {
        "en": "Stacked bar chart: companies per level of each competency",
        "ru": "Диаграмма с накоплением: компании по уровням каждой компетенции",
    },
    "competency": {"en": "Competency", "ru": "Компетенция"},
    "level_n": {"en": "Level {n}", "ru": "Уровень {n}"},
    "weakest": {"en": "The weakest competency, most often", "ru": "Самая слабая компетенция — чаще всего"},
    "weakest_note": {
        "en": "A company whose weakest level is shared by two competencies counts for both.",
        "ru": "Если самый низкий уровень у двух компетенций, компания учтена в обеих.",
    },
    "recs": {"en": "Recommendations made most often", "ru": "Самые частые рекомендации"},
    "recommendation": {"en": "Recommendation", "ru": "Рекомендация"},
    "gates": {
        "en": "Gates that hold companies back most often",
        "ru": "Условия перехода, которые чаще всего сдерживают компании",
    },
    "gates_note": {
        "en": "The next stage's gates a company does not meet.",
        "ru": "Условия следующей стадии, которые компания не выполняет.",
    },
    "gate": {"en": "Gate", "ru": "Условие"},
    "none": {"en": "None.", "ru": "Нет."},
    "cuts": {"en": "By industry, market and size class", "ru": "По отраслям, рынкам и размеру"},
    "cuts_note": {
        "en": "Groups of at least {n} companies; a company in two industries counts in both. Market: B2B or "
        "B2C when it brings 70% of revenue or more, otherwise mixed. Size class by head count.",
        "ru": "Группы не менее чем из {n} компаний; компания из двух отраслей учтена в обеих. Рынок: B2B или "
        "B2C, если он даёт от 70% выручки, иначе смешанный. Размер — по числу сотрудников.",
    },
    "no_groups": {"en": "No group holds {n} companies or more.", "ru": "Ни в одной группе нет {n} и более компаний."},
    "cut_chart": {
        "en": "Stacked bar chart: per cent of each group's companies per stage, by {cut}",
        "ru": "Диаграмма с накоплением: доля компаний группы на каждой стадии, %, разрез «{cut}»",
    },
    "cut.industry": {"en": "Industry", "ru": "Отрасль"},
    "cut.market": {"en": "Market", "ru": "Рынок"},
    "cut.size_class": {"en": "Size class", "ru": "Размер"},
    "group": {"en": "Group", "ru": "Группа"},
    "n": {"en": "n", "ru": "n"},
    "median": {"en": "Median level", "ru": "Медиана уровня"},
    "median_note": {
        "en": "Columns 1 to 6 count the companies at each stage; competency columns give the median level.",
        "ru": "Столбцы 1-6 — число компаний на каждой стадии; столбцы компетенций — медиана уровня.",
    },
    "short.leadership": {"en": "Leadership", "ru": "Руководство"},
    "short.brand": {"en": "Brand", "ru": "Ценности"},
    "short.employees": {"en": "Employees", "ru": "Сотрудники"},
    "short.customers": {"en": "Customers", "ru": "Клиенты"},
    "top_weakest": {"en": "Weakest most often", "ru": "Чаще всего слабейшая"},
    "top_rec": {"en": "Most frequent recommendation", "ru": "Самая частая рекомендация"},
    "top_gate": {"en": "Gate failed most often", "ru": "Чаще всего не выполнено"},
    "market.b2b": {"en": "B2B", "ru": "B2B"},
    "market.b2c": {"en": "B2C", "ru": "B2C"},
    "market.mixed": {"en": "Mixed", "ru": "Смешанный"},
    "size_class.micro": {"en": "Micro (1-9)", "ru": "Микро (1-9)"},
    "size_class.small": {"en": "Small (10-49)", "ru": "Малая (10-49)"},
    "size_class.medium": {"en": "Medium (50-249)", "ru": "Средняя (50-249)"},
    "size_class.large": {"en": "Large (250+)", "ru": "Крупная (250+)"},
    "all": {"en": "Whole portfolio", "ru": "Весь портфель"},
    "footer": {"en": "cx-maturity {version}", "ru": "cx-maturity {version}"},
}
INDUSTRIES = {
    "hospitality": ("Hospitality", "Гостеприимство"),
    "healthcare": ("Healthcare", "Здравоохранение"),
    "finance": ("Finance", "Финансы"),
    "manufacturing": ("Manufacturing", "Производство"),
    "retail": ("Retail", "Розничная торговля"),
    "telecom": ("Telecom", "Связь"),
    "it": ("IT", "ИТ"),
    "logistics": ("Logistics", "Логистика"),
    "education": ("Education", "Образование"),
    "public": ("Public sector", "Госсектор"),
    "other": ("Other", "Другое"),
}

label = translator(LABELS)


def group_name(cut: str, key: str, lang: str) -> str:
    """A group's name: an industry, market focus or size class."""
    if cut == "all":
        return label("all", lang)
    if cut == "industry":
        return INDUSTRIES.get(key, (key, key))[0 if lang == "en" else 1]
    return label(f"{cut}.{key}", lang)


def percent(share: float) -> str:
    """A share as a whole per cent (half up)."""
    from decimal import ROUND_HALF_UP, Decimal

    return f"{(Decimal(repr(share)) * 100).quantize(Decimal(1), ROUND_HALF_UP)}%"


class Names:
    """Names of stages, competencies, recommendations and gates, from the rule base, in one language."""

    def __init__(self, kb: Any, lang: str):
        self.kb, self.lang = kb, lang

    def stage(self, sid: str) -> str:
        return getattr(self.kb.stage(sid).name, self.lang)

    def competency(self, cid: str) -> str:
        return getattr(self.kb.competency(cid).name, self.lang)

    def rec(self, rid: str) -> str:
        entry = self.kb.catalogue.get(rid)
        return getattr(entry.rec.title, self.lang) if entry else rid

    def gate(self, gid: str) -> str:
        try:
            return getattr(self.kb.rule(gid).title, self.lang)
        except KeyError:  # a gate of another rule base than the one loaded
            return gid


def charts(p: Any, model: Any, names: Names, lang: str) -> dict[str, str]:
    """The charts of the portfolio, as SVG text: stages, levels, and the stages of each cut's groups."""
    from cxm.cli.charts import levels_svg, stages_svg

    f = p.figures
    by_cut = {}
    for cut in ("industry", "market", "size_class"):
        groups = [g for g in p.groups if g.cut == cut]
        if groups:
            by_cut[f"stages-by-{cut.replace('_', '-')}"] = levels_svg(
                [group_name(cut, g.key, lang) for g in groups],
                [[round(100 * g.figures.stages[s] / g.figures.companies, 1) for s in model.stages] for g in groups],
                label("cut_chart", lang, cut=label(f"cut.{cut}", lang)),
                [names.stage(s) for s in model.stages],
                chart_id=f"cxm-stages-{cut.replace('_', '-')}",
                percent=True,
            )
    return by_cut | {
        "stages": stages_svg(
            [names.stage(s) for s in model.stages],
            [f.stages[s] for s in model.stages],
            label("stages_chart", lang),
            label("companies", lang),
        ),
        "levels": levels_svg(
            [names.competency(c) for c in model.competencies],
            [[f.levels[c][str(n)] for n in range(1, 7)] for c in model.competencies],
            label("levels_chart", lang),
            [label("level_n", lang, n=n) for n in range(1, 7)],
        ),
    }


def _median_level(levels: dict[str, int]) -> str:
    values = sorted(int(lv) for lv, n in levels.items() for _ in range(n))
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return f"{median:g}"


def render(p: Any, model: Any, kb: Any, fmt: str, lang: str, chart_href: dict[str, str] | None = None) -> str:
    """The portfolio as HTML or Markdown."""
    from markupsafe import Markup

    from cxm.cli.markdown import environment
    from cxm.cli.session import package_version
    from cxm.engine.services.history import now
    from cxm.engine.services.portfolio import MIN_GROUP

    page = PORTFOLIO[fmt]
    env = environment(page.escape)  # every inserted value escaped, as in the report
    names = Names(kb, lang)
    env.globals["L"] = lambda key, **values: label(key, lang, **values)
    env.filters["pct"] = percent
    env.filters["median"] = _median_level
    svg = charts(p, model, names, lang) if page.inline_charts else {}
    context = {
        "p": p,
        "f": p.figures,
        "model": model,
        "n": names,
        "lang": lang,
        "version": package_version(),
        "date": now()[:10],
        "group_name": lambda cut, key: group_name(cut, key, lang),
        "charts": {k: Markup(v) for k, v in svg.items()},
        "chart_href": chart_href or {},
        "cuts": [(cut, [g for g in p.groups if g.cut == cut]) for cut in ("industry", "market", "size_class")],
        "min_group": MIN_GROUP,
    }
    return env.get_template(f"portfolio.{page.name}").render(context)


def load(input_path: Path, rules: tuple[Path, ...]) -> tuple[Any, Any, Any]:
    """The engine's rule base, the model and the portfolio's figures (bad input: a PortfolioError)."""
    from cxm.cli.session import engine as load_engine
    from cxm.engine.services import portfolio as service

    engine = load_engine(rules, quiet=True)
    model = service.Model.of(engine.kb)
    records = service.read_records(input_path, model, [str(Path(r).resolve()) for r in rules])
    return engine.kb, model, service.summarise(records, model, str(input_path))


def write(p: Any, model: Any, kb: Any, output: Path | None, fmt: str, lang: str) -> list[Path]:
    """Write the portfolio as FMT to OUTPUT (JSON without OUTPUT: to stdout); the files written."""
    from cxm.engine.base.atomic import write_text

    def as_json() -> list[Path]:
        from cxm.engine.services.portfolio import to_data

        text = json.dumps(to_data(p), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            click.echo(text, nl=False)
            return []
        write_text(output, text)
        return [output]

    def as_markdown() -> list[Path]:
        assert output is not None
        svg = charts(p, model, Names(kb, lang), lang)
        files = {k: output.with_name(f"{output.stem}.{k}.svg") for k in svg}
        for k, path in files.items():
            write_text(path, svg[k] + "\n")
        write_text(output, render(p, model, kb, "md", lang, {k: v.name for k, v in files.items()}))
        return [output, *files.values()]

    def as_html() -> list[Path]:
        assert output is not None
        write_text(output, render(p, model, kb, "html", lang))
        return [output]

    return PORTFOLIO.pick(fmt, {"json": as_json, "md": as_markdown, "html": as_html})


CHARTS = ("stages-by-industry", "stages-by-market", "stages-by-size-class", "stages", "levels")


def written(output: Path | None, fmt: str) -> list[Path]:
    """Every file the portfolio may write: OUTPUT and, for Markdown, its charts beside it."""
    if output is None:
        return []
    beside = PORTFOLIO[fmt].page and not PORTFOLIO[fmt].inline_charts
    return [output, *(output.with_name(f"{output.stem}.{k}.svg") for k in CHARTS if beside)]


def refuse_clashes(outputs: list[Path], read: list[tuple[str, Path | None]], param_hint: str) -> None:
    """A usage error when a file the portfolio would write is one the command reads or writes otherwise."""
    from cxm.engine.base.paths import same_file

    for path in outputs:
        for role, other in read:
            if other is not None and same_file(path, other):
                raise click.BadParameter(
                    f"{path} would overwrite {role} {other}; write the portfolio elsewhere", param_hint=param_hint
                )


def output_format(output: Path | None, fmt: str | None, source: Path, param_hint: str = "-o/--output") -> str:
    """html, md or json, from --format or the output's suffix; never the input file itself."""
    if output is not None and output.resolve() == source.resolve():
        raise click.BadParameter(f"{output} is the input; write the portfolio elsewhere", param_hint=param_hint)
    if fmt:
        return fmt
    found = PORTFOLIO.by_suffix(output)
    if found is None:
        raise click.BadParameter(
            f"{output}: the portfolio must end in .html, .md or .json (or give --format)", param_hint=param_hint
        )
    return found


@click.command()
@click.argument("input_path", metavar="RESULTS", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="OUT.html (one self-contained page), OUT.md (charts beside it as OUT.*.svg) or OUT.json.",
)
@PORTFOLIO.option(help="The output's format [default: from OUT's suffix; json without -o prints to stdout].")
@lang_option("Language of the page.")
@rules_option
def portfolio(input_path: Path, output: Path | None, fmt: str | None, lang: str, rules: tuple[Path, ...]) -> None:
    """Figures of many companies: RESULTS is the JSON Lines output of `cxm batch`, or a folder of facts files.

    Shows how the companies spread over the six stages (chart and counts), each competency's level
    distribution, the weakest competency most often, the recommendations made most often with their
    share, the next-stage gates that hold companies back most often, and the same cut by industry,
    market (B2B/B2C/mixed) and size class for every group of at least 5 companies.

    \b
    Example:
      cxm portfolio facts/examples/portfolio/results.jsonl -o portfolio.html
      cxm portfolio results.jsonl --format json > portfolio.json
      cxm portfolio my-clients/ -o portfolio.md --lang ru
    """
    if output is None and (fmt is None or PORTFOLIO[fmt].page):
        raise click.UsageError("give -o OUT.html|OUT.md|OUT.json, or --format json to print JSON")
    fmt = output_format(output, fmt, input_path)
    refuse_clashes(written(output, fmt), [("the input", input_path)], "-o/--output")  # charts too
    kb, model, p = load(input_path, rules)
    for path in write(p, model, kb, output, fmt, lang):
        click.echo(str(path))
