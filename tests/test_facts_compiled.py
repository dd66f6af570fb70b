"""The compiled facts validator (cxm.facts.compiled) gives what the pydantic models give, and `cxm assess`
uses it without importing pydantic's model machinery."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import SchemaValidator

from cxm.engine.knowledge.cache import facts_validator
from cxm.facts.compiled import SchemaCompileError, _Compiler, core_schema
from cxm.facts.load import validate
from cxm.facts.source import SourceError, parse_text, read_document
from cxm.facts.vocabulary import flatten, input_fields
from tests.conftest import EXAMPLES
from tests.test_properties_facts import PROPERTY, broken_facts, render, valid_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = EXAMPLES / "article-1-wellness-resort.yaml"
HEAVY = ("pydantic.main", "pydantic.fields", "jinja2", "cxm.engine.knowledge.loader")


def outcome(text: str, validator: SchemaValidator | None) -> tuple[str, Any]:
    """The validated data (with its key order) or the located problems, as printed."""
    try:
        loaded = validate(parse_text(text, "company.yaml"), validator)
    except SourceError as exc:
        return "rejected", [str(p) for p in exc.problems]
    return "valid", (loaded.data, list(flatten(loaded.data)))


def test_every_example_validates_to_the_same_data_in_the_same_order() -> None:
    fast = facts_validator()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        doc = read_document(path)
        slow, quick = validate(doc), validate(doc, fast)
        assert quick.data == slow.data, path.name
        assert list(flatten(quick.data)) == list(flatten(slow.data)), path.name
        assert quick.facts == slow.facts, path.name
        # the order of the vocabulary, with optional values that are absent left out
        assert list(flatten(quick.data)) == [p for p in input_fields() if p in flatten(quick.data)]


def test_the_schema_is_plain_data_that_pickles_without_the_models(tmp_path: Path) -> None:
    (tmp_path / "schema.pickle").write_bytes(pickle.dumps(core_schema()))
    probe = (
        "import pickle, sys\n"
        "from pydantic_core import SchemaValidator\n"
        "from cxm.facts.source import read_document\n"
        f"schema = pickle.loads(open({str(tmp_path / 'schema.pickle')!r}, 'rb').read())\n"
        f"data = SchemaValidator(schema).validate_python(read_document({str(EXAMPLE)!r}).data)\n"
        "print(data['company']['name'], sorted(m for m in ('pydantic.main', 'cxm.facts.schema') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout == "Regional wellness resort (article, company 1) []\n", proc.stderr


def test_a_model_validator_without_a_mapping_form_is_refused() -> None:
    from pydantic import BaseModel, model_validator

    class Odd(BaseModel):
        x: int

        @model_validator(mode="after")
        def _check(self) -> Odd:
            return self

    with pytest.raises(SchemaCompileError) as info:
        _Compiler().convert(Odd.__pydantic_core_schema__)
    assert str(info.value) == "the model validator of Odd has no mapping form in facts.checks"


BROKEN = """company:
  name: Test
  industry: [retail, retail]
  markets: {b2b: 10, b2c: 80}
  employees: many
  geography: galactic
  country: Narnia
  colour: red
brand: 3
systems:
  present: [crm]
  integrated: [crm, ivr]
extra_section: 1
"""


def test_a_known_set_of_mistakes_gets_the_same_messages() -> None:
    expected = [
        "company.yaml:3:13: company.industry: retail is listed twice",
        "company.yaml:4:12: company.markets: b2b and b2c shares must add up to 100, they add up to 90",
        "company.yaml:5:14: company.employees: expected a whole number, got 'many'",
        "company.yaml:6:14: company.geography: 'galactic' is not one of: local, regional, national, international",
        "company.yaml:7:12: company.country: expected a two-letter ISO 3166-1 code such as RU, DE or KZ, got 'Narnia'",
        "company.yaml:8:3: company.colour: unknown key 'colour' (did you mean 'country'?)",
        "company.yaml:9:8: brand: expected a mapping of keys to values, got 3",
        "company.yaml:11:3: systems: integrated lists systems that are not present: ivr",
        "company.yaml:13:1: extra_section: unknown key 'extra_section'",
    ]
    assert outcome(BROKEN, None) == ("rejected", expected)
    assert outcome(BROKEN, facts_validator()) == ("rejected", expected)


@pytest.mark.slow
@PROPERTY
@given(data=st.one_of(valid_facts(), broken_facts()), style=st.integers(0, 2))
def test_the_compiled_validator_agrees_with_the_models(data: dict, style: int) -> None:
    text = render(data, style)
    assert outcome(text, facts_validator()) == outcome(text, None)


def test_cxm_assess_does_not_build_pydantic_models(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from cxm.cli.main import main\n"
        f"sys.argv = ['cxm', 'assess', {str(EXAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "CXM_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the first run builds the caches (and imports whatever that takes)
        proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        assert "Stage 2 of 6: Explore" in proc.stdout
    assert "HEAVY []" in proc.stderr, proc.stderr
