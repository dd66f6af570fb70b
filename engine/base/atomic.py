"""Write files atomically: a failure leaves the old file, or none, never half a file.

A device node, a FIFO or a terminal is written to, never replaced; a symbolic link keeps being one (the file
it points to is replaced). A new file gets the mode the umask allows (like ``open``: 0666 less the umask); a
file that is replaced keeps its mode. ``mkstemp`` alone would leave every file private (0600).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def target_mode(target: Path) -> int:
    """The permission bits for ``target``: those of the file it replaces, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def special(path: Path | str) -> bool:
    """``path`` exists and is not a regular file or a folder (a link is followed): a device such as
    ``/dev/null``, a FIFO, a terminal or ``/dev/stdout``. Such an output is written to, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def atomic_open(
    path: Path | str, mode: str = "w", encoding: str | None = "utf-8", *, own: bool = False
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    A device, a FIFO or ``/dev/stdout`` is written to directly (replacing ``/dev/null`` with a file, as root,
    would break the system); a symbolic link stays: the file it points to is replaced. With ``own`` (a file the
    program names itself: a journal, a draft, a cache file, where a link, a FIFO or a device can only have
    been planted), whatever is there is replaced by the new file, and nothing it points to is touched."""
    link = os.path.islink(path)
    if special(path) and not own:
        fd = os.open(path, os.O_WRONLY)  # not truncated: a device has nothing to truncate, a FIFO cannot be
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
        return
    target = Path(os.path.realpath(path)) if link and not own else Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the temporary name is kept short: a legal 250-byte name plus a prefix and a suffix would not be
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, target_mode(target))
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: Path | str, text: str, *, own: bool = False) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_open(path, "w", own=own) as handle:
        handle.write(text)


def write_bytes(path: Path | str, data: bytes, *, own: bool = False) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb", encoding=None, own=own) as handle:
        handle.write(data)
