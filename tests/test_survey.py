"""`cxm survey`: the shipped 12-respondent CSV gives the medians, spreads and role flags asserted here, XLSX
gives the same, bad rows are located and left out, --into keeps a facts file's comments, and the assessment
shows the spread and the disagreement."""

from __future__ import annotations

import csv
import json
import shutil
import statistics
from pathlib import Path

import pytest
import yaml

from cxm.cli.main import cli
from cxm.facts import survey
from tests.conftest import EXAMPLES, example, run_cxm

RESPONSES = EXAMPLES / "survey" / "responses.csv"
LENDER = "Regional credit organisation (article, company 2)"
FRAGMENT = {
    "self_assessment": {
        "leadership": [3, 3, 3, 3, 3],
        "brand": [3, 3, 3, 3, 3],
        "employees": [2, 2, 2, 2, 2],
        "customers": [3, 3, 3, 3, 3],
        "survey": {
            "respondents": 12,
            "spread": {"leadership": 1.65, "brand": 0.7, "employees": 1.2, "customers": 0.65},
            "roles": [
                {
                    "role": "executive",
                    "respondents": 3,
                    "leadership": 4.6,
                    "brand": 3.6,
                    "employees": 3.6,
                    "customers": 3.8,
                },
                {
                    "role": "front_line",
                    "respondents": 5,
                    "leadership": 2.2,
                    "brand": 2.6,
                    "employees": 1.8,
                    "customers": 2.8,
                },
                {
                    "role": "manager",
                    "respondents": 4,
                    "leadership": 3.5,
                    "brand": 2.8,
                    "employees": 2.7,
                    "customers": 3.2,
                },
            ],
            "disagreement": [
                {
                    "competency": "leadership",
                    "high_role": "executive",
                    "high": 4.6,
                    "low_role": "front_line",
                    "low": 2.2,
                },
            ],
        },
    },
}
EXPECTED_YAML = f"""{LENDER}:
  self_assessment:
    leadership: [3, 3, 3, 3, 3]
    brand: [3, 3, 3, 3, 3]
    employees: [2, 2, 2, 2, 2]
    customers: [3, 3, 3, 3, 3]
    survey:
      respondents: 12
      spread: {{leadership: 1.65, brand: 0.7, employees: 1.2, customers: 0.65}}
      roles:
        - {{role: executive, respondents: 3, leadership: 4.6, brand: 3.6, employees: 3.6, customers: 3.8}}
        - {{role: front_line, respondents: 5, leadership: 2.2, brand: 2.6, employees: 1.8, customers: 2.8}}
        - {{role: manager, respondents: 4, leadership: 3.5, brand: 2.8, employees: 2.7, customers: 3.2}}
      disagreement:
        - {{competency: leadership, high_role: executive, high: 4.6, low_role: front_line, low: 2.2}}
"""


def _rows(path: Path = RESPONSES) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_shipped_csv_gives_the_asserted_medians_and_flags(runner) -> None:
    result = runner.invoke(cli, ["survey", str(RESPONSES)])
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED_YAML
    assert result.stderr == (
        f"12 respondents used, 0 rows left out\n{LENDER}: 12 respondents, 1 disagreements between roles\n"
    )
    assert yaml.safe_load(result.stdout) == {LENDER: FRAGMENT}


