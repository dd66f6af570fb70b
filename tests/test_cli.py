"""The command line: help everywhere, version, schema, text and JSON output, as click sees it and as a process."""

from __future__ import annotations

import json
import sys

import click
import pytest

from cxm.cli import main as cli_main
from cxm.cli.main import cli
from cxm.facts.enums import DocEnum, Geography
from cxm.facts.vocabulary import input_fields
from tests.conftest import example, run_cxm


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    ctx = click.Context(group)
    out = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(_commands(command, (*prefix, name)))
    return out


def test_every_command_is_listed() -> None:
    assert [p for p in _commands(cli) if len(p) == 1] == [
        ("assess",),
        ("batch",),
        ("history",),
        ("interview",),
        ("plan",),
        ("portfolio",),
        ("report",),
        ("rules",),
        ("schema",),
        ("survey",),
        ("what-if",),
        ("why",),
        ("why-not",),
    ]


@pytest.mark.parametrize("path", [(), *_commands(cli)], ids=lambda p: " ".join(p) or "cxm")
def test_every_command_has_help_with_an_example(runner, path: tuple[str, ...]) -> None:
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "cxm " in result.output.split("Example:", 1)[1]


def test_version(runner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == "cxm, version 0.1.0\n"


def test_schema_is_a_json_schema_documenting_every_field(runner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "cx-maturity company facts"
    assert schema["required"] == ["company"]
    defs = schema["$defs"]
    for name, model in defs.items():
        if model.get("type") == "object":
            for field, spec in model["properties"].items():
                target = defs[spec["$ref"].rsplit("/", 1)[1]] if "$ref" in spec else {}
                assert spec.get("description") or target.get("description"), f"{name}.{field} has no description"
        else:
            assert len(model["enumDescriptions"]) == len(model["enum"]), name
    assert defs["CxOwner"]["enum"] == ["none", "part_time", "full_time", "department"]
    assert defs["CxOwner"]["x-ordered"] is True


def test_schema_documents_every_field_and_value_in_russian_too(runner) -> None:
    schema = json.loads(runner.invoke(cli, ["schema"]).output)
    models = {"Facts": schema, **{n: d for n, d in schema["$defs"].items() if d.get("type") == "object"}}
    described = 0
    for name, model in models.items():
        for field, spec in model["properties"].items():
            if "description" not in spec and "x-description-ru" not in spec:
                continue  # a section of Facts (company, leadership, ...), documented by its model
            described += 1
            # pydantic leaves out a field's description when it is the one of the enum it refers to
            english = spec.get("description") or schema["$defs"][spec["$ref"].rsplit("/", 1)[1]]["description"]
            assert spec.get("x-description-ru"), f"{name}.{field} has no x-description-ru"
            assert spec["x-description-ru"] != english, f"{name}.{field}: the Russian is the English"
    # every leaf, and company.markets, .resources, self_assessment; and the 20 fields of self_assessment.survey
    # (which describes how a self-assessment was answered; rules never see it, see vocabulary.NOT_FACTS)
    assert described == len(input_fields()) + 3 + 20
    enums = [(n, d) for n, d in schema["$defs"].items() if "enum" in d]
    assert len(enums) == len(DocEnum.__subclasses__())
    for name, definition in enums:
        ru = definition["x-enumDescriptions-ru"]
        assert len(ru) == len(definition["enum"]), name
        for value, en_text, ru_text in zip(definition["enum"], definition["enumDescriptions"], ru, strict=True):
            assert ru_text and ru_text != en_text, f"{name}.{value}: {ru_text!r}"
    assert schema["$defs"]["Geography"]["x-enumDescriptions-ru"][1] == "Один регион страны"
    geography = schema["$defs"]["Company"]["properties"]["geography"]
    assert geography["x-description-ru"] == "Насколько широк рынок компании."


def test_every_vocabulary_value_and_input_field_has_a_russian_description() -> None:
    for cls in DocEnum.__subclasses__():
        for member in cls:
            assert member.description_ru, f"{cls.__name__}.{member.name} has no description_ru"
            assert member.description_ru != member.description, f"{cls.__name__}.{member.name}"
    assert Geography.REGIONAL.description_ru == "Один регион страны"
    assert Geography.REGIONAL.description == "One region of a country"
    for path, spec in input_fields().items():
        assert spec.description and spec.description_ru, f"{path} lacks a description"
    assert input_fields()["customers.journey_map"].description_ru == "Есть карта пути клиента (CJM)."


def test_assess_text(runner) -> None:
    result = runner.invoke(cli, ["assess", str(example("article-2-regional-lender"))])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "CX maturity assessment: Regional credit organisation (article, company 2)"
    assert "Stage 3 of 6: Mobilize" in lines
    assert "  Purposeful leadership    3  ■■■□□□" in lines
    roadmap = lines[lines.index("Roadmap to Operationalize (stage 4)") :]
    # the client's text: each test in the words of the facts' descriptions and value labels (facts/enums.py)
    assert roadmap[1:9] == [  # the lender's sponsor is only declared (facts file): the gate needs one active
        "  Gate not met: Cross-functional CX work in operation",
        "    - A leader drives CX work and reviews its results (now: leaders support CX in principle)",
        "    - Standing cross-functional CX teams (now: an informal or temporary group)",
        "    - How often CX metrics are weighed in management reviews: at least “in every regular review”",
        "      (now: now and then)",
        "    - Products or processes have been redesigned from customer insight (now: no)",
        "  Not yet: score in the Operationalize band",
        "    - The sum of the four competency levels (4 to 24): from 16 to 19 (now: 12)",
    ]
    # the consultant's text (--all): the rules' ids and tests as the rule files write them
    result = runner.invoke(cli, ["assess", str(example("article-2-regional-lender")), "--all"])
    lines = result.output.splitlines()
    roadmap = lines[lines.index("Roadmap to Operationalize (stage 4)") :]
    assert roadmap[1:7] == [
        "  Gate not met: Cross-functional CX work in operation [gate-operationalize]",
        "    - leadership.executive_sponsor is active (now: declared)",
        "    - leadership.governance is cross_functional (now: ad_hoc)",
        "    - leadership.cx_metrics_in_reviews is at least regularly (now: occasionally)",
        "    - customers.processes_redesigned_from_insight is true (now: false)",
        "  Not yet: score in the Operationalize band [band-operationalize]",
    ]


def test_assess_text_in_russian(runner) -> None:
    result = runner.invoke(cli, ["assess", str(example("article-2-regional-lender")), "--lang", "ru"])
    assert result.exit_code == 0
    assert "Стадия 3 из 6: Мобилизация" in result.output.splitlines()


def test_assess_json_shape(runner) -> None:
    result = runner.invoke(cli, ["assess", str(example("article-3-manufacturer")), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data) == [
        "schema_version",
        "company",
        "file",
        "knowledge_base",
        "plan",
        "stage",
        "levels",
        "weakest",
        "recommendations",
        "held_back",
        "roadmap",
        "overrides",
        "assumed",
    ]
    assert data["stage"]["id"] == "operationalize"
    assert data["stage"]["number"] == 4
    assert {c: v["level"] for c, v in data["levels"].items()} == {
        "leadership": 4,
        "brand": 4,
        "employees": 4,
        "customers": 4,
    }
    for rec in data["recommendations"]:
        assert rec["id"] and rec["rules"] and rec["chain"]["rules"][-1] in rec["rules"]
    road = data["roadmap"]
    assert road["next_stage"] == {"id": "align", "number": 5, "name": {"en": "Align", "ru": "Согласованность"}}
    assert [(g["rule"], g["held"]) for g in road["gates"]] == [("gate-align", False)]
    assert [(c["test"]["en"], c["held"], c["actual"]) for c in road["gates"][0]["conditions"]] == [
        ("employees.incentives_linked_to_cx is true", False, [False]),
        ("employees.hr_aligned_with_cx is true", False, [False]),
        ("metrics.in_use has any of nps, csi, csat, ces", True, [["nps", "csat"]]),
    ]
    assert [(s["rule"], s["conditions"][0]["actual"]) for s in road["score"]] == [("band-align", [16])]
    assert sorted(road["recommendations"]) == sorted(r["id"] for r in data["recommendations"])


def test_assess_trace(runner) -> None:
    result = runner.invoke(cli, ["assess", str(example("article-1-wellness-resort")), "--format", "json", "--trace"])
    data = json.loads(result.output)
    firings = data["trace"]["firings"]
    assert [f["seq"] for f in firings] == list(range(len(firings)))
    assert firings[0]["phase"] == 0
    assert all(f["asserted"] for f in firings)
    text = runner.invoke(cli, ["assess", str(example("article-1-wellness-resort")), "--trace"]).output
    assert "Trace (order, phase, rule: matched -> asserted)" in text


EVIL = """company:
  name: "Evil\\e[31mCo\\rX\\x9b\\ttab"
  industry: [retail]
  markets: {b2b: 0, b2c: 100}
  employees: 5
  geography: local
  country: "NO"
"""


def test_control_characters_in_a_name_do_not_reach_the_terminal(runner, tmp_path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(EVIL, encoding="utf-8")
    text = runner.invoke(cli, ["assess", str(path)]).output
    assert text.splitlines()[0] == "CX maturity assessment: Evil\\x1b[31mCo\\x0dX\\x9b\ttab"
    assert not any(ch in text for ch in "\x1b\r\x9b")
    renamed = path.rename(tmp_path / "evil\x1b[2J.yaml")  # a file name is printed too
    why = runner.invoke(cli, ["why", str(renamed), "stage"]).output
    assert why.splitlines()[0] == f"Why stage: {tmp_path}/evil\\x1b[2J.yaml"
    path = renamed
    data = json.loads(runner.invoke(cli, ["assess", str(path), "--format", "json"]).output)
    assert data["company"] == "Evil\x1b[31mCo\rX\x9b\ttab"  # JSON escapes what it must and keeps the name
    path.write_text(EVIL.replace("employees: 5", "employees: lots"), encoding="utf-8")
    bad = runner.invoke(cli, ["assess", str(path)])
    assert bad.exit_code == 2
    assert bad.output == f"{tmp_path}/evil\\x1b[2J.yaml:5:14: company.employees: expected a whole number, got 'lots'\n"


def test_assess_as_a_real_process() -> None:
    proc = run_cxm("assess", str(example("article-1-wellness-resort")), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["stage"]["id"] == "explore"


def test_no_python_version_is_refused_by_number(monkeypatch) -> None:
    """The version guard is gone: whether the engine runs is decided by importing it (test_python_versions.py)."""
    monkeypatch.setattr(sys, "version_info", (3, 14, 0, "final", 0))
    monkeypatch.setattr(sys, "argv", ["cxm", "--version"])
    import gc

    try:
        with pytest.raises(SystemExit) as exit_info:
            cli_main.main()
    finally:  # main() switches the collector off and freezes what exists: undo both for the tests that follow
        gc.unfreeze()
        gc.enable()
    assert exit_info.value.code == 0


def test_package_metadata_allows_python_311_to_314() -> None:
    from importlib import metadata

    from packaging.specifiers import SpecifierSet

    allowed = SpecifierSet(metadata.metadata("cx-maturity")["Requires-Python"])
    assert allowed == SpecifierSet(">=3.11,<3.15")
    assert [v for v in ("3.10.14", "3.11.0", "3.12.8", "3.13.0", "3.14.2", "3.15.0") if v in allowed] == [
        "3.11.0",
        "3.12.8",
        "3.13.0",
        "3.14.2",
    ]


def test_the_readme_documents_every_top_level_key_of_the_json(runner) -> None:
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The JSON output", 1)[1].split("```jsonc\n", 1)[1].split("```", 1)[0]
    documented = [m.group(1) for m in re.finditer(r'^  "(\w+)":', block, re.MULTILINE)]
    result = runner.invoke(cli, ["assess", str(example("article-1-wellness-resort")), "--format", "json", "--trace"])
    from dataclasses import fields

    from cxm.engine.results.result import Assessment

    assert documented == [f.name for f in fields(Assessment)]  # every key, in the order of the shape
    assert [key for key in documented if key != "survey"] == list(json.loads(result.output))  # survey: optional
    road = json.loads(result.output)["roadmap"]
    assert list(road) == ["next_stage", "gates", "score", "weakest", "recommendations", "shortest", "retake"]
    assert all(f'"{key}"' in block for key in road)
