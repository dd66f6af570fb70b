"""Companies in tables: a CSV file, a JSON Lines file or a folder of facts files, read row by row into facts
documents (located like any facts file), for batch runs.

- CSV: a header of fact paths (``company.name``, ``company.markets.b2b``, ... see
  :func:`~cxm.facts.vocabulary.input_fields`), one company per record. A list value is ``;``-separated
  (``hospitality;finance``, ``self_assessment.brand`` as ``3;3;2;4;3``); a yes/no value is ``true`` or
  ``false``; an empty cell leaves the field out (its default applies).
- JSON Lines: one facts mapping per line (blank lines are skipped).
- A folder: every ``*.yaml``, ``*.yml`` and ``*.json`` file in it, in sorted name order.

A CSV or JSON Lines file may begin with a byte-order mark. A byte that is not UTF-8, or a CSV cell
longer than :data:`FIELD_LIMIT`, is the error of its row alone, located at its line (and column).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxm.facts.errors import ProblemsError
from cxm.facts.files import Lines, LineTooLong, NotAFile, check_file
from cxm.facts.source import MAX_BYTES, Document, Path_, Problem, SourceError

FOLDER_SUFFIXES = (".yaml", ".yml", ".json")
ENCODING = "utf-8-sig"  # UTF-8; a byte-order mark at the start (Excel writes one) is skipped
FIELD_LIMIT = 1_000_000  # the longest CSV cell, in characters (a longer one is that row's error)
LINE_LIMIT = MAX_BYTES  # the longest line, in characters (a longer one is that row's error, never held whole)
_BAD_BYTE = re.compile("[\udc80-\udcff]")  # an undecodable byte, kept by the "surrogateescape" handler


def _bad_byte(char: str) -> str:
    return f"invalid UTF-8 byte 0x{ord(char) - 0xDC00:02x} (save the file as UTF-8)"


@dataclass(frozen=True)
class Unreadable:
    """A row the reader could not split into cells (a cell over :data:`FIELD_LIMIT`): its error."""

    col: int
    message: str


class CellErrors(SourceError):
    """Cells of a CSV record that could not be converted, and the record's document without them: the row's
    other fields can still be checked, so that every error of the row is reported at once."""

    def __init__(self, problems: list[Problem], doc: Document, skipped: frozenset[str] = frozenset()):
        super().__init__(problems)
        self.doc = doc
        self.skipped = skipped | {p.field for p in problems}
        """The fields left out of ``doc`` (bad or absent cells): not reported again as missing."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (SourceError, (self.problems,))


class TableError(ProblemsError):
    """The input cannot be read at all (unreadable file, unknown format, bad header): every problem."""


@dataclass(frozen=True)
class RawRow:
    """One company as read from the input, not yet converted or validated (cheap to send to a worker)."""

    row: int
    line: int
    data: Any  # CSV: list of cells (or Unreadable); JSONL: the line's text; folder: (absolute path, path as given)


@dataclass(frozen=True)
class Source:
    """An input: its kind, its file, and what a worker needs to read its rows (the CSV header)."""

    kind: str  # "csv" | "jsonl" | "folder"
    path: str
    header: tuple[str, ...] = ()
    delimiter: str = ","  # CSV: ",", ";" or a tab (see :mod:`cxm.facts.delimiter`)


def by_suffix(path: Path) -> str | None:
    """``csv`` or ``jsonl`` from a file name, or None."""
    suffix = path.suffix.lower()
    return "csv" if suffix == ".csv" else "jsonl" if suffix in (".jsonl", ".ndjson", ".json") else None


def input_kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    if kind := by_suffix(path):
        return kind
    raise TableError(
        [f"{path}: cannot tell the input format from the name; use .csv, .jsonl or a folder (or --input-format)"]
    )


