"""Lenient where the meaning is unambiguous (country names and lower case, a single industry), clear where not."""

from __future__ import annotations

import pytest

from cxm.facts.load import load_facts_text
from cxm.facts.source import SourceError

HEAD = (
    "company: {name: X, industry: INDUSTRY, markets: {b2b: 0, b2c: 100}, employees: 5, geography: local, "
    "country: COUNTRY}\n"
)


def load(industry: str = "[retail]", country: str = "RU", rest: str = "") -> dict:
    return load_facts_text(HEAD.replace("INDUSTRY", industry).replace("COUNTRY", country) + rest, "f.yaml").data


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("ru", "RU"),
        ("Ru", "RU"),
        ("Russia", "RU"),
        ("russian federation", "RU"),
        ("Россия", "RU"),
        ("'  de '", "DE"),
        ("Kazakhstan", "KZ"),
        ("RU", "RU"),
    ],
)
def test_a_country_name_or_lower_case_code_is_read_as_the_code(given: str, code: str) -> None:
    assert load(country=given)["company"]["country"] == code


@pytest.mark.parametrize("given", ["Narnia", "RUS", "R1"])
def test_anything_else_is_answered_with_an_example_code_not_a_regex(given: str) -> None:
    with pytest.raises(SourceError) as err:
        load(country=given)
    assert [str(p) for p in err.value.problems] == [
        f"f.yaml:1:110: company.country: expected a two-letter ISO 3166-1 code such as RU, DE or KZ, got {given!r}"
    ]


def test_a_single_industry_is_a_one_item_list() -> None:
    data = load(industry="retail", rest="customers: {feedback_collection: regular, feedback_channels: online}\n")
    assert [i.value for i in data["company"]["industry"]] == ["retail"]
    assert [c.value for c in data["customers"]["feedback_channels"]] == ["online"]


def test_values_in_the_wrong_case_are_told_to_be_lower_case() -> None:
    with pytest.raises(SourceError) as err:
        load(rest="systems: {present: [CRM, Contact_Center, foo]}\n")
    assert [str(p) for p in err.value.problems] == [
        "f.yaml:2:21: systems.present[0]: 'CRM' is not one of: crm, ivr, contact_centre, cloud_telephony, booking "
        "(values are written in lower case: did you mean 'crm'?)",
        "f.yaml:2:26: systems.present[1]: 'Contact_Center' is not one of: crm, ivr, contact_centre, cloud_telephony, "
        "booking (values are written in lower case: did you mean 'contact_centre'?)",
        "f.yaml:2:42: systems.present[2]: 'foo' is not one of: crm, ivr, contact_centre, cloud_telephony, booking",
    ]


def test_the_pydantic_models_and_the_compiled_validator_agree(engine) -> None:
    from cxm.engine.knowledge.cache import facts_validator

    text = HEAD.replace("INDUSTRY", "retail").replace("COUNTRY", "Russia")
    assert load_facts_text(text, "f.yaml", facts_validator()).data == load_facts_text(text, "f.yaml").data
