"""Bounded facts input (issue 15, items 6, 7, 20): a file is read up to its size limit and no further,
duplicate checks cost linear time, lists have a documented length limit, and a ``.json`` file is JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cxm.cli.main import cli
from cxm.facts import checks, source
from cxm.facts.source import SourceError, read_document
from tests.conftest import example, run_cxm


def _example_data(name: str = "article-1-wellness-resort") -> dict:
    return yaml.safe_load(example(name).read_text(encoding="utf-8"))


def test_an_endless_file_is_read_only_to_the_limit() -> None:
    proc = run_cxm("assess", "/dev/zero")  # before the fix: memory grew without bound
    assert proc.returncode == 2
    assert proc.stderr == f"/dev/zero:1:1: (root): the file is larger than {source.MAX_BYTES} bytes\n"


def test_no_more_than_the_limit_and_one_byte_is_read(tmp_path, monkeypatch) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 1000)
    reads: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args, **kwargs):
        handle = real_open(self, *args, **kwargs)
        read = handle.read

        def bounded(size: int = -1) -> bytes:
            reads.append(size)
            return read(size)

        handle.read = bounded
        return handle

    monkeypatch.setattr(source, "MAX_BYTES", 100)
    monkeypatch.setattr(Path, "open", counting_open)
    with pytest.raises(SourceError, match="larger than 100 bytes"):
        read_document(big)
    assert reads == [101]


class _Counted:
    """An item that counts how often it is compared or hashed."""

    eq = hashes = 0

    def __init__(self, n: int):
        self.n = n

    def __eq__(self, other: object) -> bool:
        _Counted.eq += 1
        return isinstance(other, _Counted) and other.n == self.n

    def __hash__(self) -> int:
        _Counted.hashes += 1
        return hash(self.n)

    def __str__(self) -> str:
        return f"item {self.n}"


def test_duplicates_are_found_in_linear_time() -> None:
    items = [_Counted(n) for n in range(3000)]
    _Counted.eq = _Counted.hashes = 0
    assert checks.unique(items) is items
    assert (_Counted.eq, _Counted.hashes) == (0, 6000)  # the old check compared about 4.5 million pairs
    with pytest.raises(ValueError, match=r"^item 7 is listed twice$"):
        checks.unique([*items[:10], _Counted(7)])


def test_lists_are_capped_at_a_documented_length(runner, tmp_path) -> None:
    data = _example_data()
    data["company"]["industry"] = ["retail"] * (checks.MAX_ITEMS + 1)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2
    col = json.dumps(data).index('"industry"') + len('"industry": ') + 1
    assert result.stderr == (
        f"{path}:1:{col}: company.industry: a list holds at most {checks.MAX_ITEMS} "
        f"items, this one {checks.MAX_ITEMS + 1}\n"
    )
    schema = json.loads(runner.invoke(cli, ["schema"]).stdout)
    assert schema["$defs"]["Company"]["properties"]["industry"]["maxItems"] == checks.MAX_ITEMS


@pytest.mark.parametrize(
    ("broken", "line", "col", "message"),
    [
        # the same text and place on every Python (3.11 and 3.12's decoder names the brace, 3.13's the comma)
        ("trailing", -1, -1, "malformed JSON: Illegal trailing comma before end of object"),
        ("comment", 1, 3, "malformed JSON: Expecting property name enclosed in double quotes"),
        ("nan", 2, 11, "malformed JSON: NaN is not a JSON value"),
        ("quotes", 2, 2, "malformed JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_a_json_file_is_strict_json(runner, tmp_path, broken, line, col, message) -> None:
    text = json.dumps(_example_data(), indent=1)
    text = {
        "trailing": text[:-2] + ",\n}",
        "comment": text.replace("{", "{ # note\n", 1),
        "nan": text.replace("{", '{\n "score": NaN,', 1),
        "quotes": text.replace('"company"', "'company'", 1),
    }[broken]
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    if broken == "trailing":  # the comma ends the line before the closing brace
        line = text.count("\n")
        col = len(text.splitlines()[line - 1])
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"{path}:{line}:{col}: (root): {message}\n"
    if broken == "trailing":  # the same text is valid YAML, and a .yaml file is read as YAML
        same = tmp_path / "facts.yaml"
        same.write_text(text, encoding="utf-8")
        assert runner.invoke(cli, ["assess", str(same)]).exit_code == 0


@pytest.mark.parametrize(
    ("text", "line", "col", "kind"),
    [
        ('{"a": [1, 2 ,\n  ]}', 1, 13, "array"),
        ('[\n {"a": 1},\t\r\n]', 2, 10, "array"),
        ('{"a": {"b": 1,}}', 1, 14, "object"),
    ],
)
def test_a_trailing_comma_is_located_at_the_comma_on_every_python(text, line, col, kind) -> None:
    from cxm.facts.source import SourceError, strict_json

    with pytest.raises(SourceError) as caught:
        strict_json(text, "f.json", first_line=1)
    (problem,) = caught.value.problems
    assert (problem.line, problem.col, problem.message) == (
        line,
        col,
        f"malformed JSON: Illegal trailing comma before end of {kind}",
    )
