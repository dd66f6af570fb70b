"""The experts' rule tests (*.test.yaml beside the rules): every case runs here, and every rule is covered."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.engine.authoring import casegen, casegen_files, ruletest
from cxm.engine.runtime import session
from cxm.facts.load import load_facts
from cxm.facts.source import SourceError
from cxm.rules import BUILTIN_DIR
from tests.conftest import run_cxm

CASES = ruletest.load_cases(ruletest.discover([BUILTIN_DIR]))


@pytest.fixture(scope="module")
def outcomes(engine) -> dict[str, ruletest.Outcome]:
    return {o.case.id: o for o in ruletest.run_cases(engine, CASES)}


@pytest.mark.slow
@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_rule_case(case_id: str, outcomes) -> None:
    outcome = outcomes[case_id]
    if outcome.case.case.todo:  # a known gap: it runs, and says so when it starts to pass
        assert not outcome.passed, f"{outcome.case.location}: todo case now passes: remove todo"
        pytest.xfail(f"todo: {outcome.case.case.todo}")
    assert outcome.passed, (
        f"{outcome.case.location}: the rules no longer give what {case_id} expects "
        "(- expected, + actual); fix the rules or the case:\n" + "\n".join(outcome.diff)
    )


def test_every_builtin_rule_fires_in_some_case(engine, outcomes) -> None:
    missing = [f"{r.id} ({r.location})" for r in ruletest.coverage(engine.kb, list(outcomes.values()))]
    assert not missing, "these rules fire in no rule test; add a case to the *.test.yaml beside them: " + ", ".join(
        missing
    )


def test_every_rule_file_has_a_test_file() -> None:
    from cxm.rules import rule_files

    for path in rule_files(BUILTIN_DIR):
        if path.name == "model.yaml":
            continue
        assert path.with_name(path.stem + ".test.yaml").exists(), f"write {path.stem}.test.yaml beside {path}"


CASE = """\
cases:
  - name: small-resort
    example: article-1-wellness-resort
    patch: {company.employees: 8}
    expect:
      stage: explore
      fired: [size-micro]
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "x.test.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        ruletest.check_ids(_kb(), ruletest.load_cases([(path, "x.test.yaml")]))
    return [str(p) for p in err.value.problems]


def _kb():
    from cxm.engine.knowledge.loader import load_knowledge

    return load_knowledge()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            CASE.replace("    patch", "    pach"),
            "x.test.yaml:4:5: cases[0].pach: unknown key 'pach' (did you mean 'patch'?)",
        ),
        (
            CASE.replace("article-1-wellness-resort", "article-1-wellnes-resort"),
            "x.test.yaml:3:14: cases[0].example: no example 'article-1-wellnes-resort' (did you mean "
            "'article-1-wellness-resort'?); give a built-in example name or a facts file next to this test",
        ),
        (
            CASE.replace("company.employees: 8", "company.employes: 8"),
            "x.test.yaml:4:13: cases[0].patch.company.employes: unknown input path 'company.employes' (did you mean "
            "'company.employees'?)",
        ),
        (
            CASE.replace("company.employees: 8", "company.employees: many"),
            "x.test.yaml:4:32: patch: company.employees: expected a whole number, got 'many'",
        ),
        (
            CASE.replace("stage: explore", "stage: explor"),
            "x.test.yaml:6:14: cases[0].expect.stage: unknown stage 'explor' (did you mean 'explore'?)",
        ),
        (
            CASE.replace("[size-micro]", "[size-mikro]"),
            "x.test.yaml:7:15: cases[0].expect.fired[0]: unknown rule 'size-mikro' (did you mean 'size-micro'?)",
        ),
        (
            CASE.replace("    expect:\n      stage: explore\n      fired: [size-micro]\n", "    expect: {}\n"),
            "x.test.yaml:5:13: cases[0].expect: expect nothing? give stage, levels, weakest, recommendations, "
            "held_back, fired or not_fired",
        ),
        (
            CASE + CASE.replace("cases:\n", ""),
            "x.test.yaml:8:11: cases[1].name: duplicate case name 'small-resort' (first at line 2)",
        ),
        (
            CASE.replace("    patch:", "    facts: {}\n    patch:"),
            "x.test.yaml:2:5: cases[0]: give either 'example' or 'facts' (not both)",
        ),
        (
            CASE.replace("article-1-wellness-resort", "../outside.yaml"),
            "x.test.yaml:3:14: cases[0].example: the example '../outside.yaml' is outside the folder of this test; "
            "give a facts file in it (or below it)",
        ),
        (
            CASE.replace("article-1-wellness-resort", "/etc/facts.yaml"),
            "x.test.yaml:3:14: cases[0].example: the example '/etc/facts.yaml' is outside the folder of this test; "
            "give a facts file in it (or below it)",
        ),
        (
            CASE.replace("article-1-wellness-resort", "sub/../../x.json"),
            "x.test.yaml:3:14: cases[0].example: the example 'sub/../../x.json' is outside the folder of this test; "
            "give a facts file in it (or below it)",
        ),
    ],
)
def test_bad_test_file_is_located(tmp_path: Path, text: str, expected: str) -> None:
    assert _problems(tmp_path, text)[0] == expected


