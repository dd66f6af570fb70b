"""The layers hold: import-linter's contracts (pyproject.toml) are kept, on the source tree as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CODE = ("engine", "facts", "rules", "cli")


def _lint_imports(tree: Path, source: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on a ``cxm`` namespace made of links to the code folders under ``source``."""
    package = tree / "cxm"
    package.mkdir(parents=True)
    # a regular package, so that an installed cxm (a namespace package) cannot lend it modules
    (package / "__init__.py").write_text("", encoding="utf-8")
    for name in CODE:
        (package / name).symlink_to(source / name, target_is_directory=True)
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([command, "--no-cache", str(ROOT / "pyproject.toml")], capture_output=True,
                          text=True, cwd=tree, env=env, timeout=300)


def test_import_contracts_are_kept(tmp_path: Path) -> None:
    proc = _lint_imports(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 5 kept, 0 broken." in proc.stdout


def test_a_layer_importing_upward_breaks_a_contract(tmp_path: Path) -> None:
    """The check can fail: a copy of the code where the language layer imports the services layer."""
    for name in CODE:
        shutil.copytree(ROOT / name, tmp_path / "src" / name, ignore=shutil.ignore_patterns("__pycache__"))
    terms = tmp_path / "src" / "engine" / "language" / "terms.py"
    terms.write_text(terms.read_text(encoding="utf-8") + "\nfrom cxm.engine.services import api  # noqa\n",
                     encoding="utf-8")
    proc = _lint_imports(tmp_path / "tree", tmp_path / "src")
    assert proc.returncode == 1
    assert "the engine's layers point one way BROKEN" in proc.stdout
    assert "cxm.engine.language.terms -> cxm.engine.services.api" in proc.stdout


def test_a_cycle_in_the_cli_or_a_lower_layer_from_it_breaks_a_contract(tmp_path: Path) -> None:
    """The CLI's contracts can fail: a copy where two of its modules import each other, and where one of them
    imports the knowledge layer instead of going through services."""
    for name in CODE:
        shutil.copytree(ROOT / name, tmp_path / "src" / name, ignore=shutil.ignore_patterns("__pycache__"))
    options = tmp_path / "src" / "cli" / "options.py"  # cli/assess.py imports cli/options.py
    options.write_text(options.read_text(encoding="utf-8") + "\nfrom cxm.cli import assess  # noqa\n",
                       encoding="utf-8")
    render = tmp_path / "src" / "cli" / "render.py"
    render.write_text(render.read_text(encoding="utf-8") + "\nfrom cxm.engine.knowledge import cache  # noqa\n",
                      encoding="utf-8")
    proc = _lint_imports(tmp_path / "tree", tmp_path / "src")
    assert proc.returncode == 1
    out = " ".join(proc.stdout.split())
    assert "the CLI's modules import one another without a cycle BROKEN" in out
    assert ("the CLI reaches the engine's language, knowledge, runtime and explain layers only through services "
            "BROKEN") in out
    assert "cxm.cli.render -> cxm.engine.knowledge.cache" in out
