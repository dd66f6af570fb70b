"""The files a batch run keeps beside its output: the journal (``OUTPUT.partial``; its lines are checked by
:mod:`~cxm.engine.services.journal`) with the stamp of the input it belongs to, and the lock file."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from cxm.engine.base.errors import EngineError
from cxm.engine.services import journal as journals
from cxm.facts.tabular import Source

JOURNAL_VERSION = journals.VERSION


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


class JournalFile:
    """The journal opened for writing, never through a symbolic link; each write is whole or an error (a short
    write, on a full disk or past ``ulimit -f``, is continued until the system refuses it), and an error
    names the journal and --resume: the rows written before it are kept there."""

    def __init__(self, path: Path, flag: int):
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | flag, 0o644)

    def __enter__(self) -> JournalFile:
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
            raise EngineError(
                f"cannot write the journal {self.path}: {exc.strerror or exc}; the rows finished "
                "before are kept in it: make room and continue with --resume"
            ) from None


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def lock_path(output: Path) -> Path:
    return output.with_name(output.name + ".lock")
