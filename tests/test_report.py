"""`cxm report`: the Markdown report as text; the HTML report of each article company in headless Chromium."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cxm.cli.main import cli
from tests.conftest import ARTICLE, example

NOW = {"CXM_NOW": "2026-01-10T09:00:00Z"}
HEADINGS_EN = [
    "# Customer-experience maturity report: Regional credit organisation (article, company 2)",
    "## The plan",
    "## The shortest path to the next stage",
    "## Obligations (legal duties, apart from the plan)",
    "## Summary",
    "## Competency levels",
    "## The six stages",
    "## Weakest competency",
    "## Roadmap to Operationalize (stage 4)",
    "## Assumed",
    "## Appendix A: every recommendation (key decisions, actions, tools)",
    "## Appendix B: why each recommendation is made",
    "## Sources",
]
HEADINGS_RU = [
    "# Отчёт о зрелости клиентского опыта: Regional credit organisation (article, company 2)",
    "## План",
    "## Кратчайший путь к следующей стадии",
    "## Требования закона (вне плана)",
    "## Резюме",
    "## Уровни компетенций",
    "## Шесть стадий",
    "## Самая слабая компетенция",
    "## Дорожная карта к стадии «Встраивание в процессы» (4)",
    "## Принято по умолчанию",
    "## Приложение А: все рекомендации (ключевые решения, действия, инструменты)",
    "## Приложение Б: почему сделана каждая рекомендация",
    "## Источники",
]


def _assessment(runner, name: str) -> dict:
    result = runner.invoke(cli, ["assess", str(example(name)), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _report(runner, name: str, out: Path, *extra: str) -> None:
    result = runner.invoke(cli, ["report", str(example(name)), "-o", str(out), *extra], env=NOW)
    assert result.exit_code == 0, result.output


def _offline(text: str) -> None:
    """No reference leaves the file: only the SVG namespace is a URL."""
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= {"http://www.w3.org/2000/svg"}
    assert "<script" not in text and "<link" not in text and "@import" not in text and "url(" not in text


@pytest.mark.parametrize("lang,headings", [("en", HEADINGS_EN), ("ru", HEADINGS_RU)])
def test_markdown_report(runner, tmp_path: Path, lang: str, headings: list[str]) -> None:
    out = tmp_path / "lender.md"
    _report(runner, "article-2-regional-lender", out, "--lang", lang)
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert [line for line in lines if re.match(r"#{1,2} ", line)] == headings
    a = _assessment(runner, "article-2-regional-lender")
    label = {
        "en": {"decision": "Decision", "action": "Action", "tool": "Tool"},
        "ru": {"decision": "Решение", "action": "Действие", "tool": "Инструмент"},
    }[lang]
    recs = lines[lines.index(headings[10]) : lines.index(headings[11])]
    rec_heads = [line for line in recs if line.startswith("###")]
    numbers = _numbers(a["recommendations"])
    assert rec_heads == [
        f"{'#' * (3 + numbers[r['id']].count('.'))} {numbers[r['id']]}. {label[r['kind']]}: {r['title'][lang]}"
        for r in a["recommendations"]
    ]
    appendix = lines[lines.index(headings[11]) : lines.index(headings[12])]
    assert [line for line in appendix if line.startswith("### ")] == [
        f"### {numbers[r['id']]}. {r['title'][lang]}" for r in a["recommendations"]
    ]
    if lang == "en":
        assert lines[2] == "Prepared on 2026-01-10 from the facts file article-2-regional-lender.yaml"
        assert (
            "**Stage 3 of 6: Mobilize.** A dedicated CX role or team, a set of CX metrics, local standards, "
            "feedback at several touchpoints." in lines
        )
        assert (
            "3. **Mobilize** ← You are here: A dedicated CX role or team, a set of CX metrics, local standards, "
            "feedback at several touchpoints." in lines
        )
        assert (
            "| Purposeful leadership **!** | 3 | ■■■□□□ | A full-time CX person or team exists (in a small firm, "
            "a part-time owner backed by a sponsor), and CX metrics reach management at least now and then. |" in lines
        )
        assert "- **Cross-functional CX work in operation**" in lines  # no rule id for the client
        assert "  - Standing cross-functional CX teams (now: an informal or temporary group)" in lines
        assert "![Radar chart of the four competency levels (1 to 6)](lender.radar.svg)" in lines
    chart = (tmp_path / "lender.radar.svg").read_text(encoding="utf-8")
    assert chart.startswith('<svg xmlns="http://www.w3.org/2000/svg" id="chart-cxm-radar"')
    _offline(chart)


def _numbers(recs: list[dict]) -> dict[str, str]:
    out: dict[str, str] = {}
    counters: dict[str | None, int] = {}
    for r in recs:
        parent = r["serves"] if r["serves"] in out else None
        counters[parent] = counters.get(parent, 0) + 1
        out[r["id"]] = f"{out[parent]}.{counters[parent]}" if parent else str(counters[parent])
    return out


def test_the_same_input_gives_the_same_report(runner, tmp_path: Path) -> None:
    _report(runner, "article-1-wellness-resort", tmp_path / "a.html")
    _report(runner, "article-1-wellness-resort", tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_report_needs_html_or_md(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["report", str(example("article-1-wellness-resort")), "-o", str(tmp_path / "r.doc")])
    assert result.exit_code == 2
    assert "the report must end in .html, .md or .pdf" in result.output


# --- the HTML report in headless Chromium --------------------------------------------------------

PROBE = """<script>
const c = document.querySelector('#radar-chart svg').getBoundingClientRect();
document.body.setAttribute('data-chart', [c.left, c.top, c.width, c.height].map(Math.round).join(','));
const shown = [...document.querySelectorAll('.rec-title')]
  .filter(e => e.getClientRects().length > 0 && e.offsetHeight > 0 && getComputedStyle(e).visibility === 'visible')
  .map(e => e.textContent);
