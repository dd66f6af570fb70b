"""The company facts file as a pydantic model: the input of every assessment.

Every field is documented here, in English (``description``) and in Russian
(``x-description-ru``, see :func:`ru`); ``cxm schema`` prints the JSON Schema built
from these models. Fields left out take the conservative default (``none``,
``false``, empty), which reads as "not in place".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from cxm.facts import checks
from cxm.facts.enums import (
    ORDERED,
    Amount,
    Analytics,
    BrandValues,
    Channel,
    Collection,
    CxOwner,
    DocEnum,
    EmployeeFeedback,
    FeedbackChannel,
    Frequency,
    Geography,
    Governance,
    Industry,
    Metric,
    MysteryShopping,
    OperatingModel,
    ProcessArea,
    Sponsor,
    Standards,
    System,
    Training,
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


T = TypeVar("T")


Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
Str = Annotated[str, Strict()]
Share = Annotated[int, Strict(), Field(ge=0, le=100)]
Rating = Annotated[int, Strict(), Field(ge=1, le=5)]
Ratings = Annotated[list[Rating], Field(min_length=5, max_length=5)]
UniqueList = Annotated[list[T], BeforeValidator(checks.one_or_many), Field(max_length=checks.MAX_ITEMS),
                     AfterValidator(checks.unique)]

RU = "x-description-ru"
"""The JSON Schema key of a field's description in Russian, beside ``description`` (in English)."""


def ru(text: str) -> dict[str, str]:
    """A field's ``json_schema_extra``: its description in Russian."""
    return {RU: text}


class Markets(_Section):
    """Share of revenue, in per cent, from business and from consumer clients."""

    b2b: Share = Field(
        0, description="Per cent of revenue from business clients (B2B).",
        json_schema_extra=ru("Доля выручки от корпоративных клиентов (B2B), в процентах."),
    )
    b2c: Share = Field(
        0, description="Per cent of revenue from consumers (B2C).",
        json_schema_extra=ru("Доля выручки от частных потребителей (B2C), в процентах."),
    )

    @model_validator(mode="after")
    def _shares(self) -> Markets:
        checks.shares(self.b2b, self.b2c)
        return self


class Resources(_Section):
    """What the company can spend on change."""

    budget: Amount = Field(
        Amount.MEDIUM, description="Money available for CX work.",
        json_schema_extra=ru("Сколько денег есть на работу с клиентским опытом."),
    )
    it_capacity: Amount = Field(
        Amount.MEDIUM, description="IT people and time available for CX systems.",
        json_schema_extra=ru("Сколько ИТ-специалистов и их времени есть на системы для клиентского опыта."),
    )


class Company(_Section):
    """Who the company is."""

    name: Str = Field(
        min_length=1, max_length=200, description="Company name as it appears in reports.",
        json_schema_extra=ru("Название компании, как оно будет выглядеть в отчётах."),
    )
    industry: UniqueList[Industry] = Field(
        min_length=1, description="One or more industries.",
        json_schema_extra=ru("Одна или несколько отраслей."),
    )
    markets: Markets = Field(
        description="Revenue split between B2B and B2C, in per cent.",
        json_schema_extra=ru("Распределение выручки между B2B и B2C, в процентах."),
    )
    employees: Int = Field(
        ge=1, le=10_000_000, description="Number of employees (head count).",
        json_schema_extra=ru("Число сотрудников (человек)."),
    )
    geography: Geography = Field(
        description="How far the market reaches.",
        json_schema_extra=ru("Насколько широк рынок компании."),
    )
    exports: Bool = Field(
        False, description="Whether the company sells abroad.",
        json_schema_extra=ru("Продаёт ли компания за рубеж."),
    )
    branches: Int = Field(
        0, ge=0, le=100_000, description="Number of branches or sites besides the head office.",
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
        None, description="Who serves the customer: own outlets or staff, franchisees, independent dealers, or a "
        "marketplace; left out when not known. Advice for partners speaks of them, not of 'your branches'.",
        json_schema_extra=ru("Кто обслуживает клиента: собственные точки или сотрудники, франчайзи, независимые "
                             "дилеры или маркетплейс; не указывается, если неизвестно. Советы для партнёров "
                             "говорят о них, а не о «ваших филиалах»."),
    )
    resources: Resources = Field(
        default_factory=Resources, description="Budget and IT capacity.",
        json_schema_extra=ru("Бюджет и возможности ИТ."),
    )


