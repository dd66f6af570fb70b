"""What durable-rules did in an assessment: every firing and every fact (filled in only when asked for)."""

from __future__ import annotations

from typing import Any

from cxm.engine.results.findings import InputFact
from cxm.engine.results.shape import Out
from cxm.facts.record import record


@record(kw_only=True)
class Firing(Out):
    """One rule firing as durable-rules ran it."""

    seq: int
    rule: str
    branch: int
    """Which alternative of the rule's condition matched (from 0)."""
    phase: int
    matched: list[str]
    """Ids of the facts the rule matched."""
    asserted: list[str]
    """Ids of the facts it concluded."""


@record(kw_only=True)
class Fact(Out):
    """A fact of the session."""

    id: str
    name: str
    value: Any
    input: InputFact | None
    """Where it stands in the facts file, for input facts."""
    by: list[int]
    """The firings that concluded it."""


@record(kw_only=True)
class Trace(Out):
    """The whole session: every firing in order, every fact."""

    firings: list[Firing]
    facts: list[Fact]
