"""The batch journal (RELIABILITY.md: batch resume, full disk): an input edited during a run is said, an input
edited between runs is not resumed even when its size and time are kept, and a journal that cannot be
written is named with --resume.

Decisions (CONCERNs ``BK-input-edited-during-run``, ``BK-resume-input-changed-same-size-mtime``,
``DF-batch-journal-full``): the journal's stamp holds the input file's bytes (a hash; one more read of the
input) besides its size and time, and is compared again once the rows are read; a folder input keeps its
files' names, sizes and times only.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from cxm.cli.main import cli
from cxm.engine.services import batch
from cxm.engine.services.batch import rows as batch_rows
from cxm.engine.services.batch import run as batch_run
from tests.conftest import EXAMPLES, ROOT

COMPANIES = EXAMPLES / "portfolio" / "companies.jsonl"


def _input(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    src.write_bytes(COMPANIES.read_bytes())
    return src


def test_BK_input_edited_during_run_is_said(runner, tmp_path: Path, monkeypatch) -> None:
    src = _input(tmp_path)
    real = batch_rows.load_row
    edited: list[bool] = []

    def load_and_edit(source, raw):
        if not edited:  # an editor saves the input while the run reads it
            edited.append(True)
            with src.open("a", encoding="utf-8") as handle:
                handle.write(COMPANIES.read_text(encoding="utf-8").splitlines()[0] + "\n")
        return real(source, raw)

    monkeypatch.setattr(batch_rows, "load_row", load_and_edit)
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"warning: {src} changed during the run; the results may mix rows of "
        "its old and new contents: run again with --restart"
    )


def test_an_unedited_input_gives_no_warning(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["batch", str(_input(tmp_path)), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0 and "changed during the run" not in result.stderr


def test_BK_resume_input_changed_same_size_mtime_is_not_resumed(runner, tmp_path: Path, monkeypatch) -> None:
    src = _input(tmp_path)
    out = tmp_path / "out.jsonl"
    journal = tmp_path / "out.jsonl.partial"

    def interrupted(journal_path, *args, **kwargs):  # every row is journalled, then the run is stopped
        raise batch.Interrupted(journal_path)

    monkeypatch.setattr(batch_run, "finish", interrupted)
    first = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert first.exit_code == 1 and journal.exists()
    monkeypatch.undo()
    st = src.stat()
    text = src.read_text(encoding="utf-8")
    src.write_text(text.replace("Client 01", "Client XY", 1), encoding="utf-8")  # same size
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))  # same time
    assert src.stat().st_size == st.st_size and src.stat().st_mtime_ns == st.st_mtime_ns
    again = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume"])
    assert again.exit_code == 2
    assert again.stderr == (
        f"error: {journal}: this journal belongs to another input or rule set; run with --restart to start over\n"
    )


def test_DF_batch_journal_full_names_the_journal_and_resume(tmp_path: Path) -> None:
    src = _input(tmp_path)
    out = tmp_path / "out.jsonl"

    def limit() -> None:  # the journal's first chunk of rows does not fit
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

    proc = subprocess.run(
        [sys.executable, "-m", "cxm.cli", "batch", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        preexec_fn=limit,
    )
    assert proc.returncode == 1
    journal = tmp_path / "out.jsonl.partial"
    assert proc.stderr == (
        f"error: cannot write the journal {journal}: File too large; the rows finished before are "
        "kept in it: make room and continue with --resume\n"
    )
    assert not out.exists()
