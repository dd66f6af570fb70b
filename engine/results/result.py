"""The result of an assessment: a stable, documented shape (``cxm assess --format json``).

Ids are stable; texts come in English and Russian. ``trace`` (every firing and
every fact, as durable-rules produced them) is filled in only when asked for.

The shapes are dataclasses that pydantic validates, serialises and
describes (:func:`to_data`, :func:`validate`, :func:`json_schema`; field
descriptions are the attribute docstrings). They are plain dataclasses rather
than ``BaseModel`` subclasses so that ``cxm assess`` does not pay for
importing pydantic's model machinery when it only prints text.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import field
from typing import Any, ClassVar, TypeVar

from cxm.engine.language.terms import Bilingual
from cxm.facts.record import record

SCHEMA_VERSION = 1

T = TypeVar("T")


class _Out:
    """Settings pydantic reads when it validates or serialises a result."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid", "use_attribute_docstrings": True}


@functools.cache
def _adapter(cls: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def to_data(obj: Any, *, exclude: set[str] | None = None) -> Any:
    """A result as JSON-ready data (pydantic's serialisation, in field order)."""
    return _adapter(type(obj)).dump_python(obj, mode="json", exclude=exclude)


def validate(cls: type[T], data: Any) -> T:
    """Check data (e.g. read back from JSON) against a result shape and build the result."""
    return _adapter(cls).validate_python(data)


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of a result shape."""
    return _adapter(cls).json_schema()


@record(kw_only=True)
class InputFact(_Out):
    """An input fact at the leaf of a derivation, with its place in the facts file."""

    path: str
    """Dotted path of the field in the facts file."""
    value: Any
    line: int | None
    """Line of the field in the facts file; null when the default was used."""
    column: int | None


@record(kw_only=True)
class Chain(_Out):
    """How a conclusion was reached: the rules in firing order, down to the input facts."""

    rules: list[str]
    """Ids of every rule in the derivation, in the order they fired."""
    inputs: list[InputFact]
    """The input facts the derivation rests on."""


@record(kw_only=True)
class SelfRating(_Out):
    """How a competency's self-assessment compares with the evidence."""

    self_level: int
    """The level the five self-ratings band into (1-6)."""
    evidence_level: int
    """The level the facts show."""
    far: str | None
    """"below" or "above" when the self-rating is two levels or more from the evidence (the level is then
    kept one level from it), else null."""


@record(kw_only=True)
class Level(_Out):
    """The level of one competency."""

    competency: str
    name: Bilingual
    level: int
    because: Bilingual
    """Why the rule that set the level fired."""
    basis: Bilingual
    """What the value rests on: the rule that produced it, through copies."""
    rules: list[str]
    chain: Chain
    self_rating: SelfRating | None = None
    """The self-assessment against the evidence; null without a self-assessment."""


@record(kw_only=True)
class Stage(_Out):
    """The company's stage."""

    id: str
    """Ignore, explore, mobilize, operationalize, align or embed."""
    number: int
    """1 to 6."""
    name: Bilingual
    meaning: Bilingual
    because: Bilingual
    """Why the rule that set the stage fired."""
    basis: Bilingual
    """What the value rests on: the rule that produced it, through copies."""
    rules: list[str]
    chain: Chain


@record(kw_only=True)
class GapTest(_Out):
    """A failing test of a rung or gate rule that a recommendation closes."""

    rule: str
    """The rung or gate rule."""
    fact: str
    """The input fact the test reads."""
    location: str
    """FILE:LINE:COL of the test."""


@record(kw_only=True)
class Recommendation(_Out):
    """A recommended key decision, action or tool."""

    id: str
    kind: str
    """Decision, action or tool."""
    serves: str | None
    """The decision an action serves, or the action a tool carries."""
    competency: str
    priority: int
    """Lower comes first."""
    effort: str
    cost: str
    horizon: str
    """How long it takes to carry out: weeks, months or year."""
    track: str
    """plan, or obligation (a legal duty, shown apart from the plan)."""
    title: Bilingual
    text: Bilingual
    because: Bilingual
    """Why it was recommended (the first rule that concluded it)."""
    rules: list[str]
    """Ids of the rules that concluded it."""
    source: str
    chain: Chain
    effects: list[dict[str, Any]] = field(default_factory=list)
    """What is true once it is carried out: ``{"fact": PATH, "value" | "at_least" | "at_most" | "adds": ...}``."""
    closes: list[GapTest] = field(default_factory=list)
    """The failing rung or gate tests (gaps) the rules that made it were answering."""
    finding: Bilingual | None = None
    """What the rule that made it found in this company, in plain words (the facts of the alternative that held),
    when its reason names several alternatives; else null."""
    outcome: list[Bilingual] = field(default_factory=list)
    """The effects in plain words, one per effect (for the client)."""


@record(kw_only=True)
class HeldBack(_Out):
    """A recommendation deliberately held back, and why."""

    id: str
    kind: str
    title: Bilingual
    because: Bilingual
    rules: list[str]


@record(kw_only=True)
class ConditionCheck(_Out):
    """One test of a rule's condition, checked against the final facts."""

    fact: str
    test: Bilingual
    """The test in words."""
    held: bool
    actual: list[Any]
    """The values the fact has (empty when it is absent)."""
    said: Bilingual | None = None
    """The test in plain words, from the fact's description and value labels (for the client)."""
    now: Bilingual | None = None
    """The values the fact has, in plain words."""


@record(kw_only=True)
class RuleCheck(_Out):
    """One alternative of a rule's condition, test by test."""

    rule: str
    branch: int
    held: bool
    title: Bilingual
    source: str
    location: str
    """FILE:LINE:COL of the rule."""
    conditions: list[ConditionCheck]


@record(kw_only=True)
class StageRef(_Out):
    """A stage named in passing."""

    id: str
    number: int
    name: Bilingual


@record(kw_only=True)
class Roadmap(_Out):
    """The way to the next stage: what holds the company back and what to do first."""

    next_stage: StageRef | None
    """The next stage; null at the top stage."""
    gates: list[RuleCheck]
    """The gate rules of the next stage, test by test."""
    score: list[RuleCheck]
    """The score-band rules of the next stage, test by test."""
    weakest: list[str]
    recommendations: list[str]
    """Recommendation ids: each decision in the plan's ordering (``plan.order``), followed by what is made under it."""
    shortest: list[str] = field(default_factory=list)
    """Recommended decisions whose effects (with their actions' and tools') reach the next stage, confirmed by
    re-running the engine: through the weakest competency when a path through it exists, then the fewest input
    facts changed, then the least effort, then the plan's ordering; empty when none was found or not asked for."""
    retake: str | None = None
    """"alone" when re-taking the self-assessment alone reaches the next stage (the facts already show it, the
    self-ratings hold the levels back; ``shortest`` is then empty), "with" when the shortest path assumes it is
    re-taken once the decisions are carried out, null when no self-rating holds a level back or not asked for."""


@record(kw_only=True)
class PlanStep(_Out):
    """A decision, action or tool of the plan, with what it takes."""

    id: str
    kind: str
    competency: str
    effort: str
    cost: str
    horizon: str
    title: Bilingual
    steps: list[PlanStep] = field(default_factory=list)
    """Under a decision its actions, under an action its tools, as far as the plan shows them."""


@record(kw_only=True)
class Obligation(_Out):
    """A legal duty, kept apart from the plan."""

    id: str
    """The decision that states the duty."""
    duty: str
    """``do`` when the facts file gives the compliance fact as false; ``confirm`` when it was left out (assumed)."""
    facts: list[str]
    """The compliance facts it is about."""
    title: Bilingual
    laws: list[PlanStep]
    """The actions made under it that name the law of the company's country."""


@record(kw_only=True)
class Plan(_Out):
    """What to do now, next and later: one ordering of the decisions made, within a size budget."""

    now: list[PlanStep] = field(default_factory=list)
    """At most 3 decisions, each with at most 2 actions, each with at most 2 tools."""
    next: list[PlanStep] = field(default_factory=list)
    """The decisions that follow once those are done (at most 3, each with at most 2 actions)."""
    later: list[PlanStep] = field(default_factory=list)
    """The rest, one line each (decisions alone)."""
    obligations: list[Obligation] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    """Every decision made in the plan's ordering: a duty to do first, then weakest competency first, then what
    closes more failing tests of the next stage's gate, then effort, cost and horizon (lowest first)."""
    merged: dict[str, str] = field(default_factory=dict)
    """Recommendations left out of the plan, each with why: ``holds`` (its own effects all hold already) or the id of
    the shown entry that already serves one of its (fact, value) pairs."""


@record(kw_only=True)
class Firing(_Out):
    """One rule firing as durable-rules ran it."""

    seq: int
    rule: str
    branch: int
    """Which alternative of the rule's condition matched (from 0)."""
    phase: int
    matched: list[str]
    """Ids of the facts the rule matched."""
    asserted: list[str]
    """Ids of the facts it concluded."""


@record(kw_only=True)
class Fact(_Out):
    """A fact of the session."""

    id: str
    name: str
    value: Any
    input: InputFact | None
    """Where it stands in the facts file, for input facts."""
    by: list[int]
    """The firings that concluded it."""


@record(kw_only=True)
class Trace(_Out):
    """The whole session: every firing in order, every fact."""

    firings: list[Firing]
    facts: list[Fact]


@record(kw_only=True)
class RoleScores(_Out):
    """One respondent role of a many-respondent self-assessment."""

    role: str
    respondents: int
    medians: dict[str, float]
    """Median score (mean of five ratings, 1-5) per competency."""


@record(kw_only=True)
class RoleGap(_Out):
    """Two roles whose median scores on a competency differ by 2 or more."""

    competency: str
    high_role: str
    high: float
    low_role: str
    low: float


@record(kw_only=True)
class SurveyFigures(_Out):
    """How the self-assessment was answered by many (``self_assessment.survey``, written by `cxm survey`)."""

    respondents: int
    spread: dict[str, float]
    """Interquartile range of the respondents' scores, per competency."""
    roles: list[RoleScores]
    disagreement: list[RoleGap]


@record(kw_only=True)
class Assumed(_Out):
    """A section of the facts file that took defaults: the whole of it, or the fields it left out."""

    section: str
    whole: bool
    """The file left the whole section out."""
    fields: dict[str, Any]
    """Each field left out (dotted path) and the default it took."""
    said: list[Bilingual] = field(default_factory=list)
    """Each field left out and its default, in plain words (for the client)."""


@record(kw_only=True)
class Assessment(_Out):
    """A company's CX maturity: levels, stage, weakest competencies and recommendations."""

    schema_version: int = SCHEMA_VERSION
    company: str
    file: str
    knowledge_base: str
    """Fingerprint of the rule files used."""
    plan: Plan = field(default_factory=Plan)
    """What to do now, next and later (the full tree is ``recommendations``); the legal duties apart."""
    stage: Stage
    levels: dict[str, Level]
    weakest: list[str]
    """Competencies tied for the lowest level."""
    recommendations: list[Recommendation]
    """Decisions, each followed by its actions and each action by its tools, in priority order."""
    held_back: list[HeldBack]
    roadmap: Roadmap
    survey: SurveyFigures | None = None
    """Spread and disagreement of a many-respondent self-assessment; left out of the JSON when there is none."""
    overrides: list[str] = dataclasses.field(default_factory=list)
    """Ids of built-in rules that a ``--rules`` folder replaced (empty with the built-in rules alone)."""
    assumed: list[Assumed] = dataclasses.field(default_factory=list)
    """What the facts file left out and the defaults used instead, by section (optional sections not listed)."""
    trace: Trace | None = None


@record(kw_only=True)
class RuleRef(_Out):
    """A rule named in an explanation."""

    id: str
    title: Bilingual
    because: Bilingual
    source: str
    location: str
    """FILE:LINE:COL of the rule."""


@record(kw_only=True)
class WhyNode(_Out):
    """A fact in a derivation tree: an input (with its place in the file) or a conclusion (with its rule)."""

    fact: str
    """The fact's id."""
    name: str
    value: Any
    input: InputFact | None
    """For an input fact, where it stands in the facts file."""
    rule: RuleRef | None
    """For a conclusion, the rule whose firing concluded it first."""
    children: list[WhyNode]
    """The facts that rule matched."""
    repeated: bool = False
    """Explained earlier in the tree; children left out."""


@record(kw_only=True)
class Why(_Out):
    """Why a conclusion holds: its derivation tree down to input facts."""

    target: str
    file: str
    tree: WhyNode


@record(kw_only=True)
class Suggestion(_Out):
    """Input changes that make a withheld recommendation appear, confirmed by re-running the engine."""

    changes: list[str]
    """PATH=VALUE, as `cxm what-if --set` takes them."""
    confirmed: bool
    runs: int
    """Engine runs the search took."""


@record(kw_only=True)
class WhyNot(_Out):
    """Why a recommendation was not made: every rule that could make it, test by test."""

    target: str
    file: str
    made: bool
    held_back: bool
    rules: list[RuleCheck]
    suggestion: Suggestion | None
    """Null when no change set was found within the search limits."""


@record(kw_only=True)
class LevelChange(_Out):
    """A competency level before and after."""

    competency: str
    before: int
    after: int


@record(kw_only=True)
class Difference(_Out):
    """A recommendation that appeared or disappeared, with the rules that made the difference."""

    id: str
    kind: str
    title: Bilingual
    rules: list[str]
    """For an added one, the rules that now make it; for a removed one, the rules that made it before."""
    failing: list[RuleCheck]
    """For a removed one, those rules checked against the new facts."""


@record(kw_only=True)
class WhatIf(_Out):
    """The difference a change of input facts makes."""

    file: str
    changes: list[str]
    stage_before: StageRef
    stage_after: StageRef
    levels: list[LevelChange]
    """Competencies whose level changed."""
    added: list[Difference]
    removed: list[Difference]
