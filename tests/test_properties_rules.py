"""Property tests of rule files and the condition language.

Any generated rule file either loads and compiles or is rejected with located problems (never another
exception, never a hang); every rule base that compiles runs on every example in a separate worker
process (durable-rules has crashed the process before) and fails, if at all, only with an EngineError.
``CXM_HYPOTHESIS_EXAMPLES`` raises the number of examples (2,000 by default).
"""

from __future__ import annotations

import itertools
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxm.engine.knowledge.loader import load_knowledge
from cxm.engine.language.conditions import ALL_OPS
from cxm.engine.runtime.compiler import compile_base
from cxm.facts.source import SourceError
from cxm.rules import BUILTIN_DIR
from tests.conftest import ROOT

EXAMPLES_N = int(os.environ.get("CXM_HYPOTHESIS_EXAMPLES", "2000"))
PROPERTY = settings(max_examples=EXAMPLES_N, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
BOUND = 5.0  # CPU seconds to load and compile one generated file
WORKER_BOUND = 60.0  # wall-clock seconds for the worker to run one rule base on four companies

DECLS = """\
facts:
  size: {type: enum, values: [small, medium, large], ordered: true, description: {en: Size, ru: Размер}}
  tag: {type: enum, values: [red, green, blue], many: true, description: {en: Tags, ru: Метки}}
  score: {type: int, description: {en: Score, ru: Счёт}}
  flag: {type: bool, description: {en: Flag, ru: Флаг}}
recommendations:
  - {id: do-it, kind: decision, competency: brand, effort: low, cost: low,
     title: {en: Do it, ru: Сделать}, text: {en: Do it., ru: Сделать.}, source: test}
"""
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: Any, **options: Any) -> str:
    return yaml.dump(data, Dumper=DUMPER, **options)


WORK = Path(tempfile.mkdtemp(prefix="cxm-prop-rules-"))
BASE = WORK / "base"
BASE.mkdir()
(BASE / "model.yaml").write_text((BUILTIN_DIR / "model.yaml").read_text(encoding="utf-8"), encoding="utf-8")
(BASE / "decls.yaml").write_text(DECLS, encoding="utf-8")
SPECS = load_knowledge([BASE], builtin=False).specs
NAMES = sorted(SPECS)
DERIVED = ["size", "tag", "score", "flag"]
COUNTER = itertools.count()

HOSTILE_WORDS = ["__class__", "__import__", "{0.__class__}", "$gt", "$ex", "os.system", "eval", "cxm_sink", "p",
                 "r0f0", "all", "any", "not", "always", "", " ", "é", "a" * 300]


def value_for(name: str) -> st.SearchStrategy[Any]:
    """A literal that may or may not fit fact ``name``."""
    spec = SPECS[name]
    good: st.SearchStrategy[Any]
    if spec.values:
        good = st.sampled_from(spec.values)
    elif spec.kind == "bool":
        good = st.booleans()
    elif spec.kind in ("int", "number") or spec.item == "int":
        good = st.integers(-5, 30)
    else:
        good = st.text(max_size=10)
    junk = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                     st.sampled_from(HOSTILE_WORDS), st.integers(-(10 ** 30), 10 ** 30))
    return st.one_of(good, good, good, junk)


@st.composite
def checks_of(draw: st.DrawFn, name: str) -> Any:
    """The tests of one fact: a bare value or a mapping of operators to operands."""
    if draw(st.integers(0, 4)) == 0:
        return draw(value_for(name))
    body: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 2))):
        op = draw(st.one_of(st.sampled_from(sorted(ALL_OPS)), st.sampled_from(["$gt", "greater", "__eq__", "is "])))
        kind = draw(st.integers(0, 5))
        if op == "present":
            operand: Any = draw(st.booleans() | value_for(name))
        elif kind == 0:
            operand = {"fact": draw(st.sampled_from(NAMES) | st.sampled_from(HOSTILE_WORDS))}
            if draw(st.booleans()):
                operand["plus"] = draw(st.integers(-3, 3) | value_for(name))
        elif kind in (1, 2) or op in ("in", "not_in", "has_any", "has_all", "has_none", "between"):
            operand = draw(st.lists(value_for(name), min_size=0, max_size=3))
        else:
            operand = draw(value_for(name))
        body[op] = operand
    return body


def fact_name() -> st.SearchStrategy[str]:
    return st.one_of(*[st.sampled_from(NAMES)] * 6, st.sampled_from(HOSTILE_WORDS),
                     st.sampled_from(NAMES).map(lambda n: n[:-1]), st.text(max_size=12))


