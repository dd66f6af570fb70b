"""Rules packed into durable-rules networks (rulesets), each within the C core's limits (:class:`Net`), and
what a compiled rule definition holds: the fact a pattern tests, the phase it waits for (its control pattern),
its patterns on facts. Every network also gets the sink rule that accepts every fact (:data:`SINK_RULE`)."""

from __future__ import annotations

import json
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.runtime.compiled import Compiled
from cxm.engine.runtime.network import Network
from cxm.facts.vocabulary import input_fields

SINK = "cxm_sink"  # not a valid rule id, so it cannot collide

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


class Net:
    """One durable-rules ruleset being filled: its rules, its alpha network model and shared tests."""

    def __init__(self) -> None:
        self.body: dict[str, Any] = {}
        self.main = False  # holds rules of the first (largest) cluster
        self.model = Network()
        self.shared: dict[str, int] = {}
        self.tests: set[str] = set()  # fact names its patterns test
        self.patterns = 0
        self.model.add(FIXED)

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
        for pattern in fact_patterns(definition):
            self.tests.add(fact_of(next(iter(pattern.values()))))


def fact_of(expr: dict[str, Any]) -> str:
    """The fact name a compiled pattern tests."""
    return str(expr["$and"][0]["name"] if "$and" in expr else expr["name"])


def control_of(definition: dict[str, Any]) -> tuple[int, int] | None:
    """The phase (stratum, group) whose control fact a durable rule waits for, if it has that pattern."""
    first = definition["all"][0]
    if "p" not in first:
        return None
    phase, group = first["p"]["$and"]
    return phase["phase"], group["group"]


def fact_patterns(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """A durable rule's patterns on facts (without the control pattern)."""
    return definition["all"][1:] if control_of(definition) is not None else definition["all"]


def absence(patterns: list[dict[str, Any]]) -> bool:
    """Whether a rule needs its phase's control fact: it tests an absence (``$not``), which holds only once
    the facts of the strata below are complete, or it has no pattern but the control (durable-rules needs one)."""
    return not patterns or any(key.endswith("$not") for pattern in patterns for key in pattern)


# A rule that never fires but accepts every fact: durable-rules rejects a fact no pattern
# accepts, and such a rejection inside an action corrupts the session (seen as a segfault).
_SINK_PATTERNS: list[dict[str, Any]] = [{"s": {"$ex": {"name": 1}}}, {"t": {"$ex": {"cxm_never": 1}}}]
SINK_RULE: dict[str, Any] = {"all": _SINK_PATTERNS, "run": SINK}
# the sink and the anchor rule in every network
FIXED: list[dict[str, Any]] = [*_SINK_PATTERNS, {"cxm_a": {"cxm_start": 1}}]


def pack(
    order: list[tuple[bool, Compiled]], definitions: dict[str, dict[str, Any]], *, single: bool = False
) -> list[Net]:
    """Fill networks with the rules in this order (the largest cluster's rules share no network with the
    others); with ``single``, an empty list where one network would not hold them all."""
    nets = [Net()]
    for main, compiled in order:
        definition = definitions[compiled.name]
        keys = [json.dumps(next(iter(pattern.values())), sort_keys=True) for pattern in fact_patterns(definition)]
        if not nets[-1].takes(definition["all"], keys) or (nets[-1].body and main != nets[-1].main):
            if single:
                return []
            nets.append(Net())
        nets[-1].main = main
        nets[-1].add(compiled.name, definition, keys)
    return nets


def clustered(kb: KnowledgeBase, rules: list[Compiled]) -> list[tuple[bool, Compiled]]:
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
