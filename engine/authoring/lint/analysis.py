"""What rules can conclude and when conditions can hold: the fixpoint and satisfiability under the checks.

The checks read the conditions in normal form
(:attr:`~cxm.engine.knowledge.base.Rule.branches`) and decide satisfiability by
trying candidate values: for a single-valued fact, a conjunction of tests
against constants holds for some value only if it holds for a value at or next
to one of the constants, so trying those is exact. Tests that compare two facts
(``{fact: …}``) are not decided; they are assumed to hold, so the checks can
miss a problem but never invent one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase, Rule, is_many
from cxm.engine.language.conclusions import Copy, Sum
from cxm.engine.language.conditions import Conjunction, Literal, Ref, Test
from cxm.engine.runtime.evaluate import passes
from cxm.facts.vocabulary import input_fields

ANY = object()  # a computed conclusion (copy, sum): any value of the fact's type


def constants(tests: Iterable[Test]) -> list[Any]:
    out: list[Any] = []
    for t in tests:
        if isinstance(t.operand, Ref):
            continue
        if isinstance(t.operand, tuple):
            out.extend(t.operand)
        else:
            out.append(t.operand)
    return out


def domain(spec: Any, consts: list[Any]) -> list[Any]:
    """Values of a fact enough to decide any conjunction of tests against ``consts``."""
    if spec.kind == "enum":
        return list(spec.values)
    if spec.kind == "bool":
        return [True, False]
    if spec.kind in ("int", "number"):
        step = 1 if spec.kind == "int" else 0.5
        nums = [c for c in consts if isinstance(c, int | float) and not isinstance(c, bool)]
        out = {n + d for n in nums for d in (-step, 0, step)} or {0}
        return sorted(out)
    if spec.kind == "text":
        return [*dict.fromkeys(consts), "\0other"]
    return []


def plain_tests(tests: Iterable[Test]) -> tuple[Test, ...]:
    return tuple(t for t in tests if not isinstance(t.operand, Ref))


def allowed_values(tests: Iterable[Test]) -> set[Any] | None:
    """The only values an ``is`` or ``in`` test lets through, or None when no such test narrows them."""
    allowed: set[Any] | None = None
    for t in tests:
        if isinstance(t.operand, Ref) or t.op not in ("is", "in"):
            continue
        values = set(t.operand) if t.op == "in" else {t.operand}
        allowed = values if allowed is None else allowed & values
    return allowed


def has_ref(lit: Literal) -> bool:
    return any(isinstance(t.operand, Ref) for t in lit.tests)


class Analysis:
    """Semantic facts about a loaded knowledge base, shared by lint, docs and graphs."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.inputs = set(input_fields())
        self.derived = {name for name in kb.specs if name not in self.inputs}
        self.producible: dict[str, set[Any]] = {}
        self.fires: set[str] = set()
        self._cands: dict[str, tuple[int, list[Any]]] = {}
        self.file_order = {name: i for i, name in enumerate(kb.files)}
        self._solve()

    # candidate values ---------------------------------------------------------------------------

    def candidates(
        self, fact: str, consts: list[Any], *, everything: bool = False, allowed: set[Any] | None = None
    ) -> list[Any]:
        """The values worth trying for a fact (``allowed``: the only ones an ``is``/``in`` test lets through)."""
        spec = self.kb.specs[fact]
        if allowed is not None:
            made = self.producible.get(fact, set())
            if fact in self.inputs or everything or ANY in made:
                return sorted(allowed, key=repr)
            return sorted((v for v in allowed if v in made), key=repr)
        if fact in self.inputs or everything:
            return domain(spec, consts)
        made = self.producible.get(fact, set())
        cached = self._cands.get(fact)
        if cached is not None and cached[0] == len(made) and not consts:
            return cached[1]
        literal = [v for v in made if v is not ANY]
        if ANY in made:
            return list(dict.fromkeys([*domain(spec, consts), *literal]))
        out = sorted(literal, key=repr)
        self._cands[fact] = (len(made), out)
        return out

    def _passes(self, fact: str, value: Any, tests: Iterable[Test]) -> bool:
        try:
            return all(passes(self.kb, fact, value, t, {}) for t in tests)
        except (TypeError, ValueError):
            return True  # a value the test cannot compare: do not decide

    # satisfiability ------------------------------------------------------------------------------

    def fact_ok(self, fact: str, lits: list[Literal], *, everything: bool = False) -> bool:
        """Whether the literals of one conjunction on one fact can all hold."""
        spec = self.kb.specs[fact]
        pos = [lit for lit in lits if not lit.negated]
        neg = [lit for lit in lits if lit.negated and not has_ref(lit)]
        if spec.kind == "list":
            return not pos or self._list_ok(fact, pos, neg)
        if not pos:
            return True  # the fact may be absent (or hold a value no negated test matches)
        consts = constants(t for lit in lits for t in lit.tests)

        def free(v: Any) -> bool:  # the value escapes every negated test
            return not any(self._passes(fact, v, lit.tests) for lit in neg)

        if is_many(spec):
            for lit in pos:
                tests = plain_tests(lit.tests)
                cands = self.candidates(fact, consts, everything=everything, allowed=allowed_values(tests))
                if not any(self._passes(fact, v, tests) and free(v) for v in cands):
                    return False
            return True
        tests = tuple(t for lit in pos for t in plain_tests(lit.tests))
        cands = self.candidates(fact, consts, everything=everything, allowed=allowed_values(tests))
        return any(self._passes(fact, v, tests) and free(v) for v in cands)

    def _list_ok(self, fact: str, pos: list[Literal], neg: list[Literal]) -> bool:
        required: set[Any] = set()
        options: list[tuple[Any, ...]] = []
        for lit in pos:
            for t in plain_tests(lit.tests):
                if t.op == "has":
                    required.add(t.operand)
                elif t.op == "has_all":
                    required.update(t.operand)
                elif t.op == "has_any":
                    options.append(tuple(t.operand))
        for n, choice in enumerate(itertools.product(*options)):
            if n > 512:
                return True  # too many to try: do not decide
            chosen = sorted(required | set(choice), key=str)
            if not any(self._passes(fact, chosen, lit.tests) for lit in neg):
                return True
        return False

    def branch_problem(self, branch: Conjunction, *, everything: bool = False) -> str | None:
        """The first fact whose tests cannot hold in this alternative, or None."""
        by_fact: dict[str, list[Literal]] = {}
        for lit in branch:
            by_fact.setdefault(lit.fact, []).append(lit)
        for fact, lits in by_fact.items():
            if not self.fact_ok(fact, lits, everything=everything):
                return fact
        return None

    def _solve(self) -> None:
        """Which rules can fire and which values each derived fact can take (a least fixpoint)."""
        readers: dict[str, list[Rule]] = {}
        for rule in self.kb.rules:
            for fact in {lit.fact for b in rule.branches for lit in b if not lit.negated}:
                readers.setdefault(fact, []).append(rule)
        queue = list(self.kb.rules)
        queued = {r.id for r in queue}
        while queue:
            rule = queue.pop()
            queued.discard(rule.id)
            if rule.id in self.fires:
                continue
            if not any(self.branch_problem(b) is None for b in rule.branches):
                continue
            self.fires.add(rule.id)
            for c in rule.conclusions:
                made = self.producible.setdefault(c.fact, set())
                value = ANY if isinstance(c.value, Copy | Sum) else c.value
                if value not in made:
                    made.add(value)
                    for reader in readers.get(c.fact, []):
                        if reader.id not in self.fires and reader.id not in queued:
                            queue.append(reader)
                            queued.add(reader.id)

    # implication ---------------------------------------------------------------------------------

    def implies(self, a: Literal, b: Literal) -> bool:
        """Whether literal ``a`` holding guarantees ``b`` holds (same fact; refs must match exactly)."""
        if a.fact != b.fact or a.negated != b.negated:
            return False
        if a == b:
            return True
        strong, weak = (a, b) if not a.negated else (b, a)  # not X implies not Y when Y implies X
        if {t for t in weak.tests if isinstance(t.operand, Ref)} - set(strong.tests):
            return False
        spec = self.kb.specs[a.fact]
        if spec.kind == "list":
            return set(plain_tests(weak.tests)) <= set(plain_tests(strong.tests))
        consts = constants([*strong.tests, *weak.tests])
        cands = domain(spec, consts)
        return all(
            self._passes(a.fact, v, plain_tests(weak.tests))
            for v in cands
            if self._passes(a.fact, v, plain_tests(strong.tests))
        )

    def branch_implies(self, narrow: Conjunction, broad: Conjunction) -> bool:
        """Whether ``narrow`` holding guarantees ``broad`` holds (every literal of broad is implied)."""
        return all(any(self.implies(n, b) for n in narrow if n.fact == b.fact) for b in broad)
