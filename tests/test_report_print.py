"""The printed report: no table row, list item or card split across two A4 pages, and a body (everything before
Appendix A) of at most six pages. Checked on WeasyPrint's page layout, the very one it writes to the PDF."""

from __future__ import annotations

import pytest

from cxm.cli.report import render
from cxm.engine.services.api import read_facts
from cxm.engine.services.report import build
from tests.conftest import EXAMPLES as FOLDER

weasyprint = pytest.importorskip("weasyprint")
EXAMPLES = sorted(FOLDER.glob("*.yaml"))
BODY_PAGES = 6
KEEP = {"tr", "li"}
KEEP_CLASSES = {"card", "rec", "item", "weakest"}


def pages_of(html: str) -> tuple[dict[int, set[int]], dict[int, str], int | None]:
    """For each element that must stay whole: the pages it is laid out on; and the page Appendix A starts on."""
    document = weasyprint.HTML(string=html).render()
    where: dict[int, set[int]] = {}
    text: dict[int, str] = {}
    appendix = None
    repeated: set[int] = set()  # a table's header row, repeated on each page the table runs over
    for number, page in enumerate(document.pages, 1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None:
                continue
            if box.element_tag == "thead":
                repeated.update(id(row) for row in element)
            classes = set((element.get("class") or "").split())
            if element.get("id") == "recommendations" and appendix is None:
                appendix = number
            if box.element_tag in KEEP or classes & KEEP_CLASSES:
                where.setdefault(id(element), set()).add(number)
                text[id(element)] = " ".join("".join(element.itertext()).split())[:80]
    return {e: p for e, p in where.items() if e not in repeated}, text, appendix


def check(path, lang: str, engine) -> None:
    data = build(engine, read_facts(path))
    where, text, appendix = pages_of(render(data, "html", lang))
    split = [text[e] for e, pages in where.items() if len(pages) > 1]
    assert split == [], f"{path.name} {lang}: split across pages"
    assert appendix is not None and appendix - 1 <= BODY_PAGES, f"{path.name} {lang}: body of {appendix - 1} pages"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_lender_prints_whole_rows_within_the_budget(engine, lang: str) -> None:
    check(next(p for p in EXAMPLES if p.stem == "article-2-regional-lender"), lang, engine)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_prints_whole_rows_within_the_budget(engine, path, lang: str) -> None:
    check(path, lang, engine)


def test_the_check_sees_a_split_row(engine) -> None:
    """The check can fail: without the print rules, a long table breaks a row across a page."""
    rows = "".join(f"<tr><td>{i}</td><td>{'word ' * 120}</td></tr>" for i in range(30))
    where, _, _ = pages_of(f"<html><body><table>{rows}</table></body></html>")
    assert any(len(pages) > 1 for pages in where.values())
