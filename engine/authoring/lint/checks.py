"""The semantic checks, each a function of an :class:`~cxm.engine.authoring.lint.analysis.Analysis`."""

from __future__ import annotations

import itertools
import re
from typing import Any

from cxm.engine.authoring.lint.analysis import ANY, Analysis, allowed_values, has_ref, plain_tests
from cxm.engine.authoring.lint.effects import effect_breaks_consistency, own_effect_may_hold, recommends_what_holds
from cxm.engine.authoring.lint.findings import Finding, finding_at, rule_finding
from cxm.engine.base.graph import cycles
from cxm.engine.knowledge.base import Rule, is_many
from cxm.engine.language.conclusions import Conclusion, Copy, Sum
from cxm.engine.language.conditions import Literal
from cxm.engine.language.describe import describe
from cxm.engine.language.terms import Bilingual
from cxm.facts.source import Document, Path_


def _conclusion_text(c: Conclusion) -> str:
    if isinstance(c.value, Copy):
        return f"{c.fact} = {c.value.fact}" + (f" + {c.value.plus}" if c.value.plus else "")
    if isinstance(c.value, Sum):
        return f"{c.fact} = sum of {', '.join(c.value.facts)}"
    value = str(c.value).lower() if isinstance(c.value, bool) else c.value
    return f"{c.fact} = {value}"


