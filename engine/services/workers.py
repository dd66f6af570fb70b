"""Worker processes on this machine for a batch run: started warm, sent chunk numbers, answers given in order.

:func:`ordered` computes ``job(0)``, ..., ``job(count - 1)`` in ``jobs`` processes and yields the answers in
that order. Only chunk numbers go to a worker (each reads its own rows, see ``batch.Chunks``), so a message
to a worker is a few bytes and the parent never blocks on one. A worker has up to :data:`AHEAD` chunks, so it
has its next chunk while the parent writes and syncs the journal; the last chunks go only to idle workers,
so that the run does not end with one worker busy on two chunks while the other waits.

How workers start (:func:`start_method`):

- **fork**, when this process runs one thread and no more (on Linux). The job is prepared first (rule base,
  compiled facts validator, durable-rules rulesets in the C core), so every worker starts warm for the
  cost of a fork. Why that is safe: the only danger of fork is another thread holding a lock (of the
  interpreter, malloc, or a C library) at the moment of the fork, and the check counts every thread of the
  process (``/proc/self/task`` on Linux, so threads started by C code count too). durable-rules' C core
  starts no thread (the Python Host's timer threads are never started, see ``runtime/host.py``, and
  batch runs drive the C core directly), and no session is open between assessments, so a child inherits
  rulesets that are whole and no session. SIGINT and SIGTERM are blocked around each fork, so that a signal
  never reaches a child before it has put back the default handlers (SIGINT ignored: Ctrl-C is the
  parent's business; SIGTERM ends it at once). A child closes what it inherited and must not hold: the
  parent's ends of the pipes (its own and the other workers') and the output's lock
  (:func:`cxm.engine.base.lock.held`), so that a killed parent leaves neither a worker waiting for ever (it
  reads the end of its pipe, or fails to send, and stops) nor the lock held.
- **forkserver** otherwise (a process with threads, e.g. a test runner, must not fork): each worker
  imports and prepares the job itself, as before; "spawn" where forkserver does not exist.

A worker that dies (a crash in the C core, the kernel's OOM killer) is :class:`WorkerDied`, never a wait
without end; an exception of the job in a worker is raised in the parent.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from cxm.engine.base.errors import EngineError
from cxm.engine.base.lock import held

AHEAD = 2  # chunks a worker may have: one to work on, one waiting (but see _collect)
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Job(Protocol):
    def prepare(self) -> None:
        """Load what every chunk needs (idempotent: cheap the second time)."""

    def __call__(self, index: int) -> Any:
        """The answer for chunk ``index`` (a worker is sent increasing numbers)."""


def threads() -> int:
    """The threads of this process, those started by C code included (on Linux; elsewhere Python's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def start_method() -> str:
    """ "fork" when this process runs a single thread (on Linux), else "forkserver" (or "spawn"); see the module's
    docstring. Elsewhere, macOS say, system libraries are not safe to fork even so (Python spawns there)."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threads() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _serve(conn: Connection, job: Job, inherited: list[Connection]) -> None:
    """A worker: answer chunk numbers until told to stop (None) or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    for other in inherited:
        other.close()
    for fd in held():
        os.close(fd)
    job.prepare()
    gc.freeze()  # the rule base and the modules are never walked by the collector (nor copied on write)
    while True:
        try:
            index = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if index is None:
            return
        try:
            answer: tuple[str, int, Any] = ("ok", index, job(index))
        except BaseException as exc:  # raised again in the parent; this worker stops
            answer = ("error", index, _portable(exc))
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return
        if answer[0] == "error":
            return


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def ordered(job: Job, jobs: int, count: int, *, preload: tuple[str, ...] = ()) -> Iterator[Any]:
    """``job(0)``, ..., ``job(count - 1)`` computed in ``jobs`` worker processes, in that order.

    ``preload``: modules a forkserver imports before it forks workers (when fork is not safe here).
    """
    job.prepare()  # here first: forked workers inherit it (and then the threads are counted)
    method = start_method()
    ctx: Any = multiprocessing.get_context(method)  # a fork or forkserver context (the stubs say BaseContext)
    forked = method == "fork"
    if method == "forkserver" and preload:
        ctx.set_forkserver_preload(list(preload))
    conns: list[Connection] = []
    procs: list[Any] = []
    try:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS) if forked else None
        try:
            for _ in range(jobs):
                mine, theirs = ctx.Pipe()
                inherited = [*conns, mine] if forked else []  # the parent's ends: a fork copies them all
                proc = ctx.Process(target=_serve, args=(theirs, job, inherited), daemon=True)
                proc.start()
                theirs.close()
                conns.append(mine)
                procs.append(proc)
        finally:
            if mask is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        yield from _collect(conns, procs, count)
        for conn in conns:
            _send(conn, None)
        for proc in procs:
            proc.join(timeout=10)
    finally:
        for proc in procs:
            if proc.exitcode is None:
                proc.terminate()
        for proc in procs:
            proc.join()
        for conn in conns:
            conn.close()


def _collect(conns: list[Connection], procs: list[Any], count: int) -> Iterator[Any]:
    """Send chunk numbers as workers answer; yield the answers in order.

    A worker gets a second chunk to wait in its pipe only while more chunks are left than workers: the last
    ones go to workers with nothing to do, so that none is left with two while another has none.
    """
    sent = 0
    queued = dict.fromkeys(range(len(conns)), 0)  # chunks sent to each worker and not answered

    def feed(worker: int) -> None:
        nonlocal sent
        while sent < count and (queued[worker] == 0 or (queued[worker] < AHEAD and count - sent > len(conns))):
            _send(conns[worker], sent)
            queued[worker] += 1
            sent += 1

    for worker in queued:
        feed(worker)
    answers: dict[int, Any] = {}
    want = 0
    while want < count:
        for conn in wait(conns):
            assert isinstance(conn, Connection)
            worker = conns.index(conn)
            try:
                kind, index, value = conn.recv()
            except (EOFError, OSError):
                raise _died(procs[worker]) from None
            if kind == "error":
                raise value
            answers[index] = value
            queued[worker] -= 1
            feed(worker)  # first the worker's next chunk, then the parent's own work
        while want in answers:
            yield answers.pop(want)
            want += 1


def _send(conn: Connection, message: int | None) -> None:
    """Send a worker a few bytes; one that has just stopped is found out by the next read, not here."""
    with contextlib.suppress(OSError):
        conn.send(message)


class WorkerDied(EngineError):
    """A worker process ended without answering (a crash in the C core, the kernel's OOM killer)."""


def _died(proc: Any) -> WorkerDied:
    proc.join(timeout=5)
    code = proc.exitcode
    how = (
        f"killed by signal {-code}"
        if code is not None and code < 0
        else f"exit code {code}"
        if code is not None
        else "it stopped answering"
    )
    return WorkerDied(f"a worker process ended unexpectedly ({how})")
