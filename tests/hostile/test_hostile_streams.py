"""Streams, locales and file names (RELIABILITY.md: full disk / file size limit, locales and file names).

- stdout past ``ulimit -f`` or on a full disk: one line, exit 1 (Python's buffered stdout dropped the rest of a
  short write without a word, exit 0);
- a terminal in Latin-1 or KOI8-R: what it cannot show is ``?``, never a traceback;
- a file name that is not UTF-8: shown with ``\\xNN`` for its bytes, in messages, reports, JSON and the history.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, example

BAD = os.fsdecode(b"co\xff\xfe.yaml")  # a name with two bytes that are not UTF-8
SHOWN = "co\\xff\\xfe.yaml"


def _cxm(*args: str, cwd: Path, env: dict[str, str] | None = None, **options) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cxm.cli", *args],
        capture_output=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        **options,
    )


def test_DF_ulimit_stdout_is_an_error_not_a_cut(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    with out.open("wb") as handle:
        proc = subprocess.run(
            [sys.executable, "-m", "cxm.cli", "schema"],
            stdout=handle,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
            preexec_fn=limit,
        )
    assert proc.returncode == 1
    assert proc.stderr == b"error: cannot write the output: File too large\n"
    assert out.stat().st_size == 4096


def test_full_disk_stdout_is_an_error(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "cxm.cli", "schema"], stdout=full, stderr=subprocess.PIPE, cwd=ROOT, timeout=120
        )
    assert proc.returncode == 1
    assert proc.stderr == b"error: cannot write the output: No space left on device\n"


def test_LC_latin1_en_shows_what_it_cannot_encode_as_a_question_mark(tmp_path: Path) -> None:
    utf8 = _cxm("assess", str(example("article-1-wellness-resort")), cwd=ROOT)
    proc = _cxm("assess", str(example("article-1-wellness-resort")), cwd=ROOT, env={"PYTHONIOENCODING": "latin-1"})
    assert proc.returncode == 0, proc.stderr
    text = utf8.stdout.decode("utf-8")
    assert any(ord(c) > 255 for c in text)  # the English output holds characters Latin-1 has not
    assert proc.stdout.decode("latin-1") == "".join(c if ord(c) < 256 else "?" for c in text)


def test_LC_koi8r_ru_keeps_cyrillic_and_replaces_the_rest(tmp_path: Path) -> None:
    utf8 = _cxm("assess", str(example("article-1-wellness-resort")), "--lang", "ru", cwd=ROOT)
    proc = _cxm(
        "assess",
        str(example("article-1-wellness-resort")),
        "--lang",
        "ru",
        cwd=ROOT,
        env={"PYTHONIOENCODING": "koi8-r"},
    )
    assert proc.returncode == 0, proc.stderr
    text = utf8.stdout.decode("utf-8")

    def koi8(c: str) -> str:
        try:
            c.encode("koi8-r")
            return c
        except UnicodeEncodeError:
            return "?"

    assert proc.stdout.decode("koi8-r") == "".join(map(koi8, text))
    assert "Стадия" in proc.stdout.decode("koi8-r") or "стади" in proc.stdout.decode("koi8-r")


def _bad_name(folder: Path) -> Path:
    path = folder / BAD
    shutil.copy(example("article-1-wellness-resort"), path)
    return path


def test_LC_nonutf8_filename_json_is_valid_utf8(tmp_path: Path) -> None:
    _bad_name(tmp_path)
    proc = _cxm("assess", BAD, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.decode("utf-8"))["file"] == SHOWN


def test_LC_nonutf8_filename_report_names_the_file(tmp_path: Path) -> None:
    _bad_name(tmp_path)
    proc = _cxm("report", BAD, "-o", "r.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    markdown = SHOWN.replace("\\", "\\\\")  # a backslash in Markdown text is escaped
    assert f"from the facts file {markdown}\n" in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_LC_nonutf8_filename_save_is_saved(tmp_path: Path) -> None:
    _bad_name(tmp_path)
    proc = _cxm("assess", BAD, "--save", cwd=tmp_path, env={"CXM_DB": str(tmp_path / "h.db")})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8").splitlines()[1] == f"Facts file: {SHOWN}"
    assert b"Saved assessment #1" in proc.stdout + proc.stderr


def test_LC_nonutf8_batch_folder_assesses_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _bad_name(folder)
    shutil.copy(example("article-2-regional-lender"), folder / "ok.yaml")
    proc = _cxm("batch", "in", "-o", "out.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b"2 assessed, 0 errors\n"
    assert [json.loads(line)["row"] for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()] == [
        1,
        2,
    ]
