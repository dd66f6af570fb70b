"""Every supported Python (3.11 to 3.14): an engine that cannot be imported names the command that rebuilds it,
and ``python -m cxm`` runs the command."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, example


def test_an_engine_that_cannot_load_names_the_rebuild_command(tmp_path: Path) -> None:
    # as on Python 3.13 with durable-rules built without the define: its C extension does not import
    code = ("import sys; sys.modules['durable_rules_engine'] = None; from cxm.cli.main import main; "
            f"sys.argv = ['cxm', 'assess', {str(example('article-1-wellness-resort'))!r}]; main()")
    env = {**os.environ, "CXM_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    version = ".".join(map(str, sys.version_info[:3]))
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        f"error: cannot load the durable-rules engine on Python {version}: import of durable_rules_engine halted; "
        "None in sys.modules. Rebuild it with: "
        f'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject -O2" {shlex.quote(sys.executable)} -m pip install '
        "--no-cache-dir --force-reinstall --no-deps durable-rules==2.0.28\n")


def test_python_m_cxm_runs_the_command(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "cxm", "--version"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "cxm, version 0.1.0\n", "")
