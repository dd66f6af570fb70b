"""The compiled rule base is cached by content: a changed rule file is seen, a damaged cache rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

from cxm.engine.api import Engine
from cxm.rules import BUILTIN_DIR
from tests.conftest import example


def test_cache_follows_the_rule_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    monkeypatch.setenv("CXM_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(BUILTIN_DIR, rules, ignore=shutil.ignore_patterns("*.py", "__pycache__", "docs", "*.test.yaml"))
    company = example("article-1-wellness-resort")

    assert Engine([rules], builtin=False).assess_file(company).stage.id == "explore"
    cached = list((tmp_path / "cache").glob("rules-*.pickle"))
    assert len(cached) == 1
    assert Engine([rules], builtin=False).assess_file(company).stage.id == "explore"  # from the cache
    assert list((tmp_path / "cache").glob("rules-*.pickle")) == cached

    bands = rules / "stage" / "bands.yaml"
    text = bands.read_text(encoding="utf-8")
    text = text.replace("{cx_score: {between: [8, 11]}}", "{cx_score: {between: [9, 11]}}")
    bands.write_text(text.replace("{cx_score: {between: [4, 7]}}", "{cx_score: {between: [4, 8]}}"), encoding="utf-8")
    assert Engine([rules], builtin=False).assess_file(company).stage.id == "ignore"
    assert len(list((tmp_path / "cache").glob("rules-*.pickle"))) == 2

    for path in (tmp_path / "cache").glob("rules-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert Engine([rules], builtin=False).assess_file(company).stage.id == "ignore"
