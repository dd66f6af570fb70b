"""Hostile survey inputs (RELIABILITY.md, survey): each is refused in one located line, or reported at its row
while the other rows are used; nothing is read whole that cannot be valid, and nothing runs unbounded."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.facts import survey

openpyxl = pytest.importorskip("openpyxl")
HEADER = ["company", "role", "respondent", *survey.STATEMENTS]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([HEADER, *rows])
    return path


def _row(company: str = "Acme", role: str = "ceo", respondent: str = "", rating: str = "3") -> list[str]:
    return [company, role, respondent, *[rating] * 20]


def _workbook(path: Path, rows: list[list[object]], edit=None) -> Path:
    """An .xlsx written by openpyxl, then one of its parts rewritten by ``edit(name, xml) -> xml``."""
    book = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        book.active.append([int(c) if isinstance(c, str) and c.isdigit() else c for c in row])  # ratings: numbers
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename).decode("utf-8")
            dst.writestr(info.filename, edit(info.filename, data) if edit else data)
    return path


def _survey(runner, *args: str):
    result = runner.invoke(cli, ["survey", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_SV_devzero_is_refused_before_reading(runner, tmp_path: Path) -> None:
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    result = _survey(runner, link)
    assert result.exit_code == 2
    assert result.stderr == f"{link}:1:1: (file): the file is a device, not a regular file; give a file\n"


def test_SV_dimension_lie_reads_only_the_cells_present(runner, tmp_path: Path) -> None:
    # 2.7 KB declaring A1:XFD1048576: openpyxl walked every declared cell (killed after 120 s)
    path = _workbook(
        tmp_path / "lie.xlsx",
        [_row()],
        lambda name, xml: re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert "A1:XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    result = _survey(runner, path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "1 respondents used, 0 rows left out"


def test_SV_bomb_shared_is_refused_before_unpacking(runner, tmp_path: Path) -> None:
    # a string of 30 MB compresses to a few KB (here an inline string: openpyxl writes those; a shared one
    # lives in another part of the same archive); the workbook's declared unpacked size gives it away
    big = "x" * 30_000_000

    def bomb(name: str, xml: str) -> str:
        return xml.replace("<t>Acme</t>", f"<t>{big}</t>") if name == "xl/worksheets/sheet1.xml" else xml

    path = _workbook(tmp_path / "bomb.xlsx", [_row()], bomb)
    assert path.stat().st_size < 200_000
    result = _survey(runner, path)
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"{re.escape(str(path))}:1:1: \(file\): the workbook unpacks to [\d,]+ bytes, more than "
        r"20,000,000; nothing was read\n",
        result.stderr,
    )
    assert big[:100] not in result.output


@pytest.mark.parametrize("case,value", [("SV-badcell", "three"), ("SV-formulas", "#NAME?")])
def test_a_number_cell_openpyxl_cannot_read_is_located(runner, tmp_path: Path, case: str, value: str) -> None:
    # a numeric cell whose value is text (a formula's cached error, a hand-edited file): openpyxl's ValueError
    def damage(name: str, xml: str) -> str:
        if name != "xl/worksheets/sheet1.xml":
            return xml
        return xml.replace('<c r="E2" t="n"><v>3</v></c>', f'<c r="E2" t="n"><f>SUM(A1)</f><v>{value}</v></c>')

    path = _workbook(tmp_path / "bad.xlsx", [_row(), _row()], damage)
    assert value in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    result = _survey(runner, path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:1: (file): cannot read the workbook at row 2: ")


def test_SV_no_sheet_is_refused(runner, tmp_path: Path) -> None:
    def no_sheet(name: str, xml: str) -> str:
        return re.sub(r"<sheets>.*</sheets>", "<sheets/>", xml) if name == "xl/workbook.xml" else xml

    path = _workbook(tmp_path / "empty.xlsx", [_row()], no_sheet)
    result = _survey(runner, path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1:1: (file): ")
    assert result.stderr.count("\n") == 1


def test_SV_one_bad_byte_is_the_error_of_its_row_alone(runner, tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", [_row(respondent=f"r{i}") for i in range(1, 7)])
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"ceo", b"c\xffo", 1)  # line 5, the role column
    path.write_bytes(b"\n".join(lines))
    result = _survey(runner, path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:2] == [
        f"{path}:5:2: role: invalid UTF-8 byte 0xff (save the file as UTF-8)",
        "5 respondents used, 1 rows left out",
    ]


def test_SV_one_huge_cell_is_the_error_of_its_row_alone(runner, tmp_path: Path) -> None:
    rows = [_row(respondent=f"r{i}") for i in range(1, 15)]
    rows[10][1] = "x" * 1_200_000  # line 12: a cell over the 1,000,000-character field limit
    path = _csv(tmp_path / "r.csv", rows)
    result = _survey(runner, path)
    assert result.exit_code == 0, result.output
    first, used = result.stderr.splitlines()[:2]
    assert first.startswith(f"{path}:12:1: (row): cannot read the record: ")
    assert used == "13 respondents used, 1 rows left out"


def test_SV_names_on_tty_never_reach_the_terminal_raw(runner, tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", [_row("Ac\x1b[2Jme"), _row("Acme\u202e"), _row("Acme")])
    result = _survey(runner, path)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert result.stderr.splitlines()[:3] == [
        f"{path}:2:1: company: control or invisible character U+001B in the company",
        f"{path}:3:1: company: control or invisible character U+202E in the company",
        "1 respondents used, 2 rows left out",
    ]


def test_SV_nul_in_a_name_is_the_rows_error(runner, tmp_path: Path) -> None:
    # CONCERN SV-nul.csv, decided: a NUL (or any control) in a name is refused at its cell, not kept in the key
    path = _csv(tmp_path / "r.csv", [_row("Ac\0me"), _row("Acme")])
    result = _survey(runner, path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"{path}:2:1: company: control or invisible character U+0000 in the company"
    assert "\0" not in result.stdout and result.stdout.startswith("Acme:\n")


def test_SV_dup_ids_a_repeated_respondent_counts_once(runner, tmp_path: Path) -> None:
    # CONCERN SV-dup_ids.csv, decided: the same respondent id of one company answers once; later rows are
    # reported and left out (r1 nine times with 5s no longer makes every median 5)
    path = _csv(
        tmp_path / "r.csv",
        [_row(respondent="r1", rating="5") for _ in range(9)]
        + [_row(respondent=f"s{i}", rating="1") for i in range(3)],
    )
    result = _survey(runner, path)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[:8] == [
        f"{path}:{n}:3: respondent: respondent 'r1' already answered at row 2; this row is left out"
        for n in range(3, 11)
    ]
    assert lines[8] == "4 respondents used, 8 rows left out"
    assert "leadership: [1, 1, 1, 1, 1]" in result.stdout  # the lower middle of 5, 1, 1, 1


@pytest.mark.parametrize("roles", [200, 400, 2000])
def test_SV_roles_distinct_are_capped_before_the_pairs_are_built(runner, tmp_path: Path, roles: int) -> None:
    # 2,000 distinct roles made 8 million pairs (16 GB); the cap is checked before any pair is compared
    path = _csv(tmp_path / "r.csv", [_row(role=f"role{i}", rating=str(1 + i % 5)) for i in range(roles)])
    result = _survey(runner, path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"{path}:2:1: role: Acme: {roles:,} distinct roles, at most 50 (does the role column hold respondent ids?)"
    )


def test_fifty_roles_are_still_compared_pairwise(runner, tmp_path: Path) -> None:
    # SV-roles-distinct-400's neighbour: at the cap, 25 roles rate 5 and 25 rate 1: 25 x 25 pairs per competency
    path = _csv(tmp_path / "r.csv", [_row(role=f"role{i:02}", rating="5" if i < 25 else "1") for i in range(50)])
    result = _survey(runner, path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == f"Acme: 50 respondents, {4 * 25 * 25} disagreements between roles"
