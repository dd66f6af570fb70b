"""The types hold: mypy, run as docs/TESTING.md says (``mypy`` from the root, pyproject.toml's [tool.mypy]), finds no
error in cxm.engine and cxm.facts, and it reads the working tree: a type error in a new file is found."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, require


def _mypy(root: Path) -> subprocess.CompletedProcess[str]:
    require("mypy", "mypy (the test extra)")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    return subprocess.run(
        [sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=root, env=env, timeout=600
    )


def test_the_engine_and_the_facts_type_check() -> None:
    proc = _mypy(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found in "), proc.stdout


def test_a_type_error_in_a_new_file_is_found(tmp_path: Path) -> None:
    copy = tmp_path / "checkout"
    for name in ("engine", "facts", "rules", "cli"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "cxm", copy / "cxm", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "facts" / "typo.py").write_text('"""A new module."""\n\nCOUNT: int = "three"\n', encoding="utf-8")
    proc = _mypy(copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        'cxm/facts/typo.py:3: error: Incompatible types in assignment (expression has type "str", variable has '
        'type "int")  [assignment]' in proc.stdout
    )
