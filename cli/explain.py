"""`cxm why`, `cxm why-not` and `cxm what-if`: explanations a consultant can act on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cxm.cli.formats import show
from cxm.cli.options import output_options, rules_option


def _dump(model: object) -> str:
    from cxm.engine.base.text import dumps
    from cxm.engine.results.result import to_data

    return dumps(to_data(model), indent=2) + "\n"


def _run(file: Path, rules: tuple[Path, ...], action: Callable[[Any, Any], Any]) -> Any:
    """Load the facts and the engine, then run ``action(engine, facts)``."""
    from cxm.cli.session import facts_and_engine

    loaded, engine = facts_and_engine(file, rules)
    return action(engine, loaded)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target")
@output_options
@rules_option
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Levels of the derivation shown below the answer's own facts (default 2; text output).",
)
@click.option("--full", is_flag=True, help="Show the whole derivation, down to every input fact (text output).")
def why(
    file: Path, target: str, fmt: str, lang: str, rules: tuple[Path, ...], depth: int | None = None, full: bool = False
) -> None:
    """Explain a conclusion: the rule that made it and the facts it rests on, then how those were reached.

    TARGET is a recommendation id, 'stage', or a competency (leadership, brand, employees, customers).
    The answer comes first: the rule, its reason and source, and the facts it matched (input facts
    with their line in FILE). Then the derivation, two levels deep unless --depth N or --full; the
    stage and the levels, which many conclusions rest on, are explained once each, by reference.
    FILE '-' reads the facts from standard input.

    \b
    Example:
      cxm why facts/examples/article-3-manufacturer.yaml kpi-per-touchpoint
      cxm why facts/examples/article-1-wellness-resort.yaml stage --lang ru
    """
    from cxm.cli.render_explain import DEFAULT_DEPTH, why_text

    if full and depth is not None:
        raise click.UsageError("give --depth or --full, not both")
    answer = _run(file, rules, lambda engine, loaded: engine.why(loaded, target))
    shown = None if full else DEFAULT_DEPTH if depth is None else depth
    show(fmt, text=lambda: why_text(answer, lang, shown), json=lambda: _dump(answer))


@click.command("why-not")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("recommendation")
@output_options
@rules_option
def why_not(file: Path, recommendation: str, fmt: str, lang: str, rules: tuple[Path, ...]) -> None:
    """Explain why a recommendation was not made, and what would change that.

    Lists every rule that could make it, each test checked against the company's final facts with
    the actual values, and the fewest input changes that make it appear (found by re-running the
    engine on each candidate). FILE '-' reads the facts from standard input.

    \b
    Example:
      cxm why-not facts/examples/article-2-regional-lender.yaml crm-card-for-agents
    """
    from cxm.cli.render_explain import why_not_text

    answer = _run(file, rules, lambda engine, loaded: engine.why_not(loaded, recommendation))
    show(fmt, text=lambda: why_not_text(answer, lang), json=lambda: _dump(answer))


@click.command("what-if")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="PATH=VALUE",
    help="Change an input fact (repeatable); VALUE is YAML: true, 3, full_time, [crm, ivr].",
)
@click.option(
    "--do",
    "do",
    multiple=True,
    metavar="REC",
    help="Carry out a recommendation (repeatable): apply its declared effects, then any --set.",
)
@output_options
@rules_option
def what_if(
    file: Path, sets: tuple[str, ...], do: tuple[str, ...], fmt: str, lang: str, rules: tuple[Path, ...]
) -> None:
    """Re-assess with changed facts, or after carrying out recommendations, and show the difference.

    Prints the stage and levels before and after, and the recommendations added and removed, each
    with the rules that made the difference. --do REC applies what the recommendation declares true
    once it is done (its effects, as `cxm assess` shows them). FILE '-' reads the facts from standard input.

    \b
    Example:
      cxm what-if facts/examples/article-1-wellness-resort.yaml --set company.resources.budget=high
      cxm what-if company.yaml --set 'systems.present=[crm, ivr]' --set leadership.cx_owner=full_time
      cxm what-if facts/examples/article-1-wellness-resort.yaml --do dedicate-cx-owner --do written-brand-values
    """
    from cxm.cli.render_explain import what_if_text
    from cxm.facts.changes import parse_change

    if not sets and not do:
        raise click.UsageError("give at least one --set PATH=VALUE or --do REC")
    changes = [parse_change(s) for s in sets]  # a wrong one: "error: --set PATH=VALUE: ...", exit 2
    answer = _run(file, rules, lambda engine, loaded: engine.what_if(loaded, changes, do))
    show(fmt, text=lambda: what_if_text(answer, lang), json=lambda: _dump(answer))
