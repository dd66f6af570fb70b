"""Output that others will open, and outputs that fail (issue 15, items 1, 10, 14, 16): `report` never
overwrites its input, a report or a stream that cannot be written is one line, a hostile company name
comes out of Markdown, text and JSON as the same literal text and nothing more."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cxm.cli.main import cli
from tests.conftest import ROOT, example, require, run_cxm
from tests.test_history_failures import read_only

NOW = {"CXM_NOW": "2026-01-10T09:00:00Z"}
FACTS = example("article-1-wellness-resort")
COMPANY = "Regional wellness resort (article, company 1)"


def _named(tmp_path: Path, name: str, file: str = "hostile.json") -> Path:
    """Article company 1 under another name, as a JSON facts file (any character can be written in it)."""
    import yaml

    data = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    data["company"]["name"] = name
    path = tmp_path / file
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- item 1: report FILE -o FILE ---------------------------------------------------------------------


def test_a_report_over_its_own_facts_file_is_refused(runner, tmp_path) -> None:
    facts = tmp_path / "company.md"
    facts.write_bytes(FACTS.read_bytes())
    result = runner.invoke(cli, ["report", str(facts), "-o", str(facts)])
    assert result.exit_code == 2
    assert result.stderr == f"error: FILE {facts} and OUT {facts} are the same file; give different names\n"
    assert facts.read_bytes() == FACTS.read_bytes()
    chart = tmp_path / "r.radar.svg"  # the chart a Markdown report writes beside it
    chart.write_bytes(FACTS.read_bytes())
    result = runner.invoke(cli, ["report", str(chart), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 2
    assert result.stderr == (f"error: FILE {chart} and the chart {chart} are the same file; give different names\n")
    assert chart.read_bytes() == FACTS.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["company.md", "r.radar.svg"]


# --- item 10: outputs that cannot be written -----------------------------------------------------------


def test_a_report_into_a_read_only_folder_is_one_line(runner, tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    out = folder / "r.html"
    with read_only(folder):
        result = runner.invoke(cli, ["report", str(FACTS), "-o", str(out)], env=NOW)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot write the report {out}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert list(folder.iterdir()) == []


def test_stdout_on_a_full_device_is_one_line() -> None:
    for args in (["assess", str(FACTS)], ["schema"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "cxm.cli", *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
                timeout=120,
            )
        assert proc.returncode == 1
        assert proc.stderr == "error: cannot write the output: No space left on device\n"


def test_a_folder_planted_where_a_cache_file_goes_is_ignored(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CXM_CACHE_DIR", str(tmp_path))
    first = run_cxm("assess", str(FACTS))
    assert first.returncode == 0, first.stderr
    planted = sorted(tmp_path.glob("*.pickle"))
    assert [p.name.split("-")[0] for p in planted] == ["facts", "rules"]
    for path in planted:  # a cache entry of the wrong file type
        path.unlink()
        path.mkdir()
    again = run_cxm("assess", str(FACTS))
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, "")
    assert all(p.is_dir() for p in planted)


# --- item 14: the Markdown report ----------------------------------------------------------------------

HOSTILE = (
    "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![t](http://evil.example/p.png) "
    "<https://evil.example> **bold** `code` | pipe\n# Forged heading\n- forged item\n<script>x</script>"
)


def test_a_hostile_name_is_plain_text_in_the_markdown_report(runner, tmp_path) -> None:
    markdown_it = require("markdown_it", "the test extra: pip install '.[test]'")
    facts = _named(tmp_path, HOSTILE)
    out = tmp_path / "r.md"
    result = runner.invoke(cli, ["report", str(facts), "-o", str(out)], env=NOW)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "# Customer-experience maturity report: &lt;img src=x onerror=alert(1)&gt; \\[click\\](javascript:alert(1)) "
        "!\\[t\\](http://evil.example/p.png) &lt;https://evil.example&gt; \\*\\*bold\\*\\* \\`code\\` \\| pipe "
        "# Forged heading - forged item &lt;script&gt;x&lt;/script&gt;"
    )
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(text)
    inline = [child for token in tokens if token.children for child in token.children]
    assert not {t.type for t in tokens + inline} & {"html_block", "html_inline", "link_open"}
    assert [t.attrs["src"] for t in inline if t.type == "image"] == ["r.radar.svg"]  # only the chart
    assert [t.tag for t in tokens if t.type == "heading_open"][:2] == ["h1", "h2"]  # no forged heading
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1
    assert tokens[0].type == "heading_open"
    assert {c.type for c in tokens[1].children} == {"text"}  # the title is text alone: no emphasis, no code
    assert "".join(c.content for c in tokens[1].children) == (
        "Customer-experience maturity report: <img src=x onerror=alert(1)> [click](javascript:alert(1)) "
        "![t](http://evil.example/p.png) <https://evil.example> **bold** `code` | pipe "
        "# Forged heading - forged item <script>x</script>"
    )


def test_an_odd_chart_name_cannot_break_its_link(runner, tmp_path) -> None:
    out = tmp_path / "a) ![x](http:evil) b.md"
    result = runner.invoke(cli, ["report", str(FACTS), "-o", str(out)], env=NOW)
    assert result.exit_code == 0, result.output
    assert (
        "![Radar chart of the four competency levels (1 to 6)](a%29%20%21%5Bx%5D%28http%3Aevil%29%20b.radar.svg)"
        in out.read_text(encoding="utf-8").splitlines()
    )


# --- item 16: text and JSON -----------------------------------------------------------------------------


def test_line_breaks_bidi_and_zero_width_in_a_name_are_shown_escaped(runner, tmp_path) -> None:
    name = "Acme\nFile: forged.yaml\r\u202eevil\u200b\u2066x\u2069\x85\x1b[31m"
    facts = _named(tmp_path, name)
    result = runner.invoke(cli, ["assess", str(facts)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "CX maturity assessment: Acme\\x0aFile: forged.yaml\\x0d\\u202eevil\\u200b\\u2066x\\u2069\\x85\\x1b[31m"
    )
    assert lines[1] == f"Facts file: {facts}"
    for char in "\r\u202e\u200b\u2066\u2069\x85\x1b":
        assert char not in result.stdout


def test_json_escapes_c1_bidi_and_zero_width_and_reads_back_the_same(runner, tmp_path) -> None:
    name = "Acme\x85\x9b31m\u202eevil\u200d\u2028"
    facts = _named(tmp_path, name)
    proc = run_cxm("assess", str(facts), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert '"company": "Acme\\u0085\\u009b31m\\u202eevil\\u200d\\u2028",' in proc.stdout
    assert json.loads(proc.stdout)["company"] == name
    assert not set(proc.stdout) & set("\x85\x9b\u202e\u200d\u2028")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_text(encoding="utf-8")
    assert '"company":"Acme\\u0085\\u009b31m\\u202eevil\\u200d\\u2028"' in raw
    assert json.loads(raw)["company"] == name


def test_the_history_shows_a_hostile_name_escaped(runner, tmp_path) -> None:
    name = "Acme\nForged line\u202e"
    db = tmp_path / "h.sqlite3"
    facts = _named(tmp_path, name)
    assert runner.invoke(cli, ["assess", str(facts), "--save", "--db", str(db)], env=NOW).exit_code == 0
    result = runner.invoke(cli, ["history", name, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "History of Acme\\x0aForged line\\u202e [acme-forged-line]"
    result = runner.invoke(cli, ["history", name, "--db", str(db), "--format", "json"])
    assert '"name": "Acme\\nForged line\\u202e"' in result.stdout
