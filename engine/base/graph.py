"""Strongly connected components of a directed graph, for the cycle checks of the loader and the lint."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

N = TypeVar("N", bound=Hashable)


def components(edges: dict[N, set[N]], key: Callable[[N], Any] = str) -> list[list[N]]:
    """Tarjan's strongly connected components, iteratively (deep rule chains do not hit the recursion limit).

    Nodes are visited in ``key`` order and each component is sorted by ``key``, so the result is deterministic.
    """
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on: set[N] = set()
    stack: list[N] = []
    out: list[list[N]] = []
    counter = 0
    nodes = sorted({*edges, *(t for ts in edges.values() for t in ts)}, key=key)
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()), key=key)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ()), key=key))))
                    advanced = True
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                out.append(sorted(comp, key=key))
    return out


def cycles(edges: dict[N, set[N]], key: Callable[[N], Any] = str) -> list[list[N]]:
    """The components that hold a cycle: more than one node, or one node with an edge to itself."""
    return [comp for comp in components(edges, key) if len(comp) > 1 or comp[0] in edges.get(comp[0], ())]


def cycle_of(edges: dict[N, set[N]], key: Callable[[N], Any] = str) -> dict[N, int]:
    """Each node on a cycle, mapped to the number of its cycle (nodes of one cycle share a number)."""
    return {node: n for n, comp in enumerate(cycles(edges, key)) for node in comp}
