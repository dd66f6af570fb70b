"""The concerns of RELIABILITY.md, each decided; the test states the decision.

- ``A02-list99k-unknown``: at most 20 problems per list, then one line counting the rest.
- ``LC-cxmlang-garbage``: CXM_LANG with another value is a usage error (exit 2) that names CXM_LANG, not --lang.
- ``LP-*``: a legal long name works (short temporary names) or is refused before the work, naming the limit.
- ``PF-dup_rows``: a row number seen again is an error of its line (a company counts once).
- ``PF-other_version``: ids that are not in the rule base are errors (another version or other --rules).
- ``RD-doc-hostile``: rule texts are literal Markdown in ``rules doc`` (no HTML, link or image comes out).
- ``CP-fifo-as-cache-file``, ``CP-signed-wrong-object``: such a cache file is not used; it is rebuilt.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from cxm.cli.main import cli
from tests.conftest import EXAMPLES, ROOT, example

RESULTS = EXAMPLES / "portfolio" / "results.jsonl"
RESPONSES = EXAMPLES / "survey" / "responses.csv"
FACTS = example("article-1-wellness-resort")


def test_A02_list99k_unknown_items_are_capped(runner, tmp_path: Path) -> None:
    data = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    data["metrics"]["in_use"] = [f"zz{i}" for i in range(99_000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert lines[0].endswith("metrics.in_use: 98,980 more items of this list are wrong (the first 20 are shown)")
    assert lines[1].endswith("metrics.in_use[0]: 'zz0' is not one of: nps, csi, csat, ces, enps, ltv, churn")


def test_LC_cxmlang_garbage_is_a_usage_error_naming_the_variable(runner) -> None:
    result = runner.invoke(cli, ["assess", str(FACTS)], env={"CXM_LANG": "xx"})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: CXM_LANG='xx' is not a language of cxm: set it to en or ru, or unset it"
    )
    assert "--lang" not in result.stderr.splitlines()[-1]
    assert runner.invoke(cli, ["assess", str(FACTS)], env={"CXM_LANG": "ru"}).stdout.startswith("Оценка")
    assert runner.invoke(cli, ["assess", str(FACTS), "--lang", "en"], env={"CXM_LANG": "xx"}).exit_code == 0


def _long(tmp_path: Path, suffix: str, size: int = 250) -> Path:
    return tmp_path / ("n" * (size - len(suffix)) + suffix)


def test_LP_report_250_a_legal_long_name_is_written(runner, tmp_path: Path) -> None:
    out = _long(tmp_path, ".html")
    result = runner.invoke(cli, ["report", str(FACTS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_LP_report_250_md_whose_chart_name_cannot_exist_is_refused_first(runner, tmp_path: Path) -> None:
    out = _long(tmp_path, ".md")
    result = runner.invoke(cli, ["report", str(FACTS), "-o", str(out)])
    assert result.exit_code == 2
    assert "the name is too long for the chart written beside it" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_LP_survey_250_out_is_written(runner, tmp_path: Path) -> None:
    out = _long(tmp_path, ".yaml")
    result = runner.invoke(cli, ["survey", str(RESPONSES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))


def test_LP_batch_250_out_is_refused_before_the_run(runner, tmp_path: Path) -> None:
    out = _long(tmp_path, ".jsonl")
    result = runner.invoke(cli, ["batch", str(EXAMPLES / "portfolio" / "companies.jsonl"), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {out}: the name is too long for the files a run keeps beside it (such as "
        f"'{'n' * 10}.jsonl.partial' at the end); give a name of at most 244 bytes\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_LP_save_4000_path_names_sqlites_limit(runner, tmp_path: Path) -> None:
    db = tmp_path.joinpath(*["d" * 100] * 30) / "h.db"  # about 3,000 bytes: a legal path
    result = runner.invoke(cli, ["assess", str(FACTS), "--save", "--db", str(db)])
    assert result.exit_code == 1
    size = len(os.fsencode(db))
    assert result.stderr.splitlines()[-1] == (
        f"error: the assessment was printed but not saved: {db}: the path is "
        f"longer than SQLite accepts ({size} bytes, at most 512); give a "
        "shorter --db"
    )


def test_PF_dup_rows_a_company_counts_once(runner, tmp_path: Path) -> None:
    line = RESULTS.read_text(encoding="utf-8").splitlines()[0]
    src = tmp_path / "dup.jsonl"
    src.write_text("\n".join([line] * 1000) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["portfolio", str(src), "--format", "json"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 999
    assert lines[0] == f"error: {src}:2: row: row 1 again (first at line 1); a portfolio counts each company once"


def test_PF_other_version_ids_are_refused(runner, tmp_path: Path) -> None:
    record = json.loads(RESULTS.read_text(encoding="utf-8").splitlines()[0])
    record["recommendations"] = [*record["recommendations"], "a-recommendation-of-version-9"]
    src = tmp_path / "other.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["portfolio", str(src), "--format", "json"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}:1: recommendations: 'a-recommendation-of-version-9' is not in this rule "
        "base (written with other rules or another version of cxm? give the same --rules, or "
        "run cxm batch again)\n"
    )


def test_RD_doc_hostile_rule_texts_are_literal_markdown(runner, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    hostile = "<img src=x onerror=alert(1)> [a](file:///etc/passwd) <object data=x> ![i](http://x/i.png) *b*"
    (rules / "hostile.yaml").write_text(
        "rules:\n  - id: hostile-doc\n"
        f"    title: {{en: {json.dumps(hostile)}, ru: {json.dumps(hostile)}}}\n"
        f"    because: {{en: {json.dumps(hostile)}, ru: Потому что.}}\n"
        f"    source: {json.dumps(hostile)}\n"
        "    when: always\n    then: {gate: explore}\n",
        encoding="utf-8",
    )
    out = tmp_path / "docs"
    result = runner.invoke(cli, ["rules", "doc", "--rules", str(rules), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = next(p for p in out.glob("*.md") if "hostile" in p.name).read_text(encoding="utf-8")
    import markdown_it

    html = markdown_it.MarkdownIt().render(page)
    for raw in ("<img", "<object", 'href="file:', "<em>b</em>"):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def _cached_run(cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxm.cli", "assess", str(FACTS), "--no-path"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "CXM_CACHE_DIR": str(cache)},
    )


def test_CP_fifo_as_cache_file_is_replaced_without_waiting(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _cached_run(cache)
    assert first.returncode == 0, first.stderr
    rules = next(cache.glob("rules-*.pickle"))
    rules.unlink()
    os.mkfifo(rules)
    again = _cached_run(cache)  # waited for a writer for ever
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert rules.is_file()  # rebuilt: the FIFO was replaced by the new cache file


def test_CP_signed_wrong_object_is_rebuilt(tmp_path: Path) -> None:
    # signed with this installation's key, but another cache file: the facts schema stored under the rule base's
    # name (a traceback); a cache file now holds its kind and name, and one that is not its own is rebuilt
    cache = tmp_path / "cache"
    first = _cached_run(cache)
    assert first.returncode == 0, first.stderr
    rules = next(cache.glob("rules-*.pickle"))
    shutil.copy(next(cache.glob("facts-schema-*.pickle")), rules)
    again = _cached_run(cache)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout and "Traceback" not in again.stderr
