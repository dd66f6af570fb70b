"""A self-assessment answered by many: read one row per respondent, aggregate per company.

Columns: the 20 statements as ``<competency>.<n>`` (``leadership.1`` ... ``customers.5``, the five ratings of
``self_assessment.<competency>`` in order), each rated 1 to 5, and optionally ``company``, ``role`` and
``respondent`` (an id, not used in the figures). A bad row (a rating outside 1-5, a missing rating, a missing or
unknown company) is reported at its row and column and left out; the others are used.

Aggregation, per company:

- *rating* of a statement: the median of the respondents' ratings; with an even number of respondents, the
  lower of the two middle ratings (so at least half the respondents rated the statement at or above it);
- *score* of a respondent on a competency: the mean of their five ratings;
- *spread* of a competency: the interquartile range (Q3 - Q1, inclusive method) of the respondents' scores;
- *role median* of a competency: the median score of the respondents with that role;
- *disagreement*: two roles whose medians on a competency differ by 2 or more.

Figures are rounded to 2 decimals for output; comparisons use exact fractions.
"""

from __future__ import annotations

import csv
import functools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from cxm.facts.files import Lines, LineTooLong, NotAFile, check_file
from cxm.facts.source import Problem, SourceError
from cxm.facts.tabular import _BAD_BYTE, FIELD_LIMIT, Unreadable, _bad_byte

COMPETENCIES = ("leadership", "brand", "employees", "customers")
STATEMENTS = tuple(f"{c}.{n}" for c in COMPETENCIES for n in range(1, 6))
OPTIONAL = ("company", "role", "respondent")
GAP = 2  # role medians this far apart are a disagreement
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Characters a name must not hold: controls (a terminal acts on them), bidi and zero-width marks (hidden)."""


class SurveyError(SourceError):
    """Nothing in the responses is usable: every problem found."""


@dataclass(frozen=True)
class Response:
    """One respondent's answers."""

    row: int
    company: str | None
    role: str | None
    ratings: dict[str, int]  # statement -> rating


@dataclass(frozen=True)
class Disagreement:
    """Two roles whose median scores on a competency are :data:`GAP` or more apart."""

    competency: str
    high_role: str
    high: float
    low_role: str
    low: float


@dataclass(frozen=True)
class RoleMedians:
    """A role's respondents and their median score per competency."""

    role: str
    respondents: int
    medians: dict[str, float]


@dataclass(frozen=True)
class Aggregate:
    """The aggregated self-assessment of one company."""

    company: str | None
    respondents: int
    ratings: dict[str, list[int]]  # competency -> five ratings
    spread: dict[str, float]
    roles: list[RoleMedians] = field(default_factory=list)
    disagreement: list[Disagreement] = field(default_factory=list)

    def fragment(self) -> dict[str, Any]:
        """The facts fragment: ``self_assessment`` with the ratings and the ``survey`` figures."""
        survey: dict[str, Any] = {"respondents": self.respondents, "spread": dict(self.spread)}
        if self.roles:
            survey["roles"] = [{"role": r.role, "respondents": r.respondents, **r.medians} for r in self.roles]
        if self.disagreement:
            survey["disagreement"] = [
                {
                    "competency": d.competency,
                    "high_role": d.high_role,
                    "high": d.high,
                    "low_role": d.low_role,
                    "low": d.low,
                }
                for d in self.disagreement
            ]
        return {"self_assessment": {**{c: list(v) for c, v in self.ratings.items()}, "survey": survey}}


# --- reading -------------------------------------------------------------------------------------


MAX_BYTES = 20_000_000  # the largest responses file (CSV, or a workbook's unpacked parts together)
MAX_ROWS = 100_000  # respondents in one file
MAX_COLUMNS = 64  # the widest row read from a workbook (a survey has 23 columns)
MAX_ROLES = 50  # distinct roles of one company (more: the column most likely holds respondent ids)


