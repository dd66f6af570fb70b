"""The figures of a many-respondent self-assessment: each role's scores, the spread, and where roles disagree."""

from __future__ import annotations

from cxm.engine.results.shape import Out
from cxm.facts.record import record


@record(kw_only=True)
class RoleScores(Out):
    """One respondent role of a many-respondent self-assessment."""

    role: str
    respondents: int
    medians: dict[str, float]
    """Median score (mean of five ratings, 1-5) per competency."""


@record(kw_only=True)
class RoleGap(Out):
    """Two roles whose median scores on a competency differ by 2 or more."""

    competency: str
    high_role: str
    high: float
    low_role: str
    low: float


@record(kw_only=True)
class SurveyFigures(Out):
    """How the self-assessment was answered by many (``self_assessment.survey``, written by `cxm survey`)."""

    respondents: int
    spread: dict[str, float]
    """Interquartile range of the respondents' scores, per competency."""
    roles: list[RoleScores]
    disagreement: list[RoleGap]
