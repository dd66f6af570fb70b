"""`cxm rules audit` and `cxm batch` show a progress bar on stderr when it is a terminal, and nothing otherwise."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from cxm.facts.generate import write
from tests.conftest import ROOT


def _run(args: list[str], tmp_path: Path, tty: bool) -> tuple[int, str, str]:
    """Run cxm with stderr on a pseudo-terminal (``tty``) or a pipe: exit code, stdout, stderr."""
    env = {
        **os.environ,
        "CXM_CACHE_DIR": os.environ.get("CXM_CACHE_DIR", str(tmp_path / "cache")),
        "COLUMNS": "100",
        "TERM": "dumb",
    }
    command = [sys.executable, "-m", "cxm.cli", *args]
    if not tty:
        proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
        return proc.returncode, proc.stdout, proc.stderr
    main, child = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=child, cwd=ROOT, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    out = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait(timeout=300)
    os.close(main)
    return code, out, b"".join(chunks).decode(errors="replace")


@pytest.mark.slow  # two processes each
def test_audit_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    args = ["rules", "audit", "--profiles", "3", "--max", "100", "-o", str(tmp_path / "worst")]
    code, out, err = _run(args, tmp_path, tty=True)
    assert code == 0, err
    assert "Auditing" in err and "100%" in err  # the bar, filled: 12 examples, 3 + 3 profiles and 40 extremes
    assert out.startswith(
        "Audit of 58 companies: 15 generated (seed 7, with the 12 examples), 3 with a maturity "
        "per section (seed 7), 40 extremes"
    )
    code, quiet_out, quiet_err = _run(args, tmp_path, tty=False)
    assert (code, quiet_out, quiet_err) == (0, out, "")


@pytest.mark.slow
def test_batch_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    companies = write(tmp_path / "in.csv", 5)
    code, _, err = _run(["batch", str(companies), "-o", str(tmp_path / "a.jsonl")], tmp_path, tty=True)
    assert code == 0, err
    assert "Assessing" in err and "100%" in err
    assert err.replace("\r\n", "\n").endswith("5 assessed, 0 errors\n")
    code, _, quiet = _run(["batch", str(companies), "-o", str(tmp_path / "b.jsonl")], tmp_path, tty=False)
    assert (code, quiet) == (0, "5 assessed, 0 errors\n")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
