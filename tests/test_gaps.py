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
from tests.conftest import ROOT, example


def test_what_if_do_applies_the_effects_and_reassesses(runner) -> None:
    path = str(example("article-1-wellness-resort"))
    result = runner.invoke(
        cli,
        [
            "what-if",
            path,
            "--do",
            "dedicate-cx-owner",
            "--do",
            "written-brand-values",
            "--do",
            "start-listening-to-customers",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    # each decision is carried out with the actions and tools recommended under it: the owner reports to the
    # sponsor (reviews at least regularly); the brand book and standards, checked by a mystery shopper; the
    # feedback pilot and the fixed schedule (the two-question card adds nothing: the resort has its online form)
    assert answer["changes"] == [
        "leadership.cx_owner=full_time",
        "leadership.cx_metrics_in_reviews=regularly",
        "brand.values=documented",
        "brand.brand_book=true",
        "brand.service_standards=company_wide",
        "employees.cx_training=systematic",
        "customers.mystery_shopping=external",
        "brand.promise_monitored=true",
        "customers.feedback_collection=regular",
    ]
    assert (answer["stage_before"]["id"], answer["stage_after"]["id"]) == ("explore", "mobilize")
    assert "dedicate-cx-owner" in [d["id"] for d in answer["removed"]]
    # the metrics alone do not open Mobilize: its gate needs feedback collected, which only listening changes
    metrics = runner.invoke(
        cli,
        [
            "what-if",
            path,
            "--do",
            "dedicate-cx-owner",
            "--do",
            "written-brand-values",
            "--do",
            "introduce-cx-metrics",
            "--format",
            "json",
        ],
    )
    assert json.loads(metrics.output)["stage_after"]["id"] == "explore"


def test_what_if_needs_a_change_and_knows_the_recommendations(runner) -> None:
    path = str(example("article-1-wellness-resort"))
    assert runner.invoke(cli, ["what-if", path]).exit_code == 2
    result = runner.invoke(cli, ["what-if", path, "--do", "dedicate-cx-ownr"])
    assert result.exit_code == 2
    assert "did you mean 'dedicate-cx-owner'" in result.stderr


def test_the_roadmap_names_the_shortest_path_confirmed_by_the_engine(engine, runner) -> None:
    from cxm.engine.services.api import read_facts
    from cxm.facts.vocabulary import flatten

    loaded = read_facts(example("article-1-wellness-resort"))
    result = engine.assess(loaded, path=True)
    path = ["dedicate-cx-owner", "start-listening-to-customers", "written-brand-values"]
    assert result.roadmap.shortest == path == _exhaustive(engine, result, flatten(loaded.data))
    # what-if --do agrees: the path reaches Mobilize, and leaving out any one of its decisions does not
    for chosen in [path] + [[d for d in path if d != left] for left in path]:
        out = runner.invoke(
            cli,
            [
                "what-if",
                str(example("article-1-wellness-resort")),
                "--format",
                "json",
                *[x for rec in chosen for x in ("--do", rec)],
            ],
        ).output
        answer = json.loads(out)
        assert answer["stage_after"]["id"] == ("mobilize" if chosen == path else "explore"), chosen
    text = runner.invoke(cli, ["assess", str(example("article-1-wellness-resort"))]).output
    assert "  Shortest path: carry out these 3 decision(s) and the company reaches Mobilize (through the" in text


@pytest.mark.parametrize(
    ("company", "rec"),
    [
        ("article-2-regional-lender", "crm-card-for-agents"),  # was found by removing the IVR
        ("article-3-manufacturer", "enps-survey"),  # was found by lowering the governance to an ad-hoc group
    ],
)
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
    done = subprocess.run(
        ["bash", "-c", command + " --format json"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    added = [d["id"] for d in json.loads(done.stdout)["added"]]
    assert "existing-crm-footprint-setup" in added


@pytest.mark.parametrize(
    ("effects", "message"),
    [
        (
            "{brand.brand_bok: true}",
            "15: recommendations[0].effects.brand.brand_bok: unknown input fact 'brand.brand_bok' "
            "(did you mean 'brand.brand_book'?)",
        ),
        (
            "{brand.values: {at_least: writen}}",
            "40: recommendations[0].effects.brand.values.at_least: 'writen' is not "
            "a value of 'brand.values'; choose from: none, implicit, documented, "
            "embedded",
        ),
        (
            "{brand.brand_book: {at_least: true}}",
            "44: recommendations[0].effects.brand.brand_book.at_least: 'at_least' "
            "applies to numbers and ordered choices; 'brand.brand_book' is neither",
        ),
        (
            "{systems.present: crm}",
            "32: recommendations[0].effects.systems.present: 'systems.present' is a list: write {adds: [VALUE, ...]}",
        ),
    ],
)
def test_effects_are_checked_against_the_facts_schema(tmp_path: Path, effects: str, message: str) -> None:
    (tmp_path / "extra.yaml").write_text(
        f"""\
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
""",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as info:
        load_knowledge([tmp_path])
    assert [str(p) for p in info.value.problems] == [f"{tmp_path}/extra.yaml:7:{message}"]


def test_every_catalogue_entry_declares_effects(engine) -> None:
    """Every entry says what holds once it is carried out, except the upkeep entries made at the top stage (which
    change no fact); and an upkeep entry is made only at Embed (rules/recommend/sustain.yaml)."""
    assert [rec for rec, entry in engine.kb.catalogue.items() if not entry.rec.effects and not entry.rec.upkeep] == []
    assert [rec for rec, entry in engine.kb.catalogue.items() if entry.rec.effects and entry.rec.upkeep] == []
    upkeep = {rec for rec, entry in engine.kb.catalogue.items() if entry.rec.upkeep}
    assert upkeep == {"keep-and-renew-cx", "yearly-practice-review", "learn-from-other-industries"}


def test_an_upkeep_entry_cannot_have_effects(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "recommendations:\n  - id: keep-it-up\n    kind: decision\n    competency: leadership\n"
        "    effort: low\n    cost: low\n    upkeep: true\n    effects: {brand.brand_book: true}\n"
        "    title: {en: Keep it up, ru: Так держать}\n    text: {en: Keep it up., ru: Так держать.}\n"
        "    source: nowhere\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as err:
        load_knowledge([tmp_path])
    assert "an upkeep entry keeps up what is in place and changes no fact: leave out its effects" in str(err.value)
    assert "r.yaml:8" in str(err.value)


def test_the_audit_counts_and_writes_the_worst(runner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["rules", "audit", "--profiles", "20", "--seed", "7", "--max", "100", "-o", str(tmp_path / "w")]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "Audit of 92 companies: 32 generated (seed 7, with the 12 examples), 20 with a maturity per "
        "section (seed 7), 40 extremes (every section at none or at max, in 10 countries)"
    )
    assert lines[1].split() == ["generated", "per", "section", "extremes"]
    names = [line[2:].split("  ")[0] for line in lines[2:14]]
    assert names == [
        "advice",
        "no recommendation",
        "a recommendation with an own effect already true",
        "a (fact, value) served twice in the plan",
        "a plan over its size budget",
        "a shortest path with nothing for the weakest competency, where one exists",
        "a recommendation `what-if --do` refuses",
        "a next stage with no path found",
        "plumbing (true by how gap rules are generated)",
        "weakest competency served by no decision",
        "failing rung or gate test addressed by no recommendation",
        "recommended although its effects already hold",
    ]
    # the extremes: half of the 40 have every practice at max; the other half, none at all, always get advice
    assert lines[3].split()[-2:] in (["50.00%", "20"], ["0.00%", "0"])
    # the stage distribution follows: every stage in order, each population's counts adding up to its companies
    at = lines.index("  stages")
    rows = [line.split() for line in lines[at + 1 : at + 7]]
    assert [r[0] for r in rows] == ["ignore", "explore", "mobilize", "operationalize", "align", "embed"]
    assert [sum(int(r[k]) for r in rows) for k in (2, 4, 6)] == [32, 20, 40]


@pytest.mark.slow
def test_the_audit_of_two_thousand_fresh_companies_finds_nothing(tmp_path: Path) -> None:
    """Over 2,000 generated companies of a seed no test was fitted to, on both generators and the extremes, every
    share of the audit is zero: the advice (no company without a recommendation, no recommendation whose own effect
    already holds, no (fact, value) served twice, no plan over its budget, no path that skips a weakest competency it
    could take, nothing `what-if --do` refuses, no next stage without a path) and the plumbing of gap rules."""
    # three populations with the shortest path of each company: about five minutes on a 2-core machine
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxm.cli",
            "rules",
            "audit",
            "--profiles",
            "2000",
            "--seed",
            "20261129",
            "--max",
            "0",
            "-o",
            str(tmp_path / "worst"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    shares = lines[lines.index("  advice") + 1 : lines.index("  stages")]
    shares = [line for line in shares if not line.startswith("  plumbing")]
    assert len(shares) == 10
    for line in shares:
        assert line.split()[-6:] == ["0.00%", "0"] * 3, line


def test_the_audit_fails_above_max_and_writes_facts_files_that_reproduce(runner, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "noise.yaml").write_text(
        """\
rules:
  - id: brand-book-for-everyone
    title: {en: Brand book for everyone, ru: Брендбук для всех}
    because: {en: Everyone gets it., ru: Все получают.}
    source: test
    when: {brand.brand_book: true}
    then: {recommend: brand-book-working-groups}
""",
        encoding="utf-8",
    )
    out = tmp_path / "worst"
    result = runner.invoke(
        cli, ["rules", "audit", "--rules", str(rules), "--profiles", "40", "-o", str(out), "--max", "1"]
    )
    assert result.exit_code == 1
    share = next(line for line in result.output.splitlines() if "although its effects already hold" in line)
    assert float(share.split()[-6].rstrip("%")) > 1  # the generated companies' column
    worst = sorted(out.glob("worst-*.yaml"))
    assert worst and worst[0].read_text(encoding="utf-8").startswith("# cxm rules audit, company ")
    again = runner.invoke(cli, ["assess", str(worst[0]), "--rules", str(rules), "--format", "json"])
    assert "brand-book-working-groups" in [r["id"] for r in json.loads(again.stdout)["recommendations"]]


def _exhaustive(engine, assessment, flat) -> list[str]:
    """The cheapest set of decisions that reaches the next stage, trying every subset (no run limit): a set with a
    decision of a weakest competency before one without, then the fewest input values changed (each value a list
    gains counts), then the least effort, then the least cost (low 1, medium 2, high 3, added up), then the earliest
    places in the plan's ordering; given in that ordering. As the search documents it, a decision whose effects
    change no input the stage depends on is no part of a path (it would count as "of a weakest competency" while
    moving nothing)."""
    from itertools import combinations

    from cxm.engine.explain.whatif import effect_changes, stage_inputs
    from cxm.engine.runtime import session

    kb = engine.kb
    recs = {r.id: r for r in assessment.recommendations}
    decisions = [d for d in assessment.plan.order if recs[d].kind == "decision"]
    under: dict[str, list[str]] = {}
    for r in assessment.recommendations:
        top = r.id
        while kb.catalogue[top].rec.serves in recs:
            top = str(kb.catalogue[top].rec.serves)
        under.setdefault(top, []).append(r.id)
    relevant = stage_inputs(kb, (c.rule for c in engine.stage_rules.rules.values()))
    decisions = [d for d in decisions if any(c.path in relevant for c in effect_changes(kb, flat, under.get(d, [d])))]
    scale = {"low": 1, "medium": 2, "high": 3}
    # a set reaches the next stage with today's self-ratings or, else, with the self-assessment re-taken (left out,
    # so that every level follows the facts), as the roadmap documents; a re-take alone needs no decision
    retake = {k: v for k, v in flat.items() if not k.startswith("self_assessment.")}

    def reaches(changes: dict) -> bool:
        for base in (flat, retake):
            trace = session.run(kb, engine.compiled, {**base, **changes})
            stage = next(f.value for f in trace.facts.values() if f.name == "stage" and not f.input)
            if kb.stage_rank(str(stage)) >= assessment.roadmap.next_stage.number:
                return True
        return False

    if reaches({}):
        return []
    best = None
    for size in range(1, len(decisions) + 1):
        for combo in combinations(decisions, size):
            changes = effect_changes(kb, flat, [x for d in combo for x in under.get(d, [d])])
            if not reaches({c.path: c.value for c in changes}):
                continue
            values = sum(
                len([v for v in c.value if v not in (flat.get(c.path) or [])]) if isinstance(c.value, list) else 1
                for c in changes
            )
            cost = (
                not any(recs[d].competency in assessment.weakest for d in combo),
                values,
                sum(scale[recs[d].effort] for d in combo),
                sum(scale[recs[d].cost] for d in combo),
                sorted(decisions.index(d) for d in combo),
            )
            if best is None or cost < best[0]:
                best = (cost, list(combo))
    return best[1] if best else []


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
    decisions = [r.id for r in assessment.recommendations if r.kind == "decision"]
    # all, each left out, then the needed ones with the smallest sets of the others: with partial credit per rung
    # (issue 22) most decisions can each be left out, so sets of up to two optional ones are tried
    optional = len(decisions) - 1
    assert len(runs) <= 1 + len(decisions) + 1 + optional + optional * (optional - 1) // 2
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
    assert (
        json.loads(runner.invoke(cli, ["assess", path, "--no-path", "--format", "json"]).output)["roadmap"]["shortest"]
        == []
    )


def _stage(trace) -> str:
    return next(str(f.value) for f in trace.facts.values() if f.name == "stage" and not f.input)


@pytest.mark.parametrize(
    "count", [pytest.param(0, id="examples"), pytest.param(2000, id="2000-profiles", marks=pytest.mark.slow)]
)
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


def test_audit_never_writes_into_a_rules_folder(runner, tmp_path: Path, monkeypatch) -> None:
    # issue 26: run inside a rules folder, the audit wrote cxm-audit/worst-*.yaml there, and every later
    # `--rules .` then failed on them
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "noise.yaml").write_text(
        """\
rules:
  - id: brand-book-for-everyone
    title: {en: Brand book for everyone, ru: Брендбук для всех}
    because: {en: Everyone gets it., ru: Все получают.}
    source: test
    when: {brand.brand_book: true}
    then: {recommend: brand-book-working-groups}
""",
        encoding="utf-8",
    )
    monkeypatch.chdir(rules)
    env = {"CXM_CACHE_DIR": str(tmp_path / "cache")}
    refused = runner.invoke(
        cli, ["rules", "audit", "--rules", ".", "--profiles", "40", "--max", "100", "-o", "worst"], env=env
    )
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: -o/--output: worst is inside the rules folder .: the rules would then read "
        "the companies written there as rule files; choose a folder outside it\n"
    )
    assert refused.stdout == ""
    result = runner.invoke(cli, ["rules", "audit", "--rules", ".", "--profiles", "40", "--max", "100"], env=env)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in rules.iterdir()) == ["noise.yaml"]
    wrote = result.stdout.splitlines()[-1]
    assert wrote.startswith(f"Wrote 10 files to {tmp_path / 'cache' / 'audit'}/7-40-") and wrote.endswith(".")
    folder = Path(wrote[len("Wrote 10 files to ") : -1])
    assert sorted(p.name for p in folder.iterdir()) == [f"worst-{n:02d}.yaml" for n in range(1, 11)]
    assert runner.invoke(cli, ["rules", "show", "brand-book-for-everyone", "--rules", "."], env=env).exit_code == 0
