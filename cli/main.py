"""The ``cxm`` command: assess a company's customer-experience maturity and explain it."""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

import click

from cxm.engine.errors import EngineError
from cxm.facts.source import SourceError

FORMATS = click.Choice(["text", "json"])
LANGS = click.Choice(["en", "ru"])


def _version() -> str:
    try:
        return metadata.version("cx-maturity")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def fail_on(exc: Exception) -> None:
    """Print a domain error the way users expect and exit: located input errors exit 2."""
    if isinstance(exc, SourceError):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    click.echo(f"error: {exc}", err=True)
    sys.exit(1)


rules_option = click.option(
    "--rules", "rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="A folder of extra rule files, loaded after the built-in ones (repeatable).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="cxm")
def cli() -> None:
    """cx-maturity: how mature is a company's customer experience, what to do next, and why.

    \b
    Example:
      cxm assess facts/examples/article-1-wellness-resort.yaml
      cxm assess company.yaml --format json --lang ru
    """


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="Output format.")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Language of the text output.")
@click.option("--trace", is_flag=True, help="Add every rule firing, in order, to the output.")
@rules_option
@click.option("--save", is_flag=True, help="Store the assessment in the history database (see `cxm history`).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="CXM_DB",
              help="The history database for --save (default: in the user's data directory; env CXM_DB).")
def assess(file: Path, fmt: str, lang: str, trace: bool, rules: tuple[Path, ...], save: bool = False,
           db: Path | None = None) -> None:
    """Assess the company described in FILE (YAML or JSON facts).

    Prints the four competency levels, the stage, the weakest competency and
    the recommendations (key decisions, their actions and tools), each with
    the reason it was made.

    \b
    Example:
      cxm assess facts/examples/article-2-regional-lender.yaml --lang ru
      cxm assess my-company.yaml --format json > result.json
      cxm assess my-company.yaml --save    # keep it for `cxm history` and `cxm plan`
    """
    from cxm.cli import render
    from cxm.engine.api import Engine
    from cxm.facts.load import load_facts

    try:
        loaded = load_facts(file)
        engine = Engine(rules)
        result = engine.assess(loaded, trace=trace)
    except (SourceError, EngineError) as exc:
        fail_on(exc)
        return
    if fmt == "json":
        click.echo(render.to_json(result, trace=trace), nl=False)
    else:
        click.echo(render.to_text(result, lang), nl=False)
        if trace:
            click.echo(render.trace_text(result), nl=False)
    if save:
        from cxm.cli.history import save_assessment

        save_assessment(loaded, result, db)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the facts file (for editors and validators).

    \b
    Example:
      cxm schema > facts.schema.json
    """
    from cxm.facts.schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


# Modules that attach their commands to `cli` when imported (one per command group).
COMMAND_MODULES = (
    "cxm.cli.explain",  # why, why-not, what-if
    "cxm.cli.history",  # history, plan (and assess --save)
    "cxm.cli.report",  # report
    "cxm.cli.interview",  # interview
    "cxm.cli.batch",  # batch
    "cxm.cli.rules",  # rules lint, test, list, show, doc, graph
)


def _register() -> None:
    """Attach the commands that live in their own modules."""
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main() -> None:
    """Entry point of the ``cxm`` script."""
    if sys.version_info >= (3, 13):
        click.echo(
            "error: cx-maturity needs Python 3.11 or 3.12: its rule engine, durable-rules 2.0.28, "
            f"does not import on Python {sys.version_info[0]}.{sys.version_info[1]} "
            "(its C extension calls PyEval_CallObject, which Python 3.13 removed).", err=True)
        sys.exit(2)
    cli()


_register()
