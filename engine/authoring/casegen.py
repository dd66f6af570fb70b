"""Write the rule tests that state expectations: for each rule, a minimal company it fires for, and a small
patch of that company after which only the rule's own condition fails (it does not fire).

``python -m cxm.engine.authoring.casegen`` rewrites every ``*.test.yaml`` of the built-in rules folder from
the rules themselves (the examples and seeded generated companies are searched for a firing company, which
is then stripped of every fact the rule does not need). Review the diff like any other change to the tests.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from cxm.engine.knowledge.base import KnowledgeBase, Rule
from cxm.engine.runtime.session import Trace
from cxm.facts.generate import profiles
from cxm.facts.load import validate
from cxm.facts.source import SourceError, parse_text
from cxm.facts.vocabulary import flatten, input_fields

ALWAYS = "no single input change makes only this rule's own condition false"


class _NoAliases(yaml.SafeDumper):
    """Writes repeated facts in full: the facts reader refuses YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in input_fields():
        if path in flat:
            node = out
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = flat[path]
    if any(p.startswith("self_assessment.") for p in flat):
        out["self_assessment"] = {p.split(".")[1]: v for p, v in flat.items() if p.startswith("self_assessment.")}
    return out


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


class Generator:
    """Finds, for each rule, a minimal firing company and a patch that makes only its own condition fail."""

    def __init__(self, kb: KnowledgeBase, run: Callable[[dict[str, Any]], Trace], bases: list[dict[str, Any]]):
        self.kb, self.run_flat = kb, run
        self.bases = [_flat(b) for b in bases]
        self.traces: list[set[str]] = [self.fired(b) for b in self.bases]

    def trace(self, flat: dict[str, Any]) -> Trace | None:
        try:
            loaded = validate(parse_text(json.dumps(_nest(flat)), "<case>"))
        except SourceError:
            return None
        return self.run_flat(flatten(loaded.data))

    def fired(self, flat: dict[str, Any]) -> set[str]:
        trace = self.trace(flat)
        return set() if trace is None else {f.rule for f in trace.firings}

    def minimal(self, rule: Rule) -> dict[str, Any] | None:
        base = next((b for b, fired in zip(self.bases, self.traces, strict=True) if rule.id in fired), None)
        if base is None:
            return None
        current = dict(base)
        for path in [p for p in base if not p.startswith("company.")]:
            trial = {k: v for k, v in current.items() if k != path}
            if rule.id in self.fired(trial):
                current = trial
        return current

    def silent(self, rule: Rule, facts: dict[str, Any]) -> dict[str, Any] | None:
        """A small patch after which the rule does not fire while the facts it matched from other rules still
        hold: in every alternative of its condition, one of its own input tests made false."""
        import itertools

        trace = self.trace(facts)
        assert trace is not None
        firing = next(f for f in trace.firings if f.rule == rule.id)
        premises = [m for m in firing.matched if not trace.facts[m].input]
        per_branch = []
        for branch in rule.branches:
            options = []
            for lit in branch:
                if lit.fact not in input_fields():
                    continue
                failing = [v for v in self._values(lit.fact, facts.get(lit.fact)) if not self._holds(lit, v)]
                options += [(lit.fact, v) for v in failing[:3]]
            per_branch.append(options)
        if not per_branch or any(not options for options in per_branch):
            return self._premise_false(rule, facts)
        for combo in itertools.islice(itertools.product(*per_branch), 50):
            patch = dict(combo)
            after = self.trace({**facts, **patch})
            if after is None or any(f.rule == rule.id for f in after.firings):
                continue
            if all(p in after.facts for p in premises):
                return patch
        return None

    def _premise_false(self, rule: Rule, facts: dict[str, Any]) -> dict[str, Any] | None:
        """For a rule whose condition reads only other rules' conclusions: one input change that takes them away."""
        for path in list(facts) + [p for p in input_fields() if p not in facts and not p.startswith("self_")]:
            for value in self._values(path, facts.get(path))[:3]:
                after = self.trace({**facts, path: value})
                if after is not None and not any(f.rule == rule.id for f in after.firings):
                    return {path: value}
        return None

    def _holds(self, lit: Any, value: Any) -> bool:
        from cxm.engine.runtime.evaluate import passes

        return all(passes(self.kb, lit.fact, value, t, {}) for t in lit.tests) != lit.negated

    @staticmethod
    def _values(path: str, current: Any) -> list[Any]:
        spec = input_fields()[path]
        if spec.kind == "bool":
            return [not current] if current is not None else [True]
        if spec.kind == "enum":
            return [v for v in spec.values if v != current]
        if spec.kind == "list" and spec.item == "int":  # five self-ratings: move them all to one end or the middle
            return [[r] * 5 for r in (1, 3, 5) if current != [r] * 5]
        if spec.kind == "list":
            items = list(current or [])
            return [[x for x in items if x != v] for v in items] + [items + [v] for v in spec.values if v not in items]
        if spec.kind == "int":
            return [v for v in (0, 1, 5, 9, 10, 24, 25, 49, 50, 69, 70, 100, 249, 250) if v != current]
        return []


