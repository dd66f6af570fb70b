"""Doing recommendations: `what-if --do`, the roadmap's shortest path, why-not's direction and quoting, effects
checked at load, and the audit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.engine.knowledge.loader import load_knowledge
from cxm.facts.source import SourceError
from tests.conftest import ROOT, example, run_cxm


def test_what_if_do_applies_the_effects_and_reassesses(runner) -> None:
    path = str(example("article-1-wellness-resort"))
    result = runner.invoke(cli, ["what-if", path, "--do", "dedicate-cx-owner", "--do", "written-brand-values",
                                 "--do", "introduce-cx-metrics", "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    # each decision is carried out with the actions and tools recommended under it
    assert answer["changes"] == [
        "leadership.cx_owner=full_time", "leadership.cx_metrics_in_reviews=occasionally", "brand.values=documented",
        "brand.brand_book=true", "brand.service_standards=company_wide", "employees.cx_training=systematic",
        "customers.mystery_shopping=external", "brand.promise_monitored=true", "metrics.in_use=[nps, csi]",
        "employees.incentives_linked_to_cx=true", "customers.feedback_collection=regular",
        "customers.feedback_channels=[offline, online]"]
    assert (answer["stage_before"]["id"], answer["stage_after"]["id"]) == ("explore", "mobilize")
    assert "dedicate-cx-owner" in [d["id"] for d in answer["removed"]]


def test_what_if_needs_a_change_and_knows_the_recommendations(runner) -> None:
    path = str(example("article-1-wellness-resort"))
    assert runner.invoke(cli, ["what-if", path]).exit_code == 2
    result = runner.invoke(cli, ["what-if", path, "--do", "dedicate-cx-ownr"])
    assert result.exit_code == 2
    assert "did you mean 'dedicate-cx-owner'" in result.stderr


def test_the_roadmap_names_the_shortest_path_confirmed_by_the_engine(engine, runner) -> None:
    from cxm.engine.services.api import read_facts

    result = engine.assess(read_facts(example("article-1-wellness-resort")), path=True)
    assert result.roadmap.shortest == ["dedicate-cx-owner", "written-brand-values", "introduce-cx-metrics"]
    # no smaller set reaches Mobilize: each pair leaves the company at Explore
    pairs = [["dedicate-cx-owner", "written-brand-values"], ["dedicate-cx-owner", "introduce-cx-metrics"],
             ["written-brand-values", "introduce-cx-metrics"]]
    for pair in pairs:
        out = runner.invoke(cli, ["what-if", str(example("article-1-wellness-resort")), "--format", "json",
                                  *[x for rec in pair for x in ("--do", rec)]]).output
        assert json.loads(out)["stage_after"]["id"] == "explore", pair
    text = runner.invoke(cli, ["assess", str(example("article-1-wellness-resort"))]).output
    assert "  Shortest path: carry out these 3 decision(s) and the company reaches Mobilize (confirmed by" in text


@pytest.mark.parametrize(("company", "rec"), [
    ("article-2-regional-lender", "crm-card-for-agents"),  # was found by removing the IVR
    ("article-3-manufacturer", "enps-survey"),  # was found by lowering the governance to an ad-hoc group
])
def test_why_not_never_takes_a_practice_away(runner, company: str, rec: str) -> None:
    out = runner.invoke(cli, ["why-not", str(example(company)), rec]).output
    assert "--set" not in out
    assert out.rstrip().endswith("No change of up to 3 input facts makes it appear within the search limits.")


def test_why_not_prints_a_command_that_runs_in_a_shell(runner, tmp_path: Path) -> None:
    facts = tmp_path / "my company.yaml"  # a space in the path must survive the shell too
    facts.write_text(example("article-1-wellness-resort").read_text(encoding="utf-8"), encoding="utf-8")
    out = runner.invoke(cli, ["why-not", str(facts), "existing-crm-footprint-setup"]).output
    command = out.rstrip().splitlines()[-1].strip()
    assert command == f"cxm what-if '{facts}' --set 'systems.present=[crm]'"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", command + " --format json"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    added = [d["id"] for d in json.loads(done.stdout)["added"]]
    assert "existing-crm-footprint-setup" in added


@pytest.mark.parametrize(("effects", "message"), [
    ("{brand.brand_bok: true}", "15: recommendations[0].effects.brand.brand_bok: unknown input fact 'brand.brand_bok' "
                                "(did you mean 'brand.brand_book'?)"),
    ("{brand.values: {at_least: writen}}", "40: recommendations[0].effects.brand.values.at_least: 'writen' is not "
                                           "a value of 'brand.values'; choose from: none, implicit, documented, "
                                           "embedded"),
    ("{brand.brand_book: {at_least: true}}", "44: recommendations[0].effects.brand.brand_book.at_least: 'at_least' "
                                             "applies to numbers and ordered choices; 'brand.brand_book' is neither"),
    ("{systems.present: crm}", "32: recommendations[0].effects.systems.present: 'systems.present' is a list: write "
                               "{adds: [VALUE, ...]}"),
])
def test_effects_are_checked_against_the_facts_schema(tmp_path: Path, effects: str, message: str) -> None:
    (tmp_path / "extra.yaml").write_text(f"""\
