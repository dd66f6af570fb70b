"""`cxm survey`: aggregate a self-assessment answered by many (see :mod:`cxm.facts.survey`) into a facts
fragment, or merge it into a facts file keeping its comments and layout (ruamel.yaml round trip)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import click

from cxm.cli.errors import Rejected
from cxm.cli.i18n import translator
from cxm.cli.options import lang_option

LABELS: dict[str, dict[str, str]] = {
    "used": {
        "en": "{used} respondents used, {bad} rows left out",
        "ru": "Учтено респондентов: {used}, пропущено строк: {bad}",
    },
    "nothing": {"en": "error: {file}: no usable response", "ru": "ошибка: {file}: нет ни одного пригодного ответа"},
    "company": {
        "en": "{company}: {n} respondents, {d} disagreements between roles",
        "ru": "{company}: респондентов — {n}, расхождений между ролями — {d}",
    },
    "delimiter": {
        "en": "note: {file} is read as {d}-separated (detected from its header; --delimiter chooses)",
        "ru": "примечание: {file} читается как файл с разделителем {d} (определён по заголовку; "
        "другой можно задать через --delimiter)",
    },
    "both": {"en": "give -o or --into, not both", "ru": "укажите -o или --into, но не оба"},
    "overwrite": {
        "en": "{file} is the responses file; write the fragment elsewhere",
        "ru": "{file} — это файл с ответами; запишите фрагмент в другой файл",
    },
}
label = translator(LABELS)


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: comments, order and layout of a file are kept
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    yaml.preserve_quotes = True
    return yaml


def commented(fragment: dict[str, Any]) -> Any:
    """The ``self_assessment`` mapping in the facts files' style: ratings, spread and each role on one line."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def flow(value: Any) -> Any:
        node = CommentedSeq(value) if isinstance(value, list) else CommentedMap(value)
        node.fa.set_flow_style()
        return node

    out = CommentedMap()
    for key, value in fragment.items():
        if key != "survey":
            out[key] = flow(value)
    survey = CommentedMap()
    for key, value in fragment["survey"].items():
        if key == "respondents":
            survey[key] = value
        elif key == "spread":
            survey[key] = flow(value)
        else:
            survey[key] = CommentedSeq([flow(item) for item in value])
    out["survey"] = survey
    return out


def dump(data: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue()


def merge(into: Path, fragment: dict[str, Any]) -> str:
    """The text of INTO with its ``self_assessment`` replaced (or added at the end); the rest as it was."""
    yaml = _yaml()
    doc = yaml.load(into.read_text(encoding="utf-8"))
    doc["self_assessment"] = commented(fragment["self_assessment"])
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    return buffer.getvalue()


def merge_json(into: Path, fragment: dict[str, Any]) -> str:
    """A JSON facts file stays JSON: its ``self_assessment`` replaced (or added at the end), two-space indented."""
    import json

    data = json.loads(into.read_text(encoding="utf-8"))
    data["self_assessment"] = fragment["self_assessment"]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _problems(problems: list[Any]) -> None:
    from cxm.cli.render import terminal_safe

    for problem in problems:
        click.echo(terminal_safe(str(problem)), err=True)


@click.command()
@click.argument("responses", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the facts fragment (default: standard output).",
)
@click.option(
    "--into",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A facts file to merge the self-assessment into, in place (its comments and layout are kept).",
)
@lang_option("Language of the messages.")
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    help="A CSV file's delimiter [default: detected from its header: ',', ';' or a tab].",
)
def survey(responses: Path, output: Path | None, into: Path | None, lang: str, delimiter: str | None = None) -> None:
    """Aggregate a self-assessment answered by many: RESPONSES is a .csv or .xlsx file, one row per respondent.

    Columns: the 20 statements leadership.1 ... leadership.5, brand.1 ..., employees.1 ..., customers.1 ...
    customers.5, each rated 1 to 5 (the five ratings of self_assessment.<competency> in order), and
    optionally company, role and respondent. Per company: the median of each statement (with an even
    number of respondents, the lower middle rating), the spread of each competency (interquartile range of
    the respondents' mean ratings), the median of each role, and a disagreement wherever two roles'
    medians differ by 2 or more. A bad row is reported at its row and column and left out; exit 2 when no
    row is usable. With a company column, the fragment is keyed by company name.
    A CSV may be ','-, ';'- or tab-separated (detected from the header, or
    --delimiter), with a byte-order mark and CRLF line ends, as Excel writes it.

    \b
    Example:
      cxm survey facts/examples/survey/responses.csv -o self.yaml
      cxm survey answers.xlsx --into my-company.yaml
    """
    from cxm.cli.render import terminal_safe
    from cxm.engine.base.paths import same_file
    from cxm.facts import survey as aggregation

    if output is not None and into is not None:
        raise click.UsageError(label("both", lang))
    if output is not None and same_file(output, responses):
        raise click.BadParameter(label("overwrite", lang, file=output), param_hint="-o/--output")
    known = None
    if into is not None:
        from cxm.engine.services.api import read_facts

        known = [read_facts(into).company]
    separator = _delimiter(responses, delimiter, lang)
    table = aggregation.read_table(responses, separator)
    used, bad = aggregation.parse(str(responses), table, known, separator or ",")
    _problems(bad)
    if not used:
        raise Rejected(label("nothing", lang, file=responses))
    results = aggregation.aggregate(used, str(responses))
    click.echo(label("used", lang, used=len(used), bad=len({p.line for p in bad})), err=True)
    for agg in results:
        click.echo(
            terminal_safe(
                label("company", lang, company=agg.company or "-", n=agg.respondents, d=len(agg.disagreement))
            ),
            err=True,
        )
    if into is not None:
        _merge_into(into, results[0].fragment())
        click.echo(str(into))
        return
    from ruamel.yaml.comments import CommentedMap

    def fragment(agg: Any) -> Any:
        return CommentedMap([("self_assessment", commented(agg.fragment()["self_assessment"]))])

    if results[0].company is None:  # no company column: one fragment
        data = fragment(results[0])
    else:  # keyed by company, in the order the companies first appear
        data = CommentedMap((agg.company, fragment(agg)) for agg in results)
    text = dump(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        from cxm.engine.base.atomic import write_text

        write_text(output, text)
        click.echo(str(output))


def _delimiter(responses: Path, given: str | None, lang: str) -> str | None:
    """A CSV file's delimiter (given, else detected), said on stderr when it is not a comma; None for .xlsx."""
    from cxm.facts.delimiter import choose

    if responses.suffix.lower() == ".xlsx":
        return None
    found, name = choose(responses, given)
    if name is not None:
        click.echo(label("delimiter", lang, file=responses, d=name), err=True)
    return found


def _merge_into(into: Path, fragment: dict[str, Any]) -> None:
    """Merge, check the result as a facts file, and only then replace INTO (atomically)."""
    from cxm.engine.base.atomic import write_text
    from cxm.engine.services.toolkit import check_facts_text

    text = merge_json(into, fragment) if into.suffix.lower() == ".json" else merge(into, fragment)
    check_facts_text(text, str(into))
    write_text(into, text)
