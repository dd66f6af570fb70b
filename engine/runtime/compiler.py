"""Compile checked rules into durable-rules JSON rulesets (one network, or several where one would not hold them).

Each alternative (DNF branch) of a rule becomes one durable rule named
``<rule-id>`` or ``<rule-id>#<n>``. A durable rule that tests an absence starts
with a pattern on a control fact of its stratum (a phase, split into groups of
rules), so it fires only once every fact it may test for absence is complete; so
does every other rule that could otherwise fire before its phase, which keeps
the firing order (:func:`_late`). Facts in the engine are ``{id, name, value}``;
values of ordered enums are stored as their rank so that they compare.
"""

from __future__ import annotations

import json
from dataclasses import field
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase, Rule, is_many
from cxm.engine.language.conditions import Conjunction, Literal, Ref, Test
from cxm.engine.runtime.network import Network
from cxm.facts.record import record
from cxm.facts.source import Problem, SourceError
from cxm.facts.vocabulary import FieldSpec, input_fields

SINK = "cxm_sink"
# A join (a pattern comparing with other facts) holds at most 31 expressions in durable-rules
# (MAX_SEQUENCE_EXPRESSIONS - 1, rete.h): its "$and", its comparisons, the closing test and the end.
MAX_JOIN_TESTS = 28  # not a valid rule id, so it cannot collide
_CMP = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt"}


@record
class Compiled:
    """One durable rule and what the action needs to record a firing (its definition is in
    :attr:`CompiledBase.ruleset`)."""

    name: str
    rule: Rule
    branch: int
    aliases: dict[str, str] = field(default_factory=dict)  # positive alias -> fact name
    source_alias: dict[str, str] = field(default_factory=dict)  # fact name -> first alias matching it


@record
class CompiledBase:
    """The compiled rulesets of a knowledge base.

    Each network is kept as the JSON text durable-rules' C core reads (:attr:`texts`, without the rules'
    ``run``): that is all an assessment needs, and a string is quick to store and to read back from the
    cache. :attr:`ruleset` gives the definitions as data, parsed when first asked for.
    """

    name: str
    rules: dict[str, Compiled]
    phases: list[tuple[int, int]]  # (stratum, group) control facts, asserted in this order
    texts: dict[str, str]  # network name -> its rules as the C core's JSON; the first is named ``name``
    routes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # fact -> networks testing it (if several)
    phase_nets: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)  # phase -> its networks
    eager: tuple[int, ...] = (0,)  # networks opened in every session; the others when a fact they test arrives

    @property
    def ruleset(self) -> dict[str, dict[str, Any]]:
        """durable-rules rulesets (networks) by name, each rule's definition with its ``run`` (its own name)."""
        parsed = self.__dict__.get("_parsed")
        if parsed is None:
            parsed = self.__dict__["_parsed"] = {
                net: {rule: {**definition, "run": rule} for rule, definition in json.loads(text).items()}
                for net, text in self.texts.items()}
        return parsed

    @ruleset.setter
    def ruleset(self, value: dict[str, dict[str, Any]]) -> None:
        self.texts = {net: _text(body) for net, body in value.items()}
        self.__dict__["_parsed"] = value

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_parsed"}

    def definition(self, rule: str) -> dict[str, Any]:
        """A compiled rule's durable-rules definition (its patterns under ``all``, and ``run``)."""
        return next(body[rule] for body in self.ruleset.values() if rule in body)

    def route(self, fact: str) -> tuple[int, ...]:
        """The networks a fact is asserted into: those that test it (the only one, for a single network)."""
        return self.routes.get(fact, _FIRST)

    def controls(self, phase: tuple[int, int]) -> tuple[int, ...]:
        """The networks holding rules of a phase (group), which its control fact is asserted into."""
        return self.phase_nets.get(phase, _FIRST)


_FIRST = (0,)


def _text(body: dict[str, Any]) -> str:
    """A network's rules as the JSON the C core reads (without ``run``, which it would refuse)."""
    return json.dumps({rule: {k: v for k, v in definition.items() if k != "run"} for rule, definition in body.items()},
                      ensure_ascii=False)


def encode(spec: FieldSpec, value: Any) -> Any:
    """A value as stored in the engine: ordered enums become their rank."""
    if spec.kind == "enum" and spec.ordered and isinstance(value, str):
        return spec.rank(value)
    if isinstance(value, tuple):
        return [encode(spec, v) for v in value]
    if isinstance(value, list) and spec.kind == "list":
        return value
    return value