def read_table(path: Path, delimiter: str | None = None) -> list[tuple[int, list[str] | Unreadable]]:
    """The rows of a CSV or XLSX file as (row number, cells as text), the header first. A record that cannot
    be read (a bad byte, a cell over the field limit) is that row's :class:`Unreadable`, not the file's end. A
    CSV's delimiter is ``delimiter``, else the one :func:`~cxm.facts.delimiter.detect` finds in its header."""
    from cxm.facts.delimiter import HEADER_LIMIT, detect

    try:
        check_file(path, MAX_BYTES)
    except NotAFile as exc:
        raise SurveyError([Problem(str(path), 1, 1, "(file)", f"the file {exc}")]) from None
    except OSError as exc:
        raise SurveyError([Problem(str(path), 1, 1, "(file)", f"cannot read the responses: {exc.strerror}")]) from None
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            delimiter = delimiter or detect(handle.readline(HEADER_LIMIT))
            handle.seek(0)
            return _read_csv(path, handle, delimiter)
    except OSError as exc:
        raise SurveyError([Problem(str(path), 1, 1, "(file)", f"cannot read the responses: {exc}")]) from None


def _read_csv(path: Path, handle: Any, delimiter: str = ",") -> list[tuple[int, list[str] | Unreadable]]:
    csv.field_size_limit(FIELD_LIMIT)
    lines = Lines(handle, FIELD_LIMIT)
    reader = csv.reader(lines, delimiter=delimiter)
    out: list[tuple[int, list[str] | Unreadable]] = []
    start = 1
    while True:
        try:
            cells: list[str] | Unreadable = next(reader)
        except StopIteration:
            return out
        except (csv.Error, LineTooLong) as exc:  # this record alone; the next line starts afresh
            cells = Unreadable(1, f"cannot read the record: {exc}")
        if isinstance(cells, Unreadable) or any(c.strip() for c in cells):
            if len(out) > MAX_ROWS:
                raise SurveyError([Problem(str(path), start, 1, "(file)", f"more than {MAX_ROWS:,} rows")])
            out.append((start, cells))
        start = lines.number + 1


def _unpacked_size(path: Path) -> int:
    """The declared size of a workbook's parts once unpacked (a zip member is never read past it)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def _read_xlsx(path: Path) -> list[tuple[int, list[str] | Unreadable]]:
    try:
        import openpyxl
    except ImportError:
        raise SurveyError(
            [Problem(str(path), 1, 1, "(file)", "reading .xlsx needs openpyxl: pip install 'cx-maturity[xlsx]'")]
        ) from None

    def fail(message: str, row: int = 1) -> SurveyError:
        return SurveyError([Problem(str(path), row, 1, "(file)", message)])

    try:
        unpacked = _unpacked_size(path)
    except Exception as exc:  # not a zip file, a damaged one
        raise fail(f"cannot read the workbook: {exc}") from None
    if unpacked > MAX_BYTES:  # a zip bomb: a shared string of a GiB in a 1 MB file
        raise fail(f"the workbook unpacks to {unpacked:,} bytes, more than {MAX_BYTES:,}; nothing was read")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise fail(f"cannot read the workbook: {exc}") from None
    out: list[tuple[int, list[str]]] = []
    number = 0
    try:
        if not book.worksheets:
            raise fail("the workbook has no worksheet")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared size (A1:XFD1048576) is not trusted: the cells present are read
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise fail(f"more than {MAX_ROWS:,} rows", number)
            cells = ["" if v is None else _text(v) for v in values[:MAX_COLUMNS]]
            while cells and not cells[-1].strip():  # as a CSV row would hold them: no empty cells at the end
                cells.pop()
            if cells:
                out.append((number, cells))
    except SurveyError:
        raise
    except Exception as exc:  # a cell openpyxl cannot read (text in a number cell, a bad formula)
        raise fail(f"cannot read the workbook at row {number + 1}: {exc}", number + 1) from None
    finally:
        book.close()
    width = len(out[0][1]) if out else 0  # a row is as wide as the header, its empty cells at the end included
    return [(n, cells + [""] * (width - len(cells))) for n, cells in out]


def _text(value: Any) -> str:
    """A spreadsheet value as the text a CSV cell would hold (3.0 -> "3")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header(file: str, table: list[tuple[int, list[str] | Unreadable]], delimiter: str) -> list[str]:
    """The header's column names; a bad header raises :class:`SurveyError` with every problem."""
    from cxm.facts.delimiter import hint

    if not table:
        raise SurveyError([Problem(file, 1, 1, "(file)", "no header and no responses")])
    head_row, header = table[0]
    if isinstance(header, Unreadable):
        raise SurveyError([Problem(file, head_row, header.col, "(header)", header.message)])
    names = [h.strip() for h in header]
    problems = []
    for col, name in enumerate(names, 1):
        if name not in STATEMENTS and name not in OPTIONAL:
            problems.append(
                Problem(
                    file,
                    head_row,
                    col,
                    name or "(column)",
                    hint(name, delimiter).strip(" ()")
                    or f"unknown column; expected {STATEMENTS[0]} ... {STATEMENTS[-1]}, {', '.join(OPTIONAL)}",
                )
            )
        elif name in names[: col - 1]:
            problems.append(Problem(file, head_row, col, name, "the column appears twice"))
    problems += [
        Problem(file, head_row, len(names) + 1, s, "missing statement column") for s in STATEMENTS if s not in names
    ]
    if problems:
        raise SurveyError(problems)
    return names


