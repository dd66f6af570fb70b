"""Facts nobody knew: the stage and the levels as a range, the facts that decide it, and a plan on the lowest end.

A one-step improvement of a CX fact never lowers a level or the stage (``tests/test_stage_method.py``). So with
every unknown fact at its least mature value the engine gives the lowest stage the company can be at, and with
every unknown at its most mature value the highest: two engine runs. An unknown *decides* when its answer alone
moves an end: set to its most mature value at the lowest end, or to its least mature value at the highest. Since
the effect of a set of answers is at least that of each of them, a set that moves no end holds no fact that
does, and the deciding facts are found by halving (:meth:`Probe.movers`), a few runs per deciding fact.

Both ends are confirmed by the whole rule base (:func:`assess_range`); the probes run only the rules the stage
depends on (the same stage and levels, several times quicker).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cxm.facts.unknown import consistent, extremes
from cxm.facts.vocabulary import flatten

if TYPE_CHECKING:
    from cxm.engine.results.result import Assessment, PlanStep
    from cxm.engine.services.api import Engine
    from cxm.facts.load import LoadedFacts


@dataclass(frozen=True)
class Point:
    """One end of the range: the stage and the four levels."""

    stage: str
    levels: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "levels": dict(self.levels)}


@dataclass(frozen=True)
class Decider:
    """An unknown fact whose answer alone moves an end of the range."""

    path: str
    low: str | None  # the lowest end's stage once the answer is the most mature, when that moves the stage
    high: str | None  # the highest end's stage once the answer is the least mature, when that moves the stage
    stage_steps: int  # stages the ends move, both together
    level_steps: int  # levels the ends move, all four competencies and both ends together

    def to_json(self) -> dict[str, Any]:
        return {
            "fact": self.path,
            "lowest_becomes": self.low,
            "highest_becomes": self.high,
            "stage_steps": self.stage_steps,
            "level_steps": self.level_steps,
        }


@dataclass
class Range:
    """The range an assessment with unknown facts leaves open."""

    unknown: list[str]
    low: Point
    high: Point
    deciding: list[Decider] = field(default_factory=list)
    confirm_first: dict[str, list[str]] = field(default_factory=dict)  # plan entry -> the unknowns it rests on
    confirmed: bool = False  # both ends agree with a run of the whole rule base

    @property
    def settled(self) -> bool:
        return self.low.stage == self.high.stage

    def to_json(self) -> dict[str, Any]:
        return {
            "unknown": list(self.unknown),
            "settled": self.settled,
            "lowest": self.low.to_json(),
            "highest": self.high.to_json(),
            "confirmed_by_engine": self.confirmed,
            "deciding": [d.to_json() for d in self.deciding],
            "confirm_first": {k: list(v) for k, v in self.confirm_first.items()},
        }


class Probe:
    """Stage and levels of filled-in facts from the rules the stage depends on; each set of facts is run once."""

    def __init__(self, engine: Engine):
        from cxm.engine.explain.whatif import stage_inputs

        self.engine = engine
        self.order = [s.id for s in engine.kb.stages]
        self.inputs = stage_inputs(engine.kb, (c.rule for c in engine.stage_rules.rules.values()))
        self._seen: dict[str, Point] = {}
        self.runs = 0

    def point(self, flat: dict[str, Any]) -> Point:
        key = json.dumps(flat, sort_keys=True, default=str)
        found = self._seen.get(key)
        if found is None:
            from cxm.engine.results.summary import summarize
            from cxm.engine.runtime import session

            self.runs += 1
            s = summarize(self.engine.kb, session.run(self.engine.kb, self.engine.stage_rules, flat), "")
            found = self._seen[key] = Point(s.stage, dict(s.levels))
            if len(self._seen) > 4096:
                self._seen.clear()
        return found

    def rank(self, stage: str) -> int:
        return self.order.index(stage)

    def steps(self, a: Point, b: Point) -> tuple[int, int]:
        """Stages and levels from ``a`` up to ``b`` (or down: absolute)."""
        return (
            abs(self.rank(b.stage) - self.rank(a.stage)),
            sum(abs(b.levels.get(c, 0) - v) for c, v in a.levels.items()),
        )

    def movers(
        self,
        base: dict[str, Any],
        group: list[str],
        values: dict[str, Any],
        unknown: set[str],
        low: dict[str, Any],
        at: Point,
        stage_only: bool = False,
    ) -> dict[str, Point]:
        """The facts of ``group`` that alone move ``at`` (the point of ``base``; ``stage_only``: its stage) when set
        to ``values``, each with the point it moves to: a group that moves nothing holds no such fact
        (monotonicity)."""
        if not group:
            return {}
        p = self.point(consistent({**base, **{u: values[u] for u in group}}, unknown, low))
        if (p.stage == at.stage) if stage_only else (p == at):
            return {}
        if len(group) == 1:
            return {group[0]: p}
        half = len(group) // 2
        return {
            **self.movers(base, group[:half], values, unknown, low, at, stage_only),
            **self.movers(base, group[half:], values, unknown, low, at, stage_only),
        }


def ends(
    flat: dict[str, Any], unknown: list[str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The facts at the lowest and at the highest end, and each unknown's least and most mature value."""
    lo: dict[str, Any] = {}
    hi: dict[str, Any] = {}
    for path in unknown:
        lo[path], hi[path] = extremes(path, flat.get(path))
    low = {**flat, **lo}
    high = consistent({**flat, **hi}, set(unknown), lo)
    for f in (low, high):
        for path in unknown:
            if f.get(path) is None:
                f.pop(path, None)
    return low, high, lo, hi


