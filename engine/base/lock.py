"""An exclusive lock on an output for the length of a run, so that two runs never write one file at once."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

_HELD: set[int] = set()  # the descriptors of the locks this process holds


def held() -> frozenset[int]:
    """The file descriptors of the locks :func:`exclusive` holds in this process: a forked worker closes them,
    so that the lock goes with the run's own process and no other."""
    return frozenset(_HELD)


class NotALock(Exception):
    """A file of that name exists and is not a lock file (it holds something other than a process id)."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path} exists and is not a lock file")


class Locked(Exception):
    """Another process holds the lock: its process id (None when it has not written it yet)."""

    def __init__(self, path: Path, holder: int | None):
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is locked by process {holder}")


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold ``path`` (a lock file holding the holder's process id) locked with ``flock``; raise :class:`Locked`,
    or :class:`NotALock` when a file of that name holds anything but a process id.

    The lock file is removed when the block ends. The lock goes with the process: a killed run leaves
    a lock file that the next run simply takes over.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        try:  # a link is never followed: a planted one would have its target rewritten with the PID
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise NotALock(path) from None
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise Locked(path, int(text) if text.isdigit() else None) from None
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = -1
        if current == os.fstat(fd).st_ino:
            break
        os.close(fd)  # the holder removed the file after we opened it: lock the new one
    left = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    if left and not left.isdigit():  # someone else's file: neither overwritten nor removed
        os.close(fd)
        raise NotALock(path)
    _HELD.add(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        _HELD.discard(fd)
        os.close(fd)
