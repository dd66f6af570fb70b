"""The condition language of rule files: parsing, checking and normal form.

A condition is written as YAML::

    when:
      company.employees: {at_least: 50}      # a fact and one or more operators
      brand.brand_book: true                  # shorthand for {is: true}
      any:                                    # at least one of
        - systems.present: {has: ivr}
        - not: {metrics.in_use: {has: nps}}   # negation
      level.brand: {at_most: {fact: level.customers, plus: 1}}   # compare with another fact

A mapping or a list means "all of". ``always`` is a condition that always
holds. Conditions are normalised to a disjunction of conjunctions of
:class:`Literal` (each one fact, its tests, and whether it is negated); the
compiler and the why-not checker both read that one form.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from cxm.facts.record import record
from cxm.facts.source import Path_
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import FieldSpec

MAX_BRANCHES = 64
MAX_DEPTH = 12
MAX_ATOMS = 200

COMPARE = {"at_least", "at_most", "above", "below"}
SCALAR_OPS = {"is", "is_not", "in", "not_in", "between"} | COMPARE
LIST_OPS = {"has", "lacks", "has_any", "has_all", "has_none"}
ALL_OPS = SCALAR_OPS | LIST_OPS | {"present"}
KEYWORDS = {"all", "any", "not"}


class ConditionError(Exception):
    """A problem in a condition, at a path inside the rule file."""

    def __init__(self, path: Path_, message: str, *, key: bool = False, kind: str = ""):
        self.path = path
        self.message = message
        self.key = key  # point at the key (an unknown name) rather than at its value
        self.kind = kind  # the sort of problem (see facts.source.Problem.kind)
        super().__init__(message)


@record(frozen=True)
class Ref:
    """The value of another fact matched by the same rule, plus an optional offset."""

    fact: str
    plus: int = 0


@record(frozen=True)
class Test:
    """One operator applied to a fact's value."""

    op: str
    operand: Any  # scalar, list of scalars, Ref, or (low, high) for between
    path: Path_ = field(compare=False)


@record(frozen=True)
class Literal:
    """A fact that must (or, negated, must not) exist with a value passing every test."""

    fact: str
    tests: tuple[Test, ...]
    negated: bool
    path: Path_ = field(compare=False)

    def refs(self) -> list[str]:
        return [t.operand.fact for t in self.tests if isinstance(t.operand, Ref)]


@record(frozen=True)
class All:
    """Every one of the conditions holds."""

    items: tuple[Any, ...]


@record(frozen=True)
class AnyOf:
    """At least one of the conditions holds."""

    items: tuple[Any, ...]


@record(frozen=True)
class Not:
    """The condition does not hold (written at ``path``)."""

    item: Any
    path: Path_


Node = All | AnyOf | Not | Literal
Conjunction = tuple[Literal, ...]


