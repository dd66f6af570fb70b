"""Result objects: pydantic serialises, validates and describes them (they are dataclasses, not models)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from cxm.engine.results.result import Assessment, WhyNot, json_schema, to_data, validate
from cxm.facts.load import load_facts
from tests.conftest import EXAMPLES


def test_every_assessment_reads_back_from_its_json(engine) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = engine.assess(load_facts(path), trace=True)
        data = json.loads(json.dumps(to_data(result)))
        again = validate(Assessment, data)
        assert again == result, path.name
        assert to_data(again) == data, path.name


def test_validation_refuses_a_wrong_shape(engine) -> None:
    data = to_data(engine.assess(load_facts(EXAMPLES / "article-1-wellness-resort.yaml")))
    data["stage"]["number"] = "three"
    data["surprise"] = 1
    with pytest.raises(ValidationError) as info:
        validate(Assessment, data)
    assert sorted((e["type"], e["loc"]) for e in info.value.errors()) == [
        ("int_parsing", ("stage", "number")),
        ("unexpected_keyword_argument", ("surprise",)),
    ]


def test_the_json_schema_carries_the_field_descriptions() -> None:
    schema = json_schema(Assessment)
    stage = schema["$defs"]["Stage"]
    assert stage["properties"]["number"]["description"] == "1 to 6."
    assert schema["properties"]["knowledge_base"]["description"] == "Fingerprint of the rule files used."
    assert stage["description"] == "The company's stage."
    assert json_schema(WhyNot)["properties"]["suggestion"]["description"] == (
        "Null when no change set was found within the search limits."
    )
