"""What the history gives back: a save's outcome (:class:`Saved`), a stored assessment (:class:`Entry`) and an item
of the action plan (:class:`PlanItem`); and what is wrong with a stored assessment changed outside cxm."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Saved:
    """What a save did."""

    id: int
    company: str
    at: str
    added: list[str]
    closed: list[str]
    held_back: list[str]
    reopened: list[str]


@dataclass(frozen=True)
class Entry:
    """One stored assessment, as the history shows it."""

    id: int
    at: str
    knowledge_base: str
    version: str
    file: str
    stage: str
    stage_number: int
    levels: dict[str, int]
    result: dict[str, Any] = field(repr=False)

    @property
    def recommendations(self) -> list[str]:
        return [r["id"] for r in self.result["recommendations"]]


@dataclass(frozen=True)
class PlanItem:
    """A recommendation in the company's action plan."""

    rec: str
    kind: str
    title: dict[str, str]
    status: str
    why: str | None
    status_at: str | None
    first_seen: int
    last_seen: int
    closed_by: int | None
    closed_reason: str | None

    @property
    def current(self) -> bool:
        """Still made by the latest assessment."""
        return self.closed_by is None


def damage(levels: Any, result: Any) -> str | None:
    """What is wrong with a stored assessment's levels and result, as far as the history reads them, or None."""
    if levels is None or result is None:
        return "not valid JSON"
    if not isinstance(levels, dict) or not all(isinstance(v, int) for v in levels.values()):
        return "its levels are not a mapping of competencies to levels"
    if not isinstance(result, dict):
        return "its result is not a mapping"
    stage = result.get("stage")
    if not (
        isinstance(stage, dict)
        and isinstance(stage.get("name"), dict)
        and all(isinstance(stage["name"].get(lang), str) for lang in ("en", "ru"))
    ):
        return "its result has no stage name"
    recs = result.get("recommendations")
    if not (isinstance(recs, list) and all(isinstance(r, dict) and "id" in r and "title" in r for r in recs)):
        return "its result has no list of recommendations"
    return None
