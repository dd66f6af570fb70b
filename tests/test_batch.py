"""`cxm batch`: the same results as one-by-one `cxm assess`, in input order whatever --jobs, bad rows
reported and skipped, no partial output after a kill, --resume, and a Dask cluster."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import profiles
from cxm.cli.main import cli
from cxm.engine.services import batch
from cxm.facts import tabular
from cxm.facts.vocabulary import input_fields
from tests.conftest import EXAMPLES, ROOT, require, run_cxm, slowed_rows

N = 240  # generated profiles: a few hundred, so that the suite stays fast


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """The same N generated profiles as CSV, as JSON Lines and as a folder of JSON files."""
    root = tmp_path_factory.mktemp("batch-inputs")
    folder = root / "folder"
    folder.mkdir()
    for n, data in enumerate(profiles.profiles(N), 1):
        (folder / f"{n:04d}.json").write_text(json.dumps(data), encoding="utf-8")
    return {"csv": profiles.write(root / "in.csv", N), "jsonl": profiles.write(root / "in.jsonl", N), "folder": folder}


@pytest.fixture(scope="module")
def reference(inputs, tmp_path_factory) -> bytes:
    """The JSONL output of a clean one-job run on the CSV input."""
    out = tmp_path_factory.mktemp("batch-ref") / "out.jsonl"
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["batch", str(inputs["csv"]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{N} assessed, 0 errors\n"
    return out.read_bytes()


def _project(assessment: dict, row: int, facts: dict) -> dict:
    company = facts["company"]
    b2b, employees = company["markets"]["b2b"], company["employees"]
    gates: dict[str, bool] = {}
    for check in assessment["roadmap"]["gates"]:
        gates[check["rule"]] = gates.get(check["rule"], False) or check["held"]
    return {
        "row": row,
        "company": assessment["company"],
        "stage": assessment["stage"]["id"],
        "levels": {c: lv["level"] for c, lv in assessment["levels"].items()},
        "recommendations": [r["id"] for r in assessment["recommendations"]],
        "held_back": [h["id"] for h in assessment["held_back"]],
        "weakest": assessment["weakest"],
        "gates_failing": [g for g, ok in gates.items() if not ok],
        "self_far": {
            c: lv["self_rating"]["far"]
            for c, lv in assessment["levels"].items()
            if lv.get("self_rating") and lv["self_rating"]["far"]
        },
        "industry": company["industry"],
        "market": "b2b" if b2b >= 70 else "b2c" if b2b <= 30 else "mixed",
        "size_class": (
            "micro" if employees < 10 else "small" if employees < 50 else "medium" if employees < 250 else "large"
        ),
        "employees": employees,
        "warnings": [],
    }  # the generated rows are consistent (the reference's stderr)


@pytest.mark.slow
def test_batch_equals_one_by_one_assess(runner, inputs, reference, engine, monkeypatch) -> None:
    records = [json.loads(line) for line in reference.decode().splitlines()]
    assert [r["row"] for r in records] == list(range(1, N + 1))
    files = sorted(inputs["folder"].iterdir())
    # the `assess` command as it is, with the test session's engine (building one costs ~50 ms each time)
    monkeypatch.setattr("cxm.engine.services.api.Engine", lambda rules=(): engine)
    for record, path in zip(records, files, strict=True):
        result = runner.invoke(cli, ["assess", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert "warning" not in result.stderr
        assert record == _project(json.loads(result.stdout), record["row"], json.loads(path.read_text()))
    assert len({r["stage"] for r in records}) >= 4  # the generated profiles are varied
    # a few as real processes too
    for record, path in list(zip(records, files, strict=True))[:: N // 4]:
        proc = run_cxm("assess", str(path), "--format", "json")
        assert proc.returncode == 0, proc.stderr
        assert record == _project(json.loads(proc.stdout), record["row"], json.loads(path.read_text()))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["jsonl", "folder"])
def test_every_input_format_gives_the_same_output(runner, inputs, reference, tmp_path, kind) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(inputs[kind]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == reference


@pytest.mark.slow
def test_two_jobs_give_the_same_bytes_as_a_real_process(inputs, reference, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    proc = run_cxm("batch", str(inputs["csv"]), "-o", str(out), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == f"{N} assessed, 0 errors\n"  # no progress bar when stderr is not a terminal
    assert proc.stdout == ""
    assert out.read_bytes() == reference
    assert not (tmp_path / "out.jsonl.partial").exists()
    assert not (tmp_path / "out.jsonl.errors.txt").exists()


@pytest.mark.slow
def test_csv_output_flattens_the_same_records(runner, inputs, reference, tmp_path) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["batch", str(inputs["jsonl"]), "-o", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "row",
        "company",
        "stage",
        "level.leadership",
        "level.brand",
        "level.employees",
        "level.customers",
        "recommendations",
        "held_back",
        "warnings",
    ]
    records = [json.loads(line) for line in reference.decode().splitlines()]
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert int(row["row"]) == record["row"] and row["company"] == record["company"]
        assert row["stage"] == record["stage"]
        assert {c: int(row[f"level.{c}"]) for c in record["levels"]} == record["levels"]
        assert row["recommendations"] == ";".join(record["recommendations"])
        assert row["held_back"] == ";".join(record["held_back"])


# --- bad rows -----------------------------------------------------------------------------------

HEADER = [
    "company.name",
    "company.industry",
    "company.markets.b2b",
    "company.markets.b2c",
    "company.employees",
    "company.geography",
    "company.country",
    "metrics.in_use",
    "self_assessment.brand",
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


GOOD = ["Good one", "retail;finance", "20", "80", "40", "regional", "RU", "nps;csat", ""]


def test_bad_rows_are_reported_and_skipped(runner, tmp_path) -> None:
    src = _csv(
        tmp_path / "in.csv",
        [
            GOOD,
            ["Bad employees", "retail", "20", "80", "about 50", "regional", "RU", "", ""],
            ["Bad enum", "retail", "20", "80", "40", "regionl", "RU", "", ""],
            ["Bad shares", "retail", "20", "70", "40", "regional", "RU", "", ""],
            ["Too short", "retail"],
            ["", "retail", "20", "80", "40", "regional", "RU", "nps;;csat", "3;3;2;4"],
            ["Good two", "hospitality", "0", "100", "7", "local", "DE", "", ""],
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 2
    errors = tmp_path / "out.jsonl.errors.txt"
    assert result.stderr == (
        f"errors: {errors}\n2 assessed, 5 errors\n1 of them with consistency warnings (see "
        f'"warnings"; cxm assess shows where each is)\n'
    )
    assert errors.read_text(encoding="utf-8") == (
        f"row 2: company.employees: expected a whole number, got 'about 50' [{src}:3:5]\n"
        f"row 3: company.geography: 'regionl' is not one of: local, regional, national, international "
        f"(did you mean 'regional'?) [{src}:4:6]\n"
        f"row 4: company.markets: b2b and b2c shares must add up to 100, they add up to 90 [{src}:5:3]\n"
        f"row 5: (row): expected 9 cells, found 2 [{src}:6:1]\n"
        # every error of the row at once (issue 26): the empty name, the short self-assessment and the
        # competencies it leaves out are reported with the bad list cell
        f"row 6: company.name: required field is missing [{src}:7:1]\n"
        f"row 6: metrics.in_use: empty item in the list 'nps;;csat' (separate items with ';') [{src}:7:8]\n"
        f"row 6: self_assessment.brand: list should have at least 5 items after validation, not 4 [{src}:7:9]\n"
        + "".join(
            f"row 6: self_assessment.{c}: required field is missing [{src}:7:9]\n"
            for c in ("customers", "employees", "leadership")
        )
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["row"], r["company"]) for r in records] == [(1, "Good one"), (7, "Good two")]
    # row 1 measures NPS and CSAT but collects no feedback (the default): a warning for each
    assert [r["warnings"] for r in records] == [
        [
            f"metrics.in_use[{i}]: {m} is measured from customers' answers, but customers.feedback_collection is none: "
            "is the feedback collected after all?"
            for i, m in enumerate(["nps", "csat"])
        ],
        [],
    ]


def test_validation_errors_of_a_row_name_their_column(runner, tmp_path) -> None:
    src = _csv(tmp_path / "in.csv", [["", "retail", "20", "80", "40", "regional", "RU", "", "3;3;2;4"]])
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    assert (tmp_path / "out.jsonl.errors.txt").read_text(encoding="utf-8") == (
        f"row 1: company.name: required field is missing [{src}:2:1]\n"
        f"row 1: self_assessment.brand: list should have at least 5 items after validation, not 4 [{src}:2:9]\n"
        f"row 1: self_assessment.customers: required field is missing [{src}:2:9]\n"
        f"row 1: self_assessment.employees: required field is missing [{src}:2:9]\n"
        f"row 1: self_assessment.leadership: required field is missing [{src}:2:9]\n"
    )
    assert (tmp_path / "out.jsonl").read_text() == ""


def test_bad_jsonl_lines_are_located(runner, tmp_path) -> None:
    good = json.dumps(
        {
            "company": {
                "name": "A",
                "industry": ["retail"],
                "markets": {"b2b": 0, "b2c": 100},
                "employees": 3,
                "geography": "local",
                "country": "RU",
            }
        }
    )
    src = tmp_path / "in.jsonl"
    src.write_text(
        good
        + "\n\n{not json\n"
        + good.replace('"employees": 3', '"employees": "3"')
        + "\n[1]\n"
        + good
        + "\n"
        + "[" * 100_000
        + "]" * 100_000
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out), "--errors", str(tmp_path / "bad.txt")])
    assert result.exit_code == 2
    assert result.stderr.endswith("2 assessed, 4 errors\n")
    col = good.replace('"employees": 3', '"employees": "3"').index('"3"') + 1
    assert (tmp_path / "bad.txt").read_text(encoding="utf-8") == (
        f"row 2: (root): malformed JSON: Expecting property name enclosed in double quotes [{src}:3:2]\n"
        f"row 3: company.employees: expected a whole number, got '3' [{src}:4:{col}]\n"
        f"row 4: (root): expected a mapping of sections (company, ...) [{src}:5:1]\n"
        f"row 6: (root): the line is nested too deeply [{src}:7:1]\n"
    )
    assert [json.loads(line)["row"] for line in out.read_text().splitlines()] == [1, 5]


def test_a_bad_header_stops_the_run(runner, tmp_path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("company.name,company.nme,company.name\nA,B,C\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}:1:2: unknown column 'company.nme' (did you mean 'company.name'?)\n"
        f"error: {src}:1:3: column 'company.name' appears twice\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]  # checked before anything is written


def test_csv_cells_convert_by_the_field_kind(tmp_path) -> None:
    fields = input_fields()
    assert tabular.cell(fields["company.industry"], " retail ; finance ") == ["retail", "finance"]
    assert tabular.cell(fields["self_assessment.brand"], "3;3;2;4;3") == [3, 3, 2, 4, 3]
    assert tabular.cell(fields["company.exports"], "TRUE") is True
    assert tabular.cell(fields["company.employees"], "+12") == 12
    with pytest.raises(ValueError, match="expected true or false, got 'yes'"):
        tabular.cell(fields["company.exports"], "yes")


def test_every_column_is_an_input_field_and_examples_round_trip(runner, tmp_path) -> None:
    """The built-in examples, written as CSV rows, give what the folder of examples gives."""
    from cxm.facts.load import load_facts

    header = list(input_fields())
    src = tmp_path / "examples.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for path in sorted(EXAMPLES.glob("*.yaml")):
            flat = profiles._flat(load_facts(path).doc.data)
            writer.writerow([profiles.csv_cell(flat[h]) if h in flat else "" for h in header])
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert runner.invoke(cli, ["batch", str(src), "-o", str(a)]).exit_code == 0
    assert runner.invoke(cli, ["batch", str(EXAMPLES), "-o", str(b)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_text().splitlines()) == len(list(EXAMPLES.glob("*.yaml")))


# --- kill safety and resume ---------------------------------------------------------------------


@pytest.mark.slow
def test_a_killed_run_leaves_no_output_and_resume_completes_it(inputs, reference, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    journal = tmp_path / "out.jsonl.partial"
    env = slowed_rows(tmp_path, 0.02)  # every row slowed down from outside the product
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxm.cli", "batch", str(inputs["csv"]), "-o", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait for at least two chunks in the journal
            if journal.exists() and journal.read_bytes().count(b"\n") > 2 * batch.CHUNK:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the batch made no progress")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    # no temporary output left behind; the lock file stays, with no process holding its lock
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hook", "out.jsonl.lock", "out.jsonl.partial"]
    kept = journal.read_bytes().count(b"\n") - 1
    assert 2 * batch.CHUNK <= kept < N
    resumed = run_cxm("batch", str(inputs["csv"]), "-o", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr == f"{kept} rows kept from the interrupted run\n{N} assessed, 0 errors\n"
    assert out.read_bytes() == reference
    assert not journal.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hook", "out.jsonl"]


@pytest.mark.slow
def test_a_torn_journal_line_is_redone(runner, inputs, reference, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    stamp = batch.fingerprint(tabular.open_source(inputs["csv"]), ())
    lines = [json.dumps({"journal": batch.JOURNAL_VERSION, "input": stamp})]
    lines += [
        json.dumps({"row": n, "record": json.loads(line)}, ensure_ascii=False, separators=(",", ":"))
        for n, line in enumerate(reference.decode().splitlines()[:10], 1)
    ]
    (tmp_path / "out.jsonl.partial").write_text("\n".join(lines) + "\n" + '{"row":11,"rec', encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(inputs["csv"]), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"10 rows kept from the interrupted run\n{N} assessed, 0 errors\n"
    assert out.read_bytes() == reference


def test_resume_refuses_a_journal_of_another_input(runner, inputs, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text('{"journal":1,"input":"something else"}\n', encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(inputs["csv"]), "-o", str(out), "--resume"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'out.jsonl.partial'}: this journal belongs to another input or "
        "rule set; run with --restart to start over\n"
    )
    assert not out.exists()


# --- Dask ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_dask_cluster_gives_the_local_output(runner, inputs, reference, tmp_path) -> None:
    require("distributed", "the dask extra: pip install '.[dask]'")
    from distributed import Client, LocalCluster

    out = tmp_path / "out.jsonl"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        result = runner.invoke(
            cli, ["batch", str(inputs["csv"]), "-o", str(out), "--cluster", cluster.scheduler_address]
        )
        assert result.exit_code == 0, result.output
        assert result.stderr == f"{N} assessed, 0 errors\n"
        assert out.read_bytes() == reference
        with Client(cluster) as client:  # each worker process that took rows built one engine of its own
            engines = client.run(
                lambda: (
                    len(sys.modules["cxm.engine.services.batch.rows"]._ENGINES)
                    if "cxm.engine.services.batch.rows" in sys.modules
                    else 0
                )
            )
        assert len(engines) == 2 and set(engines.values()) <= {0, 1} and sum(engines.values()) >= 1


@pytest.mark.slow
def test_progress_is_reported_per_chunk_up_to_the_total(inputs, tmp_path) -> None:
    totals, steps = [], []
    summary = batch.run_batch(inputs["jsonl"], tmp_path / "out.jsonl", on_total=totals.append, progress=steps.append)
    assert totals == [N] and sum(steps) == N and max(steps) <= batch.CHUNK
    assert (summary.assessed, summary.errors, summary.resumed) == (N, 0, 0)


# --- issue 26: a row's consistency warnings are kept ---------------------------------------------------------

BOOK_WITHOUT_VALUES = (
    "brand.brand_book: a brand book states the brand values, but brand.values is none: are they at least documented?"
)


def _rows_with_a_contradiction(tmp_path: Path) -> Path:
    """Two companies: the lender of the article as it is, and the same with a brand book but no brand values."""
    import yaml

    clean = yaml.safe_load((EXAMPLES / "article-2-regional-lender.yaml").read_text(encoding="utf-8"))
    odd = json.loads(json.dumps(clean))
    odd["company"]["name"] = "Lender with a book"
    odd["brand"].update({"brand_book": True, "values": "none"})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in (clean, odd)), encoding="utf-8")
    return path


def test_batch_keeps_each_rows_warnings(runner, tmp_path) -> None:
    src = _rows_with_a_contradiction(tmp_path)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        '2 assessed, 0 errors\n1 of them with consistency warnings (see "warnings"; cxm assess shows where each is)\n'
    )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["warnings"] for r in records] == [[], [BOOK_WITHOUT_VALUES]]
    # what `cxm assess` prints for the same company, located in its file
    (tmp_path / "odd.json").write_text(src.read_text(encoding="utf-8").splitlines()[1], encoding="utf-8")
    assessed = runner.invoke(cli, ["assess", str(tmp_path / "odd.json"), "--no-path"])
    assert [line.split(": ", 2)[2] for line in assessed.stderr.splitlines()] == [BOOK_WITHOUT_VALUES]
    csv_out = tmp_path / "out.csv"
    assert runner.invoke(cli, ["batch", str(src), "-o", str(csv_out)]).exit_code == 0
    table = list(csv.DictReader(csv_out.open(encoding="utf-8")))
    assert [row["warnings"] for row in table] == ["", BOOK_WITHOUT_VALUES]
    assert list(table[0])[-3:] == ["recommendations", "held_back", "warnings"]
