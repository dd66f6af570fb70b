"""`cxm portfolio`: the figures of the shipped 40-company example against figures computed here from the same
rows, the HTML page in headless Chromium, Markdown, bad input, and `cxm batch --summary`."""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from cxm.cli.main import cli
from tests.conftest import EXAMPLES, run_cxm
from tests.test_report import _offline, _pixels, chromium

PORTFOLIO = EXAMPLES / "portfolio"
RESULTS = PORTFOLIO / "results.jsonl"
COMPANIES = PORTFOLIO / "companies.jsonl"
NOW = {"CXM_NOW": "2026-01-10T09:00:00Z"}
STAGES = ["ignore", "explore", "mobilize", "operationalize", "align", "embed"]
COMPETENCIES = ["leadership", "brand", "employees", "customers"]
INDUSTRIES = [
    "hospitality",
    "healthcare",
    "finance",
    "manufacturing",
    "retail",
    "telecom",
    "it",
    "logistics",
    "education",
    "public",
    "other",
]


def _rows() -> list[dict]:
    return [json.loads(line) for line in RESULTS.read_text(encoding="utf-8").splitlines()]


def _ranked(counts: Counter, n: int) -> list[dict]:
    return [
        {"id": k, "count": c, "share": round(c / n, 4)}
        for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _expected(rows: list[dict]) -> dict:
    """The figures, computed here without the service's code."""
    n = len(rows)
    stages = {s: sum(r["stage"] == s for r in rows) for s in STAGES}
    weak = {c: sum(c in r["weakest"] for r in rows) for c in COMPETENCIES}
    return {
        "companies": n,
        "stages": stages,
        "levels": {c: {str(lv): sum(r["levels"][c] == lv for r in rows) for lv in range(1, 7)} for c in COMPETENCIES},
        "weakest": [
            {"id": c, "count": weak[c], "share": round(weak[c] / n, 4)}
            for c in sorted(COMPETENCIES, key=lambda c: (-weak[c], COMPETENCIES.index(c)))
        ],
        "recommendations": _ranked(Counter(x for r in rows for x in set(r["recommendations"])), n)[:10],
        "gates": _ranked(Counter(g for r in rows for g in set(r["gates_failing"])), n),
        "lowest_two": round((stages["ignore"] + stages["explore"]) / n, 4),
        "highest_two": round((stages["align"] + stages["embed"]) / n, 4),
        "warned": sum(1 for r in rows if r["warnings"]),
        "unsettled": sum(1 for r in rows if r.get("range", {}).get("settled") is False),
        "self_far": [
            {
                "id": way,
                "count": sum(way in r["self_far"].values() for r in rows),
                "share": round(sum(way in r["self_far"].values() for r in rows) / n, 4),
            }
            for way in ("below", "above")
        ],
    }


def _portfolio_json(runner, *args: str) -> dict:
    result = runner.invoke(cli, ["portfolio", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_shipped_results_are_the_batch_output_of_the_shipped_companies(runner, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == RESULTS.read_bytes()


def test_figures_equal_an_independent_count(runner) -> None:
    rows = _rows()
    data = _portfolio_json(runner, str(RESULTS))
    assert data["source"] == str(RESULTS)
    assert data["figures"] == _expected(rows)
    # the same, spelled out for the example
    f = data["figures"]
    assert f["companies"] == 40
    # (after issue 22's partial credit and sponsor gates; before: 11, 17, 9, 3, 0, 0 and employees weakest 22)
    assert f["stages"] == {"ignore": 9, "explore": 19, "mobilize": 8, "operationalize": 2, "align": 2, "embed": 0}
    assert f["weakest"][0] == {"id": "customers", "count": 23, "share": 0.575}
    assert f["recommendations"][0] == {"id": "meet-personal-data-law", "count": 37, "share": 0.925}
    assert f["gates"][0] == {"id": "gate-mobilize", "count": 12, "share": 0.3}
    assert f["warned"] == 23  # companies whose facts contradict each other (issue 26 counted them)
    # the groups: every industry, market and size class with at least 5 companies, each with its own figures
    expected = []
    for cut, keys in (
        ("industry", INDUSTRIES),
        ("market", ["b2b", "b2c", "mixed"]),
        ("size_class", ["micro", "small", "medium", "large"]),
    ):
        for key in keys:
            group = [r for r in rows if (key in r[cut] if cut == "industry" else r[cut] == key)]
            if len(group) >= 5:
                expected.append({"cut": cut, "key": key, "figures": _expected(group)})
    assert data["groups"] == expected
    assert [(g["cut"], g["key"], g["figures"]["companies"]) for g in data["groups"]] == [
        ("industry", "hospitality", 6),
        ("industry", "finance", 6),
        ("industry", "manufacturing", 8),
        ("industry", "retail", 13),
        ("industry", "it", 5),
        ("industry", "logistics", 5),
        ("market", "b2b", 18),
        ("market", "b2c", 18),
        ("size_class", "micro", 7),
        ("size_class", "small", 11),
        ("size_class", "medium", 16),
        ("size_class", "large", 6),
    ]


def test_a_folder_of_facts_files_gives_the_same_figures(runner, tmp_path: Path) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    for n, line in enumerate(COMPANIES.read_text(encoding="utf-8").splitlines(), 1):
        (folder / f"{n:02d}.json").write_text(line, encoding="utf-8")
    from_folder = _portfolio_json(runner, str(folder))
    assert from_folder["figures"] == _portfolio_json(runner, str(RESULTS))["figures"]


def test_json_to_a_file_and_as_a_process(runner, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    result = runner.invoke(cli, ["portfolio", str(RESULTS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    proc = run_cxm("portfolio", str(RESULTS), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_markdown_portfolio(runner, tmp_path: Path, lang: str) -> None:
    out = tmp_path / "p.md"
    result = runner.invoke(cli, ["portfolio", str(RESULTS), "-o", str(out), "--lang", lang], env=NOW)
    assert result.exit_code == 0, result.output
    charts = ["stages-by-industry", "stages-by-market", "stages-by-size-class", "stages", "levels"]
    assert result.stdout.splitlines() == [str(out), *(str(tmp_path / f"p.{c}.svg") for c in charts)]
    lines = out.read_text(encoding="utf-8").splitlines()
    heads = [line for line in lines if re.match(r"#{1,3} ", line)]
    if lang == "en":
        assert heads == [
            "# CX maturity portfolio",
            "## How the companies spread over the six stages",
            "## Level distribution of each competency",
            "## The weakest competency, most often",
            "## Recommendations made most often",
            "## Gates that hold companies back most often",
            "## By industry, market and size class",
            "### Industry",
            "### Market",
            "### Size class",
        ]
        assert "| 2. Explore | 19 | 48% |" in lines
        assert "| Purposeful leadership | 1 | 17 | 13 | 4 | 5 | 0 | 3 |" in lines
        assert "| Customer connectedness | 23 | 58% |" in lines
        assert (
            "| Write down the brand values and carry them into key processes (`written-brand-values`) | 27 | 68% |"
        ) in lines
        assert "| A dedicated CX owner (`gate-mobilize`) | 12 | 30% |" in lines
        assert "![Bar chart: companies per stage](p.stages.svg)" in lines
    else:
        assert heads[:3] == [
            "# Портфель: зрелость клиентского опыта",
            "## Распределение компаний по шести стадиям",
            "## Распределение уровней по компетенциям",
        ]
        assert "| 2. Исследование | 19 | 48% |" in lines
    for name in charts:
        _offline((tmp_path / f"p.{name}.svg").read_text(encoding="utf-8"))


def test_the_same_input_gives_the_same_page(runner, tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        assert runner.invoke(cli, ["portfolio", str(RESULTS), "-o", str(tmp_path / name)], env=NOW).exit_code == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_bad_records_are_located(runner, tmp_path: Path) -> None:
    rows = RESULTS.read_text(encoding="utf-8").splitlines()
    old = json.loads(rows[1])
    for key in ("weakest", "gates_failing", "industry", "market", "size_class", "employees"):
        del old[key]  # a record of an older cxm batch
    bad_level = json.loads(rows[2])
    bad_level["levels"]["brand"] = 9
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        "\n".join([rows[0], json.dumps(old), json.dumps(bad_level), "{not json", *rows[4:]]) + "\n", encoding="utf-8"
    )
    result = runner.invoke(cli, ["portfolio", str(bad), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {bad}:2: weakest: missing (written by an older cxm batch? run it again)",
        f"error: {bad}:2: gates_failing: missing (written by an older cxm batch? run it again)",
        f"error: {bad}:2: industry: missing (written by an older cxm batch? run it again)",
        f"error: {bad}:2: market: missing (written by an older cxm batch? run it again)",
        f"error: {bad}:2: size_class: missing (written by an older cxm batch? run it again)",
        f"error: {bad}:3: levels.brand: expected a whole number from 1 to 6, got 9",
        f"error: {bad}:4: (record): malformed JSON: Expecting property name enclosed in double quotes",
    ]
    proc = run_cxm("portfolio", str(bad), "-o", str(tmp_path / "p.html"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not (tmp_path / "p.html").exists()


def test_output_must_be_html_md_or_json(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["portfolio", str(RESULTS), "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 2
    assert "the portfolio must end in .html, .md or .json" in result.output
    result = runner.invoke(cli, ["portfolio", str(RESULTS)])
    assert result.exit_code == 2
    assert "give -o OUT.html|OUT.md|OUT.json, or --format json" in result.output


def test_batch_summary(runner, tmp_path: Path) -> None:
    out, page = tmp_path / "r.jsonl", tmp_path / "summary.html"
    result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(out), "--summary", str(page)], env=NOW)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f'40 assessed, 0 errors\n23 of them with consistency warnings (see "warnings"; '
        f"cxm assess shows where each is)\nsummary: {page}\n"
    )
    direct = tmp_path / "direct.html"
    assert runner.invoke(cli, ["portfolio", str(out), "-o", str(direct)], env=NOW).exit_code == 0
    assert page.read_bytes() == direct.read_bytes()
    result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(tmp_path / "r.csv"), "--summary", str(page)])
    assert result.exit_code == 2
    assert "--summary needs a JSON Lines output (.jsonl)" in result.output


# --- the HTML page in headless Chromium ---------------------------------------------------------

PROBE = """<script>
const boxes = {};
for (const id of ['stages-chart', 'levels-chart', 'stages-by-industry-chart', 'stages-by-market-chart',
                  'stages-by-size-class-chart']) {
  const c = document.querySelector('#' + id + ' svg').getBoundingClientRect();
  boxes[id] = [c.left, c.top, c.width, c.height].map(Math.round);
}
document.body.setAttribute('data-charts', JSON.stringify(boxes));
document.body.setAttribute('data-recs', JSON.stringify([...document.querySelectorAll('tr.rec-row')].length));
document.body.setAttribute('data-wide', String(document.documentElement.scrollWidth > window.innerWidth));
</script>
"""


HEIGHT = 6000  # the window: the whole page fits


def _browser(binary: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
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
        f"--user-data-dir={tmp_path / 'profile'}",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size=1280,{HEIGHT}",
        *args,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


@pytest.mark.slow
def test_html_portfolio_renders_in_headless_chromium(runner, tmp_path: Path) -> None:
    from PIL import Image

    binary = chromium()
    page = tmp_path / "portfolio.html"
    assert runner.invoke(cli, ["portfolio", str(RESULTS), "-o", str(page)], env=NOW).exit_code == 0
    text = page.read_text(encoding="utf-8")
    _offline(text)
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _browser(binary, tmp_path, "--dump-dom", probe.as_uri()).stdout
    assert 'id="chart-cxm-stages"' in dom and 'id="chart-cxm-levels"' in dom
    boxes = json.loads(html.unescape(re.search(r'data-charts="([^"]*)"', dom).group(1)))
    assert re.search(r'data-recs="10"', dom)
    assert 'data-wide="false"' in dom  # nothing runs off the page
    png = tmp_path / "portfolio.png"
    _browser(binary, tmp_path, f"--screenshot={png}", page.as_uri())
    image = Image.open(png).convert("RGB")
    # the stage chart: bars in the report's blue
    left, top, width, height = boxes["stages-chart"]
    assert width >= 500 and height >= 200 and top + height < HEIGHT
    pixels = _pixels(image.crop((left, top, left + width, top + height)))
    blue = sum(1 for r, g, b in pixels if abs(r - 0x1F) < 40 and abs(g - 0x6F) < 40 and abs(b - 0x8B) < 40)
    assert blue / len(pixels) > 0.05, "the stage bars are not drawn"
    # the level chart: each level's colour is there (red for level 1 ... orange for level 2)
    left, top, width, height = boxes["levels-chart"]
    assert width >= 500 and height >= 200 and top + height < HEIGHT
    pixels = _pixels(image.crop((left, top, left + width, top + height)))
    red = sum(1 for r, g, b in pixels if r > 170 and g < 90 and b < 80)
    orange = sum(1 for r, g, b in pixels if r > 200 and 110 < g < 160 and b < 80)
    yellow = sum(1 for r, g, b in pixels if r > 210 and g > 180 and b < 60)
    print(f"stage chart blue {blue}; level chart red {red}, orange {orange}, yellow {yellow}")
    assert red > 2000 and orange > 2000 and yellow > 2000, "the stacked level bars are not drawn"
    # each cut's chart: the stages of its groups, every bar the full width (per cent of the group)
    for cut, groups in (("industry", 6), ("market", 2), ("size-class", 4)):
        left, top, width, height = boxes[f"stages-by-{cut}-chart"]
        assert width >= 500 and height >= 150 + 40 * groups and top + height < HEIGHT, cut
        pixels = _pixels(image.crop((left, top, left + width, top + height)))
        ink = sum(1 for p in pixels if min(p) < 200)
        assert ink / len(pixels) > 0.2, f"the {cut} chart is (nearly) blank"


# --- one company against the portfolio: cxm report --portfolio ----------------------------------


def _percentile(value: int, values: list[int]) -> int:
    below = sum(v < value for v in values)
    level = sum(v == value for v in values)
    exact = 100 * (below + level / 2) / len(values)
    return int(exact + 0.5 + 1e-9)


def test_report_with_portfolio_shows_the_percentiles(runner, tmp_path: Path) -> None:
    from tests.conftest import example

    lender = example("article-2-regional-lender")
    a = json.loads(runner.invoke(cli, ["assess", str(lender), "--format", "json"]).stdout)
    mine = {"stage": a["stage"]["number"], **{c: a["levels"][c]["level"] for c in COMPETENCIES}}
    assert mine == {"stage": 3, "leadership": 3, "brand": 3, "employees": 3, "customers": 3}
    rows = _rows()
    groups = [
        ("Whole portfolio (40 companies)", rows),
        ("Industry: Finance (6 companies)", [r for r in rows if "finance" in r["industry"]]),
        ("Size class: Large (250+) (6 companies)", [r for r in rows if r["size_class"] == "large"]),
    ]
    expected = []
    for name, group in groups:
        values = {
            "stage": [STAGES.index(r["stage"]) + 1 for r in group],
            **{c: [r["levels"][c] for r in group] for c in COMPETENCIES},
        }
        cells = [
            f"{_percentile(mine[k], v)} (median {statistics_median(v):g})"
            if k != "stage"
            else f"{_percentile(mine[k], v)} (median: {_stage_median(statistics_median(v))})"
            for k, v in values.items()
        ]
        expected.append(f"| {name} | {' | '.join(cells)} |")
    whole = [STAGES.index(r["stage"]) + 1 for r in rows]
    assert expected[0].startswith(f"| Whole portfolio (40 companies) | {_percentile(3, whole)} (median: ")

    out = tmp_path / "lender.md"
    result = runner.invoke(cli, ["report", str(lender), "-o", str(out), "--portfolio", str(RESULTS)], env=NOW)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        str(out),
        str(tmp_path / "lender.radar.svg"),
        str(tmp_path / "lender.standing.svg"),
    ]
    lines = out.read_text(encoding="utf-8").splitlines()
    at = lines.index("## Against the portfolio")
    assert lines[at + 8 : at + 12] == ["| This company | 3 | 3 | 3 | 3 | 3 |", *expected]
    _offline((tmp_path / "lender.standing.svg").read_text(encoding="utf-8"))

    page = tmp_path / "lender.html"
    result = runner.invoke(cli, ["report", str(lender), "-o", str(page), "--portfolio", str(RESULTS), "--lang", "ru"])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    _offline(text)
    assert 'id="chart-cxm-standing"' in text
    assert "<h2>В сравнении с портфелем</h2>" in text
    ru_median = {"Ignore": "Игнорирование", "Explore": "Исследование", "Mobilize": "Мобилизация"}
    stage_cell = expected[0].split(" | ")[1]  # "NN (median: Stage)", the percentile and median derived above
    pct, median = stage_cell.split(" (median: ")
    assert f"<td>{pct} (медиана: {ru_median[median.rstrip(')')]})</td>" in text

    # a company whose industry group is too small is compared with the portfolio and its size class only
    small = tmp_path / "clinic.yaml"
    small.write_text(
        lender.read_text(encoding="utf-8").replace("industry: [finance]", "industry: [healthcare]"), encoding="utf-8"
    )
    out = tmp_path / "clinic.md"
    assert runner.invoke(cli, ["report", str(small), "-o", str(out), "--portfolio", str(RESULTS)]).exit_code == 0
    rows_shown = [
        line
        for line in out.read_text(encoding="utf-8").splitlines()
        if line.startswith(("| Whole", "| Industry", "| Size class"))
    ]
    assert [line.split(" |")[0] for line in rows_shown] == [
        "| Whole portfolio (40 companies)",
        "| Size class: Large (250+) (6 companies)",
    ]


def test_report_with_a_bad_portfolio_exits_2(runner, tmp_path: Path) -> None:
    from tests.conftest import example

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"row": 1}\n', encoding="utf-8")
    out = tmp_path / "r.html"
    result = runner.invoke(
        cli, ["report", str(example("article-1-wellness-resort")), "-o", str(out), "--portfolio", str(bad)]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: {bad}:1: company: missing (written by an older cxm batch? run it again)"
    )
    assert not out.exists()


def statistics_median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def test_nothing_overwrites_its_input(runner, tmp_path: Path) -> None:
    copy = tmp_path / "results.json"
    copy.write_bytes(RESULTS.read_bytes())
    result = runner.invoke(cli, ["portfolio", str(copy), "-o", str(copy)])
    assert result.exit_code == 2
    assert f"{copy} is the input; write the portfolio elsewhere" in result.output
    out = tmp_path / "r.jsonl"
    result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(out), "--summary", str(out)])
    assert result.exit_code == 2
    assert f"{out} is the input; write the portfolio elsewhere" in result.output
    assert copy.read_bytes() == RESULTS.read_bytes() and not out.exists()


def test_empty_unreadable_and_bad_folder_inputs_exit_2(runner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "a.yaml").write_text("company:\n  name: A\n", encoding="utf-8")
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    for path, first in (
        (empty, f"error: {empty}: no companies in the portfolio"),
        (
            binary,
            f"error: {binary}: cannot read the portfolio: 'utf-8' codec can't decode byte 0xff "
            "in position 0: invalid start byte",
        ),
        (folder, f"error: row 1: company.country: required field is missing [{folder / 'a.yaml'}:1:1]"),
        (nothing, f"error: {nothing}: no facts files (*.yaml, *.yml, *.json) in the folder"),
    ):
        result = runner.invoke(cli, ["portfolio", str(path), "--format", "json"])
        assert result.exit_code == 2, path
        assert result.stderr.splitlines()[0] == first
        assert result.stdout == ""


def _stage_median(median: float) -> str:
    """A median stage as the report gives it: a stage's name, or the two stages a half-way median falls between."""
    names = ["Ignore", "Explore", "Mobilize", "Operationalize", "Align", "Embed"]
    if median == int(median):
        return names[int(median) - 1]
    return f"between {names[int(median) - 1]} and {names[int(median)]}"
