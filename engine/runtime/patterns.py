"""The durable-rules patterns of one alternative of a rule (:class:`Branch`): each fact's tests as the C core
reads them, joins between facts in the one order it reads right, and facts that compare with each other
ordered so that a fact is named before another compares with it. Values of ordered enums are stored as their
rank (:func:`encode`), so that they compare."""

from __future__ import annotations

from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase, Rule, is_many
from cxm.engine.language.conditions import Conjunction, Literal, Ref, Test
from cxm.facts.vocabulary import FieldSpec

# A join (a pattern comparing with other facts) holds at most 31 expressions in durable-rules
# (MAX_SEQUENCE_EXPRESSIONS - 1, rete.h): its "$and", its comparisons, the closing test and the end.
MAX_JOIN_TESTS = 28
_CMP = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt"}


def encode(spec: FieldSpec, value: Any) -> Any:
    """A value as stored in the engine: ordered enums become their rank."""
    if spec.kind == "enum" and spec.ordered and isinstance(value, str):
        return spec.rank(value)
    if isinstance(value, tuple):
        return [encode(spec, v) for v in value]
    if isinstance(value, list) and spec.kind == "list":
        return value
    return value


class Branch:
    """The durable-rules patterns of one alternative (DNF branch) of a rule, with the aliases naming its facts."""

    def __init__(self, kb: KnowledgeBase, rule: Rule, conj: Conjunction, tag: str):
        self.kb, self.rule, self.conj, self.tag = kb, rule, conj, tag
        self.alias_of: dict[str, str] = {}

    def rvalue(self, ref: Ref) -> Any:
        alias = self.alias_of[ref.fact]
        base = {alias: "value"}
        return {"$add": {"$l": base, "$r": ref.plus}} if ref.plus else base

    def test(self, spec: FieldSpec, t: Test) -> dict[str, Any]:
        op, operand = t.op, t.operand
        if isinstance(operand, Ref):
            rv = self.rvalue(operand)
            return {{"is": "$eq", "is_not": "$neq"}.get(op) or _CMP[op]: {"value": rv}}
        enc = encode(spec, operand)
        if op == "is":
            return {"value": enc}
        if op == "is_not":
            return {"$neq": {"value": enc}}
        if op == "in":
            return {"value": enc[0]} if len(enc) == 1 else {"$or": [{"value": v} for v in enc]}
        if op == "not_in":
            return {"$and": [{"$neq": {"value": v}} for v in enc]}
        if op in _CMP:
            return {_CMP[op]: {"value": enc}}
        if op == "between":
            return {"$and": [{"$gte": {"value": enc[0]}}, {"$lte": {"value": enc[1]}}]}
        if op == "has":
            return {"$iany": {"value": {"$i": enc}}}
        if op == "has_any":
            if len(enc) == 1:
                return {"$iany": {"value": {"$i": enc[0]}}}
            either = {"$or": [{"$i": v} for v in enc]}
            if all(isinstance(v, str) and v for v in enc):
                # durable-rules 2.0.28 checks the type of the last node an "$iany" builds, which for an "$or" is
                # a node whose type it never set (createAlpha, createForwardAlpha in rete.c): create_ruleset
                # failed now and then with "error code: 102" in a process that had made many rulesets. A last
                # test that holds for every item it can meet (no value is empty) is a node of a known type.
                return {"$iany": {"value": {"$and": [either, {"$neq": {"$i": ""}}]}}}
            return {"$iany": {"value": either}}
        if op == "has_all":
            return {"$and": [{"$iany": {"value": {"$i": v}}} for v in enc]}
        raise ValueError(f"unknown operator {op}")  # the parser admits no other

    def pattern(self, fact: str, tests: list[Test]) -> dict[str, Any]:
        spec = self.kb.specs[fact]
        refs = [t.operand.fact for t in tests if isinstance(t.operand, Ref)]
        if len(refs) > MAX_JOIN_TESTS:
            raise Fail(
                self.rule.path + ("when",),
                f"{fact!r} is compared with other facts {len(refs)} times in one "
                f"alternative; durable-rules holds at most {MAX_JOIN_TESTS} (error 113)",
            )
        if not refs:
            parts = [{"name": fact}] + [self.test(spec, t) for t in tests]
            return parts[0] if len(parts) == 1 else {"$and": parts}
        return {"$and": self.join(spec, fact, tests, refs[0])}

    def join(self, spec: FieldSpec, fact: str, tests: list[Test], ref: str) -> list[dict[str, Any]]:
        """The tests of a pattern that compares with another fact, in the one order durable-rules 2.0.28 reads right.

        Such a pattern is one sequence of tests (reduceExpressionSequence, events.c), in which a group that holds
        (an ``$or``, or an ``$and`` inside the ``$and``) ends the sequence as if every test after it held: ``in:
        [2, 1, 4]`` with ``at_least: {fact: company.branches}`` fired for 1 employee and 4 branches. So the
        sequence has no inner ``$and`` (its tests are written one by one) and at most one ``$or``, the values
        every ``in`` of the fact allows, after every other test. It also reads past the end of the sequence when
        its *last* test fails, which crashed the process: a final test that always holds (every fact has k = 1,
        and 1 != 1 + 0.5) keeps a failing test from ever being the last.
        """
        parts: list[dict[str, Any]] = [{"name": fact}]
        allowed: list[Any] | None = None
        for t in tests:
            if t.op == "in":
                allowed = [v for v in t.operand if allowed is None or v in allowed]
                continue
            test = self.test(spec, t)
            parts.extend(test.get("$and", [test]))
        if allowed is not None:
            enc = encode(spec, tuple(allowed))
            if not enc:
                parts.append({"$lt": {"k": 0}})  # no value is in every list: the pattern never holds
            else:
                parts.append({"value": enc[0]} if len(enc) == 1 else {"$or": [{"value": v} for v in enc]})
        parts.append({"$neq": {"k": {"$add": {"$l": {self.alias_of[ref]: "k"}, "$r": 0.5}}}})
        return parts

    def build(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        positive = [lit for lit in self.conj if not lit.negated]
        negative = [lit for lit in self.conj if lit.negated]
        # merge the tests of single-valued facts; a many-valued fact gets a pattern per literal
        groups: list[tuple[str, list[Test], Literal]] = []
        for lit in positive:
            merged = next((g for g in groups if g[0] == lit.fact and not is_many(self.kb.specs[lit.fact])), None)
            if merged:
                merged[1].extend(lit.tests)
            else:
                groups.append((lit.fact, list(lit.tests), lit))
        named = {g[0] for g in groups}
        for lit in self.conj:
            for ref in lit.refs():
                if ref not in named:
                    groups.append((ref, [], lit))
                    named.add(ref)
        # referenced facts first
        ordered: list[tuple[str, list[Test], Literal]] = []
        pending = list(groups)
        for g in groups:
            if any(isinstance(t.operand, Ref) and t.operand.fact == g[0] for t in g[1]):
                raise Fail(g[2].path, f"{g[0]!r} is compared with itself")
        while pending:
            ready = [
                g
                for g in pending
                if all(isinstance(t.operand, Ref) is False or t.operand.fact in {o[0] for o in ordered} for t in g[1])
            ]
            if not ready:
                raise Fail(pending[0][2].path, "facts compare with each other in a circle")
            ordered.extend(ready)
            pending = [g for g in pending if g not in ready]
        patterns: list[dict[str, Any]] = []
        aliases: dict[str, str] = {}
        for n, (fact, tests, _) in enumerate(ordered):
            pat = self.pattern(fact, tests)
            alias = f"{self.tag}f{n}"
            self.alias_of.setdefault(fact, alias)
            aliases[alias] = fact
            patterns.append({alias: pat})
        for n, lit in enumerate(negative):
            patterns.append({f"{self.tag}n{n}$not": self.pattern(lit.fact, list(lit.tests))})
        return patterns, aliases


class Fail(Exception):
    """A rule alternative that cannot compile: where in its file, and why."""

    def __init__(self, path: tuple, message: str):
        self.path, self.message = path, message
