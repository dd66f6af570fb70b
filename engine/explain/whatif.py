"""What-if: re-assess with changed input facts and report the difference; and the search, behind
why-not, for the fewest input changes that make a recommendation appear (each candidate confirmed by
re-running the engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
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


def what_if(
    kb: KnowledgeBase, before: Assessment, after: Assessment, after_facts: Facts, changes: list[Change]
) -> WhatIf:
    """The difference between two assessments of one company."""
    old = {r.id: r for r in before.recommendations}
    new = {r.id: r for r in after.recommendations}
    added = [
        Difference(id=r.id, kind=r.kind, title=r.title, rules=r.rules, failing=[])
        for r in after.recommendations
        if r.id not in old
    ]
    removed = []
    for r in before.recommendations:
        if r.id in new:
            continue
        checks = [c for rule_id in r.rules for c in check_rule(kb, kb.rule(rule_id), after_facts)]
        removed.append(Difference(id=r.id, kind=r.kind, title=r.title, rules=r.rules, failing=checks))
    levels = [
        LevelChange(competency=c, before=before.levels[c].level, after=after.levels[c].level)
        for c in before.levels
        if before.levels[c].level != after.levels[c].level
    ]
    return WhatIf(
        file=before.file,
        changes=[str(c) for c in changes],
        stage_before=_stage_ref(before),
        stage_after=_stage_ref(after),
        levels=levels,
        added=added,
        removed=removed,
    )


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
    ok = lambda v: all(passes(kb, lit.fact, v, t, bound) for t in lit.tests)  # noqa: E731
    good = [
        v
        for v in _pool(spec, lit)
        if ok(v) != lit.negated and v not in current and toward_maturity(lit.fact, current[0] if current else None, v)
    ]
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
        return [
            v
            for v in spec.values
            if all(passes(kb, lit.fact, v, t, {}) for t in lit.tests if not isinstance(t.operand, Ref))
        ][:2]
    return [None]


def search(
    loaded: LoadedFacts, run: Callable[[LoadedFacts], Trace], kb: KnowledgeBase, fact: str, value: Any
) -> Suggestion | None:
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


from cxm.engine.explain.path import (  # noqa: E402  the roadmap's shortest path, kept importable from here
    MAX_PATH_RUNS,
    MAX_PATH_SETS,
    MAX_SEARCH_RUNS,
    find_path,
    path_cost,
    shortest_path,
    stage_inputs,
)
from cxm.engine.knowledge.effects import effect_changes  # noqa: E402  re-exported for its callers

__all__ = [
    "MAX_CHANGES",
    "MAX_DEPTH",
    "MAX_PATH_RUNS",
    "MAX_PATH_SETS",
    "MAX_RUNS",
    "MAX_SEARCH_RUNS",
    "candidates",
    "effect_changes",
    "find_path",
    "path_cost",
    "search",
    "shortest_path",
    "stage_inputs",
    "toward_maturity",
    "what_if",
]
