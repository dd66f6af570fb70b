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
    code = (
        "import sys; sys.modules['durable_rules_engine'] = None; from cxm.cli.main import main; "
        f"sys.argv = ['cxm', 'assess', {str(example('article-1-wellness-resort'))!r}]; main()"
    )
    env = {**os.environ, "CXM_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    version = ".".join(map(str, sys.version_info[:3]))
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        f"error: cannot load the durable-rules engine on Python {version}: import of durable_rules_engine halted; "
        "None in sys.modules. Rebuild it with: "
        f'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject -O2" {shlex.quote(sys.executable)} -m pip install '
        "--no-cache-dir --force-reinstall --no-deps durable-rules==2.0.28\n"
    )


def test_python_m_cxm_runs_the_command(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cxm", "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "cxm, version 0.1.0\n", "")


def _readme_setup() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Set up", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_the_readme_setup_builds_durable_rules_as_the_rebuild_command_does() -> None:
    import tomllib

    from cxm.engine.runtime.host import BUILD_FLAGS

    first, second = _readme_setup()
    start = f'python3 -m venv .venv && CPPFLAGS="{BUILD_FLAGS}" .venv/bin/pip install -q --no-cache-dir '
    assert first == start + ". && .venv/bin/cxm assess facts/examples/article-1-wellness-resort.yaml"
    assert second == start + "'.[test,dask,pdf,bench]' && .venv/bin/python -m pytest -q"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["uv"]["extra-build-variables"] == {"durable-rules": {"CPPFLAGS": BUILD_FLAGS}}
    assert project["project"]["requires-python"] == ">=3.11,<3.15"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "grep -A1 '^# 2\\. install and run the whole test suite' README.md" in ci  # CI runs the README's line
    assert "# 2. install and run the whole test suite\n" + second in (ROOT / "README.md").read_text(encoding="utf-8")


def test_shell_completion_as_the_readme_documents_it() -> None:
    cxm = Path(sys.executable).parent / "cxm"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shell, marker in [
        ("bash", "complete -o nosort -F _cxm_completion cxm"),
        ("zsh", "#compdef cxm"),
        ("fish", "complete --no-files --command cxm"),
    ]:
        assert f"_CXM_COMPLETE={shell}_source cxm" in readme
        proc = subprocess.run(
            [str(cxm)],
            env={**os.environ, "_CXM_COMPLETE": f"{shell}_source"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0 and marker in proc.stdout, proc.stdout + proc.stderr
    proc = subprocess.run(
        [str(cxm)],
        env={**os.environ, "_CXM_COMPLETE": "bash_complete", "COMP_WORDS": "cxm ass", "COMP_CWORD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout == "plain,assess\n"
    proc = subprocess.run(
        [str(cxm)],
        env={**os.environ, "_CXM_COMPLETE": "bash_complete", "COMP_WORDS": "cxm rules au", "COMP_CWORD": "2"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout == "plain,audit\n"  # a command of a module imported only when used
