"""The roadmap's shortest path with many recommended decisions (RELIABILITY.md: roadmap shortest path): the
search makes at most :data:`MAX_SEARCH_RUNS` engine runs and keeps one record per run, whatever the number
of decisions (1,000 extra ones took 2,000 runs; 6,000 took 104 s and 4.3 GB), and the path it gives reaches the
next stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxm.engine.explain.whatif import MAX_SEARCH_RUNS, effect_changes, shortest_path, stage_inputs
from cxm.engine.runtime import session
from cxm.engine.services.api import Engine
from cxm.facts.load import load_facts
from cxm.facts.vocabulary import flatten
from tests.conftest import example


def _extra_decisions(folder: Path, n: int) -> Path:
    """``n`` decisions, each recommended always, each giving CX a full-time owner (a fact the stage tests)."""
    folder.mkdir()
    recs = "".join(
        f"""  - id: extra-{k}
    kind: decision
    competency: leadership
    effort: low
    cost: low
    effects: {{leadership.cx_owner: full_time}}
    title: {{en: "Extra decision {k}", ru: "Дополнительное решение {k}"}}
    text: {{en: "Extra decision {k}.", ru: "Дополнительное решение {k}."}}
    source: "Hostile test"
"""
        for k in range(n)
    )
    rules = "".join(
        f"""  - id: recommend-extra-{k}
    title: {{en: "Recommend extra {k}", ru: "Рекомендовать решение {k}"}}
    because: {{en: "Because.", ru: "Потому что."}}
    source: "Hostile test"
    when: always
    then: {{recommend: extra-{k}}}
"""
        for k in range(n)
    )
    (folder / "extra.yaml").write_text(f"recommendations:\n{recs}rules:\n{rules}", encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("n", [1000, 3000])
def test_RM_path_with_many_decisions_is_bounded_and_reaches(tmp_path: Path, n: int) -> None:
    engine = Engine([_extra_decisions(tmp_path / "rules", n)])
    loaded = load_facts(example("article-1-wellness-resort"))
    result = engine.assess(loaded)
    extra = sum(r.id.startswith("extra-") for r in result.recommendations)
    assert extra == n
    flat = flatten(loaded.data)
    runs: list[int] = []

    def run(facts):
        runs.append(1)
        return session.run(engine.kb, engine.stage_rules, facts)

    relevant = stage_inputs(engine.kb, (c.rule for c in engine.stage_rules.rules.values()))
    path = shortest_path(engine.kb, result, flat, run, relevant)
    count = len(runs)
    assert 0 < count <= MAX_SEARCH_RUNS
    # the path reaches the next stage: checked by one more run, of the whole rule base, on its effects
    serves = {r.id: r.serves for r in result.recommendations}

    def top(rec: str) -> str:  # the decision an action or a tool serves, through the recommendations made
        while serves.get(rec) in serves:
            rec = serves[rec]
        return rec

    served = [r.id for r in result.recommendations if top(r.id) in path]
    changed = {**flat, **{c.path: c.value for c in effect_changes(engine.kb, flat, served)}}
    stage = str(
        next(
            f.value
            for f in session.run(engine.kb, engine.compiled, changed).facts.values()
            if f.name == "stage" and not f.input
        )
    )
    reached = engine.kb.stage_rank(stage) >= result.roadmap.next_stage.number
    assert reached
    assert 0 < len(path) <= 64