document.body.setAttribute('data-titles', JSON.stringify(shown));
</script>
"""


def chromium() -> str:
    """The Chromium binary; under CI (CI=true) its absence fails the test instead of skipping it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return found


def _browser(binary: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=1280,4000",
        *args,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def _pixels(image) -> list[tuple[int, int, int]]:
    data = image.tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ARTICLE))
def test_html_report_renders_in_headless_chromium(runner, tmp_path: Path, name: str) -> None:
    from PIL import Image

    binary = chromium()
    page = tmp_path / f"{name}.html"
    _report(runner, name, page)
    text = page.read_text(encoding="utf-8")
    _offline(text)
    a = _assessment(runner, name)
    titles = [r["title"]["en"] for r in a["recommendations"]]

    # the DOM as Chromium built it: the chart is there, every recommendation title is shown, in order
    probe = tmp_path / f"{name}-probe.html"
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _browser(binary, tmp_path, "--dump-dom", probe.as_uri()).stdout
    assert 'id="chart-cxm-radar"' in dom
    shown = json.loads(html.unescape(re.search(r'data-titles="([^"]*)"', dom).group(1)))
    assert shown == titles
    left, top, width, height = map(int, re.search(r'data-chart="([^"]*)"', dom).group(1).split(","))
    assert width >= 500 and height >= 250 and top + height < 4000

    # the screenshot of the page itself: the chart area holds the drawn radar
    png = tmp_path / f"{name}.png"
    _browser(binary, tmp_path, f"--screenshot={png}", page.as_uri())
    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 4000)
    chart = image.crop((left, top, left + width, top + height))
    pixels = _pixels(chart)
    ink = sum(1 for p in pixels if min(p) < 235)
    assert ink / len(pixels) > 0.02, "the chart area is (nearly) blank"
    stroke = sum(1 for r, g, b in pixels if abs(r - 0x1F) < 40 and abs(g - 0x6F) < 40 and abs(b - 0x8B) < 40)
    fill = sum(1 for r, g, b in pixels if 150 < r < 200 and 190 < g < 225 and 200 < b < 235)
    print(f"{name}: chart {width}x{height} at ({left}, {top}); ink {ink}, stroke {stroke}, fill {fill}")
    assert stroke > 100, "the radar's outline is not drawn"
    assert fill > 2000, "the radar's area is not filled"
    whole = _pixels(image.resize((320, 1000)))
    assert sum(1 for p in whole if min(p) < 200) > 5000, "the page is (nearly) blank"