class Parser:
    """Parses and type-checks a condition against the known facts."""

    def __init__(self, specs: dict[str, FieldSpec]):
        self.specs = specs
        self.atoms = 0

    def parse(self, raw: Any, path: Path_, depth: int = 0) -> Node:
        if depth > MAX_DEPTH:
            raise ConditionError(path, f"condition nested deeper than {MAX_DEPTH} levels")
        if raw == "always":
            return All(())
        if isinstance(raw, list):
            if not raw:
                raise ConditionError(path, "an empty list; write 'always' for a condition that always holds")
            return All(tuple(self.parse(item, path + (i,), depth + 1) for i, item in enumerate(raw)))
        if not isinstance(raw, dict) or not raw:
            raise ConditionError(path, "expected a mapping of facts to tests, a list, 'all', 'any' or 'not'")
        items: list[Node] = []
        for key, value in raw.items():
            here = path + (key,)
            if key == "all":
                if not isinstance(value, list):
                    raise ConditionError(here, "'all' takes a list of conditions")
                items.append(self.parse(value, here, depth + 1))
            elif key == "any":
                if not isinstance(value, list) or not value:
                    raise ConditionError(here, "'any' takes a non-empty list of conditions")
                items.append(AnyOf(tuple(self.parse(v, here + (i,), depth + 1) for i, v in enumerate(value))))
            elif key == "not":
                items.append(Not(self.parse(value, here, depth + 1), here))
            else:
                items.append(self.atom(key, value, here))
        return items[0] if len(items) == 1 else All(tuple(items))

    def spec(self, name: str, path: Path_) -> FieldSpec:
        spec = self.specs.get(name)
        if spec is None:
            hint = suggest(name, list(self.specs) + sorted(KEYWORDS))
            raise ConditionError(path, f"unknown fact {name!r}{hint}", key=True, kind="unknown-name")
        return spec

    def atom(self, name: str, raw: Any, path: Path_) -> Literal:
        self.atoms += 1
        if self.atoms > MAX_ATOMS:
            raise ConditionError(path, f"more than {MAX_ATOMS} tests in one rule")
        spec = self.spec(name, path)
        if not isinstance(raw, dict) or "fact" in raw:
            raw = {"has" if spec.kind == "list" else ("in" if isinstance(raw, list) else "is"): raw}
        if not raw:
            raise ConditionError(path, "no test given for the fact")
        tests: list[Test] = []
        negated = False
        for op, operand in raw.items():
            here = path + (op,)
            if op not in ALL_OPS:
                raise ConditionError(here, f"unknown operator {op!r}{suggest(str(op), sorted(ALL_OPS))}", key=True)
            try:
                self.check_op(spec, op, here)
            except ConditionError as exc:
                exc.key = True
                raise
            if op == "present":
                if not isinstance(operand, bool):
                    raise ConditionError(here, "'present' takes true or false")
                if not operand and len(raw) > 1:
                    # {present: false, is: x} reads "absent and x", which never holds: say which is meant
                    raise ConditionError(
                        here,
                        f"'present: false' must stand alone: to say that no value of {name!r} "
                        f"passes the other tests, write them under 'not:' "
                        f"(not: {{{name}: {{...}}}})",
                        key=True,
                    )
                negated ^= not operand
                continue
            if op in ("lacks", "has_none"):
                if len(raw) > 1:
                    # a test of its own beside the others on the same fact holds as written (issue 26)
                    raise ConditionError(
                        here,
                        f"{op!r} must stand alone in its mapping: write it as a condition "
                        f"of its own in a list, e.g. [{{{name}: {{has: ...}}}}, "
                        f"{{{name}: {{{op}: ...}}}}]",
                        key=True,
                    )
                negated = True
                op = "has" if op == "lacks" else "has_any"
            tests.append(Test(op, self.operand(spec, op, operand, here), here))
        return Literal(name, tuple(tests), negated, path)

    def check_op(self, spec: FieldSpec, op: str, path: Path_) -> None:
        if op == "present":
            return
        if spec.kind == "list":
            ok = op in LIST_OPS and spec.item == "enum"
        elif op in LIST_OPS:
            ok = False
        elif op in COMPARE or op == "between":
            ok = spec.kind in ("int", "number") or (spec.kind == "enum" and spec.ordered)
        else:
            ok = True
        if not ok:
            what = (
                "a list"
                if spec.kind == "list"
                else ("an unordered choice" if spec.kind == "enum" else f"a {spec.kind} fact")
            )
            raise ConditionError(path, f"operator {op!r} does not apply to {spec.path!r}, which is {what}")

    def value(self, spec: FieldSpec, raw: Any, path: Path_) -> Any:
        """Check one literal value against the fact's type."""
        kind = "enum" if spec.kind == "list" else spec.kind
        if kind == "enum":
            if not isinstance(raw, str) or raw not in spec.values:
                hint = suggest(str(raw), spec.values)
                raise ConditionError(
                    path,
                    f"{raw!r} is not a value of {spec.path!r}{hint}; choose from: {', '.join(spec.values)}",
                    kind="bad-value",
                )
        elif kind == "bool":
            if not isinstance(raw, bool):
                raise ConditionError(path, f"{spec.path!r} is true or false, got {raw!r}")
        elif kind in ("int", "number"):
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ConditionError(path, f"{spec.path!r} is a number, got {raw!r}")
        elif kind == "text" and not isinstance(raw, str):
            raise ConditionError(path, f"{spec.path!r} is text, got {raw!r}")
        return raw

    def operand(self, spec: FieldSpec, op: str, raw: Any, path: Path_) -> Any:
        if isinstance(raw, dict):
            if op not in COMPARE | {"is", "is_not"}:
                raise ConditionError(path, f"{op!r} takes values, not another fact")
            return self.ref(spec, raw, path)
        if op in ("in", "not_in", "has_any", "has_all"):
            if not isinstance(raw, list) or not raw:
                raise ConditionError(path, f"{op!r} takes a non-empty list")
            if len(set(map(str, raw))) != len(raw):
                raise ConditionError(path, f"{op!r} lists a value twice")
            return tuple(self.value(spec, v, path + (i,)) for i, v in enumerate(raw))
        if op == "between":
            if not isinstance(raw, list) or len(raw) != 2:
                raise ConditionError(path, "'between' takes [lowest, highest]")
            low, high = (self.value(spec, v, path + (i,)) for i, v in enumerate(raw))
            if self.rank(spec, low) > self.rank(spec, high):
                raise ConditionError(path, f"'between' is empty: {low!r} comes after {high!r}")
            return (low, high)
        return self.value(spec, raw, path)

    @staticmethod
    def rank(spec: FieldSpec, value: Any) -> Any:
        return spec.rank(value) if spec.kind == "enum" else value

    def ref(self, spec: FieldSpec, raw: dict, path: Path_) -> Ref:
        unknown = set(raw) - {"fact", "plus"}
        if unknown or "fact" not in raw:
            raise ConditionError(path, "a reference is written {fact: NAME} or {fact: NAME, plus: N}")
        other = self.spec(str(raw["fact"]), path + ("fact",))
        plus = raw.get("plus", 0)
        if isinstance(plus, bool) or not isinstance(plus, int):
            raise ConditionError(path + ("plus",), f"'plus' takes a whole number, got {plus!r}")
        same = other.kind == spec.kind and other.values == spec.values and other.kind != "list"
        numeric = {other.kind, spec.kind} <= {"int", "number"}
        if not (same or numeric):
            raise ConditionError(path, f"cannot compare {spec.path!r} with {other.path!r}: different types")
        if plus and not numeric:
            raise ConditionError(path + ("plus",), "'plus' applies to numbers only")
        return Ref(other.path, plus)


