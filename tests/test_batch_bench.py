"""The benchmark's floors compute what the engine computes: the plain-Python evaluator and raw durable-rules."""

from __future__ import annotations

import pytest

from bench import floor, plain, profiles
from cxm.engine.services.batch import project
from cxm.facts.load import load_facts, validate
from cxm.facts.source import Document
from cxm.facts.vocabulary import flatten
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_plain_evaluator_reaches_the_engines_conclusions(engine, path) -> None:
    evaluator = plain.PlainEvaluator(engine.kb)
    loaded = load_facts(path)
    record = project(1, engine.assess(loaded))
    assert evaluator.assess(flatten(loaded.data)) == {
        k: record[k] for k in ("stage", "levels", "recommendations", "held_back")
    }


@pytest.mark.slow
def test_the_plain_evaluator_agrees_on_generated_profiles(engine) -> None:
    evaluator = plain.PlainEvaluator(engine.kb)
    for n, data in enumerate(profiles.profiles(40, seed=7), 1):
        loaded = validate(Document(f"<profile {n}>", data))
        record = project(n, engine.assess(loaded))
        assert evaluator.assess(flatten(loaded.data)) == {
            k: record[k] for k in ("stage", "levels", "recommendations", "held_back")
        }


def test_generated_profiles_are_valid_and_repeatable() -> None:
    first = profiles.profiles(50, seed=3)
    assert first == profiles.profiles(50, seed=3)
    for n, data in enumerate(first, 1):
        validate(Document(f"<profile {n}>", data))


def test_the_floor_concludes_what_the_engine_concludes(engine) -> None:
    """The engine's loop without recording (bench/floor.py) asserts exactly the facts the engine's trace holds."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        loaded = load_facts(path)
        concluded = {f.id for f in engine.run(loaded).facts.values() if not f.input}
        assert floor.run(engine.kb, engine.compiled, flatten(loaded.data)) == concluded
        assert "stage=" + project(1, engine.assess(loaded))["stage"] in concluded
