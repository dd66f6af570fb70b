"""The answers of the explanations: why (a derivation tree), why not (the rules checked test by test, and the
smallest change that would help) and what if (what changes with changed facts)."""

from __future__ import annotations

from typing import Any

from cxm.engine.language.terms import Bilingual
from cxm.engine.results.findings import InputFact
from cxm.engine.results.roadmap import RuleCheck, StageRef
from cxm.engine.results.shape import Out
from cxm.facts.record import record


@record(kw_only=True)
class RuleRef(Out):
    """A rule named in an explanation."""

    id: str
    title: Bilingual
    because: Bilingual
    source: str
    location: str
    """FILE:LINE:COL of the rule."""


@record(kw_only=True)
class WhyNode(Out):
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
class Why(Out):
    """Why a conclusion holds: its derivation tree down to input facts."""

    target: str
    file: str
    tree: WhyNode


@record(kw_only=True)
class Suggestion(Out):
    """Input changes that make a withheld recommendation appear, confirmed by re-running the engine."""

    changes: list[str]
    """PATH=VALUE, as `cxm what-if --set` takes them."""
    confirmed: bool
    runs: int
    """Engine runs the search took."""


@record(kw_only=True)
class WhyNot(Out):
    """Why a recommendation was not made: every rule that could make it, test by test."""

    target: str
    file: str
    made: bool
    held_back: bool
    rules: list[RuleCheck]
    suggestion: Suggestion | None
    """Null when no change set was found within the search limits."""


@record(kw_only=True)
class LevelChange(Out):
    """A competency level before and after."""

    competency: str
    before: int
    after: int


@record(kw_only=True)
class Difference(Out):
    """A recommendation that appeared or disappeared, with the rules that made the difference."""

    id: str
    kind: str
    title: Bilingual
    rules: list[str]
    """For an added one, the rules that now make it; for a removed one, the rules that made it before."""
    failing: list[RuleCheck]
    """For a removed one, those rules checked against the new facts."""


@record(kw_only=True)
class WhatIf(Out):
    """The difference a change of input facts makes."""

    file: str
    changes: list[str]
    stage_before: StageRef
    stage_after: StageRef
    levels: list[LevelChange]
    """Competencies whose level changed."""
    added: list[Difference]
    removed: list[Difference]
