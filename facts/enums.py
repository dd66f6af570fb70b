"""The closed vocabularies of the facts file, each value documented.

Scales (``ORDERED``) run from least to most mature, so rules may compare them
with ``at_least``/``at_most``; the order is the order of definition.
"""

from __future__ import annotations

from enum import StrEnum


class DocEnum(StrEnum):
    """A string enum whose members carry a one-line description, in English and in Russian.

    Members are declared as ``NAME = "value", "English description", "Русское описание"``.
    """

    description: str
    description_ru: str

    def __new__(cls, value: str, description: str = "", description_ru: str = "") -> DocEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.description = description
        obj.description_ru = description_ru
        return obj

    def __str__(self) -> str:
        return self.value


class Industry(DocEnum):
    """Industry the company works in."""

    HOSPITALITY = "hospitality", "Hotels, restaurants, spas, leisure", "Гостиницы, рестораны, спа, досуг"
    HEALTHCARE = "healthcare", "Clinics, medical and wellness services", "Клиники, медицинские и оздоровительные услуги"
    FINANCE = "finance", "Banks, credit, insurance, payments", "Банки, кредиты, страхование, платежи"
    MANUFACTURING = "manufacturing", "Making physical goods", "Производство товаров"
    RETAIL = (
        "retail",
        "Selling goods to consumers, online or in shops",
        "Продажа товаров потребителям в магазинах или онлайн",
    )
    TELECOM = "telecom", "Telecommunications operators", "Операторы связи"
    IT = "it", "Software and IT services", "Программное обеспечение и ИТ-услуги"
    LOGISTICS = "logistics", "Transport, warehousing, delivery", "Перевозки, складское хранение, доставка"
    EDUCATION = "education", "Schools, universities, training providers", "Школы, вузы, учебные центры"
    PUBLIC = "public", "Government and public services", "Государственные и муниципальные услуги"
    OTHER = "other", "Anything not listed", "Другая отрасль, которой нет в списке"


class OperatingModel(DocEnum):
    """Who serves the customer at the point of sale or service."""

    OWN_OUTLETS = (
        "own_outlets",
        "Own outlets, branches or staff serve the customers",
        "Клиентов обслуживают собственные точки, филиалы или сотрудники",
    )
    FRANCHISE = (
        "franchise",
        "Franchisees serve the customers under the company's brand",
        "Клиентов обслуживают франчайзи под брендом компании",
    )
    DEALERS = (
        "dealers",
        "Independent dealers or distributors serve the customers",
        "Клиентов обслуживают независимые дилеры или дистрибьюторы",
    )
    MARKETPLACE = (
        "marketplace",
        "Customers buy on a marketplace the company does not run",
        "Клиенты покупают на маркетплейсе, которым компания не управляет",
    )


class Geography(DocEnum):
    """How far the company's market reaches."""

    LOCAL = "local", "One town or city", "Один город или населённый пункт"
    REGIONAL = "regional", "One region of a country", "Один регион страны"
    NATIONAL = "national", "The whole country", "Вся страна"
    INTERNATIONAL = "international", "Several countries", "Несколько стран"


class Amount(DocEnum):
    """A coarse amount of resources."""

    LOW = (
        "low",
        "Little to spare; changes must pay back quickly",
        "Свободных ресурсов мало; изменения должны быстро окупаться",
    )
    MEDIUM = "medium", "Some room for planned investment", "Есть возможность для плановых вложений"
    HIGH = "high", "Can fund large programmes and systems", "Хватает на крупные программы и системы"


class Sponsor(DocEnum):
    """Whether a top executive sponsors customer experience."""

    NONE = "none", "No executive speaks for CX", "Никто из первых лиц не отстаивает клиентский опыт"
    DECLARED = (
        "declared",
        "Leaders support CX in principle",
        "Руководство в принципе поддерживает работу с клиентским опытом",
    )
    ACTIVE = (
        "active",
        "A leader drives CX work and reviews its results",
        "Руководитель сам ведёт работу с клиентским опытом и проверяет её итоги",
    )


