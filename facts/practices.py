"""What the company does, section by section of the facts file: leadership, brand, employees, customers,
metrics and systems."""

from __future__ import annotations

from pydantic import Field, model_validator

from cxm.facts import checks
from cxm.facts.enums import (
    Analytics,
    BrandValues,
    Channel,
    Collection,
    CxOwner,
    EmployeeFeedback,
    FeedbackChannel,
    Frequency,
    Governance,
    Metric,
    MysteryShopping,
    ProcessArea,
    Sponsor,
    Standards,
    System,
    Training,
)
from cxm.facts.fields import Bool, Int, Section, UniqueList, ru


class Leadership(Section):
    """Purposeful leadership: how leaders steer by customer experience."""

    executive_sponsor: Sponsor = Field(
        Sponsor.NONE,
        description="Whether a top executive sponsors CX.",
        json_schema_extra=ru("Поддерживает ли клиентский опыт кто-то из первых лиц компании."),
    )
    cx_owner: CxOwner = Field(
        CxOwner.NONE,
        description="Who owns CX day to day.",
        json_schema_extra=ru("Кто отвечает за клиентский опыт в повседневной работе."),
    )
    governance: Governance = Field(
        Governance.NONE,
        description="How CX work is organised across functions.",
        json_schema_extra=ru("Как работа с клиентским опытом организована между подразделениями."),
    )
    cx_metrics_in_reviews: Frequency = Field(
        Frequency.NEVER,
        description="How often CX metrics are weighed in management reviews.",
        json_schema_extra=ru("Как часто метрики клиентского опыта разбирают на совещаниях руководства."),
    )
    customer_time_scheduled: Bool = Field(
        False,
        description="Leaders have time with customers or on the front line fixed in their calendars.",
        json_schema_extra=ru("У руководителей в календаре закреплено время с клиентами или на первой линии."),
    )
    reassessment_scheduled: Bool = Field(
        False,
        description="The next CX-maturity re-assessment is booked within a year, with an owner.",
        json_schema_extra=ru(
            "Следующая оценка зрелости клиентского опыта назначена в пределах года, и у неё есть ответственный."
        ),
    )


class Brand(Section):
    """Compelling brand values: what the company promises and how it keeps it."""

    values: BrandValues = Field(
        BrandValues.NONE,
        description="How far brand values are written down and lived.",
        json_schema_extra=ru("Насколько ценности бренда записаны и воплощены в работе."),
    )
    brand_book: Bool = Field(False, description="A brand book exists.", json_schema_extra=ru("Есть брендбук."))
    service_standards: Standards = Field(
        Standards.NONE,
        description="Service standards and their reach.",
        json_schema_extra=ru("Стандарты обслуживания и их охват."),
    )
    promise_monitored: Bool = Field(
        False,
        description="Whether keeping the customer promise is checked (e.g. by mystery shopping).",
        json_schema_extra=ru(
            "Проверяется ли, что компания выполняет своё обещание клиенту (например, с помощью тайного клиента)."
        ),
    )
    purpose_in_onboarding: Bool = Field(
        False,
        description="Every newcomer learns the company's purpose and customer promise in the first weeks.",
        json_schema_extra=ru("Каждый новый сотрудник в первые недели узнаёт цель компании и её обещание клиенту."),
    )


class Employees(Section):
    """Employee engagement: how staff are trained, heard and rewarded."""

    cx_training: Training = Field(
        Training.NONE,
        description="How staff are trained in service.",
        json_schema_extra=ru("Как сотрудников обучают обслуживанию клиентов."),
    )
    engagement_measured: Bool = Field(
        False,
        description="Employee engagement is measured.",
        json_schema_extra=ru("Вовлечённость сотрудников измеряется."),
    )
    feedback: EmployeeFeedback = Field(
        EmployeeFeedback.NONE,
        description="How employees are surveyed.",
        json_schema_extra=ru("Как проводятся опросы сотрудников."),
    )
    incentives_linked_to_cx: Bool = Field(
        False,
        description="Pay or bonuses depend on CX results.",
        json_schema_extra=ru("Оплата или премии зависят от показателей клиентского опыта."),
    )
    suggestion_scheme: Bool = Field(
        False,
        description="Staff can propose CX improvements and are rewarded for it.",
        json_schema_extra=ru("Сотрудники могут предлагать, как улучшить клиентский опыт, и получают за это поощрение."),
    )
    hr_aligned_with_cx: Bool = Field(
        False,
        description="Hiring, reviews and promotion weigh CX behaviour.",
        json_schema_extra=ru("При найме, оценке и повышении учитывается отношение сотрудника к клиентам."),
    )
    journey_map: Bool = Field(
        False,
        description="An employee journey map (EJM) exists.",
        json_schema_extra=ru("Есть карта пути сотрудника (EJM)."),
    )


