"""`cxm rules doc`, `cxm rules graph` and `cxm rules audit` (the group is :mod:`cxm.cli.rules`)."""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

from cxm.cli.errors import Findings, Rejected
from cxm.cli.formats import GRAPH
from cxm.cli.options import rules_option
from cxm.cli.rules_common import engine as _engine
from cxm.cli.rules_common import load as _load
from cxm.cli.rules_common import t
from cxm.cli.rules_common import warn as _warn


@click.command("doc")
@rules_option
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the Markdown catalogue to (created if missing).",
)
def doc_cmd(rules: tuple[Path, ...], output: Path) -> None:
    """Write the Markdown catalogue of the rules: an index and a page per rule file.

    The pages are generated (do not edit them); the built-in copy lives in rules/docs/ and a test
    checks it is fresh.

    \b
    Example:
      cxm rules doc -o rules/docs
      cxm rules doc --rules my-rules/ -o /tmp/my-docs
    """
    from cxm.engine.authoring.ruledocs import HEADER, markdown
    from cxm.engine.base.atomic import write_text

    kb = _load(rules)
    _warn(kb)
    pages = markdown(kb)
    output.mkdir(parents=True, exist_ok=True)
    for old in output.glob("*.md"):  # pages of rule files that are gone (only generated ones)
        if old.name not in pages and old.read_text(encoding="utf-8").startswith(HEADER):
            old.unlink()
    for name, text in pages.items():
        write_text(output / name, text)
    click.echo(t("wrote", "en", n=len(pages), dir=output))


@click.command("graph")
@rules_option
@GRAPH.option(default="mermaid", help="Mermaid flowchart (for a Markdown viewer) or Graphviz dot.")
@click.option(
    "--focus", metavar="ID", help="Only what this rule, recommendation or fact rests on and what rests on it."
)
def graph_cmd(rules: tuple[Path, ...], fmt: str, focus: str | None = None) -> None:
    """Print the derivation graph: input facts -> rules -> derived facts -> ... -> recommendations.

    Dashed edges marked 'not' are tests of absence. --focus ID keeps only the part of the graph
    around a rule id, a recommendation id or a fact name: what it rests on and what rests on it.

    \b
    Example:
      cxm rules graph --format mermaid > rules.mmd
      cxm rules graph --format dot | dot -Tsvg > rules.svg
      cxm rules graph --focus kpi-per-touchpoint --format dot | dot -Tsvg > kpi.svg
    """
    from cxm.engine.authoring.ruledocs import focus_node, graph
    from cxm.facts.validation import suggest

    kb = _load(rules)
    _warn(kb)
    node = None
    if focus is not None:
        node = focus_node(kb, focus)
        if node is None:
            names = [r.id for r in kb.rules] + list(kb.catalogue) + list(kb.specs)
            raise Rejected(f"error: --focus: no rule, recommendation or fact {focus!r}{suggest(focus, names)}")
    click.echo(graph(kb, fmt, node), nl=False)


def _audit_folder(output: Path | None, rules: tuple[Path, ...], count: int, seed: int) -> Path:
    """Where the audit writes its worst companies: ``output``, unless it lies in a rules folder (refused, exit 2),
    else a folder of its own under the cache, named after the rule folders, the profile count and the seed."""
    from cxm.engine.services.toolkit import cache_dir
    from cxm.rules import BUILTIN_DIR

    if output is None:
        import hashlib

        key = json.dumps([[str(Path(r).resolve()) for r in rules], count, seed]).encode()
        return cache_dir() / "audit" / f"{seed}-{count}-{hashlib.sha256(key).hexdigest()[:12]}"
    where = output.resolve()
    for folder in (*rules, BUILTIN_DIR):
        inside = folder.resolve()
        if where == inside or inside in where.parents:
            raise Rejected(
                f"error: -o/--output: {output} is inside the rules folder {folder}: the rules would "
                "then read the companies written there as rule files; choose a folder outside it"
            )
    return output


@click.command("audit")
@rules_option
@click.option(
    "--profiles",
    "count",
    type=click.IntRange(0),
    default=2000,
    show_default=True,
    help="How many companies each generator makes (the built-in examples are added to the first).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the profile generators.")
