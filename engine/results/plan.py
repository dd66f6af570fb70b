"""The plan: what to do now, next and later, drawn from the recommendations made by one ordering.

**The ordering** (of decisions; :func:`decision_key`), used by the plan, "Start with", the report and the
shortest path's choice among paths of equal cost:

1. a legal duty to *do* (its compliance fact given as false) first; a duty only assumed is to *confirm* and stays
   in the obligations, apart from the plan;
2. the weakest competency first: the decision's competency by its level, lowest first;
3. what unlocks the next stage: more failing tests of the next stage's gate that the decision, its actions and
   tools would make hold;
4. effort, then cost, then horizon (weeks before months before a year), lowest first;
5. the rules' priority, then the id (reading order).

**Served once.** Every effect is a set of (fact, value) pairs (a list effect gives one pair per value added). A
pair is *open* when it does not hold in the company's facts. Decisions are taken in the ordering; one is shown when
it has an open pair (or no effects at all: upkeep at the top) and none of its open pairs is already served by a
shown decision (else it is merged into that one). Under a shown decision, its actions and, under each, its tools
are taken best first: **the best is the one that serves the most open pairs of the entry above it (what that entry
is for) not yet served elsewhere, then the most open pairs not yet served, then the lower effort, then the lower
cost, then the rules' priority**; one is shown when it has an open pair and serves no open pair another shown entry
(not its own decision or action) already serves. So each (fact, value) is served once, by one entry and those above
it.

**Budget.** Now: at most 3 decisions, each with at most 2 actions, each with at most 2 tools. Next: the 3
decisions after those, each with at most 2 actions. Later: the rest, one line each.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cxm.engine.knowledge.base import CatalogueItem, DerivedSpec, KnowledgeBase
from cxm.engine.language.effects import Effect, apply
from cxm.engine.results.checks import producers
from cxm.engine.results.result import Assessment, Obligation, Plan, PlanStep, Recommendation
from cxm.engine.runtime.evaluate import Facts, passes

NOW, ACTIONS, TOOLS = 3, 2, 2
NEXT, NEXT_ACTIONS = 3, 2
SCALE = {"low": 0, "medium": 1, "high": 2}
HORIZON = {"weeks": 0, "months": 1, "year": 2}
Pair = tuple[str, str]


def is_input(kb: KnowledgeBase, path: str) -> bool:
    """An input fact (of the facts file), not one the rules conclude."""
    return path in kb.specs and not isinstance(kb.specs[path], DerivedSpec)


def value_of(kb: KnowledgeBase, facts: Facts, path: str) -> Any:
    """The value of an input fact in a session's facts (an absent list is empty, an absent value None).

    The rule base's copy of the facts' specs is read: building the facts models would slow `cxm assess`."""
    found = facts.get(path)
    if found:
        return found[0][1]
    return [] if kb.specs[path].kind == "list" else None


def open_pairs(kb: KnowledgeBase, effects: Iterable[Effect], facts: Facts) -> list[Pair]:
    """The (fact, value) pairs the effects would make true that do not hold in the facts yet: one per value a list
    effect adds, else the value the effect leaves."""
    out: list[Pair] = []
    for e in effects:
        current = value_of(kb, facts, e.fact)
        if e.op == "adds":
            out += [(e.fact, str(v)) for v in e.value if v not in (current or [])]
        else:
            after = apply(kb.specs[e.fact], current, e)
            if current is None or after != current:
                out.append((e.fact, str(after)))
    return list(dict.fromkeys(out))


def obligation_duty(rec: CatalogueItem, assumed: set[str]) -> str:
    """``confirm`` when a compliance fact the duty is about was left out of the facts file, else ``do``."""
    facts = [e.fact for e in rec.effects if e.fact.startswith("compliance.")] or [e.fact for e in rec.effects]
    return "confirm" if any(f in assumed for f in facts) else "do"


def gate_tests(kb: KnowledgeBase, a: Assessment, facts: Facts) -> list[tuple[str, Any]]:
    """The failing tests on input facts of the next stage's failing gate rules: (rule id, test)."""
    if a.roadmap.next_stage is None or "gate" not in kb.specs:
        return []
    out = []
    for rule in producers(kb, "gate", a.roadmap.next_stage.id):
        branches = rule.branches
        if any(all(_passes(kb, lit, facts) for lit in b) for b in branches):
            continue
        for branch in branches:
            out += [
                (rule.id, lit)
                for lit in branch
                if is_input(kb, lit.fact) and not lit.negated and not _passes(kb, lit, facts)
            ]
    return out


