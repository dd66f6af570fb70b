"""Compile checked rules into durable-rules JSON rulesets (one network, or several where one would not hold them).

Each alternative (DNF branch) of a rule becomes one durable rule named
``<rule-id>`` or ``<rule-id>#<n>``. A durable rule that tests an absence starts
with a pattern on a control fact of its stratum (a phase, split into groups of
rules), so it fires only once every fact it may test for absence is complete; so
does every other rule that could otherwise fire before its phase, which keeps
the firing order (:func:`_late`). Facts in the engine are ``{id, name, value}``;
values of ordered enums are stored as their rank so that they compare.

:func:`compile_base` goes in steps: each rule's patterns (:mod:`~cxm.engine.runtime.patterns`), the rules
packed into networks (:mod:`~cxm.engine.runtime.packing`), the control patterns dropped where they change
nothing, then the rulesets named and each fact and phase routed to the networks that test it. What it
makes is a :class:`~cxm.engine.runtime.compiled.CompiledBase`.
"""

from __future__ import annotations

import json
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.runtime.compiled import Compiled, CompiledBase
from cxm.engine.runtime.packing import (
    FIXED,
    GROUP_SIZE,
    MAX_PATTERNS,
    MAX_RULES,
    MAX_SHARED,
    SINK,
    SINK_RULE,
    Net,
    absence,
    clustered,
    control_of,
    fact_of,
    fact_patterns,
    pack,
)
from cxm.engine.runtime.patterns import MAX_JOIN_TESTS, Branch, Fail, encode
from cxm.facts.source import Problem, SourceError
from cxm.facts.vocabulary import input_fields

__all__ = [
    "CONTROLS",
    "FIXED",
    "GROUP_SIZE",
    "MAX_JOIN_TESTS",
    "MAX_PATTERNS",
    "MAX_RULES",
    "MAX_SHARED",
    "SINK",
    "Compiled",
    "CompiledBase",
    "compile_base",
    "encode",
]

Phase = tuple[int, int]  # (stratum, group): the control fact a durable rule may wait for

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
    rules, definitions, phase_of, in_stratum = _compile_rules(kb)
    nets = pack([(True, c) for c in rules.values()], definitions, single=True) or pack(
        clustered(kb, list(rules.values())), definitions
    )
    # networks are filled as if every rule kept its control pattern: the model stays conservative, and a rule
    # base splits into the same networks whichever rules drop it
    _drop_controls(control, rules, definitions, phase_of)
    bodies = [{**net.body, SINK: SINK_RULE} for net in nets]
    name = _name(bodies)
    names = [name] + [f"{name}_{n}" for n in range(1, len(nets))]
    phases = _phases(in_stratum, definitions)
    routes, phase_nets, eager = _routes(kb, nets, phases)
    base = CompiledBase(name, rules, phases, {}, routes, phase_nets, eager)
    base.ruleset = dict(zip(names, bodies, strict=True))
    return base


def _compile_rules(
    kb: KnowledgeBase,
) -> tuple[dict[str, Compiled], dict[str, dict[str, Any]], dict[str, Phase], dict[int, int]]:
    """Each alternative of each rule as a durable rule: the compiled rules, their definitions (each waiting for
    its phase's control fact), the phase of each, and how many rules each stratum has; every rule that cannot
    compile is one problem of the :class:`SourceError` raised."""
    rules: dict[str, Compiled] = {}
    definitions: dict[str, dict[str, Any]] = {}
    phase_of: dict[str, Phase] = {}
    problems: list[Problem] = []
    in_stratum: dict[int, int] = {}
    for rule in kb.rules:
        for b, conj in enumerate(rule.branches):
            name = rule.id if len(rule.branches) == 1 else f"{rule.id}#{b + 1}"
            # aliases unique across the ruleset (a precaution: durable-rules shares network nodes between
            # rules, and a reference names another fact by its alias)
            branch = Branch(kb, rule, conj, f"r{len(rules)}")
            try:
                patterns, aliases = branch.build()
            except Fail as exc:
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
    return rules, definitions, phase_of, in_stratum


