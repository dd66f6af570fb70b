"""`cxm batch` loses nothing and hangs on nothing (issue 15, items 1-3, 8, 11-13, 15; issue 14, item 13):
its files never overwrite one another, one run writes an output at a time, a damaged journal is
refused where it is damaged, and the input real users have (Excel's BOM, a bad byte, a huge cell)
costs one row, not the run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.engine.base.lock import exclusive
from cxm.engine.services import batch
from cxm.facts import tabular
from tests.conftest import ROOT, run_cxm, slowed_rows, wait_for_rows

HEADER = [
    "company.name",
    "company.industry",
    "company.markets.b2b",
    "company.markets.b2c",
    "company.employees",
    "company.geography",
    "company.country",
]
ROW = ["Good one", "retail", "20", "80", "40", "regional", "RU"]


def _csv(path: Path, names: list[str], *, bom: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows([[name, *ROW[1:]] for name in names])
    return path


def _rows(path: Path) -> list[tuple[int, str]]:
    return [(r["row"], r["company"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())]


# --- item 1: no file of the run overwrites another --------------------------------------------------


def test_an_output_naming_the_input_is_refused_and_the_input_kept(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A", "B"])
    before = src.read_bytes()
    result = runner.invoke(cli, ["batch", str(src), "-o", str(src)])
    assert result.exit_code == 2
    assert result.stderr == f"error: INPUT {src} and OUTPUT {src} are the same file; give different names\n"
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_an_errors_file_naming_the_input_or_the_output_is_refused(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A"])
    out = tmp_path / "out.jsonl"
    out.write_text("kept\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--errors", str(src)])
    assert result.exit_code == 2
    assert result.stderr == f"error: INPUT {src} and the errors file {src} are the same file; give different names\n"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--errors", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: OUTPUT {out} and the errors file {out} are the same file; give different names\n")
    assert out.read_text(encoding="utf-8") == "kept\n"
    assert src.exists()


def test_links_to_the_input_are_seen_through(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A"])
    before = src.read_bytes()
    (tmp_path / "sym.jsonl").symlink_to(src)
    os.link(src, tmp_path / "hard.jsonl")
    for name in ("sym.jsonl", "hard.jsonl"):
        out = tmp_path / name
        result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
        assert result.exit_code == 2
        assert result.stderr == f"error: INPUT {src} and OUTPUT {out} are the same file; give different names\n"
    assert src.read_bytes() == before


def test_the_journal_of_an_output_cannot_be_the_input(tmp_path) -> None:
    src = _csv(tmp_path / "out.jsonl.partial", ["A"])
    proc = run_cxm("batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--input-format", "csv")
    assert proc.returncode == 2
    assert proc.stderr == (f"error: INPUT {src} and the journal {src} are the same file; give different names\n")
    assert src.read_text(encoding="utf-8").startswith("company.name,")


def test_a_clean_run_empties_an_old_errors_file_and_deletes_nothing(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A"])
    errors = tmp_path / "bad.txt"
    errors.write_text("row 1: stale\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    assert result.stderr == "1 assessed, 0 errors\n"
    assert errors.read_text(encoding="utf-8") == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "in.csv", "out.jsonl"]


# --- item 2: one run per output ---------------------------------------------------------------------


def test_a_second_run_on_the_same_output_stops_naming_the_first(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A"])
    out = tmp_path / "out.jsonl"
    lock = tmp_path / "out.jsonl.lock"
    with exclusive(lock):
        result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
        assert result.exit_code == 2
        assert result.stderr == f"error: {out} is being written by process {os.getpid()} (lock file {lock})\n"
        proc = run_cxm("batch", str(src), "-o", str(out))  # a real process tries flock too
        assert proc.returncode == 2
        assert proc.stderr == result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.jsonl.lock"]
    assert not lock.exists()
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])  # once it is free, the run goes on
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.jsonl"]


def test_a_lock_file_left_by_a_killed_run_is_taken_over(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A"])
    (tmp_path / "out.jsonl.lock").write_text("999999\n", encoding="ascii")  # nobody holds the flock
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.jsonl"]


def test_a_file_of_the_lock_files_name_that_is_not_one_is_left_alone(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A"])
    lock = tmp_path / "out.jsonl.lock"
    lock.write_text("my notes\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {lock} exists and is not a lock file of cxm batch; move it away or choose another OUTPUT\n"
    )
    assert lock.read_text(encoding="utf-8") == "my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.jsonl.lock"]


# --- item 3 and issue 14 item 13: the journal ---------------------------------------------------------


@pytest.fixture
def journalled(runner, tmp_path) -> tuple[Path, Path, list[str], bytes]:
    """An input of four rows, its reference output, and the journal lines a run of it writes."""
    src = _csv(tmp_path / "in.csv", ["A", "B", "C", "D"])
    ref = tmp_path / "ref.jsonl"
    assert runner.invoke(cli, ["batch", str(src), "-o", str(ref)]).exit_code == 0
    stamp = batch.fingerprint(tabular.open_source(src), ())
    lines = [json.dumps({"journal": batch.JOURNAL_VERSION, "input": stamp})]
    lines += [
        json.dumps({"row": n, "record": json.loads(line)}, ensure_ascii=False, separators=(",", ":"))
        for n, line in enumerate(ref.read_text(encoding="utf-8").splitlines(), 1)
    ]
    return src, tmp_path / "out.jsonl", lines, ref.read_bytes()


def test_a_journal_is_not_overwritten_without_resume_or_restart(runner, journalled) -> None:
    src, out, lines, reference = journalled
    journal = out.with_name("out.jsonl.partial")
    journal.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {journal}: an interrupted run left its finished rows here; continue it "
        "with --resume, or start over with --restart\n"
    )
    assert journal.read_text(encoding="utf-8") == "\n".join(lines[:3]) + "\n"
    assert not out.exists()
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume", "--restart"])
    assert result.exit_code == 2
    assert "--resume and --restart exclude each other" in result.stderr
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--restart"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "4 assessed, 0 errors\n"  # nothing kept
    assert out.read_bytes() == reference and not journal.exists()


def test_a_damaged_journal_line_is_refused_where_it_is(runner, journalled) -> None:
    src, out, lines, _ = journalled
    journal = out.with_name("out.jsonl.partial")
    for bad, why in [
        ("garbage", "not JSON"),
        ('{"row":2}', "row 2: unexpected keys ['row']"),
        ('{"row":2,"record":{"row":2}}', "row 2: not a result record"),
        ('{"row":0,"errors":["x"]}', "no row number"),
        ("[1]", "not a JSON object"),
    ]:
        journal.write_text("\n".join([*lines[:2], bad, lines[3]]) + "\n", encoding="utf-8")
        result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume"])
        assert result.exit_code == 2, bad
        assert result.stderr == (
            f"error: {journal}:3: the journal is damaged ({why}); run with --restart to start over\n"
        ), bad
        assert not out.exists()


def test_a_row_journalled_twice_is_written_once(runner, journalled) -> None:
    src, out, lines, reference = journalled
    journal = out.with_name("out.jsonl.partial")
    journal.write_text("\n".join([*lines[:3], lines[2], lines[3]]) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "3 rows kept from the interrupted run\n4 assessed, 0 errors\n"
    assert out.read_bytes() == reference
    other = lines[2].replace('"B"', '"Z"')
    journal.write_text("\n".join([*lines[:3], other]) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {journal}:4: the journal is damaged (row 2 again, unlike line 3); run with --restart to start over\n"
    )


def test_a_torn_line_and_an_empty_journal_are_resumed(runner, journalled) -> None:
    src, out, lines, reference = journalled
    journal = out.with_name("out.jsonl.partial")
    journal.write_text("\n".join(lines[:3]) + "\n" + lines[3][:20], encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "2 rows kept from the interrupted run\n4 assessed, 0 errors\n"
    assert out.read_bytes() == reference
    journal.write_text("", encoding="utf-8")  # killed before the header was written
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "4 assessed, 0 errors\n"
    assert out.read_bytes() == reference


# --- item 8: jobs ---------------------------------------------------------------------------------


def test_no_more_workers_than_chunks() -> None:
    assert batch.workers(1000, 50) == 1
    assert batch.workers(4, 130) == 3
    assert batch.workers(4, 10_000) == 4
    assert batch.workers(3, 0) == 1


def test_a_thousand_jobs_on_three_rows_start_no_pool_and_warn(runner, tmp_path, monkeypatch) -> None:
    src = _csv(tmp_path / "in.csv", ["A", "B", "C"])
    monkeypatch.setattr(batch, "run_pool", lambda jobs: pytest.fail(f"a pool of {jobs} was started"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1000"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ("warning: --jobs 1000 is more than the 2 CPUs of this machine\n3 assessed, 0 errors\n")
    assert _rows(tmp_path / "out.jsonl") == [(1, "A"), (2, "B"), (3, "C")]


# --- items 11-13: input real users have -------------------------------------------------------------


def test_a_csv_saved_by_excel_with_a_bom_is_read(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", ["A", "B"], bom=True)
    assert src.read_bytes().startswith(b"\xef\xbb\xbfcompany.name,")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert _rows(tmp_path / "out.jsonl") == [(1, "A"), (2, "B")]


def test_a_bad_byte_or_a_huge_cell_costs_one_row(runner, tmp_path) -> None:
    src = tmp_path / "in.csv"
    body = [
        ",".join(HEADER),
        ",".join(["A", *ROW[1:]]),
        "B\xff,retail,20,80,40,regional,RU",
        ",".join(["C", *ROW[1:]]),
        "D,retail,20,80,40," + "x" * (tabular.FIELD_LIMIT + 1) + ",RU",
        ",".join(["E", *ROW[1:]]),
        "F,retail,20,80,40,regional,R\xfe",
    ]
    src.write_bytes("\n".join(body).encode("utf-8").replace(b"\xc3\xbf", b"\xff").replace(b"\xc3\xbe", b"\xfe") + b"\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"errors: {out}.errors.txt\n3 assessed, 3 errors\n"
    assert (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8") == (
        f"row 2: company.name: invalid UTF-8 byte 0xff (save the file as UTF-8) [{src}:3:1]\n"
        f"row 4: (row): cannot read the record: field larger than field limit ({tabular.FIELD_LIMIT}) [{src}:5:1]\n"
        f"row 6: company.country: invalid UTF-8 byte 0xfe (save the file as UTF-8) [{src}:7:7]\n"
    )
    assert _rows(out) == [(1, "A"), (3, "C"), (5, "E")]
    # --resume reads the same rows the same way
    errors = (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8")
    expected = out.read_bytes()
    first = out.read_text(encoding="utf-8").splitlines()[0]
    stamp = batch.fingerprint(tabular.open_source(src), ())
    (tmp_path / "out.jsonl.partial").write_text(
        json.dumps({"journal": batch.JOURNAL_VERSION, "input": stamp})
        + "\n"
        + json.dumps({"row": 1, "record": json.loads(first)}, separators=(",", ":"))
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--resume"])
    assert result.exit_code == 2
    assert result.stderr == f"1 rows kept from the interrupted run\nerrors: {out}.errors.txt\n3 assessed, 3 errors\n"
    assert out.read_bytes() == expected
    assert (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8") == errors


def test_a_bad_byte_in_a_jsonl_line_costs_that_line(runner, tmp_path) -> None:
    good = {
        "company": {
            "name": "A",
            "industry": ["retail"],
            "markets": {"b2b": 0, "b2c": 100},
            "employees": 3,
            "geography": "local",
            "country": "RU",
        }
    }
    src = tmp_path / "in.jsonl"
    line = json.dumps(good).encode()
    src.write_bytes(b"\xef\xbb\xbf" + line + b"\n" + line.replace(b'"A"', b'"\xff"') + b"\n" + line + b"\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 2
    col = line.index(b'"A"') + 2
    assert (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8") == (
        f"row 2: (root): invalid UTF-8 byte 0xff (save the file as UTF-8) [{src}:2:{col}]\n"
    )
    assert _rows(out) == [(1, "A"), (3, "A")]


def test_yaml_layer_errors_of_a_jsonl_row_are_on_its_line(runner, tmp_path) -> None:
    good = (
        '{"company": {"name": "A", "industry": ["retail"], "markets": {"b2b": 0, "b2c": 100}, '
        '"employees": 3, "geography": "local", "country": "RU"}}'
    )
    duplicate = good.replace('"employees": 3', '"employees": 3, "employees": 4')
    deep = good[:-1] + ', "extra": ' + "[" * 70 + "]" * 70 + "}"
    big = good[:-1] + ', "extra": [' + ",".join(["0"] * 100_001) + "]}"
    trailing = good[:-2] + ",}}"
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([good, duplicate, deep, big, trailing]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 2
    dup_col = duplicate.index('"employees": 4') + 1
    deep_col = deep.index("[" * 64) + 64 + 1
    # 12 values come before the list's items (root, company, its 9 values, the list): the 100,001st is item 99,988
    big_col = big.index("[0,") + 2 + 2 * 99_988
    assert (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8") == (
        f"row 2: company.employees: duplicate key (first given at line 2) [{src}:2:{dup_col}]\n"
        f"row 3: (root): nested deeper than 64 levels [{src}:3:{deep_col}]\n"
        f"row 4: (root): more than 100000 values (an alias bomb?) [{src}:4:{big_col}]\n"
        f"row 5: (root): malformed JSON: Illegal trailing comma before end of object "
        f"[{src}:5:{trailing.index(',}') + 1}]\n"
    )
    assert _rows(out) == [(1, "A")]


# --- item 15: CSV output a spreadsheet opens ----------------------------------------------------------


def test_csv_output_cells_cannot_be_formulas(runner, tmp_path) -> None:
    names = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "Plain - name"]
    src = _csv(tmp_path / "in.csv", names)
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        companies = [row["company"] for row in csv.DictReader(handle)]
    assert companies == ["'" + n for n in names[:5]] + ["Plain - name"]
    jsonl = tmp_path / "out.jsonl"  # JSON is not a spreadsheet: the name stays as given
    assert runner.invoke(cli, ["batch", str(src), "-o", str(jsonl)]).exit_code == 0
    assert [name for _, name in _rows(jsonl)] == names


# --- item 10: SIGTERM ends the workers quietly ------------------------------------------------------


@pytest.mark.slow
def test_sigterm_stops_the_run_and_its_workers_quietly(tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", [f"Company {n}" for n in range(400)])
    out = tmp_path / "out.jsonl"
    journal = tmp_path / "out.jsonl.partial"
    env = slowed_rows(tmp_path, 0.05)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxm.cli", "batch", str(src), "-o", str(out), "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_rows(proc, journal, batch.CHUNK)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert stderr == f"error: interrupted; the finished rows are kept in {journal}: continue with --resume\n"
    assert stdout == ""
    assert not out.exists()
    resumed = run_cxm("batch", str(src), "-o", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr.endswith("400 assessed, 0 errors\n")
    assert [row for row, _ in _rows(out)] == list(range(1, 401))


@pytest.mark.slow
def test_two_real_runs_on_one_output_the_second_stops(tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", [f"Company {n}" for n in range(150)])
    out = tmp_path / "out.jsonl"
    env = slowed_rows(tmp_path, 0.05)
    first = subprocess.Popen(
        [sys.executable, "-m", "cxm.cli", "batch", str(src), "-o", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "out.jsonl.partial").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = run_cxm("batch", str(src), "-o", str(out))
    assert second.returncode == 2
    assert second.stderr == (
        f"error: {out} is being written by process {first.pid} (lock file {tmp_path / 'out.jsonl.lock'})\n"
    )
    _, stderr = first.communicate(timeout=120)
    assert (first.returncode, stderr) == (0, "150 assessed, 0 errors\n")
    assert [row for row, _ in _rows(out)] == list(range(1, 151))


@pytest.mark.slow
def test_a_killed_two_job_run_frees_its_output_at_once_and_resumes(tmp_path) -> None:
    """Forked workers hold neither the lock nor the journal: right after the parent is killed, --resume runs."""
    src = _csv(tmp_path / "in.csv", [f"Company {n}" for n in range(300)])
    reference = tmp_path / "ref.jsonl"
    assert run_cxm("batch", str(src), "-o", str(reference)).returncode == 0
    out = tmp_path / "out.jsonl"
    journal = tmp_path / "out.jsonl.partial"
    env = slowed_rows(tmp_path, 0.05)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxm.cli", "batch", str(src), "-o", str(out), "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_rows(proc, journal, batch.CHUNK)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    resumed = run_cxm("batch", str(src), "-o", str(out), "--resume")  # its workers may still be finishing a chunk
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr.endswith("300 assessed, 0 errors\n")
    assert out.read_bytes() == reference.read_bytes()
    deadline = time.monotonic() + 60  # and they stop once they find the parent gone
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _running(pid)]


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped
