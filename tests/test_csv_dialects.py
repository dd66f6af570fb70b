"""CSV as people have it: Excel writes ``;`` in Russian and German locales, a byte-order mark and CRLF line ends;
"Unicode text" is tab-separated. `cxm batch` and `cxm survey` read all of them (the delimiter detected from the
header, or --delimiter), say which one they used, and an unknown header names the likely cause."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bench import profiles
from cxm.cli.main import cli
from cxm.facts.delimiter import detect
from tests.conftest import EXAMPLES

RESPONSES = EXAMPLES / "survey" / "responses.csv"
N = 6  # companies in the batch inputs


def as_excel_writes(source: Path, target: Path, delimiter: str = ";") -> Path:
    """``source`` (a comma-separated CSV) saved as Excel saves "CSV UTF-8" with a list separator of
    ``delimiter``: a byte-order mark, CRLF line ends, a cell quoted when it holds the delimiter or a quote."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    target.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))
    return target


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ("company.name", ","),
        ("", ","),
        ('"a,b";c;d', ";"),  # a delimiter inside quotes does not count
        ("a;b,c", ","),  # a tie: the comma
    ],
)
def test_the_delimiter_is_the_one_the_header_uses_most(line, expected) -> None:
    assert detect(line) == expected


def test_an_excel_survey_with_semicolons_is_read(runner, tmp_path) -> None:
    excel = as_excel_writes(RESPONSES, tmp_path / "responses.csv")
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfrespondent;company;role;leadership.1;") and b"\r\n" in raw
    assert b'"Regional credit organisation (article, company 2)"' not in raw  # a comma is no reason to quote now
    expected = runner.invoke(cli, ["survey", str(RESPONSES)])
    assert expected.exit_code == 0, expected.output
    result = runner.invoke(cli, ["survey", str(excel)])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.stdout
    assert result.stderr == (
        f"note: {excel} is read as ';'-separated (detected from its header; --delimiter chooses)\n{expected.stderr}"
    )
    ru = runner.invoke(cli, ["survey", str(excel), "--lang", "ru"])
    assert ru.stderr.startswith(f"примечание: {excel} читается как файл с разделителем ';' (определён по заголовку; ")
    chosen = runner.invoke(cli, ["survey", str(excel), "--delimiter", ";"])
    assert (chosen.exit_code, chosen.stdout, chosen.stderr) == (0, expected.stdout, expected.stderr)


def test_a_survey_read_with_the_wrong_delimiter_names_the_likely_cause(runner, tmp_path) -> None:
    excel = as_excel_writes(RESPONSES, tmp_path / "responses.csv")
    result = runner.invoke(cli, ["survey", str(excel), "--delimiter", ","])
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    header = RESPONSES.read_text(encoding="utf-8").splitlines()[0].replace(",", ";")
    assert first == (
        f"{excel}:1:1: {header}: the file looks ';'-separated, but was read as ','-separated: use --delimiter ';'"
    )


@pytest.fixture
def companies(tmp_path) -> Path:
    return profiles.write(tmp_path / "in.csv", N)


@pytest.mark.parametrize(("delimiter", "shown"), [(";", "';'"), ("\t", "tab")])
def test_an_excel_batch_input_gives_the_same_results(runner, companies, tmp_path, delimiter, shown) -> None:
    reference = tmp_path / "ref.jsonl"
    assert runner.invoke(cli, ["batch", str(companies), "-o", str(reference)]).exit_code == 0
    excel = as_excel_writes(companies, tmp_path / "excel.csv", delimiter)
    if delimiter == ";":  # a list cell (industries, ratings) holds the delimiter: Excel quotes it
        assert b'";' in excel.read_bytes() or b';"' in excel.read_bytes()
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(excel), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"note: {excel} is read as {shown}-separated (detected from its header; --delimiter "
        f"chooses)\n{N} assessed, 0 errors\n"
    )
    assert out.read_bytes() == reference.read_bytes()
    given = tmp_path / "given.jsonl"
    option = "tab" if delimiter == "\t" else delimiter
    result = runner.invoke(cli, ["batch", str(excel), "-o", str(given), "--delimiter", option])
    assert (result.exit_code, result.stderr) == (0, f"{N} assessed, 0 errors\n")
    assert given.read_bytes() == reference.read_bytes()


def test_a_batch_read_with_the_wrong_delimiter_names_the_likely_cause(runner, companies, tmp_path) -> None:
    excel = as_excel_writes(companies, tmp_path / "excel.csv")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(excel), "-o", str(out), "--delimiter", ","])
    assert result.exit_code == 2 and not out.exists()
    first = companies.read_text(encoding="utf-8").splitlines()[0].split(",")[0]
    assert result.stderr.splitlines()[0].startswith(f"error: {excel}:1:1: unknown column '{first};")
    assert result.stderr.splitlines()[0].endswith(
        " (the file looks ';'-separated, but was read as ','-separated: use --delimiter ';')"
    )


def test_a_batch_needs_a_file_not_standard_input(runner, tmp_path) -> None:
    result = runner.invoke(cli, ["batch", "-", "-o", str(tmp_path / "out.jsonl")], input="company.name\nA\n")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for INPUT: a batch reads a file, not standard input: an interrupted run is "
        "continued with --resume, which reads the input again and checks that its journal belongs to it; save "
        "the rows to a file first"
    )
    assert not (tmp_path / "out.jsonl").exists()
