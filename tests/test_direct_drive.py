"""Driving durable-rules' C core directly gives the traces its Python wrapper gave, firing order included."""

from __future__ import annotations

import dataclasses
from importlib import import_module

import pytest

from cxm.engine.base.errors import EngineError
from cxm.engine.runtime import session
from cxm.facts.load import load_facts, validate
from cxm.facts.source import Document
from cxm.facts.vocabulary import flatten
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def wrapped():
    return import_module("bench.wrapped")  # once: its actions are registered on the Host with the first import


def _same(engine, wrapped, inputs: dict, what: str) -> None:
    direct = session.run(engine.kb, engine.compiled, inputs)
    before = wrapped.run(engine.kb, engine.compiled, inputs)
    assert [dataclasses.astuple(f) for f in direct.firings] == [dataclasses.astuple(f) for f in before.firings], what
    assert {k: dataclasses.astuple(f) for k, f in direct.facts.items()} == {
        k: dataclasses.astuple(f) for k, f in before.facts.items()
    }, what
    assert list(direct.facts) == list(before.facts), what


def test_every_example_fires_as_through_the_wrapper(engine, wrapped) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        _same(engine, wrapped, flatten(load_facts(path).data), path.name)


@pytest.mark.slow
def test_two_thousand_generated_profiles_fire_as_through_the_wrapper(engine, wrapped) -> None:
    for n, data in enumerate(import_module("bench.profiles").profiles(2000, seed=16), 1):
        _same(engine, wrapped, flatten(validate(Document(f"<profile {n}>", data)).data), f"profile {n}")
    assert session._RUNS == {}


def test_a_session_stops_at_the_firing_limit_with_a_located_error(engine, monkeypatch) -> None:
    loaded = load_facts(EXAMPLES / "article-1-wellness-resort.yaml")
    fired = engine.run(loaded).firings
    monkeypatch.setattr(session, "MAX_FIRINGS", 10)
    with pytest.raises(EngineError) as err:
        engine.run(loaded)
    rule = engine.kb.rule(fired[10].rule)
    assert str(err.value) == (
        f"{rule.location}: rule {rule.id!r} would fire after 10 rule firings in one "
        "assessment, the engine's limit: do rules keep deriving new values from each other?"
    )
    assert session._RUNS == {}


def test_a_session_without_input_facts_runs(engine) -> None:
    # durable-rules 2.0.28 crashed the process (segfault) on an empty list of facts: none is sent
    trace = session.run(engine.kb, engine.compiled, {})
    # with no industry at all, none of it is public services or health care: the company serves buyers
    assert [f.rule for f in trace.firings][:4] == [
        "serves-buyers",
        "leadership-rung-1",
        "brand-rung-1",
        "employees-rung-1",
    ]
    assert session._RUNS == {}


@pytest.mark.parametrize("value", [0, 7, -3, 10**20, True, False, "explore", 'Кириллица "quoted"\n', [1, 2], 2.5])
def test_a_concluded_fact_is_written_as_json_dumps_writes_it(value) -> None:
    fact = {"id": f"x={value}", "name": "x", "value": value, "k": 1, "sid": "12"}
    assert session._fact_text(fact["id"], "x", value, "12") == session._dumps(fact)
