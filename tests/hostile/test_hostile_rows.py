"""Every error of a row or a file at once, types included (issue 26, item 4): batch, survey and assess alike.

A cell that cannot be converted (``employees: about 50``) used to end the row's checks in batch; the row's
other errors (b2b + b2c = 110, budget ``cheap``) were found only after the first was fixed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from cxm.cli.main import cli
from cxm.facts import survey

# the three errors of the issue, as assess and batch both word them (the schema's messages)
TYPE = "company.employees: expected a whole number, got 'about 50'"
SUM = "company.markets: b2b and b2c shares must add up to 100, they add up to 110"
BUDGET = "company.resources.budget: 'cheap' is not one of: low, medium, high"
HEADER = [
    "company.name",
    "company.industry",
    "company.geography",
    "company.country",
    "company.employees",
    "company.markets.b2b",
    "company.markets.b2c",
    "company.resources.budget",
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def test_a_type_error_in_a_batch_row_hides_none_of_its_other_errors(runner, tmp_path: Path) -> None:
    src = _csv(tmp_path / "in.csv", [HEADER, ["Acme", "retail", "regional", "RU", "about 50", "50", "60", "cheap"]])
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 2
    assert (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8") == (
        f"row 1: {TYPE} [{src}:2:5]\nrow 1: {SUM} [{src}:2:6]\nrow 1: {BUDGET} [{src}:2:8]\n"
    )


def test_a_short_batch_row_reports_its_cells_but_not_the_absent_ones_as_missing(runner, tmp_path: Path) -> None:
    src = _csv(tmp_path / "in.csv", [HEADER, ["Acme", "retail", "regionl"]])
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    assert (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8") == (
        f"row 1: (row): expected 8 cells, found 3 [{src}:2:1]\n"
        f"row 1: company.geography: 'regionl' is not one of: local, regional, national, international "
        f"(did you mean 'regional'?) [{src}:2:3]\n"
    )


def test_assess_lists_the_same_three_errors(runner, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "company:\n  name: Acme\n  industry: [retail]\n  geography: regional\n  country: RU\n"
        "  employees: about 50\n  markets: {b2b: 50, b2c: 60}\n  resources: {budget: cheap}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{path}:6:14: {TYPE}", f"{path}:7:12: {SUM}", f"{path}:8:23: {BUDGET}"]


def test_a_short_survey_row_reports_its_bad_ratings_too(runner, tmp_path: Path) -> None:
    header = ["role", *survey.STATEMENTS]
    path = _csv(tmp_path / "r.csv", [header, ["ceo", *["3"] * 20], ["cfo", "9", "x"]])
    result = runner.invoke(cli, ["survey", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:3] == [
        f"{path}:3:1: (row): expected 21 cells, found 3",
        f"{path}:3:2: leadership.1: expected a rating from 1 to 5, got '9'",
        f"{path}:3:3: leadership.2: expected a rating from 1 to 5, got 'x'",
    ]
