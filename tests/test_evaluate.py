"""The Python condition checker agrees with durable-rules on every rule, for every example."""

from __future__ import annotations

import pytest

from cxm.engine.runtime.evaluate import group_facts, holds
from cxm.facts.load import load_facts
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_checker_agrees_with_the_engine(engine, path) -> None:
    trace = engine.run(load_facts(path))
    facts = group_facts(trace.facts.values())
    fired = {(f.rule, f.branch) for f in trace.firings}
    disagreements = []
    for rule in engine.kb.rules:
        for b, branch in enumerate(rule.branches):
            if holds(engine.kb, branch, facts) != ((rule.id, b) in fired):
                disagreements.append(f"{rule.id}#{b}: engine {'fired' if (rule.id, b) in fired else 'silent'}")
    assert disagreements == []
