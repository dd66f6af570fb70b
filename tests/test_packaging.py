"""The wheel: built without a warning, licensed MIT (SPDX, with its LICENSE file), and holding the rules, templates
and examples, but no test or benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel `pip wheel --no-deps .` builds (verbose: the build backend's own output shows) and that output."""
    out = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # it makes setuptools warn
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-v", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("cx_maturity-*.whl")
    return built, proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_build_prints_no_warning(wheel) -> None:
    _, output = wheel
    # pip's own "WARNING: Location ... is ignored" lines come from the machine's pip configuration, not the build
    warned = [
        line
        for line in output.splitlines()
        if ("warning" in line.lower() or "would be ignored" in line) and "WARNING: Location" not in line
    ]
    assert warned == []


@pytest.mark.slow
def test_the_wheel_holds_the_data_and_the_licence_but_no_tests(wheel) -> None:
    built, _ = wheel
    names = set(zipfile.ZipFile(built).namelist())
    info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    assert f"{info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(built).read(f"{info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata.splitlines()
    assert zipfile.ZipFile(built).read(f"{info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
    for folder, package, pattern in [
        ("rules", "cxm/rules", "**/*.yaml"),
        ("rules", "cxm/rules", "**/*.md"),
        ("cli/templates", "cxm/cli/templates", "*"),
        ("facts/examples", "cxm/facts/examples", "**/*.*"),
    ]:
        files = {
            f"{package}/{p.relative_to(ROOT / folder).as_posix()}"
            for p in (ROOT / folder).glob(pattern)
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert files and files <= names, sorted(files - names)
    assert {"cxm/__init__.py", "cxm/__main__.py", "cxm/engine/base/errors.py"} <= names  # the files behind the links
    assert [n for n in names if n.split("/")[0] in ("tests", "bench") or "/tests/" in n] == []
    assert [
        n
        for n in names
        if n.startswith("cxm/")
        and n.split("/")[1] not in ("__init__.py", "__main__.py", "cli", "engine", "facts", "rules")
    ] == []
