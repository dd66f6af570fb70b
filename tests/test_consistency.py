"""Facts that contradict each other: a located error where both cannot hold, else a located warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.facts.consistency import CHECKS
from tests.conftest import ROOT, run_cxm

HEAD = (
    "company: {name: X, industry: [retail], markets: {b2b: 0, b2c: 100}, employees: 5, geography: local, country: RU}\n"
)


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (
            "metrics: {in_use: [ces, nps, csi]}\n",
            "warning: {f}:2:30: metrics.in_use[2]: csi is measured from customers' answers, but "
            "customers.feedback_collection is none: is the feedback collected after all?",
        ),
        (
            "customers: {feedback_channels: [online]}\n",
            "warning: {f}:2:32: customers.feedback_channels: feedback arrives through these channels, but "
            "customers.feedback_collection is none: is it collected now and then (ad_hoc)?",
        ),
        (
            "metrics: {in_use: [enps]}\n",
            "warning: {f}:2:20: metrics.in_use[0]: enps is measured by asking employees, but employees.feedback is none: "
            "are they surveyed after all?",
        ),
        (
            "brand: {brand_book: true}\n",
            "warning: {f}:2:21: brand.brand_book: a brand book states the brand values, but brand.values is none: "
            "are they at least documented?",
        ),
        (
            "customers: {feedback_collection: regular, mystery_shopping: external}\n",
            "warning: {f}:2:61: customers.mystery_shopping: mystery shopping checks that the customer promise is kept, "
            "but brand.promise_monitored is false: is it monitored after all?",
        ),
    ],
)
def test_a_likely_slip_is_a_located_warning_and_the_assessment_goes_on(runner, tmp_path: Path, body, line) -> None:
    facts = tmp_path / "x.yaml"
    facts.write_text(HEAD + body, encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(facts)])
    assert result.exit_code == 0
    assert result.stdout.startswith("CX maturity assessment: X\n")
    warnings = result.stderr.splitlines()
    assert warnings[-1] == line.format(f=facts)
    assert len(warnings) == (3 if "ces, nps, csi" in body else 1)


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (
            "systems: {present: [crm], integrated: [crm, ivr]}\n",
            "{f}:2:10: systems: integrated lists systems that are not present: ivr",
        ),
        (
            "systems: {present: [ivr], digital_footprint_in_crm: true}\n",
            "{f}:2:53: systems.digital_footprint_in_crm: the footprint is kept in a CRM, but systems.present has no crm: "
            "add crm or set this to false",
        ),
        (
            "customers: {ltv_by_segment: true}\n",
            "{f}:2:29: customers.ltv_by_segment: LTV per segment needs segments, but customers.segmentation is false: "
            "set one of them right",
        ),
    ],
)
def test_facts_that_cannot_both_hold_are_a_located_error(runner, tmp_path: Path, body, line) -> None:
    facts = tmp_path / "x.yaml"
    facts.write_text(HEAD + body, encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(facts)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == line.format(f=facts) + "\n"


def test_the_warning_in_a_real_process(tmp_path: Path) -> None:
    facts = tmp_path / "x.yaml"
    facts.write_text(HEAD + "metrics: {in_use: [nps]}\n", encoding="utf-8")
    done = run_cxm("why", str(facts), "stage")
    assert done.returncode == 0
    assert done.stderr.startswith(f"warning: {facts}:2:20: metrics.in_use[0]: nps is measured")


def test_every_check_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("Facts that contradict each other are found too", 1)[1].split("```text", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(CHECKS) + 1  # and the integrated/present check of the schema
    assert [r.split(" | ")[1] for r in rows].count("error") == 1 + sum(c.severity == "error" for c in CHECKS)