def test_an_example_may_not_leave_the_test_folder_even_by_a_link(tmp_path: Path) -> None:
    """An existing file outside (here a built-in example) is refused, through ``..`` or a symbolic link;
    a file inside the folder, or below it, is read."""
    outside = tmp_path / "outside.yaml"
    outside.write_text(
        (Path(ruletest.EXAMPLES_DIR) / "article-1-wellness-resort.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    rules = tmp_path / "rules"
    (rules / "sub").mkdir(parents=True)
    (rules / "link.yaml").symlink_to(outside)
    (rules / "sub" / "inside.yaml").write_text(outside.read_text(encoding="utf-8"), encoding="utf-8")
    test = rules / "x.test.yaml"
    for name in ("../outside.yaml", "link.yaml", str(outside)):
        test.write_text(CASE.replace("article-1-wellness-resort", name), encoding="utf-8")
        with pytest.raises(SourceError) as err:
            ruletest.check_ids(_kb(), ruletest.load_cases([(test, "x.test.yaml")]))
        assert str(err.value.problems[0]).endswith(
            f"the example {name!r} is outside the folder of this test; give a facts file in it (or below it)"
        )
    test.write_text(CASE.replace("article-1-wellness-resort", "sub/inside.yaml"), encoding="utf-8")
    assert ruletest.check_ids(_kb(), ruletest.load_cases([(test, "x.test.yaml")])) is None


def test_facts_profile_errors_are_located_in_the_test_file(tmp_path: Path) -> None:
    text = (
        "cases:\n  - name: inline\n    facts:\n      company: {name: X, industry: [retail], markets: {b2c: 100},\n"
        "                employees: lots, geography: local, country: RU}\n    expect: {stage: ignore}\n"
    )
    assert _problems(tmp_path, text) == [
        "x.test.yaml:5:28: cases[0].facts.company.employees: expected a whole number, got 'lots'"
    ]


@pytest.mark.slow
def test_failing_case_shows_a_diff_and_coverage(tmp_path: Path, runner) -> None:
    rules = tmp_path / "mine"
    rules.mkdir()
    (rules / "mine.test.yaml").write_text(
        CASE.replace("stage: explore", "stage: mobilize").replace("[size-micro]", "[size-micro, size-small]"),
        encoding="utf-8",
    )
    (rules / "mine.yaml").write_text(
        "rules:\n  - id: tiny-team\n    title: {en: Tiny team, ru: Крошечная команда}\n"
        "    because: {en: Exactly 9000001., ru: Ровно 9000001.}\n    source: Test\n"
        "    when: {company.employees: {between: [9000001, 9000001]}}\n    then: {gate: explore}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["rules", "test", "--rules", str(rules)])
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    at = out.index(f"FAIL  {rules / 'mine.test.yaml'}::small-resort  ({rules / 'mine.test.yaml'}:2:5)")
    assert out[at + 1 : at + 5] == [
        "      - stage: mobilize",
        "      + stage: explore",
        "      - fired: size-small",
        "      + fired: did not fire",
    ]
    assert f"Coverage: 1 of {len(_kb().rules) + 1} rules fired in no case:" in out
    assert f"  tiny-team ({rules / 'mine.yaml'}:2:5)" in out
    assert out[-1].endswith("1 failed, 0 todo (70 cases)") or "1 failed" in out[-1]


@pytest.mark.slow
def test_rules_test_passes_on_the_builtin_base(runner) -> None:
    result = runner.invoke(cli, ["rules", "test", "--strict"])
    assert result.exit_code == 0, result.output
    assert "Coverage: all" in result.stdout
    todo = sum(1 for c in CASES if c.case.todo)
    assert result.stdout.splitlines()[-1].endswith(f"passed, 0 failed, {todo} todo ({len(CASES)} cases)")


def test_rules_test_as_a_subprocess() -> None:
    proc = run_cxm("rules", "test", "-k", "stage/bands", "-v")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0].startswith("PASS  rules/stage/bands.test.yaml::")


def unpaired(rules: list, cases: list[ruletest.LoadedCase]) -> list[str]:
    """The rules without a firing case (no patch) and, unless declared ``always``, a silent case: the same
    company with a patch that is not empty, not marked todo, after which the rule must not fire."""
    by_file: dict[str, list[ruletest.LoadedCase]] = {}
    for case in cases:
        by_file.setdefault(case.file, []).append(case)
    missing = []
    for rule in rules:
        mine = by_file.get(rule.file.removesuffix(".yaml") + ".test.yaml", [])
        fires = [c.case for c in mine if rule.id in c.case.expect.fired and not c.case.patch]
        silent = [c.case for c in mine if rule.id in c.case.expect.not_fired and c.case.patch and not c.case.todo]
        paired = [s for s in silent for f in fires if (s.facts, s.example) == (f.facts, f.example)]
        if not fires or not (paired or rule.always):
            missing.append(f"{rule.id} ({rule.location})")
    return missing


def test_every_rule_has_a_firing_case_and_a_case_where_it_falls_silent(engine) -> None:
    """For each rule, a company it fires for, and the same company patched so that it does not; a rule declared
    ``always: true`` (or written ``when: always``) needs no silent case, and fires for every example instead."""
    missing = unpaired(engine.kb.rules, CASES)
    assert not missing, "write a firing and a silent case beside these rules: " + ", ".join(missing)


def _loaded(tmp_path: Path, text: str) -> list[ruletest.LoadedCase]:
    path = tmp_path / "size.test.yaml"
    path.write_text(text, encoding="utf-8")
    return ruletest.load_cases([(path, "rules/derive/company.test.yaml")])


PAIR = """\
cases:
  - name: micro-fires
    example: article-1-wellness-resort
    expect: {fired: [size-micro]}
  - name: micro-silent
    example: article-1-wellness-resort
    patch: PATCH
    expect: {not_fired: [size-micro]}
"""


def test_the_meta_test_rejects_a_stub(engine, tmp_path: Path) -> None:
    """A silent case with an empty patch (or marked todo) fails by construction: it does not count."""
    micro = [r for r in engine.kb.rules if r.id == "size-micro"]
    assert unpaired(micro, _loaded(tmp_path, PAIR.replace("PATCH", "{company.employees: 10}"))) == []
    for stub in (PAIR.replace("PATCH", "{}"), PAIR.replace("PATCH", "{company.employees: 10}\n    todo: gap")):
        assert unpaired(micro, _loaded(tmp_path, stub)) == [f"size-micro ({micro[0].location})"]


def test_a_todo_case_runs_and_reports_when_it_passes(engine, tmp_path: Path) -> None:
    """Article company 1 has 45 employees (micro is below 10): expecting size-micro there fails, and so is a
    known gap while marked todo; with 8 employees it passes, and the status says the mark should go."""
    text = (
        "cases:\n  - name: gap\n    example: article-1-wellness-resort\n    patch: {company.employees: N}\n"
        "    expect: {fired: [size-micro]}\n    todo: not yet\n"
    )
    failing = ruletest.run_cases(engine, _loaded(tmp_path, text.replace("N", "45")))[0]
    passing = ruletest.run_cases(engine, _loaded(tmp_path, text.replace("N", "8")))[0]
    assert (failing.status, passing.status) == ("todo", "fixed")
    assert failing.diff == ["- fired: size-micro", "+ fired: did not fire"]


def test_always_rules_fire_for_every_example(engine) -> None:
    """The rules declared ``always: true``, and those written ``when: always``, fire for every built-in example
    (`cxm rules lint` checks the same: CXL009)."""
    declared = [r for r in engine.kb.rules if r.always]
    # the four rung-1 credits, the four evidence levels, the Ignore reach, the score and the stage cap
    assert sorted(r.id for r in declared) == sorted(
        [f"{c}-rung-1" for c in ("leadership", "brand", "employees", "customers")]
        + [f"{c}-evidence-level" for c in ("leadership", "brand", "employees", "customers")]
        + ["reach-ignore", "cx-score", "stage-cap"]
    )
    for path in sorted(ruletest.EXAMPLES_DIR.glob("*.yaml")):
        fired = {f.rule for f in engine.run(load_facts(path)).firings}
        assert not [r.id for r in declared if r.id not in fired], path.name


def test_no_case_is_a_stub() -> None:
    """No case is a todo that expects a rule to stay silent for the very company it fires for (no patch)."""
    stubs = [c.id for c in CASES if c.case.expect.not_fired and not c.case.patch and c.case.todo]
    assert stubs == []


def _generator(engine, *names: str) -> casegen.Generator:
    bases = [load_facts(ruletest.EXAMPLES_DIR / f"{name}.yaml").doc.data for name in names]
    return casegen.Generator(engine.kb, lambda facts: session.run(engine.kb, engine.compiled, facts), bases)


def _rule(engine, rule_id: str):
    return next(r for r in engine.kb.rules if r.id == rule_id)


def test_casegen_tries_the_values_rules_compare_a_text_field_with(engine) -> None:
    """Article company 3 is Russian: another country some rule names (here the first in sorted order that is not
    RU) silences the 152-FZ rule, and nothing else it matched changes."""
    gen = _generator(engine, "article-3-manufacturer")
    rule = _rule(engine, "ru-personal-data-law")
    facts = gen.minimal(rule)
    assert facts is not None and facts["company.country"] == "RU"
    patch, own = gen.silent(rule, facts) or ({}, False)
    assert own and list(patch) == ["company.country"] and patch["company.country"] != "RU"
    assert patch["company.country"] in gen.texts["company.country"]


def test_casegen_patches_two_fields_where_one_alone_is_invalid(engine) -> None:
    """Company 1 sells 85 % to consumers; b2b and b2c add up to 100, so lowering b2c needs b2b raised with it."""
    gen = _generator(engine, "article-1-wellness-resort")
    rule = _rule(engine, "market-mostly-b2c")
    facts = gen.minimal(rule)
    assert facts is not None
    patch, own = gen.silent(rule, facts) or ({}, False)
    assert own and set(patch) == {"company.markets.b2c", "company.markets.b2b"}
    assert patch["company.markets.b2c"] < 70 and patch["company.markets.b2c"] + patch["company.markets.b2b"] == 100


HAND = """\
# old header
cases:
  - name: a-fires
    generated: true
    example: article-1-wellness-resort
    expect: {fired: [size-small]}
  # a hand case, with its comment and its own layout
  - name: b-by-hand
    example: article-1-wellness-resort
    patch: {company.employees: 8}   # eight people
    expect:
      fired: [size-micro]

  - name: c-by-hand
    example: article-2-regional-lender
    expect: {stage: mobilize}
"""


def test_casegen_keeps_hand_cases_byte_for_byte(tmp_path: Path) -> None:
    indent, hand = casegen_files.hand_cases(HAND)
    assert indent == "  " and [name for name, _ in hand] == ["b-by-hand", "c-by-hand"]
    generated = [
        {
            "name": "a-fires",
            "generated": True,
            "example": "article-3-manufacturer",
            "expect": {"fired": ["size-medium"]},
        }
    ]
    text = casegen_files.render("rules/x.yaml", generated, indent, hand)
    assert HAND[HAND.index("  # a hand case") :] in text  # the hand cases, as written, after the generated ones
    assert casegen_files.hand_cases(text) == (indent, hand)  # a second run keeps them again
    assert casegen_files.render("rules/x.yaml", generated, indent, hand) == text
    (tmp_path / "x.test.yaml").write_text(text, encoding="utf-8")
    cases = ruletest.load_cases([(tmp_path / "x.test.yaml", "x.test.yaml")])
    assert [(c.case.name, c.case.generated) for c in cases] == [
        ("a-fires", True),
        ("b-by-hand", False),
        ("c-by-hand", False),
    ]
