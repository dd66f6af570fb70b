"""The rules ordered into strata, so that a fact is complete before any rule tests its absence; and the rule bases
that cannot be ordered or would never stop, refused with each rule at fault located: a cycle through ``not``, a
value computed from itself."""

from __future__ import annotations

from cxm.engine.base.graph import cycle_of
from cxm.engine.knowledge.base import Rule
from cxm.engine.language.conclusions import Conclusion, Copy, Sum
from cxm.facts.source import Problem


def stratify(rules: list[Rule], problems: list[Problem]) -> None:
    """Order rules so that a fact is complete before any rule tests its absence."""
    if negative_cycles(rules, problems) | computed_cycles(rules, problems):
        return
    producers: dict[str, list[Rule]] = {}
    for rule in rules:
        for fact in rule.produces():
            producers.setdefault(fact, []).append(rule)
    changed = True
    while changed:  # ends: without a cycle through 'not', strata are bounded by the number of facts
        changed = False
        for rule in rules:
            positive, negative = rule.needs()
            level = 0
            for fact in positive:
                level = max([level] + [p.stratum for p in producers.get(fact, [])])
            for fact in negative:
                level = max([level] + [p.stratum + 1 for p in producers.get(fact, [])])
            if level != rule.stratum:
                rule.stratum, changed = level, True


def negative_cycles(rules: list[Rule], problems: list[Problem]) -> bool:
    """Report each rule that tests the absence of a fact its own conclusions lead back to."""
    edges: dict[str, set[str]] = {}
    for rule in rules:
        positive, negative = rule.needs()
        for fact in positive | negative:
            edges.setdefault(fact, set()).update(rule.produces())
    component = cycle_of(edges)
    found = False
    for rule in rules:
        _, negative = rule.needs()
        if any(
            component.get(f) is not None and component.get(f) == component.get(g)
            for f in negative
            for g in rule.produces()
        ):
            problems.append(
                rule.doc.problem(
                    rule.path + ("when",),
                    "this rule depends on the absence of a fact that it helps to produce (a cycle through 'not')",
                    kind="cycle",
                )
            )
            found = True
    return found


def computed_cycles(rules: list[Rule], problems: list[Problem]) -> bool:
    """Report each rule that computes a fact's value from itself, directly or through other rules.

    A value copied with an offset or added up along a circle of facts grows with every firing, so the
    engine would never stop (``counter`` -> ``counter + 1``). Circles of fixed values end, as every fact
    is asserted once; those are left to lint (CXL301).
    """
    edges: dict[str, set[str]] = {}
    growing: list[tuple[Rule, Conclusion]] = []
    for rule in rules:
        for conclusion in rule.conclusions:
            for source in conclusion.sources():
                edges.setdefault(source, set()).add(conclusion.fact)
            value = conclusion.value
            if isinstance(value, Sum) or (isinstance(value, Copy) and value.plus):
                growing.append((rule, conclusion))
    component = cycle_of(edges)
    found = False
    for rule, conclusion in growing:
        cycle = component.get(conclusion.fact)
        if cycle is None or not any(component.get(s) == cycle for s in conclusion.sources()):
            continue
        facts = sorted(f for f, c in component.items() if c == cycle)
        names = sorted(
            {r.id for r in rules for c in r.conclusions if c.fact in facts and any(s in facts for s in c.sources())}
        )
        problems.append(
            rule.doc.problem(
                conclusion.path,
                f"this rule computes {conclusion.fact!r} from itself (circle: "
                f"{' -> '.join([*facts, facts[0]])}; rules: {', '.join(names)}), so the engine would never "
                "stop; compute it from other facts",
                kind="computed-cycle",
            )
        )
        found = True
    return found
