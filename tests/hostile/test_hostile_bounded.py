"""Bounded reads (RELIABILITY.md: batch, rule files, portfolio): a device node, a FIFO or an over-size input is
refused before it is read whole; a line over the limit is its row's error, skipped without being held.

Nothing here writes a large file: ``/dev/zero``, sparse files and a lowered limit stand in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cxm.cli.main import cli
from cxm.facts import tabular
from tests.conftest import ROOT, example

RULES_NOTE = "Semantic checks run once the schema errors above are fixed."


def _cxm(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxm.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def _zero(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


# --- rule files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cache", ["", "1"])
def test_RF_fifo_is_refused_without_waiting(tmp_path: Path, cache: str) -> None:
    os.mkfifo(tmp_path / "r.yaml")  # opening it for reading would wait for ever for a writer
    proc = _cxm("rules", "lint", "--rules", str(tmp_path), env={"CXM_NO_CACHE": cache}, timeout=30)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == (
        f"{tmp_path}/r.yaml:1:1: CXL001 (root): the file is a FIFO, not a regular file; give a file"
    )


@pytest.mark.parametrize("cache", ["", "1"])
def test_RF_devzero_is_refused_before_reading(tmp_path: Path, cache: str) -> None:
    _zero(tmp_path / "zero.yaml")
    proc = _cxm(
        "assess",
        str(example("article-1-wellness-resort")),
        "--rules",
        str(tmp_path),
        env={"CXM_NO_CACHE": cache},
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr == f"{tmp_path}/zero.yaml:1:1: (root): the file is a device, not a regular file; give a file\n"


def test_RF_3GB_is_refused_by_its_size_unread(tmp_path: Path) -> None:
    big = tmp_path / "r.yaml"
    with big.open("wb") as handle:  # sparse: 3 GB on paper, no block on disk
        handle.truncate(3 * 1024**3)
    proc = _cxm("assess", str(example("article-1-wellness-resort")), "--rules", str(tmp_path), timeout=30)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"{big}:1:1: (root): the file is larger than 5,000,000 bytes (3,221,225,472); nothing was read\n"
    )


# --- batch input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zero.csv", "zero.jsonl"])
def test_B_devzero_input_is_refused_before_reading(runner, tmp_path: Path, name: str) -> None:
    src = _zero(tmp_path / name)
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: the input is a device, not a regular file; give a file\n"
    assert not (tmp_path / "out.jsonl").exists()


def _jsonl_row() -> str:
    return json.dumps(yaml.safe_load(example("article-1-wellness-resort").read_text(encoding="utf-8")))


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_B_3GB_line_is_its_rows_error_never_held(runner, tmp_path: Path, monkeypatch, kind: str) -> None:
    # the limit lowered to 1,000 characters stands in for 5,000,000: a line 50 times longer is read in pieces
    monkeypatch.setattr(tabular, "LINE_LIMIT", 1000)
    reads: list[int] = []
    real = tabular.Lines.__next__

    def counted(self):  # the longest piece ever asked of the file
        reads.append(self.limit)
        return real(self)

    monkeypatch.setattr(tabular.Lines, "__next__", counted)
    if kind == "jsonl":
        src = tmp_path / "in.jsonl"
        src.write_text(_jsonl_row()[:900] + "\n" + '{"x": "' + "a" * 50_000 + '"}\n', encoding="utf-8")
        expected = f"row 2: (root): the line is longer than 1,000 characters [{src}:2:1]\n"
    else:
        src = tmp_path / "in.csv"
        src.write_text("company.name,company.country\nAcme,RU\n" + "B" * 50_000 + ",RU\n", encoding="utf-8")
        expected = f"row 2: (row): cannot read the record: the line is longer than 1,000 characters [{src}:3:1]\n"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    errors = (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8")
    assert errors.endswith(expected)
    assert set(reads) == {1000}


def test_B_cr_formula_csv_a_carriage_return_in_a_name_is_quoted(runner, tmp_path: Path) -> None:
    name = "Acme\r=cmd|' /C calc'!A0"
    data = yaml.safe_load(example("article-1-wellness-resort").read_text(encoding="utf-8"))
    data["company"]["name"] = name
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(data) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    body = out.read_bytes().split(b"\n", 1)[1]
    assert body.startswith(b"1,\"Acme\r=cmd|' /C calc'!A0\",explore,")  # one record: the CR inside quotes
    import csv

    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 2 and rows[1][1] == name


# --- portfolio --------------------------------------------------------------------------------------------


def test_PF_devzero_is_refused_before_reading(runner, tmp_path: Path) -> None:
    src = _zero(tmp_path / "zero.jsonl")
    result = runner.invoke(cli, ["portfolio", str(src), "-o", str(tmp_path / "p.md")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: the portfolio is a device, not a regular file; give a file\n"


def test_PF_report_portfolio_devzero_is_refused_before_reading(runner, tmp_path: Path) -> None:
    src = _zero(tmp_path / "zero.jsonl")
    result = runner.invoke(
        cli,
        ["report", str(example("article-1-wellness-resort")), "-o", str(tmp_path / "r.md"), "--portfolio", str(src)],
    )
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: the portfolio is a device, not a regular file; give a file\n"
    assert not (tmp_path / "r.md").exists()
