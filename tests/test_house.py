"""The house rules of issue 24 on the engine and the whole tree: small modules, simple functions, one formatter,
and output formats chosen in registries, never by comparing a format's name in a command."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

ENGINE = sorted((ROOT / "engine").rglob("*.py"))


def _ruff() -> str:
    ruff = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    return ruff


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_engine_module_is_over_400_lines(path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_no_function_of_the_engine_or_the_facts_is_over_complexity_20() -> None:
    proc = subprocess.run(
        [
            _ruff(),
            "check",
            "--no-cache",
            "--select",
            "C901",
            "--config",
            "lint.mccabe.max-complexity=20",
            "engine",
            "facts",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout


def test_the_tree_is_formatted() -> None:
    proc = subprocess.run([_ruff(), "format", "--check", "--no-cache", "."], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout


def test_no_command_compares_a_format_name() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for folder in ("cli", "engine")
        for p in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bfmt ==", line)
    ]
    assert found == []
