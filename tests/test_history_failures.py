"""The history database fails in one line, never a traceback (issue 15, items 9, 10 and 17): a lock held
too long, a damaged page, a file that is not ours, missing tables, a read-only file or folder, a
malformed CXM_NOW; and a name without letters or digits still gets a history of its own."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.engine.services import history, history_store
from cxm.engine.services.history import slug
from tests.conftest import example

COMPANY = "Regional wellness resort (article, company 1)"
FACTS = example("article-1-wellness-resort")
NOT_SAVED = "error: the assessment was printed but not saved: "


def _save(runner, db: Path, facts: Path = FACTS, env: dict[str, str] | None = None):
    return runner.invoke(
        cli,
        ["assess", str(facts), "--save", "--db", str(db), "--format", "json"],
        env=env or {"CXM_NOW": "2026-01-01T09:00:00Z"},
    )


def _printed(result) -> None:
    assert json.loads(result.stdout)["company"] == COMPANY  # the assessment itself was printed


def test_a_lock_held_longer_than_the_timeout(runner, tmp_path, monkeypatch) -> None:
    db = tmp_path / "h.sqlite3"
    assert _save(runner, db).exit_code == 0
    monkeypatch.setattr(history_store, "TIMEOUT", 0.1)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = _save(runner, db)
        assert result.exit_code == 1
        _printed(result)
        message = f"{db}: the database is locked by another process (waited 0.1 s); try again later"
        assert result.stderr == NOT_SAVED + message + "\n"
        result = runner.invoke(cli, ["history", COMPANY, "--db", str(db)])
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_damaged_page(runner, tmp_path) -> None:
    db = tmp_path / "h.sqlite3"
    for _ in range(3):
        assert _save(runner, db).exit_code == 0
    with db.open("r+b") as handle:  # overwrite the pages after the schema
        handle.seek(2 * 4096)
        handle.write(b"\xde\xad" * 4096)
    message = (
        f"{db}: the database is damaged (database disk image is malformed); restore it from a backup "
        "or use another --db"
    )
    result = _save(runner, db)
    assert result.exit_code == 1
    _printed(result)
    assert result.stderr == NOT_SAVED + message + "\n"
    result = runner.invoke(cli, ["plan", COMPANY, "--db", str(db)])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")


def test_a_file_that_is_not_a_database(runner, tmp_path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"not a database at all, " * 100)
    result = _save(runner, db)
    assert result.exit_code == 1
    _printed(result)
    assert result.stderr == NOT_SAVED + f"{db}: not a cx-maturity history database (file is not a database)\n"
    assert db.read_bytes() == b"not a database at all, " * 100


def test_missing_tables_under_a_set_user_version(runner, tmp_path) -> None:
    db = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {history.SCHEMA_VERSION}")
    conn.execute("CREATE TABLE plan (x)")
    conn.close()
    result = _save(runner, db)
    assert result.exit_code == 1
    _printed(result)
    assert result.stderr == NOT_SAVED + (
        f"{db}: not a cx-maturity history database (schema {history.SCHEMA_VERSION}, but no table assessments)\n"
    )
    result = runner.invoke(cli, ["history", COMPANY, "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {db}: not a cx-maturity history database (schema {history.SCHEMA_VERSION}, but no table assessments)\n"
    )


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only for this process: by its mode, or, for root (whom modes do not stop),
    with the immutable attribute."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root without the right to set the immutable attribute")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_file(runner, tmp_path) -> None:
    db = tmp_path / "h.sqlite3"
    assert _save(runner, db).exit_code == 0
    before = db.read_bytes()
    with read_only(db):
        result = _save(runner, db)
    assert result.exit_code == 1
    _printed(result)
    assert result.stderr == NOT_SAVED + (
        f"{db}: the database is read-only (check the permissions of the file and its folder)\n"
    )
    assert db.read_bytes() == before


def test_a_read_only_folder(runner, tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db, deeper = folder / "h.sqlite3", folder / "sub" / "h.sqlite3"
    with read_only(folder):
        result = _save(runner, db)
        assert result.exit_code == 1
        _printed(result)
        assert result.stderr == NOT_SAVED + (
            f"{db}: cannot open the database file (check that its folder exists and can be written)\n"
        )
        result = _save(runner, deeper)  # a folder that cannot be made
        assert result.exit_code == 1
        assert result.stderr.startswith(NOT_SAVED + f"{deeper}: ")
        assert result.stderr.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_a_malformed_cxm_now(runner, tmp_path) -> None:
    db = tmp_path / "h.sqlite3"
    result = _save(runner, db, env={"CXM_NOW": "yesterday"})
    assert result.exit_code == 1
    _printed(result)
    assert result.stderr == NOT_SAVED + "CXM_NOW='yesterday' is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)\n"
    result = runner.invoke(cli, ["report", str(FACTS), "-o", str(tmp_path / "r.html")], env={"CXM_NOW": "2026-13"})
    assert result.exit_code == 1
    assert result.stderr == "error: CXM_NOW='2026-13' is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)\n"
    assert not (tmp_path / "r.html").exists()


def test_names_without_letters_or_digits_get_keys_of_their_own(runner, tmp_path) -> None:
    keys = {name: slug(name) for name in ["!!!", "   ", "???", "—", "-"]}
    assert all(k.startswith("company-") and len(k) == len("company-") + 16 for k in keys.values())
    assert len(set(keys.values())) == len(keys)
    assert slug("!!!") == slug("!!!")  # the same name, the same key
    db = tmp_path / "h.sqlite3"
    facts = FACTS.read_text(encoding="utf-8")
    assert f"name: {COMPANY}\n" in facts
    for n, name in enumerate(["!!!", "???"]):
        path = tmp_path / f"f{n}.yaml"
        path.write_text(facts.replace(f"name: {COMPANY}\n", f"name: '{name}'\n"), encoding="utf-8")
        result = runner.invoke(
            cli, ["assess", str(path), "--save", "--db", str(db)], env={"CXM_NOW": "2026-01-01T09:00:00Z"}
        )
        assert result.exit_code == 0, result.output
    for name in ["!!!", "???"]:
        result = runner.invoke(cli, ["history", name, "--db", str(db), "--format", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert (data["company"], data["name"], len(data["assessments"])) == (slug(name), name, 1)
