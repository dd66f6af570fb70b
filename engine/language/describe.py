"""Conditions in words, in English and Russian: ``leadership.cx_owner is at least full_time``."""

from __future__ import annotations

from typing import Any

from cxm.engine.language.conditions import Literal, Ref

_WORDS = {
    "en": {
        "is": "is",
        "is_not": "is not",
        "in": "is one of",
        "not_in": "is none of",
        "at_least": "is at least",
        "at_most": "is at most",
        "above": "is above",
        "below": "is below",
        "between": "is between",
        "has": "has",
        "has_any": "has any of",
        "has_all": "has all of",
        "lacks": "lacks",
        "has_none": "has none of",
        "absent": "is absent",
        "present": "is present",
        "not": "not",
        "and": "and",
    },
    "ru": {
        "is": "равно",
        "is_not": "не равно",
        "in": "одно из",
        "not_in": "ни одно из",
        "at_least": "не ниже",
        "at_most": "не выше",
        "above": "выше",
        "below": "ниже",
        "between": "между",
        "has": "содержит",
        "has_any": "содержит одно из",
        "has_all": "содержит все",
        "lacks": "не содержит",
        "has_none": "не содержит ни одного из",
        "absent": "отсутствует",
        "present": "присутствует",
        "not": "неверно, что",
        "and": "и",
    },
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