class CxOwner(DocEnum):
    """Who owns customer experience day to day."""

    NONE = "none", "Nobody is responsible for CX", "За клиентский опыт никто не отвечает"
    PART_TIME = (
        "part_time",
        "Someone looks after CX beside other duties",
        "Клиентским опытом занимаются наряду с другими обязанностями",
    )
    FULL_TIME = (
        "full_time",
        "A dedicated CX manager or specialist",
        "Отдельный менеджер или специалист по клиентскому опыту",
    )
    DEPARTMENT = "department", "A CX team or department", "Команда или отдел клиентского опыта"


class Governance(DocEnum):
    """How CX work is organised across the company."""

    NONE = "none", "No group works on CX", "Клиентским опытом не занимается ни одна группа"
    AD_HOC = "ad_hoc", "An informal or temporary group", "Неформальная или временная группа"
    CROSS_FUNCTIONAL = (
        "cross_functional",
        "Standing cross-functional CX teams",
        "Постоянные кросс-функциональные команды по клиентскому опыту",
    )


class Frequency(DocEnum):
    """How often CX metrics are weighed in management reviews."""

    NEVER = "never", "Not discussed by management", "Руководство их не обсуждает"
    OCCASIONALLY = "occasionally", "Now and then", "Время от времени"
    REGULARLY = "regularly", "In every regular review", "На каждом регулярном совещании"
    ON_PAR = "on_par", "Weighed on a par with financial results", "Наравне с финансовыми результатами"


class BrandValues(DocEnum):
    """How far brand values are written down and lived."""

    NONE = "none", "No shared values", "Общих ценностей нет"
    IMPLICIT = "implicit", "Understood but not written down", "Подразумеваются, но нигде не записаны"
    DOCUMENTED = "documented", "Written down (brand book, charter)", "Записаны (брендбук, корпоративный кодекс)"
    EMBEDDED = "embedded", "Built into customer processes and marketing", "Встроены в клиентские процессы и маркетинг"


class Standards(DocEnum):
    """Service standards and their reach."""

    NONE = "none", "No service standards", "Стандартов обслуживания нет"
    LOCAL = "local", "Standards in some units or locations", "Стандарты есть в отдельных подразделениях или точках"
    COMPANY_WIDE = "company_wide", "One set of standards across the company", "Единые стандарты для всей компании"


class Training(DocEnum):
    """How staff are trained in customer service."""

    NONE = "none", "No CX or service training", "Обучения сервису и клиентскому опыту нет"
    OCCASIONAL = "occasional", "From time to time", "Время от времени"
    PERIODIC = "periodic", "On a regular schedule", "Регулярно, по графику"
    SYSTEMATIC = (
        "systematic",
        "A programme tied to roles and standards",
        "Программа обучения, привязанная к должностям и стандартам",
    )


class EmployeeFeedback(DocEnum):
    """How the company listens to its employees."""

    NONE = "none", "No employee survey", "Сотрудников не опрашивают"
    ANNUAL = "annual", "A yearly survey", "Ежегодный опрос"
    PULSE = "pulse", "Frequent short pulse surveys", "Частые короткие пульс-опросы"


class Collection(DocEnum):
    """How customer feedback is gathered."""

    NONE = "none", "No feedback is collected", "Обратную связь не собирают"
    AD_HOC = "ad_hoc", "Now and then, when someone asks", "Время от времени, когда кто-то спросит"
    REGULAR = "regular", "On a schedule at some touchpoints", "По графику, в некоторых точках контакта"
    SYSTEMATIC = (
        "systematic",
        "Continuously across touchpoints, analysed and acted on",
        "Постоянно во всех точках контакта, с анализом и действиями по итогам",
    )