def parse(
    file: str, table: list[tuple[int, list[str] | Unreadable]], known: Sequence[str] | None = None, delimiter: str = ","
) -> tuple[list[Response], list[Problem]]:
    """The usable responses and the problems of the others (each at its row and column).

    ``known``: the companies the responses may name (None: any). A bad header raises :class:`SurveyError`
    (an unknown column names a likely cause: another ``delimiter`` than the one the file was read with).
    """
    names = _header(file, table, delimiter)
    where = {name: i for i, name in enumerate(names)}
    responses: list[Response] = []
    bad: list[Problem] = []
    first: dict[tuple[str | None, str], int] = {}  # (company, respondent id) -> the row it first answered in
    for row, cells in table[1:]:
        found = []
        if isinstance(cells, Unreadable):
            bad.append(Problem(file, row, cells.col, "(row)", cells.message))
            continue
        unreadable = set()  # columns holding a byte that is not UTF-8: reported once, here
        for col, text in enumerate(cells, 1):
            if byte := _BAD_BYTE.search(text):
                found.append(
                    Problem(file, row, col, names[col - 1] if col <= len(names) else "(cell)", _bad_byte(byte.group()))
                )
                unreadable.add(col - 1)

        def cell(name: str, cells: list[str] = cells) -> str:
            i = where[name]
            return cells[i].strip() if i < len(cells) else ""

        if len(cells) != len(names):  # reported, and the cells that are there are checked too
            found.append(Problem(file, row, 1, "(row)", f"expected {len(names)} cells, found {len(cells)}"))
        company = cell("company") if "company" in where and where["company"] not in unreadable else None
        for name in ("company", "role", "respondent"):
            if name in where and (control := _CONTROL.search(cell(name))):
                found.append(
                    Problem(
                        file,
                        row,
                        where[name] + 1,
                        name,
                        f"control or invisible character U+{ord(control.group()):04X} in the {name}",
                    )
                )
        if company == "":
            found.append(Problem(file, row, where["company"] + 1, "company", "missing company"))
        elif company is not None and known is not None and company not in known:
            found.append(
                Problem(
                    file,
                    row,
                    where["company"] + 1,
                    "company",
                    f"unknown company {company!r} (expected {', '.join(map(repr, known))})",
                )
            )
        ratings = {}
        for s in STATEMENTS:
            text = cell(s)
            if where[s] in unreadable or (text == "" and where[s] >= len(cells)):
                continue  # a bad byte, or a cell that is not there (the row's cell count says so)
            if text == "":
                found.append(Problem(file, row, where[s] + 1, s, "missing rating"))
            elif text not in ("1", "2", "3", "4", "5"):
                found.append(Problem(file, row, where[s] + 1, s, f"expected a rating from 1 to 5, got {text!r}"))
            else:
                ratings[s] = int(text)
        if found:
            bad += found
            continue
        respondent = cell("respondent") if "respondent" in where else ""
        if respondent and (company, respondent) in first:
            bad.append(
                Problem(
                    file,
                    row,
                    where["respondent"] + 1,
                    "respondent",
                    f"respondent {respondent!r} already answered at row {first[company, respondent]}"
                    "; this row is left out",
                )
            )
            continue
        if respondent:
            first[company, respondent] = row
        role = cell("role") if "role" in where else ""
        responses.append(Response(row, company, role or None, ratings))
    return responses, bad


