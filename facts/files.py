"""Inputs are checked before they are read: a device node, a FIFO or a socket is refused (``/dev/zero`` never
ends, a FIFO waits for ever), and so is a file larger than the input can be. Lines are read with a bound, so
a file without line breaks is never held whole.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO


class NotAFile(ValueError):
    """The input cannot be read as a file; the message says why (without the file's name)."""


def check_file(path: Path | str, limit: int | None = None) -> int:
    """The size of ``path`` when it is a regular file (a link to one is followed) of at most ``limit`` bytes;
    otherwise :class:`NotAFile`. ``OSError`` when it cannot be looked at (missing, no permission)."""
    mode = os.stat(path)
    if stat.S_ISDIR(mode.st_mode):
        raise NotAFile("is a folder, not a file")
    if not stat.S_ISREG(mode.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode.st_mode) else "a socket" if stat.S_ISSOCK(mode.st_mode) else "a device"
        raise NotAFile(f"is {kind}, not a regular file; give a file")
    if limit is not None and mode.st_size > limit:
        raise NotAFile(f"is larger than {limit:,} bytes ({mode.st_size:,}); nothing was read")
    return mode.st_size


class LineTooLong(Exception):
    """A line longer than the limit (already skipped: the next line can be read)."""


class Lines:
    """The lines of a text file, each at most ``limit`` characters: iterating gives them one by one and raises
    :class:`LineTooLong` for a longer line, which is skipped in pieces, never held whole; iteration can go
    on after it (``csv.reader`` reads its records from this). ``number``: the lines given so far."""

    def __init__(self, handle: IO[str], limit: int):
        self.handle, self.limit, self.number = handle, limit, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = self.handle.readline(self.limit + 1)
        if not text:
            raise StopIteration
        self.number += 1
        if len(text) <= self.limit or text.endswith("\n"):
            return text
        while text and not text.endswith("\n"):  # the rest of the long line, a piece at a time
            text = self.handle.readline(1 << 20)
        raise LineTooLong(f"the line is longer than {self.limit:,} characters")
