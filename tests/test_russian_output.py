"""Every command's `--lang ru` output is Russian: no Latin word is left but ids, paths and metric names.

What may stay in Latin letters: the ids of the knowledge base (rule and recommendation ids, fact names and
their values, stages, competencies, lint codes and check names), command options, country codes, file paths
and names, metric and other abbreviations (NPS, CRM, B2B, ...), the company's name from the facts file, the
source citations of the rule files and of the report (quoted as published), `cxm ...` command lines,
timestamps and fingerprints, and rule-language code quoted in «» in lint's explanations.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxm.cli.main import cli
from cxm.cli.report_prose import SOURCES
from cxm.engine.authoring.lint.codes import CHECKS
from tests.conftest import example

ABBREVIATIONS = {
    "CX",
    "CRM",
    "IVR",
    "KPI",
    "NPS",
    "eNPS",
    "CSI",
    "CSAT",
    "CES",
    "LTV",
    "CJM",
    "EJM",
    "HR",
    "IT",
    "B2B",
    "B2C",
    "ISO",
    "IP",
    "QR",
    "FZ",
    "GDPR",
    "Enter",
    "alpha",
    "true",
    "false",
    "JSON",
    "Temkin",
    "Group",
    "HIPAA",
}  # the model's authors, as the translated sources name them
WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")


def allowed_words(engine) -> set[str]:
    kb = engine.kb
    words = set(ABBREVIATIONS)
    for name, spec in kb.specs.items():
        words.update(re.split(r"[._]", name))
        for value in getattr(spec, "values", ()) or ():
            words.update(str(value).split("_"))
    for rule in kb.rules:
        words.update(rule.id.split("-"))
    for rec in kb.catalogue:
        words.update(rec.split("-"))
    for check in CHECKS.values():
        words.update(re.split(r"[-_ ]", check.name))
    return words


def leaks(text: str, engine, names: list[str]) -> list[str]:
    """The Latin words of ``text`` that are not allowed, each with some context."""
    kb = engine.kb
    flat = " ".join(text.split())
    sources = {r.source for r in kb.rules} | {e.rec.source for e in kb.catalogue.values()}
    sources |= {c.text["ru"] for c in SOURCES}  # the report's full citations name their sources as published
    for quoted in sorted(sources | set(names), key=len, reverse=True):
        flat = flat.replace(" ".join(quoted.split()), "")
    flat = re.sub(r"«[^»]*»", "", flat)  # rule-language code quoted in lint's explanations
    flat = re.sub(r"№ ?\S+", "", flat)  # law numbers, as the laws are named (Закон РК № 94-V)
    flat = re.sub(r"[-+] (stage|levels|weakest|recommendations|held_back|fired|not_fired):", "", flat)  # test keys
    flat = re.sub(r"cxm [a-z-]+( [^ ]+)*?(?=$| [А-Яа-яЁё])", "", flat)  # command lines
    flat = re.sub(r"\S*[/\\]\S*|\S+\.(yaml|svg|md|html|sqlite3)\b", "", flat)  # paths and file names
    flat = re.sub(r"\d{4}-\d\d-\d\dT[\d:]+Z|\b[0-9a-f]{8,}\b", "", flat)  # timestamps, fingerprints
    flat = re.sub(r"(\b[a-z]+ )?--[a-z-]+( [A-Z]\b)?", "", flat)  # options (and the command word before)
    flat = re.sub(r"\b[a-z0-9]+(-[a-z0-9]+)+\b|\bCXL\d+\b|\b[A-Z]{2}\b", "", flat)  # ids, lint codes, countries
    allowed = allowed_words(engine)
    return [
        f"{m.group()!r} in ...{flat[max(0, m.start() - 50) : m.end() + 30]}..."
        for m in WORD.finditer(flat)
        if m.group() not in allowed
    ]


@pytest.mark.slow
def test_every_command_speaks_russian(runner, engine, tmp_path: Path) -> None:
    lender, resort = str(example("article-2-regional-lender")), str(example("article-1-wellness-resort"))
    db, report = str(tmp_path / "h.sqlite3"), tmp_path / "r.md"
    name = "Regional credit organisation (article, company 2)"
    runs = [
        ["assess", lender, "--save", "--db", db],
        ["why", str(example("article-3-manufacturer")), "kpi-per-touchpoint", "--full"],
        ["why", resort, "stage"],
        ["why-not", lender, "crm-card-for-agents"],
        ["what-if", lender, "--set", "systems.present=[crm, contact_centre]"],
        ["report", resort, "-o", str(report)],
        ["history", name, "--db", db],
        ["plan", name, "--db", db],
        ["rules", "lint", "--explain", "CXL101"],
        ["rules", "lint", "--explain", "CXL007"],
        ["rules", "show", "size-small"],
        ["rules", "show", "pickup-feedback-tablets"],
        ["rules", "list"],
        ["rules", "test", "-k", "bands"],
    ]
    found = []
    for args in runs:
        result = runner.invoke(cli, [*args, "--lang", "ru"])
        assert result.exit_code == 0, (args, result.output)
        text = result.stdout + result.stderr + (report.read_text(encoding="utf-8") if args[0] == "report" else "")
        found += [
            f"{' '.join(args[:2])}: {leak}"
            for leak in leaks(
                text,
                engine,
                [name, "Regional wellness resort (article, company 1)", "Large manufacturer (article, company 3)"],
            )
        ]
    interview = runner.invoke(
        cli, ["interview", "--from", resort, "-o", str(tmp_path / "i.yaml"), "--lang", "ru"], input="\n" * 80
    )
    assert interview.exit_code == 0, interview.output
    found += [
        f"interview: {leak}"
        for leak in leaks(interview.output, engine, ["Regional wellness resort (article, company 1)"])
    ]
    assert found == [], "\n".join(found)
