"""The result of an assessment: a stable, documented shape (``cxm assess --format json``).

Ids are stable; texts come in English and Russian. ``trace`` (every firing and
every fact, as durable-rules produced them) is filled in only when asked for.

The shapes are dataclasses that pydantic validates, serialises and
describes (:func:`to_data`, :func:`validate`, :func:`json_schema`; field
descriptions are the attribute docstrings). They are plain dataclasses rather
than ``BaseModel`` subclasses so that ``cxm assess`` does not pay for
importing pydantic's model machinery when it only prints text.

The shapes live in small modules named for what they hold (:mod:`.shape`, :mod:`.findings`, :mod:`.roadmap`,
:mod:`.survey`, :mod:`.trace`, :mod:`.explanation`); this module holds the assessment itself and gives every
shape's name, as before.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from cxm.engine.language.terms import Bilingual
from cxm.engine.results.explanation import (
    Difference,
    LevelChange,
    RuleRef,
    Suggestion,
    WhatIf,
    Why,
    WhyNode,
    WhyNot,
)
from cxm.engine.results.findings import (
    Chain,
    GapTest,
    HeldBack,
    InputFact,
    Level,
    Recommendation,
    SelfRating,
    Stage,
)
from cxm.engine.results.roadmap import ConditionCheck, Obligation, Plan, PlanStep, Roadmap, RuleCheck, StageRef
from cxm.engine.results.shape import SCHEMA_VERSION, Out, json_schema, to_data, validate
from cxm.engine.results.survey import RoleGap, RoleScores, SurveyFigures
from cxm.engine.results.trace import Fact, Firing, Trace
from cxm.facts.record import record

__all__ = [
    "SCHEMA_VERSION",
    "Assessment",
    "Assumed",
    "Bilingual",
    "Chain",
    "ConditionCheck",
    "Difference",
    "Fact",
    "Firing",
    "GapTest",
    "HeldBack",
    "InputFact",
    "Level",
    "LevelChange",
    "Obligation",
    "Plan",
    "PlanStep",
    "Recommendation",
    "Roadmap",
    "RoleGap",
    "RoleScores",
    "RuleCheck",
    "RuleRef",
    "SelfRating",
    "Stage",
    "StageRef",
    "Suggestion",
    "SurveyFigures",
    "Trace",
    "WhatIf",
    "Why",
    "WhyNode",
    "WhyNot",
    "json_schema",
    "to_data",
    "validate",
]


@record(kw_only=True)
class Assumed(Out):
    """A section of the facts file that took defaults: the whole of it, or the fields it left out."""

    section: str
    whole: bool
    """The file left the whole section out."""
    fields: dict[str, Any]
    """Each field left out (dotted path) and the default it took."""
    said: list[Bilingual] = field(default_factory=list)
    """Each field left out and its default, in plain words (for the client)."""


@record(kw_only=True)
class Assessment(Out):
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
