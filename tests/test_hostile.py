"""Hostile rule files: each is rejected with a located message, and nothing in any of them runs.

Every file of ``tests/hostile/`` is loaded as an extra rules folder after the built-in rules. Code in a
rule file would touch a canary file; none may. Strings that look like code (dunders, format fields)
are data: rejected where a name is expected, printed verbatim where text is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.cli.render import to_json
from cxm.engine.services.api import Engine
from cxm.facts.load import load_facts_text
from cxm.facts.source import SourceError
from tests.conftest import example

HOSTILE = Path(__file__).parent / "hostile"
CANARY = Path("/tmp/cxm-hostile-canary")  # the files' would-be commands touch this

EXPECTED = {
    "alias-bomb": "{f}:1:7: (root): more than 100000 values (an alias bomb?)",
    "attribute-chain": "{f}:6:12: rules[0].when.company.name.__class__.__base__.__subclasses__: unknown fact "
    "'company.name.__class__.__base__.__subclasses__'",
    "call-expression": "{f}:6:11: rules[0].when: expected a mapping of facts to tests, a list, 'all', 'any' or 'not'",
    "deep-nesting": "{f}:6:89: rules[0].when.not.not.not.not.not.not.not.not.not.not.not.not.not: condition nested "
    "deeper than 12 levels",
    "deep-yaml": "{f}:3:73: (root): nested deeper than 64 levels",
    "dunder-conclusion": "{f}:7:21: rules[0].then.derive.__import__: '__import__' is not declared",
    "dunder-fact": "{f}:6:12: rules[0].when.__class__.__mro__: unknown fact '__class__.__mro__'",
    "durable-operator": "{f}:6:32: rules[0].when.company.employees.$gt: unknown operator '$gt'",
    "for-each-injection": "{f}:2:9: rules[0].id: rule id \"rule-__import__('os')\" is not kebab-case (check the "
    "for_each variables)",
    "format-string-id": "{f}:2:9: rules[0].id: '{{0.__class__.__init__.__globals__}}' does not match the pattern "
    "^[a-z<][a-z0-9<>_]*(-[a-z0-9<>_]+)*$",
    "huge-text": "{f}:3:17: rules[0].title.en: string should have at most 2000 characters",
    "local-tag": "{f}:6:11: rules[0].when: tag '!exec' is not allowed in a data file (nothing in it is ever run)",
    "long-expression": "{f}:208:30: rules[0].when.any[200].company.employees: more than 200 tests in one rule",
    "merge-key": "{f}:7:12: rules[0].when: YAML merge keys ('<<') are not supported; write the keys out",
    "python-name-tag": "{f}:6:42: rules[0].when.company.employees.at_least: tag '!!python/name:os.system' is not "
    "allowed in a data file (nothing in it is ever run)",
    "python-tag": "{f}:6:11: rules[0].when: tag '!!python/object/apply:os.system' is not allowed in a data file "
    "(nothing in it is ever run)",
    "sink-id": "{f}:2:9: rules[0].id: rule id 'cxm_sink' is not kebab-case",
}


def test_every_hostile_file_has_an_expectation() -> None:
    assert sorted(p.stem for p in HOSTILE.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 10


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_rule_file_is_rejected_and_nothing_runs(name: str, tmp_path: Path, runner, monkeypatch) -> None:
    CANARY.unlink(missing_ok=True)
    path = tmp_path / f"{name}.yaml"
    shutil.copy(HOSTILE / path.name, path)
    with pytest.raises(SourceError) as err:
        Engine([tmp_path])
    assert str(err.value.problems[0]) == EXPECTED[name].format(f=path)
    for problem in err.value.problems:
        assert problem.file == str(path) and problem.line >= 1 and problem.col >= 1 and problem.field
    result = runner.invoke(cli, ["assess", str(example("article-1-wellness-resort")), "--rules", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == EXPECTED[name].format(f=path)
    assert "Traceback" not in result.output
    assert not CANARY.exists(), "something in a rule file was executed"


HEAD = """\
  - id: {id}
    title: {{en: "Title {{0.__class__}} %s", ru: "Заголовок {{0.__class__}}"}}
    because: {{en: "Because {{__import__}}.", ru: Потому что.}}
    source: "{{0.__init__.__globals__}}"
"""


def test_ids_named_like_internal_aliases_break_nothing(engine, tmp_path: Path) -> None:
    # The compiler names patterns "p", "r0f0", "r0n0" and its catch-all rule "cxm_sink"; rule ids that
    # look alike are just names.
    text = "rules:\n" + "".join(
        HEAD.format(id=i) + body
        for i, body in [
            ("p", "    when: {company.employees: {at_least: 1}}\n    then: {gate: explore}\n"),
            ("f0", "    when: {leadership.cx_owner: {at_least: none}}\n    then: {gate: explore}\n"),
            (
                "r0f0",
                "    when: {level.brand: {at_least: {fact: level.customers, plus: -100}}}\n"
                "    then: {weakest: brand}\n",
            ),
            ("r0n0", "    when: {not: {company.employees: {above: 100000000}}}\n    then: {gate: explore}\n"),
        ]
    )
    (tmp_path / "aliases.yaml").write_text(text, encoding="utf-8")
    extended = Engine([tmp_path])
    loaded = load_facts_text((example("article-2-regional-lender")).read_text(encoding="utf-8"), "lender.yaml")
    result = extended.assess(loaded, trace=True)
    fired = {f.rule for f in extended.run(loaded).firings}
    assert {"p", "f0", "r0f0", "r0n0"} <= fired
    assert result.stage.id == engine.assess(loaded).stage.id == "mobilize"


def test_code_like_text_is_printed_verbatim(engine, runner, tmp_path: Path) -> None:
    name = "{0.__class__.__init__.__globals__} __import__('os').system('touch /tmp/cxm-hostile-canary') %s"
    text = (
        example("article-1-wellness-resort")
        .read_text(encoding="utf-8")
        .replace("name: ", f"name: {json.dumps(name)} #", 1)
    )
    path = tmp_path / "company.yaml"
    path.write_text(text, encoding="utf-8")
    CANARY.unlink(missing_ok=True)
    result = runner.invoke(cli, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["company"] == name
    assert to_json(engine.assess(load_facts_text(text, str(path)), path=True)) == result.stdout
    assert not CANARY.exists()


def test_an_any_of_many_alternatives_is_limited(tmp_path: Path) -> None:
    # a disjunction was not bounded (only a conjunction's expansion was): each alternative is a rule
    atoms = "".join(f"        - company.employees: {{is: {i}}}\n" for i in range(65))
    (tmp_path / "wide.yaml").write_text(
        "rules:\n" + HEAD.format(id="wide") + "    when:\n      any:\n" + atoms + "    then: {gate: explore}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as err:
        Engine([tmp_path])
    assert str(err.value) == (
        f"{tmp_path / 'wide.yaml'}:7:7: rules[0].when: the condition expands to more than 64 alternatives"
    )
