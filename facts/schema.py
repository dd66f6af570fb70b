"""The company facts file as a pydantic model: the input of every assessment.

Every field is documented here, in English (``description``) and in Russian
(``x-description-ru``, see :func:`ru`); ``cxm schema`` prints the JSON Schema built
from these models. Fields left out take the conservative default (``none``,
``false``, empty), which reads as "not in place".

The sections live in small modules named for what they hold (:mod:`.fields`, :mod:`.company_model`,
:mod:`.practices`, :mod:`.survey_model`); every name is importable from here as before.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from cxm.facts.company_model import Company, Markets, Resources
from cxm.facts.enums import ORDERED, DocEnum
from cxm.facts.fields import RU, Bool, Int, Rating, Ratings, Section, Share, Str, UniqueList, ru
from cxm.facts.practices import Brand, Customers, Employees, Leadership, Metrics, Systems
from cxm.facts.survey_model import CompetencyId, Score, Spread, Survey, SurveyDisagreement, SurveyRole, SurveySpread

__all__ = [
    "RU",
    "Bool",
    "Brand",
    "Company",
    "CompetencyId",
    "Compliance",
    "Customers",
    "Employees",
    "Facts",
    "Int",
    "Leadership",
    "Markets",
    "Metrics",
    "Rating",
    "Ratings",
    "Resources",
    "Score",
    "Section",
    "SelfAssessment",
    "Share",
    "Spread",
    "Str",
    "Survey",
    "SurveyDisagreement",
    "SurveyRole",
    "SurveySpread",
    "Systems",
    "UniqueList",
    "json_schema",
    "ru",
]


class Compliance(Section):
    """Obligations that do not wait for a CX stage."""

    personal_data_law_met: Bool = Field(
        False,
        description="The company's contracts, consents and notices meet the personal-data law of its country "
        "(152-FZ in Russia, GDPR in the EU/EEA).",
        json_schema_extra=ru(
            "Договоры, согласия и уведомления компании соответствуют закону о персональных данных "
            "её страны (152-ФЗ в России, GDPR в ЕС/ЕЭЗ)."
        ),
    )
    health_data_protected: Bool = Field(
        False,
        description="Patients' health data (a special category of personal data) is kept under the stricter "
        "rules of the company's law: a recorded legal ground, access only for those who treat, no marketing use.",
        json_schema_extra=ru(
            "Данные о здоровье пациентов (особая категория персональных данных) хранятся по более "
            "строгим правилам закона страны: есть правовое основание, доступ только у тех, кто "
            "лечит, данные не используются для маркетинга."
        ),
    )


class SelfAssessment(Section):
    """Optional 20-statement self-assessment: five ratings from 1 to 5 per competency."""

    leadership: Ratings = Field(
        description="Five ratings for purposeful leadership.",
        json_schema_extra=ru("Пять оценок по целенаправленному руководству."),
    )
    brand: Ratings = Field(
        description="Five ratings for compelling brand values.",
        json_schema_extra=ru("Пять оценок по ценностям бренда."),
    )
    employees: Ratings = Field(
        description="Five ratings for employee engagement.",
        json_schema_extra=ru("Пять оценок по вовлечённости сотрудников."),
    )
    customers: Ratings = Field(
        description="Five ratings for customer connectedness.",
        json_schema_extra=ru("Пять оценок по связи с клиентами."),
    )
    survey: Survey | None = Field(
        None,
        description="When many answered: respondents, spread and disagreement (`cxm survey`).",
        json_schema_extra=ru("Если отвечали многие: число респондентов, разброс и расхождения (`cxm survey`)."),
    )


class Facts(Section):
    """A company's customer-experience facts: the input of ``cxm assess``."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="cx-maturity company facts",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    company: Company
    leadership: Leadership = Field(default_factory=Leadership)
    brand: Brand = Field(default_factory=Brand)
    employees: Employees = Field(default_factory=Employees)
    customers: Customers = Field(default_factory=Customers)
    metrics: Metrics = Field(default_factory=Metrics)
    systems: Systems = Field(default_factory=Systems)
    compliance: Compliance = Field(default_factory=Compliance)
    self_assessment: SelfAssessment | None = Field(
        None,
        description="Optional 20-statement self-assessment (1-5 per statement).",
        json_schema_extra=ru("Необязательная самооценка из 20 утверждений (оценка от 1 до 5 за каждое)."),
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the facts file, with a description for every enum value, in English and in Russian
    (for editors)."""
    schema = Facts.model_json_schema()
    enums = {cls.__name__: cls for cls in DocEnum.__subclasses__()}
    for name, definition in schema.get("$defs", {}).items():
        cls = enums.get(name)
        if cls is not None:
            definition["enumDescriptions"] = [m.description for m in cls]
            definition["markdownEnumDescriptions"] = [f"`{m.value}`: {m.description}" for m in cls]
            definition["x-enumDescriptions-ru"] = [m.description_ru for m in cls]
            if cls in ORDERED:
                definition["x-ordered"] = True
    from cxm.facts.unknown import allow_in_schema

    return allow_in_schema(schema)
