"""A bad facts file gets one located line per problem and exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.facts.load import load_facts, load_facts_text
from cxm.facts.source import SourceError
from tests.conftest import run_cxm

GOOD = """\
company:
  name: Acme
  industry: [retail]
  markets: {b2c: 100}
  employees: 50
  geography: local
  country: RU
"""

CASES = {
    "wrong_type": (
        GOOD.replace("employees: 50", "employees: about 50"),
        ["{f}:5:14: company.employees: expected a whole number, got 'about 50'"],
    ),
    "bool_as_text": (
        GOOD + "brand:\n  brand_book: yes\n",
        ["{f}:9:15: brand.brand_book: expected true or false, got 'yes'"],
    ),
    "unknown_key": (
        GOOD + "leadership:\n  cx_ownr: none\n",
        ["{f}:9:3: leadership.cx_ownr: unknown key 'cx_ownr' (did you mean 'cx_owner'?)"],
    ),
    "unknown_enum": (
        GOOD.replace("[retail]", "[retial]"),
        [
            "{f}:3:14: company.industry[0]: 'retial' is not one of: hospitality, healthcare, finance, "
            "manufacturing, retail, telecom, it, logistics, education, public, other (did you mean 'retail'?)"
        ],
    ),
    "duplicate_key": (
        GOOD.replace("  employees: 50\n", "  employees: 50\n  employees: 60\n"),
        ["{f}:6:3: company.employees: duplicate key (first given at line 5)"],
    ),
    "malformed": (
        "company:\n  name: [Acme\n  industry: retail\n",
        ["{f}:3:11: (root): malformed YAML: did not find expected ',' or ']'"],
    ),
    "empty": ("", ["{f}:1:1: (root): the file is empty"]),
    "comment_only": ("# nothing here\n", ["{f}:1:1: (root): the file is empty"]),
    "not_a_mapping": ("- a\n- b\n", ["{f}:1:1: (root): expected a mapping of sections (company, ...)"]),
    "several_problems": (
        GOOD.replace("[retail]", "[retial]").replace("employees: 50", "employees: -3") + "extra: 1\n",
        [
            "{f}:3:14: company.industry[0]: 'retial' is not one of: hospitality, healthcare, finance, "
            "manufacturing, retail, telecom, it, logistics, education, public, other (did you mean 'retail'?)",
            "{f}:5:14: company.employees: input should be greater than or equal to 1",
            "{f}:8:1: extra: unknown key 'extra'",
        ],
    ),
    "missing_field": (
        GOOD.replace("  industry: [retail]\n", ""),
        ["{f}:1:1: company.industry: required field is missing"],
    ),
    "python_tag": (
        "company: !!python/object/apply:os.system ['echo hacked']\n",
        [
            "{f}:1:10: company: tag '!!python/object/apply:os.system' is not allowed in a data file "
            "(nothing in it is ever run)"
        ],
    ),
    "shares": (
        GOOD.replace("{b2c: 100}", "{b2c: 60, b2b: 20}"),
        ["{f}:4:12: company.markets: b2b and b2c shares must add up to 100, they add up to 80"],
    ),
    "integrated_not_present": (
        GOOD + "systems:\n  present: [crm]\n  integrated: [crm, ivr]\n",
        ["{f}:9:3: systems: integrated lists systems that are not present: ivr"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_facts_file_via_cli(case: str, tmp_path: Path, runner) -> None:
    text, expected = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line.format(f=path) for line in expected]
    assert "Traceback" not in result.output


def test_bad_facts_file_as_subprocess(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(CASES["unknown_enum"][0], encoding="utf-8")
    proc = run_cxm("assess", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == CASES["unknown_enum"][1][0].format(f=path) + "\n"


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"company:\n  name: Caf\xe9\n")
    with pytest.raises(SourceError) as err:
        load_facts(path)
    assert str(err.value) == f"{path}:2:12: (root): the file is not valid UTF-8"


def test_missing_file(tmp_path: Path, runner) -> None:
    path = tmp_path / "nope.yaml"
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:1:1: (root): cannot read the file: No such file or directory\n"


def test_no_implicit_dates_and_no_norway_problem() -> None:
    # A date-like value stays text (and is then rejected where a number is due); NO stays "NO".
    with pytest.raises(SourceError) as err:
        load_facts_text(GOOD.replace("employees: 50", "employees: 2020-01-01"), "f.yaml")
    assert str(err.value) == "f.yaml:5:14: company.employees: expected a whole number, got '2020-01-01'"
    loaded = load_facts_text(GOOD.replace("country: RU", "country: NO"), "f.yaml")
    assert loaded.facts.company.country == "NO"


def test_alias_bomb_is_rejected() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for name, prev in zip("bcdefgh", "abcdefg", strict=True):
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(SourceError) as err:
        load_facts_text(bomb, "bomb.yaml")
    assert "more than 100000 values (an alias bomb?)" in str(err.value)


def test_json_facts_are_accepted(engine) -> None:
    text = (
        '{"company": {"name": "Acme", "industry": ["retail"], "markets": {"b2c": 100}, '
        '"employees": 50, "geography": "local", "country": "RU"}}'
    )
    loaded = load_facts_text(text, "acme.json")
    assert engine.assess(loaded).stage.id == "ignore"
