"""Assess many companies at once: read the input, run (here, in worker processes or on a Dask cluster),
keep input order, journal the progress, and write the output atomically at the end.

Input (one company per row; ``row`` counts companies from 1, in input order):

- CSV: a header of fact paths (``company.name``, ``company.markets.b2b``, ... see
  :func:`~cxm.facts.vocabulary.input_fields`), one company per record. A list value is ``;``-separated
  (``hospitality;finance``, ``self_assessment.brand`` as ``3;3;2;4;3``); a yes/no value is ``true`` or
  ``false``; an empty cell leaves the field out (its default applies).
- JSON Lines: one facts mapping per line (blank lines are skipped).
- A folder: every ``*.yaml``, ``*.yml`` and ``*.json`` file in it, in sorted name order.

Output: JSON Lines (one ``{"row", "company", "stage", "levels", "recommendations", "held_back"}``
object per line) or CSV (the same, levels as ``level.<competency>`` columns, ids ``;``-separated).
A bad row goes to the errors file as ``row N: FIELD: MESSAGE [FILE:LINE:COL]`` and the rest go on.

Kill safety: finished rows are appended, in input order, to ``OUTPUT.partial`` (flushed and synced
per chunk); OUTPUT and the errors file are produced from it atomically at the end and the journal
is deleted. ``resume=True`` keeps the rows a journal already holds.

Parallelism: ``jobs > 1`` runs chunks of rows in worker processes started with "forkserver"
(durable-rules' Host starts threads: a process that has one must not fork); each worker builds its
own :class:`~cxm.engine.services.api.Engine` once. ``cluster=ADDRESS`` runs the chunks on a Dask
distributed cluster instead (``pip install cx-maturity[dask]``), each worker process holding its own
engine. The output bytes are the same whatever the number of jobs or the backend.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxm.engine.base.atomic import atomic_open
from cxm.facts.source import Document, Path_, Problem, SourceError

if TYPE_CHECKING:
    from cxm.engine.results.summary import Summary

JOURNAL_VERSION = 1
CHUNK = 64  # rows per task sent to a worker
SLOW_ENV = "CXM_BATCH_SLOW"  # test hook: seconds to sleep per row (to kill a run midway)
FOLDER_SUFFIXES = (".yaml", ".yml", ".json")


class BatchError(Exception):
    """The batch cannot run at all (unreadable input, bad header, foreign journal): every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --- input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """One company as read from the input, not yet converted or validated (cheap to send to a worker)."""

    row: int
    line: int
    data: Any  # CSV: list of cells; JSONL: the line's text; folder: (absolute path, path as given)


@dataclass(frozen=True)
class Source:
    """An input: its kind, its file, and what a worker needs to read its rows (the CSV header)."""

    kind: str  # "csv" | "jsonl" | "folder"
    path: str
    header: tuple[str, ...] = ()


def _by_suffix(path: Path) -> str | None:
    """``csv`` or ``jsonl`` from a file name, or None."""
    suffix = path.suffix.lower()
    return "csv" if suffix == ".csv" else "jsonl" if suffix in (".jsonl", ".ndjson", ".json") else None


def input_kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    if kind := _by_suffix(path):
        return kind
    raise BatchError([f"{path}: cannot tell the input format from the name; use .csv, .jsonl or a folder "
                      "(or --input-format)"])


def open_source(path: Path, kind: str | None = None) -> Source:
    """Check the input and read what every row needs (the CSV header); raises :class:`BatchError`."""
    kind = kind or input_kind(path)
    if kind == "folder":
        if not path.is_dir():
            raise BatchError([f"{path}: not a folder"])
        return Source("folder", str(path))
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            first = next(csv.reader(handle), None) if kind == "csv" else None
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchError([f"{path}: cannot read the input: {exc}"]) from None
    if kind == "jsonl":
        return Source("jsonl", str(path))
    if not first:
        raise BatchError([f"{path}:1:1: the CSV file has no header"])
    return Source("csv", str(path), check_header(str(path), first))


def check_header(file: str, header: list[str]) -> tuple[str, ...]:
    """Every column must name an input fact path, once."""
    from cxm.facts.validation import suggest
    from cxm.facts.vocabulary import input_fields

    fields = input_fields()
    problems, seen = [], set()
    for col, name in enumerate(header, 1):
        if name not in fields:
            problems.append(f"{file}:1:{col}: unknown column {name!r}{suggest(name, fields)}")
        elif name in seen:
            problems.append(f"{file}:1:{col}: column {name!r} appears twice")
        seen.add(name)
    if problems:
        raise BatchError(problems)
    return tuple(header)


def read_rows(source: Source) -> Iterator[RawRow]:
    """The input's rows in order (lazily: only one chunk is ever held); unreadable input is a BatchError."""
    try:
        yield from _read_rows(source)
    except (csv.Error, UnicodeDecodeError, OSError) as exc:
        raise BatchError([f"{source.path}: cannot read the input: {exc}"]) from None


