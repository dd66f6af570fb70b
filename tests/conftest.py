"""Shared fixtures: one engine per test session, the example files, and CLI runners."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def run_cxm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``cxm`` as a real subprocess of this interpreter."""
    return subprocess.run([sys.executable, "-m", "cxm.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


