"""Build explanations from what durable-rules actually fired (a session :class:`~cxm.engine.runtime.session.Trace`).

A derived fact's derivation follows the first firing that concluded it, then
the facts that firing matched, down to input facts.
"""

from __future__ import annotations

from cxm.engine.results.result import Chain, InputFact
from cxm.engine.runtime.session import Trace
from cxm.facts.source import Document


def input_fact(doc: Document, path: str, value: object) -> InputFact:
    """An input fact with its line and column in the facts file (null when it took its default)."""
    line, column = doc.keys.get(tuple(path.split(".")), (None, None))
    return InputFact(path=path, value=value, line=line, column=column)


class Explainer:
    """Derivations of the facts of one session, each computed once."""

    def __init__(self, trace: Trace, doc: Document):
        self.trace, self.doc = trace, doc
        self._firings: dict[str, frozenset[int]] = {}
        self._inputs: dict[str, frozenset[str]] = {}
        self._input_facts: dict[str, InputFact] = {}
        self._order = {fid: n for n, fid in enumerate(trace.facts)}

    def _walk(self, fact_id: str) -> None:
        # iterative post-order: a firing's matched facts were all concluded before it fired
        stack = [fact_id]
        while stack:
            current = stack[-1]
            if current in self._firings:
                stack.pop()
                continue
            record = self.trace.facts[current]
            if record.input or not record.by:
                self._firings[current] = frozenset()
                self._inputs[current] = frozenset({current}) if record.input else frozenset()
                stack.pop()
                continue
            seq = record.by[0]
            matched = self.trace.firings[seq].matched
            pending = [m for m in matched if m not in self._firings]
            if pending:
                stack.extend(pending)
                continue
            self._firings[current] = frozenset({seq}).union(*(self._firings[m] for m in matched))
            self._inputs[current] = frozenset().union(*(self._inputs[m] for m in matched))
            stack.pop()

    def derivation(self, fact_id: str) -> list[int]:
        """The firings (by sequence number, ascending) that a fact rests on."""
        self._walk(fact_id)
        return sorted(self._firings[fact_id])

    def leaves(self, fact_id: str) -> list[str]:
        """The input facts a fact rests on, in the order they were asserted."""
        self._walk(fact_id)
        return sorted(self._inputs[fact_id], key=self._order.__getitem__)

    def chain(self, fact_id: str) -> Chain:
        """The chain of rules behind a fact, ending at input facts with their place in the file."""
        firings = self.trace.firings
        rules = list(dict.fromkeys(firings[seq].rule for seq in self.derivation(fact_id)))
        return Chain(rules=rules, inputs=[self.input_fact(f) for f in self.leaves(fact_id)])

    def input_fact(self, fact_id: str) -> InputFact:
        """The input fact ``fact_id`` with its place in the file (built once)."""
        found = self._input_facts.get(fact_id)
        if found is None:
            record = self.trace.facts[fact_id]
            found = self._input_facts[fact_id] = input_fact(self.doc, record.name, record.value)
        return found
