"""`cxm rules lint`: every check trips on a rule file made for it, with its exact message and place."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.engine.authoring.lint import CHECKS, lint
from tests.conftest import run_cxm

HEAD = """\
  - id: {id}
    title: {{en: Title, ru: Заголовок}}
    because: {{en: Because., ru: Потому что.}}
    source: "Test"
"""

FLAGS = """\
facts:
  flag_a: {type: bool, description: {en: A, ru: А}}
  flag_b: {type: bool, description: {en: B, ru: Б}}
"""

DECISION = """\
recommendations:
  - id: {id}
    kind: decision
    competency: brand
    effort: low
    cost: low
    title: {{en: A decision, ru: {ru}}}
    text: {{en: Do it., ru: Сделать.}}
    source: "Test"
"""


def rules(*items: tuple[str, str]) -> str:
    """A ``rules:`` section with the given (id, when/then body) rules."""
    return "rules:\n" + "".join(HEAD.format(id=rule_id) + body for rule_id, body in items)


MARK = "facts:\n  mark: {type: bool, description: {en: Marked, ru: Отмечено}}\n"

SEEDS = rules(
    ("seed-a", "    when: {brand.brand_book: true}\n    then: {derive: {flag_a: true}}\n"),
    ("seed-b", "    when: {brand.brand_book: false}\n    then: {derive: {flag_b: true}}\n"),
)

# name: (file text, expected findings with {f} for the file's path)
CASES: dict[str, tuple[str, list[str]]] = {
    "CXL001_schema": (
        rules(("typo-key", "    when: always\n    then: {gate: explore}\n    priorty: 3\n")),
        ["{f}:8:5: CXL001 rules[0].priorty: unknown key 'priorty' (did you mean 'priority'?)"],
    ),
    "CXL002_unknown_fact": (
        rules(
            ("typo-fact", "    when: {customers.feedback_colection: {at_least: regular}}\n    then: {gate: explore}\n")
        ),
        [
            "{f}:6:12: CXL002 rules[0].when.customers.feedback_colection: unknown fact 'customers.feedback_colection' "
            "(did you mean 'customers.feedback_collection'?)"
        ],
    ),
    "CXL003_unknown_value": (
        rules(("typo-value", "    when: {leadership.cx_owner: fulltime}\n    then: {gate: explore}\n")),
        [
            "{f}:6:33: CXL003 rules[0].when.leadership.cx_owner.is: 'fulltime' is not a value of 'leadership.cx_owner' "
            "(did you mean 'full_time'?); choose from: none, part_time, full_time, department"
        ],
    ),
    "CXL004_duplicate_id": (
        rules(
            ("twice", "    when: always\n    then: {gate: explore}\n"),
            ("twice", "    when: always\n    then: {gate: explore}\n"),
        ),
        ["{f}:8:9: CXL004 rules[1].id: duplicate rule id 'twice'"],
    ),
    "CXL005_missing_text": (
        rules(("no-ru", "    when: always\n    then: {gate: explore}\n")).replace(", ru: Потому что.", ""),
        ["{f}:4:5: CXL005 rules[0].because.ru: required field is missing"],
    ),
    "CXL006_negation_cycle": (
        FLAGS
        + rules(
            ("a-unless-b", "    when: {not: {flag_b: true}}\n    then: {derive: {flag_a: true}}\n"),
            ("b-unless-a", "    when: {not: {flag_a: true}}\n    then: {derive: {flag_b: true}}\n"),
        ),
        [
            "{f}:9:11: CXL006 rules[0].when: this rule depends on the absence of a fact that it helps to produce "
            "(a cycle through 'not')",
            "{f}:15:11: CXL006 rules[1].when: this rule depends on the absence of a fact that it helps to produce "
            "(a cycle through 'not')",
        ],
    ),
    "CXL007_override": (
        rules(
            (
                "gate-mobilize",
                "    when: {leadership.executive_sponsor: {at_least: declared}, "
                "leadership.cx_owner: {at_least: part_time}}\n"
                "    then: {gate: mobilize}\n",
            )
        ),
        ["{f}:2:9: CXL007 rules[0].id: rule 'gate-mobilize' overrides the one in rules/stage/gates.yaml"],
    ),
    "CXL008_inexpressible": (
        MARK
        + rules(
            (
                "self-compare",
                "    when: {company.employees: {above: {fact: company.employees}}}\n    then: {derive: {mark: true}}\n",
            )
        ),
        ["{f}:8:31: CXL008 rules[0].when.company.employees: 'company.employees' is compared with itself"],
    ),
    # the twelve built-in examples (two per stage) all have other names; the first in file order is named
    "CXL009_not_always": (
        MARK
        + rules(
            ("never-always", "    always: true\n    when: {company.name: Nobody}\n    then: {derive: {mark: true}}\n")
        ),
        [
            "{f}:8:13: CXL009 rule 'never-always' is declared always: true but does not fire for 12 of 12 built-in "
            "examples (first: align-contract-logistics)"
        ],
    ),
    "CXL101_contradiction": (
        MARK
        + rules(
            (
                "two-values",
                "    when:\n      stage: explore\n      all: [{stage: mobilize}]\n    then: {derive: {mark: true}}\n",
            ),
            (
                "empty-range",
                "    when:\n      company.employees: {at_least: 5}\n"
                "      all: [{company.employees: {below: 3}}]\n    then: {derive: {mark: true}}\n",
            ),
            (
                "present-and-absent",
                "    when:\n      stage: {present: true}\n      not: {stage: {present: true}}\n"
                "    then: {derive: {mark: true}}\n",
            ),
            (
                "test-and-negation",
                "    when:\n      metrics.in_use: {has: nps}\n"
                "      not: {metrics.in_use: {has: nps}}\n"
                "    then: {derive: {mark: true}}\n",
            ),
            (
                "one-dead-alternative",
                "    when:\n      any:\n        - brand.brand_book: true\n"
                "        - {company.employees: {above: 10},\n"
                "           all: [{company.employees: {below: 5}}]}\n"
                "    then: {derive: {mark: true}}\n",
            ),
        ),
        [
            "{f}:10:21: CXL101 rule 'two-values' can never fire: these tests on 'stage' cannot all hold: "
            "'stage is explore'; 'stage is mobilize'",
            "{f}:18:33: CXL101 rule 'empty-range' can never fire: these tests on 'company.employees' cannot all hold: "
            "'company.employees is at least 5'; 'company.employees is below 3'",
            "{f}:26:20: CXL101 rule 'present-and-absent' can never fire: these tests on 'stage' cannot all hold: "
            "'stage is present'; 'stage is absent'",
            "{f}:34:29: CXL101 rule 'test-and-negation' can never fire: these tests on 'metrics.in_use' cannot all hold: "
            "'metrics.in_use has nps'; 'metrics.in_use lacks nps'",
            "{f}:44:38: CXL101 alternative 2 of rule 'one-dead-alternative' can never hold: these tests on "
            "'company.employees' cannot all hold: 'company.employees is above 10'; 'company.employees is below 5'",
        ],
    ),
    "CXL102_never_fires": (
        DECISION.format(id="never-made", ru="Решение")
        + DECISION.format(id="child", ru="Решение").replace("recommendations:\n", "")
        + rules(("needs-parent", "    when: {recommendation: never-made}\n    then: {recommend: child}\n")),
        [
            "{f}:2:9: CXL501 recommendation 'never-made' is in the catalogue but no rule can recommend it",
            "{f}:10:9: CXL501 recommendation 'child' is in the catalogue but no rule can recommend it",
            "{f}:23:28: CXL102 rule 'needs-parent' can never fire: it needs 'recommendation is never-made', which no "
            "rule can conclude",
        ],
    ),
    "CXL103_CXL104_unconcluded_fact": (
        FLAGS + rules(("absent-flag", "    when: {not: {flag_a: true}}\n    then: {gate: explore}\n")),
        [
            "{f}:2:3: CXL103 fact 'flag_a' is declared but no rule concludes it",
            "{f}:3:3: CXL103 fact 'flag_b' is declared but no rule concludes it",
            "{f}:9:26: CXL104 rule 'absent-flag' tests 'not (flag_a is true)', which always holds: no rule concludes "
            "that",
        ],
    ),
    "CXL201_shadowed": (
        rules(
            ("broad", "    when: {company.employees: {at_least: 5}}\n    then: {gate: mobilize}\n"),
            (
                "narrow",
                "    when: {company.employees: {at_least: 10}, brand.brand_book: true}\n    then: {gate: mobilize}\n",
            ),
        ),
        [
            "{f}:8:9: CXL201 rule 'narrow' is shadowed by 'broad' ({f}:2:5): whenever it fires, that rule fires too "
            "and concludes the same"
        ],
    ),
    "CXL202_conflict": (
        rules(
            (
                "size-by-branches",
                "    when: {company.employees: {at_least: 300}}\n    then: {derive: {size_class: medium}}\n",
            )
        ),
        [
            "{f}:2:9: CXL202 rule 'size-by-branches' concludes size_class = medium but 'size-large' "
            "(rules/derive/company.yaml:75:5) concludes size_class = large, and one condition includes the other"
        ],
    ),
    "CXL502_recommends_what_holds": (
        rules(
            (
                "brand-book-already-there",
                "    when: {brand.brand_book: true, brand.service_standards: {at_least: local}}\n"
                "    then: {recommend: brand-book-and-service-standards}\n",
            )
        ),
        [
            "{f}:2:9: CXL502 rule 'brand-book-already-there' recommends 'brand-book-and-service-standards' only when "
            "its effects already hold: brand.brand_book = true; brand.service_standards >= local",
            "{f}:2:9: CXL503 rule 'brand-book-already-there' can recommend 'brand-book-and-service-standards' where "
            "its effect already holds: brand.brand_book = true; brand.service_standards >= local",
        ],
    ),
    # the first rule guards one effect of two; the second reads up the chain: its parent is made (by the first rule
    # too) where the standards may already be written, and nothing in the chain says the promise is unchecked
    "CXL503_own_effect_may_hold": (
        rules(
            (
                "book-missing",
                "    when: {brand.brand_book: false, company.exports: true}\n"
                "    then: {recommend: brand-book-and-service-standards}\n",
            ),
            (
                "shopper-for-the-book",
                "    when: {recommendation: brand-book-and-service-standards, company.exports: true}\n"
                "    then: {recommend: mystery-shopper-check}\n",
            ),
        ),
        [
            "{f}:2:9: CXL503 rule 'book-missing' can recommend 'brand-book-and-service-standards' where its effect "
            "already holds: brand.service_standards >= local",
            "{f}:8:9: CXL503 rule 'shopper-for-the-book' can recommend 'mystery-shopper-check' where its effect "
            "already holds: customers.mystery_shopping >= external; brand.promise_monitored = true",
        ],
    ),
    # the footprint needs a CRM and LTV per segment needs segments (cxm.facts.consistency.REQUIRES): the action for
    # a company that has a CRM, made where it may have none; the LTV tool, made where segments may be missing
    "CXL504_effect_breaks_consistency": (
        rules(
            (
                "footprint-anywhere",
                "    when: {systems.digital_footprint_in_crm: false, company.exports: true}\n"
                "    then: {recommend: existing-crm-footprint-setup}\n",
            ),
            (
                "value-anywhere",
                "    when: {customers.ltv_by_segment: false, company.exports: true}\n"
                "    then: {recommend: cx-value-link-ltv}\n",
            ),
        ),
        [
            "{f}:2:9: CXL504 rule 'footprint-anywhere' can recommend 'existing-crm-footprint-setup', whose effects set "
            "systems.digital_footprint_in_crm, where systems.present has crm may not hold (footprint-without-crm): "
            "add the need to the effects or test it",
            "{f}:8:9: CXL504 rule 'value-anywhere' can recommend 'cx-value-link-ltv', whose effects set "
            "customers.ltv_by_segment, where customers.segmentation = true may not hold (ltv-without-segments): "
            "add the need to the effects or test it",
        ],
    ),
    "CXL301_computed_cycle": (
        "facts:\n  counter: {type: int, description: {en: A counter., ru: Счётчик.}}\nrules:\n"
        + HEAD.format(id="counter-up")
        + "    when: {counter: {at_least: 1}}\n"
        "    then: {derive: {counter: {copy: counter, plus: 1}}}\n",
        [
            "{f}:9:30: CXL301 rules[0].then.derive.counter: this rule computes 'counter' from itself (circle: counter "
            "-> counter; rules: counter-up), so the engine would never stop; compute it from other facts"
        ],
    ),
    "CXL301_cycle": (
        FLAGS
        + SEEDS.replace(
            "rules:\n",
            "rules:\n"
            + HEAD.format(id="a-from-b")
            + "    when: {flag_b: true}\n    then: {derive: {flag_a: true}}\n"
            + HEAD.format(id="b-from-a")
            + "    when: {flag_a: true}\n"
            "    then: {derive: {flag_b: true}}\n",
        ),
        [
            "{f}:5:9: CXL301 derived facts support each other in a circle: flag_a=true -> flag_b=true -> flag_a=true "
            "(rules: a-from-b, b-from-a)"
        ],
    ),
    "CXL401_text": (
        MARK
        + DECISION.format(id="untranslated", ru="A decision")
        + rules(
            ("makes-it", "    when: always\n    then: {recommend: untranslated}\n"),
            ("leftover-<c>", "    for_each: [{c: one}]\n    when: always\n    then: {derive: {mark: true}}\n"),
        ).replace(
            'because: {en: Because., ru: Потому что.}\n    source: "Test"\n    for_each',
            'because: {en: Because <x>., ru: Потому что.}\n    source: "Test"\n    for_each',
        ),
        [
            "{f}:9:33: CXL401 recommendation 'untranslated' title: the Russian text has no Cyrillic letters",
            "{f}:21:19: CXL401 rule 'leftover-one' because: <x> is left in the text; add it to every for_each item",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_check_trips(name: str, tmp_path: Path, runner) -> None:
    text, expected = CASES[name]
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["rules", "lint", "--rules", str(tmp_path)])
    lines = result.stdout.splitlines()
    assert lines[:-1] == [e.format(f=path) for e in expected] or lines[:-2] == [e.format(f=path) for e in expected]
    errors = sum(CHECKS[line.split(" ")[1]].severity == "error" for line in lines if " CXL" in line)
    assert result.exit_code == (1 if errors else 0), result.output


def test_every_check_has_a_case_and_documentation() -> None:
    tripped = {line.split(" ")[1] for _, expected in CASES.values() for line in expected}
    assert tripped == set(CHECKS)
    for check in CHECKS.values():
        assert check.severity in ("error", "warning")
        for part in (check.what, check.why, check.fix):
            assert part.en and part.ru
    readme = (Path(__file__).parent.parent / "rules" / "README.md").read_text(encoding="utf-8")
    for code in CHECKS:
        assert f"`{code}`" in readme, f"document {code} in rules/README.md"


def test_builtin_rules_lint_clean_with_strict(runner) -> None:
    result = runner.invoke(cli, ["rules", "lint", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("All checks passed (")


def test_summary_and_exit_codes(tmp_path: Path, runner) -> None:
    (tmp_path / "extra.yaml").write_text(CASES["CXL201_shadowed"][0], encoding="utf-8")
    result = runner.invoke(cli, ["rules", "lint", "--rules", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("Found 0 error(s) and 1 warning(s) (")
    strict = runner.invoke(cli, ["rules", "lint", "--rules", str(tmp_path), "--strict"])
    assert strict.exit_code == 1


def test_schema_errors_stop_the_semantic_checks(tmp_path: Path, runner) -> None:
    (tmp_path / "extra.yaml").write_text(CASES["CXL002_unknown_fact"][0], encoding="utf-8")
    result = runner.invoke(cli, ["rules", "lint", "--rules", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "Semantic checks run once the schema errors above are fixed."


def test_explain(runner) -> None:
    result = runner.invoke(cli, ["rules", "lint", "--explain", "cxl201"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "CXL201 (shadowed, severity: warning)"
    assert result.stdout.splitlines()[1].startswith("What it finds: A rule is shadowed")
    ru = runner.invoke(cli, ["rules", "lint", "--explain", "CXL201", "--lang", "ru"])
    assert ru.stdout.splitlines()[1].startswith("Что находит: Правило перекрыто")
    bad = runner.invoke(cli, ["rules", "lint", "--explain", "CXL2O1"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: unknown check 'CXL2O1' (did you mean 'CXL201'?)")


def test_lint_api_reports_sorted_findings(tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text(CASES["CXL101_contradiction"][0], encoding="utf-8")
    report = lint([tmp_path])
    assert report.findings == sorted(report.findings)
    assert [f.code for f in report.findings] == ["CXL101"] * 5
    assert report.exit_code() == 1


def test_lint_as_a_subprocess(tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text(CASES["CXL301_cycle"][0], encoding="utf-8")
    proc = run_cxm("rules", "lint", "--rules", str(tmp_path))
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == CASES["CXL301_cycle"][1][0].format(f=tmp_path / "extra.yaml")
    clean = run_cxm("rules", "lint", "--strict")
    assert clean.returncode == 0, clean.stdout + clean.stderr