class Leadership(_Section):
    """Purposeful leadership: how leaders steer by customer experience."""

    executive_sponsor: Sponsor = Field(
        Sponsor.NONE, description="Whether a top executive sponsors CX.",
        json_schema_extra=ru("Поддерживает ли клиентский опыт кто-то из первых лиц компании."),
    )
    cx_owner: CxOwner = Field(
        CxOwner.NONE, description="Who owns CX day to day.",
        json_schema_extra=ru("Кто отвечает за клиентский опыт в повседневной работе."),
    )
    governance: Governance = Field(
        Governance.NONE, description="How CX work is organised across functions.",
        json_schema_extra=ru("Как работа с клиентским опытом организована между подразделениями."),
    )
    cx_metrics_in_reviews: Frequency = Field(
        Frequency.NEVER, description="How often CX metrics are weighed in management reviews.",
        json_schema_extra=ru("Как часто метрики клиентского опыта разбирают на совещаниях руководства."),
    )
    customer_time_scheduled: Bool = Field(
        False, description="Leaders have time with customers or on the front line fixed in their calendars.",
        json_schema_extra=ru("У руководителей в календаре закреплено время с клиентами или на первой линии."),
    )
    reassessment_scheduled: Bool = Field(
        False, description="The next CX-maturity re-assessment is booked within a year, with an owner.",
        json_schema_extra=ru("Следующая оценка зрелости клиентского опыта назначена в пределах года, "
                             "и у неё есть ответственный."),
    )


class Brand(_Section):
    """Compelling brand values: what the company promises and how it keeps it."""

    values: BrandValues = Field(
        BrandValues.NONE, description="How far brand values are written down and lived.",
        json_schema_extra=ru("Насколько ценности бренда записаны и воплощены в работе."),
    )
    brand_book: Bool = Field(False, description="A brand book exists.", json_schema_extra=ru("Есть брендбук."))
    service_standards: Standards = Field(
        Standards.NONE, description="Service standards and their reach.",
        json_schema_extra=ru("Стандарты обслуживания и их охват."),
    )
    promise_monitored: Bool = Field(
        False, description="Whether keeping the customer promise is checked (e.g. by mystery shopping).",
        json_schema_extra=ru(
            "Проверяется ли, что компания выполняет своё обещание клиенту (например, с помощью тайного клиента)."
        ),
    )
    purpose_in_onboarding: Bool = Field(
        False, description="Every newcomer learns the company's purpose and customer promise in the first weeks.",
        json_schema_extra=ru("Каждый новый сотрудник в первые недели узнаёт цель компании и её обещание клиенту."),
    )


class Employees(_Section):
    """Employee engagement: how staff are trained, heard and rewarded."""

    cx_training: Training = Field(
        Training.NONE, description="How staff are trained in service.",
        json_schema_extra=ru("Как сотрудников обучают обслуживанию клиентов."),
    )
    engagement_measured: Bool = Field(
        False, description="Employee engagement is measured.",
        json_schema_extra=ru("Вовлечённость сотрудников измеряется."),
    )
    feedback: EmployeeFeedback = Field(
        EmployeeFeedback.NONE, description="How employees are surveyed.",
        json_schema_extra=ru("Как проводятся опросы сотрудников."),
    )
    incentives_linked_to_cx: Bool = Field(
        False, description="Pay or bonuses depend on CX results.",
        json_schema_extra=ru("Оплата или премии зависят от показателей клиентского опыта."),
    )
    suggestion_scheme: Bool = Field(
        False, description="Staff can propose CX improvements and are rewarded for it.",
        json_schema_extra=ru("Сотрудники могут предлагать, как улучшить клиентский опыт, и получают за это поощрение."),
    )
    hr_aligned_with_cx: Bool = Field(
        False, description="Hiring, reviews and promotion weigh CX behaviour.",
        json_schema_extra=ru("При найме, оценке и повышении учитывается отношение сотрудника к клиентам."),
    )
    journey_map: Bool = Field(
        False, description="An employee journey map (EJM) exists.",
        json_schema_extra=ru("Есть карта пути сотрудника (EJM)."),
    )


