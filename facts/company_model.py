"""The company itself in the facts file: name, industries, markets, size, geography and resources."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, Strict, model_validator

from cxm.facts import checks
from cxm.facts.enums import Amount, Geography, Industry, OperatingModel
from cxm.facts.fields import Bool, Int, Section, Share, Str, UniqueList, ru


class Markets(Section):
    """Share of revenue, in per cent, from business and from consumer clients."""

    b2b: Share = Field(
        0,
        description="Per cent of revenue from business clients (B2B).",
        json_schema_extra=ru("Доля выручки от корпоративных клиентов (B2B), в процентах."),
    )
    b2c: Share = Field(
        0,
        description="Per cent of revenue from consumers (B2C).",
        json_schema_extra=ru("Доля выручки от частных потребителей (B2C), в процентах."),
    )

    @model_validator(mode="after")
    def _shares(self) -> Markets:
        checks.shares(self.b2b, self.b2c)
        return self


class Resources(Section):
    """What the company can spend on change."""

    budget: Amount = Field(
        Amount.MEDIUM,
        description="Money available for CX work.",
        json_schema_extra=ru("Сколько денег есть на работу с клиентским опытом."),
    )
    it_capacity: Amount = Field(
        Amount.MEDIUM,
        description="IT people and time available for CX systems.",
        json_schema_extra=ru("Сколько ИТ-специалистов и их времени есть на системы для клиентского опыта."),
    )


class Company(Section):
    """Who the company is."""

    name: Str = Field(
        min_length=1,
        max_length=200,
        description="Company name as it appears in reports.",
        json_schema_extra=ru("Название компании, как оно будет выглядеть в отчётах."),
    )
    industry: UniqueList[Industry] = Field(
        min_length=1,
        description="One or more industries.",
        json_schema_extra=ru("Одна или несколько отраслей."),
    )
    markets: Markets = Field(
        description="Revenue split between B2B and B2C, in per cent.",
        json_schema_extra=ru("Распределение выручки между B2B и B2C, в процентах."),
    )
    employees: Int = Field(
        ge=1,
        le=10_000_000,
        description="Number of employees (head count).",
        json_schema_extra=ru("Число сотрудников (человек)."),
    )
    geography: Geography = Field(
        description="How far the market reaches.",
        json_schema_extra=ru("Насколько широк рынок компании."),
    )
    exports: Bool = Field(
        False,
        description="Whether the company sells abroad.",
        json_schema_extra=ru("Продаёт ли компания за рубеж."),
    )
    branches: Int = Field(
        0,
        ge=0,
        le=100_000,
        description="Number of branches or sites besides the head office.",
        json_schema_extra=ru("Число филиалов или площадок помимо головного офиса."),
    )
    country: Annotated[str, BeforeValidator(checks.country), Strict()] = Field(
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 code of the home country, such as RU (RU brings personal-data law 152-FZ); "
        "lower case and a country's name in English or Russian (Russia, Россия) are read as the code.",
        json_schema_extra=ru(
            "Код страны компании по ISO 3166-1 alpha-2, например RU (для RU действует закон о персональных данных "
            "152-ФЗ); код строчными буквами и название страны (например, Россия) читаются как код."
        ),
    )
    operating_model: OperatingModel | None = Field(
        None,
        description="Who serves the customer: own outlets or staff, franchisees, independent dealers, or a "
        "marketplace; left out when not known. Advice for partners speaks of them, not of 'your branches'.",
        json_schema_extra=ru(
            "Кто обслуживает клиента: собственные точки или сотрудники, франчайзи, независимые "
            "дилеры или маркетплейс; не указывается, если неизвестно. Советы для партнёров "
            "говорят о них, а не о «ваших филиалах»."
        ),
    )
    resources: Resources = Field(
        default_factory=Resources,
        description="Budget and IT capacity.",
        json_schema_extra=ru("Бюджет и возможности ИТ."),
    )
