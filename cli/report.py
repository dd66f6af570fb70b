"""`cxm report`: a client-ready report, HTML (one self-contained file), Markdown or PDF.

Templates (Jinja2, autoescaped for HTML, escaped for Markdown: see :func:`cxm.cli.markdown.md_escape`) live in
``cli/templates``; the radar chart of the four competency levels is drawn by pygal as SVG
(:mod:`cxm.cli.report_charts`) and put inline in the HTML (no script, no stylesheet, no font is fetched). The
Markdown report links the same chart, written beside it as ``OUT.radar.svg``, and also gives the levels as a
table.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from cxm.cli.errors import Failure, Rejected
from cxm.cli.formats import REPORT
from cxm.cli.options import lang_option, rules_option
from cxm.cli.render import effect_text
from cxm.cli.report_charts import group_label, radar_svg, stage_median, standing_svg
from cxm.cli.report_labels import label


def _text(value: Any) -> str:
    from cxm.cli.render import _plain

    return _plain(value)


def render(
    report: Any,
    fmt: str,
    lang: str,
    *,
    chart_href: str = "",
    standing: list[Any] | None = None,
    portfolio_source: str = "",
    standing_href: str = "",
    consultant: bool = False,
    range_lines: list[str] | None = None,
) -> str:
    """The report as HTML or Markdown text (with ``standing``: the section against a portfolio). The client's
    report says everything in words; ``consultant`` adds the ids, the rules and the facts as the engine has them."""
    from markupsafe import Markup

    from cxm.cli.markdown import environment
    from cxm.cli.render import condition_text, reason, survey_line
    from cxm.cli.report_prose import appendix, sources
    from cxm.cli.report_prose import label as label_prose
    from cxm.cli.session import package_version
    from cxm.engine.services.history import now
    from cxm.engine.services.portfolio import MIN_GROUP
    from cxm.engine.services.toolkit import lower_first

    page = REPORT[fmt]
    env = environment(page.escape)
    env.filters["tr"] = lambda bilingual: getattr(bilingual, lang)
    env.filters["plain"] = _text
    env.filters["fields"] = lambda fields: ", ".join(f"{p.split('.', 1)[1]}={_text(v)}" for p, v in fields.items())
    env.filters["effects"] = lambda effects: "; ".join(effect_text(e) for e in effects)
    env.globals["L"] = lambda key, **values: label(key, lang, **values)
    env.filters["lowerfirst"] = lower_first
    a = report.assessment
    context = {
        "r": report,
        "a": a,
        "lang": lang,
        "version": package_version(),
        "date": now()[:10],
        "weakest": [a.levels[c] for c in a.weakest],
        "weakest_text": ", ".join(f"{getattr(a.levels[c].name, lang)} ({a.levels[c].level})" for c in a.weakest),
        "focus_text": ", ".join(getattr(a.levels[c].name, lang) for c in a.roadmap.weakest),
        "stage_why": " ".join(dict.fromkeys(getattr(x, lang) for x in (a.stage.because, a.stage.basis))),
        "next_text": label(
            "summary_next", lang, name=getattr(a.roadmap.next_stage.name, lang), n=a.roadmap.next_stage.number
        )
        if a.roadmap.next_stage
        else label("summary_top", lang),
        "chart": Markup(radar_svg(report, lang)) if page.inline_charts else "",
        "chart_href": chart_href,
        "survey_text": lambda c: survey_line(a, c, lang),
        "standing": standing or [],
        "portfolio_source": portfolio_source,
        "standing_href": standing_href,
        "standing_chart": Markup(standing_svg(report, standing, lang)) if standing and page.inline_charts else "",
        "group_label": lambda s: group_label(s, lang),
        "min_group": MIN_GROUP,
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
    return env.get_template(f"report.{page.name}").render(context)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The report file: OUT.html (self-contained page), OUT.md (Markdown) or OUT.pdf (A4; needs the "
    "optional extra: pip install 'cx-maturity[pdf]').",
)
@lang_option("Language of the report.")
@click.option(
    "--portfolio",
    "portfolio",
    type=click.Path(exists=True, path_type=Path),
    help="Add where the company stands in a portfolio: `cxm batch` JSON Lines or a folder of facts files.",
)
@click.option(
    "--consultant",
    is_flag=True,
    help="The consultant's copy: adds the recommendation ids, the rules and their sources, and the facts "
    "as the facts file gives them (the client's copy says everything in words).",
)
@rules_option
def report(
    file: Path,
    output: Path,
    lang: str,
    rules: tuple[Path, ...],
    portfolio: Path | None = None,
    consultant: bool = False,
) -> None:
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
    from cxm.engine.base.paths import clashes
    from cxm.engine.services.report import build

    fmt = REPORT.by_suffix(output)
    if fmt is None:
        raise click.BadParameter(f"{output}: the report must end in .html, .md or .pdf", param_hint="-o/--output")
    page = REPORT[fmt]
    if page.binary:
        pdf_library()  # before the work: a missing optional extra is said at once
    chart = None if page.inline_charts else output.with_name(output.stem + ".radar.svg")
    standing = output.with_name(output.stem + ".standing.svg") if chart is not None and portfolio else None
    same = clashes(
        [
            ("FILE", file),
            ("OUT", output),
            ("the chart", chart),
            ("the standing chart", standing),
            ("the portfolio", portfolio),
        ]
    )
    if same:
        raise Rejected(*(f"error: {line}" for line in same))
    for beside in filter(None, (chart, standing)):  # said before the work, not after it
        if len(os.fsencode(beside.name)) > 255:
            raise click.BadParameter(
                f"{output}: the name is too long for the chart written beside it "
                f"({beside.name[-24:]!r} at the end is over 255 bytes)",
                param_hint="-o/--output",
            )
    from cxm.cli.session import facts_and_engine

    loaded, engine = facts_and_engine(file, rules)
    extra: dict[str, Any] = {"consultant": consultant}
    if loaded.unknown:  # facts nobody knew: the range and the facts that decide it lead; the plan is the lowest end's
        from cxm.cli.render_range import report_build

        data, extra["range_lines"] = report_build(engine, loaded, lang, consultant)
    else:
        data = build(engine, loaded)
    if portfolio is not None:
        extra |= {"standing": _standing(engine, loaded, data, portfolio, rules), "portfolio_source": portfolio.name}
    try:
        written = REPORT.pick(
            fmt,
            {
                "md": lambda: _write_markdown(data, output, lang, extra),
                "pdf": lambda: _write_pdf(data, output, lang, extra),
                "html": lambda: _write_html(data, output, lang, extra),
            },
        )
    except OSError as exc:
        raise Failure(f"error: cannot write the report {output}: {exc.strerror or exc}") from None
    click.echo("\n".join(map(str, written)))


def _write_markdown(data: Any, output: Path, lang: str, extra: dict[str, Any]) -> list[Path]:
    """The Markdown report, its radar chart beside it (and its standing chart, against a portfolio)."""
    from cxm.engine.base.atomic import write_text

    chart = output.with_name(output.stem + ".radar.svg")
    written = [output, chart]
    if extra.get("standing"):
        extra = {**extra, "standing_href": output.stem + ".standing.svg"}
        written.append(output.with_name(extra["standing_href"]))
    text = render(data, "md", lang, chart_href=chart.name, **extra)
    write_text(chart, radar_svg(data, lang) + "\n")
    if extra.get("standing"):
        write_text(written[-1], standing_svg(data, extra["standing"], lang) + "\n")
    write_text(output, text)
    return written


def _write_pdf(data: Any, output: Path, lang: str, extra: dict[str, Any]) -> list[Path]:
    from cxm.engine.base.atomic import write_bytes

    write_bytes(output, to_pdf(render(data, "html", lang, **extra)))
    return [output]


def _write_html(data: Any, output: Path, lang: str, extra: dict[str, Any]) -> list[Path]:
    from cxm.engine.base.atomic import write_text

    write_text(output, render(data, "html", lang, **extra))
    return [output]


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
        raise Failure(
            "error: a PDF report needs WeasyPrint: pip install 'cx-maturity[pdf]' (and the Pango "
            "library, e.g. the Debian package libpango-1.0-0); .html and .md need nothing more"
        ) from None
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
