"""On Python 3.13 the install stops with a clear message about durable-rules, not a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _python313() -> str | None:
    """A Python 3.13 from $CXM_PYTHON313 or from PATH (``python3.13``) that runs, else None."""
    found = os.environ.get("CXM_PYTHON313") or shutil.which("python3.13")
    if found and subprocess.run([found, "--version"], capture_output=True).returncode == 0:
        return found
    return None


PY313 = _python313()


@pytest.mark.slow
@pytest.mark.skipif(PY313 is None, reason="no python3.13 on PATH (or set CXM_PYTHON313 to one)")
def test_install_on_python_313_explains_durable_rules(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([PY313, "-m", "venv", str(venv)], check=True, timeout=120)
    proc = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-deps", str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert ("cx-maturity needs Python 3.11 or 3.12. Its rule engine, durable-rules 2.0.28 (the last release), "
            "builds on Python 3.13 but cannot be imported there") in output
    assert "Traceback" not in output
