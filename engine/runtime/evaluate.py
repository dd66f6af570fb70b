"""Check a rule's condition against a set of facts, test by test, in Python.

This reads the very rule definitions the compiler turned into durable-rules
patterns (:class:`~cxm.engine.language.conditions.Literal` in normal form) and gives the
same answer the engine gives on the final facts of a session (a test checks
that, for every rule and every example). It does not decide anything on its
own: explanations use it to say *which* test failed and with what value.
"""

from __future__ import annotations

import itertools
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase, is_many
from cxm.engine.language.conditions import Conjunction, Literal, Ref, Test

Facts = dict[str, list[tuple[str, Any]]]  # fact name -> [(fact id, readable value)]


def group_facts(records: Any) -> Facts:
    """Index a session's facts by name."""
    out: Facts = {}
    for record in records:
        out.setdefault(record.name, []).append((record.id, record.value))
    return out


def _cmp(kb: KnowledgeBase, fact: str, value: Any) -> Any:
    spec = kb.specs[fact]
    return spec.rank(value) if spec.kind == "enum" and spec.ordered and isinstance(value, str) else value


def passes(kb: KnowledgeBase, fact: str, value: Any, test: Test, bound: dict[str, Any]) -> bool:
    """Whether one value passes one test (``bound`` gives the values of referenced facts)."""
    op, operand = test.op, test.operand
    v = _cmp(kb, fact, value)
    if isinstance(operand, Ref):
        if operand.fact not in bound:
            return False
        other = _cmp(kb, operand.fact, bound[operand.fact]) + operand.plus
        return {
            "is": v == other,
            "is_not": v != other,
            "at_least": v >= other,
            "at_most": v <= other,
            "above": v > other,
            "below": v < other,
        }[op]
    if op == "has":
        return operand in value
    if op == "has_any":
        return any(x in value for x in operand)
    if op == "has_all":
        return all(x in value for x in operand)
    if op == "in":
        return value in operand
    if op == "not_in":
        return value not in operand
    if op == "between":
        return _cmp(kb, fact, operand[0]) <= v <= _cmp(kb, fact, operand[1])
    target = _cmp(kb, fact, operand)
    return {
        "is": v == target,
        "is_not": v != target,
        "at_least": v >= target,
        "at_most": v <= target,
        "above": v > target,
        "below": v < target,
    }[op]


def _groups(kb: KnowledgeBase, conj: Conjunction) -> list[tuple[str, list[Test]]]:
    """Positive literals as the compiler groups them: one group per single-valued fact."""
    groups: list[tuple[str, list[Test]]] = []
    for lit in conj:
        if lit.negated:
            continue
        merged = next((g for g in groups if g[0] == lit.fact and not is_many(kb.specs[lit.fact])), None)
        if merged:
            merged[1].extend(lit.tests)
        else:
            groups.append((lit.fact, list(lit.tests)))
    named = {g[0] for g in groups}
    for lit in conj:
        for ref in lit.refs():
            if ref not in named:
                groups.append((ref, []))
                named.add(ref)
    return groups


def matches(kb: KnowledgeBase, conj: Conjunction, facts: Facts) -> list[dict[str, Any]]:
    """Every way the positive part binds to facts while the negated part holds (bindings by fact name).

    Each literal is a test of its own: two literals of a many-valued fact may be passed by one value, and a
    negated literal looks at every fact of its name, the one a positive literal matched included (issue 26)."""
    groups = _groups(kb, conj)
    candidates = [facts.get(name, []) for name, _ in groups]
    out = []
    for combo in itertools.product(*candidates):
        bound: dict[str, Any] = {}
        for (name, _), (_, value) in zip(groups, combo, strict=True):
            bound.setdefault(name, value)
        ok = all(
            passes(kb, name, value, t, bound)
            for (name, tests), (_, value) in zip(groups, combo, strict=True)
            for t in tests
        )
        if ok and all(not _exists(kb, lit, facts, bound) for lit in conj if lit.negated):
            out.append(bound)
    return out


def _exists(kb: KnowledgeBase, lit: Literal, facts: Facts, bound: dict[str, Any]) -> bool:
    return any(all(passes(kb, lit.fact, value, t, bound) for t in lit.tests) for _, value in facts.get(lit.fact, []))


def holds(kb: KnowledgeBase, conj: Conjunction, facts: Facts) -> bool:
    """Whether a conjunction holds on the facts."""
    return bool(matches(kb, conj, facts))