def write_cases(kb: KnowledgeBase, gen: Generator, folder: Path) -> dict[str, int]:
    """Rewrite the ``*.test.yaml`` beside each rule file; the number of cases written per file."""
    by_file: dict[str, list[Rule]] = {}
    for rule in kb.rules:
        by_file.setdefault(rule.file, []).append(rule)
    written = {}
    for file, rules in by_file.items():
        cases = []
        for rule in rules:
            facts = gen.minimal(rule)
            if facts is None:
                continue
            nested = _nest(facts)
            cases.append({"name": f"{rule.id}-fires", "description": f"A minimal company {rule.id} fires for.",
                          "facts": nested, "expect": {"fired": [rule.id]}})
            patch = gen.silent(rule, facts)
            case = {"name": f"{rule.id}-silent", "description": f"The same company with {rule.id}'s own condition "
                    "false.", "facts": nested, "patch": patch or {}, "expect": {"not_fired": [rule.id]}}
            if patch is None:
                case["todo"] = ALWAYS
            cases.append(case)
        target = folder / Path(file).relative_to(folder.name).with_suffix(".test.yaml") if file.startswith(
            folder.name + "/") else folder / Path(file).with_suffix(".test.yaml")
        header = (f"# Rule tests for {file}: for each rule a minimal company it fires for and the same company\n"
                  "# with only the rule's own condition false. Written by `python -m cxm.engine.authoring.casegen`.\n")
        target.write_text(header + yaml.dump({"cases": cases}, Dumper=_NoAliases, allow_unicode=True,
                                             sort_keys=False, width=120), encoding="utf-8")
        written[str(target)] = len(cases)
    return written


# small changes of every example, for rules the examples and the generated companies rarely reach
TWEAKS: list[dict[str, Any]] = [
    {"company.employees": 5}, {"company.country": "BY"}, {"metrics.in_use": ["nps"]}, {"metrics.in_use": ["churn"]},
    {"systems.digital_footprint_in_crm": False}, {"company.resources.budget": "low"},
    {"self_assessment": {c: [5, 5, 4, 4, 4] for c in ("leadership", "brand", "employees", "customers")}},
    {"company.country": "UZ"}, {"company.country": "AM"}, {"company.country": "UA"}, {"company.country": "GE"},
    {"company.industry": ["healthcare"]}, {"company.employees": 20}, {"company.operating_model": "dealers"},
]


def _tweak(data: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    flat = _flat(data)
    for path, value in change.items():
        if path == "self_assessment":
            flat.update({f"self_assessment.{c}": v for c, v in value.items()})
        else:
            flat[path] = value
    return _nest(flat)


def main() -> None:
    from cxm.engine.knowledge.loader import load_knowledge
    from cxm.engine.runtime import session
    from cxm.engine.runtime.compiler import compile_base
    from cxm.facts import EXAMPLES_DIR
    from cxm.facts.load import load_facts
    from cxm.rules import BUILTIN_DIR

    kb = load_knowledge()
    compiled = compile_base(kb)
    examples = [load_facts(p).doc.data for p in sorted(EXAMPLES_DIR.glob("*.yaml"))]
    bases = examples + [_tweak(e, change) for e in examples for change in TWEAKS] + profiles(1000, 11)
    gen = Generator(kb, lambda flat: session.run(kb, compiled, flat), bases)
    for target, n in write_cases(kb, gen, BUILTIN_DIR).items():
        print(f"{target}: {n} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
