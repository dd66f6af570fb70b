"""engine/base/atomic.py: a write that fails leaves the old file (or none) and no temporary file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxm.engine.base import atomic


def test_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.json"
    atomic.write_text(target, "old")
    atomic.write_text(target, "new ☺")
    assert target.read_text(encoding="utf-8") == "new ☺"
    atomic.write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(os.listdir(target.parent)) == ["out.json"]


def test_a_failure_mid_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old contents", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic.atomic_open(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("disk on fire")
    assert target.read_text(encoding="utf-8") == "old contents"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_a_failure_leaves_no_file_when_there_was_none(tmp_path: Path) -> None:
    target = tmp_path / "new.txt"
    with pytest.raises(KeyboardInterrupt), atomic.atomic_open(target) as handle:
        handle.write("x")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_a_failing_replace_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OSError):
        atomic.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_an_unencodable_text_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic.write_text(target, "bad \ud800 surrogate")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "report.html", "shared")
        os.umask(0o027)
        atomic.write_bytes(tmp_path / "chart.svg", b"<svg/>")
    finally:
        os.umask(old)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "chart.svg").stat().st_mode & 0o777 == 0o640


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "facts.yaml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o604)
    atomic.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o604


def test_a_report_written_by_cxm_is_readable_by_others(tmp_path: Path) -> None:
    from tests.conftest import example, run_cxm

    old = os.umask(0o022)
    try:
        done = run_cxm("report", str(example("article-1-wellness-resort")), "-o", str(tmp_path / "resort.html"))
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "resort.html").stat().st_mode & 0o777 == 0o644
