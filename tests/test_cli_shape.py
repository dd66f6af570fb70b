"""The command line's shape (issue 24): commands declared in one table and imported when invoked, formats
chosen in one registry, start-up ended in one place, small modules, simple functions."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import click
import pytest

from cxm.cli import formats
from cxm.cli.main import COMMANDS, cli
from tests.conftest import ROOT

CLI = sorted((ROOT / "cli").glob("*.py"))


def test_importing_the_group_imports_no_command() -> None:
    code = "import sys, cxm.cli.main; print(sorted(m for m in sys.modules if m.startswith('cxm.cli.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "['cxm.cli.main']"


def test_every_command_of_the_table_is_the_command_of_its_name() -> None:
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command), name
    assert sorted(cli.list_commands(ctx)) == sorted(COMMANDS)


@pytest.mark.parametrize("path", CLI, ids=lambda p: p.name)
def test_no_command_module_compares_a_format_or_ends_start_up(path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name != "formats.py":
        assert not re.search(r"\bfmt\s*[!=]=", text), f"{path.name}: a format is chosen in cxm.cli.formats"
    if path.name not in ("session.py", "main.py"):
        assert "started()" not in text, f"{path.name}: start-up ends in cxm.cli.session.engine or the group"


@pytest.mark.parametrize("path", CLI, ids=lambda p: p.name)
def test_no_cli_module_is_over_400_lines(path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_no_cli_function_is_over_complexity_20() -> None:
    ruff = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    proc = subprocess.run(
        [ruff, "check", "--no-cache", "--select", "C901", "--config", "lint.mccabe.max-complexity=20", "cli"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout


def test_a_kind_picks_the_producer_of_each_format_and_takes_registered_writers() -> None:
    kind = formats.Kind("demo", (formats.Format("a", (".a",)), formats.Format("b", (".b", ".bb"))))
    assert kind.by_suffix("out.BB") == "b" and kind.by_suffix("out.c") is None
    assert kind.pick("b", {"a": lambda: 1, "b": lambda: 2}) == 2
    with pytest.raises(TypeError, match="no producer for the demo format"):
        kind.pick("a", {"a": lambda: 1})  # every format must have one, not only the one asked for
    with pytest.raises(KeyError):
        kind.register("c")

    @kind.register("a")
    def write_a() -> str:
        return "written"

    assert kind.writer("a")() == "written"
    assert formats.BATCH.by_suffix("results.ndjson") == "jsonl"  # as facts.tabular reads a batch's output


def test_portfolio_and_survey_follow_cxm_lang(runner, monkeypatch, tmp_path) -> None:
    """Every command takes its language from --lang, else CXM_LANG, else the locale (these two took English)."""
    monkeypatch.setenv("CXM_LANG", "ru")
    survey = runner.invoke(cli, ["survey", str(ROOT / "facts" / "examples" / "survey" / "responses.csv")])
    assert survey.exit_code == 0, survey.output
    assert survey.stderr.startswith("Учтено респондентов: ")
    out = tmp_path / "p.html"
    results = ROOT / "facts" / "examples" / "portfolio" / "results.jsonl"
    page = runner.invoke(cli, ["portfolio", str(results), "-o", str(out)])
    assert page.exit_code == 0, page.output
    assert "Портфель: зрелость клиентского опыта" in out.read_text(encoding="utf-8")
    english = runner.invoke(cli, ["portfolio", str(results), "-o", str(out), "--lang", "en"])
    assert english.exit_code == 0 and "CX maturity portfolio" in out.read_text(encoding="utf-8")