@st.composite
def atom(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(fact_name())
    return {name: draw(checks_of(name if name in SPECS else "score"))}


def condition() -> st.SearchStrategy[Any]:
    return st.recursive(
        atom() | st.just("always"),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
            st.lists(inner, min_size=1, max_size=3),
            st.tuples(atom(), inner).map(lambda t: {**t[0], **(t[1] if isinstance(t[1], dict) else {"all": [t[1]]})}),
        ),
        max_leaves=6,
    ) | st.one_of(st.none(), st.integers(), st.text(max_size=20), st.sampled_from(HOSTILE_WORDS), st.just([]),
                  st.just({}))


@st.composite
def conclusion(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["derive", "derive", "level", "gate", "stage", "recommend", "hold_back", "weakest",
                                 "__import__"]))
    if kind == "derive":
        name = draw(st.sampled_from(DERIVED) | fact_name())
        value = draw(value_for(name if name in SPECS else "score") | st.sampled_from(
            [{"copy": draw(st.sampled_from(NAMES))}, {"sum": [draw(st.sampled_from(NAMES))]},
             {"copy": "score", "plus": 1}, {"sum": ["score", "level.brand"]}]))
        return {kind: {name: value}}
    if kind == "level":
        return {kind: {draw(st.sampled_from(["brand", "customers", "x"])): draw(st.integers(0, 7) | st.just(
            {"copy": "score"}))}}
    target = {"gate": "gate", "stage": "stage", "weakest": "weakest"}.get(kind)
    value = draw(value_for(target)) if target else draw(st.sampled_from(["do-it", "nothing", "__class__"]))
    return {kind: value}


OPS_FOR = {
    "enum": ["is", "is_not", "in", "not_in", "present"],
    "ordered": ["is", "is_not", "in", "not_in", "at_least", "at_most", "above", "below", "between", "present"],
    "int": ["is", "is_not", "in", "not_in", "at_least", "at_most", "above", "below", "between", "present"],
    "bool": ["is", "is_not", "present"],
    "list": ["has", "lacks", "has_any", "has_all", "has_none", "present"],
}


def kind_of(name: str) -> str:
    spec = SPECS[name]
    if spec.kind == "enum":
        return "ordered" if spec.ordered else "enum"
    return spec.kind if spec.kind in OPS_FOR else "none"


TYPED = [n for n in NAMES if kind_of(n) != "none" and (SPECS[n].kind != "list" or SPECS[n].item == "enum")]


@st.composite
def typed_atom(draw: st.DrawFn) -> dict[str, Any]:
    """A test that fits its fact's type (it may still be rejected, e.g. an empty 'between')."""
    name = draw(st.sampled_from(TYPED))
    spec, kind = SPECS[name], kind_of(name)
    op = draw(st.sampled_from(OPS_FOR[kind]))
    one = st.sampled_from(spec.values) if spec.values else (st.booleans() if kind == "bool" else st.integers(0, 30))
    if op == "present":
        return {name: {op: draw(st.booleans())}}
    if op in ("in", "not_in", "has_any", "has_all", "has_none"):
        return {name: {op: draw(st.lists(one, min_size=1, max_size=3, unique=True))}}
    if op == "between":
        low, high = sorted([draw(one), draw(one)], key=lambda v: spec.values.index(v) if spec.values else v)
        return {name: {op: [low, high]}}
    if kind in ("int", "ordered") and op not in ("is", "is_not") and draw(st.integers(0, 3)) == 0:
        peers = [n for n in TYPED if kind_of(n) == kind and SPECS[n].values == spec.values and n != name]
        if peers:
            ref: dict[str, Any] = {"fact": draw(st.sampled_from(peers))}
            if kind == "int":
                ref["plus"] = draw(st.integers(-2, 2))
            return {name: {op: ref}}
    return {name: {op: draw(one)}}


def typed_condition() -> st.SearchStrategy[Any]:
    return st.recursive(typed_atom(), lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
        inner.map(lambda x: {"not": x}),
    ), max_leaves=5) | st.just("always")


@st.composite
def typed_conclusion(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["size", "tag", "score", "flag", "gate", "weakest", "recommend", "hold_back",
                                 "level"]))
    if kind in DERIVED:
        return {"derive": {kind: draw(st.sampled_from(SPECS[kind].values) if SPECS[kind].values else (
            st.booleans() if kind == "flag" else st.integers(0, 30)))}}
    if kind == "level":
        return {"level": {draw(st.sampled_from(["brand", "customers"])): draw(st.integers(1, 6))}}
    if kind in ("recommend", "hold_back"):
        return {kind: "do-it"}
    return {kind: draw(st.sampled_from(SPECS[kind].values))}


