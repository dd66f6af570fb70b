"""Rule conditions checked test by test against a session's facts, and the rules that could conclude a value.

The tests are checked by :mod:`cxm.engine.runtime.evaluate` against the final facts of
a session, on the same rule definitions the engine compiled (why-not, the roadmap, what-if).
"""

from __future__ import annotations

from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase, Rule, is_many
from cxm.engine.language.conclusions import Copy, Sum
from cxm.engine.language.conditions import Literal
from cxm.engine.language.describe import describe
from cxm.engine.language.terms import Bilingual
from cxm.engine.language.words import bilingual, labels, literal
from cxm.engine.results.result import ConditionCheck, RuleCheck
from cxm.engine.runtime.evaluate import Facts, holds, passes


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
    spec = kb.specs[lit.fact]
    said = bilingual(lambda lang: literal(lit, kb.specs, lang))
    now = bilingual(lambda lang: labels(spec, values if is_many(spec) or len(values) != 1 else values[0], lang))
    return ConditionCheck(fact=lit.fact, test=test, held=found != lit.negated, actual=values, said=said, now=now)


def check_rule(kb: KnowledgeBase, rule: Rule, facts: Facts) -> list[RuleCheck]:
    """Each alternative of a rule's condition, test by test."""
    out = []
    for b, branch in enumerate(rule.branches):
        conditions = [check_literal(kb, lit, facts) for lit in branch]
        out.append(
            RuleCheck(
                rule=rule.id,
                branch=b,
                held=holds(kb, branch, facts),
                title=rule.title,
                source=rule.source,
                location=rule.location,
                conditions=conditions,
            )
        )
    return out


def producers(kb: KnowledgeBase, fact: str, value: Any) -> list[Rule]:
    """Rules that could conclude ``fact`` with ``value`` (a copied or added-up value could be any)."""
    return [
        rule
        for rule in kb.producing(fact)
        if any(c.fact == fact and (isinstance(c.value, Copy | Sum) or c.value == value) for c in rule.conclusions)
    ]


def why_not(kb: KnowledgeBase, fact: str, value: Any, facts: Facts) -> list[RuleCheck]:
    """Every rule that could conclude ``fact = value``, checked alternative by alternative."""
    return [check for rule in producers(kb, fact, value) for check in check_rule(kb, rule, facts)]