class _Branch:
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
            raise _Fail(self.rule.path + ("when",), f"{fact!r} is compared with other facts {len(refs)} times in one "
                        f"alternative; durable-rules holds at most {MAX_JOIN_TESTS} (error 113)")
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
                raise _Fail(g[2].path, f"{g[0]!r} is compared with itself")
        while pending:
            ready = [g for g in pending if all(isinstance(t.operand, Ref) is False or t.operand.fact in
                                               {o[0] for o in ordered} for t in g[1])]
            if not ready:
                raise _Fail(pending[0][2].path, "facts compare with each other in a circle")
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


class _Fail(Exception):
    def __init__(self, path: tuple, message: str):
        self.path, self.message = path, message


# durable-rules 2.0.28 hangs at most 256 rules on one node of its network (BETA_LIST_LENGTH in
# rules.h; more fails with "error code: 108"). A rule waiting for its phase starts with the test of the
# phase fact, so a phase is split into groups with a control fact each (counting every rule of the
# phase). A rule whose test is already written word for word in MAX_SHARED rules of a network, or that
# would take the network past the limits of its alpha walk (:mod:`cxm.engine.runtime.network`), starts
# a new network: a knowledge base compiles into as many durable-rules rulesets as it needs, and the
# session forwards each fact to those that test it.
GROUP_SIZE = 200
MAX_SHARED = 256
MAX_RULES = 4000  # rules of one network (MAX_ACTIONS in rete.c is 4,096, with the sink and the anchor)
# Patterns of one network: each session allocates and clears about 8 KiB per beta node of every network it
# opens; 3,000 patterns keep that state (24 MiB) below glibc's largest mmap threshold (32 MiB), above which
# every session mapped and unmapped it (measured: 32.7 ms a session at 5,000 patterns, 6.8 ms with the
# threshold raised; 3.5 ms at 3,000 patterns either way; docs/ENGINE_LIMITS.md).
MAX_PATTERNS = 3000


class _Net:
    """One durable-rules ruleset being filled: its rules, its alpha network model and shared tests."""

    def __init__(self) -> None:
        self.body: dict[str, Any] = {}
        self.main = False  # holds rules of the first (largest) cluster
        self.model = Network()
        self.shared: dict[str, int] = {}
        self.tests: set[str] = set()  # fact names its patterns test
        self.patterns = 0
        self.model.add(_FIXED)

    def takes(self, patterns: list[dict[str, Any]], keys: list[str]) -> bool:
        if not self.body:
            return True
        if len(self.body) >= MAX_RULES or self.patterns + len(patterns) > MAX_PATTERNS:
            return False
        if any(self.shared.get(k, 0) >= MAX_SHARED for k in keys):
            return False
        return self.model.fits(patterns)

    def add(self, name: str, definition: dict[str, Any], keys: list[str]) -> None:
        self.body[name] = definition
        self.patterns += len(definition["all"])
        self.model.add(definition["all"])
        for key in keys:
            self.shared[key] = self.shared.get(key, 0) + 1
        for pattern in _tests(definition):
            self.tests.add(_fact_of(next(iter(pattern.values()))))


def _fact_of(expr: dict[str, Any]) -> str:
    """The fact name a compiled pattern tests."""
    return str(expr["$and"][0]["name"] if "$and" in expr else expr["name"])


def _control(definition: dict[str, Any]) -> tuple[int, int] | None:
    """The phase (stratum, group) whose control fact a durable rule waits for, if it has that pattern."""
    first = definition["all"][0]
    if "p" not in first:
        return None
    phase, group = first["p"]["$and"]
    return phase["phase"], group["group"]


