"""Shared fixtures: one engine per test session, the example files, and CLI runners."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cxm.engine.services.api import Engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "facts" / "examples"
ARTICLE = {
    "article-1-wellness-resort": "explore",
    "article-2-regional-lender": "mobilize",
    "article-3-manufacturer": "operationalize",
}


def require(module: str, what: str) -> Any:
    """``module``, imported; when it cannot be (not installed, or its system library missing), the test is skipped
    saying ``what`` to install, or fails under CI (``CI=true``), whose set-up installs everything."""
    try:
        return importlib.import_module(module)
    except (ImportError, OSError) as exc:  # WeasyPrint raises OSError when Pango cannot be loaded
        missing(f"needs {what} ({module}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__})")


def missing(message: str) -> None:
    """Skip the test for want of what ``message`` names, or fail it under CI (``CI=true``)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; .ci/run installs it")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """--lang follows CXM_LANG and the locale: tests start from neither, so English is the default."""
    for name in ("CXM_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def example(name: str) -> Path:
    """The path of a built-in example, as the repository holds it."""
    path = EXAMPLES / f"{name}.yaml"
    assert path.exists(), path
    return path


def run_cxm(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``cxm`` as a real subprocess of this interpreter (``timeout``: a guard against a hang, in seconds)."""
    return subprocess.run(
        [sys.executable, "-m", "cxm.cli", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout
    )


def slowed_rows(tmp_path: Path, seconds: float) -> dict[str, str]:
    """An environment in which ``cxm batch`` waits ``seconds`` before each row, from outside the product (a
    sitecustomize module wraps ``batch.rows.load_row``): a run long enough to be interrupted."""
    import os

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import time\nfrom cxm.engine.services.batch import rows\n_load_row = rows.load_row\n"
        f"def _slow(source, raw):\n    time.sleep({seconds})\n    return _load_row(source, raw)\n"
        "rows.load_row = _slow\n",
        encoding="utf-8",
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))}


def wait_for_rows(proc: subprocess.Popen, journal: Path, rows: int, seconds: float = 90) -> None:
    """Wait until a running batch's journal holds more than ``rows`` lines (the test fails if it never does)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_bytes().count(b"\n") > rows:
            return
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the batch made no progress")
