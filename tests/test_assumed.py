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
        ("company", False), ("leadership", False), ("brand", True), ("employees", True), ("customers", False),
        ("metrics", True), ("systems", True), ("compliance", True)]
    assert data["assumed"][0]["fields"] == {
        "company.exports": False, "company.branches": 0, "company.resources.budget": "medium",
        "company.resources.it_capacity": "medium"}
    assert data["assumed"][2]["fields"] == {
        "brand.values": "none", "brand.brand_book": False, "brand.service_standards": "none",
        "brand.promise_monitored": False, "brand.purpose_in_onboarding": False}
    assert "customers.response_time_hours" not in data["assumed"][4]["fields"]  # unknown is not assumed


def test_text_ends_with_the_assumed_section(runner, tmp_path: Path) -> None:
    facts = tmp_path / "bakery.yaml"
    facts.write_text(SHORT, encoding="utf-8")
    out = runner.invoke(cli, ["assess", str(facts)]).output
    tail = out[out.index("Assumed:"):].splitlines()
    assert tail[0] == "Assumed: left out of the facts file, so taken at their defaults (not in place)"
    assert tail[1] == "  company: exports=false, branches=0, resources.budget=medium, resources.it_capacity=medium"
    assert tail[2:5] == ["  leadership: governance=none, cx_metrics_in_reviews=never, customer_time_scheduled=false,",
                         "    reassessment_scheduled=false",
                         "  brand (the whole section): values=none, brand_book=false, service_standards=none,"]
    ru = runner.invoke(cli, ["assess", str(facts), "--lang", "ru"]).output
    assert "  brand (весь раздел): values=none, brand_book=false, service_standards=none," in ru.splitlines()


def test_a_complete_file_assumes_nothing(runner, tmp_path: Path) -> None:
    from cxm.facts.schema import Facts
    from cxm.facts.vocabulary import flatten, input_fields

    data = Facts.model_validate(json.loads(json.dumps({"company": {
        "name": "Full", "industry": ["it"], "markets": {"b2b": 100, "b2c": 0}, "employees": 50,
        "geography": "national", "country": "DE"}}))).model_dump(mode="json")
    # the two facts with no default: the response time, and the operating model (left out when not known)
    assert set(flatten(data)) | {"customers.response_time_hours", "company.operating_model"} >= set(input_fields()) - {
        p for p in input_fields() if p.startswith("self_assessment.")}
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
    assert '<li><strong>customers</strong>: <span class="fact">feedback_from_employees=false, ' \
           'feedback_from_suppliers=false, leaders_meet_customers=false, processes_redesigned_from_insight=false, ' \
           'mystery_shopping=none, complaints_logged=false, detractors_followed_up=false, reviews_answered=false, ' \
           'practices_renewed=false</span></li>' in html