def _never(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.kb.rules:
        dead = [(i, b, an.branch_problem(b, everything=True)) for i, b in enumerate(rule.branches)]
        contradicted = [(i, b, fact) for i, b, fact in dead if fact is not None]
        for i, branch, fact in contradicted:
            lits = [lit for lit in branch if lit.fact == fact]
            tests = "; ".join(dict.fromkeys(f"'{describe(lit)}'" for lit in lits))
            if len(contradicted) == len(rule.branches):
                what = f"rule {rule.id!r} can never fire"
            else:
                what = f"alternative {i + 1} of rule {rule.id!r} can never hold"
            out.append(
                finding_at(
                    rule.doc, lits[-1].path, "CXL101", f"{what}: these tests on {fact!r} cannot all hold: {tests}"
                )
            )
        if contradicted or rule.id in an.fires:
            continue
        for branch in rule.branches:
            missing = an.branch_problem(branch)
            if missing is None:
                continue
            lits = [lit for lit in branch if lit.fact == missing and not lit.negated]
            lit = lits[0] if lits else branch[0]
            need = describe(lit)
            out.append(
                finding_at(
                    rule.doc,
                    lit.path,
                    "CXL102",
                    f"rule {rule.id!r} can never fire: it needs '{need}', which no rule can conclude",
                )
            )
            break
    return out


def _absence(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.kb.rules:
        if rule.id not in an.fires:
            continue
        for branch in rule.branches:
            for lit in branch:
                if not lit.negated or lit.fact not in an.derived or has_ref(lit):
                    continue
                made = an.producible.get(lit.fact, set())
                if ANY in made:
                    continue
                if not any(an._passes(lit.fact, v, lit.tests) for v in made):
                    out.append(
                        finding_at(
                            rule.doc,
                            lit.path,
                            "CXL104",
                            f"rule {rule.id!r} tests '{describe(lit)}', which always holds: no rule concludes that",
                        )
                    )
    return out


def _unconcluded(an: Analysis) -> list[Finding]:
    return [
        finding_at(doc, path, "CXL103", f"fact {name!r} is declared but no rule concludes it", key=True)
        for name, (doc, path) in an.kb.declared.items()
        if not an.kb.producing(name)
    ]


def _location_order(an: Analysis, rule: Rule) -> tuple[int, str, int, int, str]:
    """Load order: extra folders come after the built-in one, files in order, then lines."""
    line, col = rule.doc.where(rule.path)
    return (an.file_order.get(rule.file, len(an.file_order)), rule.file, line, col, rule.id)


def _shadowed(an: Analysis) -> list[Finding]:
    index: dict[Conclusion, list[Rule]] = {}
    live = [r for r in an.kb.rules if r.id in an.fires]
    for rule in live:
        for c in rule.conclusions:
            index.setdefault(c, []).append(rule)
    out = []
    for rule in live:
        mine = set(rule.conclusions)
        for other in index.get(rule.conclusions[0], []) if rule.conclusions else []:
            if other is rule or not mine <= set(other.conclusions):
                continue
            if not all(any(an.branch_implies(b, a) for a in other.branches) for b in rule.branches):
                continue
            mutual = set(other.conclusions) <= mine and all(
                any(an.branch_implies(a, b) for b in rule.branches) for a in other.branches
            )
            if mutual and _location_order(an, other) > _location_order(an, rule):
                continue  # equivalent rules: report the later one only
            out.append(
                rule_finding(
                    rule,
                    "CXL201",
                    f"rule {rule.id!r} is shadowed by {other.id!r} ({other.location}): "
                    "whenever it fires, that rule fires too and concludes the same",
                )
            )
            break
    return out


def _conflicts(an: Analysis) -> list[Finding]:
    groups: dict[str, list[tuple[Rule, Any, str]]] = {}
    for rule in an.kb.rules:
        if rule.id not in an.fires:
            continue
        for c in rule.conclusions:
            if isinstance(c.value, Copy | Sum):
                continue
            spec = an.kb.specs[c.fact]
            if c.fact in ("recommendation", "held_back"):
                groups.setdefault(f"rec:{c.value}", []).append((rule, c.fact, _conclusion_text(c)))
            elif not is_many(spec):
                groups.setdefault(c.fact, []).append((rule, c.value, _conclusion_text(c)))
    out = []
    for members in groups.values():
        for (r1, v1, t1), (r2, v2, t2) in itertools.combinations(members, 2):
            if v1 == v2 or r1 is r2:
                continue
            first, second = sorted([(r1, t1), (r2, t2)], key=lambda x: _location_order(an, x[0]))
            if _overlap(an, first[0], second[0]):
                out.append(
                    rule_finding(
                        second[0],
                        "CXL202",
                        f"rule {second[0].id!r} concludes {second[1]} but "
                        f"{first[0].id!r} ({first[0].location}) concludes "
                        f"{first[1]}, and one condition includes the other",
                    )
                )
    return out


def _overlap(an: Analysis, r1: Rule, r2: Rule) -> bool:
    for a in r1.branches:
        for b in r2.branches:
            if (an.branch_implies(a, b) or an.branch_implies(b, a)) and an.branch_problem(a + b) is None:
                return True
    return False


def _nodes_read(an: Analysis, lit: Literal) -> list[tuple[str, Any]]:
    made = an.producible.get(lit.fact, set())
    tests = plain_tests(lit.tests)
    allowed = allowed_values(tests)
    pool = made if allowed is None else [v for v in allowed if v in made]
    out: list[tuple[str, Any]] = [(lit.fact, v) for v in pool if v is not ANY and an._passes(lit.fact, v, tests)]
    if ANY in made:
        out.append((lit.fact, ANY))
    return out


def _cycles(an: Analysis) -> list[Finding]:
    """Strongly connected parts of the graph of derived values (fact, value); a ladder is acyclic."""
    edges: dict[tuple[str, Any], set[tuple[str, Any]]] = {}
    via: dict[tuple[tuple[str, Any], tuple[str, Any]], Rule] = {}
    for rule in an.kb.rules:
        if rule.id not in an.fires:
            continue
        targets = [(c.fact, ANY if isinstance(c.value, Copy | Sum) else c.value) for c in rule.conclusions]
        sources: list[tuple[str, Any]] = []
        for branch in rule.branches:
            for lit in branch:
                if lit.fact in an.derived:
                    sources.extend(_nodes_read(an, lit))
                for ref in lit.refs():
                    if ref in an.derived:
                        sources.extend(_nodes_read(an, Literal(ref, (), False, lit.path)))
            for c in rule.conclusions:
                for src in c.sources():
                    if src in an.derived:
                        sources.extend(_nodes_read(an, Literal(src, (), False, c.path)))
        for s in sources:
            for t in targets:
                edges.setdefault(s, set()).add(t)
                via.setdefault((s, t), rule)
    out = []
    for comp in cycles(edges, key=_node_text):
        members = set(comp)
        rules = sorted({via[(s, t)].id for s in comp for t in edges.get(s, ()) if t in members and (s, t) in via})
        first = min((an.kb.rule(r) for r in rules), key=lambda r: _location_order(an, r))
        names = sorted({_node_text(n) for n in comp})
        out.append(
            rule_finding(
                first,
                "CXL301",
                f"derived facts support each other in a circle: {' -> '.join(names)} "
                f"-> {names[0]} (rules: {', '.join(rules)})",
            )
        )
    return out


def _node_text(node: tuple[str, Any]) -> str:
    fact, value = node
    if value is ANY:
        return fact
    return f"{fact}={str(value).lower() if isinstance(value, bool) else value}"


_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_PLACEHOLDER = re.compile(r"<[a-z_][a-z0-9_]*>")


def _text_findings(doc: Document, path: Path_, text: Bilingual, where: str) -> list[Finding]:
    out = []
    for lang in ("en", "ru"):
        value = getattr(text, lang)
        left = _PLACEHOLDER.search(value)
        if left:
            out.append(
                finding_at(
                    doc,
                    path + (lang,),
                    "CXL401",
                    f"{where}: {left.group(0)} is left in the text; add it to every for_each item",
                )
            )
    if re.search(r"[A-Za-z]", text.ru) and not _CYRILLIC.search(text.ru):
        out.append(finding_at(doc, path + ("ru",), "CXL401", f"{where}: the Russian text has no Cyrillic letters"))
    if _CYRILLIC.search(text.en):
        out.append(finding_at(doc, path + ("en",), "CXL401", f"{where}: the English text contains Cyrillic letters"))
    return out


def _texts(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.kb.rules:
        for part in ("title", "because"):
            out += _text_findings(rule.doc, rule.path + (part,), getattr(rule, part), f"rule {rule.id!r} {part}")
    for rec_id, entry in an.kb.catalogue.items():
        for part in ("title", "text"):
            out += _text_findings(
                entry.doc, entry.path + (part,), getattr(entry.rec, part), f"recommendation {rec_id!r} {part}"
            )
    return out


def _unreachable(an: Analysis) -> list[Finding]:
    made = an.producible.get("recommendation", set())
    return [
        finding_at(
            entry.doc,
            entry.path + ("id",),
            "CXL501",
            f"recommendation {rec_id!r} is in the catalogue but no rule can recommend it",
        )
        for rec_id, entry in an.kb.catalogue.items()
        if rec_id not in made
    ]


SEMANTIC = (
    _never,
    _absence,
    _unconcluded,
    _shadowed,
    _conflicts,
    _cycles,
    _texts,
    _unreachable,
    recommends_what_holds,
    own_effect_may_hold,
    effect_breaks_consistency,
)
