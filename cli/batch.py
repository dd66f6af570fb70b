"""``cxm batch``: assess many companies from a CSV, JSON Lines file or folder (see :mod:`cxm.engine.services.batch`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cxm.cli.errors import Failure, Rejected
from cxm.cli.formats import BATCH
from cxm.cli.options import rules_option


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the results: .jsonl (one JSON object per company) or .csv.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes (each holds its own engine); never more than one per 64 rows.",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Run on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786) instead of local processes; "
    "needs `pip install 'cx-maturity[dask]'`.",
)
@click.option(
    "--resume", is_flag=True, help="Keep the rows an interrupted run already finished (OUTPUT.partial) and do the rest."
)
@click.option("--restart", is_flag=True, help="Drop the rows an interrupted run left in OUTPUT.partial and start over.")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to list the rows that could not be assessed [default: OUTPUT.errors.txt].",
)
@click.option(
    "--input-format",
    type=click.Choice(["csv", "jsonl", "folder"]),
    help="The input's format [default: from its name: .csv, .jsonl, or a folder].",
)
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    help="A CSV input's delimiter [default: detected from its header: ',', ';' or a tab].",
)
@BATCH.option(help="The output's format [default: from its name: .jsonl or .csv].")
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the portfolio view of the results (as `cxm portfolio`): .html, .md or .json.",
)
@rules_option
def batch(
    input_path: Path,
    output: Path,
    jobs: int,
    cluster: str | None,
    resume: bool,
    restart: bool,
    errors_path: Path | None,
    input_format: str | None,
    fmt: str | None,
    rules: tuple[Path, ...],
    summary_path: Path | None = None,
    delimiter: str | None = None,
) -> None:
    """Assess every company in INPUT and write one result per company to OUTPUT.

    INPUT is a CSV file (a header of fact paths such as company.name,
    company.markets.b2b; list values ';'-separated, e.g. hospitality;finance
    or self_assessment.brand as 3;3;2;4;3; true/false for yes/no fields; an
    empty cell leaves the field out), a JSON Lines file (one facts mapping per
    line) or a folder of facts files (*.yaml, *.yml, *.json, in name order).
    A CSV may be ','-, ';'- or tab-separated (detected from the header, or
    --delimiter), with a byte-order mark and CRLF line ends, as Excel writes it.
    INPUT must be a file or folder, not '-': the journal of an interrupted
    run belongs to its input, and --resume reads the input again.

    Each result holds the row number, company, stage, competency levels and
    the ids of the recommendations and of those held back, in input order
    whatever --jobs is. A bad row is listed in the errors file (row N: FIELD:
    MESSAGE [FILE:LINE:COL]) and the others go on. OUTPUT appears only when
    the run completes; an interrupted run continues with --resume (or starts
    over with --restart: one of the two is needed when its journal exists).
    INPUT, OUTPUT and --errors must be different files, and one output is
    written by one run at a time. In CSV output, a cell that begins with =,
    +, -, @ (a spreadsheet formula) is written with a ' before it.
    Exit code 0: all rows assessed; 1: interrupted (SIGTERM); 2: some rows
    (or the input) were bad.

    \b
    Example:
      cxm batch companies.csv -o results.jsonl --jobs 4
      cxm batch companies.jsonl -o results.csv --resume
      cxm batch facts/examples -o examples.jsonl
      cxm batch companies.csv -o results.jsonl --cluster tcp://10.0.0.5:8786
      cxm batch companies.csv -o results.jsonl --summary portfolio.html
    """
    from cxm.engine.services import batch as runner

    if str(input_path) == "-":
        raise click.BadParameter(
            "a batch reads a file, not standard input: an interrupted run is continued with --resume, which "
            "reads the input again and checks that its journal belongs to it; save the rows to a file first",
            param_hint="INPUT",
        )
    if resume and restart:
        raise click.UsageError("--resume and --restart exclude each other")
    separator = _delimiter(input_path, input_format, delimiter)
    cpus = os.cpu_count() or 1
    if jobs > cpus:
        click.echo(f"warning: --jobs {jobs} is more than the {cpus} CPUs of this machine", err=True)
    if summary_path is not None:
        from cxm.cli.portfolio import output_format, refuse_clashes, written

        output_format(summary_path, None, output, "--summary")
        output_format(summary_path, None, input_path, "--summary")
        chosen = fmt or BATCH.by_suffix(output)
        if chosen is None or not BATCH[chosen].records:
            raise click.UsageError("--summary needs a JSON Lines output (.jsonl)")
        errors_file = errors_path or output.with_name(output.name + ".errors.txt")
        refuse_clashes(
            written(summary_path, output_format(summary_path, None, output)),
            [("INPUT", input_path), ("OUTPUT", output), ("the errors file", errors_file)],
            "--summary",
        )
    # the engine before `started`: its rule base is then left out of garbage collection, and the workers forked
    # from this process inherit it; with --rules, say here, once, which built-in rules a folder replaces
    from cxm.cli.session import engine as load_engine

    load_engine(rules, lambda folders: runner.warm(runner.rule_folders(folders)))  # then start-up ends: many
    # assessments follow, collecting garbage as usual

    bar = None
    if sys.stderr.isatty():

        def on_total(total: int) -> None:
            nonlocal bar
            bar = click.progressbar(length=total, label="Assessing", file=sys.stderr)
            bar.__enter__()

        def progress(n: int) -> None:
            if bar is not None:
                bar.update(n)
    else:
        on_total = progress = None  # type: ignore[assignment]
    try:
        summary = runner.run_batch(
            input_path,
            output,
            jobs=jobs,
            cluster=cluster,
            resume=resume,
            restart=restart,
            errors_path=errors_path,
            rules=rules,
            input_format=input_format,
            output_fmt=fmt,
            delimiter=separator,
            progress=progress,
            on_total=on_total,
        )
    except runner.Interrupted as exc:
        raise Failure(
            f"error: interrupted; the finished rows are kept in {exc.journal}: continue with --resume"
        ) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if summary.resumed:
        click.echo(f"{summary.resumed} rows kept from the interrupted run", err=True)
    if summary.input_changed:
        click.echo(
            f"warning: {input_path} changed during the run; the results may mix rows of its old and new "
            "contents: run again with --restart",
            err=True,
        )
    if summary.errors_path is not None:
        click.echo(f"errors: {summary.errors_path}", err=True)
    click.echo(f"{summary.assessed} assessed, {summary.errors} errors", err=True)
    if summary.warned:
        click.echo(
            f'{summary.warned} of them with consistency warnings (see "warnings"; cxm assess shows where each is)',
            err=True,
        )
    if summary_path is not None and not summary.assessed:  # a summary of nothing is not written: say so
        kept = " (the file there is left as it was)" if summary_path.exists() else ""
        click.echo(f"summary: not written, no row was assessed{kept}", err=True)
    if summary_path is not None and summary.assessed:
        from cxm.cli.portfolio import load, output_format, write

        kb, model, figures = load(output, rules)
        write(figures, model, kb, summary_path, output_format(summary_path, None, output), "en")
        click.echo(f"summary: {summary_path}", err=True)
    if summary.errors:
        raise Rejected()


def _delimiter(path: Path, input_format: str | None, given: str | None) -> str | None:
    """A CSV input's delimiter (given, else detected), said on stderr when it is not a comma; None otherwise."""
    from cxm.facts.delimiter import choose
    from cxm.facts.tabular import by_suffix

    if (input_format or (None if path.is_dir() else by_suffix(path))) != "csv":
        return None
    found, name = choose(path, given)
    if name is not None:
        click.echo(
            f"note: {path} is read as {name}-separated (detected from its header; --delimiter chooses)", err=True
        )
    return found
