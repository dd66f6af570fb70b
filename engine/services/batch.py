"""Assess many companies at once: read the input, run (here, in worker processes or on a Dask cluster),
keep input order, journal the progress, and write the output atomically at the end.

Input (one company per row; ``row`` counts companies from 1, in input order):

- CSV, JSON Lines, or a folder of facts files, read by :mod:`cxm.facts.tabular`.

Output: JSON Lines (one ``{"row", "company", "stage", "levels", "recommendations", "held_back", "weakest",
"gates_failing", "self_far", "industry", "market", "size_class", "employees", "warnings"}`` object per line, see
:func:`project`) or CSV (the first six, levels as ``level.<competency>`` columns, ids ``;``-separated, and
``warnings``, `` | ``-separated). A bad row goes to the errors file as ``row N: FIELD: MESSAGE [FILE:LINE:COL]``
and the rest go on; a row whose facts contradict each other (the warnings ``cxm assess`` prints) is assessed,
its warnings in the ``warnings`` field as ``FIELD: MESSAGE``, and counted in the summary.

Kill safety: finished rows are appended, in input order, to ``OUTPUT.partial`` (flushed and synced
per chunk); OUTPUT and the errors file are produced from it atomically at the end and the journal
is deleted. ``resume=True`` keeps the rows a journal already holds (:mod:`~cxm.engine.services.journal`
checks every line); ``restart=True`` drops them; a journal left by an interrupted run is never
silently overwritten: one of the two is required.

File safety: input, output, errors file, journal and lock file must be five different files
(symbolic and hard links resolved), or the run does not start. A run holds an exclusive lock
(``flock``) on ``OUTPUT.lock``, which names its process: a second run on the same output stops
at once. No file is deleted but the journal and the lock file the runs themselves made. A CSV output
cell that a spreadsheet would read as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) is written with a ``'`` before it, as OWASP recommends against CSV injection.

Parallelism: ``jobs > 1`` runs chunks of rows in local worker processes
(:mod:`~cxm.engine.services.workers`), never more processes than chunks of :data:`CHUNK` rows. The
parent prepares the engine (rule base, validator, durable-rules rulesets) and, when it runs a single
thread, forks its workers warm (no thread, no session: safe, see that module); else they start from a
forkserver and each builds its own :class:`~cxm.engine.services.api.Engine` once. A worker is sent
chunk numbers and reads its own rows (:class:`Chunks`); it sends back one string, the chunk's journal
lines. SIGTERM ends the run as :class:`Interrupted` (the journal kept) and the workers quietly.
``cluster=ADDRESS`` runs the chunks on a Dask distributed cluster instead (``pip install
cx-maturity[dask]``), each worker process holding its own engine. The output bytes are the same
whatever the number of jobs or the backend.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxm.engine.base.atomic import atomic_open, special
from cxm.engine.base.errors import EngineError
from cxm.engine.base.lock import Locked, NotALock, exclusive
from cxm.engine.base.paths import check_writable, clashes
from cxm.engine.base.text import dumps
from cxm.engine.services import journal as journals
from cxm.facts.source import SourceError
from cxm.facts.tabular import (
    CellErrors,
    RawRow,
    Source,
    TableError,
    by_suffix,
    count_rows,
    csv_document,
    every_problem,
    jsonl_document,
    open_source,
    read_rows,
)

if TYPE_CHECKING:
    from cxm.engine.results.summary import Summary

JOURNAL_VERSION = journals.VERSION
NAME_MAX = 255  # the longest file name (bytes) of the usual file systems
CHUNK = 64  # rows per task sent to a worker


class BatchError(TableError):
    """The batch cannot run at all (unreadable input, bad header, foreign journal): every problem."""


class Interrupted(BaseException):
    """The run received SIGTERM: the journal keeps the rows finished so far (a BaseException, so that
    no per-row handler takes it for a row's failure)."""

    def __init__(self, journal: Path):
        self.journal = journal
        super().__init__(f"interrupted; the finished rows are kept in {journal}")


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
        try:
            doc = csv_document(source.path, source.header, raw.line, raw.data)
        except CellErrors as exc:  # every error of the row at once, the cells' and the rest's
            raise every_problem(exc, lambda d: validate(d, facts_validator())) from None
    return validate(doc, facts_validator())


# --- running ----------------------------------------------------------------------------------


def project(row: int, assessment: Any, profile: dict[str, Any] | None = None,
            warnings: Sequence[str] = ()) -> dict[str, Any]:
    """The batch record of one assessment (the fields `cxm assess --format json` has, projected).

    The keys after ``held_back`` serve ``cxm portfolio``: the weakest competencies, the gates of the next
    stage that fail (``gates_failing``), and the company's profile (:func:`company_profile`; null without it);
    ``warnings`` are the facts' consistency warnings (:func:`warning_texts`).
    """
    profile = profile or {}
    return {
        "row": row,
        "company": assessment.company,
        "stage": assessment.stage.id,
        "levels": {c: lv.level for c, lv in assessment.levels.items()},
        "recommendations": [r.id for r in assessment.recommendations],
        "held_back": [h.id for h in assessment.held_back],
        "weakest": list(assessment.weakest),
        "gates_failing": failing_gates(assessment),
        "self_far": {c: lv.self_rating.far for c, lv in assessment.levels.items()
                     if lv.self_rating is not None and lv.self_rating.far},
        "industry": profile.get("industry"),
        "market": profile.get("market"),
        "size_class": profile.get("size_class"),
        "employees": profile.get("employees"),
        "warnings": list(warnings),
    }


def warning_texts(loaded: Any) -> list[str]:
    """The consistency warnings of a company's facts (those ``cxm assess`` prints), as ``FIELD: MESSAGE``."""
    return [f"{w.field}: {w.message}" for w in loaded.warnings]


def failing_gates(assessment: Any) -> list[str]:
    """The next stage's gate rules none of whose alternatives holds, in rule order."""
    held: dict[str, bool] = {}
    for check in assessment.roadmap.gates:
        held[check.rule] = held.get(check.rule, False) or check.held
    return [rule for rule, ok in held.items() if not ok]


def company_profile(loaded: Any, trace: Any) -> dict[str, Any]:
    """What a portfolio cuts on: industries and head count (input facts), and the market focus and size
    class the rules derived (``market_focus``, ``size_class`` in ``rules/derive/company.yaml``)."""
    derived = {f.name: f.value for f in trace.facts.values()
               if not f.input and f.name in ("market_focus", "size_class")}
    company = loaded.data["company"]
    return {"industry": [getattr(i, "value", i) for i in company["industry"]],
            "market": derived.get("market_focus"), "size_class": derived.get("size_class"),
            "employees": company["employees"]}


def lean_record(engine: Any, loaded: Any, row: int) -> dict[str, Any]:
    """The batch record of one company, assessed without explanations (what :func:`project` gives)."""
    from cxm.engine.results.summary import failing_gates, summarize
    from cxm.engine.services.unknowns import batch_range

    loaded, unknown = batch_range(engine, loaded)  # facts nobody knew: the lowest end, and the range (issue 27)
    trace = engine.run(loaded)
    summary = summarize(engine.kb, trace, loaded.company)
    return record(row, summary, failing_gates(engine.kb, trace, summary.stage), company_profile(loaded, trace),
                  warning_texts(loaded)) | unknown


def record(row: int, summary: Summary, gates_failing: list[str], profile: dict[str, Any],
           warnings: Sequence[str] = ()) -> dict[str, Any]:
    """The batch record of a lean assessment (:mod:`cxm.engine.results.summary`): what :func:`project` gives."""
    return {"row": row, "company": summary.company, "stage": summary.stage, "levels": summary.levels,
            "recommendations": summary.recommendations, "held_back": summary.held_back,
            "weakest": summary.weakest, "gates_failing": gates_failing, "self_far": summary.self_far, **profile,
            "warnings": list(warnings)}


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
    out = []
    for raw in rows:
        try:
            loaded = load_row(source, raw)
            out.append(Done(raw.row, lean_record(engine, loaded, raw.row)))
        except (SourceError, EngineError) as exc:
            out.append(Done(raw.row, errors=error_lines(raw.row, exc)))
        except MemoryError:  # durable-rules' session table is full: the process cannot go on safely
            raise
        except Exception as exc:  # an unforeseen failure on one row must not stop the others
            out.append(Done(raw.row, errors=[f"row {raw.row}: (error): {type(exc).__name__}: "
                                             + " ".join(str(exc).split())]))
    return out


def journal_lines(results: Sequence[Done]) -> str:
    """The journal's lines for a chunk's outcomes (a record, or the row's errors)."""
    return "".join(_dump({"row": d.row, "record": d.record} if d.record is not None
                         else {"row": d.row, "errors": d.errors}) + "\n" for d in results)


def assess_chunk(source: Source, rules: Sequence[str], rows: Sequence[RawRow]) -> tuple[int, str]:
    """Assess a chunk of rows: how many, and their journal lines (what a worker sends back: one string)."""
    return len(rows), journal_lines(assess_rows(source, rules, rows))


def rule_folders(rules: Sequence[Path | str]) -> tuple[str, ...]:
    """The rule folders as every process names them (resolved): the key of :func:`engine_for`."""
    return tuple(str(Path(r).resolve()) for r in rules)


def warm(rules: Sequence[str]) -> Any:
    """This process's engine for these rule folders, with all that assessing a row needs loaded: the rule
    base, its durable-rules rulesets, the compiled facts validator, the modules the lean path imports."""
    from cxm.engine.knowledge.cache import facts_validator
    from cxm.engine.results import summary  # noqa: F401
    from cxm.facts import load, source  # noqa: F401

    engine = engine_for(rules)
    engine.prepare()
    facts_validator()
    return engine


def chunks(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    chunk: list[RawRow] = []
    for raw in rows:
        chunk.append(raw)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Chunks:
    """The rows a run still has to do (input order, the journal's rows left out), in chunks of ``size``.

    A local worker is sent chunk numbers only and reads its rows itself (:meth:`__call__`): the parent
    parses and sends no row, and no message to a worker is more than a few bytes.
    """

    source: Source
    rules: tuple[str, ...]
    done: frozenset[int] = frozenset()
    count: int = 0  # how many chunks (known when the rows were counted)
    size: int = CHUNK
    _ahead: Iterator[tuple[int, list[RawRow]]] | None = field(default=None, init=False, repr=False, compare=False)

    def __iter__(self) -> Iterator[list[RawRow]]:
        return chunks((r for r in read_rows(self.source) if r.row not in self.done), self.size)

    def prepare(self) -> None:
        warm(self.rules)

    def __call__(self, index: int) -> tuple[int, str]:
        """Chunk ``index``, assessed (a worker is asked for increasing numbers: its reader only goes forward)."""
        if self._ahead is None:
            self._ahead = enumerate(self)
        for number, rows in self._ahead:
            if number == index:
                return assess_chunk(self.source, self.rules, rows)
        return 0, ""  # the input ended early (it changed under the run)


Runner = Callable[[Chunks], Iterator[tuple[int, str]]]


def run_here(todo: Chunks) -> Iterator[tuple[int, str]]:
    for rows in todo:
        yield assess_chunk(todo.source, todo.rules, rows)


def run_pool(jobs: int) -> Runner:
    """Chunks in ``jobs`` local worker processes (:mod:`~cxm.engine.services.workers`), results in input order."""

    def run(todo: Chunks) -> Iterator[tuple[int, str]]:
        from cxm.engine.base.errors import EngineError
        from cxm.engine.services import workers

        try:
            yield from workers.ordered(todo, jobs, todo.count, preload=(__name__, "cxm.engine.services.api"))
        except workers.WorkerDied as exc:
            raise EngineError(f"{exc}; the finished rows are kept: continue with --resume") from None

    return run


def run_dask(address: str, window: int = 8) -> Runner:
    """Chunks on a Dask distributed cluster; at most ``window`` chunks per worker in flight, in order."""

    def run(todo: Chunks) -> Iterator[tuple[int, str]]:
        try:
            from distributed import Client
        except ImportError:
            raise BatchError(["--cluster needs Dask: pip install 'cx-maturity[dask]'"]) from None
        from collections import deque

        with Client(address, set_as_default=False) as client:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            pending: deque[Any] = deque()
            for chunk in todo:
                pending.append(client.submit(assess_chunk, todo.source, todo.rules, chunk, pure=False))
                if len(pending) >= window * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    return run


# --- journal and output -------------------------------------------------------------------------


def fingerprint(source: Source, rules: Sequence[str]) -> str:
    """What a journal belongs to: the input (name, size, time; a file's bytes too, read once more) and the rule
    folders."""
    path = Path(source.path)
    items = sorted(path.iterdir()) if source.kind == "folder" else [path]
    digest = hashlib.sha256(f"{source.kind}\0{path.resolve()}\0{list(rules)}".encode("utf-8", "surrogateescape"))
    for p in items:
        with contextlib.suppress(OSError):
            st = p.stat()
            digest.update(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    if source.kind != "folder":  # an edit that keeps the size and the time (touch -r) still changes the stamp
        with contextlib.suppress(OSError), path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:32]


def read_journal(path: Path, stamp: str) -> tuple[set[int], int]:
    """The rows a journal holds, and the byte length of its part to keep (see :func:`journals.read`)."""
    rows, end = journals.read(path, stamp)
    return set(rows), end


def _dump(record: dict[str, Any]) -> str:
    return dumps(record, separators=(",", ":"))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet will not run: one that begins like a formula gets a ``'`` first (OWASP)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(cells: Sequence[Any]) -> str:
    """One CSV record ending in a line feed, every cell holding a line feed or a carriage return quoted (``csv``
    quotes only the characters of its line terminator: a bare CR in a name would split the record in a
    spreadsheet, and what follows it would land in column A)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2] + "\n"


def csv_line(record: dict[str, Any], competencies: Sequence[str]) -> list[Any]:
    return [record["row"], spreadsheet_safe(record["company"]), record["stage"],
            *(record["levels"].get(c, "") for c in competencies),
            ";".join(record["recommendations"]), ";".join(record["held_back"]),
            spreadsheet_safe(" | ".join(record["warnings"]))]


def finish(journal: Path, output: Path, errors_path: Path, fmt: str,
           competencies: Sequence[str]) -> tuple[int, int, int]:
    """Produce OUTPUT and the errors file from the journal (in input order), atomically; delete the journal.

    Streams: one journal line at a time is held; a row the journal holds twice is written once. With no
    bad row, an errors file left by an earlier run is emptied (so that it does not mislead), never deleted.
    Returns (rows assessed, rows in error, rows assessed with warnings).
    """
    assessed = failed = warned = 0
    errors: list[str] = []
    seen: set[int] = set()
    with journal.open(encoding="utf-8") as handle, atomic_open(output, "w", encoding="utf-8") as out:
        next(handle, None)
        if fmt == "csv":
            out.write(csv_text(["row", "company", "stage", *(f"level.{c}" for c in competencies),
                                "recommendations", "held_back", "warnings"]))
        for line in handle:
            entry = json.loads(line)
            if entry["row"] in seen:
                continue
            seen.add(entry["row"])
            record = entry.get("record")
            if record is None:
                failed += 1
                errors.extend(entry["errors"])
                continue
            warned += bool(record["warnings"])
            if fmt == "csv":
                assessed += 1
                out.write(csv_text(csv_line(record, competencies)))
            else:
                assessed += 1
                out.write(_dump(record) + "\n")
    if errors or errors_path.exists():
        with atomic_open(errors_path, "w", encoding="utf-8") as out:
            out.write("".join(text + "\n" for text in errors))
    os.unlink(journal)
    return assessed, failed, warned


@dataclass
class Summary:
    assessed: int
    errors: int
    resumed: int
    output: Path
    errors_path: Path | None
    workers: int = 1
    warned: int = 0  # rows assessed whose facts carry consistency warnings
    input_changed: bool = False
    """The input changed during the run: its results may mix rows of the old and the new input."""


def output_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    if kind := by_suffix(path):
        return kind
    raise BatchError([f"{path}: cannot tell the output format from the name; use .jsonl or .csv "
                      "(or --format)"])


class _Journal:
    """The journal opened for writing, never through a symbolic link; each write is whole or an error (a short
    write, on a full disk or past ``ulimit -f``, is continued until the system refuses it), and an error
    names the journal and --resume: the rows written before it are kept there."""

    def __init__(self, path: Path, flag: int):
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | flag, 0o644)

    def __enter__(self) -> _Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, text: str) -> None:
        data = memoryview(text.encode("utf-8"))
        try:
            done = 0
            while done < len(data):
                done += os.write(self.fd, data[done:])
            os.fsync(self.fd)
        except OSError as exc:
            raise EngineError(f"cannot write the journal {self.path}: {exc.strerror or exc}; the rows finished "
                              "before are kept in it: make room and continue with --resume") from None


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def lock_path(output: Path) -> Path:
    return output.with_name(output.name + ".lock")


def workers(jobs: int, rows: int) -> int:
    """The worker processes worth starting: at most one per chunk of rows, at least one."""
    return max(1, min(jobs, -(-rows // CHUNK)))


@contextlib.contextmanager
def _sigterm_interrupts(journal: Path) -> Iterator[None]:
    """SIGTERM ends the run as :class:`Interrupted` (the pool is then terminated, its workers quietly)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise Interrupted(journal)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_batch(
    input_path: Path,
    output: Path,
    *,
    jobs: int = 1,
    cluster: str | None = None,
    resume: bool = False,
    restart: bool = False,
    errors_path: Path | None = None,
    rules: Sequence[Path | str] = (),
    input_format: str | None = None,
    output_fmt: str | None = None,
    delimiter: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Summary:
    """Assess every row of ``input_path`` into ``output``; see the module's docstring."""
    fmt = output_format(output, output_fmt)
    errors_path = errors_path or output.with_name(output.name + ".errors.txt")
    journal, lock = journal_path(output), lock_path(output)
    same = clashes([("INPUT", input_path), ("OUTPUT", output), ("the errors file", errors_path),
                    ("the journal", journal), ("the lock file", lock)])
    if same:
        raise BatchError(same)
    too_long = [p.name for p in (journal, lock, errors_path) if len(os.fsencode(p.name)) > NAME_MAX]
    if too_long:  # a legal OUTPUT name leaves no room for the files a run keeps beside it
        raise BatchError([f"{output}: the name is too long for the files a run keeps beside it (such as "
                          f"{too_long[0][-24:]!r} at the end); give a name of at most {NAME_MAX - 11} bytes"])
    for path in (output, errors_path):  # before any work: a run never ends unable to write one of them
        if not special(path):
            check_writable(path)
    source = open_source(input_path, input_format, delimiter)  # a CSV's delimiter: detected when None
    rule_dirs = rule_folders(rules)
    competencies: list[str] = []
    if fmt == "csv":  # the level columns; also checks the rule folders before any work starts
        competencies = [c.id for c in engine_for(rule_dirs).kb.competencies]
    try:
        with exclusive(lock):
            return _run(source, output, errors_path, journal, fmt, competencies, rule_dirs, jobs=jobs,
                        cluster=cluster, resume=resume, restart=restart, progress=progress, on_total=on_total)
    except Locked as exc:
        who = f"process {exc.holder}" if exc.holder else "another process"
        raise BatchError([f"{output} is being written by {who} (lock file {lock})"]) from None
    except NotALock:
        raise BatchError([f"{lock} exists and is not a lock file of cxm batch; move it away or choose "
                          "another OUTPUT"]) from None


def _run(source: Source, output: Path, errors_path: Path, journal: Path, fmt: str, competencies: list[str],
         rule_dirs: tuple[str, ...], *, jobs: int, cluster: str | None, resume: bool, restart: bool,
         progress: Callable[[int], None] | None, on_total: Callable[[int], None] | None) -> Summary:
    """The run itself, under the output's lock."""
    stamp = fingerprint(source, rule_dirs)
    done: set[int] = set()
    if journal.exists() and not (resume or restart):
        raise BatchError([f"{journal}: an interrupted run left its finished rows here; continue it with "
                          "--resume, or start over with --restart"])
    end = 0
    if journal.is_symlink() and not restart:  # a journal is never read or written through a link
        raise BatchError([f"{journal} is a symbolic link; cxm batch does not follow one: remove it, or start "
                          "over with --restart (which removes the link, not what it points to)"])
    if restart and journal.is_symlink():
        journal.unlink()
    if resume and journal.exists():
        done, end = read_journal(journal, stamp)
        with journal.open("r+b") as handle:
            handle.truncate(end)
    if end == 0:
        journal.parent.mkdir(parents=True, exist_ok=True)
        with _Journal(journal, os.O_TRUNC) as handle:
            handle.write(_dump(journals.header(stamp)) + "\n")
    resumed = len(done)
    total = count_rows(source) if on_total is not None or (jobs > 1 and not cluster) else 0
    if on_total is not None:
        on_total(total)
        if progress is not None and resumed:
            progress(resumed)
    left = total - sum(1 for r in done if 1 <= r <= total)  # rows to do (when counted)
    used = 1 if cluster else workers(jobs, left)
    todo = Chunks(source, rule_dirs, frozenset(done), count=-(-left // CHUNK))
    if cluster:
        runner: Runner = run_dask(cluster)
    elif used > 1:
        runner = run_pool(used)
    else:
        runner = run_here
    with _sigterm_interrupts(journal), _Journal(journal, os.O_APPEND) as handle, \
            contextlib.closing(runner(todo)) as results_of:
        for rows, lines in results_of:
            handle.write(lines)
            if progress is not None and rows:
                progress(rows)
    changed = fingerprint(source, rule_dirs) != stamp  # the input was edited while it was read
    assessed, errors, warned = finish(journal, output, errors_path, fmt, competencies)
    return Summary(assessed, errors, resumed, output, errors_path if errors else None, used, warned=warned,
                   input_changed=changed)
