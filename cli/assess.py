"""`cxm assess` (the plan, the stage, the levels, the roadmap) and `cxm schema`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cxm.cli.formats import show
from cxm.cli.options import output_options, rules_option


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@output_options
@click.option("--trace", is_flag=True, help="Add every rule firing, in order, to the output.")
@click.option(
    "--all",
    "full",
    is_flag=True,
    help="After the plan, print the full tree of recommendations (decisions, actions, tools, held back).",
)
@click.option(
    "--path/--no-path",
    "path",
    default=True,
    show_default=True,
    help="Search the roadmap's shortest path to the next stage (it re-runs the engine, usually "
    "about ten times; --no-path skips it and leaves the path out).",
)
@rules_option
@click.option("--save", is_flag=True, help="Store the assessment in the history database (see `cxm history`).")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CXM_DB",
    help="The history database for --save (default: in the user's data directory; env CXM_DB).",
)
def assess(
    file: Path,
    fmt: str,
    lang: str,
    trace: bool,
    rules: tuple[Path, ...],
    path: bool = True,
    save: bool = False,
    db: Path | None = None,
    full: bool = False,
) -> None:
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
    from cxm.cli.session import facts_and_engine

    loaded, engine = facts_and_engine(file, rules)
    if loaded.unknown:  # facts nobody knew: a range, the facts that decide it, a plan on the lowest end
        from cxm.cli import render_range
        from cxm.engine.services.unknowns import assess_range

        rng, result = assess_range(engine, loaded, path=path)

        def ranged_text() -> str:
            render_range.mark(result, rng, ids=full)
            head, _, body = render.to_text(result, lang, full=full).partition("\n\n")
            names = {s.id: s.name for s in engine.kb.stages}
            comps = {c.id: c.name for c in engine.kb.competencies}
            return "\n".join([head, "", *render_range.lines(rng, names, lang, ids=full, competencies=comps), body])

        show(fmt, text=ranged_text, json=lambda: render_range.with_range(render.to_json(result, trace=trace), rng))
    else:
        result = engine.assess(loaded, trace=trace, path=path)
        show(
            fmt,
            text=lambda: render.to_text(result, lang, full=full) + (render.trace_text(result) if trace else ""),
            json=lambda: render.to_json(result, trace=trace),
        )
    if save:
        from cxm.cli.history import save_assessment

        save_assessment(loaded, result, db, lang)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the facts file (for editors and validators).

    \b
    Example:
      cxm schema > facts.schema.json
    """
    from cxm.facts.schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
