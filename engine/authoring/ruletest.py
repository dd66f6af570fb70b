"""Rule tests written by experts: ``*.test.yaml`` files beside the rule files.

A case gives a small company (a whole facts profile, or a built-in example
with a patch) and what must and must not follow from it::

    cases:
      - name: small-company-at-explore          # unique in the file (kebab-case)
        description: Optional words on what the case is about.
        example: article-1-wellness-resort      # a built-in example (or a path next to this file) ...
        patch:                                   # ... changed at these input paths
          company.employees: 8
          self_assessment: {leadership: [1, 1, 2, 1, 1], brand: [...], employees: [...], customers: [...]}
        # facts: {company: {...}, ...}           # or a whole facts profile instead of an example
        expect:
          stage: explore
          levels: {leadership: 2}
          weakest: [leadership]                  # exactly these, in any order
          recommendations: {include: [a, b], exclude: [c]}
          held_back: {include: [], exclude: []}
          fired: [size-micro]
          not_fired: [size-small]
        todo: false                              # true (or a reason): a known gap; it runs, and is reported
                                                 # when it starts to pass (then remove the mark)
        generated: true                          # only on the cases casegen writes (and rewrites)

Files are validated with pydantic; every problem is located FILE:LINE:COL like
rule-file problems. :func:`run_cases` runs the cases on an :class:`~cxm.engine.services.api.Engine`
and :func:`coverage` lists the rules that fired in no case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from cxm.engine.knowledge.base import KnowledgeBase, Rule
from cxm.engine.language.ruleschema import RULE_ID
from cxm.engine.results.summary import Summary, summarize
from cxm.facts import EXAMPLES_DIR
from cxm.facts.changes import Change, apply
from cxm.facts.load import LoadedFacts, load_facts, validate
from cxm.facts.source import Document, Path_, Problem, SourceError, read_document
from cxm.facts.validation import problems as pydantic_problems
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import input_fields
from cxm.rules import display_path

CaseName = Annotated[str, StringConstraints(pattern=RULE_ID, max_length=80)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selection(_Strict):
    """Ids that must be among the results (``include``) and ids that must not (``exclude``)."""

    include: list[Ident] = Field(default_factory=list)
    exclude: list[Ident] = Field(default_factory=list)


class Expect(_Strict):
    """What must (and must not) follow from the case's facts; give at least one."""

    stage: Ident | None = None
    levels: dict[Ident, int] = Field(default_factory=dict)
    weakest: list[Ident] | None = None
    recommendations: Selection | None = None
    held_back: Selection | None = None
    fired: list[Ident] = Field(default_factory=list)
    not_fired: list[Ident] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> Expect:
        if not self.model_fields_set:
            raise ValueError(
                "expect nothing? give stage, levels, weakest, recommendations, held_back, fired or not_fired"
            )
        return self


class Case(_Strict):
    """One rule test: a company and what must follow."""

    name: CaseName
    description: str | None = None
    example: Ident | None = Field(None, description="a built-in example name, or a facts file next to the test")
    facts: dict[str, Any] | None = Field(None, description="a whole facts profile")
    patch: dict[Ident, Any] = Field(default_factory=dict, description="input paths to change")
    expect: Expect
    todo: bool | str = False
    generated: bool = Field(
        False,
        description="written by casegen from the engine's own run (a regression pin, "
        "rewritten on every run); hand cases leave it out",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Case:
        if (self.example is None) == (self.facts is None):
            raise ValueError("give either 'example' or 'facts' (not both)")
        return self


class CaseFile(_Strict):
    """A whole ``*.test.yaml`` file."""

    cases: list[Case] = Field(min_length=1)


@dataclass
class LoadedCase:
    """A validated case, with where it stands and its facts ready to assess."""

    file: str
    index: int
    case: Case
    doc: Document
    facts: LoadedFacts | None = None

    @property
    def id(self) -> str:
        return f"{self.file}::{self.case.name}"

    @property
    def path(self) -> Path_:
        return ("cases", self.index)

    @property
    def location(self) -> str:
        line, col = self.doc.where(self.path)
        return f"{self.file}:{line}:{col}"

    def problem(self, sub: Path_, message: str, *, key: bool = False) -> Problem:
        return self.doc.problem(self.path + sub, message, key=key)


@dataclass
class Outcome:
    """The result of one case: passed, failed (with a diff), or a known gap (``todo``)."""

    case: LoadedCase
    fired: set[str]
    diff: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.diff

    @property
    def status(self) -> str:
        if self.case.case.todo:
            return "todo" if self.diff else "fixed"  # a todo that passes should lose its todo mark
        return "pass" if self.passed else "fail"


def case_files(folder: Path) -> list[Path]:
    """The rule-test files of a folder, in a stable order."""
    return sorted(folder.rglob("*.test.yaml")) if folder.is_dir() else []


def _subdoc(doc: Document, prefix: Path_) -> Document:
    """The part of ``doc`` under ``prefix`` as a document of its own, keeping the positions."""
    n = len(prefix)
    node: Any = doc.data
    for part in prefix:
        node = node[part]
    values = {p[n:]: pos for p, pos in doc.values.items() if p[:n] == prefix}
    keys = {p[n:]: pos for p, pos in doc.keys.items() if p[:n] == prefix and len(p) > n}
    return Document(doc.file, node, values, keys)


def _relocate(problem: Problem, prefix: Path_) -> Problem:
    """A problem found in a sub-document, reported with its full path in the test file."""
    field_ = problem.field if problem.field != "(root)" else ""
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in prefix).replace(".[", "[")
    return Problem(problem.file, problem.line, problem.col, f"{where}.{field_}" if field_ else where, problem.message)