def _passes(kb: KnowledgeBase, lit: Any, facts: Facts) -> bool:
    if not is_input(kb, lit.fact):
        values = [v for _, v in facts.get(lit.fact, [])]
        return any(all(passes(kb, lit.fact, v, t, {}) for t in lit.tests) for v in values) != lit.negated
    ok = all(passes(kb, lit.fact, value_of(kb, facts, lit.fact), t, {}) for t in lit.tests)
    return ok != lit.negated


def closes(kb: KnowledgeBase, effects: Iterable[Effect], lit: Any, facts: Facts) -> bool:
    """Whether carrying out the effects makes a positive test on an input fact hold."""
    value = value_of(kb, facts, lit.fact)
    spec = kb.specs[lit.fact]
    for e in effects:
        if e.fact == lit.fact:
            value = apply(spec, value, e)
    return all(passes(kb, lit.fact, value, t, {}) for t in lit.tests)


def subtree(kb: KnowledgeBase, recs: list[Recommendation], top: str) -> list[str]:
    """A recommendation and every recommendation made under it, in reading order."""
    made = {r.id for r in recs}
    out = [top]
    for r in recs:
        if r.serves in out and r.id in made and r.id not in out:
            out.append(r.id)
    return out


def decision_key(
    kb: KnowledgeBase,
    a: Assessment,
    facts: Facts,
    tests: list[tuple[str, Any]],
    rec: Recommendation,
    duties: dict[str, str],
) -> tuple[Any, ...]:
    """The place of a decision in the plan's ordering (lower first; see the module's docstring)."""
    under = subtree(kb, a.recommendations, rec.id)
    effects = [e for r in under for e in kb.catalogue[r].rec.effects]
    unlocks = sum(1 for _, lit in tests if closes(kb, effects, lit, facts))
    level = a.levels[rec.competency].level if rec.competency in a.levels else 99
    return (
        0 if duties.get(rec.id) == "do" else 1,
        level,
        -unlocks,
        SCALE.get(rec.effort, 1),
        SCALE.get(rec.cost, 1),
        HORIZON.get(rec.horizon, 1),
        rec.priority,
        rec.id,
    )


def _step(r: Recommendation, steps: list[PlanStep] | None = None) -> PlanStep:
    return PlanStep(
        id=r.id,
        kind=r.kind,
        competency=r.competency,
        effort=r.effort,
        cost=r.cost,
        horizon=r.horizon,
        title=r.title,
        steps=steps or [],
    )


class _Served:
    """The (fact, value) pairs served by the entries shown so far, and by which."""

    def __init__(self, kb: KnowledgeBase, facts: Facts):
        self.kb, self.facts = kb, facts
        self.by: dict[Pair, set[str]] = {}

    def own(self, rec_id: str) -> list[Pair]:
        return open_pairs(self.kb, self.kb.catalogue[rec_id].rec.effects, self.facts)

    def clash(self, rec_id: str, above: set[str]) -> str | None:
        """The shown entry (not one of ``above``) that already serves a pair of this one, if any."""
        for pair in self.own(rec_id):
            others = sorted(self.by.get(pair, set()) - above)
            if others:
                return others[0]
        return None

    def add(self, rec_id: str) -> None:
        for pair in self.own(rec_id):
            self.by.setdefault(pair, set()).add(rec_id)


