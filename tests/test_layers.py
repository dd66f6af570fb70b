"""The layers hold: import-linter's contracts (pyproject.toml) are kept, on the files as they are in the working tree.

`lint-imports`, run from the repository's root, reads the ``cxm`` package through the cxm/ folder's links to the code
folders (docs/TESTING.md): an edit, or a new file, is checked without reinstalling anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

CODE = ("engine", "facts", "rules", "cli")
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` as docs/TESTING.md says: from the checkout's root, with nothing set up for it."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([command, "--no-cache"], capture_output=True, text=True, cwd=root, env=env, timeout=300)


def _checkout(tmp_path: Path) -> Path:
    """A copy of the checkout's code, its cxm/ folder (links kept as links) and its pyproject.toml."""
    copy = tmp_path / "checkout"
    for name in CODE:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "cxm", copy / "cxm", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_cxm_folder_links_the_code_folders() -> None:
    for name in CODE:
        link = ROOT / "cxm" / name
        assert link.is_symlink() and os.readlink(link) == f"../{name}", name
    assert sorted(p.name for p in (ROOT / "cxm").iterdir() if p.name != "__pycache__") == sorted(
        [*CODE, "__init__.py", "__main__.py"]
    )


def test_import_contracts_are_kept() -> None:
    proc = _lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in proc.stdout


def test_a_layer_importing_upward_breaks_a_contract(tmp_path: Path) -> None:
    """The check can fail, on an edited file and on a new one: the language layer imports the services layer."""
    copy = _checkout(tmp_path)
    terms = copy / "engine" / "language" / "terms.py"
    terms.write_text(
        terms.read_text(encoding="utf-8") + "\nfrom cxm.engine.services import api  # noqa\n", encoding="utf-8"
    )
    (copy / "engine" / "language" / "upward.py").write_text(
        "from cxm.engine.explain import why  # noqa\n", encoding="utf-8"
    )
    proc = _lint_imports(copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "the engine's layers point one way BROKEN" in proc.stdout
    assert "cxm.engine.language.terms -> cxm.engine.services.api" in proc.stdout
    assert "cxm.engine.language.upward -> cxm.engine.explain.why" in proc.stdout


def test_explain_and_authoring_stay_apart(tmp_path: Path) -> None:
    """The two sibling layers are independent: authoring importing explain breaks a contract."""
    copy = _checkout(tmp_path)
    (copy / "engine" / "authoring" / "sideways.py").write_text(
        "from cxm.engine.explain import why  # noqa\n", encoding="utf-8"
    )
    proc = _lint_imports(copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "cxm.engine.authoring.sideways -> cxm.engine.explain.why" in proc.stdout


def test_every_engine_package_is_a_layer(tmp_path: Path) -> None:
    """The layers contract is exhaustive: a new sub-package of the engine, not placed in it, breaks it."""
    copy = _checkout(tmp_path)
    (copy / "engine" / "extra").mkdir()
    (copy / "engine" / "extra" / "__init__.py").write_text("", encoding="utf-8")
    proc = _lint_imports(copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "the engine's layers point one way BROKEN" in proc.stdout
    assert "cxm.engine.extra" in proc.stdout


def test_a_cycle_in_the_cli_or_a_lower_layer_from_it_breaks_a_contract(tmp_path: Path) -> None:
    """The CLI's contracts can fail: a copy where two of its modules import each other, and where one of them
    imports the knowledge layer instead of going through services."""
    copy = _checkout(tmp_path)
    options = copy / "cli" / "options.py"  # cli/assess.py imports cli/options.py
    options.write_text(options.read_text(encoding="utf-8") + "\nfrom cxm.cli import assess  # noqa\n", encoding="utf-8")
    render = copy / "cli" / "render.py"
    render.write_text(
        render.read_text(encoding="utf-8") + "\nfrom cxm.engine.knowledge import cache  # noqa\n", encoding="utf-8"
    )
    proc = _lint_imports(copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = " ".join(proc.stdout.split())
    assert "the CLI's modules import one another without a cycle BROKEN" in out
    assert (
        "the CLI reaches the engine's language, knowledge, runtime and explain layers only through services BROKEN"
    ) in out
    assert "cxm.cli.render -> cxm.engine.knowledge.cache" in out
