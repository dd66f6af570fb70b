"""The recommendation catalogue checked and linked: each entry's competency, effects and the entry it serves, and
the test a gap rule's ``closes`` names."""

from __future__ import annotations

import dataclasses
from typing import Any

from cxm.engine.knowledge.base import CatalogueItem, Entry, Rule
from cxm.engine.knowledge.bindings import bilingual, substitute
from cxm.engine.language.conditions import ConditionError
from cxm.engine.language.effects import parse_effects
from cxm.engine.language.ruleschema import ModelDef, Recommendation, RuleDef
from cxm.engine.language.terms import Kind
from cxm.facts.source import Document, Problem
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import input_fields


def _a(word: str) -> str:
    """``word`` with its indefinite article: "an action", "a tool"."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def catalogue_item(rec: Recommendation) -> CatalogueItem:
    return CatalogueItem(
        id=rec.id,
        kind=rec.kind,
        serves=rec.serves,
        competency=rec.competency,
        effort=rec.effort,
        cost=rec.cost,
        requires=list(rec.requires),
        title=bilingual(rec.title),
        text=bilingual(rec.text),
        source=rec.source,
        horizon=rec.horizon or "months",
        upkeep=rec.upkeep,
        track=rec.track or ("obligation" if any(str(f).startswith("compliance.") for f in rec.effects) else "plan"),
    )


def check_catalogue(
    catalogue: dict[str, Entry], raw_effects: dict[str, dict[str, Any]], model: ModelDef, problems: list[Problem]
) -> None:
    """Each entry's competency known, its effects parsed, and what it serves of the kind above its own."""
    comps = [c.id for c in model.competencies]
    parent_kind = {Kind.ACTION: Kind.DECISION, Kind.TOOL: Kind.ACTION}
    for entry in catalogue.values():
        rec, doc, path = entry.rec, entry.doc, entry.path
        if rec.competency not in comps:
            problems.append(
                doc.problem(
                    path + ("competency",),
                    f"unknown competency {rec.competency!r}{suggest(rec.competency, comps)}",
                    kind="bad-value",
                )
            )
        effects_of = raw_effects.get(rec.id)
        if effects_of:
            try:
                effects = parse_effects(effects_of, path + ("effects",), input_fields())
                entry.rec = dataclasses.replace(rec, effects=effects)
            except ConditionError as exc:
                problems.append(doc.problem(exc.path, exc.message, key=exc.key, kind=exc.kind))
        if rec.kind is Kind.DECISION:
            if rec.serves:
                problems.append(doc.problem(path + ("serves",), "a decision serves nothing"))
            continue
        parent = catalogue.get(rec.serves or "")
        want = parent_kind[rec.kind].value
        if parent is None:
            hint = suggest(rec.serves or "", catalogue) if rec.serves else ""
            why = f"{rec.serves!r} is not in the catalogue{hint}" if rec.serves else f"add 'serves: <id of the {want}>'"
            problems.append(
                doc.problem(path + ("serves",), f"{_a(rec.kind.value)} must serve {_a(want)}; {why}", kind="bad-value")
            )
        elif parent.rec.kind.value != want:
            problems.append(
                doc.problem(
                    path + ("serves",),
                    f"{_a(rec.kind.value)} serves {_a(want)}, but {rec.serves!r} is {_a(parent.rec.kind.value)}",
                )
            )


def resolve_closes(
    rules: list[Rule],
    raw_rules: dict[str, tuple[RuleDef, Document, tuple[Any, ...], dict[str, Any]]],
    problems: list[Problem],
) -> None:
    """Locate the test each gap rule's ``closes`` names: the rule must exist and test that fact."""
    by_id = {r.id: r for r in rules}
    for rule in rules:
        rdef = raw_rules[rule.id][0]
        if rdef.closes is None:
            continue
        rule_id = str(substitute(rdef.closes.rule, rule.bindings))
        fact = str(substitute(rdef.closes.fact, rule.bindings))
        here = rule.path + ("closes",)
        target = by_id.get(rule_id)
        if target is None:
            problems.append(
                rule.doc.problem(
                    here + ("rule",),
                    f"no rule {rule_id!r} to close a test of{suggest(rule_id, by_id)}",
                    kind="bad-value",
                )
            )
            continue
        lit = next((lit for branch in target.branches for lit in branch if lit.fact == fact), None)
        if lit is None:
            problems.append(
                rule.doc.problem(here + ("fact",), f"rule {rule_id!r} does not test {fact!r}", kind="bad-value")
            )
            continue
        line, col = target.doc.where(lit.path)
        rule.closes = (rule_id, fact, f"{target.doc.file}:{line}:{col}")
