"""A knowledge base ten times today's (2,000 generated rules) compiles into networks within durable-rules'
limits and assesses every example as an independent evaluator of the same rules does."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest

from cxm.engine.runtime.network import CHILDREN, STACK, Network
from cxm.engine.runtime.packing import FIXED as _FIXED
from cxm.engine.services.api import Engine
from cxm.engine.services.batch import project
from cxm.facts.load import load_facts
from cxm.facts.vocabulary import flatten
from tests.conftest import EXAMPLES


@pytest.mark.slow
def test_ten_times_the_rules_assess_every_example_correctly(engine, tmp_path: Path) -> None:
    folder = tmp_path / "generated"
    assert import_module("bench.lint_bench").generate(folder, 2000) == 2020
    big = Engine([folder])
    assert len(big.kb.rules) == len(engine.kb.rules) + 2020
    assert len(big.compiled.ruleset) > 1  # one network would overflow the C core's alpha walk
    for body in big.compiled.ruleset.values():
        model = Network()
        model.add(_FIXED)
        for definition in body.values():
            model.add(definition["all"])
        assert model.stack <= STACK and model.widest <= CHILDREN
    plain = import_module("bench.plain").PlainEvaluator(big.kb)
    for n, path in enumerate(sorted(EXAMPLES.glob("*.yaml")), 1):
        loaded = load_facts(path)
        record = project(n, big.assess(loaded))
        alone = project(n, engine.assess(loaded))
        assert (record["stage"], record["levels"]) == (alone["stage"], alone["levels"]), path.name
        assert plain.assess(flatten(loaded.data)) == {
            k: record[k] for k in ("stage", "levels", "recommendations", "held_back")
        }, path.name
        generated = [r for r in record["recommendations"] if r.startswith("syn-")]
        assert generated and set(record["recommendations"]) - set(generated) == set(alone["recommendations"])
