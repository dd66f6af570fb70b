"""The closed vocabularies of the facts file, each value documented.

Scales (``ORDERED``) run from least to most mature, so rules may compare them
with ``at_least``/``at_most``; the order is the order of definition.
"""

from __future__ import annotations

from enum import StrEnum


class DocEnum(StrEnum):
    """A string enum whose members carry a one-line description."""

    description: str

    def __new__(cls, value: str, description: str = "") -> DocEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.description = description
        return obj

    def __str__(self) -> str:
        return self.value


class Industry(DocEnum):
    """Industry the company works in."""

    HOSPITALITY = "hospitality", "Hotels, restaurants, spas, leisure"
    HEALTHCARE = "healthcare", "Clinics, medical and wellness services"
    FINANCE = "finance", "Banks, credit, insurance, payments"
    MANUFACTURING = "manufacturing", "Making physical goods"
    RETAIL = "retail", "Selling goods to consumers, online or in shops"
    TELECOM = "telecom", "Telecommunications operators"
    IT = "it", "Software and IT services"
    LOGISTICS = "logistics", "Transport, warehousing, delivery"
    EDUCATION = "education", "Schools, universities, training providers"
    PUBLIC = "public", "Government and public services"
    OTHER = "other", "Anything not listed"


class Geography(DocEnum):
    """How far the company's market reaches."""

    LOCAL = "local", "One town or city"
    REGIONAL = "regional", "One region of a country"
    NATIONAL = "national", "The whole country"
    INTERNATIONAL = "international", "Several countries"


class Amount(DocEnum):
    """A coarse amount of resources."""

    LOW = "low", "Little to spare; changes must pay back quickly"
    MEDIUM = "medium", "Some room for planned investment"
    HIGH = "high", "Can fund large programmes and systems"


class Sponsor(DocEnum):
    """Whether a top executive sponsors customer experience."""

    NONE = "none", "No executive speaks for CX"
    DECLARED = "declared", "Leaders support CX in principle"
    ACTIVE = "active", "A leader drives CX work and reviews its results"


class CxOwner(DocEnum):
    """Who owns customer experience day to day."""

    NONE = "none", "Nobody is responsible for CX"
    PART_TIME = "part_time", "Someone looks after CX beside other duties"
    FULL_TIME = "full_time", "A dedicated CX manager or specialist"
    DEPARTMENT = "department", "A CX team or department"


class Governance(DocEnum):
    """How CX work is organised across the company."""

    NONE = "none", "No group works on CX"
    AD_HOC = "ad_hoc", "An informal or temporary group"
    CROSS_FUNCTIONAL = "cross_functional", "Standing cross-functional CX teams"


class Frequency(DocEnum):
    """How often CX metrics are weighed in management reviews."""

    NEVER = "never", "Not discussed by management"
    OCCASIONALLY = "occasionally", "Now and then"
    REGULARLY = "regularly", "In every regular review"
    ON_PAR = "on_par", "Weighed on a par with financial results"


class BrandValues(DocEnum):
    """How far brand values are written down and lived."""

    NONE = "none", "No shared values"
    IMPLICIT = "implicit", "Understood but not written down"
    DOCUMENTED = "documented", "Written down (brand book, charter)"
    EMBEDDED = "embedded", "Built into customer processes and marketing"


class Standards(DocEnum):
    """Service standards and their reach."""

    NONE = "none", "No service standards"
    LOCAL = "local", "Standards in some units or locations"
    COMPANY_WIDE = "company_wide", "One set of standards across the company"


class Training(DocEnum):
    """How staff are trained in customer service."""

    NONE = "none", "No CX or service training"
    OCCASIONAL = "occasional", "From time to time"
    PERIODIC = "periodic", "On a regular schedule"
    SYSTEMATIC = "systematic", "A programme tied to roles and standards"


class EmployeeFeedback(DocEnum):
    """How the company listens to its employees."""

    NONE = "none", "No employee survey"
    ANNUAL = "annual", "A yearly survey"
    PULSE = "pulse", "Frequent short pulse surveys"


class Collection(DocEnum):
    """How customer feedback is gathered."""

    NONE = "none", "No feedback is collected"
    AD_HOC = "ad_hoc", "Now and then, when someone asks"
    REGULAR = "regular", "On a schedule at some touchpoints"
    SYSTEMATIC = "systematic", "Continuously across touchpoints, analysed and acted on"


class FeedbackChannel(DocEnum):
    """A way customer feedback is gathered."""

    ONLINE = "online", "Web forms, e-mail surveys"
    OFFLINE = "offline", "Paper forms, in person"
    PHONE = "phone", "Calls, IVR surveys"
    MESSENGERS = "messengers", "Messenger bots and chats"
    TABLETS = "tablets", "Tablets at pick-up points or counters"


class MysteryShopping(DocEnum):
    """Mystery-shopper checks of the service."""

    NONE = "none", "Not used"
    EXTERNAL = "external", "By an outside agency"
    INTERNAL_AND_EXTERNAL = "internal_and_external", "By an agency and by the company's own staff"


class Metric(DocEnum):
    """A customer or employee experience metric."""

    NPS = "nps", "Net Promoter Score"
    CSI = "csi", "Customer Satisfaction Index"
    CSAT = "csat", "Customer satisfaction score"
    CES = "ces", "Customer Effort Score"
    ENPS = "enps", "Employee Net Promoter Score"
    LTV = "ltv", "Customer lifetime value"
    CHURN = "churn", "Customer churn rate"


class ProcessArea(DocEnum):
    """A business process a 'through' KPI can link CX to."""

    SALES = "sales", "Sales"
    WAREHOUSE = "warehouse", "Warehouse and fulfilment"
    PROCUREMENT = "procurement", "Procurement"
    FINANCE = "finance", "Finance"


class System(DocEnum):
    """A customer-facing system."""

    CRM = "crm", "Customer relationship management system"
    IVR = "ivr", "Interactive voice response"
    CONTACT_CENTRE = "contact_centre", "Contact or call centre"
    CLOUD_TELEPHONY = "cloud_telephony", "Cloud IP telephony"
    BOOKING = "booking", "Booking or reservation system"


class Channel(DocEnum):
    """A digital channel customers use."""

    WEBSITE = "website", "Company website"
    SOCIAL = "social", "Social-network groups"
    MESSENGERS = "messengers", "Messengers"
    WEB_CHAT = "web_chat", "Chat on the website"
    EMAIL = "email", "E-mail"


class Analytics(DocEnum):
    """How far customer data is analysed."""

    NONE = "none", "No analysis"
    BASIC = "basic", "Basic reports"
    FUNNELS = "funnels", "Sales funnels per client type"
    CUSTOMER = "customer", "Customer analytics: segments, LTV, personal offers"


ORDERED: frozenset[type[DocEnum]] = frozenset(
    {Geography, Amount, Sponsor, CxOwner, Governance, Frequency, BrandValues, Standards, Training,
     EmployeeFeedback, Collection, MysteryShopping, Analytics}
)
