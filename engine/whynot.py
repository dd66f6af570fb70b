"""Why a conclusion was not reached: every rule that could conclude it, and each of its tests.

The tests are checked by :mod:`cxm.engine.evaluate` against the final facts of
a session, on the same rule definitions the engine compiled.
"""

from __future__ import annotations

from typing import Any

from cxm.engine.compiler import is_many
from cxm.engine.conclusions import Copy, Sum
from cxm.engine.conditions import Literal, Ref
from cxm.engine.evaluate import Facts, holds, passes
from cxm.engine.knowledge import KnowledgeBase, Rule
from cxm.engine.result import Bilingual, ConditionCheck, RuleCheck

_WORDS = {
    "en": {"is": "is", "is_not": "is not", "in": "is one of", "not_in": "is none of", "at_least": "is at least",
           "at_most": "is at most", "above": "is above", "below": "is below", "between": "is between",
           "has": "has", "has_any": "has any of", "has_all": "has all of", "lacks": "lacks",
           "has_none": "has none of", "absent": "is absent", "present": "is present", "not": "not", "and": "and"},
    "ru": {"is": "равно", "is_not": "не равно", "in": "одно из", "not_in": "ни одно из", "at_least": "не ниже",
           "at_most": "не выше", "above": "выше", "below": "ниже", "between": "между",
           "has": "содержит", "has_any": "содержит одно из", "has_all": "содержит все", "lacks": "не содержит",
           "has_none": "не содержит ни одного из", "absent": "отсутствует", "present": "присутствует",
           "not": "неверно, что", "and": "и"},
}


def _operand(op: str, operand: Any, lang: str = "en") -> str:
    if isinstance(operand, Ref):
        if not operand.plus:
            return operand.fact
        return f"{operand.fact} {'+' if operand.plus > 0 else '-'} {abs(operand.plus)}"
    if op == "between":
        return f"{operand[0]} {_WORDS[lang]['and']} {operand[1]}"
    if isinstance(operand, tuple):
        return ", ".join(map(str, operand))
    return str(operand).lower() if isinstance(operand, bool) else str(operand)


def describe(lit: Literal, lang: str = "en") -> str:
    """A literal in words: ``leadership.cx_owner is at least full_time``."""
    words = _WORDS[lang]
    tests = f" {words['and']} ".join(f"{words[t.op]} {_operand(t.op, t.operand, lang)}" for t in lit.tests)
    if lit.negated:
        if len(lit.tests) == 1 and lit.tests[0].op in ("has", "has_any"):
            op = "lacks" if lit.tests[0].op == "has" else "has_none"
            return f"{lit.fact} {words[op]} {_operand('has', lit.tests[0].operand, lang)}"
        return f"{words['not']} ({lit.fact} {tests})" if tests else f"{lit.fact} {words['absent']}"
    return f"{lit.fact} {tests}" if tests else f"{lit.fact} {words['present']}"


def _bound(lit: Literal, facts: Facts) -> dict[str, Any]:
    return {ref: facts[ref][0][1] for ref in lit.refs() if facts.get(ref)}


def check_literal(kb: KnowledgeBase, lit: Literal, facts: Facts) -> ConditionCheck:
    """One test of a condition against the facts, with the values found."""
    values = [v for _, v in facts.get(lit.fact, [])]
    bound = _bound(lit, facts)
    passing = [v for v in values if all(passes(kb, lit.fact, v, t, bound) for t in lit.tests)]
    found = bool(passing)
    if is_many(kb.specs[lit.fact]):
        values = passing  # of a set of values, only those the test is about
    test = Bilingual(en=describe(lit, "en"), ru=describe(lit, "ru"))
    return ConditionCheck(fact=lit.fact, test=test, held=found != lit.negated, actual=values)


def check_rule(kb: KnowledgeBase, rule: Rule, facts: Facts) -> list[RuleCheck]:
    """Each alternative of a rule's condition, test by test."""
    out = []
    for b, branch in enumerate(rule.branches):
        conditions = [check_literal(kb, lit, facts) for lit in branch]
        out.append(RuleCheck(rule=rule.id, branch=b, held=holds(kb, branch, facts), title=rule.title,
                             source=rule.source, location=rule.location, conditions=conditions))
    return out


def producers(kb: KnowledgeBase, fact: str, value: Any) -> list[Rule]:
    """Rules that could conclude ``fact`` with ``value`` (a copied or added-up value could be any)."""
    return [rule for rule in kb.producing(fact)
            if any(c.fact == fact and (isinstance(c.value, Copy | Sum) or c.value == value) for c in rule.conclusions)]


def why_not(kb: KnowledgeBase, fact: str, value: Any, facts: Facts) -> list[RuleCheck]:
    """Every rule that could conclude ``fact = value``, checked alternative by alternative."""
    return [check for rule in producers(kb, fact, value) for check in check_rule(kb, rule, facts)]