def stage_range(
    probe: Probe, flat: dict[str, Any], unknown: list[str], *, deciding: bool = True, stage_only: bool = False
) -> Range:
    """The range of the stage and the levels, and (``deciding``) the facts that decide it, most decisive first
    (``stage_only``: only those that move the stage, found with fewer runs)."""
    low, high, lo, hi = ends(flat, unknown)
    at_low, at_high = probe.point(low), probe.point(high)
    out = Range(list(unknown), at_low, at_high)
    if not deciding or at_low == at_high:
        return out
    inputs = probe.inputs
    candidates = [u for u in unknown if u in inputs and lo[u] != hi[u]]
    if stage_only and at_low.stage == at_high.stage:
        return out
    ups = probe.movers(low, candidates, hi, set(unknown), lo, at_low, stage_only)
    downs = probe.movers(high, candidates, lo, set(unknown), lo, at_high, stage_only)
    found = []
    for i, u in enumerate(candidates):
        if u not in ups and u not in downs:
            continue
        s1, l1 = probe.steps(at_low, ups[u]) if u in ups else (0, 0)
        s2, l2 = probe.steps(downs[u], at_high) if u in downs else (0, 0)
        found.append(
            (
                -(s1 + s2),
                -(l1 + l2),
                i,
                Decider(
                    u,
                    ups[u].stage if u in ups and s1 else None,
                    downs[u].stage if u in downs and s2 else None,
                    s1 + s2,
                    l1 + l2,
                ),
            )
        )
    out.deciding = [d for *_, d in sorted(found, key=lambda t: t[:3])]
    return out


def with_values(loaded: LoadedFacts, values: dict[str, Any]) -> LoadedFacts:
    """The facts with some fields set (dotted paths, plain values; ``None`` leaves a field out), those fields
    taken as not said (so that a legal duty resting on one is to be confirmed, not done)."""
    import copy

    from cxm.facts.load import LoadedFacts
    from cxm.facts.source import Document

    data = copy.deepcopy(loaded.data)
    for path, value in values.items():
        node = data
        *parents, leaf = path.split(".")
        for part in parents:
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
        node[leaf] = value
    gone = {tuple(p.split(".")) for p in values}
    doc = loaded.doc
    doc = Document(doc.file, doc.data, doc.values, {k: v for k, v in doc.keys.items() if k not in gone})
    return LoadedFacts(data, doc, loaded.warnings, loaded.unknown)


def unassume(a: Assessment, unknown: set[str]) -> None:
    """Take the unknown facts out of the assessment's "Assumed" (they were not left out: nobody knew them)."""
    kept = []
    for part in a.assumed:
        pairs = [(k, v, said) for (k, v), said in zip(part.fields.items(), part.said, strict=False) if k not in unknown]
        if pairs:
            kept.append(
                dataclasses.replace(
                    part,
                    fields={k: v for k, v, _ in pairs},
                    said=[s for *_, s in pairs],
                    whole=part.whole and len(pairs) == len(part.fields),
                )
            )
    a.assumed = kept


