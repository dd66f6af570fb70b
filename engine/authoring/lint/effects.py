"""The semantic checks of recommendations' effects (CXL502 to CXL504): an entry made where what it would change
already holds, or whose effects would leave the facts inconsistent."""

from __future__ import annotations

from typing import Any

from cxm.engine.authoring.lint.analysis import Analysis, has_ref
from cxm.engine.authoring.lint.findings import Finding, rule_finding


def _effect_implied(an: Analysis, branch: Any, effect: Any) -> bool:
    """Whether every value a branch allows for the effect's fact already satisfies the effect."""
    from cxm.engine.language.effects import holds
    from cxm.facts.vocabulary import input_fields

    spec = input_fields()[effect.fact]
    lits = [lit for lit in branch if lit.fact == effect.fact and not has_ref(lit)]
    if not lits:
        return False
    if spec.kind == "list":  # implied when the branch requires every value the effect adds
        wanted = {
            x
            for lit in lits
            if not lit.negated
            for t in lit.tests
            if t.op in ("has", "has_all")
            for x in (t.operand if isinstance(t.operand, tuple) else (t.operand,))
        }
        return set(effect.value) <= wanted
    if spec.kind == "bool":
        pool: list[Any] = [True, False]
    elif spec.kind == "enum":
        pool = list(spec.values)
    else:
        return False
    allowed = [v for v in pool if all(an._passes(effect.fact, v, lit.tests) != lit.negated for lit in lits)]
    return bool(allowed) and all(holds(spec, v, effect) for v in allowed)


def recommends_what_holds(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.kb.rules:
        for c in rule.conclusions:
            entry = an.kb.catalogue.get(str(c.value)) if c.fact == "recommendation" else None
            if entry is None or not entry.rec.effects:
                continue
            for i, branch in enumerate(rule.branches):
                if all(_effect_implied(an, branch, e) for e in entry.rec.effects):
                    where = "" if len(rule.branches) == 1 else f" (alternative {i + 1})"
                    out.append(
                        rule_finding(
                            rule,
                            "CXL502",
                            f"rule {rule.id!r}{where} recommends {c.value!r} only "
                            f"when its effects already hold: "
                            f"{'; '.join(str(e) for e in entry.rec.effects)}",
                        )
                    )
    return out


def own_effect_may_hold(an: Analysis) -> list[Finding]:
    """CXL503: an entry made while one of its own effects may already hold (read up the serves-chain)."""
    from cxm.engine.authoring.lint.chains import Chains, effect_holds, makers

    chains = Chains(an)
    out = []
    for rec_id, rules in makers(an).items():
        entry = an.kb.catalogue.get(rec_id)
        if entry is None:
            continue
        for rule in rules:
            for i, branch in enumerate(rule.branches):
                held = [e for e in entry.rec.effects if chains.satisfiable([*branch, effect_holds(e)])]
                if held:
                    where = "" if len(rule.branches) == 1 else f" (alternative {i + 1})"
                    out.append(
                        rule_finding(
                            rule,
                            "CXL503",
                            f"rule {rule.id!r}{where} can recommend {rec_id!r} "
                            f"where its effect already holds: {'; '.join(str(e) for e in held)}",
                        )
                    )
    return out


def effect_breaks_consistency(an: Analysis) -> list[Finding]:
    """CXL504: an entry whose effects make a fact hold a value that needs another (cxm.facts.consistency.REQUIRES)
    where that other can fail: ``cxm what-if --do`` would refuse the result."""
    from cxm.engine.authoring.lint.chains import Chains, makers
    from cxm.engine.language.conditions import Literal, Test
    from cxm.facts.consistency import REQUIRES

    chains = Chains(an)
    out = []
    for rec_id, rules in makers(an).items():
        entry = an.kb.catalogue.get(rec_id)
        if entry is None:
            continue
        effects = entry.rec.effects
        for req in REQUIRES:
            if not any(e.fact == req.fact and e.op == "value" and e.value == req.value for e in effects):
                continue
            if req.item is not None:
                if any(e.fact == req.needs and e.op == "adds" and req.item in e.value for e in effects):
                    continue
                fails = Literal(req.needs, (Test("has", req.item, ()),), True, ())
            else:
                if any(e.fact == req.needs and e.op == "value" and e.value is True for e in effects):
                    continue
                fails = Literal(req.needs, (Test("is", True, ()),), True, ())
            for rule in rules:
                for i, branch in enumerate(rule.branches):
                    if chains.satisfiable([*branch, fails]):
                        where = "" if len(rule.branches) == 1 else f" (alternative {i + 1})"
                        need = f"{req.needs} has {req.item}" if req.item else f"{req.needs} = true"
                        out.append(
                            rule_finding(
                                rule,
                                "CXL504",
                                f"rule {rule.id!r}{where} can recommend {rec_id!r}, "
                                f"whose effects set {req.fact}, where {need} may not hold "
                                f"({req.id}): add the need to the effects or test it",
                            )
                        )
    return out