def _patch_paths() -> set[str]:
    """Every input path and every section above one (``self_assessment``, ``company.markets``)."""
    out: set[str] = set()
    for name in input_fields():
        parts = name.split(".")
        out.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.yaml"))


def _facts(lc: LoadedCase, source: Path, problems: list[Problem]) -> LoadedFacts | None:
    case = lc.case
    if case.facts is not None:
        try:
            base = validate(_subdoc(lc.doc, lc.path + ("facts",)))
        except SourceError as exc:
            problems.extend(_relocate(p, lc.path + ("facts",)) for p in exc.problems)
            return None
    else:
        name = case.example or ""
        local = source.parent / name
        is_file = name.endswith((".yaml", ".yml", ".json"))
        if is_file and not local.resolve().is_relative_to(source.parent.resolve()):  # ../, /etc/..., a link out
            problems.append(
                lc.problem(
                    ("example",),
                    f"the example {name!r} is outside the folder of this test; give a facts file in it (or below it)",
                )
            )
            return None
        path = local if is_file and local.is_file() else EXAMPLES_DIR / f"{name}.yaml"
        if not path.is_file():
            problems.append(
                lc.problem(
                    ("example",),
                    f"no example {name!r}{suggest(name, example_names())}; "
                    "give a built-in example name or a facts file next to "
                    "this test",
                )
            )
            return None
        try:
            base = load_facts(path)
        except SourceError as exc:
            problems.extend(exc.problems)
            return None
    if not case.patch:
        return base
    allowed = _patch_paths()
    bad = False
    for key in case.patch:
        if key not in allowed:
            problems.append(
                lc.problem(("patch", key), f"unknown input path {key!r}{suggest(key, sorted(allowed))}", key=True)
            )
            bad = True
    if bad:
        return None
    try:
        return apply(base, [Change(k, v) for k, v in case.patch.items()])
    except SourceError as exc:
        for p in exc.problems:
            found = next(
                (k for k in case.patch if p.field == k or p.field.startswith(k + ".") or p.field.startswith(k + "[")),
                None,
            )
            at = lc.problem(("patch", found) if found else ("patch",), "")
            problems.append(Problem(at.file, at.line, at.col, f"patch: {p.field}", p.message))
        return None


def load_cases(paths: Iterable[tuple[Path, str]]) -> list[LoadedCase]:
    """Read and validate case files (``(path, display name)`` pairs); raise one located error for all."""
    problems: list[Problem] = []
    out: list[LoadedCase] = []
    for path, name in paths:
        try:
            doc = read_document(path, name)
        except SourceError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(doc.data, dict):
            problems.append(doc.problem((), "expected a mapping with 'cases'"))
            continue
        try:
            parsed = CaseFile.model_validate(doc.data)
        except ValidationError as exc:
            problems.extend(pydantic_problems(doc, exc, CaseFile))
            continue
        seen: dict[str, int] = {}
        for i, case in enumerate(parsed.cases):
            lc = LoadedCase(name, i, case, doc)
            if case.name in seen:
                first = doc.where(("cases", seen[case.name], "name"))[0]
                problems.append(lc.problem(("name",), f"duplicate case name {case.name!r} (first at line {first})"))
                continue
            seen[case.name] = i
            lc.facts = _facts(lc, path, problems)
            out.append(lc)
    if problems:
        raise SourceError(problems)
    return out


