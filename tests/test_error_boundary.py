"""One error boundary: every command's errors are printed by cxm.cli.errors.handle and mapped to 0, 1 or 2."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from cxm.cli.main import cli
from tests.conftest import ROOT, example, run_cxm

BAD_RULES = "rules:\n  - id: Not-Kebab\n"


def _cases(tmp: Path) -> list[tuple[list[str], int, str]]:
    """(arguments, exit code, the one line on stderr) for one error of every command."""
    facts = tmp / "bad.yaml"
    good = str(example("article-1-wellness-resort"))
    facts.write_text(
        Path(good).read_text(encoding="utf-8").replace("  employees: 45\n", "  employees: many\n"), encoding="utf-8"
    )
    rules = tmp / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(BAD_RULES, encoding="utf-8")
    csv = tmp / "in.csv"
    csv.write_text("company.nam\nX\n", encoding="utf-8")
    db = str(tmp / "h.sqlite3")
    located = f"{facts}:7:14: company.employees: expected a whole number, got 'many'"
    rule_missing = f"{rules}/bad.yaml:2:5: rules[0].because: required field is missing"
    return [
        (["assess", str(facts)], 2, located),
        (["why", str(facts), "stage"], 2, located),
        (
            ["why", good, "no-such-thing"],
            2,
            "error: unknown target 'no-such-thing'; give 'stage', a competency or a recommendation id",
        ),
        (["why-not", str(facts), "enps-survey"], 2, located),
        (["what-if", good, "--set", "company.nope=1"], 2, "error: --set company.nope=1: unknown fact 'company.nope'"),
        (["report", str(facts), "-o", str(tmp / "r.html")], 2, located),
        (["batch", str(csv), "-o", str(tmp / "o.jsonl")], 2, "error: {csv}:1:1: unknown column 'company.nam'"),
        (["interview", "--from", str(facts), "-o", str(tmp / "i.yaml")], 2, located),
        (
            ["history", "Nobody", "--db", db],
            1,
            f"error: no saved assessment of 'Nobody' in {db}; the database has no assessment yet",
        ),
        (
            ["plan", "Nobody", "--db", db],
            1,
            f"error: no saved assessment of 'Nobody' in {db}; the database has no assessment yet",
        ),
        (["rules", "test", "--rules", str(rules)], 2, rule_missing),
        (["rules", "list", "--rules", str(rules)], 2, rule_missing),
        (["rules", "show", "no-such-rule"], 2, "error: no rule or recommendation 'no-such-rule'"),
        (["rules", "graph", "--rules", str(rules)], 2, rule_missing),
        (["rules", "doc", "--rules", str(rules), "-o", str(tmp / "docs")], 2, rule_missing),
        (["rules", "lint", "--explain", "CXL999"], 2, "error: unknown check 'CXL999'"),
    ]


def _first_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_every_command_reports_its_error_through_the_boundary(runner, tmp_path: Path) -> None:
    for args, code, line in _cases(tmp_path):
        result = runner.invoke(cli, args)
        assert result.exit_code == code, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        err = _first_lines(result.stderr)
        assert err and err[0].startswith(line.replace("{csv}", str(tmp_path / "in.csv"))), (args, err)
        assert "Traceback" not in result.output
        assert result.stdout == "", (args, result.stdout)


def test_the_boundary_in_a_real_process(tmp_path: Path) -> None:
    args, code, line = _cases(tmp_path)[0]
    proc = run_cxm(*args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (code, "", line + "\n")


def test_lint_findings_exit_1_and_a_clean_base_exits_0(runner, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(BAD_RULES, encoding="utf-8")
    found = runner.invoke(cli, ["rules", "lint", "--rules", str(rules)])
    assert found.exit_code == 1
    assert found.stdout.splitlines()[0].startswith(f"{rules}/bad.yaml:2:5: CXL")
    assert runner.invoke(cli, ["rules", "lint"]).exit_code == 0


@pytest.mark.parametrize("path", sorted((ROOT / "cli").glob("*.py")), ids=lambda p: p.name)
def test_no_command_leaves_on_its_own(path: Path) -> None:
    """Only cxm.cli.errors chooses exit codes: no command calls sys.exit or raises SystemExit or ClickException."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # the entry point `main` refuses Python 3.13 before any command runs: it alone may call sys.exit
    entry = {id(n) for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "main" for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and id(node) not in entry:
            name = f"{getattr(node.func.value, 'id', '?')}.{node.func.attr}"
            assert name not in ("sys.exit", "ctx.exit"), f"{path.name}:{node.lineno}: {name}"
        if isinstance(node, ast.Raise) and node.exc is not None:
            text = ast.unparse(node.exc)
            allowed = path.name == "main.py" and text.startswith("click.exceptions.Exit(code)")  # the boundary
            assert allowed or not text.startswith(("SystemExit", "click.ClickException", "click.exceptions.Exit")), (
                f"{path.name}:{node.lineno}: raise {text}"
            )


def test_one_base_carries_every_error_and_its_exit_code() -> None:
    """The boundary is one isinstance: each error the project raises for its users is a CxmError with its code."""
    from cxm.cli.errors import Failure, Findings, Rejected, handle
    from cxm.engine.base.errors import EngineError, EngineUnavailable
    from cxm.engine.services.api import TargetError
    from cxm.engine.services.batch import BatchError
    from cxm.engine.services.history import HistoryError, StoreError
    from cxm.engine.services.journal import JournalError
    from cxm.engine.services.portfolio import PortfolioError
    from cxm.facts.errors import CxmError, ProblemsError
    from cxm.facts.source import SourceError
    from cxm.facts.survey import SurveyError
    from cxm.facts.tabular import TableError

    # 2: the input is bad; 1: something that is not the input's fault failed, or the command found problems
    codes = {
        SourceError: 2,
        SurveyError: 2,
        TableError: 2,
        BatchError: 2,
        JournalError: 2,
        PortfolioError: 2,
        TargetError: 2,
        Rejected: 2,
        EngineError: 1,
        EngineUnavailable: 1,
        HistoryError: 1,
        StoreError: 1,
        Failure: 1,
        Findings: 1,
    }
    assert {kind: kind.exit_code for kind in codes if issubclass(kind, CxmError)} == codes
    # a batch, journal or portfolio input is not a table the facts reader could not read: siblings, not subclasses
    for kind in (BatchError, JournalError, PortfolioError):
        assert issubclass(kind, ProblemsError) and not issubclass(kind, TableError), kind
    source = inspect.getsource(handle)
    assert source.count("isinstance(") == 2 and "sys.modules" not in source  # CxmError, then OSError


@pytest.mark.parametrize(
    ("error", "code", "lines"),
    [
        ("history", 1, ["error: no such company"]),
        ("batch", 2, ["error: in.csv: bad header", "error: in.csv: no rows"]),
        ("target", 2, ["error: unknown target 'x'"]),
    ],
)
def test_the_boundary_prints_each_kind_its_way(error: str, code: int, lines: list[str], capsys) -> None:
    from cxm.cli.errors import handle
    from cxm.engine.services.api import TargetError
    from cxm.engine.services.batch import BatchError
    from cxm.engine.services.history import HistoryError

    exc = {
        "history": HistoryError("no such company"),
        "batch": BatchError(["in.csv: bad header", "in.csv: no rows"]),
        "target": TargetError("unknown target 'x'"),
    }[error]
    assert handle(exc) == code
    assert capsys.readouterr().err.splitlines() == lines
