"""A self-assessment answered by many (``self_assessment.survey``, written by ``cxm survey``): respondents,
the spread of their scores, each role's medians and where roles disagree."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from cxm.facts.fields import Int, Section, Str, ru

Score = Annotated[float, Strict(), Field(ge=1, le=5)]
Spread = Annotated[float, Strict(), Field(ge=0, le=4)]
CompetencyId = Literal["leadership", "brand", "employees", "customers"]


class SurveySpread(Section):
    """Interquartile range of the respondents' scores (mean of five ratings), per competency."""

    leadership: Spread = Field(
        description="Spread for purposeful leadership.",
        json_schema_extra=ru("Разброс по целенаправленному руководству."),
    )
    brand: Spread = Field(
        description="Spread for compelling brand values.", json_schema_extra=ru("Разброс по ценностям бренда.")
    )
    employees: Spread = Field(
        description="Spread for employee engagement.", json_schema_extra=ru("Разброс по вовлечённости сотрудников.")
    )
    customers: Spread = Field(
        description="Spread for customer connectedness.", json_schema_extra=ru("Разброс по связи с клиентами.")
    )


class SurveyRole(Section):
    """One respondent role and its median score (1-5) per competency."""

    role: Str = Field(
        min_length=1,
        max_length=100,
        description="The role, as the responses name it.",
        json_schema_extra=ru("Роль, как она названа в ответах."),
    )
    respondents: Int = Field(
        ge=1, description="Respondents with this role.", json_schema_extra=ru("Число респондентов с этой ролью.")
    )
    leadership: Score = Field(
        description="Median score for purposeful leadership.",
        json_schema_extra=ru("Медиана оценок по целенаправленному руководству."),
    )
    brand: Score = Field(
        description="Median score for compelling brand values.",
        json_schema_extra=ru("Медиана оценок по ценностям бренда."),
    )
    employees: Score = Field(
        description="Median score for employee engagement.",
        json_schema_extra=ru("Медиана оценок по вовлечённости сотрудников."),
    )
    customers: Score = Field(
        description="Median score for customer connectedness.",
        json_schema_extra=ru("Медиана оценок по связи с клиентами."),
    )


class SurveyDisagreement(Section):
    """Two roles whose median scores on a competency differ by 2 or more."""

    competency: CompetencyId = Field(
        description="The competency they disagree on.",
        json_schema_extra=ru("Компетенция, по которой мнения расходятся."),
    )
    high_role: Str = Field(
        min_length=1,
        max_length=100,
        description="The role that rates it higher.",
        json_schema_extra=ru("Роль, которая оценивает выше."),
    )
    high: Score = Field(description="Its median score.", json_schema_extra=ru("Её медиана оценок."))
    low_role: Str = Field(
        min_length=1,
        max_length=100,
        description="The role that rates it lower.",
        json_schema_extra=ru("Роль, которая оценивает ниже."),
    )
    low: Score = Field(description="Its median score.", json_schema_extra=ru("Её медиана оценок."))


class Survey(Section):
    """How the self-assessment was answered by many (written by `cxm survey`; not a fact rules use)."""

    respondents: Int = Field(
        ge=1,
        le=1_000_000,
        description="Respondents whose answers were used.",
        json_schema_extra=ru("Число респондентов, чьи ответы учтены."),
    )
    spread: SurveySpread = Field(
        description="Interquartile range of the respondents' scores, per competency.",
        json_schema_extra=ru("Межквартильный размах оценок респондентов по компетенциям."),
    )
    roles: list[SurveyRole] = Field(
        default_factory=list,
        description="Median scores per respondent role.",
        json_schema_extra=ru("Медианы оценок по ролям респондентов."),
    )
    disagreement: list[SurveyDisagreement] = Field(
        default_factory=list,
        description="Roles whose medians differ by 2 or more.",
        json_schema_extra=ru("Роли, чьи медианы различаются на 2 и более."),
    )