def discover(folders: Iterable[Path]) -> list[tuple[Path, str]]:
    """Every case file of the given rule folders, with its display name."""
    return [(p, display_path(p, folder)) for folder in folders for p in case_files(folder)]


def check_ids(kb: KnowledgeBase, cases: list[LoadedCase]) -> None:
    """Every id an expectation names must exist in the knowledge base (with a "did you mean")."""
    problems: list[Problem] = []
    stages = [s.id for s in kb.stages]
    comps = [c.id for c in kb.competencies]
    rules = [r.id for r in kb.rules]
    recs = list(kb.catalogue)

    def need(lc: LoadedCase, sub: Path_, value: str, choices: list[str], what: str) -> None:
        if value not in choices:
            problems.append(lc.problem(sub, f"unknown {what} {value!r}{suggest(value, choices)}"))

    for lc in cases:
        e = lc.case.expect
        if e.stage is not None:
            need(lc, ("expect", "stage"), e.stage, stages, "stage")
        for comp in e.levels:
            need(lc, ("expect", "levels", comp), comp, comps, "competency")
        for j, comp in enumerate(e.weakest or []):
            need(lc, ("expect", "weakest", j), comp, comps, "competency")
        for section in ("recommendations", "held_back"):
            sel = getattr(e, section)
            for part in ("include", "exclude"):
                for j, rec in enumerate(getattr(sel, part) if sel else []):
                    need(lc, ("expect", section, part, j), rec, recs, "recommendation")
        for section in ("fired", "not_fired"):
            for j, rule_id in enumerate(getattr(e, section)):
                need(lc, ("expect", section, j), rule_id, rules, "rule")
    if problems:
        raise SourceError(problems)


def _listed(items: Iterable[str]) -> str:
    return ", ".join(sorted(items)) or "(none)"


def judge(lc: LoadedCase, summary: Summary, fired: set[str]) -> list[str]:
    """The differences between what the case expects and what the engine concluded, as diff lines."""
    e = lc.case.expect
    diff: list[str] = []

    def differ(label: str, want: str, got: str) -> None:
        diff.extend([f"- {label}: {want}", f"+ {label}: {got}"])

    if e.stage is not None and summary.stage != e.stage:
        differ("stage", e.stage, summary.stage)
    for comp, level in e.levels.items():
        got = summary.levels[comp]
        if got != level:
            differ(f"levels.{comp}", str(level), str(got))
    if e.weakest is not None and sorted(e.weakest) != sorted(summary.weakest):
        differ("weakest", _listed(e.weakest), _listed(summary.weakest))
    made, held = set(summary.recommendations), set(summary.held_back)
    for section, actual in (("recommendations", made), ("held_back", held)):
        sel = getattr(e, section)
        if sel is None:
            continue
        missing = [x for x in sel.include if x not in actual]
        unwanted = [x for x in sel.exclude if x in actual]
        if missing:
            differ(f"{section} include", _listed(missing), "not among them")
        if unwanted:
            differ(f"{section} exclude", f"not {_listed(unwanted)}", _listed(unwanted))
    missing_rules = [r for r in e.fired if r not in fired]
    extra_rules = [r for r in e.not_fired if r in fired]
    if missing_rules:
        differ("fired", _listed(missing_rules), "did not fire")
    if extra_rules:
        differ("not_fired", _listed(extra_rules), "fired")
    return diff


def run_cases(engine: Any, cases: list[LoadedCase]) -> list[Outcome]:
    """Run every case on the engine."""
    check_ids(engine.kb, cases)
    out = []
    for lc in cases:
        assert lc.facts is not None
        trace = engine.run(lc.facts)
        fired = {f.rule for f in trace.firings}
        out.append(Outcome(lc, fired, judge(lc, summarize(engine.kb, trace, lc.facts.company), fired)))
    return out


def coverage(kb: KnowledgeBase, outcomes: list[Outcome]) -> list[Rule]:
    """The rules (active or draft) that fired in no case, in load order."""
    fired: set[str] = set().union(*(o.fired for o in outcomes)) if outcomes else set()
    return [r for r in kb.rules if r.id not in fired]


def covering(outcomes: list[Outcome], rule_id: str) -> list[str]:
    """The ids of the cases in which a rule fired."""
    return [o.case.id for o in outcomes if rule_id in o.fired]
