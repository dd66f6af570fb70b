"""A batch's output: the writers of its formats, one per name (:data:`WRITERS`), and the end of a run, which
writes OUTPUT and the errors file from the journal (:func:`finish`)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxm.engine.base.atomic import atomic_open
from cxm.engine.services.batch.errors import BatchError
from cxm.engine.services.batch.records import dump
from cxm.facts.tabular import by_suffix

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet will not run: one that begins like a formula gets a ``'`` first (OWASP)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(cells: Sequence[Any]) -> str:
    """One CSV record ending in a line feed, every cell holding a line feed or a carriage return quoted (``csv``
    quotes only the characters of its line terminator: a bare CR in a name would split the record in a
    spreadsheet, and what follows it would land in column A)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2] + "\n"


def csv_line(record: dict[str, Any], competencies: Sequence[str]) -> list[Any]:
    return [
        record["row"],
        spreadsheet_safe(record["company"]),
        record["stage"],
        *(record["levels"].get(c, "") for c in competencies),
        ";".join(record["recommendations"]),
        ";".join(record["held_back"]),
        spreadsheet_safe(" | ".join(record["warnings"])),
    ]


def _csv_header(competencies: Sequence[str]) -> str:
    return csv_text(
        ["row", "company", "stage", *(f"level.{c}" for c in competencies), "recommendations", "held_back", "warnings"]
    )


@dataclass(frozen=True)
class Writer:
    """How one output format writes a batch's records: the text before the first record, then one text per
    record, each given the competencies (in rule-base order) that a format with level columns needs."""

    name: str
    header: Callable[[Sequence[str]], str]
    line: Callable[[dict[str, Any], Sequence[str]], str]
    columns: bool = False  # whether the format has a column per competency (the rule base is then read first)


WRITERS: dict[str, Writer] = {
    w.name: w
    for w in (
        Writer("jsonl", lambda competencies: "", lambda record, competencies: dump(record) + "\n"),
        Writer("csv", _csv_header, lambda record, competencies: csv_text(csv_line(record, competencies)), columns=True),
    )
}
"""The batch output formats by name: JSON Lines (one record per line, as the journal holds it) and CSV."""


def writer(name: str) -> Writer:
    """The writer of output format ``name`` (one of :data:`WRITERS`)."""
    try:
        return WRITERS[name]
    except KeyError:
        raise BatchError([f"{name!r} is not an output format of cxm batch; use {' or '.join(WRITERS)}"]) from None


def output_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    if kind := by_suffix(path):
        return kind
    raise BatchError([f"{path}: cannot tell the output format from the name; use .jsonl or .csv (or --format)"])


def finish(
    journal: Path, output: Path, errors_path: Path, fmt: str, competencies: Sequence[str]
) -> tuple[int, int, int]:
    """Produce OUTPUT and the errors file from the journal (in input order), atomically; delete the journal.

    Streams: one journal line at a time is held; a row the journal holds twice is written once. With no
    bad row, an errors file left by an earlier run is emptied (so that it does not mislead), never deleted.
    Returns (rows assessed, rows in error, rows assessed with warnings).
    """
    form = writer(fmt)
    assessed = failed = warned = 0
    errors: list[str] = []
    seen: set[int] = set()
    with journal.open(encoding="utf-8") as handle, atomic_open(output, "w", encoding="utf-8") as out:
        next(handle, None)
        out.write(form.header(competencies))
        for line in handle:
            entry = json.loads(line)
            if entry["row"] in seen:
                continue
            seen.add(entry["row"])
            record = entry.get("record")
            if record is None:
                failed += 1
                errors.extend(entry["errors"])
                continue
            warned += bool(record["warnings"])
            assessed += 1
            out.write(form.line(record, competencies))
    if errors or errors_path.exists():
        with atomic_open(errors_path, "w", encoding="utf-8") as out:
            out.write("".join(text + "\n" for text in errors))
    os.unlink(journal)
    return assessed, failed, warned
