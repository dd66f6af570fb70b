"""The ``cxm`` process's standard streams: every byte written or an error, and no traceback for a character
the terminal cannot show.

- A write to stdout that is cut short (``ulimit -f``, a full disk) is retried until the system refuses it with
  an error (``OSError``, reported by :mod:`cxm.cli.errors` as "cannot write the output", exit 1). Python's own
  buffered stdout counts a short write as done and drops the rest without a word.
- A terminal in Latin-1 or KOI8-R cannot encode every character of the output (Cyrillic, dashes, quotes): such
  a character is shown as ``?``. On UTF-8, a file name byte that is not UTF-8 (a lone surrogate) is written as
  ``\\udcNN``, never as a byte that would make the output invalid UTF-8.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys


class _Complete(io.RawIOBase):
    """A file descriptor whose writes are complete or fail (a short write is continued)."""

    def __init__(self, fd: int):
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            done += os.write(self._fd, view[done:])  # a refused write raises (EFBIG, ENOSPC, EIO)
        return done

    def close(self) -> None:  # the descriptor is the process's stdout: it stays open
        super().close()


def _errors(encoding: str) -> str:
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    return "backslashreplace" if utf8 else "replace"


def install() -> None:
    """Set up stdout and stderr as described above (for the ``cxm`` script, not in-process test runs)."""
    out = sys.stdout
    with contextlib.suppress(AttributeError, ValueError, OSError, io.UnsupportedOperation):
        encoding = out.encoding or "utf-8"
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(_Complete(out.fileno())),
            encoding=encoding,
            errors=_errors(encoding),
            line_buffering=out.line_buffering,
            write_through=False,
        )
    err = sys.stderr
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
        err.reconfigure(errors=_errors(err.encoding or "utf-8"))