class Customers(Section):
    """Customer connectedness: how the company hears and acts on its customers."""

    feedback_collection: Collection = Field(
        Collection.NONE,
        description="How customer feedback is gathered.",
        json_schema_extra=ru("Как собирается обратная связь от клиентов."),
    )
    feedback_channels: UniqueList[FeedbackChannel] = Field(
        default_factory=list,
        description="Channels through which customer feedback arrives.",
        json_schema_extra=ru("Каналы, по которым поступает обратная связь от клиентов."),
    )
    feedback_from_employees: Bool = Field(
        False,
        description="Employees are asked about the customer experience.",
        json_schema_extra=ru("Сотрудников спрашивают о клиентском опыте."),
    )
    feedback_from_suppliers: Bool = Field(
        False,
        description="Suppliers are asked for feedback.",
        json_schema_extra=ru("У поставщиков собирают обратную связь."),
    )
    journey_map: Bool = Field(
        False,
        description="A customer journey map (CJM) exists.",
        json_schema_extra=ru("Есть карта пути клиента (CJM)."),
    )
    segmentation: Bool = Field(
        False,
        description="Customers are segmented.",
        json_schema_extra=ru("Клиенты разделены на сегменты."),
    )
    ltv_by_segment: Bool = Field(
        False,
        description="Lifetime value is computed per segment.",
        json_schema_extra=ru("Пожизненная ценность клиента (LTV) рассчитывается по сегментам."),
    )
    leaders_meet_customers: Bool = Field(
        False,
        description="Leaders meet customers in person.",
        json_schema_extra=ru("Руководители лично встречаются с клиентами."),
    )
    insight_drives_decisions: Bool = Field(
        False,
        description="Customer insight shapes product and marketing decisions.",
        json_schema_extra=ru("Знания о клиентах определяют решения по продуктам и маркетингу."),
    )
    processes_redesigned_from_insight: Bool = Field(
        False,
        description="Products or processes have been redesigned from customer insight.",
        json_schema_extra=ru("Продукты или процессы уже перестраивались на основе знаний о клиентах."),
    )
    mystery_shopping: MysteryShopping = Field(
        MysteryShopping.NONE,
        description="Mystery-shopper checks.",
        json_schema_extra=ru("Проверки сервиса методом «тайный клиент»."),
    )
    response_time_hours: Int | None = Field(
        None,
        ge=0,
        le=10_000,
        description="Typical time, in hours, to answer a customer request.",
        json_schema_extra=ru("Обычное время ответа на обращение клиента, в часах."),
    )
    complaints_logged: Bool = Field(
        False,
        description="Every complaint is written down with what was done about it (a log, a sheet or the CRM).",
        json_schema_extra=ru("Каждая жалоба записывается вместе с тем, что по ней сделано (журнал, таблица или CRM)."),
    )
    detractors_followed_up: Bool = Field(
        False,
        description="Customers who complain or give a low score are called back or answered personally.",
        json_schema_extra=ru(
            "Клиентам, которые пожаловались или поставили низкую оценку, перезванивают или отвечают лично."
        ),
    )
    reviews_answered: Bool = Field(
        False,
        description="Online reviews (maps, marketplaces, review sites, social networks) get a public answer.",
        json_schema_extra=ru(
            "На отзывы в интернете (карты, маркетплейсы, сайты отзывов, соцсети) дают публичный ответ."
        ),
    )
    practices_renewed: Bool = Field(
        False,
        description="Journey maps, metrics and listening methods were reviewed and renewed in the last year.",
        json_schema_extra=ru(
            "Карты пути, метрики и способы слушать клиентов пересматривались и обновлялись за последний год."
        ),
    )


class Metrics(Section):
    """The experience metrics and KPIs in use."""

    in_use: UniqueList[Metric] = Field(
        default_factory=list,
        description="Metrics measured today.",
        json_schema_extra=ru("Метрики, которые измеряются сейчас."),
    )
    kpi_per_touchpoint: Bool = Field(
        False,
        description="Each touchpoint has its own KPI.",
        json_schema_extra=ru("У каждой точки контакта есть свой KPI."),
    )
    through_kpis: UniqueList[ProcessArea] = Field(
        default_factory=list,
        description="Processes whose KPIs are linked to CX metrics ('through' KPIs).",
        json_schema_extra=ru("Процессы, чьи KPI связаны с метриками клиентского опыта («сквозные» KPI)."),
    )
    definitions_standard: Bool = Field(
        False,
        description="Each CX metric has one written definition (question, scale, formula) every unit uses.",
        json_schema_extra=ru(
            "У каждой метрики клиентского опыта одно записанное определение (вопрос, шкала, формула), "
            "общее для всех подразделений."
        ),
    )


class Systems(Section):
    """Customer-facing systems and how they share data."""

    present: UniqueList[System] = Field(
        default_factory=list,
        description="Systems in place.",
        json_schema_extra=ru("Системы, которые уже есть."),
    )
    channels: UniqueList[Channel] = Field(
        default_factory=list,
        description="Digital channels customers use.",
        json_schema_extra=ru("Цифровые каналы, которыми пользуются клиенты."),
    )
    integrated: UniqueList[System] = Field(
        default_factory=list,
        description="Systems in place that share one customer record.",
        json_schema_extra=ru("Системы, которые уже есть и ведут единую карточку клиента."),
    )
    digital_footprint_in_crm: Bool = Field(
        False,
        description="The customer's online footprint (site, social) is recorded in the CRM.",
        json_schema_extra=ru("Цифровой след клиента (сайт, соцсети) записывается в CRM."),
    )
    analytics: Analytics = Field(
        Analytics.NONE,
        description="How far customer data is analysed.",
        json_schema_extra=ru("Насколько глубоко анализируются данные о клиентах."),
    )

    @model_validator(mode="after")
    def _integrated_present(self) -> Systems:
        checks.integrated_present(self.present, self.integrated)
        return self