def held(kb: KnowledgeBase, served: _Served, rec_id: str) -> bool:
    """Whether every effect of an entry already holds; an entry without effects (upkeep at the top) never does."""
    return not kb.catalogue[rec_id].rec.upkeep and not served.own(rec_id)


def build_plan(kb: KnowledgeBase, a: Assessment, facts: Facts) -> Plan:
    """The plan of an assessment (its recommendations, levels, roadmap and assumed facts must be filled in)."""
    recs = {r.id: r for r in a.recommendations}
    assumed = {path for part in a.assumed for path in part.fields}
    duties = {
        r.id: obligation_duty(kb.catalogue[r.id].rec, assumed)
        for r in a.recommendations
        if r.kind == "decision" and r.track == "obligation"
    }
    tests = gate_tests(kb, a, facts)
    decisions = [r for r in a.recommendations if r.kind == "decision" and duties.get(r.id) != "confirm"]
    decisions.sort(key=lambda r: decision_key(kb, a, facts, tests, r, duties))
    served = _Served(kb, facts)
    merged: dict[str, str] = {}
    shown: list[str] = []
    for d in decisions:
        why = "holds" if held(kb, served, d.id) else served.clash(d.id, set())
        if why:
            merged[d.id] = why
            continue
        shown.append(d.id)
        served.add(d.id)
    children = {r.id: [c for c in a.recommendations if c.serves == r.id] for r in a.recommendations}

    def pick(parent: str, above: set[str], limit: int) -> list[str]:
        """The best children of ``parent``, at most ``limit``, each serving something no other shown entry does."""
        left = list(children.get(parent, []))
        own_parent = set(served.own(parent))
        out: list[str] = []
        while left and len(out) < limit:

            def key(r: Recommendation) -> tuple[Any, ...]:
                fresh = [p for p in served.own(r.id) if not (served.by.get(p, set()) - above)]
                purpose = [p for p in fresh if p in own_parent]
                return (-len(purpose), -len(fresh), SCALE.get(r.effort, 1), SCALE.get(r.cost, 1), r.priority, r.id)

            left.sort(key=key)
            best = left.pop(0)
            why = "holds" if held(kb, served, best.id) else served.clash(best.id, above)
            if why:
                merged[best.id] = why
                continue
            out.append(best.id)
            served.add(best.id)
        return out

    def tree(d: str, actions: int, tools: int) -> PlanStep:
        steps = []
        for act in pick(d, {d}, actions):
            steps.append(_step(recs[act], [_step(recs[t]) for t in pick(act, {d, act}, tools)]))
        return _step(recs[d], steps)

    now_ids, rest = shown[:NOW], shown[NOW:]
    now = [tree(d, ACTIONS, TOOLS) for d in now_ids]
    nxt = [tree(d, NEXT_ACTIONS, 0) for d in rest[:NEXT]]
    later = [_step(recs[d]) for d in rest[NEXT:]]
    obligations = [
        Obligation(
            id=d,
            duty=duty,
            facts=[e.fact for e in kb.catalogue[d].rec.effects],
            title=recs[d].title,
            laws=[_step(c) for c in children.get(d, [])],
        )
        for d, duty in duties.items()
    ]
    order = [d.id for d in decisions] + [d for d, duty in duties.items() if duty == "confirm"]
    return Plan(
        now=now, next=nxt, later=later, obligations=obligations, order=order, merged=dict(sorted(merged.items()))
    )


def steps_of(plan: Plan) -> list[PlanStep]:
    """Every entry the plan shows (now, next and later), depth first."""
    out: list[PlanStep] = []

    def walk(step: PlanStep) -> None:
        out.append(step)
        for s in step.steps:
            walk(s)

    for step in plan.now + plan.next + plan.later:
        walk(step)
    return out