def _read_rows(source: Source) -> Iterator[RawRow]:
    path = Path(source.path)
    if source.kind == "folder":
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file())
        for n, p in enumerate(files, 1):  # the absolute path to read (on any worker), the path to show
            yield RawRow(n, 1, (str(p.resolve()), str(p)))
        return
    with path.open(encoding="utf-8", newline="") as handle:
        if source.kind == "jsonl":
            n = 0
            for line_no, text in enumerate(handle, 1):
                if text.strip():
                    n += 1
                    yield RawRow(n, line_no, text)
            return
        reader = csv.reader(handle)
        next(reader, None)
        start, n = reader.line_num + 1, 0
        for cells in reader:
            if cells:  # a blank line is no row
                n += 1
                yield RawRow(n, start, cells)
            start = reader.line_num + 1


def count_rows(source: Source) -> int:
    """How many rows :func:`read_rows` will give (for the progress bar)."""
    return sum(1 for _ in read_rows(source))


_INT = re.compile(r"^[+-]?\d+$")


def _cell(spec: Any, text: str) -> Any:
    """A CSV cell as the value the facts model expects; ValueError with a message when it cannot be."""
    kind = spec.kind
    if kind == "list":
        items = [x.strip() for x in text.split(";")]
        if any(x == "" for x in items):
            raise ValueError(f"empty item in the list {text!r} (separate items with ';')")
        return [int(x) if spec.item == "int" and _INT.match(x) else x for x in items]
    text = text.strip() if kind != "text" else text
    if kind == "bool":
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        raise ValueError(f"expected true or false, got {text!r}")
    if kind == "int":
        if _INT.match(text):
            return int(text)
        raise ValueError(f"expected a whole number, got {text!r}")
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
    return text


def csv_document(file: str, header: Sequence[str], line: int, cells: list[str]) -> Document:
    """A CSV record as a facts document: nested values, each located at its column (problems collected)."""
    from cxm.facts.vocabulary import input_fields

    fields = input_fields()
    doc = Document(file, {}, {(): (line, 1)}, {(): (line, 1)})
    problems: list[Problem] = []
    if len(cells) != len(header):
        problems.append(Problem(file, line, 1, "(row)", f"expected {len(header)} cells, found {len(cells)}"))
    for col, (name, text) in enumerate(zip(header, cells, strict=False), 1):
        path: Path_ = tuple(name.split("."))
        for i in range(1, len(path) + 1):  # a missing or bad field is reported at its column
            doc.values.setdefault(path[:i], (line, col))
            doc.keys.setdefault(path[:i], (line, col))
        if text == "":
            continue
        try:
            value = _cell(fields[name], text)
        except ValueError as exc:
            problems.append(Problem(file, line, col, name, str(exc)))
            continue
        node = doc.data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    for i, name in enumerate(header[: len(cells)]):  # list items: located at their column too
        path = tuple(name.split("."))
        value = _get(doc.data, path)
        if isinstance(value, list):
            for j in range(len(value)):
                doc.values[(*path, j)] = (line, i + 1)
    if problems:
        raise SourceError(problems)
    return doc


def _get(data: dict[str, Any], path: Path_) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def jsonl_document(file: str, line: int, text: str) -> Document:
    """A JSON Lines record as a facts document, positions on the file's lines."""
    from cxm.facts.source import parse_text

    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError([Problem(file, line, exc.colno, "(root)", f"malformed JSON: {exc.msg}")]) from None
    except RecursionError:
        raise SourceError([Problem(file, line, 1, "(root)", "the line is nested too deeply")]) from None
    doc = parse_text(text, file)
    shift = line - 1
    doc.values = {p: (ln + shift, c) for p, (ln, c) in doc.values.items()}
    doc.keys = {p: (ln + shift, c) for p, (ln, c) in doc.keys.items()}
    doc.values.setdefault((), (line, 1))
    if not isinstance(doc.data, dict):  # located here: `validate` would put it on line 1
        raise SourceError([Problem(file, line, 1, "(root)", "expected a mapping of sections (company, ...)")])
    return doc


def load_row(source: Source, raw: RawRow) -> Any:
    """The validated facts of one row (:class:`~cxm.facts.load.LoadedFacts`), or :class:`SourceError`."""
    from cxm.engine.knowledge.cache import facts_validator
    from cxm.facts.load import validate
    from cxm.facts.source import read_document

    if source.kind == "folder":
        path, shown = raw.data
        doc = read_document(path, display=shown)
    elif source.kind == "jsonl":
        doc = jsonl_document(source.path, raw.line, raw.data)
    else:
        doc = csv_document(source.path, source.header, raw.line, raw.data)
    return validate(doc, facts_validator())


