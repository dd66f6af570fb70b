"""Where a batch's chunks run: here, in local worker processes (:mod:`~cxm.engine.services.workers`), or on a
Dask cluster; each runner yields, in input order, each chunk's row count and journal lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cxm.engine.base.errors import EngineError
from cxm.engine.services.batch.errors import BatchError
from cxm.engine.services.batch.records import journal_lines
from cxm.engine.services.batch.rows import CHUNK, assess_rows, chunks, warm
from cxm.facts.tabular import RawRow, Source, read_rows


def assess_chunk(source: Source, rules: Sequence[str], rows: Sequence[RawRow]) -> tuple[int, str]:
    """Assess a chunk of rows: how many, and their journal lines (what a worker sends back: one string)."""
    return len(rows), journal_lines(assess_rows(source, rules, rows))


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


def workers(jobs: int, rows: int) -> int:
    """The worker processes worth starting: at most one per chunk of rows, at least one."""
    return max(1, min(jobs, -(-rows // CHUNK)))


def runner(jobs: int, cluster: str | None) -> Runner:
    """The runner for ``jobs`` worker processes (:func:`workers` of them worth starting), or a cluster."""
    if cluster:
        return run_dask(cluster)
    if jobs > 1:
        return run_pool(jobs)
    return run_here
