"""The roadmap's shortest path: the cheapest set of recommended decisions that reaches the next stage, each
candidate confirmed by re-running the engine (with today's self-ratings, then with a re-taken
self-assessment)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cxm.engine.knowledge.base import DerivedSpec, KnowledgeBase, Rule
from cxm.engine.knowledge.effects import effect_changes, retaken
from cxm.engine.results.result import Assessment
from cxm.engine.runtime.session import Trace

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


def path_cost(
    kb: KnowledgeBase, a: Assessment, flat: dict[str, Any], chosen: Iterable[str], under: dict[str, list[str]]
) -> tuple[Any, ...]:
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
    return (
        not weak,
        changed,
        sum(1 + SCALE.get(recs[d].effort, 1) for d in chosen),
        sum(1 + SCALE.get(recs[d].cost, 1) for d in chosen),
        sorted(order.get(d, len(order)) for d in chosen),
    )


MAX_PATH_SETS = 4096


def _stage_at_least(kb: KnowledgeBase, trace: Trace, target: int) -> bool:
    stage = next((f.value for f in trace.facts.values() if f.name == "stage" and not f.input), None)
    return stage is not None and kb.stage_rank(str(stage)) >= target


def find_path(
    kb: KnowledgeBase,
    a: Assessment,
    flat: dict[str, Any],
    run: Callable[[dict[str, Any]], Trace],
    relevant: frozenset[str],
) -> tuple[list[str], str | None]:
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


def shortest_path(
    kb: KnowledgeBase,
    a: Assessment,
    flat: dict[str, Any],
    run: Callable[[dict[str, Any]], Trace],
    relevant: frozenset[str],
) -> list[str]:
    """The shortest path alone (:func:`find_path`)."""
    return find_path(kb, a, flat, run, relevant)[0]


def _search(
    kb: KnowledgeBase,
    a: Assessment,
    flat: dict[str, Any],
    run: Callable[[dict[str, Any]], Trace],
    relevant: frozenset[str],
    used: dict[str, bool],
) -> list[str]:
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
        r.id for r in a.recommendations if r.kind == "decision" and r.id not in a.plan.order
    ]
    under: dict[str, list[str]] = {}
    for r in a.recommendations:
        top = r.id
        while kb.catalogue[top].rec.serves and kb.catalogue[top].rec.serves in recs:
            top = str(kb.catalogue[top].rec.serves)
        under.setdefault(top, []).append(r.id)
    moving = [d for d in decisions if any(c.path in relevant for c in effect_changes(kb, flat, under.get(d, [d])))]
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
            trial = kept[:i] + kept[i + size :]
            if trial and reaches(trial):
                kept = trial
            else:
                i += size
        size //= 2
    return kept


def _drop_one_by_one(
    decisions: list[str], reaches: Callable[[list[str]], bool], weak: Callable[[str], bool]
) -> list[str]:
    kept = list(decisions)
    for d in reversed(decisions):
        trial = [x for x in kept if x != d]
        if trial and (any(weak(x) for x in trial) or not any(weak(x) for x in kept)) and reaches(trial):
            kept = trial
    return kept
