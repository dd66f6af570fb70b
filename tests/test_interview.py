"""`cxm interview`, driven with scripted answers: wrong answers are asked again; the file written assesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxm.cli.interview import questions
from cxm.cli.main import cli
from cxm.facts.load import load_facts
from cxm.facts.vocabulary import flatten
from tests.conftest import example

# company section, first pass: wrong answers are followed by right ones
COMPANY_FIRST = [
    "Northwind Clinics",  # name
    "bank",  # industry: not a choice
    "healthcare, 5",  # industry: a name and a number (retail)
    "150",  # markets.b2b: over 100
    "10",
    "80",  # markets.b2c: 10 + 80 != 100, caught when the section is checked
    "many",  # employees: not a number
    "120",
    "9",  # geography: no such choice
    "2",  # geography: regional
    "maybe",  # exports: not yes/no
    "no",
    "3",  # branches
    "Narnia",  # country: not a code nor a country's name
    "Russia",  # read as RU
    "",  # operating_model: not known, left out
    "",  # resources.budget: default medium
    "low",  # resources.it_capacity
]
# company section again (the shares did not add up): keep every answer, b2c now defaults to 100 - b2b
COMPANY_AGAIN = [""] * 12
REST = [
    "active",
    "full_time",
    "",
    "occasionally",
    "",
    "",  # leadership
    "documented",
    "yes",
    "local",
    "n",
    "",  # brand
    "periodic",
    "y",
    "annual",
    "",
    "",
    "",
    "",  # employees
    "regular",
    "online, phone",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "24",
    "",
    "",
    "",
    "",  # customers
    "nps, csat",
    "",
    "-",
    "",  # metrics
    "CRM, ivr",
    "website",
    "crm, booking",
    "crm",
    "",
    "basic",  # systems (CRM is crm; booking is not present)
    "",  # compliance.personal_data_law_met: default no
    "",  # compliance.health_data_protected: default no
    "",  # no self-assessment
]


def test_interview_asks_again_on_wrong_answers_and_writes_a_file_that_assesses(runner, tmp_path: Path) -> None:
    out = tmp_path / "northwind.yaml"
    script = COMPANY_FIRST + COMPANY_AGAIN + REST
    result = runner.invoke(cli, ["interview", "-o", str(out)], input="\n".join(script) + "\n")
    assert result.exit_code == 0, result.output
    errors = [line.split("Error: ", 1)[1] for line in result.output.splitlines() if "Error: " in line]
    assert errors == [
        "'bank' is not one of: hospitality, healthcare, finance, manufacturing, retail, telecom, it, logistics, "
        "education, public, other",
        "Input should be less than or equal to 100",
        "expected a whole number, got 'many'",
        "choice 9 does not exist: choose 1 to 4",
        "answer yes or no",
        "expected a two-letter ISO 3166-1 code such as RU, DE or KZ, got 'Narnia'",
        "not among the systems present: booking",
    ]
    assert (
        "This section does not add up: markets: b2b and b2c shares must add up to 100, they add up to 90. "
        "Please answer it again."
    ) in result.output.splitlines()
    assert result.output.count("== Company ==") == 2
    # every question has its line of help; enums list their choices with descriptions
    assert "company.geography: How far the market reaches." in result.output
    assert "   2. regional       One region of a country" in result.output
    assert "markets.b2c [90]: " in result.output
    assert result.output.endswith(f"Wrote {out}. Assess it with: cxm assess {out}\n")

    facts = flatten(load_facts(out).data)
    assert facts == {
        "company.name": "Northwind Clinics",
        "company.industry": ["healthcare", "retail"],
        "company.markets.b2b": 10,
        "company.markets.b2c": 90,
        "company.employees": 120,
        "company.geography": "regional",
        "company.exports": False,
        "company.branches": 3,
        "company.country": "RU",
        "company.resources.budget": "medium",
        "company.resources.it_capacity": "low",
        "leadership.executive_sponsor": "active",
        "leadership.cx_owner": "full_time",
        "leadership.governance": "none",
        "leadership.cx_metrics_in_reviews": "occasionally",
        "leadership.customer_time_scheduled": False,
        "leadership.reassessment_scheduled": False,
        "brand.values": "documented",
        "brand.brand_book": True,
        "brand.service_standards": "local",
        "brand.promise_monitored": False,
        "brand.purpose_in_onboarding": False,
        "employees.cx_training": "periodic",
        "employees.engagement_measured": True,
        "employees.feedback": "annual",
        "employees.incentives_linked_to_cx": False,
        "employees.suggestion_scheme": False,
        "employees.hr_aligned_with_cx": False,
        "employees.journey_map": False,
        "customers.feedback_collection": "regular",
        "customers.feedback_channels": ["online", "phone"],
        "customers.feedback_from_employees": False,
        "customers.feedback_from_suppliers": False,
        "customers.journey_map": False,
        "customers.segmentation": False,
        "customers.ltv_by_segment": False,
        "customers.leaders_meet_customers": False,
        "customers.insight_drives_decisions": False,
        "customers.processes_redesigned_from_insight": False,
        "customers.mystery_shopping": "none",
        "customers.response_time_hours": 24,
        "customers.complaints_logged": False,
        "customers.detractors_followed_up": False,
        "customers.reviews_answered": False,
        "customers.practices_renewed": False,
        "metrics.in_use": ["nps", "csat"],
        "metrics.kpi_per_touchpoint": False,
        "metrics.through_kpis": [],
        "metrics.definitions_standard": False,
        "systems.present": ["crm", "ivr"],
        "systems.channels": ["website"],
        "systems.integrated": ["crm"],
        "systems.digital_footprint_in_crm": False,
        "systems.analytics": "basic",
        "compliance.personal_data_law_met": False,
        "compliance.health_data_protected": False,
    }
    assert out.read_text(encoding="utf-8").startswith(
        "# Facts about Northwind Clinics, written by `cxm interview`.\n"
        "# Check and assess them with `cxm assess FILE`; `cxm interview --from FILE` updates them.\n"
        "company:\n  name: Northwind Clinics\n  industry: [healthcare, retail]\n  markets: {b2b: 10, b2c: 90}\n"
    )

    assessed = runner.invoke(cli, ["assess", str(out), "--format", "json"])
    assert assessed.exit_code == 0, assessed.output
    data = json.loads(assessed.output)
    assert data["company"] == "Northwind Clinics"
    assert data["stage"]["id"] == "mobilize"


def test_interview_from_a_file_keeps_its_values_as_defaults(runner, tmp_path: Path) -> None:
    source = example("article-3-manufacturer")
    out = tmp_path / "manufacturer.yaml"
    n = len([q for q in questions() if q.section != "self_assessment"])
    answers = [""] * n + ["y"] + ["3,3,4,4,3", "4, 4, 4, 3, 3", "3,3,3,3,3", "4,4,4,4,4"]
    governance = [q.path for q in questions()].index("leadership.governance")
    answers[governance] = "ad_hoc"
    result = runner.invoke(cli, ["interview", "--from", str(source), "-o", str(out)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "customers.response_time_hours: Typical time, in hours, to answer a customer request." in result.output
    assert "response_time_hours [48]: " in result.output
    before, after = flatten(load_facts(source).data), flatten(load_facts(out).data)
    changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    assert changed == {
        "leadership.governance": ("cross_functional", "ad_hoc"),
        "self_assessment.leadership": (None, [3, 3, 4, 4, 3]),
        "self_assessment.brand": (None, [4, 4, 4, 3, 3]),
        "self_assessment.employees": (None, [3, 3, 3, 3, 3]),
        "self_assessment.customers": (None, [4, 4, 4, 4, 4]),
    }
    assert set(before) - set(after) == set()
    assert runner.invoke(cli, ["assess", str(out)]).exit_code == 0


def test_interview_updates_the_from_file_in_place_and_speaks_russian(runner, tmp_path: Path) -> None:
    target = tmp_path / "resort.yaml"
    original = example("article-1-wellness-resort").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    target.chmod(0o640)
    n = len([q for q in questions() if q.section != "self_assessment"])
    answers = [""] * n + ["n"]
    result = runner.invoke(
        cli, ["interview", "--from", str(target), "-o", str(target), "--lang", "ru"], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Ответьте на каждый вопрос; Enter оставляет значение в скобках."
    assert "== Целенаправленное руководство ==" in result.output
    assert result.output.endswith(f"Записан {target}. Оценка: cxm assess {target}\n")
    assert target.read_text(encoding="utf-8") == original  # nothing changed: every comment and line kept
    assert target.stat().st_mode & 0o777 == 0o640


def test_interview_in_place_writes_only_what_changed_and_keeps_the_comments(runner, tmp_path: Path) -> None:
    target = tmp_path / "lender.yaml"
    original = example("article-2-regional-lender").read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    paths = [q.path for q in questions() if q.section != "self_assessment"]
    answers = [""] * len(paths) + ["n"]
    answers[paths.index("brand.values")] = "documented"
    answers[paths.index("metrics.kpi_per_touchpoint")] = "yes"
    result = runner.invoke(
        cli, ["interview", "--from", str(target), "-o", str(target)], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    expected = original.replace("  values: implicit\n", "  values: documented\n").replace(
        "  through_kpis: []\n", "  through_kpis: []\n  kpi_per_touchpoint: true\n"
    )
    assert target.read_text(encoding="utf-8") == expected


def test_interview_from_a_file_without_output_refuses_and_names_o(runner, tmp_path: Path) -> None:
    target = tmp_path / "resort.yaml"
    target.write_bytes(example("article-1-wellness-resort").read_bytes())
    result = runner.invoke(cli, ["interview", "--from", str(target)], input="")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: --from {target} needs -o: -o {target} updates that file (its comments kept), -o OTHER writes a new one"
    )
    assert target.read_bytes() == example("article-1-wellness-resort").read_bytes()


SHOWN = {
    "ru": [
        "company.geography: Насколько широк рынок компании.",
        "  Выберите одно (название или номер):",
        "   2. regional       Один регион страны",
        "systems.present: Системы, которые уже есть.",
        "   3. contact_centre   Контакт-центр или колл-центр",
        "customers.journey_map: Есть карта пути клиента (CJM).",
        "  Ответьте да или нет (yes/no).",
    ],
    "en": [
        "company.geography: How far the market reaches.",
        "  Choose one (name or number):",
        "   2. regional       One region of a country",
        "systems.present: Systems in place.",
        "   3. contact_centre   Contact or call centre",
        "customers.journey_map: A customer journey map (CJM) exists.",
        "  Answer yes or no.",
    ],
}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_interview_shows_field_and_value_descriptions_in_the_language_asked(runner, tmp_path: Path, lang) -> None:
    n = len([q for q in questions() if q.section != "self_assessment"])
    out = tmp_path / "resort.yaml"
    result = runner.invoke(
        cli,
        ["interview", "--from", str(example("article-1-wellness-resort")), "-o", str(out), "--lang", lang],
        input="\n".join([""] * n + ["n"]) + "\n",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for line in SHOWN[lang]:
        assert line in lines
    other = SHOWN["en" if lang == "ru" else "ru"]
    assert not set(other) & set(lines)


def test_interview_does_not_overwrite_another_file_without_asking(runner, tmp_path: Path) -> None:
    target = tmp_path / "company.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    result = runner.invoke(cli, ["interview", "-o", str(target)], input="n\n")
    assert result.exit_code == 1
    assert result.output == f"{target} exists. Overwrite it? [y/N]: n\nAborted!\n"
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_a_section_whose_facts_cannot_hold_together_is_asked_again(runner, tmp_path: Path) -> None:
    paths = [q.path for q in questions() if q.section != "self_assessment"]
    customers = [p for p in paths if p.startswith("customers.")]
    answers = [""] * len(paths)
    answers[paths.index("customers.segmentation")] = "no"
    answers[paths.index("customers.ltv_by_segment")] = "yes"
    again = [""] * len(customers)
    again[customers.index("customers.segmentation")] = "yes"
    at = paths.index(customers[-1]) + 1
    script = answers[:at] + again + answers[at:] + ["n"]
    out = tmp_path / "resort.yaml"
    result = runner.invoke(
        cli,
        ["interview", "--from", str(example("article-1-wellness-resort")), "-o", str(out)],
        input="\n".join(script) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert (
        "This section does not add up: ltv_by_segment: LTV per segment needs segments, but "
        "customers.segmentation is false: set one of them right. Please answer it again."
    ) in result.output
    data = load_facts(out).data["customers"]
    assert (data["segmentation"], data["ltv_by_segment"]) == (True, True)