def open_source(path: Path, kind: str | None = None, delimiter: str | None = None) -> Source:
    """Check the input and read what every row needs (the CSV header, its delimiter: ``delimiter``, else the one
    :func:`~cxm.facts.delimiter.detect` finds); raises :class:`TableError`."""
    from cxm.facts.delimiter import detect

    kind = kind or input_kind(path)
    if kind == "folder":
        if not path.is_dir():
            raise TableError([f"{path}: not a folder"])
        return Source("folder", str(path))
    try:
        check_file(path)  # a device or a FIFO is never read (/dev/zero would not end)
        with _open(path) as handle:
            if kind == "csv":
                delimiter = delimiter or detect(handle.readline(LINE_LIMIT))
                handle.seek(0)
            first = (
                next(csv.reader(Lines(handle, LINE_LIMIT), delimiter=delimiter or ","), None) if kind == "csv" else None
            )
    except NotAFile as exc:
        raise TableError([f"{path}: the input {exc}"]) from None
    except (OSError, csv.Error, LineTooLong) as exc:
        raise TableError([f"{path}: cannot read the input: {getattr(exc, 'strerror', None) or exc}"]) from None
    if kind == "jsonl":
        return Source("jsonl", str(path))
    if not first:
        raise TableError([f"{path}:1:1: the CSV file has no header"])
    delimiter = delimiter or ","
    return Source("csv", str(path), check_header(str(path), first, delimiter), delimiter)


def _open(path: Path) -> Any:
    """The input as text: an undecodable byte is kept (as a lone surrogate) so that its row can say where."""
    csv.field_size_limit(FIELD_LIMIT)
    return path.open(encoding=ENCODING, errors="surrogateescape", newline="")


def check_header(file: str, header: list[str], delimiter: str = ",") -> tuple[str, ...]:
    """Every column must name an input fact path, once (an unknown one says why it may be unknown)."""
    from cxm.facts.delimiter import hint
    from cxm.facts.validation import suggest
    from cxm.facts.vocabulary import input_fields

    fields = input_fields()
    problems, seen = [], set()
    for col, name in enumerate(header, 1):
        if bad := _BAD_BYTE.search(name):
            problems.append(f"{file}:1:{col}: {_bad_byte(bad.group())}")
        elif name not in fields:
            problems.append(f"{file}:1:{col}: unknown column {name!r}{hint(name, delimiter) or suggest(name, fields)}")
        elif name in seen:
            problems.append(f"{file}:1:{col}: column {name!r} appears twice")
        seen.add(name)
    if problems:
        raise TableError(problems)
    return tuple(header)


def read_rows(source: Source) -> Iterator[RawRow]:
    """The input's rows in order (lazily: only one chunk is ever held); unreadable input is a TableError."""
    try:
        yield from _read_rows(source)
    except (csv.Error, UnicodeDecodeError, OSError) as exc:
        raise TableError([f"{source.path}: cannot read the input: {exc}"]) from None


def _read_rows(source: Source) -> Iterator[RawRow]:
    path = Path(source.path)
    if source.kind == "folder":
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file())
        for n, p in enumerate(files, 1):  # the absolute path to read (on any worker), the path to show
            yield RawRow(n, 1, (str(p.resolve()), str(p)))
        return
    with _open(path) as handle:
        lines = Lines(handle, LINE_LIMIT)
        if source.kind == "jsonl":
            n = 0
            while True:
                try:
                    text: Any = next(lines)
                except StopIteration:
                    return
                except LineTooLong as exc:  # the row's error; the line was skipped, not held
                    text = Unreadable(1, str(exc))
                if isinstance(text, Unreadable) or text.strip():
                    n += 1
                    yield RawRow(n, lines.number, text)
        reader = csv.reader(lines, delimiter=source.delimiter)
        next(reader, None)
        start, n = lines.number + 1, 0
        while True:
            try:
                cells: list[str] | Unreadable = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # this record cannot be split into cells; the next line starts afresh
                cells = Unreadable(1, f"cannot read the record: {exc}")
            except LineTooLong as exc:
                cells = Unreadable(1, f"cannot read the record: {exc}")
            if cells:  # a blank line is no row
                n += 1
                yield RawRow(n, start, cells)
            start = lines.number + 1


