"""The model's terms come from one bilingual glossary (docs/GLOSSARY.md)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")


def table(heading: str) -> dict[str, tuple[str, str, list[str]]]:
    """The rows of a glossary table under ``heading``: id -> (English, Russian, terms not to use)."""
    part = GLOSSARY.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in part.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("id", "---"):
            rows[cells[0]] = (cells[1], cells[2], [t.strip() for t in re.split(r";", cells[3]) if t.strip()])
    return rows


def test_the_model_names_are_the_glossary_s() -> None:
    model = yaml.safe_load((ROOT / "rules" / "model.yaml").read_text(encoding="utf-8"))["model"]
    competencies, stages = table("The four competencies"), table("The six stages")
    assert {c["id"]: (c["name"]["en"], c["name"]["ru"]) for c in model["competencies"]} == {
        k: v[:2] for k, v in competencies.items()
    }
    assert {s["id"]: (s["name"]["en"], s["name"]["ru"]) for s in model["stages"]} == {
        k: v[:2] for k, v in stages.items()
    }
    assert competencies["customers"][1] == "Связь с клиентами" and stages["embed"][1] == "Укоренение"


def _russian_texts() -> str:
    files = [
        *sorted((ROOT / "rules").glob("*/*.yaml")),
        ROOT / "rules" / "model.yaml",
        *sorted((ROOT / "cli").glob("*.py")),
        *sorted((ROOT / "cli" / "templates").glob("*")),
        ROOT / "facts" / "schema.py",
        ROOT / "facts" / "enums.py",
        ROOT / "engine" / "language" / "words.py",
    ]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


AVOID = [
    "Вовлечение клиентов",
    "вовлечение клиентов",
    "вовлечения клиентов",
    "Вовлечение сотрудников",
    "вовлечение сотрудников",
    "Ценности бренда (культура)",
    "Операционные преобразования",
    "Согласование всех элементов",
    "«Внедрение»",
    "«Согласование»",
    "штатн",
    "по совместительству",
    "куратор",
    "в минус",
    "Провести рабочие группы",
    "вниз по структуре",
]


def test_no_russian_text_uses_a_term_the_glossary_rejects() -> None:
    text = _russian_texts()
    assert [term for term in AVOID if term in text] == []


def test_the_scan_can_fail() -> None:
    """The check can fail: a text with an old name is caught."""
    assert [t for t in AVOID if t in "Компетенция «Вовлечение клиентов» на уровне 2"] == ["Вовлечение клиентов"]


def test_the_cli_names_the_competencies_as_the_glossary_does() -> None:
    from cxm.cli.report_prose import SOURCES

    temkin = next(c for c in SOURCES if c.number == 2).text["ru"].lower()
    for rows in (table("The four competencies"), table("The six stages")):
        for _, ru, _ in rows.values():
            assert ru.lower() in temkin, ru
