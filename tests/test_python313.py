"""On Python 3.13 the install stops with a clear message about durable-rules, not a traceback."""

from __future__ import annotations

import glob
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _python313() -> str | None:
    found = shutil.which("python3.13")
    candidates = ([found] if found else []) + sorted(glob.glob("/root/.pyenv/versions/3.13*/bin/python3.13"))
    for candidate in candidates:
        probe = subprocess.run([candidate, "--version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return candidate
    return None


PY313 = _python313()


@pytest.mark.skipif(PY313 is None, reason="no Python 3.13 on this machine")
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