# --- aggregation -------------------------------------------------------------------------------


def _round(value: Fraction) -> float:
    return float(round(value, 2))


def _score(r: Response, competency: str) -> Fraction:
    return Fraction(sum(r.ratings[f"{competency}.{n}"] for n in range(1, 6)), 5)


def _iqr(values: list[Fraction]) -> Fraction:
    if len(values) < 2:
        return Fraction(0)
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Fraction(q3) - Fraction(q1)


def _rank(exact: dict[str, dict[str, Fraction]], competency: str, role: str) -> tuple[Fraction, str]:
    """A role's place when roles are ordered by their median on ``competency``, highest first, then by name."""
    return -exact[role][competency], role


def aggregate_one(company: str | None, responses: list[Response], file: str = "<responses>") -> Aggregate:
    """The aggregate of one company's responses (at least one)."""
    ratings = {
        c: [statistics.median_low([r.ratings[f"{c}.{n}"] for r in responses]) for n in range(1, 6)]
        for c in COMPETENCIES
    }
    spread = {c: _round(_iqr([_score(r, c) for r in responses])) for c in COMPETENCIES}
    by_role: dict[str, list[Response]] = {}
    for r in responses:
        if r.role:
            by_role.setdefault(r.role, []).append(r)
    if len(by_role) > MAX_ROLES:  # the pairs of roles grow with the square: refused before any is built
        raise SurveyError(
            [
                Problem(
                    file,
                    responses[0].row,
                    1,
                    "role",
                    f"{company or 'the responses'}: {len(by_role):,} distinct roles, at most "
                    f"{MAX_ROLES} (does the role column hold respondent ids?)",
                )
            ]
        )
    exact = {
        role: {c: Fraction(statistics.median([_score(r, c) for r in rs])) for c in COMPETENCIES}
        for role, rs in sorted(by_role.items())
    }
    roles = [
        RoleMedians(role, len(by_role[role]), {c: _round(m) for c, m in medians.items()})
        for role, medians in exact.items()
    ]
    disagreement = []
    for c in COMPETENCIES:
        ordered = sorted(exact, key=functools.partial(_rank, exact, c))
        for i, high in enumerate(ordered):
            for low in ordered[i + 1 :]:
                if exact[high][c] - exact[low][c] >= GAP:
                    disagreement.append(Disagreement(c, high, _round(exact[high][c]), low, _round(exact[low][c])))
    return Aggregate(company, len(responses), ratings, spread, roles, disagreement)


def aggregate(responses: list[Response], file: str = "<responses>") -> list[Aggregate]:
    """One aggregate per company, in the order companies first appear."""
    groups: dict[str | None, list[Response]] = {}
    for r in responses:
        groups.setdefault(r.company, []).append(r)
    return [aggregate_one(company, rs, file) for company, rs in groups.items()]