class Customers(_Section):
    """Customer connectedness: how the company hears and acts on its customers."""

    feedback_collection: Collection = Field(
        Collection.NONE, description="How customer feedback is gathered.",
        json_schema_extra=ru("Как собирается обратная связь от клиентов."),
    )
    feedback_channels: UniqueList[FeedbackChannel] = Field(
        default_factory=list, description="Channels through which customer feedback arrives.",
        json_schema_extra=ru("Каналы, по которым поступает обратная связь от клиентов."),
    )
    feedback_from_employees: Bool = Field(
        False, description="Employees are asked about the customer experience.",
        json_schema_extra=ru("Сотрудников спрашивают о клиентском опыте."),
    )
    feedback_from_suppliers: Bool = Field(
        False, description="Suppliers are asked for feedback.",
        json_schema_extra=ru("У поставщиков собирают обратную связь."),
    )
    journey_map: Bool = Field(
        False, description="A customer journey map (CJM) exists.",
        json_schema_extra=ru("Есть карта пути клиента (CJM)."),
    )
    segmentation: Bool = Field(
        False, description="Customers are segmented.",
        json_schema_extra=ru("Клиенты разделены на сегменты."),
    )
    ltv_by_segment: Bool = Field(
        False, description="Lifetime value is computed per segment.",
        json_schema_extra=ru("Пожизненная ценность клиента (LTV) рассчитывается по сегментам."),
    )
    leaders_meet_customers: Bool = Field(
        False, description="Leaders meet customers in person.",
        json_schema_extra=ru("Руководители лично встречаются с клиентами."),
    )
    insight_drives_decisions: Bool = Field(
        False, description="Customer insight shapes product and marketing decisions.",
        json_schema_extra=ru("Знания о клиентах определяют решения по продуктам и маркетингу."),
    )
    processes_redesigned_from_insight: Bool = Field(
        False, description="Products or processes have been redesigned from customer insight.",
        json_schema_extra=ru("Продукты или процессы уже перестраивались на основе знаний о клиентах."),
    )
    mystery_shopping: MysteryShopping = Field(
        MysteryShopping.NONE, description="Mystery-shopper checks.",
        json_schema_extra=ru("Проверки сервиса методом «тайный клиент»."),
    )
    response_time_hours: Int | None = Field(
        None, ge=0, le=10_000, description="Typical time, in hours, to answer a customer request.",
        json_schema_extra=ru("Обычное время ответа на обращение клиента, в часах."),
    )
    complaints_logged: Bool = Field(
        False, description="Every complaint is written down with what was done about it (a log, a sheet or the CRM).",
        json_schema_extra=ru("Каждая жалоба записывается вместе с тем, что по ней сделано (журнал, таблица или CRM)."),
    )
    detractors_followed_up: Bool = Field(
        False, description="Customers who complain or give a low score are called back or answered personally.",
        json_schema_extra=ru("Клиентам, которые пожаловались или поставили низкую оценку, перезванивают или "
                             "отвечают лично."),
    )
    reviews_answered: Bool = Field(
        False, description="Online reviews (maps, marketplaces, review sites, social networks) get a public answer.",
        json_schema_extra=ru("На отзывы в интернете (карты, маркетплейсы, сайты отзывов, соцсети) дают публичный "
                             "ответ."),
    )
    practices_renewed: Bool = Field(
        False, description="Journey maps, metrics and listening methods were reviewed and renewed in the last year.",
        json_schema_extra=ru("Карты пути, метрики и способы слушать клиентов пересматривались и обновлялись "
                             "за последний год."),
    )


class Metrics(_Section):
    """The experience metrics and KPIs in use."""

    in_use: UniqueList[Metric] = Field(
        default_factory=list, description="Metrics measured today.",
        json_schema_extra=ru("Метрики, которые измеряются сейчас."),
    )
    kpi_per_touchpoint: Bool = Field(
        False, description="Each touchpoint has its own KPI.",
        json_schema_extra=ru("У каждой точки контакта есть свой KPI."),
    )
    through_kpis: UniqueList[ProcessArea] = Field(
        default_factory=list, description="Processes whose KPIs are linked to CX metrics ('through' KPIs).",
        json_schema_extra=ru("Процессы, чьи KPI связаны с метриками клиентского опыта («сквозные» KPI)."),
    )
    definitions_standard: Bool = Field(
        False, description="Each CX metric has one written definition (question, scale, formula) every unit uses.",
        json_schema_extra=ru("У каждой метрики клиентского опыта одно записанное определение (вопрос, шкала, формула), "
                             "общее для всех подразделений."),
    )


class Systems(_Section):
    """Customer-facing systems and how they share data."""

    present: UniqueList[System] = Field(
        default_factory=list, description="Systems in place.",
        json_schema_extra=ru("Системы, которые уже есть."),
    )
    channels: UniqueList[Channel] = Field(
        default_factory=list, description="Digital channels customers use.",
        json_schema_extra=ru("Цифровые каналы, которыми пользуются клиенты."),
    )
    integrated: UniqueList[System] = Field(
        default_factory=list, description="Systems in place that share one customer record.",
        json_schema_extra=ru("Системы, которые уже есть и ведут единую карточку клиента."),
    )
    digital_footprint_in_crm: Bool = Field(
        False, description="The customer's online footprint (site, social) is recorded in the CRM.",
        json_schema_extra=ru("Цифровой след клиента (сайт, соцсети) записывается в CRM."),
    )
    analytics: Analytics = Field(
        Analytics.NONE, description="How far customer data is analysed.",
        json_schema_extra=ru("Насколько глубоко анализируются данные о клиентах."),
    )

    @model_validator(mode="after")
    def _integrated_present(self) -> Systems:
        checks.integrated_present(self.present, self.integrated)
        return self