recommendations:
  - id: extra-entry
    kind: decision
    competency: brand
    effort: low
    cost: low
    effects: {effects}
    title: {{en: Extra, ru: Дополнительно}}
    text: {{en: Extra., ru: Дополнительно.}}
    source: test
""", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_knowledge([tmp_path])
    assert [str(p) for p in info.value.problems] == [f"{tmp_path}/extra.yaml:7:{message}"]


def test_every_catalogue_entry_declares_effects(engine) -> None:
    assert [rec for rec, entry in engine.kb.catalogue.items() if not entry.rec.effects] == []


def test_the_audit_counts_and_writes_the_worst(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["rules", "audit", "--profiles", "150", "--seed", "7", "-o", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:5] == [
        "    0.00%       0  no recommendation",
        "    0.00%       0  weakest competency served by no decision",
        "    0.00%       0  failing rung or gate test addressed by no recommendation",
        "    0.00%       0  recommended although its effects already hold",
    ]


@pytest.mark.slow
def test_the_audit_of_two_thousand_fresh_companies_finds_nothing(tmp_path: Path) -> None:
    """What CI holds the knowledge to: four zeros over 2,000 generated companies of a seed no test was fitted to."""
    result = run_cxm("rules", "audit", "--profiles", "2000", "--seed", "20261129", "--max", "0",
                     "-o", str(tmp_path / "worst"), timeout=1800)  # 2,000 assessments: minutes on a busy machine
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "Audit of 2012 companies (2000 generated, seed 20261129, and the examples)",
        "    0.00%       0  no recommendation",
        "    0.00%       0  weakest competency served by no decision",
        "    0.00%       0  failing rung or gate test addressed by no recommendation",
        "    0.00%       0  recommended although its effects already hold",
    ]
    assert not (tmp_path / "worst").exists()


def test_text_and_report_show_effects_in_brief(runner, tmp_path: Path) -> None:
    path = str(example("article-1-wellness-resort"))
    text = runner.invoke(cli, ["assess", path]).output.splitlines()
    assert "     Once done: leadership.cx_owner >= full_time" in text
    out = tmp_path / "report.md"
    assert runner.invoke(cli, ["report", path, "-o", str(out)]).exit_code == 0
    assert "Once done: `brand.values >= documented`" in out.read_text(encoding="utf-8").splitlines()


def test_the_audit_fails_above_max_and_writes_facts_files_that_reproduce(runner, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "noise.yaml").write_text("""\
rules:
  - id: brand-book-for-everyone
    title: {en: Brand book for everyone, ru: Брендбук для всех}
    because: {en: Everyone gets it., ru: Все получают.}
    source: test
    when: {brand.brand_book: true}
    then: {recommend: brand-book-working-groups}