@st.composite
def rule_file(draw: st.DrawFn) -> str:
    rules = []
    typed = draw(st.integers(0, 2)) > 0
    for i in range(draw(st.integers(1, 3))):
        conclusions = draw(st.lists(typed_conclusion() if typed else conclusion(), min_size=1, max_size=2))
        rule: dict[str, Any] = {
            "id": f"rule-{i}" if typed else draw(st.sampled_from([f"rule-{i}", "p", "f0", "cxm_sink", "Bad Id"])),
            "title": {"en": "Title", "ru": "Заголовок"},
            "because": {"en": draw(st.sampled_from(["Because.", "{0.__class__}", "%s %(x)s"])), "ru": "Потому что."},
            "source": "property test",
            "when": draw(typed_condition() if typed else condition()),
            "then": conclusions[0] if len(conclusions) == 1 else conclusions,
        }
        if not typed and draw(st.integers(0, 9)) == 0:
            rule[draw(st.sampled_from(["unknown", "priority", "status"]))] = draw(value_for("score"))
        rules.append(rule)
    text = dump({"rules": rules}, allow_unicode=True, sort_keys=False)
    if not typed and draw(st.integers(0, 4)) == 0:  # corrupt the text itself
        at = draw(st.integers(0, len(text)))
        junk = draw(st.sampled_from(["!!python/object:os.system ", "&a ", "*a", "\t", "[", ": :", "\x00"]))
        text = text[:at] + junk + text[at:]
    return text


def load(text: str) -> tuple[Path, Any]:
    folder = WORK / f"r{next(COUNTER)}"
    folder.mkdir()
    for name in ("model.yaml", "decls.yaml"):
        (folder / name).write_bytes((BASE / name).read_bytes())
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    started = time.process_time()
    try:
        kb = load_knowledge([folder], builtin=False)
        compiled = compile_base(kb)
    except SourceError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file.startswith(str(folder)), problem
            assert problem.line >= 1 and problem.col >= 1 and problem.field and problem.message, problem
            assert "\n" not in str(problem), problem
        compiled = None
    assert time.process_time() - started < BOUND
    return folder, compiled


@pytest.mark.slow
@PROPERTY
@given(raw=condition())
def test_any_condition_compiles_or_is_located(raw: Any) -> None:
    text = dump({"rules": [{"id": "c", "title": {"en": "T", "ru": "Т"}, "because": {"en": "B", "ru": "Б"},
                                      "source": "s", "when": raw, "then": {"gate": "explore"}}]}, allow_unicode=True)
    load(text)


WORKER = r"""
import json, sys, traceback
from pathlib import Path
from cxm.engine.runtime import session
from cxm.engine.runtime.compiler import compile_base
from cxm.engine.base.errors import EngineError
from cxm.engine.knowledge.loader import load_knowledge
from cxm.facts.load import load_facts
from cxm.facts.vocabulary import flatten
files = sorted(Path(sys.argv[1]).glob("*.yaml"))
examples = [flatten(load_facts(p).data) for p in files[::3]]  # four different companies
for line in sys.stdin:
    kb = load_knowledge([line.strip()], builtin=False)
    base = compile_base(kb)
    out = {"ok": 0, "engine_errors": []}
    for inputs in examples:
        try:
            session.run(kb, base, inputs)
            out["ok"] += 1
        except EngineError as exc:
            out["engine_errors"].append(str(exc))
        except Exception:
            out["bad"] = traceback.format_exc()
            break
    print(json.dumps(out), flush=True)
"""


@pytest.fixture(scope="module")
def worker():
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(ROOT / "facts" / "examples")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    yield proc
    proc.stdin.close()
    proc.wait(timeout=60)


RUNS = {"compiled": 0, "rejected": 0}


@pytest.mark.slow
@PROPERTY
@given(text=rule_file())
def test_any_rule_file_loads_or_is_located_and_valid_ones_run(worker, text: str) -> None:
    folder, compiled = load(text)
    if compiled is None:
        RUNS["rejected"] += 1
        return
    RUNS["compiled"] += 1
    worker.stdin.write(f"{folder}\n")
    worker.stdin.flush()
    ready, _, _ = select.select([worker.stdout], [], [], WORKER_BOUND)
    assert ready, f"the worker hung (over {WORKER_BOUND} s) running the rules:\n{text}"
    line = worker.stdout.readline()
    assert line, f"the worker died (exit {worker.poll()}) running the rules:\n{text}"
    answer = json.loads(line)
    assert "bad" not in answer, answer["bad"] + "\n" + text


def test_generated_rule_bases_include_valid_ones() -> None:
    # a guard on the generator: if (almost) nothing compiles, the run part above tests nothing
    if RUNS["compiled"] + RUNS["rejected"] >= 200:
        assert RUNS["compiled"] >= (RUNS["compiled"] + RUNS["rejected"]) // 20, RUNS
