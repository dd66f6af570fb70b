"""Property tests of the facts-file reader: valid files assess, broken ones get located errors, nothing hangs.

``CXM_HYPOTHESIS_EXAMPLES`` raises the number of examples (2,000 by default; the README's testing
section records a long run). Examples are derandomized, so CI runs the same inputs every time.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxm.cli.main import cli
from cxm.cli.render import to_json
from cxm.facts.load import load_facts, load_facts_text
from cxm.facts.source import SourceError
from cxm.facts.vocabulary import input_fields
from tests.conftest import EXAMPLES

EXAMPLES_N = int(os.environ.get("CXM_HYPOTHESIS_EXAMPLES", "2000"))
PROPERTY = settings(
    max_examples=EXAMPLES_N, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
CLI = settings(PROPERTY, max_examples=max(200, EXAMPLES_N // 10))  # each run loads the rules
BOUND = 5.0  # CPU seconds per input ("never a hang"; CPU time, so a busy machine does not fail it)
LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<field>\S.*?): (?P<message>\S.*)$")

FIELDS = input_fields()
FIXED = {
    "company.name",
    "company.country",
    "company.markets.b2b",
    "company.markets.b2c",
    "company.employees",
    "company.branches",
    "customers.response_time_hours",
    "systems.integrated",
}
INTS = {
    "company.employees": (1, 10_000_000),
    "company.branches": (0, 100_000),
    "customers.response_time_hours": (0, 10_000),
}
BASES = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: Any, **options: Any) -> str:
    return yaml.dump(data, Dumper=DUMPER, **options)


WORK = Path(tempfile.mkdtemp(prefix="cxm-prop-facts-"))


def put(data: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = data
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[last] = value


def field_value(name: str) -> st.SearchStrategy[Any]:
    spec = FIELDS[name]
    if spec.kind == "enum":
        return st.sampled_from(spec.values)
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "list" and spec.item == "enum":
        return st.lists(st.sampled_from(spec.values), unique=True, min_size=name == "company.industry")
    if spec.kind == "list":
        return st.lists(st.integers(1, 5), min_size=5, max_size=5)
    low, high = INTS[name]
    return st.integers(low, high)


TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200)


@st.composite
def valid_facts(draw: st.DrawFn) -> dict:
    """A facts mapping that the schema accepts: an example with fields changed to allowed values."""
    data = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    data.pop("self_assessment", None)
    names = [n for n in FIELDS if n not in FIXED and not n.startswith("self_assessment.")]
    for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))):
        put(data, name, draw(field_value(name)))
    company = data["company"]
    company["name"] = draw(st.one_of(st.just(company["name"]), TEXT))
    company["country"] = draw(st.from_regex(r"\A[A-Z]{2}\Z"))
    b2b = draw(st.integers(0, 100))
    company["markets"] = {"b2b": b2b, "b2c": 100 - b2b}
    for name in INTS:
        if draw(st.booleans()):
            low, high = INTS[name]
            put(data, name, draw(st.integers(low, high)))
    present = data.get("systems", {}).get("present", [])
    put(data, "systems.integrated", draw(st.lists(st.sampled_from(present), unique=True)) if present else [])
    # facts that cannot hold together (cxm.facts.consistency): the footprint needs a CRM, LTV per segment segments
    if "crm" not in present:
        put(data, "systems.digital_footprint_in_crm", False)
    if data.get("customers", {}).get("ltv_by_segment"):
        put(data, "customers.segmentation", True)
    if draw(st.booleans()):
        data["self_assessment"] = {
            c: draw(field_value(f"self_assessment.{c}")) for c in ("leadership", "brand", "employees", "customers")
        }
    return data


def render(data: Any, style: int) -> str:
    if style == 0:
        return json.dumps(data)
    return dump(data, allow_unicode=style == 1, default_flow_style=style == 2 or None, sort_keys=False)


JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | TEXT
    | st.sampled_from(
        ["retial", "yes", "NO", "2020-01-01", "0x1F", "1e999", ".inf", "~", "", "__class__", "{0.__class__}"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(TEXT | st.sampled_from(list(FIELDS)), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def broken_facts(draw: st.DrawFn) -> dict:
    """A valid mapping broken in one to three ways: wrong types, missing or unknown keys, enum typos ..."""
    data = draw(valid_facts())
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["junk", "drop", "unknown", "typo", "deep", "huge", "section"]))
        name = draw(st.sampled_from(list(FIELDS)))
        if how == "junk":
            put(data, name, draw(JUNK))
        elif how == "drop":
            section, _, rest = name.partition(".")
            node = data.get(section)
            if isinstance(node, dict):
                node.pop(rest.split(".")[0], None)
            else:
                data.pop(section, None)
        elif how == "unknown":
            put(data, name.rsplit(".", 1)[0] + "." + draw(TEXT.filter(lambda t: "." not in t)), 1)
        elif how == "typo":
            value = draw(st.sampled_from(FIELDS[name].values or ("none",)))
            put(data, name, value[:-1] + draw(st.sampled_from("xz_")))
        elif how == "deep":
            nested: Any = draw(JUNK)
            for _ in range(draw(st.integers(10, 80))):
                nested = [nested] if draw(st.booleans()) else {"a": nested}
            put(data, name, nested)
        elif how == "huge":
            put(data, name, draw(st.sampled_from([10**400, -(10**30), 2**63, 1e308, "x" * 100_000, ["a"] * 5000])))
        else:
            data[draw(st.sampled_from(["company", "leadership", "systems", "self_assessment"]))] = draw(JUNK)
    return data


def alias_bomb(width: int, depth: int) -> str:
    text = "a0: &a0 [" + ", ".join(["x"] * width) + "]\n"
    for i in range(1, depth):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]\n"
    return text


RAW = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"",
            b"\n",
            b"# only a comment\n",
            b"---\n...\n",
            b"\xef\xbb\xbf",
            b"---\na: 1\n---\nb: 2\n",
            b"company: !!python/object/apply:os.system ['touch /tmp/cxm-canary']\n",
            b"company: !!python/name:os.system\n",
            b"!!binary aGVsbG8=\n",
            b"a: &x [*x]\n",
            b"company: &c {name: A}\nleadership: *c\n",
            b"<<: {company: 1}\n",
            b"? [a, b]\n: c\n",
            b"\xff\xfecompany:",
            b"company:\n  name: caf\xe9\n",
            b"\x00",
            b"company:\t\n",
            b"[" * 3000,
        ]
    ),
    st.builds(alias_bomb, st.integers(2, 12), st.integers(2, 9)).map(str.encode),
)


@st.composite
def broken_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(RAW)
    text = render(draw(valid_facts()), draw(st.integers(0, 2))).encode("utf-8")
    if kind == 1:  # cut, splice or corrupt a valid file
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(RAW) + text[at + draw(st.integers(0, 20)) :]
    if kind == 2:
        return draw(RAW) + text
    lines = text.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    lines.insert(
        i,
        draw(
            st.sampled_from(
                [
                    b"  !!python/object:os.system x",
                    b"  &a b: *a",
                    b"\t",
                    b"- x",
                    b"a",
                    b"  employees: 5",
                    b"  name: [",
                    b"company:",
                    b"  \xc3\x28: 1",
                ]
            )
        ),
    )
    return b"\n".join(lines)


def check_located(exc: SourceError, file: str, text: bytes | str) -> None:
    assert exc.problems, "a SourceError without problems"
    lines = (text.count(b"\n") if isinstance(text, bytes) else text.count("\n")) + 2
    for problem in exc.problems:
        assert problem.file == file
        assert 1 <= problem.line <= lines, problem
        assert problem.col >= 1 and problem.field and problem.message, problem
        assert "\n" not in problem.message and "Traceback" not in problem.message, problem
        assert LINE.match(str(problem).splitlines()[0]), problem


def assess_or_located(engine, data: bytes, file: Path) -> str:
    """Load and assess ``data``: a result, or a located SourceError; anything else fails the test."""
    file.write_bytes(data)
    started = time.process_time()
    try:
        loaded = load_facts(file)
    except SourceError as exc:
        check_located(exc, str(file), data)
        outcome = "rejected"
    else:
        result = engine.assess(loaded, trace=True)
        assert result.stage.id
        to_json(result, trace=True)
        outcome = "assessed"
    assert time.process_time() - started < BOUND, "an input took too long"
    return outcome


@pytest.mark.slow
@PROPERTY
@given(data=valid_facts(), style=st.integers(0, 2))
def test_a_valid_facts_file_always_assesses(engine, data: dict, style: int) -> None:
    text = render(data, style)
    started = time.process_time()
    loaded = load_facts_text(text, "valid.yaml")
    result = engine.assess(loaded)
    assert result.company == data["company"]["name"]
    json.loads(to_json(result))
    assert time.process_time() - started < BOUND


@pytest.mark.slow
@PROPERTY
@given(data=broken_facts(), style=st.integers(0, 2))
def test_a_broken_facts_mapping_is_located(engine, data: dict, style: int) -> None:
    text = render(data, style)
    path = WORK / "broken.yaml"
    assess_or_located(engine, text.encode("utf-8"), path)


@pytest.mark.slow
@PROPERTY
@given(data=broken_bytes())
def test_any_bytes_assess_or_are_located(engine, data: bytes) -> None:
    assess_or_located(engine, data, WORK / "bytes.yaml")


@pytest.mark.slow
@CLI
@given(
    data=st.one_of(
        broken_bytes(),
        broken_facts().map(lambda d: render(d, 1).encode("utf-8")),
        valid_facts().map(lambda d: render(d, 1).encode("utf-8")),
    ),
    fmt=st.sampled_from(["text", "json"]),
)
def test_the_cli_exits_0_or_2_with_located_lines(data: bytes, fmt: str) -> None:
    from click.testing import CliRunner

    path = WORK / "cli.yaml"
    path.write_bytes(data)
    started = time.process_time()
    result = CliRunner().invoke(cli, ["assess", str(path), "--format", fmt])
    assert time.process_time() - started < BOUND
    assert "Traceback" not in result.output
    if result.exit_code == 0:  # stderr holds nothing but located warnings (facts that likely contradict)
        warnings = result.stderr.splitlines()
        assert all(w.startswith(f"warning: {path}:") and LINE.match(w.removeprefix("warning: ")) for w in warnings)
        if fmt == "json":
            json.loads(result.stdout)
        return
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(LINE.match(line) and line.startswith(f"{path}:") for line in lines), lines


def test_regressions() -> None:
    """Inputs the property tests (or their authors) once got wrong, kept as plain cases."""
    # a merge key was reported as "keys must be plain words" (the composer tags it !!merge)
    try:
        load_facts_text("company: &c {name: A}\nleadership: {<<: *c}\n", "m.yaml")
    except SourceError as exc:
        assert str(exc) == "m.yaml:2:14: leadership: YAML merge keys ('<<') are not supported; write the keys out"
    else:  # pragma: no cover
        raise AssertionError("merge key accepted")

    # a key holding a line break split its error message over two lines
    try:
        load_facts_text('company:\n  "\\r\\n": 1\n', "k.yaml")
    except SourceError as exc:
        assert "k.yaml:2:3: company['\\r\\n']: unknown key '\\r\\n'" in str(exc).splitlines()
    else:  # pragma: no cover
        raise AssertionError("unknown key accepted")
    # a character YAML forbids was reported at 1:1 (libyaml counts bytes; the position is now converted)
    try:
        load_facts_text("company:\n  name: é\x7f\n", "c.yaml")
    except SourceError as exc:
        assert str(exc) == (
            "c.yaml:2:10: (root): malformed YAML: character U+007F is not allowed (control characters are not allowed)"
        )
    else:  # pragma: no cover
        raise AssertionError("control character accepted")
    # JSON writes a character beyond U+FFFF as an escaped surrogate pair, which YAML rejected
    text = json.dumps(
        {
            "company": {
                "name": "Café 😀 𐀀",
                "industry": ["retail"],
                "markets": {"b2c": 100},
                "employees": 5,
                "geography": "local",
                "country": "RU",
            }
        }
    )
    assert "\\ud83d\\ude00" in text
    assert load_facts_text(text, "emoji.json").facts.company.name == "Café 😀 𐀀"
    # ... and the check that such a text is JSON hit Python's recursion limit on deeply nested input
    try:
        load_facts_text("[" * 3000 + text, "deep.json")
    except SourceError as exc:
        assert str(exc) == "deep.json:1:1001: (root): malformed YAML: exceeded maximum nesting depth"
    else:  # pragma: no cover
        raise AssertionError("deep nesting accepted")
