"""A rule from a --rules folder that replaces a built-in rule is said on stderr, once per id, by every command
that loads the rules, and listed in the JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxm.cli.main import cli
from tests.conftest import example, run_cxm

OVERRIDE = """rules:
  - id: gate-mobilize
    title: {en: A part-time owner is enough, ru: Достаточно ответственного в дополнение к основным обязанностям}
    because: {en: Local practice., ru: Местная практика.}
    source: Test override
    when: {leadership.executive_sponsor: {at_least: declared}, leadership.cx_owner: {at_least: part_time}}
    then: {gate: mobilize}
"""
RESORT = str(example("article-1-wellness-resort"))


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        (folder / "override.yaml").write_text(OVERRIDE, encoding="utf-8")
    return one, two


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["assess", RESORT],
        ["assess", RESORT, "--format", "json"],
        ["why", RESORT, "stage"],
        ["why-not", RESORT, "crm-card-for-agents"],
        ["what-if", RESORT, "--set", "company.exports=true"],
        ["rules", "list"],
        ["rules", "graph"],
    ],
)
def test_every_command_that_loads_rules_warns_once_per_replaced_id(folders, command: list[str]) -> None:
    one, two = folders
    result = CliRunner().invoke(cli, [*command, "--rules", str(one), "--rules", str(two)])
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: {two / 'override.yaml'}:2:9: rules[0].id: rule 'gate-mobilize' overrides the one in "
        f"{one / 'override.yaml'}"
    ]


def test_report_and_batch_warn_too(folders, tmp_path: Path) -> None:
    one, _ = folders
    runner = CliRunner()
    report = runner.invoke(cli, ["report", RESORT, "-o", str(tmp_path / "r.md"), "--rules", str(one)])
    batch = runner.invoke(
        cli,
        [
            "batch",
            str(example("article-1-wellness-resort").parent),
            "-o",
            str(tmp_path / "out.jsonl"),
            "--rules",
            str(one),
        ],
    )
    for result in (report, batch):
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[0] == (
            f"warning: {one / 'override.yaml'}:2:9: rules[0].id: rule 'gate-mobilize' overrides the one in "
            "rules/stage/gates.yaml"
        )


def test_json_lists_the_replaced_ids(folders) -> None:
    one, _ = folders
    runner = CliRunner()
    replaced = json.loads(runner.invoke(cli, ["assess", RESORT, "--format", "json", "--rules", str(one)]).stdout)
    assert replaced["overrides"] == ["gate-mobilize"]
    plain = runner.invoke(cli, ["assess", RESORT, "--format", "json"])
    assert json.loads(plain.stdout)["overrides"] == []
    assert plain.stderr == ""


def test_the_warning_in_a_real_process(folders) -> None:
    one, _ = folders
    done = run_cxm("assess", RESORT, "--rules", str(one))
    assert done.returncode == 0
    assert done.stderr == (
        f"warning: {one / 'override.yaml'}:2:9: rules[0].id: rule 'gate-mobilize' overrides "
        "the one in rules/stage/gates.yaml\n"
    )
    assert done.stdout.startswith("CX maturity assessment:")
