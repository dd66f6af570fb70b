"""What an assessment concludes, each with the derivation chain it rests on: the competency levels, the stage,
the recommendations and what was held back."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from cxm.engine.language.terms import Bilingual
from cxm.engine.results.shape import Out
from cxm.facts.record import record


@record(kw_only=True)
class InputFact(Out):
    """An input fact at the leaf of a derivation, with its place in the facts file."""

    path: str
    """Dotted path of the field in the facts file."""
    value: Any
    line: int | None
    """Line of the field in the facts file; null when the default was used."""
    column: int | None


@record(kw_only=True)
class Chain(Out):
    """How a conclusion was reached: the rules in firing order, down to the input facts."""

    rules: list[str]
    """Ids of every rule in the derivation, in the order they fired."""
    inputs: list[InputFact]
    """The input facts the derivation rests on."""


@record(kw_only=True)
class SelfRating(Out):
    """How a competency's self-assessment compares with the evidence."""

    self_level: int
    """The level the five self-ratings band into (1-6)."""
    evidence_level: int
    """The level the facts show."""
    far: str | None
    """"below" or "above" when the self-rating is two levels or more from the evidence (the level is then
    kept one level from it), else null."""


@record(kw_only=True)
class Level(Out):
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
class Stage(Out):
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
class GapTest(Out):
    """A failing test of a rung or gate rule that a recommendation closes."""

    rule: str
    """The rung or gate rule."""
    fact: str
    """The input fact the test reads."""
    location: str
    """FILE:LINE:COL of the test."""


@record(kw_only=True)
class Recommendation(Out):
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
class HeldBack(Out):
    """A recommendation deliberately held back, and why."""

    id: str
    kind: str
    title: Bilingual
    because: Bilingual
    rules: list[str]
