"""The batch's local worker processes (issue 16): forked warm only from a single-threaded process, answers in
order, a dead worker an error (not a wait), a forked worker holding neither the output's lock nor another
worker's pipe, and a worker reading its own rows exactly as the parent would have sent them."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass

import pytest

from cxm.engine.services import batch, workers
from cxm.facts import tabular
from tests.conftest import ROOT


@dataclass
class Squares:
    """A job: chunk n is n * n, after a pause that makes later chunks finish first."""

    die_at: int = -1
    fail_at: int = -1

    def prepare(self) -> None:
        pass

    def __call__(self, index: int) -> int:
        if index == self.die_at:
            os._exit(3)
        if index == self.fail_at:
            raise tabular.TableError(["in.csv: cannot read the input: gone", "second problem"])
        time.sleep(0.02 * (index % 3))
        return index * index


def test_answers_come_in_order() -> None:
    assert list(workers.ordered(Squares(), 3, 20)) == [n * n for n in range(20)]


@dataclass
class Where:
    """A job: which process did chunk n; chunk 0 ends only once chunk 2 is done (or after 30 s)."""

    flag: str

    def prepare(self) -> None:
        pass

    def __call__(self, index: int) -> int:
        if index == 0:
            deadline = time.monotonic() + 30
            while not os.path.exists(self.flag) and time.monotonic() < deadline:
                time.sleep(0.01)
        if index == 2:
            open(self.flag, "w").close()
        return os.getpid()


def test_the_last_chunks_go_to_an_idle_worker_not_a_busy_one(tmp_path) -> None:
    first, second, last = workers.ordered(Where(str(tmp_path / "chunk-2-done")), 2, 3)
    assert first != second and last == second  # not queued behind chunk 0, which waits for it


def test_a_worker_that_dies_is_an_error_not_a_wait() -> None:
    with pytest.raises(workers.WorkerDied, match=r"ended unexpectedly \(exit code 3\)"):
        list(workers.ordered(Squares(die_at=5), 2, 20))


def test_an_error_in_a_worker_is_raised_in_the_parent_with_its_problems() -> None:
    with pytest.raises(tabular.TableError) as caught:
        list(workers.ordered(Squares(fail_at=4), 2, 20))
    assert caught.value.problems == ["in.csv: cannot read the input: gone", "second problem"]


def test_a_table_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(batch.BatchError(["a", "b"])))
    assert type(error) is batch.BatchError and error.problems == ["a", "b"] and str(error) == "a\nb"


def test_fork_only_from_a_single_thread() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers.start_method() != "fork"
    finally:
        stop.set()
        thread.join()
    script = "from cxm.engine.services import workers; print(workers.start_method(), workers.threads())"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.split() == ["fork", "1"], proc.stderr


FORKED = textwrap.dedent("""
    import os, sys
    from dataclasses import dataclass
    from pathlib import Path
    from cxm.engine.base.lock import exclusive, held
    from cxm.engine.services import workers

    @dataclass
    class Open:
        fds: tuple
        def prepare(self):
            pass
        def __call__(self, index):
            def is_open(fd):
                try:
                    os.fstat(fd)
                    return True
                except OSError:
                    return False
            return [is_open(fd) for fd in self.fds]

    assert workers.start_method() == "fork"
    with exclusive(Path(sys.argv[1])):
        (lock,) = held()
        print(list(workers.ordered(Open((lock,)), 2, 4)))
""")


def test_a_forked_worker_does_not_hold_the_lock(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", FORKED, str(tmp_path / "out.lock")], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[[False], [False], [False], [False]]\n"


def test_a_worker_reads_the_chunks_the_parent_would_have_sent(tmp_path) -> None:
    from bench import profiles

    source = tabular.open_source(profiles.write(tmp_path / "in.csv", 3 * batch.CHUNK + 5))
    todo = batch.Chunks(source, (), frozenset({2, 70, 71}))
    expected = [batch.assess_chunk(source, (), rows) for rows in todo]
    assert [n for n, _ in expected] == [batch.CHUNK] * 3 + [2]
    worker = batch.Chunks(source, (), frozenset({2, 70, 71}))  # asked for some chunks only, in order
    assert [worker(1), worker(3), worker(4)] == [expected[1], expected[3], (0, "")]