def dnf(node: Node, negate: bool = False) -> list[Conjunction]:
    """Disjunctive normal form: a list of alternatives, each a conjunction of literals."""
    if isinstance(node, Literal):
        return [(Literal(node.fact, node.tests, node.negated ^ negate, node.path),)]
    if isinstance(node, Not):
        return dnf(node.item, not negate)
    conj = isinstance(node, All) != negate  # De Morgan: a negated "any" is an "all" of negations
    parts = [dnf(item, negate) for item in node.items]
    if conj:
        out: list[Conjunction] = [()]
        for alternatives in parts:
            out = [left + right for left in out for right in alternatives]
            if len(out) > MAX_BRANCHES:
                raise ConditionError((), f"the condition expands to more than {MAX_BRANCHES} alternatives")
        return out
    if not parts:  # negated "always"
        return []
    out = [alt for alternatives in parts for alt in alternatives]
    if len(out) > MAX_BRANCHES:
        raise ConditionError((), f"the condition expands to more than {MAX_BRANCHES} alternatives")
    return out


def facts_of(conjunction: Conjunction) -> tuple[set[str], set[str]]:
    """The fact names a conjunction needs to exist, and those it needs to be absent."""
    positive = {lit.fact for lit in conjunction if not lit.negated}
    positive |= {r for lit in conjunction for r in lit.refs()}
    negative = {lit.fact for lit in conjunction if lit.negated}
    return positive, negative
