"""What comes next: the next stage's rules checked test by test (the roadmap), and the plan of decisions with the
legal duties apart."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from cxm.engine.language.terms import Bilingual
from cxm.engine.results.shape import Out
from cxm.facts.record import record


@record(kw_only=True)
class ConditionCheck(Out):
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
class RuleCheck(Out):
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
class StageRef(Out):
    """A stage named in passing."""

    id: str
    number: int
    name: Bilingual


@record(kw_only=True)
class Roadmap(Out):
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
class PlanStep(Out):
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
class Obligation(Out):
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
class Plan(Out):
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
