"""Tables in rule files: rows that rule families (``for_each: TABLE``) and enum facts (``values_from: TABLE.COLUMN``)
share, so that a personal-data law is one row of ``personal_data_laws`` plus its action."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cxm.engine.services.api import Engine
from cxm.facts.load import load_facts
from cxm.facts.source import SourceError
from cxm.rules import BUILTIN_DIR
from tests.conftest import example

COMPANY = BUILTIN_DIR / "derive" / "company.yaml"
LAWS = yaml.safe_load(COMPANY.read_text(encoding="utf-8"))["tables"]["personal_data_laws"]

# the laws the rule base named before they moved into one table (rule ids unchanged)
CODES = ["ru", "eu", "kz", "by", "us", "uk", "am", "uz", "ua", "ge"]


@pytest.fixture(scope="module")
def kb():
    return Engine().kb


def test_each_row_of_the_law_table_makes_its_rules_and_its_value(kb) -> None:
    assert [row["code"] for row in LAWS] == CODES
    assert kb.specs["personal_data_law"].values == tuple(row["law"] for row in LAWS)
    for row in LAWS:
        derive = kb.rule(f"{row['code']}-personal-data-law")
        assert (derive.title.en, derive.title.ru) == (row["title_en"], row["title_ru"])
        assert (derive.because.en, derive.because.ru, derive.source) == (
            row["because_en"],
            row["because_ru"],
            row["source"],
        )
        assert [(c.fact, c.value) for c in derive.conclusions] == [("personal_data_law", row["law"])]
        applies = kb.rule(f"{row['rec']}-applies")
        assert applies.title.en == f"The company is subject to {row['en']}"
        assert [(c.fact, c.value) for c in applies.conclusions] == [("recommendation", row["rec"])]
        assert row["rec"] in kb.catalogue


def test_a_country_in_a_list_row_is_one_of_them(kb) -> None:
    eu = kb.rule("eu-personal-data-law")
    (lit,) = eu.branches[0]
    assert lit.fact == "company.country" and lit.tests[0].op == "in"
    assert "NO" in lit.tests[0].operand and "DE" in lit.tests[0].operand and len(lit.tests[0].operand) == 30


def _company(tmp_path: Path, country: str) -> Path:
    data = yaml.safe_load(example("article-1-wellness-resort").read_text(encoding="utf-8"))
    data["company"]["country"] = country
    path = tmp_path / f"company-{country}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_new_country_is_one_row_plus_its_action(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(BUILTIN_DIR, rules, ignore=shutil.ignore_patterns("*.py", "__pycache__", "docs"))
    company = rules / "derive" / "company.yaml"
    company.write_text(
        company.read_text(encoding="utf-8")
        + """\
    - code: md
      country: MD
      law: md_133
      rec: personal-data-md
      en: "Moldova's Law No. 133"
      ru: "Закон Молдовы № 133"
      title_en: "Moldova's personal-data law applies"
      title_ru: "Действует закон Молдовы о защите персональных данных"
      because_en: "The company is based in Moldova, where Law No. 133 governs personal data."
      because_ru: "Компания работает в Молдове, где персональные данные регулирует Закон № 133."
      source: "Law of the Republic of Moldova No. 133 'On Personal Data Protection' (8 July 2011)"
""",
        encoding="utf-8",
    )
    compliance = rules / "recommend" / "compliance.yaml"
    compliance.write_text(
        compliance.read_text(encoding="utf-8").replace(
            "recommendations:\n",
            """\
recommendations:
  - id: personal-data-md
    kind: action
    serves: meet-personal-data-law
    competency: customers
    effort: medium
    cost: low
    horizon: months
    track: obligation
    effects:
      compliance.personal_data_law_met: true
    title:
      en: "Meet Moldova's Law No. 133 on personal data"
      ru: "Выполнить требования Закона Молдовы № 133 о персональных данных"
    text:
      en: "Collect customers' consent and register as a personal-data operator, as Law No. 133 requires."
      ru: "Получать согласие клиентов и зарегистрироваться как оператор персональных данных, как требует Закон № 133."
    source: "Law of the Republic of Moldova No. 133 'On Personal Data Protection' (8 July 2011)"
""",
            1,
        ),
        encoding="utf-8",
    )
    engine = Engine([rules], builtin=False)
    assert "md_133" in engine.kb.specs["personal_data_law"].values
    made = [r.id for r in engine.assess(load_facts(_company(tmp_path, "MD"))).recommendations]
    assert "personal-data-md" in made and "personal-data-local-law" not in made
    # a country the table does not name still gets the general action
    made = [r.id for r in engine.assess(load_facts(_company(tmp_path, "MN"))).recommendations]
    assert "personal-data-local-law" in made and not any(m.startswith("personal-data-md") for m in made)


HEAD = """\
  - id: <code>-thing
    for_each: {table}
    title: {{en: "Thing <code>", ru: "Штука <code>"}}
    because: {{en: Because., ru: Потому что.}}
    source: "Article, company 1"
    when: {{company.country: <country>}}
    then: {{derive: {{thing_of_country: <code>}}}}
"""


def _rules(tmp_path: Path, table: str, values_from: str) -> Path:
    (tmp_path / "extra.yaml").write_text(
        f"""\
facts:
  thing_of_country:
    type: enum
    values_from: {values_from}
    description: {{en: A thing, ru: Штука}}
tables:
  things:
    - {{code: a, country: [DE, FR]}}
    - {{code: b, country: KZ}}
rules:
"""
        + HEAD.format(table=table),
        encoding="utf-8",
    )
    return tmp_path / "extra.yaml"


def test_a_table_feeds_a_family_and_an_enum(tmp_path: Path) -> None:
    _rules(tmp_path, "things", "things.code")
    kb = Engine([tmp_path]).kb
    assert kb.specs["thing_of_country"].values == ("a", "b")
    assert [lit.tests[0].op for r in ("a-thing", "b-thing") for lit in kb.rule(r).branches[0]] == ["in", "is"]


def test_an_unknown_table_is_a_located_error(tmp_path: Path) -> None:
    path = _rules(tmp_path, "thing", "things.code")
    with pytest.raises(SourceError) as err:
        Engine([tmp_path])
    assert [str(p) for p in err.value.problems] == [
        f"{path}:12:15: rules[0].for_each: no table 'thing' (a table is declared in this file or in one read before "
        "it) (did you mean 'things'?)"
    ]


def test_an_unknown_column_is_a_located_error(tmp_path: Path) -> None:
    path = _rules(tmp_path, "things", "things.name")
    with pytest.raises(SourceError) as err:
        Engine([tmp_path])
    assert (
        str(err.value.problems[0]) == f"{path}:4:18: facts.thing_of_country.values_from: row 1 of table 'things' "
        "has no 'name'"
    )
