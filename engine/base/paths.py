"""Do two names point at one file? Used to refuse a command whose output would overwrite its input."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def same_file(a: Path | str, b: Path | str) -> bool:
    """``a`` and ``b`` name the same file: the same path once symbolic links are resolved, or the same inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links, bind mounts
    except OSError:  # one of them does not exist yet
        return False


def clashes(named: Sequence[tuple[str, Path | str | None]]) -> list[str]:
    """A message for each pair of ``(role, path)`` that names the same file (a role without a path is skipped)."""
    given = [(role, path) for role, path in named if path is not None]
    out = []
    for i, (role_a, a) in enumerate(given):
        for role_b, b in given[i + 1 :]:
            if same_file(a, b):
                out.append(f"{role_a} {a} and {role_b} {b} are the same file; give different names")
    return out


def check_writable(path: Path | str) -> None:
    """Raise ``OSError`` naming the folder unless ``path`` can be created or replaced there (checked before any
    work starts, so that a run does not end with its output written and its errors file impossible)."""
    import errno

    folder = Path(os.path.realpath(path)).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "cannot write in this folder", str(folder))
