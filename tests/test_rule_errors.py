"""A bad rule file is reported FILE:LINE:COL before anything runs, with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.engine.services.api import Engine
from cxm.facts.source import SourceError
from tests.conftest import example, run_cxm

HEAD = """\
rules:
  - id: {id}
    title: {{en: Title, ru: Заголовок}}
    because: {{en: Because., ru: Потому что.}}
    source: "Article, company 1"
"""


def rule(rule_id: str, body: str) -> str:
    return HEAD.format(id=rule_id) + body


CASES = {
    "unknown_fact": (
        rule(
            "typo-fact",
            "    when:\n      customers.feedback_colection: {at_least: regular}\n    then: {gate: explore}\n",
        ),
        "{f}:7:7: rules[0].when.customers.feedback_colection: unknown fact 'customers.feedback_colection' "
        "(did you mean 'customers.feedback_collection'?)",
    ),
    "unknown_enum_value": (
        rule("typo-value", "    when:\n      leadership.cx_owner: {at_least: fulltime}\n    then: {gate: explore}\n"),
        "{f}:7:39: rules[0].when.leadership.cx_owner.at_least: 'fulltime' is not a value of "
        "'leadership.cx_owner' (did you mean 'full_time'?); choose from: none, part_time, full_time, department",
    ),
    "operator_for_type": (
        rule("bool-order", "    when:\n      brand.brand_book: {at_least: true}\n    then: {gate: explore}\n"),
        "{f}:7:26: rules[0].when.brand.brand_book.at_least: operator 'at_least' does not apply to "
        "'brand.brand_book', which is a bool fact",
    ),
    "unknown_operator": (
        rule("bad-op", "    when:\n      company.employees: {greater: 5}\n    then: {gate: explore}\n"),
        "{f}:7:27: rules[0].when.company.employees.greater: unknown operator 'greater'",
    ),
    "lacks_beside_has": (  # issue 26: the separate condition the hint asks for now holds as written
        rule("lacks-in-has", "    when:\n      systems.present: {has: crm, lacks: ivr}\n    then: {gate: explore}\n"),
        "{f}:7:35: rules[0].when.systems.present.lacks: 'lacks' must stand alone in its mapping: write it as a "
        "condition of its own in a list, e.g. [{{systems.present: {{has: ...}}}}, {{systems.present: {{lacks: ...}}}}]",
    ),
    "absent_with_tests": (  # "absent and above 3" never holds: the author means "not above 3" or "absent"
        rule(
            "absent-above",
            "    when:\n      company.employees: {present: false, above: 3}\n    then: {gate: explore}\n",
        ),
        "{f}:7:27: rules[0].when.company.employees.present: 'present: false' must stand alone: to say that no "
        "value of 'company.employees' passes the other tests, write them under 'not:' "
        "(not: {{company.employees: {{...}}}})",
    ),
    "missing_russian": (
        rule("no-ru", "    when: always\n    then: {gate: explore}\n").replace(", ru: Заголовок", ""),
        "{f}:3:5: rules[0].title.ru: required field is missing",
    ),
    "input_as_conclusion": (
        rule("change-input", "    when: always\n    then: {derive: {brand.values: documented}}\n"),
        "{f}:7:21: rules[0].then.derive.brand.values: 'brand.values' is an input fact; rules may not change inputs",
    ),
    "unknown_recommendation": (
        rule("no-such-rec", "    when: always\n    then: {recommend: zzz-nothing-like-it}\n"),
        "{f}:7:23: rules[0].then.recommend: 'zzz-nothing-like-it' is not a valid value of 'recommendation'",
    ),
    "cycle_through_not": (
        "facts:\n  flag_a: {type: bool, description: {en: A, ru: А}}\n"
        "  flag_b: {type: bool, description: {en: B, ru: Б}}\n"
        + rule("a-unless-b", "    when: {not: {flag_b: true}}\n    then: {derive: {flag_a: true}}\n")
        + rule("b-unless-a", "    when: {not: {flag_a: true}}\n    then: {derive: {flag_b: true}}\n").replace(
            "rules:\n", ""
        ),
        "{f}:9:11: rules[0].when: this rule depends on the absence of a fact that it helps to produce "
        "(a cycle through 'not')",
    ),
    # used to run without end, memory growing (issue 15, item 4)
    "self_triggering_counter": (
        "facts:\n  counter: {type: int, description: {en: A counter., ru: Счётчик.}}\n"
        + rule("counter-start", "    when: always\n    then: {derive: {counter: 1}}\n")
        + rule(
            "counter-up",
            "    when: {counter: {at_least: 1}}\n    then: {derive: {counter: {copy: counter, plus: 1}}}\n",
        ).replace("rules:\n", ""),
        "{f}:15:30: rules[1].then.derive.counter: this rule computes 'counter' from itself (circle: counter -> "
        "counter; rules: counter-up), so the engine would never stop; compute it from other facts",
    ),
    "two_counters_feeding_each_other": (
        "facts:\n  count_a: {type: int, description: {en: A., ru: А.}}\n"
        "  count_b: {type: int, description: {en: B., ru: Б.}}\n"
        + rule("a-seed", "    when: always\n    then: {derive: {count_a: 1}}\n")
        + rule(
            "b-from-a", "    when: {count_a: {at_least: 1}}\n    then: {derive: {count_b: {copy: count_a, plus: 1}}}\n"
        ).replace("rules:\n", "")
        + rule(
            "a-from-b", "    when: {count_b: {at_least: 1}}\n    then: {derive: {count_a: {copy: count_b}}}\n"
        ).replace("rules:\n", ""),
        "{f}:16:30: rules[1].then.derive.count_b: this rule computes 'count_b' from itself (circle: count_a -> "
        "count_b -> count_a; rules: a-from-b, b-from-a), so the engine would never stop; compute it from other facts",
    ),
    "malformed": ("rules:\n  - id: [x\n", "{f}:3:1: (root): malformed YAML: did not find expected ',' or ']'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_rule_file(case: str, tmp_path: Path, runner) -> None:
    text, expected = CASES[case]
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(example("article-1-wellness-resort")), "--rules", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == expected.format(f=path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        CASES["unknown_fact"][0]
        + CASES["operator_for_type"][0].replace("rules:\n", "")
        + CASES["missing_russian"][0].replace("rules:\n", "")
    )
    (tmp_path / "extra.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        Engine([tmp_path])
    assert len(err.value.problems) == 3
    assert [p.line for p in err.value.problems] == [7, 14, 17]


def test_bad_rule_file_as_subprocess(tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text(CASES["unknown_fact"][0], encoding="utf-8")
    proc = run_cxm("assess", str(example("article-1-wellness-resort")), "--rules", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"{tmp_path / 'extra.yaml'}:7:7: rules[0].when.customers.feedback_colection")


def test_extra_rule_overrides_builtin_with_warning(tmp_path: Path) -> None:
    text = rule(
        "gate-mobilize",
        "    when: {leadership.executive_sponsor: {at_least: declared}, "
        "leadership.cx_owner: {at_least: part_time}}\n    then: {gate: mobilize}\n",
    )
    (tmp_path / "override.yaml").write_text(text, encoding="utf-8")
    eng = Engine([tmp_path])
    assert [str(w) for w in eng.kb.warnings] == [
        f"{tmp_path / 'override.yaml'}:2:9: rules[0].id: rule 'gate-mobilize' overrides the one in "
        "rules/stage/gates.yaml"
    ]
    assert eng.kb.rule("gate-mobilize").file == str(tmp_path / "override.yaml")
