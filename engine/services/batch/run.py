"""One batch run from start to end: the files checked, the output locked, the journal opened or resumed, the
chunks run, OUTPUT written (see the package's docstring)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxm.engine.base.atomic import special
from cxm.engine.base.lock import Locked, NotALock, exclusive
from cxm.engine.base.paths import check_writable, clashes
from cxm.engine.services import journal as journals
from cxm.engine.services.batch.errors import BatchError, Interrupted
from cxm.engine.services.batch.files import JournalFile, fingerprint, journal_path, lock_path, read_journal
from cxm.engine.services.batch.output import finish, output_format, writer
from cxm.engine.services.batch.records import dump
from cxm.engine.services.batch.rows import CHUNK, engine_for, rule_folders
from cxm.engine.services.batch.runners import Chunks, runner, workers
from cxm.facts.tabular import Source, count_rows, open_source

NAME_MAX = 255  # the longest file name (bytes) of the usual file systems


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


def _check_files(input_path: Path, output: Path, errors_path: Path, journal: Path, lock: Path) -> None:
    """Five different files, names that fit, OUTPUT and the errors file writable: or the run does not start."""
    same = clashes(
        [
            ("INPUT", input_path),
            ("OUTPUT", output),
            ("the errors file", errors_path),
            ("the journal", journal),
            ("the lock file", lock),
        ]
    )
    if same:
        raise BatchError(same)
    too_long = [p.name for p in (journal, lock, errors_path) if len(os.fsencode(p.name)) > NAME_MAX]
    if too_long:  # a legal OUTPUT name leaves no room for the files a run keeps beside it
        raise BatchError(
            [
                f"{output}: the name is too long for the files a run keeps beside it (such as "
                f"{too_long[0][-24:]!r} at the end); give a name of at most {NAME_MAX - 11} bytes"
            ]
        )
    for path in (output, errors_path):  # before any work: a run never ends unable to write one of them
        if not special(path):
            check_writable(path)


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
    """Assess every row of ``input_path`` into ``output``; see the package's docstring."""
    fmt = output_format(output, output_fmt)
    errors_path = errors_path or output.with_name(output.name + ".errors.txt")
    journal, lock = journal_path(output), lock_path(output)
    _check_files(input_path, output, errors_path, journal, lock)
    source = open_source(input_path, input_format, delimiter)  # a CSV's delimiter: detected when None
    rule_dirs = rule_folders(rules)
    competencies: list[str] = []
    if writer(fmt).columns:  # the level columns; also checks the rule folders before any work starts
        competencies = [c.id for c in engine_for(rule_dirs).kb.competencies]
    try:
        with exclusive(lock):
            return _run(
                source,
                output,
                errors_path,
                journal,
                fmt,
                competencies,
                rule_dirs,
                jobs=jobs,
                cluster=cluster,
                resume=resume,
                restart=restart,
                progress=progress,
                on_total=on_total,
            )
    except Locked as exc:
        who = f"process {exc.holder}" if exc.holder else "another process"
        raise BatchError([f"{output} is being written by {who} (lock file {lock})"]) from None
    except NotALock:
        raise BatchError(
            [f"{lock} exists and is not a lock file of cxm batch; move it away or choose another OUTPUT"]
        ) from None


def _open_journal(journal: Path, stamp: str, *, resume: bool, restart: bool) -> set[int]:
    """The journal ready to append to: a new one (its header written), or the rows a resumed one keeps."""
    done: set[int] = set()
    if journal.exists() and not (resume or restart):
        raise BatchError(
            [
                f"{journal}: an interrupted run left its finished rows here; continue it with "
                "--resume, or start over with --restart"
            ]
        )
    end = 0
    if journal.is_symlink() and not restart:  # a journal is never read or written through a link
        raise BatchError(
            [
                f"{journal} is a symbolic link; cxm batch does not follow one: remove it, or start "
                "over with --restart (which removes the link, not what it points to)"
            ]
        )
    if restart and journal.is_symlink():
        journal.unlink()
    if resume and journal.exists():
        done, end = read_journal(journal, stamp)
        with journal.open("r+b") as handle:
            handle.truncate(end)
    if end == 0:
        journal.parent.mkdir(parents=True, exist_ok=True)
        with JournalFile(journal, os.O_TRUNC) as handle:
            handle.write(dump(journals.header(stamp)) + "\n")
    return done


def _run(
    source: Source,
    output: Path,
    errors_path: Path,
    journal: Path,
    fmt: str,
    competencies: list[str],
    rule_dirs: tuple[str, ...],
    *,
    jobs: int,
    cluster: str | None,
    resume: bool,
    restart: bool,
    progress: Callable[[int], None] | None,
    on_total: Callable[[int], None] | None,
) -> Summary:
    """The run itself, under the output's lock."""
    stamp = fingerprint(source, rule_dirs)
    done = _open_journal(journal, stamp, resume=resume, restart=restart)
    resumed = len(done)
    total = count_rows(source) if on_total is not None or (jobs > 1 and not cluster) else 0
    if on_total is not None:
        on_total(total)
        if progress is not None and resumed:
            progress(resumed)
    left = total - sum(1 for r in done if 1 <= r <= total)  # rows to do (when counted)
    used = 1 if cluster else workers(jobs, left)
    todo = Chunks(source, rule_dirs, frozenset(done), count=-(-left // CHUNK))
    with (
        _sigterm_interrupts(journal),
        JournalFile(journal, os.O_APPEND) as handle,
        contextlib.closing(runner(used, cluster)(todo)) as results_of,  # type: ignore[type-var]
    ):
        for rows, lines in results_of:
            handle.write(lines)
            if progress is not None and rows:
                progress(rows)
    changed = fingerprint(source, rule_dirs) != stamp  # the input was edited while it was read
    assessed, errors, warned = finish(journal, output, errors_path, fmt, competencies)
    return Summary(
        assessed, errors, resumed, output, errors_path if errors else None, used, warned=warned, input_changed=changed
    )