@click.option(
    "--max",
    "max_rate",
    type=click.FloatRange(0, 100),
    default=0.0,
    show_default=True,
    help="Highest share (per cent) of any defect, on any population, before the audit fails (exit 1).",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    show_default="a folder of its own under the cache (CXM_CACHE_DIR)",
    help="Folder for the worst companies, written as facts files (never inside a --rules folder).",
)
def audit_cmd(rules: tuple[Path, ...], count: int, seed: int, max_rate: float, output: Path | None) -> None:
    """Assess many companies and measure the advice they would be handed.

    Three populations: the generator of `cxm.facts.generate` (one maturity per company) with the built-in
    examples; the same generator drawing each section's maturity on its own; and the extremes, every
    section at none and at max, in ten countries. The advice shares: no recommendation; a recommendation
    with an own effect already true; a (fact, value) served twice in the plan; a plan over its size
    budget; a shortest path with nothing for the weakest competency where a path through it exists; a
    recommendation `what-if --do` refuses; a next stage with no path found. Three plumbing shares follow
    (true by how gap rules are generated). The worst companies are written to OUTPUT as facts files, to
    reproduce them with `cxm assess`: by default a folder of its own under the cache (named after the rules,
    --profiles and --seed), never the current folder; an OUTPUT inside a folder given to --rules is refused,
    as the rules would then read the companies as rule files.

    \b
    Example:
      cxm rules audit --profiles 10000 --seed 7 --max 0
    """
    import yaml

    from cxm.engine.authoring.audit import ADVICE, NAMES, PLUMBING, audit
    from cxm.engine.base.atomic import write_text
    from cxm.engine.services.toolkit import stage_runner
    from cxm.facts.generate import each_profile, extremes
    from cxm.facts.load import load_facts, validate
    from cxm.facts.source import parse_text
    from cxm.facts.vocabulary import flatten
    from cxm.rules import BUILTIN_DIR

    output = _audit_folder(output, rules, count, seed)
    engine = _engine(rules)
    examples = BUILTIN_DIR.parent / "facts" / "examples"
    run, relevant = stage_runner(engine)

    def assess(data: dict[str, Any]) -> Any:
        loaded = validate(parse_text(json.dumps(data), "<profile>"))
        trace = engine.run(loaded)
        from cxm.engine.results.assemble import assemble

        a = assemble(engine.kb, trace, loaded)
        a.roadmap.shortest = engine.shortest(a, flatten(loaded.data))
        if bar is not None:
            bar.update(1)
        return a, trace, loaded

    shown = [load_facts(p).doc.data for p in sorted(examples.glob("*.yaml"))]
    # each generated profile is built as it is assessed: none before it is needed
    populations = [
        ("generated", itertools.chain(shown, each_profile(count, seed))),
        ("per section", each_profile(count, seed, independent=True)),
        ("extremes", extremes()),
    ]
    total = len(shown) + 2 * count + len(extremes())
    # a progress bar on a terminal only (click would print its label once elsewhere)
    bar = click.progressbar(length=total, label="Auditing", file=sys.stderr) if sys.stderr.isatty() else None
    with bar if bar is not None else contextlib.nullcontext():
        reports = [
            audit(assess, engine.kb, companies, run=run, relevant=relevant, name=name)
            for name, companies in populations
        ]
    gen, per, ext = reports
    click.echo(
        f"Audit of {gen.companies + per.companies + ext.companies} companies: {gen.companies} generated "
        f"(seed {seed}, with the {len(shown)} examples), {per.companies} with a maturity per section "
        f"(seed {seed}), {ext.companies} extremes (every section at none or at max, in "
        f"{ext.companies // 4} countries)"
    )
    width = max(len(NAMES[n]) for n in ADVICE + PLUMBING)
    click.echo(f"  {'':<{width}}" + "".join(f"  {r.name:>15}" for r in reports))
    for title, names in (("advice", ADVICE), ("plumbing (true by how gap rules are generated)", PLUMBING)):
        click.echo(f"  {title}")
        for name in names:
            cells = "".join(f"  {100 * r.share(name):7.2f}% {r.counts[name]:>6}" for r in reports)
            click.echo(f"  {NAMES[name]:<{width}}{cells}")
    click.echo("  stages")
    for stage in engine.kb.stages:
        counts = [(r.stages.get(stage.id, 0), max(r.companies, 1)) for r in reports]
        cells = "".join(f"  {100 * k / total:7.2f}% {k:>6}" for k, total in counts)
        click.echo(f"  {stage.id:<{width}}{cells}")
    worst = sorted(
        ((d, n, r.name, data, found) for r in reports for d, n, data, found in r.worst), key=lambda w: -w[0]
    )[:10]
    if worst:
        output.mkdir(parents=True, exist_ok=True, mode=0o700)
        for rank, (_, n, name, data, found) in enumerate(worst, 1):
            path = output / f"worst-{rank:02d}.yaml"
            notes = "; ".join(f"{k}: {v}" for k, v in vars(found).items() if v)
            write_text(
                path,
                f"# cxm rules audit, company {n + 1} of {name}: {notes}\n"  # a planted link is
                + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                own=True,
            )  # replaced, not followed
        click.echo(t("wrote", "en", n=len(worst), dir=output))
    if 100 * max(r.highest() for r in reports) > max_rate:
        raise Findings()
