"""The journal of a batch run (``OUTPUT.partial``): a header line, then one JSON line per finished row.

Reading it back for ``--resume`` trusts nothing: every line is checked, a torn last line (a run killed
while writing it) is dropped, a damaged line before it is a located error, and a row the journal holds
twice is kept once (twice with different contents is an error).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cxm.engine.base.errors import ProblemsError

VERSION = 2  # 2: a record holds its "warnings"


class JournalError(ProblemsError):
    """The journal cannot be used: every problem, located ``FILE:LINE``."""


def header(stamp: str) -> dict[str, Any]:
    return {"journal": VERSION, "input": stamp}


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _is_record(record: Any, row: int) -> bool:
    return (
        isinstance(record, dict)
        and record.get("row") == row
        and isinstance(record.get("company"), str)
        and isinstance(record.get("stage"), str)
        and isinstance(record.get("levels"), dict)
        and all(isinstance(k, str) and type(v) is int for k, v in record["levels"].items())
        and _strings(record.get("recommendations"))
        and _strings(record.get("held_back"))
        and _strings(record.get("warnings"))
    )


def entry_problem(entry: Any) -> str | None:
    """Why a journal line is not a finished row, or None when it is one."""
    if not isinstance(entry, dict):
        return "not a JSON object"
    row = entry.get("row")
    if type(row) is not int or row < 1:
        return "no row number"
    if set(entry) == {"row", "record"}:
        return None if _is_record(entry["record"], row) else f"row {row}: not a result record"
    if set(entry) == {"row", "errors"}:
        return None if _strings(entry["errors"]) and entry["errors"] else f"row {row}: not a list of errors"
    return f"row {row}: unexpected keys {sorted(entry)}"


def read(path: Path, stamp: str) -> tuple[dict[int, int], int]:
    """The rows a journal holds (row -> its line) and the byte length of the part to keep.

    Raises :class:`JournalError` for a journal of another input, or a damaged line before the last.
    """
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1  # what follows the last line break is a torn line: dropped
    lines = data[:end].split(b"\n")[:-1]
    if not lines:
        return {}, 0
    try:
        head = json.loads(lines[0])
    except ValueError:
        head = None
    if head != header(stamp):
        raise JournalError(
            [f"{path}: this journal belongs to another input or rule set; run with --restart to start over"]
        )
    rows: dict[int, int] = {}
    digests: dict[int, bytes] = {}
    for number, line in enumerate(lines[1:], 2):
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            entry = None
        problem = "not JSON" if entry is None else entry_problem(entry)
        if problem is not None:
            raise JournalError(
                [f"{path}:{number}: the journal is damaged ({problem}); run with --restart to start over"]
            )
        row = entry["row"]
        digest = hashlib.blake2b(line, digest_size=16).digest()
        if row in rows and digests[row] != digest:
            raise JournalError(
                [
                    f"{path}:{number}: the journal is damaged (row {row} again, unlike line "
                    f"{rows[row]}); run with --restart to start over"
                ]
            )
        rows.setdefault(row, number)
        digests.setdefault(row, digest)
    return rows, end
