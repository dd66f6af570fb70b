"""The report is a client document: no local path, the appendix in sentences, full citations; and a PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxm.cli.main import cli
from tests.conftest import example, missing, require

NOW = {"CXM_NOW": "2026-01-10T09:00:00Z"}
PDF_EXTRA = "the pdf extra and Pango: pip install '.[pdf]', apt-get install libpango-1.0-0 libpangoft2-1.0-0"


def report(runner, name: str, out: Path, *extra: str) -> str:
    result = runner.invoke(cli, ["report", str(example(name)), "-o", str(out), *extra], env=NOW)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8") if out.suffix != ".pdf" else ""


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_the_report_holds_no_local_path(runner, tmp_path: Path, suffix: str) -> None:
    text = report(runner, "article-2-regional-lender", tmp_path / f"lender{suffix}")
    assert str(example("article-2-regional-lender").parent) not in text
    assert str(tmp_path) not in text
    assert "from the facts file article-2-regional-lender.yaml" in text


def test_the_client_appendix_names_no_rule_and_no_line(runner, tmp_path: Path) -> None:
    lines = report(runner, "article-2-regional-lender", tmp_path / "lender.md").splitlines()
    appendix = lines[lines.index("## Appendix B: why each recommendation is made") :]
    first = appendix[appendix.index("### 4.1.2. Reward proposals for improving CX") :][:9]
    assert first == [
        "### 4.1.2. Reward proposals for improving CX",
        "",
        "Recommended because: There is no rewarded suggestion scheme, so what the front line notices about "
        "customers is lost. Source: Article, company 2, action 1, tool 7 \\[1\\].",
        "",
        "This rests on:",
        "",
        "- the action “Pass CX expertise from the CX specialist to the departments” (4.1) is recommended",
        "- Staff can propose CX improvements and are rewarded for it: no (as the company's data say)",
        "",
    ]
    ru = report(runner, "article-2-regional-lender", tmp_path / "lender-ru.md", "--lang", "ru")
    assert "Источник: Статья, компания 2, действие 1, инструмент 7 \\[1\\]." in ru  # the source translated


def test_the_appendix_reads_as_sentences(runner, tmp_path: Path) -> None:
    lines = report(runner, "article-2-regional-lender", tmp_path / "lender.md", "--consultant").splitlines()
    appendix = lines[lines.index("## Appendix B: why each recommendation is made") :]
    first = appendix[appendix.index("### 4.1.2. Reward proposals for improving CX") :][:9]
    assert first == [
        "### 4.1.2. Reward proposals for improving CX",
        "",
        "Recommended because: There is no rewarded suggestion scheme, so what the front line notices about "
        "customers is lost. Rule suggestions-not-rewarded; source: Article, company 2, action 1, tool 7 \\[1\\].",
        "",
        "This rests on:",
        "",
        "- the action “Pass CX expertise from the CX specialist to the departments” (4.1) is recommended",
        "- Staff can propose CX improvements and are rewarded for it: no (line 30 of the facts file)",
        "",
    ]
    assert "- the company is at the Mobilize stage" in appendix
    assert not [line for line in appendix if " = " in line or "←" in line]


def test_sources_are_full_citations(runner, tmp_path: Path) -> None:
    lines = report(runner, "article-1-wellness-resort", tmp_path / "resort.md").splitlines()
    sources = lines[lines.index("## Sources") + 2 : lines.index("---")]
    assert [s[:3] for s in sources if s] == ["1. ", "2. ", "3. "]
    assert sources[0].startswith(
        "1. Irina Kozhemyakina (management consulting group “Upravlencheskaya praktika”), "
        "«Достижение следующего уровня сервисной зрелости укрепляет зрелость всей компании»"
    )
    assert sources[1].startswith(
        "2. Temkin Group (from 2018 the Qualtrics XM Institute), Customer Experience Maturity model"
    )
    ru = report(runner, "article-1-wellness-resort", tmp_path / "resort-ru.md", "--lang", "ru").splitlines()
    assert "1. Ирина Кожемякина (КГ «Управленческая практика»)" in ru[ru.index("## Источники") + 2]


def test_a_pdf_without_weasyprint_names_the_extra(runner, tmp_path: Path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    result = runner.invoke(cli, ["report", str(example("article-1-wellness-resort")), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: a PDF report needs WeasyPrint: pip install 'cx-maturity[pdf]'")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
def test_the_pdf_shows_the_chart_and_every_recommendation(runner, tmp_path: Path) -> None:
    require("weasyprint", PDF_EXTRA)
    pdfium = require("pypdfium2", "the test extra: pip install '.[test]'")
    import json

    out = tmp_path / "manufacturer.pdf"
    report(runner, "article-3-manufacturer", out)
    again = tmp_path / "again.pdf"
    report(runner, "article-3-manufacturer", again)
    assert out.read_bytes() == again.read_bytes()
    assert out.read_bytes().startswith(b"%PDF-")
    pdf = pdfium.PdfDocument(str(out))
    pages = [pdf[i] for i in range(len(pdf))]
    images = [page.render(scale=1).to_pil().convert("RGB") for page in pages[:4]]
    assert images[0].size == (596, 842)  # A4 at 72 dpi

    def fill(image) -> int:
        return sum(1 for p in image.getdata() if all(abs(a - b) <= 6 for a, b in zip(p, (176, 204, 214), strict=True)))

    # the radar chart's filled area, drawn in the body after the plan (on one of its first pages)
    assert max(fill(image) for image in images) > 3000
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pages)
    data = json.loads(runner.invoke(cli, ["assess", str(example("article-3-manufacturer")), "--format", "json"]).output)
    missing = [r["title"]["en"] for r in data["recommendations"] if " ".join(r["title"]["en"].split()) not in text]
    assert missing == []
    assert re.search(r"Radar chart of the four competency levels", text)


@pytest.mark.slow
@pytest.mark.parametrize("subsetter", ["harfbuzz", "fonttools"])
def test_the_pdf_is_the_same_at_another_time_whichever_subsetter(
    runner, tmp_path: Path, monkeypatch, subsetter: str
) -> None:
    """fontTools (WeasyPrint's subsetter when HarfBuzz's is missing) stamps each font with the time now, unless
    SOURCE_DATE_EPOCH is set: the report sets it, so a day later the bytes are the same."""
    import os

    require("weasyprint", PDF_EXTRA)
    from fontTools.misc import timeTools
    from weasyprint.pdf import fonts

    if subsetter == "fonttools":
        monkeypatch.setattr(fonts, "harfbuzz_subset", None)  # as on a system without libharfbuzz-subset
    elif fonts.harfbuzz_subset is None:
        missing("needs HarfBuzz's subsetter (apt-get install libharfbuzz-subset0)")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = tmp_path / "first.pdf"
    report(runner, "article-1-wellness-resort", first)
    assert "SOURCE_DATE_EPOCH" not in os.environ  # set while printing only

    class Later:  # the clock fontTools reads, a day on
        @staticmethod
        def time() -> float:
            import time

            return time.time() + 86_400

    monkeypatch.setattr(timeTools, "time", Later)
    later = tmp_path / "later.pdf"
    report(runner, "article-1-wellness-resort", later)
    assert later.read_bytes() == first.read_bytes()
