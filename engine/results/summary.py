"""The lean result of an assessment: stage, levels, recommendation and held-back ids, read from a session trace.

What batch rows and API callers needing no explanation use: no chains, no roadmap, no texts, no result
models; the same values, in the same order, as the projection of a full :class:`~cxm.engine.results.result.Assessment`.
"""

from __future__ import annotations

from dataclasses import field
from typing import NamedTuple, Protocol, TypeVar

from cxm.engine.base.errors import EngineError
from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.runtime.session import Trace
from cxm.facts.record import record
from cxm.facts.vocabulary import whole


@record(frozen=True)
class Summary:
    """An assessment without its explanations."""

    company: str
    stage: str
    levels: dict[str, int]
    recommendations: list[str]  # decisions by priority, each followed by its actions, each by its tools
    held_back: list[str]
    weakest: list[str]  # the competencies tied at the lowest level, in the model's order
    self_far: dict[str, str] = field(default_factory=dict)
    """Competencies whose self-rating is two levels or more from the evidence: "below" or "above"."""


class _Rec(NamedTuple):
    id: str
    kind: str
    serves: str | None
    priority: int


def values(trace: Trace, name: str) -> list[str]:
    """The ids of the concluded facts named ``name``, in the order they were concluded."""
    return [f.id for f in trace.facts.values() if f.name == name and not f.input]


def only(trace: Trace, name: str) -> str:
    """The one concluded fact named ``name``; none or several is the knowledge base's error."""
    found = values(trace, name)
    if len(found) != 1:
        rules = sorted({trace.firings[s].rule for f in found for s in trace.facts[f].by})
        what = "no value" if not found else f"{len(found)} values ({', '.join(found)}; rules {', '.join(rules)})"
        raise EngineError(f"the knowledge base concluded {what} for {name!r}; exactly one is needed")
    return found[0]


def summarize(kb: KnowledgeBase, trace: Trace, company: str) -> Summary:
    """The lean result of one session (one pass over its facts)."""
    facts = trace.facts
    concluded: dict[str, list[str]] = {}
    for f in facts.values():
        if not f.input:
            concluded.setdefault(f.name, []).append(f.id)

    def one(name: str) -> str:
        found = concluded.get(name, [])
        return found[0] if len(found) == 1 else only(trace, name)  # only() names the rules of what is wrong

    stage = str(kb.stage(str(facts[one("stage")].value)).id)
    levels = {c.id: whole(facts[one(f"level.{c.id}")].value) for c in kb.competencies}
    made: dict[str, str] = {str(facts[f].value): f for f in concluded.get("recommendation", [])}
    recs = []
    for rec_id, fid in made.items():
        entry = kb.catalogue[rec_id].rec
        rules = dict.fromkeys(trace.firings[seq].rule for seq in facts[fid].by)
        recs.append(_Rec(rec_id, entry.kind.value, entry.serves, min(kb.rule(r).priority for r in rules)))
    held = sorted(str(facts[f].value) for f in concluded.get("held_back", []))
    order = [c.id for c in kb.competencies]
    weakest = sorted((str(facts[f].value) for f in concluded.get("weakest", [])), key=order.index)
    far = {
        str(facts[f].value): way
        for way, name in (("below", "level_floored"), ("above", "level_capped"))
        for f in concluded.get(name, [])
    }
    self_far = {c: far[c] for c in order if c in far}
    return Summary(company, stage, levels, [r.id for r in ordered(recs)], held, weakest, self_far)


def failing_gates(kb: KnowledgeBase, trace: Trace, stage: str) -> list[str]:
    """The gate rules of the stage after ``stage`` none of whose alternatives holds, in rule order.

    Read from the firings: a rule fires when one of its alternatives holds, which is what why-not checks on the
    final facts (the engine and why-not agree; ``tests/test_summary.py`` compares the two on generated companies).
    """
    from cxm.engine.results.checks import producers

    ids = [s.id for s in kb.stages]
    if ids.index(stage) + 1 >= len(ids):
        return []
    fired = {f.rule for f in trace.firings}
    return [rule.id for rule in producers(kb, "gate", ids[ids.index(stage) + 1]) if rule.id not in fired]


class _Ranked(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def serves(self) -> str | None: ...
    @property
    def priority(self) -> int: ...


R = TypeVar("R", bound=_Ranked)


def ordered(recs: list[R]) -> list[R]:
    """Decisions by priority, each followed by its actions, each action by its tools; orphans last."""

    def key(r: R) -> tuple[int, str]:
        return (r.priority, r.id)

    children: dict[str | None, list[R]] = {}
    ids = {r.id for r in recs}
    for r in recs:
        parent = r.serves if r.serves in ids else None
        if r.kind != "decision" and parent is None:
            parent = "(orphan)"
        children.setdefault(parent, []).append(r)
    out: list[R] = []

    def walk(node: R) -> None:
        out.append(node)
        for child in sorted(children.get(node.id, []), key=key):
            walk(child)

    for top in sorted(children.get(None, []), key=key):
        walk(top)
    for orphan in sorted(children.get("(orphan)", []), key=key):
        walk(orphan)
    return out
