"""Two audiences, one result: the client's views (the text of `cxm assess`, the HTML and Markdown report) say
everything in words, in both languages; the machine detail (fact paths, value ids, rule and recommendation ids,
FILE:LINE, operators) stays in the consultant's views (JSON, `why`, `--trace`, `--all`, `report --consultant`)."""

from __future__ import annotations

import html
import re

import pytest

from cxm.cli.render import to_text
from cxm.cli.report import render
from cxm.engine.services.api import read_facts
from cxm.engine.services.report import build
from tests.conftest import EXAMPLES as FOLDER

EXAMPLES = sorted(FOLDER.glob("*.yaml"))

SECTIONS = "company|leadership|brand|employees|customers|metrics|systems|compliance|self_assessment|gap|level"
FIXED = [
    ("fact path", re.compile(rf"\b(?:{SECTIONS}|evidence_level)\.[a-z_]+")),
    ("FILE:LINE", re.compile(r"\.[a-z]{2,4}:\d+")),
    ("operator", re.compile(r"[<>!]=|=")),
    ("rule file", re.compile(r"rules/[a-z]")),
    ("code mark", re.compile(r"`")),
]


def visible(page: str) -> str:
    """The text an HTML page shows: no style sheet, no chart markup, no tag or attribute."""
    page = re.sub(r"(?s)<style.*?</style>|<svg.*?</svg>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def machine_words(engine) -> tuple[set[str], set[str]]:
    """The ids a client must never read: value ids with an underscore, and every rule and catalogue id."""
    values = {v for spec in engine.kb.specs.values() for v in spec.values if "_" in v}
    ids = {r for r in [*(r.id for r in engine.kb.rules), *engine.kb.catalogue] if "-" in r}
    return values, ids


def problems(text: str, engine) -> list[str]:
    values, ids = machine_words(engine)
    found = [f"{what}: {m.group()!r}" for what, pattern in FIXED for m in pattern.finditer(text)]
    tokens = set(re.findall(r"[\w-]+", text))
    found += [f"value id: {v!r}" for v in sorted(values & tokens)]
    found += [f"id: {i!r}" for i in sorted(ids & tokens)]
    return found


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_client_view_shows_machine_syntax(engine, path, lang: str) -> None:
    data = build(engine, read_facts(path))
    views = {
        "text": to_text(data.assessment, lang),
        "html": visible(render(data, "html", lang)),
        "md": render(data, "md", lang),
    }
    for view, text in views.items():
        if view == "text":
            text = "\n".join(text.splitlines()[2:])  # the title and the facts file's name as given
        assert problems(text, engine) == [], f"{path.name} {lang} {view}"


def test_the_scan_finds_machine_syntax(engine) -> None:
    """The check can fail: the consultant's view of the same company is full of what it looks for."""
    path = EXAMPLES[0]
    data = build(engine, read_facts(path))
    found = problems(to_text(data.assessment, "en", full=True), engine)
    assert any(p.startswith("id: ") for p in found)
    assert any(p.startswith("FILE:LINE") for p in found)
    found = problems(visible(render(data, "html", "ru", consultant=True)), engine)
    assert any(p.startswith("fact path") for p in found) and any(p.startswith("id: ") for p in found)


def test_a_gate_test_and_an_effect_read_in_words(engine) -> None:
    """What the issue quoted, said by hand: the owner's test and the effect of giving CX an owner."""
    data = build(engine, read_facts(next(p for p in EXAMPLES if p.stem == "article-1-wellness-resort")))
    rec = next(r for r in data.assessment.recommendations if r.id == "dedicate-cx-owner")
    assert rec.outcome[0].en == "Who owns CX day to day: at least “a dedicated CX manager or specialist”"
    assert rec.outcome[0].ru == (
        "Кто отвечает за клиентский опыт в повседневной работе: не ниже уровня "
        "«отдельный менеджер или специалист по клиентскому опыту»"
    )
