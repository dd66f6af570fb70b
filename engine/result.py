"""The result of an assessment: a stable, documented shape (``cxm assess --format json``).

Ids are stable; texts come in English and Russian. ``trace`` (every firing and
every fact, as durable-rules produced them) is filled in only when asked for.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cxm.engine.ruleschema import Bilingual

SCHEMA_VERSION = 1


class _Out(BaseModel):
    # built on first use: a command that never validates or dumps a model does not pay for it
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class InputFact(_Out):
    """An input fact at the leaf of a derivation, with its place in the facts file."""

    path: str = Field(description="dotted path of the field in the facts file")
    value: Any
    line: int | None = Field(description="line of the field in the facts file; null when the default was used")
    column: int | None


class Chain(_Out):
    """How a conclusion was reached: the rules in firing order, down to the input facts."""

    rules: list[str] = Field(description="ids of every rule in the derivation, in the order they fired")
    inputs: list[InputFact] = Field(description="the input facts the derivation rests on")


class Level(_Out):
    """The level of one competency."""

    competency: str
    name: Bilingual
    level: int
    because: Bilingual = Field(description="why the rule that set the level fired")
    basis: Bilingual = Field(description="what the value rests on: the rule that produced it, through copies")
    rules: list[str]
    chain: Chain


class Stage(_Out):
    """The company's stage."""

    id: str = Field(description="ignore, explore, mobilize, operationalize, align or embed")
    number: int = Field(description="1 to 6")
    name: Bilingual
    meaning: Bilingual
    because: Bilingual = Field(description="why the rule that set the stage fired")
    basis: Bilingual = Field(description="what the value rests on: the rule that produced it, through copies")
    rules: list[str]
    chain: Chain


class Recommendation(_Out):
    """A recommended key decision, action or tool."""

    id: str
    kind: str = Field(description="decision, action or tool")
    serves: str | None = Field(description="the decision an action serves, or the action a tool carries")
    competency: str
    priority: int = Field(description="lower comes first")
    effort: str
    cost: str
    title: Bilingual
    text: Bilingual
    because: Bilingual = Field(description="why it was recommended (the first rule that concluded it)")
    rules: list[str] = Field(description="ids of the rules that concluded it")
    source: str
    chain: Chain


class HeldBack(_Out):
    """A recommendation deliberately held back, and why."""

    id: str
    kind: str
    title: Bilingual
    because: Bilingual
    rules: list[str]


class ConditionCheck(_Out):
    """One test of a rule's condition, checked against the final facts."""

    fact: str
    test: Bilingual = Field(description="the test in words")
    held: bool
    actual: list[Any] = Field(description="the values the fact has (empty when it is absent)")


class RuleCheck(_Out):
    """One alternative of a rule's condition, test by test."""

    rule: str
    branch: int
    held: bool
    title: Bilingual
    source: str
    location: str = Field(description="FILE:LINE:COL of the rule")
    conditions: list[ConditionCheck]


class StageRef(_Out):
    """A stage named in passing."""

    id: str
    number: int
    name: Bilingual


class Roadmap(_Out):
    """The way to the next stage: what holds the company back and what to do first."""

    next_stage: StageRef | None = Field(description="the next stage; null at the top stage")
    gates: list[RuleCheck] = Field(description="the gate rules of the next stage, test by test")
    score: list[RuleCheck] = Field(description="the score-band rules of the next stage, test by test")
    weakest: list[str]
    recommendations: list[str] = Field(description="recommendation ids: those for the weakest competencies "
                                                   "first, then the rest, each in reading order")


class Firing(_Out):
    """One rule firing as durable-rules ran it."""

    seq: int
    rule: str
    branch: int = Field(description="which alternative of the rule's condition matched (from 0)")
    phase: int
    matched: list[str] = Field(description="ids of the facts the rule matched")
    asserted: list[str] = Field(description="ids of the facts it concluded")


class Fact(_Out):
    """A fact of the session."""

    id: str
    name: str
    value: Any
    input: InputFact | None = Field(description="where it stands in the facts file, for input facts")
    by: list[int] = Field(description="the firings that concluded it")


class Trace(_Out):
    """The whole session: every firing in order, every fact."""

    firings: list[Firing]
    facts: list[Fact]


class Assessment(_Out):
    """A company's CX maturity: levels, stage, weakest competencies and recommendations."""

    schema_version: int = SCHEMA_VERSION
    company: str
    file: str
    knowledge_base: str = Field(description="fingerprint of the rule files used")
    stage: Stage
    levels: dict[str, Level]
    weakest: list[str] = Field(description="competencies tied for the lowest level")
    recommendations: list[Recommendation] = Field(description="decisions, each followed by its actions and "
                                                              "each action by its tools, in priority order")
    held_back: list[HeldBack]
    roadmap: Roadmap
    trace: Trace | None = None


class RuleRef(_Out):
    """A rule named in an explanation."""

    id: str
    title: Bilingual
    because: Bilingual
    source: str
    location: str = Field(description="FILE:LINE:COL of the rule")


class WhyNode(_Out):
    """A fact in a derivation tree: an input (with its place in the file) or a conclusion (with its rule)."""

    fact: str = Field(description="the fact's id")
    name: str
    value: Any
    input: InputFact | None = Field(description="for an input fact, where it stands in the facts file")
    rule: RuleRef | None = Field(description="for a conclusion, the rule whose firing concluded it first")
    children: list[WhyNode] = Field(description="the facts that rule matched")
    repeated: bool = Field(False, description="explained earlier in the tree; children left out")


class Why(_Out):
    """Why a conclusion holds: its derivation tree down to input facts."""

    target: str
    file: str
    tree: WhyNode


class Suggestion(_Out):
    """Input changes that make a withheld recommendation appear, confirmed by re-running the engine."""

    changes: list[str] = Field(description="PATH=VALUE, as `cxm what-if --set` takes them")
    confirmed: bool
    runs: int = Field(description="engine runs the search took")


class WhyNot(_Out):
    """Why a recommendation was not made: every rule that could make it, test by test."""

    target: str
    file: str
    made: bool
    held_back: bool
    rules: list[RuleCheck]
    suggestion: Suggestion | None = Field(description="null when no change set was found within the search limits")


class LevelChange(_Out):
    """A competency level before and after."""

    competency: str
    before: int
    after: int


class Difference(_Out):
    """A recommendation that appeared or disappeared, with the rules that made the difference."""

    id: str
    kind: str
    title: Bilingual
    rules: list[str] = Field(description="for an added one, the rules that now make it; for a removed one, "
                                         "the rules that made it before")
    failing: list[RuleCheck] = Field(description="for a removed one, those rules checked against the new facts")


class WhatIf(_Out):
    """The difference a change of input facts makes."""

    file: str
    changes: list[str]
    stage_before: StageRef
    stage_after: StageRef
    levels: list[LevelChange] = Field(description="competencies whose level changed")
    added: list[Difference]
    removed: list[Difference]
