"""`cxm rules audit`: run the rule base on many plausible companies and measure four defects of its advice.

For each company the engine is run as usual; what it recommended is then checked, in Python, against the
rung and gate rules it was meant to answer (read from the knowledge base, not from a list):

- **no recommendation**: nothing was recommended;
- **weakest unserved**: a weakest competency with a next rung has no key decision of its own competency;
- **gap unaddressed**: a failing test of a competency's next rung, or of the next stage's gate, that no
  recommendation's effects would make hold (a rung or gate with alternatives counts as addressed when every
  failing test of one alternative is);
- **already holds**: a recommendation whose effects, with those of the actions and tools made (or held back
  for the budget) under it, all hold already (it would change nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.conditions import Literal
from cxm.engine.language.effects import Effect, apply, holds
from cxm.engine.results.checks import producers
from cxm.engine.results.result import Assessment
from cxm.engine.runtime.evaluate import Facts, group_facts, passes
from cxm.engine.runtime.session import Trace
from cxm.facts.vocabulary import input_fields

SHARES = ("no_recommendation", "weakest_unserved", "gap_unaddressed", "already_holds")


@dataclass
class Findings:
    """What is wrong with the advice given to one company (empty lists: nothing)."""

    no_recommendation: bool = False
    weakest_unserved: list[str] = field(default_factory=list)
    gap_unaddressed: list[str] = field(default_factory=list)
    already_holds: list[str] = field(default_factory=list)

    def count(self) -> int:
        return int(self.no_recommendation) + len(self.weakest_unserved) + len(self.gap_unaddressed) + len(
            self.already_holds)

    def flags(self) -> dict[str, bool]:
        return {"no_recommendation": self.no_recommendation, "weakest_unserved": bool(self.weakest_unserved),
                "gap_unaddressed": bool(self.gap_unaddressed), "already_holds": bool(self.already_holds)}


def _value(facts: Facts, path: str) -> Any:
    found = facts.get(path)
    if found:
        return found[0][1]
    return [] if input_fields()[path].kind == "list" else None


def effects_of(kb: KnowledgeBase, rec_ids: Iterable[str]) -> list[Effect]:
    """The declared effects of the given recommendations."""
    return [e for r in rec_ids for e in kb.catalogue[r].rec.effects]


def closes(kb: KnowledgeBase, effect: Effect, lit: Literal, facts: Facts) -> bool:
    """Whether carrying out the effect makes a (positive) test on an input fact hold."""
    if effect.fact != lit.fact or lit.negated:
        return False
    spec = input_fields()[lit.fact]
    after = apply(spec, _value(facts, lit.fact), effect)
    return all(passes(kb, lit.fact, after, t, {}) for t in lit.tests)


def open_tests(kb: KnowledgeBase, a: Assessment, facts: Facts) -> list[tuple[str, list[list[Literal]]]]:
    """Each competency's next rung and the next stage's gate that is not met: (rule id, for each alternative that
    recommendations could make hold, its failing input tests). An alternative with a failing test of a derived
    fact (a small firm's size) is left out: no recommendation changes it."""
    fields = input_fields()
    rules = []
    for comp in a.levels:
        nxt = facts.get(f"next_rung.{comp}")  # the lowest rung not met (rules/levels/levels.yaml)
        if nxt and f"rung_{nxt[0][1]}.{comp}" in kb.specs:
            rules += producers(kb, f"rung_{nxt[0][1]}.{comp}", 1)
    if a.roadmap.next_stage is not None:
        rules += producers(kb, "gate", a.roadmap.next_stage.id)
    out = []
    for rule in rules:
        if any(_branch_holds(kb, branch, facts) for branch in rule.branches):
            continue  # the rung or gate is met by another alternative (a small firm's part-time owner)
        branches = []
        for branch in rule.branches:
            if not _branch_holds(kb, [lit for lit in branch if lit.fact not in fields], facts):
                continue
            branches.append([lit for lit in branch if lit.fact in fields and not lit.negated and not all(
                passes(kb, lit.fact, _value(facts, lit.fact), t, {}) for t in lit.tests)])
        out.append((rule.id, branches))
    return out


def _branch_holds(kb: KnowledgeBase, branch: Iterable[Literal], facts: Facts) -> bool:
    """Whether every test of one alternative holds on the facts (input facts with their defaults)."""
    fields = input_fields()
    for lit in branch:
        values = [_value(facts, lit.fact)] if lit.fact in fields else [v for _, v in facts.get(lit.fact, [])]
        found = any(all(passes(kb, lit.fact, v, t, {}) for t in lit.tests) for v in values)
        if found == lit.negated:
            return False
    return True


def check(kb: KnowledgeBase, a: Assessment, trace: Trace) -> Findings:
    """The four checks on one assessment."""
    facts = group_facts(trace.facts.values())
    made = [r.id for r in a.recommendations]
    found = Findings(no_recommendation=not made)
    for comp in a.weakest:
        evidence = facts.get(f"evidence_level.{comp}")
        top = evidence is not None and int(evidence[0][1]) >= kb.levels[1]
        if not top and not any(r.kind == "decision" and r.competency == comp for r in a.recommendations):
            found.weakest_unserved.append(comp)
    effects = effects_of(kb, made)
    for rule_id, branches in open_tests(kb, a, facts):
        # the rung or gate holds once every failing test of one of its alternatives holds
        unclosed = [[lit for lit in branch if not any(closes(kb, e, lit, facts) for e in effects)]
                    for branch in branches]
        if all(unclosed):
            found.gap_unaddressed += list(dict.fromkeys(f"{rule_id}:{lit.fact}" for u in unclosed for lit in u))
    for rec in made:
        mine = [e for r in [rec, *_descendants(kb, a, rec)] for e in kb.catalogue[r].rec.effects]
        if mine and all(holds(input_fields()[e.fact], _value(facts, e.fact), e) for e in mine):
            found.already_holds.append(rec)
    return found


def _descendants(kb: KnowledgeBase, a: Assessment, rec_id: str) -> list[str]:
    """The actions and tools made, or held back for the budget, under a recommendation: a decision counts through
    them too (a held-back tool is part of what its action stands for, deferred)."""
    made = [r.id for r in a.recommendations if r.serves == rec_id]
    held = [h.id for h in a.held_back if kb.catalogue[h.id].rec.serves == rec_id]
    return made + held + [d for child in made for d in _descendants(kb, a, child)]


@dataclass
class Report:
    """The audit over many companies: counts per defect and the worst companies."""

    companies: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHARES, 0))
    stages: dict[str, int] = field(default_factory=dict)
    """Companies per stage id (the stage distribution, to see what a change of the method does)."""
    worst: list[tuple[int, int, dict[str, Any], Findings]] = field(default_factory=list)
    """(defects, index, facts, findings), most defects first."""

    def share(self, name: str) -> float:
        return self.counts[name] / self.companies if self.companies else 0.0

    def highest(self) -> float:
        return max((self.share(n) for n in SHARES), default=0.0)


def audit(assess: Callable[[dict[str, Any]], tuple[Assessment, Trace]], kb: KnowledgeBase,
          companies: Iterable[dict[str, Any]], keep: int = 10) -> Report:
    """Assess every company (facts as mappings) and count the defects; keep the ``keep`` worst."""
    report = Report()
    for n, data in enumerate(companies):
        a, trace = assess(data)
        found = check(kb, a, trace)
        report.companies += 1
        report.stages[a.stage.id] = report.stages.get(a.stage.id, 0) + 1
        for name, flagged in found.flags().items():
            report.counts[name] += flagged
        if found.count():
            report.worst.append((found.count(), n, data, found))
            report.worst.sort(key=lambda w: (-w[0], w[1]))
            del report.worst[keep:]
    return report