class FeedbackChannel(DocEnum):
    """A way customer feedback is gathered."""

    ONLINE = "online", "Web forms, e-mail surveys", "Веб-формы, опросы по электронной почте"
    OFFLINE = "offline", "Paper forms, in person", "Бумажные анкеты, личное общение"
    PHONE = "phone", "Calls, IVR surveys", "Звонки, опросы через IVR"
    MESSENGERS = "messengers", "Messenger bots and chats", "Боты и чаты в мессенджерах"
    TABLETS = "tablets", "Tablets at pick-up points or counters", "Планшеты в пунктах выдачи или на стойках"


class MysteryShopping(DocEnum):
    """Mystery-shopper checks of the service."""

    NONE = "none", "Not used", "Не используется"
    EXTERNAL = "external", "By an outside agency", "Силами внешнего агентства"
    INTERNAL_AND_EXTERNAL = (
        "internal_and_external",
        "By an agency and by the company's own staff",
        "Силами агентства и собственных сотрудников",
    )


class Metric(DocEnum):
    """A customer or employee experience metric."""

    NPS = "nps", "Net Promoter Score", "Индекс потребительской лояльности (NPS)"
    CSI = "csi", "Customer Satisfaction Index", "Индекс удовлетворённости клиентов (CSI)"
    CSAT = "csat", "Customer satisfaction score", "Оценка удовлетворённости клиентов (CSAT)"
    CES = "ces", "Customer Effort Score", "Индекс клиентских усилий (CES)"
    ENPS = "enps", "Employee Net Promoter Score", "Индекс лояльности сотрудников (eNPS)"
    LTV = "ltv", "Customer lifetime value", "Пожизненная ценность клиента (LTV)"
    CHURN = "churn", "Customer churn rate", "Доля ушедших клиентов (отток)"


class ProcessArea(DocEnum):
    """A business process a 'through' KPI can link CX to."""

    SALES = "sales", "Sales", "Продажи"
    WAREHOUSE = "warehouse", "Warehouse and fulfilment", "Склад и выполнение заказов"
    PROCUREMENT = "procurement", "Procurement", "Закупки"
    FINANCE = "finance", "Finance", "Финансы"


class System(DocEnum):
    """A customer-facing system."""

    CRM = "crm", "Customer relationship management system", "Система управления отношениями с клиентами (CRM)"
    IVR = "ivr", "Interactive voice response", "Голосовое меню, интерактивный автоответчик (IVR)"
    CONTACT_CENTRE = "contact_centre", "Contact or call centre", "Контакт-центр или колл-центр"
    CLOUD_TELEPHONY = "cloud_telephony", "Cloud IP telephony", "Облачная IP-телефония"
    BOOKING = "booking", "Booking or reservation system", "Система бронирования или записи"


class Channel(DocEnum):
    """A digital channel customers use."""

    WEBSITE = "website", "Company website", "Сайт компании"
    SOCIAL = "social", "Social-network groups", "Группы в социальных сетях"
    MESSENGERS = "messengers", "Messengers", "Мессенджеры"
    WEB_CHAT = "web_chat", "Chat on the website", "Чат на сайте"
    EMAIL = "email", "E-mail", "Электронная почта"
    MOBILE_APP = "mobile_app", "The company's mobile app", "Мобильное приложение компании"
    CHAT_BOT = (
        "chat_bot",
        "A chat bot answering customers (site or messenger)",
        "Чат-бот, отвечающий клиентам (на сайте или в мессенджере)",
    )


class Analytics(DocEnum):
    """How far customer data is analysed."""

    NONE = "none", "No analysis", "Данные не анализируются"
    BASIC = "basic", "Basic reports", "Базовые отчёты"
    FUNNELS = "funnels", "Sales funnels per client type", "Воронки продаж по типам клиентов"
    CUSTOMER = (
        "customer",
        "Customer analytics: segments, LTV, personal offers",
        "Клиентская аналитика: сегменты, LTV, персональные предложения",
    )


ORDERED: frozenset[type[DocEnum]] = frozenset(
    {
        Geography,
        Amount,
        Sponsor,
        CxOwner,
        Governance,
        Frequency,
        BrandValues,
        Standards,
        Training,
        EmployeeFeedback,
        Collection,
        MysteryShopping,
        Analytics,
    }
)