# --- running ----------------------------------------------------------------------------------


def project(row: int, assessment: Any) -> dict[str, Any]:
    """The batch record of one assessment (the fields `cxm assess --format json` has, projected)."""
    return {
        "row": row,
        "company": assessment.company,
        "stage": assessment.stage.id,
        "levels": {c: lv.level for c, lv in assessment.levels.items()},
        "recommendations": [r.id for r in assessment.recommendations],
        "held_back": [h.id for h in assessment.held_back],
    }


def record(row: int, summary: Summary) -> dict[str, Any]:
    """The batch record of a lean assessment (:meth:`Engine.summarize`): the same as :func:`project` gives."""
    return {"row": row, "company": summary.company, "stage": summary.stage, "levels": summary.levels,
            "recommendations": summary.recommendations, "held_back": summary.held_back}


@dataclass
class Done:
    """The outcome of one row: its record, or its error lines."""

    row: int
    record: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)


def error_lines(row: int, exc: Exception) -> list[str]:
    if isinstance(exc, SourceError):
        return [f"row {row}: {p.field}: {p.message} [{p.file}:{p.line}:{p.col}]" for p in exc.problems]
    message = " ".join(str(exc).split("\n"))
    return [f"row {row}: (engine): {type(exc).__name__}: {message}"]


_ENGINES: dict[tuple[str, ...], Any] = {}  # one engine per process (and per rule set), built on first use


def engine_for(rules: Sequence[str]) -> Any:
    """This process's engine for these rule folders, built once."""
    key = tuple(rules)
    engine = _ENGINES.get(key)
    if engine is None:
        from cxm.engine.services.api import Engine

        engine = _ENGINES[key] = Engine(list(rules))
    return engine


def assess_rows(source: Source, rules: Sequence[str], rows: Sequence[RawRow]) -> list[Done]:
    """Assess a chunk of rows in this process (the task a worker runs)."""
    from cxm.engine.base.errors import EngineError

    engine = engine_for(rules)
    slow = float(os.environ.get(SLOW_ENV) or 0)
    out = []
    for raw in rows:
        if slow:
            time.sleep(slow)
        try:
            loaded = load_row(source, raw)
            out.append(Done(raw.row, record(raw.row, engine.summarize(loaded))))
        except (SourceError, EngineError) as exc:
            out.append(Done(raw.row, errors=error_lines(raw.row, exc)))
        except MemoryError:  # durable-rules' session table is full: the process cannot go on safely
            raise
        except Exception as exc:  # an unforeseen failure on one row must not stop the others
            out.append(Done(raw.row, errors=[f"row {raw.row}: (error): {type(exc).__name__}: "
                                             + " ".join(str(exc).split())]))
    return out


def _task(args: tuple[Source, tuple[str, ...], list[RawRow]]) -> list[Done]:
    return assess_rows(*args)


