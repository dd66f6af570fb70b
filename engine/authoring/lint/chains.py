"""Whether a recommendation can be made while one of its own effects already holds, read up its serves-chain.

An entry is made by a rule; a tool's rule tests that its action was made, the action's rule that its decision
was made, and a decision's rule often tests a gap or a derived fact. So the condition under which an entry is
made is its rule's condition *and* the conditions of the rules that made its parents, with every derived fact
other than the stage method's (``levels/``, ``stage/``) replaced by the conditions that conclude it. The stage method's
facts (levels, stage, gates, weakest) are left as they are. The search is a depth-first try of one producing
alternative per derived test, pruned by the satisfiability checks of :class:`Analysis`; a negated test of an
expanded fact is dropped, so the answer can only err towards "may hold" (a finding), never hide one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cxm.engine.authoring.lint.analysis import Analysis
from cxm.engine.knowledge.base import Rule
from cxm.engine.language.conclusions import Copy, Sum
from cxm.engine.language.conditions import Literal, Test
from cxm.engine.language.effects import Effect

METHOD = ("/levels/", "/stage/")  # the stage method's folders: their facts are read as they are
MAX_STEPS = 20000


def effect_holds(effect: Effect, path: tuple[Any, ...] = ()) -> Literal:
    """The condition under which an effect is already true."""
    op = {"value": "is", "at_least": "at_least", "at_most": "at_most", "adds": "has_all"}[effect.op]
    return Literal(effect.fact, (Test(op, effect.value, path),), False, path)


def effect_fails(effect: Effect, path: tuple[Any, ...] = ()) -> Literal:
    """The condition under which an effect is not true yet (the negation of :func:`effect_holds`)."""
    lit = effect_holds(effect, path)
    return Literal(lit.fact, lit.tests, True, path)


class Chains:
    """Satisfiability of a rule's condition together with everything it rests on."""

    def __init__(self, an: Analysis):
        self.an = an
        self.expandable = {
            fact
            for fact in an.derived
            if an.kb.producing(fact) and not any(p in "/" + r.file for p in METHOD for r in an.kb.producing(fact))
        }

    def _alternatives(self, lit: Literal) -> Iterator[tuple[Literal, ...]]:
        for rule in self.an.kb.producing(lit.fact):
            if rule.id not in self.an.fires:
                continue
            for c in rule.conclusions:
                if c.fact != lit.fact:
                    continue
                if isinstance(c.value, Copy | Sum):
                    yield (lit,)  # a computed value: keep the test as it is
                elif self.an._passes(lit.fact, c.value, lit.tests):
                    yield from (tuple(b) for b in rule.branches)
                    break

    def satisfiable(self, lits: list[Literal]) -> bool:
        """Whether the literals can all hold, each expandable derived fact replaced by what concludes it."""
        self._steps = 0
        return self._sat(list(lits), [], frozenset())

    def _sat(self, pending: list[Literal], fixed: list[Literal], seen: frozenset[tuple[str, Any]]) -> bool:
        self._steps += 1
        if self._steps > MAX_STEPS:
            return True  # too many to try: say "may hold"
        while pending and (pending[0].fact not in self.expandable or pending[0].negated):
            lit = pending.pop(0)
            if lit.fact not in self.expandable:
                fixed = fixed + [lit]
        if self.an.branch_problem(tuple(fixed)) is not None:
            return False
        if not pending:
            return True
        lit, rest = pending[0], pending[1:]
        key = (lit.fact, lit.tests)
        if key in seen:
            return self._sat(rest, fixed, seen)
        for branch in self._alternatives(lit):
            if branch == (lit,):
                if self._sat(rest, fixed + [lit], seen | {key}):
                    return True
            elif self._sat(list(branch) + rest, fixed, seen | {key}):
                return True
        return False


def makers(an: Analysis) -> dict[str, list[Rule]]:
    """The live rules that recommend each catalogue entry."""
    out: dict[str, list[Rule]] = {}
    for rule in an.kb.rules:
        if rule.id in an.fires:
            for c in rule.conclusions:
                if c.fact == "recommendation":
                    out.setdefault(str(c.value), []).append(rule)
    return out