def _tests(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """A durable rule's patterns on facts (without the control pattern)."""
    return definition["all"][1:] if _control(definition) is not None else definition["all"]


def _absence(patterns: list[dict[str, Any]]) -> bool:
    """Whether a rule needs its phase's control fact: it tests an absence (``$not``), which holds only once
    the facts of the strata below are complete, or it has no pattern but the control (durable-rules needs one)."""
    return not patterns or any(key.endswith("$not") for pattern in patterns for key in pattern)


# A rule that never fires but accepts every fact: durable-rules rejects a fact no pattern
# accepts, and such a rejection inside an action corrupts the session (seen as a segfault).
_SINK_RULE = {"all": [{"s": {"$ex": {"name": 1}}}, {"t": {"$ex": {"cxm_never": 1}}}], "run": SINK}
_FIXED = [*_SINK_RULE["all"], {"cxm_a": {"cxm_start": 1}}]  # the sink and the anchor rule in every network


def _pack(order: list[tuple[bool, Compiled]], definitions: dict[str, dict[str, Any]], *,
          single: bool = False) -> list[_Net]:
    """Fill networks with the rules in this order (the largest cluster's rules share no network with the
    others); with ``single``, an empty list where one network would not hold them all."""
    nets = [_Net()]
    for main, compiled in order:
        definition = definitions[compiled.name]
        keys = [json.dumps(next(iter(pattern.values())), sort_keys=True) for pattern in _tests(definition)]
        if not nets[-1].takes(definition["all"], keys) or (nets[-1].body and main != nets[-1].main):
            if single:
                return []
            nets.append(_Net())
        nets[-1].main = main
        nets[-1].add(compiled.name, definition, keys)
    return nets


def _clustered(kb: KnowledgeBase, rules: list[Compiled]) -> list[tuple[bool, Compiled]]:
    """The rules in the order networks are filled, each with whether it belongs to the largest cluster: rules
    linked by the derived facts they test or conclude together (in rule order), each cluster after the one
    before it.

    A session opens a network only when a fact it tests arrives, so rules that cannot fire together are
    better kept apart: the largest cluster (with the model's own rules) shares no network with the others.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    derived = set(kb.specs) - set(input_fields())
    anchor: dict[str, str] = {}
    for compiled in rules:
        positive, negative = compiled.rule.needs()
        facts = sorted((positive | negative | compiled.rule.produces()) & derived) or [f"rule:{compiled.rule.id}"]
        for fact in facts[1:]:
            parent[find(fact)] = find(facts[0])
        anchor[compiled.name] = facts[0]
    order: dict[str, int] = {}
    for n, compiled in enumerate(rules):
        order.setdefault(find(anchor[compiled.name]), n)
    ranked = sorted(rules, key=lambda c: order[find(anchor[c.name])])
    sizes: dict[str, int] = {}
    for c in rules:
        sizes[find(anchor[c.name])] = sizes.get(find(anchor[c.name]), 0) + 1
    main = max(sizes, key=lambda k: (sizes[k], -order[k]), default="")
    return [(find(anchor[c.name]) == main, c) for c in ranked]


# Which durable rules start with the control pattern of their phase (compile_base's ``control``): those that test
# an absence and those that could otherwise fire before their phase ("late", the default: the firings and their
# order are those of "every", see _late); "every" rule (as before issue 16); only those that test an "absence" (the
# same conclusions and firings, in another order; bench/control.py prices the three, docs/ENGINE_LIMITS.md).
CONTROLS = ("late", "every", "absence")


def compile_base(kb: KnowledgeBase, *, control: str = "late") -> CompiledBase:
    """Compile every rule of ``kb``; a rule that cannot compile is a located error.

    ``control`` is one of :data:`CONTROLS`: which durable rules wait for their phase's control fact.
    """
    if control not in CONTROLS:
        raise ValueError(f"control is one of {', '.join(CONTROLS)}, not {control!r}")
    rules: dict[str, Compiled] = {}
    definitions: dict[str, dict[str, Any]] = {}
    phase_of: dict[str, tuple[int, int]] = {}
    problems: list[Problem] = []
    in_stratum: dict[int, int] = {}
    for rule in kb.rules:
        for b, conj in enumerate(rule.branches):
            name = rule.id if len(rule.branches) == 1 else f"{rule.id}#{b + 1}"
            # aliases unique across the ruleset (a precaution: durable-rules shares network nodes between
            # rules, and a reference names another fact by its alias)
            branch = _Branch(kb, rule, conj, f"r{len(rules)}")
            try:
                patterns, aliases = branch.build()
            except _Fail as exc:
                problems.append(rule.doc.problem(exc.path, exc.message))
                continue
            group = in_stratum.get(rule.stratum, 0) // GROUP_SIZE
            in_stratum[rule.stratum] = in_stratum.get(rule.stratum, 0) + 1
            phase_of[name] = (rule.stratum, group)
            definitions[name] = {"all": [_control_pattern(phase_of[name]), *patterns], "run": name}
            if _shared(patterns):
                definitions[name]["dist"] = 0
            rules[name] = Compiled(name, rule, b, aliases, dict(branch.alias_of))
    if problems:
        raise SourceError(problems)
    nets = (_pack([(True, c) for c in rules.values()], definitions, single=True)
            or _pack(_clustered(kb, list(rules.values())), definitions))
    # networks are filled as if every rule kept its control pattern: the model stays conservative, and a rule
    # base splits into the same networks whichever rules drop it
    if control != "every":
        free = {name for name in rules if not _absence(_tests(definitions[name]))}
        if control == "late":
            free &= _late(rules, phase_of)
        for name in free:
            del definitions[name]["all"][0]
    bodies = [{**net.body, SINK: _SINK_RULE} for net in nets]
    import hashlib  # (only when compiling: it loads OpenSSL)

    digest = hashlib.sha256(json.dumps(bodies[0] if len(bodies) == 1 else bodies, sort_keys=True).encode())
    name = f"cxm_{digest.hexdigest()[:16]}"
    names = [name] + [f"{name}_{n}" for n in range(1, len(nets))]
    waited = {_control(d) for d in definitions.values()}  # a phase no rule waits for gets no control fact
    phases = [(stratum, g) for stratum in sorted(in_stratum)
              for g in range((in_stratum[stratum] - 1) // GROUP_SIZE + 1) if (stratum, g) in waited]
    routes: dict[str, tuple[int, ...]] = {}
    phase_nets: dict[tuple[int, int], tuple[int, ...]] = {}
    eager: tuple[int, ...] = (0,)
    if len(nets) > 1:
        # a rule that matches no fact (only absences, or nothing) can fire in a session its network saw no
        # fact of; a network without such rules is left untouched until a fact it tests arrives
        eager = tuple(n for n, net in enumerate(nets) if any(
            all(key.endswith("$not") for pattern in _tests(d) for key in pattern) for d in net.body.values()))
        for fact in kb.specs:
            routes[fact] = tuple(n for n, net in enumerate(nets) if fact in net.tests)
        for phase in phases:
            phase_nets[phase] = tuple(n for n, net in enumerate(nets) if any(
                _control(d) == phase for d in net.body.values()))
    base = CompiledBase(name, rules, phases, {}, routes, phase_nets, eager)
    base.ruleset = dict(zip(names, bodies, strict=True))
    return base


def _shared(patterns: list[dict[str, Any]]) -> bool:
    """Whether a fact one pattern matches may also be the one another pattern matches or tests for absence.

    durable-rules lets one fact fill at most one pattern of a rule ("distinct", its default): a ``$not`` then
    ignores the fact a positive pattern matched (``systems.present has crm`` and ``lacks ivr`` fired for
    ``[crm, ivr]``), and two patterns of a many-valued fact needed two different values. Such a rule is
    compiled with ``dist: 0``, which makes each pattern a test of its own over every fact, as the rule says.
    """
    positive = [_fact_of(next(iter(p.values()))) for p in patterns if not next(iter(p)).endswith("$not")]
    negative = {_fact_of(next(iter(p.values()))) for p in patterns if next(iter(p)).endswith("$not")}
    return len(set(positive)) != len(positive) or bool(negative & set(positive))


def _control_pattern(phase: tuple[int, int]) -> dict[str, Any]:
    return {"p": {"$and": [{"phase": phase[0]}, {"group": phase[1]}]}}


def _late(rules: dict[str, Compiled], phase_of: dict[str, tuple[int, int]]) -> set[str]:
    """The durable rules that cannot match before their phase's control fact is asserted anyway: each matches a
    derived fact that only rules of its own phase or of a later one conclude (or none).

    Such a rule becomes ready at the same moment with its control pattern or without it: no firing of a rule
    waiting for its control fact comes before that fact, so neither does a firing that needs a fact such rules
    conclude (by induction on the firings). The C core takes the ready action with the lowest index, the same
    in both (rule order), and a session asserts the next control fact only once none is left: the firings and
    their order stay those of "every". A rule ready earlier would fire before the control fact of its phase,
    that is before rules of the phases in between, whatever its priority ("pri" only orders ready actions).
    """
    earliest: dict[str, tuple[int, int]] = {}  # derived fact -> the earliest phase of a rule concluding it
    for name, c in rules.items():
        for fact in c.rule.produces():
            earliest[fact] = min(earliest.get(fact, phase_of[name]), phase_of[name])
    inputs = set(input_fields())
    late = set()
    for name, c in rules.items():
        conj = c.rule.branches[c.branch]
        positive = {lit.fact for lit in conj if not lit.negated} | {ref for lit in conj for ref in lit.refs()}
        # a derived fact no rule concludes never arrives: a rule matching it never fires
        if any(fact not in inputs and earliest.get(fact, phase_of[name]) >= phase_of[name] for fact in positive):
            late.add(name)
    return late
