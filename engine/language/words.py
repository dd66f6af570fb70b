"""Facts, tests and effects in plain words, for the client: no fact path, no value id, no operator.

``leadership.cx_owner >= full_time`` reads "Who owns CX day to day: at least “A dedicated CX manager or
specialist”"; ``brand.brand_book = false`` reads "A brand book exists: no". The words are the facts' own
descriptions and value labels (:class:`~cxm.facts.vocabulary.FieldSpec`), in English and Russian; a derived
fact without labels falls back on :data:`DERIVED`.
"""

from __future__ import annotations

from typing import Any

from cxm.engine.language.conditions import Literal, Ref
from cxm.engine.language.terms import Bilingual
from cxm.facts.vocabulary import FieldSpec

_W = {
    "en": {
        "yes": "yes",
        "no": "no",
        "at_least": "at least {v}",
        "at_most": "at most {v}",
        "above": "more than {v}",
        "below": "less than {v}",
        "between": "from {a} to {b}",
        "has": "including {v}",
        "has_any": "including one of {v}",
        "has_all": "including all of {v}",
        "lacks": "without {v}",
        "has_none": "without any of {v}",
        "in": "one of {v}",
        "not_in": "none of {v}",
        "is_not": "other than {v}",
        "none": "none",
        "not": "not so: {v}",
        "or": " or ",
        "q": "“{v}”",
    },
    "ru": {
        "yes": "да",
        "no": "нет",
        "at_least": "не ниже уровня {v}",
        "at_most": "не выше уровня {v}",
        "above": "больше {v}",
        "below": "меньше {v}",
        "between": "от {a} до {b}",
        "has": "в том числе {v}",
        "has_any": "в том числе одно из: {v}",
        "has_all": "в том числе все: {v}",
        "lacks": "без {v}",
        "has_none": "без: {v}",
        "in": "одно из: {v}",
        "not_in": "ничего из: {v}",
        "is_not": "не {v}",
        "none": "нет",
        "not": "не так: {v}",
        "or": " или ",
        "q": "«{v}»",
    },
}

DERIVED: dict[str, dict[str, tuple[str, str]]] = {
    "size_class": {
        "micro": ("micro company", "микропредприятие"),
        "small": ("small company", "малая компания"),
        "medium": ("medium-sized company", "средняя компания"),
        "large": ("large company", "крупная компания"),
    },
    "market_focus": {
        "b2b": ("mostly business clients", "в основном корпоративные клиенты"),
        "b2c": ("mostly consumers", "в основном частные клиенты"),
        "mixed": ("business clients and consumers alike", "и корпоративные, и частные клиенты"),
    },
    "personal_data_law": {
        "ru_152fz": ("Russian Federal Law 152-FZ on personal data", "Федеральный закон 152-ФЗ «О персональных данных»"),
        "gdpr": ("the EU General Data Protection Regulation (GDPR)", "Общий регламент ЕС по защите данных (GDPR)"),
        "kz_94v": (
            "Kazakhstan's law 94-V on personal data",
            "Закон Республики Казахстан № 94-V «О персональных данных и их защите»",
        ),
        "by_99z": (
            "Belarus's law 99-Z on personal data",
            "Закон Республики Беларусь № 99-З «О защите персональных данных»",
        ),
    },
}
"""Value labels of derived facts the rule files declare without them."""


def _clean(text: str) -> str:
    return text.strip().rstrip(".")


def lower_first(text: str) -> str:
    """The first letter in lower case, unless the first word is an abbreviation (CRM, KPI)."""
    word = text.split(" ", 1)[0]
    return text if len(word) > 1 and word.isupper() else text[:1].lower() + text[1:]


_lower = lower_first


def name(spec: FieldSpec, lang: str) -> str:
    """What the fact is about, from its description: "Who owns CX day to day"."""
    text = spec.description_ru if lang == "ru" and spec.description_ru else spec.description
    return _clean(text) or spec.path


