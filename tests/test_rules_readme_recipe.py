"""The rule-test recipe of rules/README.md, run as written: files from its blocks, its shell lines in a real shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from cxm.cli.main import cli
from tests.conftest import ROOT, example

SECTION = (ROOT / "rules" / "README.md").read_text(encoding="utf-8").split("### Rule tests", 1)[1]


def block(label: str, lang: str) -> str:
    after = SECTION.split(label, 1)[1] if label else SECTION
    return after.split(f"```{lang}\n", 1)[1].split("```", 1)[0]


def lay_out(where: Path) -> None:
    folder = where / "my-rules"
    folder.mkdir()
    for name in ("my-rules.yaml", "my-rules.test.yaml"):
        (folder / name).write_text(block(f"`my-rules/{name}`:", "yaml"), encoding="utf-8")
    (where / "facts").symlink_to(ROOT / "facts")


def test_the_recipe_runs_in_a_shell_and_passes(tmp_path: Path) -> None:
    lay_out(tmp_path)
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "cxm").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cxm.cli "$@"\n', encoding="utf-8")
    (shim / "cxm").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    commands = block("", "sh").strip()
    assert commands.startswith("cp facts/examples/article-1-wellness-resort.yaml my-rules/my-company.facts.yaml")
    done = subprocess.run(
        ["bash", "-e", "-c", commands], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "2 passed, 0 failed, 0 todo (2 cases)\n"


def test_a_facts_file_not_named_facts_yaml_is_refused_with_the_rename(runner, tmp_path: Path, monkeypatch) -> None:
    lay_out(tmp_path)
    shutil.copy(example("article-1-wellness-resort"), tmp_path / "my-rules" / "my-company.yaml")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["rules", "test", "--rules", "my-rules", "-k", "my-rules"])
    assert result.exit_code == 2
    assert result.stderr == (
        "my-rules/my-company.yaml:3:1: company: refused: a facts file (a company, and no model, "
        "facts, recommendations or rules), not a rule file; a rules folder reads every *.yaml in "
        "it and below but skips *.facts.yaml: move it out, or rename it my-company.facts.yaml\n"
    )
