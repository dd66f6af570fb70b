"""What-if: re-assess with changed input facts and report the difference; and the search, behind
why-not, for the fewest input changes that make a recommendation appear (each candidate confirmed by
re-running the engine)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cxm.engine.knowledge.base import DerivedSpec, KnowledgeBase, Rule
from cxm.engine.knowledge.effects import effect_changes, retaken
from cxm.engine.language.conclusions import Copy
from cxm.engine.language.conditions import Literal, Ref
from cxm.engine.results.checks import check_rule, producers
from cxm.engine.results.result import Assessment, Difference, LevelChange, StageRef, Suggestion, WhatIf
from cxm.engine.runtime.evaluate import Facts, group_facts, passes
from cxm.engine.runtime.session import Trace
from cxm.facts.changes import Change, apply
from cxm.facts.load import LoadedFacts
from cxm.facts.source import SourceError
from cxm.facts.vocabulary import FieldSpec, input_fields

MAX_CHANGES = 3
MAX_RUNS = 400
MAX_DEPTH = 6


def _stage_ref(a: Assessment) -> StageRef:
    return StageRef(id=a.stage.id, number=a.stage.number, name=a.stage.name)


def what_if(kb: KnowledgeBase, before: Assessment, after: Assessment, after_facts: Facts,
            changes: list[Change]) -> WhatIf:
    """The difference between two assessments of one company."""
    old = {r.id: r for r in before.recommendations}
    new = {r.id: r for r in after.recommendations}
    added = [Difference(id=r.id, kind=r.kind, title=r.title, rules=r.rules, failing=[])
             for r in after.recommendations if r.id not in old]
    removed = []
    for r in before.recommendations:
        if r.id in new:
            continue
        checks = [c for rule_id in r.rules for c in check_rule(kb, kb.rule(rule_id), after_facts)]
        removed.append(Difference(id=r.id, kind=r.kind, title=r.title, rules=r.rules, failing=checks))
    levels = [LevelChange(competency=c, before=before.levels[c].level, after=after.levels[c].level)
              for c in before.levels if before.levels[c].level != after.levels[c].level]
    return WhatIf(file=before.file, changes=[str(c) for c in changes], stage_before=_stage_ref(before),
                  stage_after=_stage_ref(after), levels=levels, added=added, removed=removed)


# --- the search behind why-not -------------------------------------------------------------------


def _numbers(lit: Literal) -> list[Any]:
    out: list[Any] = []
    for t in lit.tests:
        if isinstance(t.operand, Ref):
            continue
        if t.op == "between" or isinstance(t.operand, tuple):
            out += list(t.operand)
        elif isinstance(t.operand, int | float) and not isinstance(t.operand, bool):
            out += [t.operand - 1, t.operand, t.operand + 1]
        else:
            out.append(t.operand)
    return out


def _fixes(kb: KnowledgeBase, lit: Literal, facts: Facts) -> list[Change]:
    """Single input changes that would make one failing literal hold."""
    spec = input_fields()[lit.fact]
    current = [v for _, v in facts.get(lit.fact, [])]
    if spec.kind == "list":
        return _list_fixes(lit, list(current[0]) if current else [])
    bound: dict[str, Any] = {}
    ok = (lambda v: all(passes(kb, lit.fact, v, t, bound) for t in lit.tests))  # noqa: E731
    good = [v for v in _pool(spec, lit) if ok(v) != lit.negated and v not in current
            and toward_maturity(lit.fact, current[0] if current else None, v)]
    if spec.kind == "enum" and spec.ordered and current and good:
        rank = spec.rank(current[0])
        good.sort(key=lambda v: abs(spec.rank(v) - rank))
    return [Change(lit.fact, v) for v in good[:1]]


def _list_fixes(lit: Literal, items: list[Any]) -> list[Change]:
    """The items a failing literal on a list wants added (all of them for ``has_all``, else the first)."""
    wanted = [x for t in lit.tests for x in (t.operand if isinstance(t.operand, tuple) else (t.operand,))]
    if lit.negated:
        return []  # removing a list item takes a practice away: never suggested
    if any(t.op == "has_all" for t in lit.tests):
        return [Change(lit.fact, items + [x for x in wanted if x not in items])]
    return [Change(lit.fact, items + [x]) for x in wanted if x not in items][:1]


def _pool(spec: FieldSpec, lit: Literal) -> list[Any]:
    """The values worth trying for a single-valued fact: every member of an enum or a bool, the numbers a
    literal compares with (and their neighbours), or the texts it names."""
    if spec.kind == "enum":
        return list(spec.values)
    if spec.kind == "bool":
        return [True, False]
    if spec.kind in ("int", "number"):
        return sorted({v for v in _numbers(lit) if isinstance(v, int | float) and v >= 0})
    return [v for v in _numbers(lit) if isinstance(v, str)]


def candidates(kb: KnowledgeBase, fact: str, value: Any, facts: Facts) -> list[Change]:
    """Input changes that could help conclude ``fact = value``, nearest alternatives first."""
    found: list[tuple[int, int, Change]] = []
    seen: set[tuple[str, str]] = set()

    def visit(fact: str, value: Any, depth: int) -> None:
        if depth > MAX_DEPTH or (fact, str(value)) in seen:
            return
        seen.add((fact, str(value)))
        for rule in producers(kb, fact, value):
            for conclusion in rule.conclusions:  # a copied value: the source must have it
                if conclusion.fact == fact and isinstance(conclusion.value, Copy) and not conclusion.value.plus:
                    visit(conclusion.value.fact, value, depth + 1)
            for check, branch in zip(check_rule(kb, rule, facts), rule.branches, strict=True):
                failing = [lit for lit, c in zip(branch, check.conditions, strict=True) if not c.held]
                for lit in failing:
                    if lit.fact in input_fields():
                        found.extend((depth + len(failing), len(found), c) for c in _fixes(kb, lit, facts))
                    elif not lit.negated:
                        for needed in _needed(kb, lit):
                            visit(lit.fact, needed, depth + 1)

    visit(fact, value, 0)
    out: list[Change] = []
    for _, _, change in sorted(found, key=lambda x: (x[0], x[1])):
        if change not in out:
            out.append(change)
    return out


def _needed(kb: KnowledgeBase, lit: Literal) -> list[Any]:
    spec = kb.specs[lit.fact]
    if spec.kind == "enum":
        return [v for v in spec.values if all(passes(kb, lit.fact, v, t, {}) for t in lit.tests
                                              if not isinstance(t.operand, Ref))][:2]
    return [None]


def search(loaded: LoadedFacts, run: Callable[[LoadedFacts], Trace], kb: KnowledgeBase, fact: str,
           value: Any) -> Suggestion | None:
    """The fewest input changes (breadth first) after which the engine concludes ``fact = value``."""
    target = f"{fact}={value}"
    queue: list[tuple[Change, ...]] = [()]
    tried: set[tuple[str, ...]] = {()}
    runs = 0
    while queue and runs < MAX_RUNS:
        changes = queue.pop(0)
        try:
            current = apply(loaded, list(changes)) if changes else loaded
        except SourceError:
            continue
        trace = run(current)
        runs += 1
        if target in trace.facts:
            return Suggestion(changes=[str(c) for c in changes], confirmed=True, runs=runs)
        if len(changes) >= MAX_CHANGES:
            continue
        paths = {c.path for c in changes}
        for change in candidates(kb, fact, value, group_facts(trace.facts.values())):
            if change.path in paths:
                continue
            nxt = tuple(sorted((*changes, change), key=lambda c: c.path))
            key = tuple(str(c) for c in nxt)
            if key not in tried:
                tried.add(key)
                queue.append(nxt)
    return None


# --- doing recommendations: their effects as input changes --------------------------------------


def toward_maturity(path: str, current: Any, new: Any) -> bool:
    """A change that keeps every practice in place: no list item removed, no ``true`` turned ``false``, no ordered
    choice lowered (why-not's search never suggests taking a practice away); the company profile may change."""
    if path.startswith("company."):
        return True  # the company's profile (market, size, budget, country) is not a practice
    spec = input_fields()[path]
    if spec.kind == "list":
        return all(x in (new or []) for x in (current or []))
    if spec.kind == "bool":
        return not (current is True and new is False)
    if spec.kind == "enum" and spec.ordered and current is not None and new is not None:
        return spec.rank(new) >= spec.rank(current)
    return True


# --- the roadmap's shortest path ------------------------------------------------------------------

MAX_PATH_RUNS = 64
MAX_SEARCH_RUNS = 320
"""Every engine run of one search, however many decisions are recommended: with more than
:data:`MAX_PATH_RUNS` of them, blocks of decisions are dropped while the stage is still reached (halves, then
quarters, ...) until at most that many are left or the runs are spent; the path given then reaches the stage
(every set tried was confirmed by a run) but is not proven the shortest."""


def stage_inputs(kb: KnowledgeBase, rules: Iterable[Rule]) -> frozenset[str]:
    """The input facts the stage can depend on: those tested by the rules it depends on (``kb.slice("stage")``)."""
    tested = {fact for rule in rules for part in rule.needs() for fact in part}
    return frozenset(fact for fact in tested if fact in kb.specs and not isinstance(kb.specs[fact], DerivedSpec))


def path_cost(kb: KnowledgeBase, a: Assessment, flat: dict[str, Any], chosen: Iterable[str],
              under: dict[str, list[str]]) -> tuple[Any, ...]:
    """What carrying out a set of decisions costs, lowest first: a set with nothing for a weakest competency after
    every set with something (when any decision is of one), then the input facts it changes (a list fact counts each
    value it gains), then the decisions' effort (low 1, medium 2, high 3, added up), then their cost (the same), then
    their places in the plan's ordering."""
    from cxm.engine.results.plan import SCALE

    chosen = list(chosen)
    recs = {r.id: r for r in a.recommendations}
    weak = any(recs[d].competency in a.weakest for d in chosen)
    changed = 0
    for c in effect_changes(kb, flat, [x for d in chosen for x in under.get(d, [d])]):
        before = flat.get(c.path)
        if isinstance(c.value, list):
            changed += sum(1 for v in c.value if v not in (before or []))
        else:
            changed += 1
    order = {d: n for n, d in enumerate(a.plan.order)}
    # low 1, medium 2, high 3: every decision adds to the effort, so a set never costs less than one inside it
    return (not weak, changed, sum(1 + SCALE.get(recs[d].effort, 1) for d in chosen),
            sum(1 + SCALE.get(recs[d].cost, 1) for d in chosen), sorted(order.get(d, len(order)) for d in chosen))


MAX_PATH_SETS = 4096


def _stage_at_least(kb: KnowledgeBase, trace: Trace, target: int) -> bool:
    stage = next((f.value for f in trace.facts.values() if f.name == "stage" and not f.input), None)
    return stage is not None and kb.stage_rank(str(stage)) >= target


def find_path(kb: KnowledgeBase, a: Assessment, flat: dict[str, Any],
              run: Callable[[dict[str, Any]], Trace], relevant: frozenset[str]) -> tuple[list[str], str | None]:
    """The shortest path (:func:`shortest_path`) and what it owes to a re-taken self-assessment
    (:attr:`~cxm.engine.results.result.Roadmap.retake`).

    A self-rating keeps a level within one of it, so work that raises the evidence may not move the level until the
    self-assessment is re-taken. A set of decisions reaches the next stage when it does with today's self-ratings,
    or else with a re-taken self-assessment (:func:`retaken`); the path says which ("with"), and an empty path
    that reaches the stage on a re-taken self-assessment alone says "alone"."""
    used: dict[str, bool] = {"retake": False}
    path = _search(kb, a, flat, run, relevant, used)
    if a.roadmap.next_stage is None or not any(k.startswith("self_assessment.") for k in flat):
        return path, None
    if path:
        return path, "with" if used["retake"] else None
    alone = _stage_at_least(kb, run(retaken(flat)), a.roadmap.next_stage.number)
    return path, "alone" if alone else None


def shortest_path(kb: KnowledgeBase, a: Assessment, flat: dict[str, Any],
                  run: Callable[[dict[str, Any]], Trace], relevant: frozenset[str]) -> list[str]:
    """The shortest path alone (:func:`find_path`)."""
    return find_path(kb, a, flat, run, relevant)[0]


def _search(kb: KnowledgeBase, a: Assessment, flat: dict[str, Any], run: Callable[[dict[str, Any]], Trace],
            relevant: frozenset[str], used: dict[str, bool]) -> list[str]:
    """The recommended decisions whose effects, with those of their actions and tools, take the company to the next
    stage at the least cost (:func:`path_cost`: through a weakest competency when a path through one exists, then
    the fewest input facts changed, then the least effort), each candidate confirmed by re-running the engine on
    the changed facts; in the plan's ordering; empty when even all of them do not (or the company is at the top).

    Carrying out more only moves facts toward maturity, so a decision without which the others fall short is
    in every set that reaches the stage: those are found first (one run each). The other sets, each with the
    needed decisions, are then tried cheapest first (a set inside one known to fall short is skipped without a
    run), within :data:`MAX_PATH_RUNS` runs; past that, decisions are dropped one by one, the last in the ordering
    first, while the stage is still reached and a weakest competency keeps a decision. A decision whose effects
    change no input fact the stage depends on (``relevant``, see :func:`stage_inputs`) is left out without a run."""
    from itertools import combinations

    if a.roadmap.next_stage is None:
        return []
    target = a.roadmap.next_stage.number
    bases = [flat] + ([retaken(flat)] if any(k.startswith("self_assessment.") for k in flat) else [])
    recs = {r.id: r for r in a.recommendations}
    decisions = [d for d in a.plan.order if d in recs] + [
        r.id for r in a.recommendations if r.kind == "decision" and r.id not in a.plan.order]
    under: dict[str, list[str]] = {}
    for r in a.recommendations:
        top = r.id
        while kb.catalogue[top].rec.serves and kb.catalogue[top].rec.serves in recs:
            top = str(kb.catalogue[top].rec.serves)
        under.setdefault(top, []).append(r.id)
    moving = [d for d in decisions
              if any(c.path in relevant for c in effect_changes(kb, flat, under.get(d, [d])))]
    tried: dict[frozenset[str], bool] = {}
    retakes: dict[frozenset[str], bool] = {}

    def reaches(chosen: list[str]) -> bool:
        key = frozenset(chosen)
        if key not in tried:
            done = [x for d in chosen for x in under.get(d, [d])]
            changes = {c.path: c.value for c in effect_changes(kb, flat, done)}
            tried[key] = False
            for n, base in enumerate(bases):  # today's self-ratings first, then a re-taken self-assessment
                if _stage_at_least(kb, run({**base, **changes}), target):
                    tried[key], retakes[key] = True, n > 0
                    break
        return tried[key]

    def found(chosen: list[str]) -> list[str]:
        used["retake"] = retakes.get(frozenset(chosen), False)
        return chosen

    if not moving or not reaches(moving):
        return []
    if len(moving) > MAX_PATH_RUNS:  # too many for the exact search: narrowed first, within MAX_SEARCH_RUNS
        moving = _drop_blocks(moving, reaches, lambda: len(tried) >= MAX_SEARCH_RUNS - 3 * MAX_PATH_RUNS)
        if len(moving) > MAX_PATH_RUNS:
            return found(moving)
    start = len(tried) - 1  # the exact search's runs count from that of all its decisions
    needed = [d for d in moving if not reaches([x for x in moving if x != d])]
    optional = [d for d in moving if d not in needed]
    sets: list[list[str]] = []
    for size in range(len(optional) + 1):
        for combo in combinations(optional, size):
            sets.append([d for d in moving if d in needed or d in combo])
            if len(sets) >= MAX_PATH_SETS:
                break
        if len(sets) >= MAX_PATH_SETS:
            break
    sets.sort(key=lambda chosen: path_cost(kb, a, flat, chosen, under))
    failed = [frozenset(k) for k, ok in tried.items() if not ok]
    for chosen in sets:
        key = frozenset(chosen)
        if any(key <= f for f in failed):
            continue
        if len(tried) >= start + MAX_PATH_RUNS:
            return found(_drop_one_by_one(moving, reaches, lambda d: recs[d].competency in a.weakest))
        if reaches(chosen):
            return found(chosen)
        failed.append(key)
    return found(moving)


def _drop_blocks(decisions: list[str], reaches: Callable[[list[str]], bool], spent: Callable[[], bool]) -> list[str]:
    """Drop blocks of decisions (half of them, then a quarter, ...) while the rest still reaches the stage, until
    at most :data:`MAX_PATH_RUNS` are left or ``spent()``: a few runs per decision that is needed."""
    kept = list(decisions)
    size = len(kept) // 2
    while size >= 1 and len(kept) > MAX_PATH_RUNS:
        i = 0
        while i < len(kept) and len(kept) > MAX_PATH_RUNS:
            if spent():
                return kept
            trial = kept[:i] + kept[i + size:]
            if trial and reaches(trial):
                kept = trial
            else:
                i += size
        size //= 2
    return kept


def _drop_one_by_one(decisions: list[str], reaches: Callable[[list[str]], bool],
                     weak: Callable[[str], bool]) -> list[str]:
    kept = list(decisions)
    for d in reversed(decisions):
        trial = [x for x in kept if x != d]
        if trial and (any(weak(x) for x in trial) or not any(weak(x) for x in kept)) and reaches(trial):
            kept = trial
    return kept
