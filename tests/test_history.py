"""History: `cxm assess --save`, `cxm history`, `cxm plan`; across processes and through a killed save."""

from __future__ import annotations

import copy
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cxm.cli.main import cli
from cxm.engine.services.history import open_history, slug
from tests.conftest import ROOT, example, run_cxm

COMPANY = "Regional wellness resort (article, company 1)"
SLUG = "regional-wellness-resort-article-company-1"
BRAND = {"brand.values": "documented", "brand.brand_book": True, "brand.service_standards": "local"}
MOBILIZE = {
    **BRAND,
    "leadership.cx_owner": "full_time",
    "metrics.in_use": ["nps", "csi"],
    "employees.engagement_measured": True,
    "customers.feedback_collection": "regular",
    "leadership.cx_metrics_in_reviews": "occasionally",
    "employees.incentives_linked_to_cx": True,
}
BRAND_RECS = [
    "written-brand-values",
    "brand-book-and-service-standards",
    "brand-book-working-groups",
    "service-best-practice-review",
    "service-standards-training",
    "mystery-shopper-check",
]


def variant(tmp_path: Path, name: str, changes: dict[str, object]) -> Path:
    """Article company 1 with some facts changed (same company name)."""
    data = yaml.safe_load(example("article-1-wellness-resort").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    out = tmp_path / f"{name}.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


@pytest.fixture
def steps(tmp_path: Path) -> list[Path]:
    return [variant(tmp_path, "v1", {}), variant(tmp_path, "v2", BRAND), variant(tmp_path, "v3", MOBILIZE)]


def _save(runner, facts: Path, db: Path, when: str) -> None:
    result = runner.invoke(
        cli, ["assess", str(facts), "--save", "--db", str(db), "--format", "json"], env={"CXM_NOW": when}
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["company"] == COMPANY  # stdout stays the assessment alone


def test_company_identity_is_a_slug_of_its_name() -> None:
    assert slug(COMPANY) == SLUG
    assert slug("  ООО «Ромашка» & Co. ") == "ооо-ромашка-co"


def test_save_history_and_plan(runner, tmp_path: Path, steps: list[Path]) -> None:
    db = tmp_path / "h.sqlite3"
    for i, facts in enumerate(steps, 1):
        _save(runner, facts, db, f"2026-0{i}-01T09:00:00Z")
    out = runner.invoke(cli, ["history", COMPANY, "--db", str(db)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[:8] == [
        f"History of {COMPANY} [{SLUG}]",
        f"Database: {db}",
        "",
        "  #  time                  stage                lead  bran  empl  cust  knowledge base",
        f"  1  2026-01-01T09:00:00Z  2 Explore               2     2     2     2  {_kb()[:12]}",
        f"  2  2026-02-01T09:00:00Z  2 Explore               2     3     2     2  {_kb()[:12]}",
        f"  3  2026-03-01T09:00:00Z  3 Mobilize              3     3     3     3  {_kb()[:12]}",
        "",
    ]
    # written values bring brand values to level 3; the next rung asks for company-wide standards
    assert lines[8:13] == [
        "Changes",
        "  #1 -> #2 (2026-02-01T09:00:00Z)",
        "    Compelling brand values: 2 -> 3",
        "    New recommendation: Adapt the service standards to current processes and priorities "
        "[adapt-service-standards]",
        "    New recommendation: Revise each standard against its process and the current priorities "
        "[standards-fit-to-processes]",
    ]
    assert (
        "    No longer recommended: Write down the brand values and carry them into key processes "
        "[written-brand-values]"
    ) in lines
    second = lines[lines.index("  #2 -> #3 (2026-03-01T09:00:00Z)") :]
    assert second[1:5] == [
        "    Stage: Explore -> Mobilize",
        "    Purposeful leadership: 2 -> 3",
        "    Employee engagement: 2 -> 3",
        "    Customer connectedness: 2 -> 3",
    ]
    assert "    New recommendation: Scale CX work across the company [scale-cx-across-company]" in second

    # the consultant sets statuses
    done = runner.invoke(cli, ["plan", "done", SLUG, "enps-survey", "--db", str(db)], env={"CXM_NOW": "2026-03-05"})
    assert (done.exit_code, done.output) == (0, "enps-survey: done\n")
    drop = runner.invoke(cli, ["plan", "drop", SLUG, "cx-suggestion-rewards", "--why", "no budget", "--db", str(db)])
    assert (drop.exit_code, drop.output) == (0, "cx-suggestion-rewards: dropped (why: no budget)\n")
    plan = runner.invoke(cli, ["plan", COMPANY, "--db", str(db)])
    assert plan.exit_code == 0, plan.output
    text = plan.output.splitlines()
    assert text[:5] == [
        f"Action plan of {COMPANY} [{SLUG}]",
        "Latest assessment: #3 of 3, 2026-03-01T09:00:00Z, stage 3 Mobilize",
        "",
        "Recommendations of the latest assessment (status set by the consultant)",
        # a wellness resort keeps patient records: the law comes first (rules/recommend/compliance.yaml)
        "  open     decision  meet-personal-data-law: Bring the handling of customer data within the personal-data law",
    ]
    assert "  open     decision  scale-cx-across-company: Scale CX work across the company" in text
    assert "  done     tool      enps-survey: Introduce eNPS" in text
    assert "  dropped  tool      cx-suggestion-rewards: Reward proposals for improving CX (why: no budget)" in text
    closed = text[text.index("Closed by a re-assessment: no longer recommended, the gap was closed") + 1 :]
    assert closed[0] == (
        "  closed   decision  written-brand-values: Write down the brand values and carry them "
        "into key processes (closed by #2)"
    )
    assert closed[8] == (
        "  closed   decision  dedicate-cx-owner: Give customer experience a dedicated owner (closed by #3)"
    )
    assert "  closed   decision  introduce-cx-metrics: Introduce customer-experience metrics (closed by #3)" in closed

    data = json.loads(runner.invoke(cli, ["plan", SLUG, "--db", str(db), "--format", "json"]).output)
    by_id = {i["id"]: i for i in data["items"]}
    assert [i["id"] for i in data["items"] if i["closed_reason"] == "gap_closed"][:6] == BRAND_RECS
    assert by_id["enps-survey"] | {"title": None} == {
        "id": "enps-survey",
        "kind": "tool",
        "title": None,
        "status": "done",
        "why": None,
        "status_at": "2026-03-05T00:00:00Z",
        "first_seen": 3,
        "last_seen": 3,
        "closed_by": None,
        "closed_reason": None,
    }

    # going back to the first facts reopens the brand recommendations and closes the Mobilize ones
    _save(runner, steps[0], db, "2026-04-01T09:00:00Z")
    data = json.loads(runner.invoke(cli, ["plan", SLUG, "--db", str(db), "--format", "json"]).output)
    by_id = {i["id"]: i for i in data["items"]}
    assert by_id["written-brand-values"]["closed_by"] is None
    assert by_id["written-brand-values"]["last_seen"] == 4
    assert (by_id["enps-survey"]["status"], by_id["enps-survey"]["closed_by"]) == ("done", 4)
    assert by_id["cx-suggestion-rewards"]["why"] == "no budget"


def _kb() -> str:
    from cxm.engine.services.api import Engine

    return Engine().kb.digest


def test_plan_errors(runner, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    _save(runner, example("article-1-wellness-resort"), db, "2026-01-01T00:00:00Z")
    out = runner.invoke(cli, ["plan", "drop", SLUG, "enps-survey", "--db", str(db)])
    assert out.exit_code == 1
    assert out.output == "error: dropping a recommendation needs a reason (--why TEXT)\n"
    out = runner.invoke(cli, ["plan", "done", SLUG, "written-brand-value", "--db", str(db)])
    assert out.output == (
        f"error: 'written-brand-value' is not in the plan of {SLUG} (did you mean 'written-brand-values'?)\n"
    )
    out = runner.invoke(cli, ["plan", "done", SLUG, "--db", str(db)])
    assert out.exit_code == 2
    assert "Missing argument 'REC'" in out.output
    out = runner.invoke(cli, ["plan", SLUG, "done", "enps-survey", "--db", str(db)])  # the old order: said plainly
    assert out.exit_code == 2
    assert "the action comes first: cxm plan done COMPANY REC" in out.output
    out = runner.invoke(cli, ["history", "Nobody Ltd", "--db", str(db)])
    assert out.exit_code == 1
    assert out.output == f"error: no saved assessment of 'Nobody Ltd' in {db}; saved companies: {SLUG}\n"


def test_the_default_database_is_in_the_user_data_directory(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "CXM_NOW": "2026-01-01T00:00:00Z"}
    env.pop("CXM_DB", None)
    proc = subprocess.run(
        [sys.executable, "-m", "cxm.cli", "assess", str(example("article-1-wellness-resort")), "--save"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "data" / "cx-maturity" / "history.sqlite3"
    assert proc.stderr == f"Saved assessment #1 of {SLUG} (2026-01-01T00:00:00Z) to {path}\n"
    assert path.exists()


def test_history_survives_across_processes(tmp_path: Path, steps: list[Path]) -> None:
    db = tmp_path / "h.sqlite3"
    for i, facts in enumerate(steps, 1):
        proc = _run("assess", str(facts), "--save", "--db", str(db), env={"CXM_NOW": f"2026-0{i}-01T09:00:00Z"})
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == f"Saved assessment #{i} of {SLUG} (2026-0{i}-01T09:00:00Z) to {db}\n"
    proc = run_cxm("history", COMPANY, "--db", str(db), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    trend = [(a["id"], a["at"], a["stage"], a["stage_number"], a["levels"]) for a in data["assessments"]]
    assert trend == [
        (1, "2026-01-01T09:00:00Z", "explore", 2, {"leadership": 2, "brand": 2, "employees": 2, "customers": 2}),
        (2, "2026-02-01T09:00:00Z", "explore", 2, {"leadership": 2, "brand": 3, "employees": 2, "customers": 2}),
        (3, "2026-03-01T09:00:00Z", "mobilize", 3, {"leadership": 3, "brand": 3, "employees": 3, "customers": 3}),
    ]
    assert {a["version"] for a in data["assessments"]} == {"0.1.0"}
    assert {a["knowledge_base"] for a in data["assessments"]} == {_kb()}
    assert [c["removed"][0]["id"] for c in data["changes"]] == ["written-brand-values", "dedicate-cx-owner"]
    assert data["changes"][1]["stage"] == {"before": "explore", "after": "mobilize"}
    # the stored facts and result are the JSON of the assessment
    store = open_history(db)
    try:
        row = store.conn.execute("SELECT facts, result FROM assessments WHERE id = 3").fetchone()
    finally:
        store.close()
    assert json.loads(row[0])["leadership"]["cx_owner"] == "full_time"
    assert json.loads(row[1])["stage"]["id"] == "mobilize"


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxm.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=120,
    )


def _snapshot(db: Path) -> tuple[list[tuple], list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("SELECT id, at, stage FROM assessments ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM plan ORDER BY rec").fetchall(),
        )
    finally:
        conn.close()


@pytest.mark.slow
def test_a_process_killed_in_the_middle_of_a_save_leaves_the_database_consistent(
    tmp_path: Path, steps: list[Path]
) -> None:
    db = tmp_path / "h.sqlite3"
    for i, facts in enumerate(steps[:2], 1):
        assert (
            _run("assess", str(facts), "--save", "--db", str(db), env={"CXM_NOW": f"2026-0{i}-01T09:00:00Z"}).returncode
            == 0
        )
    before = _snapshot(db)
    # the process pauses where the history's seam is, inside the transaction (a sitecustomize module replaces it)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import sys, time\nfrom cxm.engine.services import history\n"
        "def _pause():\n    sys.stderr.write('cxm: paused inside the save transaction\\n')\n"
        "    sys.stderr.flush()\n    time.sleep(60)\n"
        "history._before_commit = _pause\n",
        encoding="utf-8",
    )
    path = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxm.cli", "assess", str(steps[2]), "--save", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CXM_NOW": "2026-03-01T09:00:00Z", "PYTHONPATH": path},
    )
    try:
        assert proc.stderr is not None
        # the row of the third assessment and its plan changes are written, not committed
        assert proc.stderr.readline() == "cxm: paused inside the save transaction\n"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()  # type: ignore[union-attr]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    after = _snapshot(db)
    assert after == before
    assert [row[0] for row in after[0]] == [1, 2]
    # and the database takes the next save as if nothing had happened
    proc2 = _run("assess", str(steps[2]), "--save", "--db", str(db), env={"CXM_NOW": "2026-03-02T09:00:00Z"})
    assert proc2.returncode == 0, proc2.stderr
    assert [row[:3] for row in _snapshot(db)[0]] == [
        (1, "2026-01-01T09:00:00Z", "explore"),
        (2, "2026-02-01T09:00:00Z", "explore"),
        (3, "2026-03-02T09:00:00Z", "mobilize"),
    ]


def test_plan_done_on_a_decision_marks_its_open_actions_and_tools(runner, tmp_path: Path) -> None:
    # issue 26: `done` on a decision left its actions and tools open. In the catalogue (rules/recommend/
    # next-rung-leadership.yaml) dedicate-cx-owner is served by the action appoint-full-time-cx-lead, which the tools
    # cx-owner-mandate and cx-owner-reports-to-sponsor carry; article company 1 gets all four.
    db = tmp_path / "h.sqlite3"
    _save(runner, example("article-1-wellness-resort"), db, "2026-01-01T09:00:00Z")
    drop = runner.invoke(cli, ["plan", "drop", SLUG, "cx-owner-mandate", "--why", "has one", "--db", str(db)])
    assert drop.exit_code == 0, drop.output
    titles = {
        i["id"]: i["title"]["en"]
        for i in json.loads(runner.invoke(cli, ["plan", SLUG, "--db", str(db), "--format", "json"]).output)["items"]
    }
    done = runner.invoke(cli, ["plan", "done", SLUG, "dedicate-cx-owner", "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines() == [  # the dropped tool stays dropped
        "dedicate-cx-owner: done",
        "Also marked done, as carried out with it (2):",
        f"  action    appoint-full-time-cx-lead: {titles['appoint-full-time-cx-lead']}",
        f"  tool      cx-owner-reports-to-sponsor: {titles['cx-owner-reports-to-sponsor']}",
    ]
    status = {
        i["id"]: i["status"]
        for i in json.loads(runner.invoke(cli, ["plan", SLUG, "--db", str(db), "--format", "json"]).output)["items"]
    }
    assert [
        status[r]
        for r in ("dedicate-cx-owner", "appoint-full-time-cx-lead", "cx-owner-mandate", "cx-owner-reports-to-sponsor")
    ] == ["done", "done", "dropped", "done"]
    # --alone marks the decision only and says what stays open under it (rules/recommend/brand-values.yaml and
    # next-rung-*.yaml: an action with four tools, and one with one)
    alone = runner.invoke(cli, ["plan", "done", SLUG, "written-brand-values", "--alone", "--db", str(db)])
    assert alone.exit_code == 0, alone.output
    parts = [
        "brand-book-and-service-standards",
        "brand-book-working-groups",
        "service-best-practice-review",
        "service-standards-training",
        "mystery-shopper-check",
        "values-from-customer-moments",
        "values-story-session",
    ]
    lines = alone.output.splitlines()
    assert lines[:2] == ["written-brand-values: done", "Left open under it (--alone; mark each when it is done) (7):"]
    assert [line.split()[1].rstrip(":") for line in lines[2:]] == parts
    status = {
        i["id"]: i["status"]
        for i in json.loads(runner.invoke(cli, ["plan", SLUG, "--db", str(db), "--format", "json"]).output)["items"]
    }
    assert {status[p] for p in parts} == {"open"}
    wrong = runner.invoke(cli, ["plan", "drop", SLUG, "written-brand-values", "--why", "x", "--alone", "--db", str(db)])
    assert wrong.exit_code == 2 and "No such option '--alone'" in wrong.output  # --alone is an option of done only