def label(spec: FieldSpec, value: Any, lang: str) -> str:
    """One value in words: an enum value by its label, ``true``/``false`` as yes/no, a number as it is."""
    words = _W[lang]
    if isinstance(value, bool):
        return words["yes" if value else "no"]
    if isinstance(value, str) and value in spec.values and spec.labels:
        en, ru = spec.labels[spec.values.index(value)]
        return _clean(ru if lang == "ru" else en)
    derived = DERIVED.get(spec.path, {}).get(str(value))
    if derived:
        return derived[1] if lang == "ru" else derived[0]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def labels(spec: FieldSpec, values: Any, lang: str) -> str:
    """A value or a list of values in words (an empty list: "none")."""
    if isinstance(values, list | tuple):
        return "; ".join(_lower(label(spec, v, lang)) for v in values) or _W[lang]["none"]
    return label(spec, values, lang)


def statement(spec: FieldSpec, value: Any, lang: str, *, named: bool = False) -> str:
    """A fact and its value as a sentence: "Written down (brand book, charter)"; "A brand book exists: no"
    (``named``: an enum's value after the fact's name too)."""
    if spec.kind == "bool" and value is True:
        return name(spec, lang)
    if spec.kind == "enum" and spec.labels and isinstance(value, str) and not named:
        return label(spec, value, lang)
    return f"{name(spec, lang)}: {_lower(labels(spec, value, lang))}"


def _quoted(spec: FieldSpec, operand: Any, lang: str) -> str:
    words = _W[lang]
    items = operand if isinstance(operand, tuple | list) else (operand,)
    return ", ".join(words["q"].format(v=_lower(label(spec, v, lang))) for v in items)


def phrase(spec: FieldSpec, op: str, operand: Any, lang: str, specs: dict[str, FieldSpec] | None = None) -> str:
    """A test or an effect on one fact in words: ``op`` is a condition's test or an effect's operation."""
    words = _W[lang]
    if isinstance(operand, Ref):
        other = (specs or {}).get(operand.fact)
        operand_text = name(other, lang) if other else operand.fact
        if operand.plus:
            operand_text += f" {'+' if operand.plus > 0 else '-'} {abs(operand.plus)}"
        return f"{name(spec, lang)}: {words.get(op, '{v}').format(v=_lower(operand_text))}"
    if op in ("value", "is"):
        return statement(spec, operand, lang)
    if op == "adds":
        op = "has_all" if len(operand) > 1 else "has"
    if op == "between":
        return f"{name(spec, lang)}: {words['between'].format(a=operand[0], b=operand[1])}"
    if op in ("has", "has_any", "has_all", "lacks", "has_none", "in", "not_in", "is_not", "at_least", "at_most"):
        return f"{name(spec, lang)}: {words[op].format(v=_quoted(spec, operand, lang))}"
    if op in ("above", "below"):
        return f"{name(spec, lang)}: {words[op].format(v=operand)}"
    return f"{name(spec, lang)}: {operand}"


def literal(lit: Literal, specs: dict[str, FieldSpec], lang: str) -> str:
    """A condition's test in words (what it needs), as :func:`phrase` says it."""
    spec = specs[lit.fact]
    words = _W[lang]
    if not lit.tests:
        return name(spec, lang) if not lit.negated else words["not"].format(v=_lower(name(spec, lang)))
    parts = [phrase(spec, t.op, t.operand, lang, specs) for t in lit.tests]
    if len(parts) > 1:
        parts = [parts[0]] + [p.split(": ", 1)[-1] for p in parts[1:]]
    text = ", ".join(parts)
    if lit.negated:
        if len(lit.tests) == 1 and lit.tests[0].op in ("has", "has_any"):
            op = "lacks" if lit.tests[0].op == "has" else "has_none"
            return phrase(spec, op, lit.tests[0].operand, lang, specs)
        if len(lit.tests) == 1 and spec.kind == "bool" and lit.tests[0].op == "is":
            return statement(spec, not lit.tests[0].operand, lang)
        return words["not"].format(v=_lower(text))
    return text


def bilingual(make: Any) -> Bilingual:
    """``make(lang)`` in both languages."""
    return Bilingual(en=make("en"), ru=make("ru"))
