"""The history of a company's assessments and of its action plan, in an embedded SQLite database.

A company is identified by a *slug* of ``company.name`` in its facts file: lower-cased, every run of
characters other than letters and digits turned into one ``-`` ("Regional wellness resort (article,
company 1)" -> ``regional-wellness-resort-article-company-1``). A name with no letter or digit at all
gets ``company-`` and the first 16 hex digits of the SHA-256 of the name, so that two such names never
share a history. Commands accept the name or the slug.

Each save is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``, SQLite's rollback journal): a
process killed in the middle leaves the database as it was before the save began. The save stores
the facts and the result as JSON, the time (ISO 8601, UTC), the knowledge-base fingerprint and the
package version, and brings the plan up to date:

- a recommendation made for the first time is added to the plan with status ``open``;
- the consultant sets ``done`` or ``dropped`` (with a reason); a later save keeps that status;
- a recommendation that a re-assessment no longer makes is marked *closed* by that assessment
  (its gap was closed), or *held back* when the new result holds it back; if a later assessment
  makes it again, the mark is cleared.

``CXM_NOW`` (an ISO 8601 time) replaces the clock, for reproducible outputs and tests.

Every failure of the database (locked longer than :data:`TIMEOUT` seconds, damaged, without its
tables, read-only, in a folder that cannot be written) is a :class:`StoreError` with one line of
explanation, never an SQLite traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cxm.engine.services.history_items import Entry, PlanItem, Saved, damage
from cxm.engine.services.history_store import (
    MAX_PATH,
    SCHEMA_VERSION,
    TABLES,
    TIMEOUT,
    HistoryError,
    StoreError,
    connect,
    default_path,
    guard,
    guarded,
)

__all__ = [
    "MAX_PATH",
    "NOW_ENV",
    "SCHEMA_VERSION",
    "STATUSES",
    "TABLES",
    "TIMEOUT",
    "Entry",
    "History",
    "HistoryError",
    "PlanItem",
    "Saved",
    "StoreError",
    "default_path",
    "guard",
    "now",
    "open_history",
    "slug",
]

STATUSES = ("open", "done", "dropped")

NOW_ENV = "CXM_NOW"


def slug(name: str) -> str:
    """The company identity used in the database: see the module docstring."""
    key = re.sub(r"[\W_]+", "-", name.casefold()).strip("-")
    return key or "company-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def now() -> str:
    """The current time as ISO 8601 UTC with seconds (``CXM_NOW`` overrides it; a malformed one is an error)."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        except ValueError:
            raise HistoryError(f"{NOW_ENV}={fixed!r} is not an ISO 8601 time (e.g. 2026-01-31T12:00:00Z)") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    else:
        moment = datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class History:
    """A history database; open it with :func:`open_history`."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already (disk full, I/O)
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- saving ---------------------------------------------------------------------------------

    @guarded
    def save(self, facts: dict[str, Any], result: dict[str, Any], *, version: str, at: str | None = None) -> Saved:
        """Store one assessment (facts and result as JSON) and bring the plan up to date."""
        name = result["company"]
        company = slug(name)
        at = at or now()
        recs = result["recommendations"]
        held = {h["id"] for h in result["held_back"]}
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO assessments (company, company_name, at, knowledge_base, version, file, stage, "
                "stage_number, levels, facts, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    company,
                    name,
                    at,
                    result["knowledge_base"],
                    version,
                    result["file"],
                    result["stage"]["id"],
                    result["stage"]["number"],
                    _json({c: v["level"] for c, v in result["levels"].items()}),
                    _json(facts),
                    _json(result),
                ),
            )
            aid = int(cur.lastrowid or 0)
            known: dict[str, int | None] = dict(
                db.execute("SELECT rec, closed_by FROM plan WHERE company = ?", (company,)).fetchall()
            )
            added: list[str] = []
            reopened: list[str] = []
            closed: list[str] = []
            held_back: list[str] = []
            for position, rec in enumerate(recs):
                if rec["id"] not in known:
                    added.append(rec["id"])
                    db.execute(
                        "INSERT INTO plan (company, rec, kind, title_en, title_ru, position, status, first_seen, "
                        "last_seen) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                        (company, rec["id"], rec["kind"], rec["title"]["en"], rec["title"]["ru"], position, aid, aid),
                    )
                    continue
                if known[rec["id"]] is not None:
                    reopened.append(rec["id"])
                db.execute(
                    "UPDATE plan SET kind = ?, title_en = ?, title_ru = ?, position = ?, last_seen = ?, "
                    "closed_by = NULL, closed_reason = NULL WHERE company = ? AND rec = ?",
                    (rec["kind"], rec["title"]["en"], rec["title"]["ru"], position, aid, company, rec["id"]),
                )
            made = {r["id"] for r in recs}
            for rec_id, closed_by in known.items():
                if rec_id in made or closed_by is not None:
                    continue
                reason = "held_back" if rec_id in held else "gap_closed"
                (held_back if reason == "held_back" else closed).append(rec_id)
                db.execute(
                    "UPDATE plan SET closed_by = ?, closed_reason = ? WHERE company = ? AND rec = ?",
                    (aid, reason, company, rec_id),
                )
            _before_commit()
        return Saved(aid, company, at, added, sorted(closed), sorted(held_back), reopened)

    # --- reading --------------------------------------------------------------------------------

    @guarded
    def resolve(self, company: str) -> str:
        """The slug of a company given by name or slug; an error when it has no assessment."""
        key = slug(company)
        if self.conn.execute("SELECT 1 FROM assessments WHERE company = ? LIMIT 1", (key,)).fetchone():
            return key
        names = [r[0] for r in self.conn.execute("SELECT DISTINCT company FROM assessments ORDER BY company")]
        hint = f"; saved companies: {', '.join(names)}" if names else "; the database has no assessment yet"
        raise HistoryError(f"no saved assessment of {company!r} in {self.path}{hint}")

    @guarded
    def name(self, company: str) -> str:
        row = self.conn.execute(
            "SELECT company_name FROM assessments WHERE company = ? ORDER BY id DESC LIMIT 1", (company,)
        ).fetchone()
        return row[0]

    @guarded
    def entries(self, company: str) -> list[Entry]:
        """Every stored assessment of a company, oldest first."""
        rows = self.conn.execute(
            "SELECT id, at, knowledge_base, version, file, stage, stage_number, levels, result FROM assessments "
            "WHERE company = ? ORDER BY id",
            (company,),
        )
        return [self._entry(r) for r in rows]

    def _entry(self, r: tuple[Any, ...]) -> Entry:
        """A stored row as an :class:`Entry`; a row damaged outside cxm is a :class:`StoreError` naming it."""
        try:
            levels, result = json.loads(r[7]), json.loads(r[8])
        except (TypeError, ValueError, RecursionError):
            levels = result = None
        why = damage(levels, result)
        if why:
            raise StoreError(
                f"{self.path}: assessment #{r[0]} is damaged ({why}); it was changed outside cxm: "
                "restore the database from a copy"
            )
        return Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], levels, result)

    @guarded
    def plan(self, company: str) -> list[PlanItem]:
        """The plan: recommendations still made, in the latest assessment's order, then the closed ones."""
        rows = self.conn.execute(
            "SELECT rec, kind, title_en, title_ru, status, why, status_at, first_seen, last_seen, closed_by, "
            "closed_reason FROM plan WHERE company = ? "
            "ORDER BY closed_by IS NOT NULL, closed_by, position, rec",
            (company,),
        )
        return [PlanItem(r[0], r[1], {"en": r[2], "ru": r[3]}, r[4], r[5], r[6], r[7], r[8], r[9], r[10]) for r in rows]

    @guarded
    def set_status(
        self, company: str, rec: str, status: str, why: str | None = None, at: str | None = None
    ) -> PlanItem:
        """The consultant's status of a recommendation: open, done or dropped (with a reason)."""
        if status not in STATUSES:
            raise HistoryError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        if status == "dropped" and not (why or "").strip():
            raise HistoryError("dropping a recommendation needs a reason (--why TEXT)")
        _one_line(why)
        with self._write() as db:
            cur = db.execute(
                "UPDATE plan SET status = ?, why = ?, status_at = ? WHERE company = ? AND rec = ?",
                (status, why if status == "dropped" else None, at or now(), company, rec),
            )
            if cur.rowcount == 0:
                recs = [
                    r[0] for r in db.execute("SELECT rec FROM plan WHERE company = ? ORDER BY position", (company,))
                ]
                raise HistoryError(f"{rec!r} is not in the plan of {company}{_close(rec, recs)}")
        return next(item for item in self.plan(company) if item.rec == rec)

    @guarded
    def parts(self, company: str, rec: str) -> list[str]:
        """The actions and tools carried out under a recommendation (``serves``, at any depth) in the latest
        assessment, in its order."""
        row = self.conn.execute(
            "SELECT result FROM assessments WHERE company = ? ORDER BY id DESC LIMIT 1", (company,)
        ).fetchone()
        recs = json.loads(row[0])["recommendations"] if row else []
        under, found = {rec}, []
        for r in recs:  # a part comes after what it serves
            if r.get("serves") in under:
                under.add(r["id"])
                found.append(r["id"])
        return found

    @guarded
    def mark_done(
        self, company: str, rec: str, *, alone: bool = False, at: str | None = None
    ) -> tuple[PlanItem, list[PlanItem]]:
        """Mark a recommendation done and, unless ``alone``, those of its actions and tools of the latest
        assessment that are open, in one transaction. Returns the item, and its parts marked done with it (or,
        ``alone``, its parts still open)."""
        parts = self.parts(company, rec)
        before = {i.rec: i for i in self.plan(company)}
        open_parts = [p for p in parts if p in before and before[p].status == "open" and before[p].current]
        with self._write() as db:
            cur = db.execute(
                "UPDATE plan SET status = 'done', why = NULL, status_at = ? WHERE company = ? AND rec = ?",
                (at or now(), company, rec),
            )
            if cur.rowcount == 0:
                recs = [
                    r[0] for r in db.execute("SELECT rec FROM plan WHERE company = ? ORDER BY position", (company,))
                ]
                raise HistoryError(f"{rec!r} is not in the plan of {company}{_close(rec, recs)}")
            if not alone:
                db.executemany(
                    "UPDATE plan SET status = 'done', why = NULL, status_at = ? WHERE company = ? AND rec = ?",
                    [(at or now(), company, p) for p in open_parts],
                )
        after = {i.rec: i for i in self.plan(company)}
        return after[rec], [after[p] for p in open_parts]


_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _one_line(why: str | None) -> None:
    """A reason is one line of text: a line break would forge a line of `cxm plan`, a control would drive the
    terminal that shows it."""
    bad = _NOT_IN_A_LINE.search(why or "")
    if bad:
        raise HistoryError(
            f"--why must be one line of text: it holds the character U+{ord(bad.group()):04X} at "
            f"position {bad.start() + 1}"
        )


def _close(word: str, choices: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":"))


def _before_commit() -> None:
    """Called inside the save transaction, once the rows are written and before ``COMMIT``; it does nothing (a seam:
    a test replaces it to kill the process there and check that the database is intact)."""


def open_history(path: Path | str | None = None) -> History:
    """Open (and create, the first time) the history database at ``path`` (default: :func:`default_path`)."""
    target = Path(path) if path is not None else default_path()
    return History(connect(target), target)
