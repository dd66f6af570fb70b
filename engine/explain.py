"""Build explanations from what durable-rules actually fired (a session :class:`~cxm.engine.session.Trace`).

A derived fact's derivation follows the first firing that concluded it, then
the facts that firing matched, down to input facts.
"""

from __future__ import annotations

from cxm.engine.result import Chain, InputFact
from cxm.engine.session import Trace
from cxm.facts.source import Document


def input_fact(doc: Document, path: str, value: object) -> InputFact:
    """An input fact with its line and column in the facts file (null when it took its default)."""
    key = tuple(path.split("."))
    line_col = doc.keys.get(key)
    if line_col is None:
        return InputFact(path=path, value=value, line=None, column=None)
    return InputFact(path=path, value=value, line=line_col[0], column=line_col[1])


def derivation(trace: Trace, fact_id: str) -> list[int]:
    """The firings (by sequence number, ascending) that a fact rests on."""
    seen: set[int] = set()
    stack = [fact_id]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        if current in visited:
            continue
        visited.add(current)
        record = trace.facts[current]
        if record.input or not record.by:
            continue
        seq = record.by[0]
        seen.add(seq)
        stack.extend(trace.firings[seq].matched)
    return sorted(seen)


def leaves(trace: Trace, fact_id: str) -> list[str]:
    """The input facts a fact rests on, in schema order of their ids."""
    out: set[str] = set()
    for seq in derivation(trace, fact_id) or []:
        out.update(f for f in trace.firings[seq].matched if trace.facts[f].input)
    if trace.facts[fact_id].input:
        out.add(fact_id)
    order = {fid: n for n, fid in enumerate(trace.facts)}
    return sorted(out, key=order.__getitem__)


def chain(trace: Trace, doc: Document, fact_id: str) -> Chain:
    """The chain of rules behind a fact, ending at input facts with their place in the file."""
    rules: list[str] = []
    for seq in derivation(trace, fact_id):
        rule = trace.firings[seq].rule
        if rule not in rules:
            rules.append(rule)
    inputs = [input_fact(doc, trace.facts[f].name, trace.facts[f].value) for f in leaves(trace, fact_id)]
    return Chain(rules=rules, inputs=inputs)
