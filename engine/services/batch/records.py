"""The batch record of one company (what an output line holds), and the outcome of one row: its record or
its error lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cxm.engine.base.text import dumps
from cxm.facts.source import SourceError

if TYPE_CHECKING:
    from cxm.engine.results.summary import Summary as LeanSummary


def project(
    row: int, assessment: Any, profile: dict[str, Any] | None = None, warnings: Sequence[str] = ()
) -> dict[str, Any]:
    """The batch record of one assessment (the fields `cxm assess --format json` has, projected).

    The keys after ``held_back`` serve ``cxm portfolio``: the weakest competencies, the gates of the next
    stage that fail (``gates_failing``), and the company's profile (:func:`company_profile`; null without it);
    ``warnings`` are the facts' consistency warnings (:func:`warning_texts`).
    """
    profile = profile or {}
    return {
        "row": row,
        "company": assessment.company,
        "stage": assessment.stage.id,
        "levels": {c: lv.level for c, lv in assessment.levels.items()},
        "recommendations": [r.id for r in assessment.recommendations],
        "held_back": [h.id for h in assessment.held_back],
        "weakest": list(assessment.weakest),
        "gates_failing": failing_gates(assessment),
        "self_far": {
            c: lv.self_rating.far
            for c, lv in assessment.levels.items()
            if lv.self_rating is not None and lv.self_rating.far
        },
        "industry": profile.get("industry"),
        "market": profile.get("market"),
        "size_class": profile.get("size_class"),
        "employees": profile.get("employees"),
        "warnings": list(warnings),
    }


def warning_texts(loaded: Any) -> list[str]:
    """The consistency warnings of a company's facts (those ``cxm assess`` prints), as ``FIELD: MESSAGE``."""
    return [f"{w.field}: {w.message}" for w in loaded.warnings]


def failing_gates(assessment: Any) -> list[str]:
    """The next stage's gate rules none of whose alternatives holds, in rule order."""
    held: dict[str, bool] = {}
    for check in assessment.roadmap.gates:
        held[check.rule] = held.get(check.rule, False) or check.held
    return [rule for rule, ok in held.items() if not ok]


def company_profile(loaded: Any, trace: Any) -> dict[str, Any]:
    """What a portfolio cuts on: industries and head count (input facts), and the market focus and size
    class the rules derived (``market_focus``, ``size_class`` in ``rules/derive/company.yaml``)."""
    derived = {
        f.name: f.value for f in trace.facts.values() if not f.input and f.name in ("market_focus", "size_class")
    }
    company = loaded.data["company"]
    return {
        "industry": [getattr(i, "value", i) for i in company["industry"]],
        "market": derived.get("market_focus"),
        "size_class": derived.get("size_class"),
        "employees": company["employees"],
    }


def lean_record(engine: Any, loaded: Any, row: int) -> dict[str, Any]:
    """The batch record of one company, assessed without explanations (what :func:`project` gives)."""
    from cxm.engine.results.summary import failing_gates, summarize
    from cxm.engine.services.unknowns import batch_range

    loaded, unknown = batch_range(engine, loaded)  # facts nobody knew: the lowest end, and the range (issue 27)
    trace = engine.run(loaded)
    summary = summarize(engine.kb, trace, loaded.company)
    return (
        record(
            row,
            summary,
            failing_gates(engine.kb, trace, summary.stage),
            company_profile(loaded, trace),
            warning_texts(loaded),
        )
        | unknown
    )


def record(
    row: int, summary: LeanSummary, gates_failing: list[str], profile: dict[str, Any], warnings: Sequence[str] = ()
) -> dict[str, Any]:
    """The batch record of a lean assessment (:mod:`cxm.engine.results.summary`): what :func:`project` gives."""
    return {
        "row": row,
        "company": summary.company,
        "stage": summary.stage,
        "levels": summary.levels,
        "recommendations": summary.recommendations,
        "held_back": summary.held_back,
        "weakest": summary.weakest,
        "gates_failing": gates_failing,
        "self_far": summary.self_far,
        **profile,
        "warnings": list(warnings),
    }


@dataclass
class Done:
    """The outcome of one row: its record, or its error lines."""

    row: int
    record: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)


def error_lines(row: int, exc: Exception) -> list[str]:
    if isinstance(exc, SourceError):
        return [f"row {row}: {p.field}: {p.message} [{p.file}:{p.line}:{p.col}]" for p in exc.problems]
    message = " ".join(str(exc).split("\n"))
    return [f"row {row}: (engine): {type(exc).__name__}: {message}"]


def dump(record: dict[str, Any]) -> str:
    """One record (or journal entry) as one compact JSON line, without its line feed."""
    return dumps(record, separators=(",", ":"))


def journal_lines(results: Sequence[Done]) -> str:
    """The journal's lines for a chunk's outcomes (a record, or the row's errors)."""
    return "".join(
        dump({"row": d.row, "record": d.record} if d.record is not None else {"row": d.row, "errors": d.errors}) + "\n"
        for d in results
    )
