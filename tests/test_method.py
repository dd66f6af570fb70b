"""The stage method lives in rule files: changing a band in a copy of the rules moves the stage."""

from __future__ import annotations

import shutil
from pathlib import Path

from cxm.engine.services.api import Engine
from cxm.rules import BUILTIN_DIR
from tests.conftest import example


def test_moving_a_band_in_a_copy_of_the_rules_moves_the_stage(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(BUILTIN_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    bands = copy / "stage" / "bands.yaml"
    text = bands.read_text(encoding="utf-8")
    assert "when: {cx_score: {between: [8, 11]}}" in text
    text = text.replace("when: {cx_score: {between: [8, 11]}}", "when: {cx_score: {between: [9, 11]}}")
    text = text.replace("when: {cx_score: {between: [4, 7]}}", "when: {cx_score: {between: [4, 8]}}")
    bands.write_text(text, encoding="utf-8")

    company = example("article-1-wellness-resort")  # levels 2, 2, 2, 2: a score of 8
    assert Engine().assess_file(company).stage.id == "explore"
    moved = Engine([copy], builtin=False).assess_file(company)
    assert moved.stage.id == "ignore"
    assert moved.stage.rules == ["stage-from-score"]
    assert "band-ignore" in moved.stage.chain.rules
    assert "band-explore" not in moved.stage.chain.rules