def count_rows(source: Source) -> int:
    """How many rows :func:`read_rows` will give (for the progress bar)."""
    return sum(1 for _ in read_rows(source))


_INT = re.compile(r"^[+-]?\d+$")


def cell(spec: Any, text: str) -> Any:
    """A CSV cell as the value the facts model expects; ValueError with a message when it cannot be."""
    kind = spec.kind
    if kind == "list":
        items = [x.strip() for x in text.split(";")]
        if any(x == "" for x in items):
            raise ValueError(f"empty item in the list {text!r} (separate items with ';')")
        return [int(x) if spec.item == "int" and _INT.match(x) else x for x in items]
    text = text.strip() if kind != "text" else text
    if kind == "bool":
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        raise ValueError(f"expected true or false, got {text!r}")
    if kind == "int":
        if _INT.match(text):
            return int(text)
        raise ValueError(f"expected a whole number, got {text!r}")
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
    return text


def csv_document(file: str, header: Sequence[str], line: int, cells: list[str] | Unreadable) -> Document:
    """A CSV record as a facts document: nested values, each located at its column (problems collected)."""
    from cxm.facts.vocabulary import input_fields

    if isinstance(cells, Unreadable):
        raise SourceError([Problem(file, line, cells.col, "(row)", cells.message)])
    fields = input_fields()
    doc = Document(file, {}, {(): (line, 1)}, {(): (line, 1)})
    problems: list[Problem] = []
    if len(cells) != len(header):
        problems.append(Problem(file, line, 1, "(row)", f"expected {len(header)} cells, found {len(cells)}"))
    for col, (name, text) in enumerate(zip(header, cells, strict=False), 1):
        path: Path_ = tuple(name.split("."))
        for i in range(1, len(path) + 1):  # a missing or bad field is reported at its column
            doc.values.setdefault(path[:i], (line, col))
            doc.keys.setdefault(path[:i], (line, col))
        if text == "":
            continue
        if bad := _BAD_BYTE.search(text):
            problems.append(Problem(file, line, col, name, _bad_byte(bad.group())))
            continue
        try:
            value = cell(fields[name], text)
        except ValueError as exc:
            problems.append(Problem(file, line, col, name, str(exc)))
            continue
        node = doc.data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    for i, name in enumerate(header[: len(cells)]):  # list items: located at their column too
        path = tuple(name.split("."))
        value = _get(doc.data, path)
        if isinstance(value, list):
            for j in range(len(value)):
                doc.values[(*path, j)] = (line, i + 1)
    if problems:
        raise CellErrors(problems, doc, frozenset(header[len(cells) :]))
    return doc


def every_problem(exc: CellErrors, validate: Any) -> SourceError:
    """The cells' problems and those of the rest of the row (``validate`` of the document without the bad
    cells); a field reported as missing only because its cell was bad is not reported twice."""
    try:
        validate(exc.doc)
    except SourceError as more:
        return SourceError(
            exc.problems
            + [
                p
                for p in more.problems
                if not (p.kind == "missing" and any(f == p.field or f.startswith(p.field + ".") for f in exc.skipped))
            ]
        )
    return SourceError(exc.problems)


def _get(data: dict[str, Any], path: Path_) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def jsonl_document(file: str, line: int, text: str | Unreadable) -> Document:
    """A JSON Lines record as a facts document, positions on the file's lines (problems too)."""
    from cxm.facts.source import parse_text, strict_json

    if isinstance(text, Unreadable):
        raise SourceError([Problem(file, line, text.col, "(root)", text.message)])
    bad = _BAD_BYTE.search(text)
    if bad:
        raise SourceError([Problem(file, line, bad.start() + 1, "(root)", _bad_byte(bad.group()))])
    strict_json(text, file, line, unit="line")
    doc = parse_text(text, file, first_line=line)
    doc.values.setdefault((), (line, 1))
    if not isinstance(doc.data, dict):  # located here: `validate` would put it on line 1
        raise SourceError([Problem(file, line, 1, "(root)", "expected a mapping of sections (company, ...)")])
    return doc
