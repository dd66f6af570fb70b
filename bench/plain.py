"""The floor of the work itself: a plain-Python forward-chaining evaluator of the same rule data.

Strata in order; within a stratum every rule of that stratum or a lower one, every branch, every
binding (``cxm.engine.runtime.evaluate.matches``) asserts its conclusions, until nothing new appears. No
Rete network, no provenance, no result objects: only the facts. ``tests/test_batch_bench.py`` checks
that it reaches the engine's stage, levels and recommendations on every built-in example.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.conclusions import Copy, Sum
from cxm.engine.results.assemble import ordered
from cxm.engine.runtime.compiler import encode
from cxm.engine.runtime.evaluate import matches
from cxm.facts.vocabulary import Value


class PlainEvaluator:
    """Stratum by stratum, every rule of the stratum over and over until nothing new follows. A rule of a lower
    stratum tests only facts that rules of its stratum or lower ones conclude, all final by then: it is not
    tried again."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.strata = sorted({r.stratum for r in kb.rules})
        self.by_stratum = {s: [r for r in kb.rules if r.stratum == s] for s in self.strata}

    def _value(self, conclusion: Any, bound: dict[str, Any]) -> Any:
        specs, spec = self.kb.specs, conclusion.value
        if isinstance(spec, Copy):
            value = encode(specs[spec.fact], bound[spec.fact]) + spec.plus
        elif isinstance(spec, Sum):
            value = 0
            for name in spec.facts:
                v = bound[name]
                value += sum(v) if isinstance(v, list) else encode(specs[name], v)
        else:
            value = encode(specs[conclusion.fact], spec)
        return self.kb.decode(conclusion.fact, value)

    def run(self, inputs: dict[str, Value]) -> tuple[dict[str, list[tuple[str, Any]]], dict[str, list[str]]]:
        """Every fact (by name) and, for each concluded fact id, the rules that concluded it."""
        facts: dict[str, list[tuple[str, Any]]] = {p: [(f"in:{p}", v)] for p, v in inputs.items()}
        by: dict[str, list[str]] = {}
        for stratum in self.strata:
            new = True
            while new:
                new = False
                for rule in self.by_stratum[stratum]:
                    for branch in rule.branches:
                        for bound in matches(self.kb, branch, facts):
                            for conclusion in rule.conclusions:
                                value = self._value(conclusion, bound)
                                fact_id = f"{conclusion.fact}={value}"
                                rules = by.get(fact_id)
                                if rules is None:
                                    by[fact_id] = [rule.id]
                                    facts.setdefault(conclusion.fact, []).append((fact_id, value))
                                    new = True
                                elif rule.id not in rules:
                                    rules.append(rule.id)
        return facts, by

    def assess(self, inputs: dict[str, Value]) -> dict[str, Any]:
        """Stage, levels, recommendations (in the engine's order) and held-back ids."""
        facts, by = self.run(inputs)
        recs = []
        for fact_id, value in facts.get("recommendation", []):
            entry = self.kb.catalogue[str(value)].rec
            priority = min(self.kb.rule(r).priority for r in by[fact_id])
            recs.append(SimpleNamespace(id=str(value), kind=entry.kind.value, serves=entry.serves, priority=priority))
        return {
            "stage": str(facts["stage"][0][1]),
            "levels": {c.id: int(facts[f"level.{c.id}"][0][1]) for c in self.kb.competencies},
            "recommendations": [r.id for r in ordered(recs)],  # type: ignore[arg-type]
            "held_back": sorted(str(v) for _, v in facts.get("held_back", [])),
        }
