"""The expert cases (tests/cases/, written by a CX consultant): stage, weakest competency, and which facts the
recommendations must and must not address, plus what holds for every company."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cxm.engine.authoring.audit import check
from cxm.engine.results.assemble import assemble
from cxm.facts.load import load_facts

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def _addresses(effects: list[dict], target: str) -> bool:
    """An effect changes the fact (``PATH``), or adds the value to the list fact (``PATH:VALUE``)."""
    path, _, value = target.partition(":")
    return any(e["fact"] == path and (not value or value in e.get("adds", [])) for e in effects)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_expert_case(engine, tmp_path: Path, case: Path) -> None:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump(spec["facts"], allow_unicode=True), encoding="utf-8")
    loaded = load_facts(facts)
    trace = engine.run(loaded)
    result = assemble(engine.kb, trace, loaded)
    expect = spec["expect"]
    if "stage" in expect:
        assert result.stage.id == expect["stage"]
    else:
        assert result.stage.id in expect["stage_in"]
    if "weakest" in expect:
        assert sorted(result.weakest) == sorted(expect["weakest"])
    effects = [e for r in result.recommendations for e in r.effects]
    for target in expect.get("addresses", []):
        assert _addresses(effects, target), f"no recommendation addresses {target}"
    for target in expect.get("not_addresses", []):
        made = [r.id for r in result.recommendations if _addresses(r.effects, target)]
        assert not made, f"{made} address {target}"
    # what holds for every company
    assert result.recommendations
    for comp in result.weakest:
        assert any(r.kind == "decision" and r.competency == comp for r in result.recommendations), comp
    assert check(engine.kb, result, trace).already_holds == []


def test_the_personal_data_law_is_named_by_country(engine, tmp_path: Path) -> None:
    by_case = {}
    for name in ("v3-ru-online-pharmacy", "v4-pl-online-pharmacy"):
        spec = yaml.safe_load((Path(__file__).parent / "cases" / f"{name}.yaml").read_text(encoding="utf-8"))
        facts = tmp_path / f"{name}.yaml"
        facts.write_text(yaml.safe_dump(spec["facts"], allow_unicode=True), encoding="utf-8")
        by_case[name] = [r for r in engine.assess(load_facts(facts)).recommendations
                         if r.serves == "meet-personal-data-law"]
    assert [(r.id, "152-FZ" in r.title.en) for r in by_case["v3-ru-online-pharmacy"]] == [("personal-data-152fz", True)]
    assert [(r.id, "GDPR" in r.title.en) for r in by_case["v4-pl-online-pharmacy"]] == [("personal-data-gdpr", True)]