def test_the_medians_equal_an_independent_count() -> None:
    rows = _rows()
    assert len(rows) == 12
    for comp in survey.COMPETENCIES:
        medians = []
        for n in range(1, 6):
            values = sorted(int(r[f"{comp}.{n}"]) for r in rows)
            medians.append(values[(len(values) - 1) // 2])  # the lower middle of 12
        assert FRAGMENT["self_assessment"][comp] == medians
    # the role medians of leadership, from each respondent's mean of five ratings
    for role, expected in (("executive", 4.6), ("manager", 3.5), ("front_line", 2.2)):
        scores = [sum(int(r[f"leadership.{n}"]) for n in range(1, 6)) / 5 for r in rows if r["role"] == role]
        assert round(statistics.median(scores), 2) == expected


def test_xlsx_gives_the_same(runner, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    with RESPONSES.open(encoding="utf-8", newline="") as handle:
        for i, cells in enumerate(csv.reader(handle)):
            sheet.append(cells if i == 0 else [cells[0], cells[1], cells[2], *map(int, cells[3:])])
    path = tmp_path / "responses.xlsx"
    book.save(path)
    result = runner.invoke(cli, ["survey", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED_YAML


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def test_bad_rows_are_located_and_the_rest_is_used(runner, tmp_path: Path) -> None:
    with RESPONSES.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header = table[0]
    col = {name: i for i, name in enumerate(header)}
    table[2][col["brand.3"]] = "7"  # line 3
    table[4][col["customers.5"]] = ""  # line 5
    table[6][col["company"]] = "Someone else"  # line 7
    table[8] = table[8][:10]  # line 9: a short row
    bad = _write(tmp_path / "bad.csv", table)
    facts = tmp_path / "lender.yaml"
    shutil.copy(example("article-2-regional-lender"), facts)
    result = runner.invoke(cli, ["survey", str(bad), "--into", str(facts)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{bad}:3:{col['brand.3'] + 1}: brand.3: expected a rating from 1 to 5, got '7'",
        f"{bad}:5:{col['customers.5'] + 1}: customers.5: missing rating",
        f"{bad}:7:2: company: unknown company 'Someone else' (expected '{LENDER}')",
        f"{bad}:9:1: (row): expected 23 cells, found 10",
        "8 respondents used, 4 rows left out",
        f"{LENDER}: 8 respondents, 1 disagreements between roles",
    ]
    merged = yaml.safe_load(facts.read_text(encoding="utf-8"))
    assert merged["self_assessment"]["survey"]["respondents"] == 8


def test_nothing_usable_exits_2(runner, tmp_path: Path) -> None:
    header = ["role", *survey.STATEMENTS]
    path = _write(tmp_path / "r.csv", [header, ["ceo", *["9"] * 20]])
    result = runner.invoke(cli, ["survey", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{path}:2:2: leadership.1: expected a rating from 1 to 5, got '9'"
    assert result.stderr.splitlines()[-1] == f"error: {path}: no usable response"
    missing = _write(tmp_path / "m.csv", [["role", "colour", *survey.STATEMENTS[1:]], ["ceo", "x", *["3"] * 19]])
    proc = run_cxm("survey", str(missing))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"{missing}:1:2: colour: unknown column; expected leadership.1 ... customers.5, company, role, respondent",
        f"{missing}:1:22: leadership.1: missing statement column",
    ]
    assert proc.stdout == ""


def test_a_fragment_without_company_column_and_to_a_file(runner, tmp_path: Path) -> None:
    rows = [["role", *survey.STATEMENTS], ["ceo", *["5"] * 20], ["clerk", *["2"] * 20], ["clerk", *["3"] * 20]]
    path = _write(tmp_path / "r.csv", rows)
    out = tmp_path / "self.yaml"
    result = runner.invoke(cli, ["survey", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["self_assessment"]["leadership"] == [3, 3, 3, 3, 3]
    assert data["self_assessment"]["survey"]["spread"]["leadership"] == 1.5  # Q1 2.5, Q3 4 (inclusive)
    assert data["self_assessment"]["survey"]["disagreement"] == [
        {"competency": c, "high_role": "ceo", "high": 5.0, "low_role": "clerk", "low": 2.5} for c in survey.COMPETENCIES
    ]
    again = tmp_path / "again.yaml"
    assert runner.invoke(cli, ["survey", str(path), "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_into_keeps_comments_and_layout_and_the_assessment_shows_the_spread(runner, tmp_path: Path) -> None:
    source = example("article-2-regional-lender")
    facts = tmp_path / "lender.yaml"
    shutil.copy(source, facts)
    before = source.read_text(encoding="utf-8")
    result = runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(facts)])
    assert result.exit_code == 0, result.output
    after = facts.read_text(encoding="utf-8")
    assert after.startswith(before)  # every line, comment and blank line of the file is kept
    added = after[len(before) :]
    assert added == "self_assessment:\n" + "\n".join(line[2:] for line in EXPECTED_YAML.splitlines()[2:]) + "\n"
    assert yaml.safe_load(after)["self_assessment"] == FRAGMENT["self_assessment"]
    # merging again replaces the section and changes nothing else
    assert runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(facts)]).exit_code == 0
    assert facts.read_text(encoding="utf-8") == after

    text = runner.invoke(cli, ["assess", str(facts)]).stdout.splitlines()
    i = text.index("  Purposeful leadership    4  ■■■■□□")
    assert text[i + 1 : i + 4] == [
        "      Self-ratings adding up to 14-17 of 25 correspond to level 4.",
        "      Self-assessment by 12 respondents: spread (interquartile range) 1.65; roles disagree:",
        "      executive 4.6 / front_line 2.2",
    ]
    ru = runner.invoke(cli, ["assess", str(facts), "--lang", "ru"]).stdout
    assert "Самооценка, респондентов: 12; разброс (межквартильный размах) 0.7" in ru
    data = json.loads(runner.invoke(cli, ["assess", str(facts), "--format", "json"]).stdout)
    assert data["survey"] == {
        "respondents": 12,
        "spread": {"leadership": 1.65, "brand": 0.7, "employees": 1.2, "customers": 0.65},
        "roles": [
            {"role": r["role"], "respondents": r["respondents"], "medians": {c: r[c] for c in survey.COMPETENCIES}}
            for r in FRAGMENT["self_assessment"]["survey"]["roles"]
        ],
        "disagreement": FRAGMENT["self_assessment"]["survey"]["disagreement"],
    }
    plain = json.loads(runner.invoke(cli, ["assess", str(source), "--format", "json"]).stdout)
    assert "survey" not in plain  # no survey, no key: the JSON of other files is as it was
    out = tmp_path / "r.md"
    assert runner.invoke(cli, ["report", str(facts), "-o", str(out)]).exit_code == 0
    assert (
        "| Purposeful leadership | 4 | ■■■■□□ | Self-ratings adding up to 14-17 of 25 correspond to level 4. "
        "(Self-assessment by 12 respondents: spread (interquartile range) 1.65; roles disagree: executive 4.6 / "
        "front\\_line 2.2) |"
    ) in out.read_text(encoding="utf-8").splitlines()


def test_into_a_bad_facts_file_writes_nothing(runner, tmp_path: Path) -> None:
    facts = tmp_path / "bad.yaml"
    facts.write_text("company:\n  name: X\n", encoding="utf-8")
    result = runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(facts)])
    assert result.exit_code == 2
    assert facts.read_text(encoding="utf-8") == "company:\n  name: X\n"
    result = runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(facts), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert "give -o or --into, not both" in result.output


@pytest.mark.parametrize(
    "survey_data",
    [
        FRAGMENT["self_assessment"]["survey"],
        {"respondents": 3, "spread": {"leadership": 0, "brand": 1, "employees": 2, "customers": 4}},
        {"respondents": 0, "spread": {"leadership": 5, "brand": "1", "employees": 2}},
        {
            "respondents": 2,
            "spread": {"leadership": 1, "brand": 1, "employees": 1, "customers": 1},
            "roles": [{"role": "", "respondents": 1, "leadership": 6}],
            "disagreement": [{"competency": "sales"}],
        },
    ],
)
def test_the_compiled_validator_agrees_with_the_models_on_surveys(survey_data: dict) -> None:
    from pydantic import ValidationError

    from cxm.engine.knowledge.cache import facts_validator
    from cxm.facts.schema import Facts

    data = yaml.safe_load(example("article-2-regional-lender").read_text(encoding="utf-8"))
    data["self_assessment"] = {**FRAGMENT["self_assessment"], "survey": survey_data}
    try:
        expected = Facts.model_validate(data).model_dump()
    except ValidationError as exc:
        with pytest.raises(ValidationError) as compiled:
            facts_validator().validate_python(data)
        assert [(e["loc"], e["msg"]) for e in compiled.value.errors()] == [(e["loc"], e["msg"]) for e in exc.errors()]
        return
    assert facts_validator().validate_python(data) == expected


def test_the_responses_are_never_overwritten(runner, tmp_path: Path) -> None:
    copy = tmp_path / "responses.csv"
    copy.write_bytes(RESPONSES.read_bytes())
    result = runner.invoke(cli, ["survey", str(copy), "-o", str(copy)])
    assert result.exit_code == 2
    assert f"{copy} is the responses file; write the fragment elsewhere" in result.output
    assert copy.read_bytes() == RESPONSES.read_bytes()


def test_interview_keeps_the_survey_while_the_ratings_stay(runner, tmp_path: Path) -> None:
    from cxm.cli.interview import questions

    facts = tmp_path / "lender.yaml"
    shutil.copy(example("article-2-regional-lender"), facts)
    assert runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(facts)]).exit_code == 0
    n = len([q for q in questions() if q.section != "self_assessment"])
    kept, changed = tmp_path / "kept.yaml", tmp_path / "changed.yaml"
    result = runner.invoke(
        cli,
        ["interview", "--from", str(facts), "-o", str(kept)],
        input="\n".join([""] * n + ["y", "", "", "", ""]) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(kept.read_text(encoding="utf-8"))["self_assessment"] == FRAGMENT["self_assessment"]
    result = runner.invoke(
        cli,
        ["interview", "--from", str(facts), "-o", str(changed)],
        input="\n".join([""] * n + ["y", "5,5,5,5,5", "", "", ""]) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "survey" not in yaml.safe_load(changed.read_text(encoding="utf-8"))["self_assessment"]


def test_two_companies_give_a_fragment_each_and_messages_speak_russian(runner, tmp_path: Path) -> None:
    rows = [["company", *survey.STATEMENTS], ["Beta", *["4"] * 20], ["Alpha", *["2"] * 20], ["Beta", *["5"] * 20]]
    path = _write(tmp_path / "r.csv", rows)
    result = runner.invoke(cli, ["survey", str(path), "--lang", "ru"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert list(data) == ["Beta", "Alpha"]  # in the order the companies first appear
    assert data["Beta"]["self_assessment"]["brand"] == [4, 4, 4, 4, 4]  # the lower middle of 4 and 5
    assert data["Beta"]["self_assessment"]["survey"] == {
        "respondents": 2,
        "spread": {c: 0.5 for c in survey.COMPETENCIES},
    }
    assert data["Alpha"]["self_assessment"]["survey"]["spread"] == {c: 0.0 for c in survey.COMPETENCIES}
    assert result.stderr.splitlines() == [
        "Учтено респондентов: 3, пропущено строк: 0",
        "Beta: респондентов — 2, расхождений между ролями — 0",
        "Alpha: респондентов — 1, расхождений между ролями — 0",
    ]


def test_the_html_report_shows_the_spread(runner, tmp_path: Path) -> None:
    facts = tmp_path / "lender.yaml"
    shutil.copy(example("article-2-regional-lender"), facts)
    assert runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(facts)]).exit_code == 0
    page = tmp_path / "r.html"
    assert runner.invoke(cli, ["report", str(facts), "-o", str(page), "--lang", "ru"]).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert (
        '<span class="muted survey">Самооценка, респондентов: 12; разброс (межквартильный размах) 1.65; '
        "роли расходятся: executive 4.6 / front_line 2.2</span>"
    ) in text
    assert text.count('<span class="muted survey">') == 4