def chunks(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    chunk: list[RawRow] = []
    for raw in rows:
        chunk.append(raw)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


Runner = Callable[[Source, tuple[str, ...], Iterator[list[RawRow]]], Iterator[list[Done]]]


def run_here(source: Source, rules: tuple[str, ...], tasks: Iterator[list[RawRow]]) -> Iterator[list[Done]]:
    for chunk in tasks:
        yield assess_rows(source, rules, chunk)


def run_pool(jobs: int) -> Runner:
    """Chunks in ``jobs`` worker processes (forkserver), results in input order."""

    def run(source: Source, rules: tuple[str, ...], tasks: Iterator[list[RawRow]]) -> Iterator[list[Done]]:
        import multiprocessing

        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(["cxm.engine.services.batch", "cxm.engine.services.api"])
        with ctx.Pool(jobs, initializer=engine_for, initargs=(rules,)) as pool:
            yield from pool.imap(_task, ((source, rules, chunk) for chunk in tasks))

    return run


def run_dask(address: str, window: int = 8) -> Runner:
    """Chunks on a Dask distributed cluster; at most ``window`` chunks per worker in flight, in order."""

    def run(source: Source, rules: tuple[str, ...], tasks: Iterator[list[RawRow]]) -> Iterator[list[Done]]:
        try:
            from distributed import Client
        except ImportError:
            raise BatchError(["--cluster needs Dask: pip install 'cx-maturity[dask]'"]) from None
        from collections import deque

        with Client(address, set_as_default=False) as client:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            pending: deque[Any] = deque()
            for chunk in tasks:
                pending.append(client.submit(assess_rows, source, rules, chunk, pure=False))
                if len(pending) >= window * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    return run


# --- journal and output -------------------------------------------------------------------------


def fingerprint(source: Source, rules: Sequence[str]) -> str:
    """What a journal belongs to: the input (name, size, time) and the rule folders."""
    path = Path(source.path)
    items = sorted(path.iterdir()) if source.kind == "folder" else [path]
    digest = hashlib.sha256(f"{source.kind}\0{path.resolve()}\0{list(rules)}".encode())
    for p in items:
        with contextlib.suppress(OSError):
            st = p.stat()
            digest.update(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


def read_journal(path: Path, stamp: str) -> tuple[set[int], int]:
    """The rows a journal holds, and the byte length of its complete lines (a torn last line is dropped)."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    lines = data[:end].splitlines()
    if not lines:
        return set(), 0
    try:
        head = json.loads(lines[0])
    except ValueError:
        head = {}
    if head.get("journal") != JOURNAL_VERSION or head.get("input") != stamp:
        raise BatchError([f"{path}: this journal belongs to another input or rule set; "
                          "run without --resume to start over"])
    return {json.loads(line)["row"] for line in lines[1:]}, end


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def csv_line(record: dict[str, Any], competencies: Sequence[str]) -> list[Any]:
    return [record["row"], record["company"], record["stage"],
            *(record["levels"].get(c, "") for c in competencies),
            ";".join(record["recommendations"]), ";".join(record["held_back"])]


def finish(journal: Path, output: Path, errors_path: Path, fmt: str,
           competencies: Sequence[str]) -> tuple[int, int]:
    """Produce OUTPUT and the errors file from the journal (in input order), atomically; delete the journal.

    Streams: one journal line at a time is held. Returns (rows assessed, rows in error).
    """
    assessed = failed = 0
    errors: list[str] = []
    with journal.open(encoding="utf-8") as handle, atomic_open(output, "w", encoding="utf-8") as out:
        next(handle, None)
        writer = csv.writer(out, lineterminator="\n")
        if fmt == "csv":
            writer.writerow(["row", "company", "stage", *(f"level.{c}" for c in competencies),
                             "recommendations", "held_back"])
        for line in handle:
            entry = json.loads(line)
            record = entry.get("record")
            if record is None:
                failed += 1
                errors.extend(entry["errors"])
            elif fmt == "csv":
                assessed += 1
                writer.writerow(csv_line(record, competencies))
            else:
                assessed += 1
                out.write(_dump(record) + "\n")
    if errors:
        with atomic_open(errors_path, "w", encoding="utf-8") as out:
            out.write("".join(text + "\n" for text in errors))
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(errors_path)  # a stale errors file from an earlier run would mislead
    os.unlink(journal)
    return assessed, failed


@dataclass
class Summary:
    assessed: int
    errors: int
    resumed: int
    output: Path
    errors_path: Path | None


def output_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    if kind := _by_suffix(path):
        return kind
    raise BatchError([f"{path}: cannot tell the output format from the name; use .jsonl or .csv "
                      "(or --format)"])


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def run_batch(
    input_path: Path,
    output: Path,
    *,
    jobs: int = 1,
    cluster: str | None = None,
    resume: bool = False,
    errors_path: Path | None = None,
    rules: Sequence[Path | str] = (),
    input_format: str | None = None,
    output_fmt: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Summary:
    """Assess every row of ``input_path`` into ``output``; see the module's docstring."""
    fmt = output_format(output, output_fmt)
    source = open_source(input_path, input_format)
    rule_dirs = tuple(str(Path(r).resolve()) for r in rules)
    competencies: list[str] = []
    if fmt == "csv":  # the level columns; also checks the rule folders before any work starts
        competencies = [c.id for c in engine_for(rule_dirs).kb.competencies]
    errors_path = errors_path or output.with_name(output.name + ".errors.txt")
    journal = journal_path(output)
    stamp = fingerprint(source, rule_dirs)
    done: set[int] = set()
    if resume and journal.exists():
        done, end = read_journal(journal, stamp)
        with journal.open("r+b") as handle:
            handle.truncate(end)
    else:
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.write_text(_dump({"journal": JOURNAL_VERSION, "input": stamp}) + "\n", encoding="utf-8")
    resumed = len(done)
    if on_total is not None:
        on_total(count_rows(source))
        if progress is not None and resumed:
            progress(resumed)
    todo = (r for r in read_rows(source) if r.row not in done)
    if cluster:
        runner: Runner = run_dask(cluster)
    elif jobs > 1:
        runner = run_pool(jobs)
    else:
        runner = run_here
    with journal.open("a", encoding="utf-8") as handle:
        for results in runner(source, rule_dirs, chunks(todo, CHUNK)):
            buf = io.StringIO()
            for d in results:
                buf.write(_dump({"row": d.row, "record": d.record} if d.record is not None
                                else {"row": d.row, "errors": d.errors}) + "\n")
            handle.write(buf.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
            if progress is not None:
                progress(len(results))
    assessed, errors = finish(journal, output, errors_path, fmt, competencies)
    return Summary(assessed, errors, resumed, output, errors_path if errors else None)
