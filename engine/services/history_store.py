"""The history database itself (see :mod:`~cxm.engine.services.history`): its tables, opening it (made the first
time, refused when it is not ours), and every failure of SQLite or of the file system turned into a
:class:`StoreError` with one line of explanation."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar

from cxm.engine.base.errors import FAILED, CxmError

SCHEMA_VERSION = 1
TIMEOUT = 30.0  # seconds to wait for a database another process has locked
TABLES = ("assessments", "plan")
MAX_PATH = 512  # the longest database path SQLite opens (SQLITE_MAX_PATHNAME)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS assessments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    company        TEXT NOT NULL,
    company_name   TEXT NOT NULL,
    at             TEXT NOT NULL,
    knowledge_base TEXT NOT NULL,
    version        TEXT NOT NULL,
    file           TEXT NOT NULL,
    stage          TEXT NOT NULL,
    stage_number   INTEGER NOT NULL,
    levels         TEXT NOT NULL,
    facts          TEXT NOT NULL,
    result         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS assessments_company ON assessments (company, id);
CREATE TABLE IF NOT EXISTS plan (
    company       TEXT NOT NULL,
    rec           TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    title_ru      TEXT NOT NULL,
    position      INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    why           TEXT,
    status_at     TEXT,
    first_seen    INTEGER NOT NULL REFERENCES assessments (id),
    last_seen     INTEGER NOT NULL REFERENCES assessments (id),
    closed_by     INTEGER REFERENCES assessments (id),
    closed_reason TEXT CHECK (closed_reason IN ('gap_closed', 'held_back')),
    PRIMARY KEY (company, rec)
);
"""


class HistoryError(CxmError, ValueError):
    """A history request that cannot be met (unknown company, recommendation or status); exit 1."""

    exit_code = FAILED


class StoreError(HistoryError):
    """The database could not be opened, read or written: one line saying why."""


def _reason(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"the database is locked by another process (waited {TIMEOUT:g} s); try again later"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only (check the permissions of the file and its folder)"
    if "malformed" in text or "not a database" in text:
        return f"the database is damaged ({text}); restore it from a backup or use another --db"
    if "unable to open" in text:
        return "cannot open the database file (check that its folder exists and can be written)"
    return text


@contextlib.contextmanager
def guard(path: Path) -> Iterator[None]:
    """Turn a failure of SQLite or of the file system into a :class:`StoreError` naming ``path``."""
    try:
        yield
    except sqlite3.Error as exc:
        size = len(os.fsencode(os.path.abspath(path)))
        if "unable to open" in str(exc) and size > MAX_PATH:
            raise StoreError(
                f"{path}: the path is longer than SQLite accepts ({size} bytes, at most {MAX_PATH}); "
                "give a shorter --db"
            ) from None
        raise StoreError(f"{path}: {_reason(exc)}") from None
    except OSError as exc:
        raise StoreError(f"{path}: {exc.strerror or exc}") from None


P = ParamSpec("P")
R = TypeVar("R")


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """A :class:`History` method whose database failures are :class:`StoreError`."""

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with guard(args[0].path):  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return run


def default_path() -> Path:
    """``history.sqlite3`` in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("cx-maturity", appauthor=False) / "history.sqlite3"


def connect(target: Path) -> sqlite3.Connection:
    """A connection to the history database at ``target``, its folder and tables made the first time."""
    with guard(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(target, isolation_level=None, timeout=TIMEOUT)
    try:
        with guard(target):
            prepare(conn, target)
    except BaseException:
        conn.close()
        raise
    return conn


def prepare(conn: sqlite3.Connection, target: Path) -> None:
    """Set the connection up and create the tables the first time; refuse a database that is not ours."""
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.OperationalError:  # locked, read-only, ...: said by `guard`
        raise
    except sqlite3.DatabaseError as exc:  # not SQLite at all
        raise StoreError(f"{target}: not a cx-maturity history database ({exc})") from None
    if version > SCHEMA_VERSION:
        raise HistoryError(f"{target} was written by a newer cx-maturity (schema {version})")
    if version < SCHEMA_VERSION:
        foreign = sorted(
            {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            - {*TABLES, "sqlite_sequence"}
        )
        if foreign:  # another application's database: it is not made ours
            raise StoreError(
                f"{target}: not a cx-maturity history database (it holds other tables: "
                f"{', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}); nothing was changed"
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in TABLES if t not in present]
    if missing:
        raise StoreError(
            f"{target}: not a cx-maturity history database (schema {version}, but no table {', '.join(missing)})"
        )
