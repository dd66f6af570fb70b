"""The lean result (batch rows, API callers) is the full assessment's projection: every example, 2,000 profiles."""

from __future__ import annotations

from importlib import import_module

import pytest

from cxm.engine.base.errors import EngineError
from cxm.engine.services.batch import company_profile, lean_record, project, warning_texts
from cxm.facts.load import load_facts, validate
from cxm.facts.source import Document
from tests.conftest import EXAMPLES


def test_every_example_summarizes_as_its_full_assessment_projects(engine) -> None:
    for n, path in enumerate(sorted(EXAMPLES.glob("*.yaml")), 1):
        loaded = load_facts(path)
        full = project(n, engine.assess(loaded), company_profile(loaded, engine.run(loaded)), warning_texts(loaded))
        assert lean_record(engine, loaded, n) == full, path.name


@pytest.mark.slow
def test_two_thousand_generated_profiles_summarize_as_their_full_assessments_project(engine) -> None:
    for n, data in enumerate(import_module("bench.profiles").profiles(2000, seed=18), 1):
        loaded = validate(Document(f"<profile {n}>", data))
        full = project(n, engine.assess(loaded), company_profile(loaded, engine.run(loaded)), warning_texts(loaded))
        assert lean_record(engine, loaded, n) == full, n


def test_a_knowledge_base_concluding_two_stages_fails_the_same_way(engine, monkeypatch) -> None:
    from cxm.engine.runtime import session

    loaded = load_facts(EXAMPLES / "article-1-wellness-resort.yaml")
    trace = engine.run(loaded)  # a complete session (every input with its default), then a second stage added
    monkeypatch.setattr(engine, "run", lambda _: trace)
    errors = []
    for call in (engine.summarize, engine.assess):
        with pytest.raises(EngineError) as err:
            trace.facts["stage=embed"] = session.FactRecord("stage=embed", "stage", "embed", False, [0])
            call(loaded)
        errors.append(str(err.value))
    assert errors[0] == errors[1] and "exactly one is needed" in errors[0]
