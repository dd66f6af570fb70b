"""The ``cxm`` command: assess a company's customer-experience maturity and explain it."""

from __future__ import annotations

import gc
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

FORMATS = click.Choice(["text", "json"])
LANGS = click.Choice(["en", "ru"])


def package_version() -> str:
    """The installed version of cx-maturity (looked up only when asked: it costs start-up time)."""
    from importlib import metadata

    try:
        return metadata.version("cx-maturity")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


rules_option = click.option(
    "--rules", "rules", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    help="A folder of extra rule files, loaded after the built-in ones (repeatable).",
)


# The commands that live in modules of their own, imported only when used (start-up stays small).
LAZY_COMMANDS = {
    "why": "cxm.cli.explain", "why-not": "cxm.cli.explain", "what-if": "cxm.cli.explain",
    "history": "cxm.cli.history", "plan": "cxm.cli.history",
    "report": "cxm.cli.report",
    "interview": "cxm.cli.interview",
    "batch": "cxm.cli.batch",
    "rules": "cxm.cli.rules",
    "portfolio": "cxm.cli.portfolio",
    "survey": "cxm.cli.survey",
}


class LazyGroup(click.Group):
    """A group whose commands from other modules are imported the first time they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            importlib.import_module(LAZY_COMMANDS[cmd_name])  # the module registers its commands on `cli`
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; the project's errors end it here, and only here (:func:`cxm.cli.errors.handle`)."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from cxm.cli.errors import handle

            code = handle(exc)
            if code is None:
                raise
            raise click.exceptions.Exit(code) from None


def default_lang() -> str:
    """The language when --lang is not given: CXM_LANG (another value is a usage error naming it), else the
    locale's (LC_ALL, LC_MESSAGES, LANG, as POSIX orders them: ``ru_RU.UTF-8`` gives ru), else en."""
    import os

    chosen = os.environ.get("CXM_LANG", "")
    if chosen in LANGS.choices:
        return chosen
    if chosen:  # a usage error, but the variable's, not --lang's (which was not given)
        raise click.UsageError(f"CXM_LANG={chosen!r} is not a language of cxm: set it to en or ru, or unset it")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def lang_option(help: str) -> Callable[[click.Command], click.Command]:
    """--lang, defaulting from CXM_LANG, else the locale, else English (the default is shown in --help)."""
    return click.option("--lang", type=LANGS, default=default_lang,
                        show_default="CXM_LANG, else the locale, else en", help=help)


def warn_overrides(kb: Any) -> None:
    """Say on stderr, once per rule id, that a --rules folder replaced a built-in rule."""
    for warning in kb.warnings:
        click.echo(f"warning: {warning}", err=True)


def warn_facts(loaded: Any) -> None:
    """Say on stderr which facts of the file contradict each other (located; the assessment goes on)."""
    from cxm.cli.render import terminal_safe

    for warning in loaded.warnings:
        click.echo(terminal_safe(f"warning: {warning}"), err=True)


def output_options(command: click.Command) -> click.Command:
    """--format and --lang, shared by every command that prints a result."""
    command = lang_option("Language of the text output.")(command)
    return click.option("--format", "fmt", type=FORMATS, default="text", show_default=True,
                        help="Output format.")(command)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cx-maturity", prog_name="cxm")
def cli() -> None:
    """cx-maturity: how mature is a company's customer experience, what to do next, and why.

    \b
    Example:
      cxm assess facts/examples/article-1-wellness-resort.yaml
      cxm assess company.yaml --format json --lang ru
    """


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@output_options
@click.option("--trace", is_flag=True, help="Add every rule firing, in order, to the output.")
@click.option("--all", "full", is_flag=True,
              help="After the plan, print the full tree of recommendations (decisions, actions, tools, held back).")
@click.option("--path/--no-path", "path", default=True, show_default=True,
              help="Search the roadmap's shortest path to the next stage (it re-runs the engine, usually "
                   "about ten times; --no-path skips it and leaves the path out).")
@rules_option
@click.option("--save", is_flag=True, help="Store the assessment in the history database (see `cxm history`).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="CXM_DB",
              help="The history database for --save (default: in the user's data directory; env CXM_DB).")
def assess(file: Path, fmt: str, lang: str, trace: bool, rules: tuple[Path, ...], path: bool = True,
           save: bool = False, db: Path | None = None, full: bool = False) -> None:
    """Assess the company described in FILE (YAML or JSON facts).

    Leads with the plan (now, next, later; the legal duties apart), then prints
    the stage, the four competency levels, the weakest competency and the roadmap;
    --all adds the full tree of recommendations (key decisions, their actions and
    tools), each with the reason it was made. FILE '-' reads the facts from
    standard input.

    \b
    Example:
      cxm assess facts/examples/article-2-regional-lender.yaml --lang ru
      cxm assess my-company.yaml --all     # the plan, then every recommendation
      cxm assess my-company.yaml --format json > result.json
      cxm assess my-company.yaml --save    # keep it for `cxm history` and `cxm plan`
    """
    from cxm.cli import render
    from cxm.engine.services.api import Engine, read_facts

    loaded = read_facts(file)
    warn_facts(loaded)
    engine = Engine(rules)
    warn_overrides(engine.kb)
    started()
    rng = None
    if loaded.unknown:  # facts nobody knew: a range, the facts that decide it, a plan on the lowest end
        from cxm.cli import render_range
        from cxm.engine.services.unknowns import assess_range

        rng, result = assess_range(engine, loaded, path=path)
    else:
        result = engine.assess(loaded, trace=trace, path=path)
    if fmt == "json":
        text = render.to_json(result, trace=trace)
        click.echo(text if rng is None else render_range.with_range(text, rng), nl=False)
    elif rng is not None:
        render_range.mark(result, rng, ids=full)
        head, _, body = render.to_text(result, lang, full=full).partition("\n\n")
        names = {s.id: s.name for s in engine.kb.stages}
        comps = {c.id: c.name for c in engine.kb.competencies}
        text = "\n".join([head, "", *render_range.lines(rng, names, lang, ids=full, competencies=comps), body])
        click.echo(render.terminal_safe(text), nl=False)
    else:
        click.echo(render.terminal_safe(render.to_text(result, lang, full=full)), nl=False)
        if trace:
            click.echo(render.terminal_safe(render.trace_text(result)), nl=False)
    if save:
        from cxm.cli.history import save_assessment

        save_assessment(loaded, result, db, lang)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the facts file (for editors and validators).

    \b
    Example:
      cxm schema > facts.schema.json
    """
    from cxm.facts.schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def main() -> None:
    """Entry point of the ``cxm`` script."""
    # Start-up creates many objects that live as long as the process (modules, the rule base) and
    # no garbage cycles; the cyclic collector would only walk them over and over (about a tenth of
    # the time of `cxm assess`). It is switched off until the rule base is loaded (see `started`),
    # and what exists at exit is frozen so that the final collection skips it.
    gc.disable()
    from cxm.cli.streams import install

    install()  # complete writes or an error; no traceback for a character the terminal cannot show
    try:
        cli()
    finally:
        gc.freeze()


def started() -> None:
    """Start-up is over (the rule base is loaded): collect garbage again, leaving what exists alone."""
    if not gc.isenabled():  # switched off by `main`, not when the commands run in-process (tests)
        gc.freeze()
        gc.enable()
