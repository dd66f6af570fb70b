"""Outputs (RELIABILITY.md: device nodes and special outputs, batch --summary, portfolio, survey --into): a device,
a FIFO or a link named as an output is written to, never replaced; an output that is also an input or another
output of the same run is refused before any work; a folder that cannot be written is found before the run.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from cxm.cli.main import cli
from tests.conftest import EXAMPLES, ROOT, example

RESPONSES = EXAMPLES / "survey" / "responses.csv"
COMPANIES = EXAMPLES / "portfolio" / "companies.jsonl"
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root (CI runs as root)")


def _null(path: Path) -> Path:
    """A device node like /dev/null (character device 1:3), made in the test's own folder."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return path


def _is_device(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


@root_only
def test_DN_survey_o_chardev_owner_is_written_to_not_replaced(runner, tmp_path: Path) -> None:
    null = _null(tmp_path / "null")
    result = runner.invoke(cli, ["survey", str(RESPONSES), "-o", str(null)])
    assert result.exit_code == 0, result.output
    assert _is_device(null) and os.stat(null).st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary file left beside it


@root_only
def test_DN_batch_errors_chardev_owner_is_written_to_not_replaced(runner, tmp_path: Path) -> None:
    null = _null(tmp_path / "null")
    src = tmp_path / "in.jsonl"
    src.write_text(COMPANIES.read_text(encoding="utf-8").splitlines()[0] + "\n{}\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--errors", str(null)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"errors: {null}\n1 assessed, 1 errors\n")
    assert _is_device(null)
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_a_fifo_output_is_written_to(runner, tmp_path: Path) -> None:
    fifo = tmp_path / "out.yaml"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = runner.invoke(cli, ["survey", str(RESPONSES), "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert yaml.safe_load(got[0].decode("utf-8"))  # the fragment went through the FIFO


def test_DN_survey_o_stdout_link_stays_a_link(tmp_path: Path) -> None:
    # /dev/stdout is a link to /proc/self/fd/1; a link of the test's own stands in for it
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    proc = subprocess.run(
        [sys.executable, "-m", "cxm.cli", "survey", str(RESPONSES), "-o", str(link)],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    fragment = yaml.safe_load(proc.stdout.decode("utf-8").rsplit("\n", 2)[0])
    assert list(fragment) == ["Regional credit organisation (article, company 2)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stdout"]


def test_SVI_into_symlink_keeps_the_link_and_merges_into_its_target(runner, tmp_path: Path) -> None:
    # CONCERN SVI-into-symlink, decided: a link given to --into stays a link; the file it points to is merged
    target = tmp_path / "lender.yaml"
    target.write_text(example("article-2-regional-lender").read_text(encoding="utf-8"), encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(target.name)
    result = runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "lender.yaml"
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["self_assessment"]["survey"]["respondents"] == 12


def test_SVI_into_json_stays_json(runner, tmp_path: Path) -> None:
    facts = yaml.safe_load(example("article-2-regional-lender").read_text(encoding="utf-8"))
    into = tmp_path / "lender.json"
    into.write_text(json.dumps(facts, indent=2), encoding="utf-8")
    result = runner.invoke(cli, ["survey", str(RESPONSES), "--into", str(into)])
    assert result.exit_code == 0, result.output
    merged = json.loads(into.read_text(encoding="utf-8"))  # strict JSON, not YAML flow syntax
    assert merged["self_assessment"]["leadership"] == [3, 3, 3, 3, 3]
    assert {k: v for k, v in merged.items() if k != "self_assessment"} == facts
    assessed = runner.invoke(cli, ["assess", str(into)])
    assert assessed.exit_code == 0, assessed.output


def test_BSUM_errors_is_summary_is_refused_before_the_run(runner, tmp_path: Path) -> None:
    same = tmp_path / "x.md"
    same.write_text("29 error lines\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        cli, ["batch", str(COMPANIES), "-o", str(out), "--errors", str(same), "--summary", str(same)]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --summary: {same} would overwrite the errors "
        f"file {same}; write the portfolio elsewhere"
    )
    assert same.read_text(encoding="utf-8") == "29 error lines\n" and not out.exists()


def test_BSUM_summary_chart_onto_the_input_is_refused(runner, tmp_path: Path) -> None:
    src = tmp_path / "s.stages.svg"  # the Markdown summary s.md would write its stage chart here
    src.write_text(COMPANIES.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(
        cli,
        [
            "batch",
            str(src),
            "--input-format",
            "jsonl",
            "-o",
            str(tmp_path / "o.jsonl"),
            "--summary",
            str(tmp_path / "s.md"),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --summary: {src} would overwrite INPUT {src}; write the portfolio elsewhere"
    )


def test_BSUM_all_rows_bad_says_the_summary_is_not_written(runner, tmp_path: Path) -> None:
    # CONCERN BSUM-all-rows-bad, decided: a summary of no company is not written, and the run says so (an
    # earlier summary file is left as it was: it is not this run's, and nothing replaces it)
    src = tmp_path / "in.jsonl"
    src.write_text("{}\n{}\n", encoding="utf-8")
    summary = tmp_path / "s.html"
    summary.write_text("old\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--summary", str(summary)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-2:] == [
        "0 assessed, 2 errors",
        "summary: not written, no row was assessed (the file there is left as it was)",
    ]
    assert summary.read_text(encoding="utf-8") == "old\n"


def test_PF_chart_overwrites_input_is_refused(runner, tmp_path: Path) -> None:
    src = tmp_path / "p.stages.svg"
    src.write_text((EXAMPLES / "portfolio" / "results.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    before = src.read_bytes()
    result = runner.invoke(cli, ["portfolio", str(src), "-o", str(tmp_path / "p.md")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for -o/--output: {src} would overwrite the input {src}; write the portfolio elsewhere"
    )
    assert src.read_bytes() == before and not (tmp_path / "p.md").exists()


def test_DN_batch_errors_under_a_file_fails_before_the_run(runner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(out), "--errors", str(blocker / "errors.txt")])
    assert result.exit_code == 1
    assert result.stderr == f"error: {blocker}: not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # neither OUTPUT nor OUTPUT.partial


def _immutable(folder: Path, on: bool) -> bool:
    """``chattr +i``: not even root may create a file in the folder (a folder a user cannot write, for a test
    running as root)."""
    try:
        return subprocess.run(["chattr", "+i" if on else "-i", str(folder)], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def test_DN_batch_errors_unwritable_dir_fails_before_the_run(tmp_path: Path) -> None:
    work, locked = tmp_path / "work", tmp_path / "locked"
    work.mkdir()
    locked.mkdir()
    if os.geteuid() == 0 and not _immutable(locked, True):
        pytest.skip("needs chattr +i to make a folder root cannot write")
    if os.geteuid() != 0:
        locked.chmod(0o555)
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "cxm.cli",
                "batch",
                str(COMPANIES),
                "-o",
                str(work / "out.jsonl"),
                "--errors",
                str(locked / "errors.txt"),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        _immutable(locked, False)
        locked.chmod(0o755)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == f"error: {locked}: cannot write in this folder\n"
    assert list(work.iterdir()) == []  # neither OUTPUT nor OUTPUT.partial