def _drop_controls(
    control: str, rules: dict[str, Compiled], definitions: dict[str, dict[str, Any]], phase_of: dict[str, Phase]
) -> None:
    """Take the control pattern out of the definitions of the rules that need not wait for it (``control``)."""
    if control == "every":
        return
    free = {name for name in rules if not absence(fact_patterns(definitions[name]))}
    if control == "late":
        free &= _late(rules, phase_of)
    for name in free:
        del definitions[name]["all"][0]


def _name(bodies: list[dict[str, Any]]) -> str:
    """The name of the first ruleset (the others add ``_N``): a digest of what the networks hold."""
    import hashlib  # (only when compiling: it loads OpenSSL)

    digest = hashlib.sha256(json.dumps(bodies[0] if len(bodies) == 1 else bodies, sort_keys=True).encode())
    return f"cxm_{digest.hexdigest()[:16]}"


def _phases(in_stratum: dict[int, int], definitions: dict[str, dict[str, Any]]) -> list[Phase]:
    """The control facts a session asserts, in order: a phase no rule waits for gets none."""
    waited = {control_of(d) for d in definitions.values()}
    return [
        (stratum, g)
        for stratum in sorted(in_stratum)
        for g in range((in_stratum[stratum] - 1) // GROUP_SIZE + 1)
        if (stratum, g) in waited
    ]


def _routes(
    kb: KnowledgeBase, nets: list[Net], phases: list[Phase]
) -> tuple[dict[str, tuple[int, ...]], dict[Phase, tuple[int, ...]], tuple[int, ...]]:
    """Where facts go when there are several networks: the networks testing each fact, the networks holding
    each phase's rules, and the networks opened in every session (for a single network, the defaults)."""
    routes: dict[str, tuple[int, ...]] = {}
    phase_nets: dict[Phase, tuple[int, ...]] = {}
    eager: tuple[int, ...] = (0,)
    if len(nets) > 1:
        # a rule that matches no fact (only absences, or nothing) can fire in a session its network saw no
        # fact of; a network without such rules is left untouched until a fact it tests arrives
        eager = tuple(
            n
            for n, net in enumerate(nets)
            if any(
                all(key.endswith("$not") for pattern in fact_patterns(d) for key in pattern) for d in net.body.values()
            )
        )
        for fact in kb.specs:
            routes[fact] = tuple(n for n, net in enumerate(nets) if fact in net.tests)
        for phase in phases:
            phase_nets[phase] = tuple(
                n for n, net in enumerate(nets) if any(control_of(d) == phase for d in net.body.values())
            )
    return routes, phase_nets, eager


def _shared(patterns: list[dict[str, Any]]) -> bool:
    """Whether a fact one pattern matches may also be the one another pattern matches or tests for absence.

    durable-rules lets one fact fill at most one pattern of a rule ("distinct", its default): a ``$not`` then
    ignores the fact a positive pattern matched (``systems.present has crm`` and ``lacks ivr`` fired for
    ``[crm, ivr]``), and two patterns of a many-valued fact needed two different values. Such a rule is
    compiled with ``dist: 0``, which makes each pattern a test of its own over every fact, as the rule says.
    """
    positive = [fact_of(next(iter(p.values()))) for p in patterns if not next(iter(p)).endswith("$not")]
    negative = {fact_of(next(iter(p.values()))) for p in patterns if next(iter(p)).endswith("$not")}
    return len(set(positive)) != len(positive) or bool(negative & set(positive))


def _control_pattern(phase: Phase) -> dict[str, Any]:
    return {"p": {"$and": [{"phase": phase[0]}, {"group": phase[1]}]}}


def _late(rules: dict[str, Compiled], phase_of: dict[str, Phase]) -> set[str]:
    """The durable rules that cannot match before their phase's control fact is asserted anyway: each matches a
    derived fact that only rules of its own phase or of a later one conclude (or none).

    Such a rule becomes ready at the same moment with its control pattern or without it: no firing of a rule
    waiting for its control fact comes before that fact, so neither does a firing that needs a fact such rules
    conclude (by induction on the firings). The C core takes the ready action with the lowest index, the same
    in both (rule order), and a session asserts the next control fact only once none is left: the firings and
    their order stay those of "every". A rule ready earlier would fire before the control fact of its phase,
    that is before rules of the phases in between, whatever its priority ("pri" only orders ready actions).
    """
    earliest: dict[str, Phase] = {}  # derived fact -> the earliest phase of a rule concluding it
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
