"""What a facts file leaves out is listed under "Assumed" (text, JSON, report), by section, with the defaults used."""

from __future__ import annotations

import json
from pathlib import Path

from cxm.cli.main import cli
from tests.conftest import example, run_cxm

SHORT = """company:
  name: Corner bakery
  industry: [retail]
  markets: {b2b: 0, b2c: 100}
  employees: 6
  geography: local
  country: RU
leadership:
  executive_sponsor: declared
  cx_owner: part_time
customers:
  feedback_collection: ad_hoc
  feedback_channels: [offline]
"""


def test_json_lists_whole_sections_and_single_fields_left_out(runner, tmp_path: Path) -> None:
    facts = tmp_path / "bakery.yaml"
    facts.write_text(SHORT, encoding="utf-8")
    data = json.loads(runner.invoke(cli, ["assess", str(facts), "--format", "json"]).output)
    assert [(a["section"], a["whole"]) for a in data["assumed"]] == [
        ("company", False),
        ("leadership", False),
        ("brand", True),
        ("employees", True),
        ("customers", False),
        ("metrics", True),
        ("systems", True),
        ("compliance", True),
    ]
    assert data["assumed"][0]["fields"] == {
        "company.exports": False,
        "company.branches": 0,
        "company.resources.budget": "medium",
        "company.resources.it_capacity": "medium",
    }
    assert data["assumed"][2]["fields"] == {
        "brand.values": "none",
        "brand.brand_book": False,
        "brand.service_standards": "none",
        "brand.promise_monitored": False,
        "brand.purpose_in_onboarding": False,
    }
    assert "customers.response_time_hours" not in data["assumed"][4]["fields"]  # unknown is not assumed


def test_text_ends_with_the_assumed_section(runner, tmp_path: Path) -> None:
    facts = tmp_path / "bakery.yaml"
    facts.write_text(SHORT, encoding="utf-8")
    out = runner.invoke(cli, ["assess", str(facts)]).output
    tail = out[out.index("Assumed:") :].splitlines()
    assert tail[0] == "Assumed: left out of the facts file, so taken at their defaults (not in place)"
    # each field in the words of its description and its value's label (facts/schema.py, facts/enums.py)
    section = " ".join(line.strip() for line in tail[1:]).split(" Leadership: ")[0]
    assert section == (
        "Company: Whether the company sells abroad: no; Number of branches or sites besides the head "
        "office: 0; Money available for CX work: some room for planned investment; IT people and time "
        "available for CX systems: some room for planned investment."
    )
    ru = runner.invoke(cli, ["assess", str(facts), "--lang", "ru"]).output
    brand = " ".join(line.strip() for line in ru[ru.index("Бренд (весь раздел):") :].splitlines())
    assert brand.startswith(
        "Бренд (весь раздел): Насколько ценности бренда записаны и воплощены в работе: общих "
        "ценностей нет; Есть брендбук: нет; Стандарты обслуживания и их охват:"
    )


def test_a_complete_file_assumes_nothing(runner, tmp_path: Path) -> None:
    from cxm.facts.schema import Facts
    from cxm.facts.vocabulary import flatten, input_fields

    data = Facts.model_validate(
        json.loads(
            json.dumps(
                {
                    "company": {
                        "name": "Full",
                        "industry": ["it"],
                        "markets": {"b2b": 100, "b2c": 0},
                        "employees": 50,
                        "geography": "national",
                        "country": "DE",
                    }
                }
            )
        )
    ).model_dump(mode="json")
    # the two facts with no default: the response time, and the operating model (left out when not known)
    assert set(flatten(data)) | {"customers.response_time_hours", "company.operating_model"} >= set(input_fields()) - {
        p for p in input_fields() if p.startswith("self_assessment.")
    }
    facts = tmp_path / "full.json"
    facts.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(facts), "--format", "json"])
    assert json.loads(result.output)["assumed"] == []
    assert "Assumed" not in runner.invoke(cli, ["assess", str(facts)]).output


def test_the_report_lists_what_was_assumed(tmp_path: Path) -> None:
    out = tmp_path / "lender.html"
    done = run_cxm("report", str(example("article-2-regional-lender")), "-o", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert '<section id="assumed">' in html
    assert (
        "<li><strong>Customers</strong>: Employees are asked about the customer experience: no; Suppliers are "
        "asked for feedback: no; Leaders meet customers in person: no; Products or processes have been redesigned "
        "from customer insight: no; Mystery-shopper checks: not used; Every complaint is written down with "
        "what was done about it (a log, a sheet or the CRM): no; Customers who complain or give a low score "
        "are called back or answered personally: no; Online reviews (maps, marketplaces, review sites, social "
        "networks) get a public answer: no; Journey maps, metrics and listening methods were reviewed and "
        "renewed in the last year: no.</li>" in html
    )