Score = Annotated[float, Strict(), Field(ge=1, le=5)]
Spread = Annotated[float, Strict(), Field(ge=0, le=4)]
CompetencyId = Literal["leadership", "brand", "employees", "customers"]


class SurveySpread(_Section):
    """Interquartile range of the respondents' scores (mean of five ratings), per competency."""

    leadership: Spread = Field(description="Spread for purposeful leadership.",
                               json_schema_extra=ru("Разброс по целенаправленному руководству."))
    brand: Spread = Field(description="Spread for compelling brand values.",
                          json_schema_extra=ru("Разброс по ценностям бренда."))
    employees: Spread = Field(description="Spread for employee engagement.",
                              json_schema_extra=ru("Разброс по вовлечённости сотрудников."))
    customers: Spread = Field(description="Spread for customer connectedness.",
                              json_schema_extra=ru("Разброс по связи с клиентами."))


class SurveyRole(_Section):
    """One respondent role and its median score (1-5) per competency."""

    role: Str = Field(min_length=1, max_length=100, description="The role, as the responses name it.",
                      json_schema_extra=ru("Роль, как она названа в ответах."))
    respondents: Int = Field(ge=1, description="Respondents with this role.",
                             json_schema_extra=ru("Число респондентов с этой ролью."))
    leadership: Score = Field(description="Median score for purposeful leadership.",
                              json_schema_extra=ru("Медиана оценок по целенаправленному руководству."))
    brand: Score = Field(description="Median score for compelling brand values.",
                         json_schema_extra=ru("Медиана оценок по ценностям бренда."))
    employees: Score = Field(description="Median score for employee engagement.",
                             json_schema_extra=ru("Медиана оценок по вовлечённости сотрудников."))
    customers: Score = Field(description="Median score for customer connectedness.",
                             json_schema_extra=ru("Медиана оценок по связи с клиентами."))


class SurveyDisagreement(_Section):
    """Two roles whose median scores on a competency differ by 2 or more."""

    competency: CompetencyId = Field(description="The competency they disagree on.",
                                     json_schema_extra=ru("Компетенция, по которой мнения расходятся."))
    high_role: Str = Field(min_length=1, max_length=100, description="The role that rates it higher.",
                           json_schema_extra=ru("Роль, которая оценивает выше."))
    high: Score = Field(description="Its median score.", json_schema_extra=ru("Её медиана оценок."))
    low_role: Str = Field(min_length=1, max_length=100, description="The role that rates it lower.",
                          json_schema_extra=ru("Роль, которая оценивает ниже."))
    low: Score = Field(description="Its median score.", json_schema_extra=ru("Её медиана оценок."))


class Survey(_Section):
    """How the self-assessment was answered by many (written by `cxm survey`; not a fact rules use)."""

    respondents: Int = Field(ge=1, le=1_000_000, description="Respondents whose answers were used.",
                             json_schema_extra=ru("Число респондентов, чьи ответы учтены."))
    spread: SurveySpread = Field(description="Interquartile range of the respondents' scores, per competency.",
                                 json_schema_extra=ru("Межквартильный размах оценок респондентов по компетенциям."))
    roles: list[SurveyRole] = Field(default_factory=list, description="Median scores per respondent role.",
                                    json_schema_extra=ru("Медианы оценок по ролям респондентов."))
    disagreement: list[SurveyDisagreement] = Field(
        default_factory=list, description="Roles whose medians differ by 2 or more.",
        json_schema_extra=ru("Роли, чьи медианы различаются на 2 и более."))


class Compliance(_Section):
    """Obligations that do not wait for a CX stage."""

    personal_data_law_met: Bool = Field(
        False, description="The company's contracts, consents and notices meet the personal-data law of its country "
        "(152-FZ in Russia, GDPR in the EU/EEA).",
        json_schema_extra=ru("Договоры, согласия и уведомления компании соответствуют закону о персональных данных "
                             "её страны (152-ФЗ в России, GDPR в ЕС/ЕЭЗ)."),
    )
    health_data_protected: Bool = Field(
        False, description="Patients' health data (a special category of personal data) is kept under the stricter "
        "rules of the company's law: a recorded legal ground, access only for those who treat, no marketing use.",
        json_schema_extra=ru("Данные о здоровье пациентов (особая категория персональных данных) хранятся по более "
                             "строгим правилам закона страны: есть правовое основание, доступ только у тех, кто "
                             "лечит, данные не используются для маркетинга."),
    )


class SelfAssessment(_Section):
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
        None, description="When many answered: respondents, spread and disagreement (`cxm survey`).",
        json_schema_extra=ru("Если отвечали многие: число респондентов, разброс и расхождения (`cxm survey`)."),
    )


class Facts(_Section):
    """A company's customer-experience facts: the input of ``cxm assess``."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, title="cx-maturity company facts",
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
        None, description="Optional 20-statement self-assessment (1-5 per statement).",
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