""", encoding="utf-8")
    out = tmp_path / "worst"
    result = runner.invoke(cli, ["rules", "audit", "--rules", str(rules), "--profiles", "40", "-o", str(out),
                                 "--max", "1"])
    assert result.exit_code == 1
    share = next(line for line in result.output.splitlines() if line.endswith("effects already hold"))
    assert float(share.split("%")[0]) > 1
    worst = sorted(out.glob("worst-*.yaml"))
    assert worst and worst[0].read_text(encoding="utf-8").startswith("# cxm rules audit, company ")
    again = runner.invoke(cli, ["assess", str(worst[0]), "--rules", str(rules), "--format", "json"])
    assert "brand-book-working-groups" in [r["id"] for r in json.loads(again.stdout)["recommendations"]]


def _exhaustive(engine, assessment, flat) -> list[str]:
    """The first set of the fewest decisions that reaches the next stage, trying every subset (no run limit)."""
    from itertools import combinations

    from cxm.engine.explain.whatif import effect_changes
    from cxm.engine.runtime import session

    kb = engine.kb
    decisions = [r.id for r in assessment.recommendations if r.kind == "decision"]
    under: dict[str, list[str]] = {}
    for r in assessment.recommendations:
        top = r.id
        while kb.catalogue[top].rec.serves and any(
                x.id == kb.catalogue[top].rec.serves for x in assessment.recommendations):
            top = str(kb.catalogue[top].rec.serves)
        under.setdefault(top, []).append(r.id)
    for size in range(1, len(decisions) + 1):
        for combo in combinations(decisions, size):
            changes = effect_changes(kb, flat, [x for d in combo for x in under.get(d, [d])])
            trace = session.run(kb, engine.compiled, {**flat, **{c.path: c.value for c in changes}})
            stage = next(f.value for f in trace.facts.values() if f.name == "stage" and not f.input)
            if kb.stage_rank(str(stage)) >= assessment.roadmap.next_stage.number:
                return list(combo)
    return []


def test_the_shortest_path_search_takes_few_runs_and_finds_the_fewest(engine) -> None:
    """The decisions without which the others fall short are found first; the lender's path was past the old
    search's 64 runs, and is now the fewest, as trying every subset confirms."""
    from cxm.engine.explain.whatif import shortest_path, stage_inputs
    from cxm.engine.runtime import session
    from cxm.engine.services.api import read_facts
    from cxm.facts.vocabulary import flatten

    loaded = read_facts(example("article-3-manufacturer"))
    flat = flatten(loaded.data)
    assessment = engine.assess(loaded)
    runs: list[int] = []

    def run(facts):
        runs.append(1)
        return session.run(engine.kb, engine.compiled, facts)

    relevant = stage_inputs(engine.kb, engine.kb.slice("stage").rules)
    found = shortest_path(engine.kb, assessment, flat, run, relevant)
    assert found == ["live-the-brand-values", "tie-hr-and-pay-to-cx", "listen-along-the-journey"]
    decisions = [r.id for r in assessment.recommendations if r.kind == "decision"]
    assert len(runs) <= len(decisions) + 3  # all, each left out, the needed ones, one more set
    assert found == _exhaustive(engine, assessment, flat)


@pytest.mark.slow
def test_the_shortest_path_equals_the_exhaustive_search_on_generated_companies(engine, tmp_path: Path) -> None:
    from cxm.engine.services.api import read_facts
    from cxm.facts.generate import profiles
    from cxm.facts.vocabulary import flatten

    compared = 0
    for n, doc in enumerate(profiles(60, seed=20261129)):
        path = tmp_path / f"company-{n}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        loaded = read_facts(path)
        assessment = engine.assess(loaded, path=True)
        decisions = [r.id for r in assessment.recommendations if r.kind == "decision"]
        if assessment.roadmap.next_stage is None or len(decisions) > 7:
            continue
        assert assessment.roadmap.shortest == _exhaustive(engine, assessment, flatten(loaded.data)), doc
        compared += 1
    assert compared >= 30


def test_assess_no_path_leaves_the_search_out(runner) -> None:
    path = str(example("article-1-wellness-resort"))
    text = runner.invoke(cli, ["assess", path, "--no-path"]).output
    assert "Shortest path" not in text
    assert json.loads(runner.invoke(cli, ["assess", path, "--no-path", "--format", "json"]).output)[
        "roadmap"]["shortest"] == []


def _stage(trace) -> str:
    return next(str(f.value) for f in trace.facts.values() if f.name == "stage" and not f.input)


@pytest.mark.parametrize("count", [pytest.param(0, id="examples"),
                                   pytest.param(2000, id="2000-profiles", marks=pytest.mark.slow)])
def test_the_rules_the_stage_depends_on_conclude_the_same_stage(engine, tmp_path: Path, count: int) -> None:
    """The shortest-path search runs each candidate on the stage's slice of the rule base."""
    from cxm.engine.runtime import session
    from cxm.engine.services.api import read_facts
    from cxm.facts.generate import profiles
    from cxm.facts.vocabulary import flatten

    kb = engine.kb
    assert 0 < len(engine.stage_rules.rules) < len(engine.compiled.rules) / 2
    paths = sorted((ROOT / "facts" / "examples").glob("*.yaml"))
    for n, doc in enumerate(profiles(count, seed=20261130) if count else []):
        paths.append(tmp_path / f"company-{n}.json")
        paths[-1].write_text(json.dumps(doc), encoding="utf-8")
    for path in paths:
        flat = flatten(read_facts(path).data)
        assert _stage(session.run(kb, engine.stage_rules, flat)) == _stage(session.run(kb, engine.compiled, flat)), path
