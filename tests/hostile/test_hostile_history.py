"""The history database (RELIABILITY.md: history database, plan): a row damaged outside cxm is named in one
line (exit 1), never a traceback; another application's SQLite file is left alone; a reason is one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cxm.cli.main import cli
from tests.conftest import example

FACTS = example("article-1-wellness-resort")
KEY = "regional-wellness-resort-article-company-1"
ENV = {"CXM_NOW": "2026-01-01T09:00:00Z"}


def _saved(runner, db: Path) -> None:
    result = runner.invoke(cli, ["assess", str(FACTS), "--save", "--db", str(db)], env=ENV)
    assert result.exit_code == 0, result.output


def _damage(db: Path, sql: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(sql)
    conn.close()


def test_DB_badjson_history_names_the_row(runner, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _saved(runner, db)
    _damage(db, "UPDATE assessments SET result = '{\"stage\": ' WHERE id = 1")
    for args in (["history", KEY], ["plan", KEY], ["history", KEY, "--format", "json"]):
        result = runner.invoke(cli, [*args, "--db", str(db)])
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr == (
            f"error: {db}: assessment #1 is damaged (not valid JSON); it was changed outside "
            "cxm: restore the database from a copy\n"
        ), args


def test_DB_missingkey_history_names_the_row(runner, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _saved(runner, db)
    _damage(db, "UPDATE assessments SET result = json_remove(result, '$.stage') WHERE id = 1")
    result = runner.invoke(cli, ["history", KEY, "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {db}: assessment #1 is damaged (its result has no stage name); it was changed "
        "outside cxm: restore the database from a copy\n"
    )


def test_DB_foreign_db_is_left_alone(runner, tmp_path: Path) -> None:
    # CONCERN DB-foreign-db, decided: a SQLite file of another application (tables of its own, user_version 0)
    # is refused, unchanged: no cx tables, no user_version
    db = tmp_path / "other.sqlite"
    _damage(db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    before = db.read_bytes()
    result = runner.invoke(cli, ["assess", str(FACTS), "--save", "--db", str(db)], env=ENV)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: the assessment was printed but not saved: {db}: not a "
        "cx-maturity history database (it holds other tables: notes); "
        "nothing was changed"
    )
    assert db.read_bytes() == before


def test_HI_plan_why_escape_a_reason_is_one_line(runner, tmp_path: Path) -> None:
    # CONCERN HI-plan-why-escape, decided: --why with a line break or a control character is refused (it would
    # forge a line of `cxm plan`); the plan is unchanged
    db = tmp_path / "h.db"
    _saved(runner, db)
    plan = runner.invoke(cli, ["plan", KEY, "--db", str(db)])
    with sqlite3.connect(db) as conn:
        first = conn.execute("SELECT rec FROM plan ORDER BY position LIMIT 1").fetchone()[0]
    conn.close()
    for why, char, at in (("no budget\n  written-brand-values  done", "000A", 10), ("ok\x1b[2J", "001B", 3)):
        result = runner.invoke(cli, ["plan", "drop", KEY, first, "--why", why, "--db", str(db)])
        assert result.exit_code == 1
        assert result.stderr == (
            f"error: --why must be one line of text: it holds the character U+{char} at position {at}\n"
        )
    assert runner.invoke(cli, ["plan", KEY, "--db", str(db)]).stdout == plan.stdout
