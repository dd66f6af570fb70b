"""`cxm rules audit`: run the rule base on many companies and measure the advice a client would be handed.

For each company the engine is run as usual; what it recommended, its plan and its shortest path are then
checked, in Python, against the facts and the knowledge base. The shares that measure the advice:

- **no recommendation**: nothing was recommended;
- **own effect already true**: a recommendation one of whose own effects holds already (it names something in
  place);
- **served twice**: a (fact, value) that two entries of the plan serve, neither under the other;
- **over budget**: a plan with more than 3 decisions now, 2 actions a decision, 2 tools an action, 3 decisions
  next (with at most 2 actions each, no tools), or anything under a decision for later;
- **path skips the weakest**: a shortest path with no decision of a weakest competency, where a path through one
  exists (every decision made reaches the next stage, and one of a weakest competency changes a fact the stage
  depends on);
- **--do refused**: a recommendation whose effects `cxm what-if --do` refuses (facts that cannot hold together);
- **no path**: a company below the top stage for which no shortest path was found.

And three that check the plumbing (true by how gap rules are generated, kept to catch a broken generator):
a weakest competency with a next rung but no decision of its own; a failing test of a next rung or of the next
gate that no recommendation's effects would make hold (a rung or gate with alternatives counts as
addressed when every failing test of one alternative is); a recommendation whose effects, with those of everything
made or held back under it, all hold already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.knowledge.effects import effect_changes
from cxm.engine.language.conditions import Literal
from cxm.engine.language.effects import Effect, apply, holds
from cxm.engine.results.checks import producers
from cxm.engine.results.plan import ACTIONS, NEXT, NEXT_ACTIONS, NOW, TOOLS, subtree
from cxm.engine.results.result import Assessment, PlanStep
from cxm.engine.runtime.evaluate import Facts, group_facts, passes
from cxm.engine.runtime.session import Trace
from cxm.facts.load import LoadedFacts
from cxm.facts.vocabulary import flatten, input_fields

ADVICE = (
    "no_recommendation",
    "own_effect_holds",
    "served_twice",
    "over_budget",
    "path_skips_weakest",
    "do_refused",
    "no_path",
)
PLUMBING = ("weakest_unserved", "gap_unaddressed", "already_holds")
SHARES = ADVICE + PLUMBING
NAMES = {
    "no_recommendation": "no recommendation",
    "own_effect_holds": "a recommendation with an own effect already true",
    "served_twice": "a (fact, value) served twice in the plan",
    "over_budget": "a plan over its size budget",
    "path_skips_weakest": "a shortest path with nothing for the weakest competency, where one exists",
    "do_refused": "a recommendation `what-if --do` refuses",
    "no_path": "a next stage with no path found",
    "weakest_unserved": "weakest competency served by no decision",
    "gap_unaddressed": "failing rung or gate test addressed by no recommendation",
    "already_holds": "recommended although its effects already hold",
}


@dataclass
class Findings:
    """What is wrong with the advice given to one company (empty lists, false: nothing)."""

    no_recommendation: bool = False
    own_effect_holds: list[str] = field(default_factory=list)
    served_twice: list[str] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)
    path_skips_weakest: bool = False
    do_refused: list[str] = field(default_factory=list)
    no_path: bool = False
    weakest_unserved: list[str] = field(default_factory=list)
    gap_unaddressed: list[str] = field(default_factory=list)
    already_holds: list[str] = field(default_factory=list)

    def flags(self) -> dict[str, bool]:
        return {name: bool(getattr(self, name)) for name in SHARES}

    def count(self) -> int:
        return sum(len(v) if isinstance(v, list) else int(v) for v in (getattr(self, n) for n in SHARES))


def _value(facts: Facts, path: str) -> Any:
    found = facts.get(path)
    if found:
        return found[0][1]
    return [] if input_fields()[path].kind == "list" else None


def effects_of(kb: KnowledgeBase, rec_ids: Iterable[str]) -> list[Effect]:
    """The declared effects of the given recommendations."""
    return [e for r in rec_ids for e in kb.catalogue[r].rec.effects]


def closes(kb: KnowledgeBase, effect: Effect, lit: Literal, facts: Facts) -> bool:
    """Whether carrying out the effect makes a (positive) test on an input fact hold."""
    if effect.fact != lit.fact or lit.negated:
        return False
    spec = input_fields()[lit.fact]
    after = apply(spec, _value(facts, lit.fact), effect)
    return all(passes(kb, lit.fact, after, t, {}) for t in lit.tests)


def open_tests(kb: KnowledgeBase, a: Assessment, facts: Facts) -> list[tuple[str, list[list[Literal]]]]:
    """Each competency's next rung and the next stage's gate that is not met: (rule id, for each alternative that
    recommendations could make hold, its failing input tests). An alternative with a failing test of a derived
    fact (a small firm's size) is left out: no recommendation changes it."""
    fields = input_fields()
    rules = []
    for comp in a.levels:
        nxt = facts.get(f"next_rung.{comp}")  # the lowest rung not met (rules/levels/levels.yaml)
        if nxt and f"rung_{nxt[0][1]}.{comp}" in kb.specs:
            rules += producers(kb, f"rung_{nxt[0][1]}.{comp}", 1)
    if a.roadmap.next_stage is not None:
        rules += producers(kb, "gate", a.roadmap.next_stage.id)
    out = []
    for rule in rules:
        if any(_branch_holds(kb, branch, facts) for branch in rule.branches):
            continue  # the rung or gate is met by another alternative (a small firm's part-time owner)
        branches = []
        for branch in rule.branches:
            if not _branch_holds(kb, [lit for lit in branch if lit.fact not in fields], facts):
                continue
            branches.append(
                [
                    lit
                    for lit in branch
                    if lit.fact in fields
                    and not lit.negated
                    and not all(passes(kb, lit.fact, _value(facts, lit.fact), t, {}) for t in lit.tests)
                ]
            )
        out.append((rule.id, branches))
    return out


def _served(kb: KnowledgeBase, plan_steps: list[PlanStep], facts: Facts) -> list[str]:
    """The (fact, value) pairs that two shown entries of the plan serve, neither being under the other: an entry
    serves the pairs its own effects would make true that do not hold yet and that no entry shown under it serves."""

    def new(rec_id: str) -> set[str]:
        out = set()
        for e in kb.catalogue[rec_id].rec.effects:
            current = _value(facts, e.fact)
            if e.op == "adds":
                out |= {f"{e.fact}={v}" for v in e.value if v not in (current or [])}
            elif current is None or not holds(input_fields()[e.fact], current, e):
                after = apply(input_fields()[e.fact], current, e)
                out.add(f"{e.fact}={str(after).lower() if isinstance(after, bool) else after}")
        return out

    by: dict[str, list[str]] = {}

    def walk(step: PlanStep) -> set[str]:
        below: set[str] = set()
        for child in step.steps:
            below |= walk(child)
        for pair in new(step.id) - below:
            by.setdefault(pair, []).append(step.id)
        return below | new(step.id)

    for step in plan_steps:
        walk(step)
    return sorted(pair for pair, ids in by.items() if len(ids) > 1)


def _over_budget(a: Assessment) -> list[str]:
    p, out = a.plan, []
    if len(p.now) > NOW:
        out.append(f"now: {len(p.now)} decisions")
    if len(p.next) > NEXT:
        out.append(f"next: {len(p.next)} decisions")
    for d in p.now + p.next:
        limit = ACTIONS if d in p.now else NEXT_ACTIONS
        if len(d.steps) > limit:
            out.append(f"{d.id}: {len(d.steps)} actions")
        for act in d.steps:
            if len(act.steps) > (TOOLS if d in p.now else 0):
                out.append(f"{act.id}: {len(act.steps)} tools")
    out += [f"{d.id}: later, with {len(d.steps)} under it" for d in p.later if d.steps]
    return out


def _refused(kb: KnowledgeBase, a: Assessment, loaded: LoadedFacts) -> list[str]:
    """The recommendations whose effects, with those of what is made under them, give facts the file checks refuse
    (what `cxm what-if --do` would say)."""
    from cxm.facts.changes import apply as apply_changes
    from cxm.facts.source import SourceError

    flat = flatten(loaded.data)
    out = []
    for r in a.recommendations:
        todo, done = [r.id], []
        while todo:
            current = todo.pop(0)
            done.append(current)
            todo += [x.id for x in a.recommendations if x.serves == current]
        changes = effect_changes(kb, flat, done)
        if not changes:
            continue
        try:
            apply_changes(loaded, changes)
        except SourceError:
            out.append(r.id)
    return out


def _path_exists(
    kb: KnowledgeBase,
    a: Assessment,
    loaded: LoadedFacts,
    run: Callable[[dict[str, Any]], Trace],
    relevant: frozenset[str],
) -> bool:
    """Whether a path through a weakest competency exists: every decision made (with what is made under it) takes
    the company to the next stage, and a decision of a weakest competency changes a fact the stage depends on."""
    from cxm.engine.knowledge.effects import retaken

    if a.roadmap.next_stage is None:
        return False
    flat = flatten(loaded.data)
    everything = [r.id for r in a.recommendations]
    weak = [r.id for r in a.recommendations if r.kind == "decision" and r.competency in a.weakest]
    if not any(c.path in relevant for d in weak for c in effect_changes(kb, flat, subtree(kb, a.recommendations, d))):
        return False
    changes = {c.path: c.value for c in effect_changes(kb, flat, everything)}
    for base in (flat, retaken(flat)):  # today's self-ratings, then a re-taken self-assessment (as the path search)
        trace = run({**base, **changes})
        stage = next((f.value for f in trace.facts.values() if f.name == "stage" and not f.input), None)
        if stage is not None and kb.stage_rank(str(stage)) >= a.roadmap.next_stage.number:
            return True
    return False


def _branch_holds(kb: KnowledgeBase, branch: Iterable[Literal], facts: Facts) -> bool:
    """Whether every test of one alternative holds on the facts (input facts with their defaults)."""
    fields = input_fields()
    for lit in branch:
        values = [_value(facts, lit.fact)] if lit.fact in fields else [v for _, v in facts.get(lit.fact, [])]
        found = any(all(passes(kb, lit.fact, v, t, {}) for t in lit.tests) for v in values)
        if found == lit.negated:
            return False
    return True


def check(
    kb: KnowledgeBase,
    a: Assessment,
    trace: Trace,
    *,
    loaded: LoadedFacts | None = None,
    run: Callable[[dict[str, Any]], Trace] | None = None,
    relevant: frozenset[str] = frozenset(),
) -> Findings:
    """The checks on one assessment; with ``loaded``, whether `--do` refuses a recommendation; with ``run`` (a run
    of the stage's rules) and ``a.roadmap.shortest`` filled in, the shortest-path checks."""
    facts = group_facts(trace.facts.values())
    made = [r.id for r in a.recommendations]
    fields = input_fields()
    found = Findings(no_recommendation=not made)
    found.own_effect_holds = [
        r for r in made if any(holds(fields[e.fact], _value(facts, e.fact), e) for e in kb.catalogue[r].rec.effects)
    ]
    found.served_twice = _served(kb, a.plan.now + a.plan.next + a.plan.later, facts)
    found.over_budget = _over_budget(a)
    if loaded is not None:
        found.do_refused = _refused(kb, a, loaded)
    if run is not None and loaded is not None and a.roadmap.next_stage is not None:
        found.no_path = not a.roadmap.shortest and a.roadmap.retake != "alone"
        weak_in_path = any(r.id in a.roadmap.shortest and r.competency in a.weakest for r in a.recommendations)
        found.path_skips_weakest = (
            not weak_in_path and a.roadmap.retake != "alone" and _path_exists(kb, a, loaded, run, relevant)
        )
    # plumbing
    for comp in a.weakest:
        evidence = facts.get(f"evidence_level.{comp}")
        top = evidence is not None and int(evidence[0][1]) >= kb.levels[1]
        if not top and not any(r.kind == "decision" and r.competency == comp for r in a.recommendations):
            found.weakest_unserved.append(comp)
    effects = effects_of(kb, made)
    for rule_id, branches in open_tests(kb, a, facts):
        # the rung or gate holds once every failing test of one of its alternatives holds
        unclosed = [
            [lit for lit in branch if not any(closes(kb, e, lit, facts) for e in effects)] for branch in branches
        ]
        if all(unclosed):
            found.gap_unaddressed += list(dict.fromkeys(f"{rule_id}:{lit.fact}" for u in unclosed for lit in u))
    for rec in made:
        mine = [e for r in [rec, *_descendants(kb, a, rec)] for e in kb.catalogue[r].rec.effects]
        if mine and all(holds(fields[e.fact], _value(facts, e.fact), e) for e in mine):
            found.already_holds.append(rec)
    return found


def _descendants(kb: KnowledgeBase, a: Assessment, rec_id: str) -> list[str]:
    """The actions and tools made, or held back for the budget, under a recommendation: a decision counts through
    them too (a held-back tool is part of what its action stands for, deferred)."""
    made = [r.id for r in a.recommendations if r.serves == rec_id]
    held = [h.id for h in a.held_back if kb.catalogue[h.id].rec.serves == rec_id]
    return made + held + [d for child in made for d in _descendants(kb, a, child)]


@dataclass
class Report:
    """The audit of one population of companies: counts per defect and the worst companies."""

    name: str = ""
    companies: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHARES, 0))
    stages: dict[str, int] = field(default_factory=dict)
    """Companies per stage id (the stage distribution, to see what a change of the method does)."""
    worst: list[tuple[int, int, dict[str, Any], Findings]] = field(default_factory=list)
    """(defects, index, facts, findings), most defects first."""

    def share(self, name: str) -> float:
        return self.counts[name] / self.companies if self.companies else 0.0

    def highest(self) -> float:
        return max((self.share(n) for n in SHARES), default=0.0)


Assess = Callable[[dict[str, Any]], tuple[Assessment, Trace, LoadedFacts]]


def audit(
    assess: Assess,
    kb: KnowledgeBase,
    companies: Iterable[dict[str, Any]],
    keep: int = 10,
    *,
    run: Callable[[dict[str, Any]], Trace] | None = None,
    relevant: frozenset[str] = frozenset(),
    name: str = "",
) -> Report:
    """Assess every company (facts as mappings; ``assess`` fills in the shortest path when ``run`` is given) and
    count the defects; keep the ``keep`` worst."""
    report = Report(name=name)
    for n, data in enumerate(companies):
        a, trace, loaded = assess(data)
        found = check(kb, a, trace, loaded=loaded, run=run, relevant=relevant)
        report.companies += 1
        report.stages[a.stage.id] = report.stages.get(a.stage.id, 0) + 1
        for share, flagged in found.flags().items():
            report.counts[share] += flagged
        if found.count():
            report.worst.append((found.count(), n, data, found))
            report.worst.sort(key=lambda w: (-w[0], w[1]))
            del report.worst[keep:]
    return report