def resting_on(a: Assessment, unknown: set[str]) -> dict[str, list[str]]:
    """Each recommendation of ``a`` whose derivation rests on an unknown fact, or whose effects set one (the plan
    leaves out an entry whose effects hold already), with those facts."""
    out: dict[str, list[str]] = {}
    for rec in a.recommendations:
        facts = sorted(
            {i.path for i in rec.chain.inputs if i.path in unknown}
            | {str(e.get("fact")) for e in rec.effects if e.get("fact") in unknown}
        )
        if facts:
            out[rec.id] = facts
    return out


def _ids(step: PlanStep) -> list[str]:
    return [step.id, *(i for s in step.steps for i in _ids(s))]


def confirm_first(low: Assessment, high: Assessment | None, unknown: set[str]) -> dict[str, list[str]]:
    """The plan's entries (decisions, and below them actions and tools) that depend on an unknown: they rest on
    one, or the highest end does not make them."""
    resting = resting_on(low, unknown)
    made_high = {r.id for r in high.recommendations} if high is not None else None
    out: dict[str, list[str]] = {}
    for step in low.plan.now + low.plan.next + low.plan.later:
        facts: set[str] = set()
        for ident in _ids(step):
            facts.update(resting.get(ident, ()))
        if facts or (made_high is not None and step.id not in made_high):
            out[step.id] = sorted(facts)
    return out


def reorder(a: Assessment, marked: dict[str, list[str]]) -> None:
    """Keep an entry that depends on an unknown from leading the plan: settled decisions go first, in the plan's
    own order, and the plan's budget of *Now* is kept."""
    steps = a.plan.now + a.plan.next
    if not steps or not marked:
        return
    settled = [s for s in steps if s.id not in marked]
    unsettled = [s for s in steps if s.id in marked]
    ordered = settled + unsettled
    size = len(a.plan.now)
    a.plan.now, a.plan.next = ordered[:size], ordered[size:]
    if a.plan.order:
        first = [i for i in a.plan.order if i not in marked]
        a.plan.order = first + [i for i in a.plan.order if i in marked]


def assess_range(engine: Engine, loaded: LoadedFacts, *, path: bool = False) -> tuple[Range, Assessment]:
    """The range of a company with unknown facts, each end confirmed by the whole rule base, and the assessment
    of the lowest end (its plan marked and ordered: what depends on an unknown never leads)."""
    probe = Probe(engine)
    unknown = list(loaded.unknown)
    flat = flatten(loaded.data)
    result = stage_range(probe, flat, unknown)
    low, high, _, _ = ends(flat, unknown)
    low_loaded = with_values(loaded, {u: low.get(u) for u in unknown})
    high_loaded = with_values(loaded, {u: high.get(u) for u in unknown})
    low_a = engine.assess(low_loaded, path=path)
    high_a = engine.assess(high_loaded)
    unassume(low_a, set(unknown))
    result.confirmed = (
        Point(low_a.stage.id, {c: v.level for c, v in low_a.levels.items()}) == result.low
        and Point(high_a.stage.id, {c: v.level for c, v in high_a.levels.items()}) == result.high
    )
    result.confirm_first = confirm_first(low_a, high_a, set(unknown))
    reorder(low_a, result.confirm_first)
    return result, low_a


def batch_range(engine: Engine, loaded: LoadedFacts) -> tuple[LoadedFacts, dict[str, Any]]:
    """For a batch record: the facts at the lowest end (what the record is assessed on) and its ``range`` (the
    stage at each end, whether it is settled, the facts that decide it and those unknown); the facts as they are
    and nothing when none is unknown."""
    if not loaded.unknown:
        return loaded, {}
    unknown = list(loaded.unknown)
    flat = flatten(loaded.data)
    rng = stage_range(Probe(engine), flat, unknown)
    low, _, _, _ = ends(flat, unknown)
    return with_values(loaded, {u: low.get(u) for u in unknown}), {
        "range": {
            "lowest": rng.low.stage,
            "highest": rng.high.stage,
            "settled": rng.settled,
            "deciding": [d.path for d in rng.deciding],
            "unknown": unknown,
        }
    }
