"""A model of the alpha network durable-rules builds from a ruleset, to keep each network within the C core's limits.

durable-rules matches a fact by walking its alpha network depth first with a stack of 64 entries
(``handleAlpha`` in events.c): each node popped pushes every child that matches (a child comparing
with another fact, or computed, is pushed without being tested). More than 64 pending entries fail
with error 303. Each node's children live in a hash set of 512 buckets: 512 children or more make
``create_ruleset`` or the next assertion loop forever. Nodes are shared between rules when the same
test follows the same tests, except array tests (``$iany``, ``$iall``) and the node joining the
branches of an ``$or``, which are made anew for every rule (``findAlpha``, ``createForwardAlpha`` in
rete.c). :class:`Network` counts, as rules are added, the most entries one fact can put on the stack
at once (assuming every test that may match does; of the equality tests of one property with
constants, at most one can) and the most children of one node.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import field
from typing import Any

from cxm.facts.record import record

STACK = 64  # MAX_STACK_SIZE in events.c: entries of the alpha walk
CHILDREN = 511  # NEXT_BUCKET_LENGTH - 1 in rules.h: children of one alpha node


@record
class _Node:
    """One node of the model of a network's alpha walk."""

    children: dict[str, _Node] = field(default_factory=dict)
    exclusive: dict[str, int] = field(default_factory=dict)  # property -> children testing it for equality
    free: int = 0  # children that may match together with anything
    below: dict[str, int] = field(default_factory=dict)  # group (property or child key) -> most stack below it
    depth: int = 0  # most stack entries this node's subtree holds once it is popped

    def width(self) -> int:
        return self.free + len(self.exclusive)


_SERIAL = itertools.count()  # keys of nodes durable-rules never shares


def _steps(expr: dict[str, Any]) -> list[tuple[str, str | None, dict[str, Any] | None]]:
    """The alpha nodes of one expression, in order: (key, exclusive property or None, or-expression)."""
    ((op, body),) = expr.items()
    if op == "$and":
        return [step for part in body for step in _steps(part)]
    if op == "$or":
        return [(f"{json.dumps(expr, sort_keys=True)}#{next(_SERIAL)}", None, expr)]
    key = json.dumps(expr, sort_keys=True)
    if op in ("$iany", "$iall"):
        return [(f"{key}#{next(_SERIAL)}", None, None)]
    if not op.startswith("$") and not isinstance(body, dict):
        return [(key, op, None)]  # equality with a constant: of one property, one at most matches
    return [(key, None, None)]


class Network:
    """The alpha network of the rules added so far, with its worst stack and widest node."""

    def __init__(self) -> None:
        self.root = _Node()
        self.widest = 0

    @property
    def stack(self) -> int:
        return self.root.depth

    def fits(self, patterns: list[dict[str, Any]]) -> bool:
        """Whether adding a rule with these patterns keeps the network within the limits (nothing is added)."""
        steps = [_steps(next(iter(pattern.values()))) for pattern in patterns]
        probe = Network()
        probe.root, probe.widest = _copy_paths(self.root, steps), self.widest
        for path in steps:
            probe._insert(probe.root, path)
        return probe.stack <= STACK and probe.widest <= CHILDREN

    def add(self, patterns: list[dict[str, Any]]) -> None:
        for pattern in patterns:
            self._insert(self.root, _steps(next(iter(pattern.values()))))

    def _insert(self, node: _Node, steps: list[tuple[str, str | None, dict[str, Any] | None]]) -> None:
        if not steps:
            return
        key, prop, alternatives = steps[0]
        if alternatives is not None:  # each branch hangs on this node and leads on to the rest
            for branch in alternatives["$or"]:
                self._insert(node, [*_steps(branch), (f"{key}>{id(branch)}", None, None), *steps[1:]])
            return
        child = node.children.get(key)
        if child is None:
            child = node.children[key] = _Node()
            if prop is None:
                node.free += 1
            else:
                node.exclusive[prop] = node.exclusive.get(prop, 0) + 1
            self.widest = max(self.widest, len(node.children))
        self._insert(child, steps[1:])
        group = prop if prop is not None else key
        node.below[group] = max(node.below.get(group, 0), child.depth)
        width = node.width()
        node.depth = max(width, width - 1 + max(node.below.values()))


def _copy_paths(root: _Node, steps: list[list[tuple[str, str | None, dict[str, Any] | None]]]) -> _Node:
    """A copy of the nodes a rule's patterns would touch (the rest is shared, and left unchanged)."""
    copy = _Node(dict(root.children), dict(root.exclusive), root.free, dict(root.below), root.depth)
    for path in steps:
        _copy_steps(copy, path)
    return copy


def _copy_steps(node: _Node, steps: list[tuple[str, str | None, dict[str, Any] | None]]) -> None:
    if not steps:
        return
    key, _, alternatives = steps[0]
    if alternatives is not None:
        for branch in alternatives["$or"]:
            _copy_steps(node, [*_steps(branch), (f"{key}>{id(branch)}", None, None), *steps[1:]])
        return
    child = node.children.get(key)
    if child is None:
        return
    twin = _Node(dict(child.children), dict(child.exclusive), child.free, dict(child.below), child.depth)
    node.children[key] = twin
    _copy_steps(twin, steps[1:])
