"""Write regression pins for the rules: for each rule, a minimal company it fires for, and a small patch of that
company after which it does not fire.

``python -m cxm.engine.authoring.casegen`` rewrites the *generated* cases (marked ``generated: true``) of every
``*.test.yaml`` of the built-in rules folder from the engine's own runs: the examples and seeded generated
companies are searched for a firing company, which is then stripped of every fact the rule does not need, and
patches are tried until the rule falls silent. Cases without the mark are written by hand; they are kept byte for
byte (:mod:`cxm.engine.authoring.casegen_files`), and a hand case named like a generated one replaces it.

What the search tries, in order: for each alternative of the rule's condition, one of the rule's own input tests
made false (enumerations, flags, lists, numbers, and for text fields every value some rule compares them with),
with a second field of the same section changed where the first alone makes the facts invalid (the ``b2b`` and
``b2c`` shares add up to 100); then the self-assessment set, raised, lowered or removed as a whole; then any single
input change. A patch that keeps every fact the rule matched from other rules is preferred ("only its own condition
false"); otherwise the first patch after which the rule does not fire is written, and the case says so. A rule
declared ``always: true`` (or written ``when: always``) gets no silent case: tests/test_rule_tests.py checks that it
fires for every example. A rule with no silent case found is listed on stderr: write one by hand.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase, Rule
from cxm.engine.runtime.session import Trace
from cxm.facts.generate import profiles
from cxm.facts.load import validate
from cxm.facts.source import SourceError, parse_text
from cxm.facts.vocabulary import flatten, input_fields

TRIALS = 250  # patches tried per rule before the best one found so far is taken
SELF_SETS = [{c: [r] * 5 for c in ("leadership", "brand", "employees", "customers")} for r in (5, 1)] + [None]


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """Flat input paths as a nested facts mapping (in the vocabulary's order)."""
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


def flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested facts mapping as flat input paths."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def patched(facts: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Flat facts with a patch applied as the rule tests apply it: ``None`` removes, a section key sets its whole
    section."""
    out = dict(facts)
    for key, value in patch.items():
        if key in input_fields():
            out.pop(key, None)
            if value is not None:
                out[key] = value
            continue
        for path in [p for p in out if p.startswith(key + ".")]:
            del out[path]
        if value is not None:
            out.update(flat(value, key + "."))
    return out


class Generator:
    """Finds, for each rule, a minimal firing company and a patch after which the rule does not fire."""

    def __init__(self, kb: KnowledgeBase, run: Callable[[dict[str, Any]], Trace], bases: list[dict[str, Any]]):
        self.kb, self.run_flat = kb, run
        self.bases = [flat(b) for b in bases]
        self.traces: list[set[str]] = [self.fired(b) for b in self.bases]
        self.texts = self._text_values(kb)

    @staticmethod
    def _text_values(kb: KnowledgeBase) -> dict[str, list[str]]:
        """For each text input field, every value some rule compares it with (sorted)."""
        fields = input_fields()
        found: dict[str, set[str]] = {}
        for rule in kb.rules:
            for branch in rule.branches:
                for lit in branch:
                    if lit.fact not in fields or fields[lit.fact].kind != "text":
                        continue
                    for test in lit.tests:
                        operands = test.operand if isinstance(test.operand, tuple | list) else (test.operand,)
                        found.setdefault(lit.fact, set()).update(o for o in operands if isinstance(o, str))
        return {path: sorted(values) for path, values in found.items()}

    def trace(self, facts: dict[str, Any]) -> Trace | None:
        try:
            loaded = validate(parse_text(json.dumps(nest(facts)), "<case>"))
        except SourceError:
            return None
        return self.run_flat(flatten(loaded.data))

    def fired(self, facts: dict[str, Any]) -> set[str]:
        trace = self.trace(facts)
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

    def silent(self, rule: Rule, facts: dict[str, Any]) -> tuple[dict[str, Any], bool] | None:
        """A small patch after which the rule does not fire, and whether the facts it matched from other rules
        still hold after it (only its own condition false); ``None`` when none is found."""
        trace = self.trace(facts)
        assert trace is not None
        firing = next(f for f in trace.firings if f.rule == rule.id)
        premises = [m for m in firing.matched if not trace.facts[m].input]
        fallback: dict[str, Any] | None = None
        seen: list[dict[str, Any]] = []
        for patch in itertools.islice(self._candidates(rule, facts), TRIALS):
            if patch in seen:
                continue
            seen.append(patch)
            found = self._valid(facts, patch)
            if found is None:
                continue
            patch, after = found
            if any(f.rule == rule.id for f in after.firings):
                continue
            if all(p in after.facts for p in premises):
                return patch, True
            fallback = fallback or patch
        return None if fallback is None else (fallback, False)

    def _candidates(self, rule: Rule, facts: dict[str, Any]) -> Iterator[dict[str, Any]]:
        per_branch = []
        for branch in rule.branches:
            options = []
            for lit in branch:
                if lit.fact not in input_fields():
                    continue
                failing = [v for v in self._values(lit.fact, facts.get(lit.fact)) if not self._holds(lit, v)]
                options += [(lit.fact, v) for v in failing[:3]]
            per_branch.append(options)
        if per_branch and all(per_branch):
            for combo in itertools.islice(itertools.product(*per_branch), 50):
                yield dict(combo)
        for ratings in SELF_SETS:
            yield {"self_assessment": ratings}
        for path in list(facts) + [p for p in input_fields() if p not in facts and not p.startswith("self_")]:
            kind = input_fields()[path].kind
            for value in self._values(path, facts.get(path))[: {"int": 14, "list": 8}.get(kind, 3)]:
                yield {path: value}

    def _valid(self, facts: dict[str, Any], patch: dict[str, Any]) -> tuple[dict[str, Any], Trace] | None:
        """The patch and the run after it; a patch of one field that leaves the facts invalid is tried again with
        a second field of the same section changed (the shares of a market add up to 100)."""
        after = self.trace(patched(facts, patch))
        if after is not None:
            return patch, after
        if len(patch) != 1 or next(iter(patch)) not in input_fields():
            return None
        path = next(iter(patch))
        parent = path.rpartition(".")[0]
        for other in [p for p in input_fields() if p.rpartition(".")[0] == parent and p != path]:
            for value in self._values(other, facts.get(other)):
                pair = {path: patch[path], other: value}
                after = self.trace(patched(facts, pair))
                if after is not None:
                    return pair, after
        return None

    def _holds(self, lit: Any, value: Any) -> bool:
        from cxm.engine.runtime.evaluate import passes

        return all(passes(self.kb, lit.fact, value, t, {}) for t in lit.tests) != lit.negated

    def _values(self, path: str, current: Any) -> list[Any]:
        spec = input_fields()[path]
        if spec.kind == "bool":
            return [not current] if current is not None else [True]
        if spec.kind == "enum":
            return [v for v in spec.values if v != current]
        if spec.kind == "text":
            return [v for v in self.texts.get(path, []) if v != current]
        if spec.kind == "list" and spec.item == "int":  # five self-ratings: move them all to one end or the middle
            return [[r] * 5 for r in (1, 3, 5) if current != [r] * 5]
        if spec.kind == "list":
            items = list(current or [])
            return (
                [[x for x in items if x != v] for v in items]
                + [[v] for v in spec.values if [v] != items]
                + [items + [v] for v in spec.values if v not in items]
            )
        if spec.kind == "int":
            return [v for v in (0, 1, 5, 9, 10, 24, 25, 49, 50, 69, 70, 100, 249, 250) if v != current]
        return []


def always(rule: Rule) -> bool:
    """Declared to fire for every company (``always: true``), or written ``when: always``."""
    return rule.always


def cases_for(gen: Generator, rule: Rule) -> tuple[list[dict[str, Any]], str | None]:
    """The generated cases of one rule, and what is missing (a silent case to write by hand), if anything."""
    facts = gen.minimal(rule)
    if facts is None:
        return [], "no firing company found: write a firing case by hand"
    nested = nest(facts)
    out = [
        {
            "name": f"{rule.id}-fires",
            "generated": True,
            "description": f"A minimal company {rule.id} fires for (pinned from the engine's own run).",
            "facts": nested,
            "expect": {"fired": [rule.id]},
        }
    ]
    if always(rule):
        return out, None
    found = gen.silent(rule, facts)
    if found is None:
        return out, "no patch silences it: write a silent case by hand, or declare it always: true"
    patch, own = found
    words = (
        "with only its own condition false"
        if own
        else "changed so that it does not fire (a fact it reads from other rules changes too)"
    )
    out.append(
        {
            "name": f"{rule.id}-silent",
            "generated": True,
            "description": f"The same company {words}.",
            "facts": nested,
            "patch": patch,
            "expect": {"not_fired": [rule.id]},
        }
    )
    return out, None


# small changes of every example, for rules the examples and the generated companies rarely reach
TWEAKS: list[dict[str, Any]] = [
    {"company.employees": 5},
    {"company.country": "BY"},
    {"metrics.in_use": ["nps"]},
    {"metrics.in_use": ["churn"]},
    {"systems.digital_footprint_in_crm": False},
    {"company.resources.budget": "low"},
    {"self_assessment": {c: [5, 5, 4, 4, 4] for c in ("leadership", "brand", "employees", "customers")}},
    {"company.country": "UZ"},
    {"company.country": "AM"},
    {"company.country": "UA"},
    {"company.country": "GE"},
    {"company.industry": ["healthcare"]},
    {"company.employees": 20},
    {"company.operating_model": "dealers"},
]


def _tweak(data: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    return nest(patched(flat(data), change))


def main() -> None:
    from cxm.engine.authoring.casegen_files import write_cases
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
    gen = Generator(kb, lambda facts: session.run(kb, compiled, facts), bases)
    written, missing = write_cases(kb, gen, BUILTIN_DIR)
    for target, n in written.items():
        print(f"{target}: {n} generated cases", file=sys.stderr)
    for line in missing:
        print(line, file=sys.stderr)


if __name__ == "__main__":
    main()
