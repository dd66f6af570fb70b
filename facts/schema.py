"""The company facts file as a pydantic model: the input of every assessment.

Every field is documented here; ``cxm schema`` prints the JSON Schema built
from these models. Fields left out take the conservative default (``none``,
``false``, empty), which reads as "not in place".
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator

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
UniqueList = Annotated[list[T], AfterValidator(checks.unique)]


class Markets(_Section):
    """Share of revenue, in per cent, from business and from consumer clients."""

    b2b: Share = Field(0, description="Per cent of revenue from business clients (B2B).")
    b2c: Share = Field(0, description="Per cent of revenue from consumers (B2C).")

    @model_validator(mode="after")
    def _shares(self) -> Markets:
        checks.shares(self.b2b, self.b2c)
        return self


class Resources(_Section):
    """What the company can spend on change."""

    budget: Amount = Field(Amount.MEDIUM, description="Money available for CX work.")
    it_capacity: Amount = Field(Amount.MEDIUM, description="IT people and time available for CX systems.")


class Company(_Section):
    """Who the company is."""

    name: Str = Field(min_length=1, max_length=200, description="Company name as it appears in reports.")
    industry: UniqueList[Industry] = Field(min_length=1, description="One or more industries.")
    markets: Markets = Field(description="Revenue split between B2B and B2C, in per cent.")
    employees: Int = Field(ge=1, le=10_000_000, description="Number of employees (head count).")
    geography: Geography = Field(description="How far the market reaches.")
    exports: Bool = Field(False, description="Whether the company sells abroad.")
    branches: Int = Field(0, ge=0, le=100_000, description="Number of branches or sites besides the head office.")
    country: Str = Field(
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 code of the home country (RU brings personal-data law 152-FZ).",
    )
    resources: Resources = Field(default_factory=Resources, description="Budget and IT capacity.")


class Leadership(_Section):
    """Purposeful leadership: how leaders steer by customer experience."""

    executive_sponsor: Sponsor = Field(Sponsor.NONE, description="Whether a top executive sponsors CX.")
    cx_owner: CxOwner = Field(CxOwner.NONE, description="Who owns CX day to day.")
    governance: Governance = Field(Governance.NONE, description="How CX work is organised across functions.")
    cx_metrics_in_reviews: Frequency = Field(
        Frequency.NEVER, description="How often CX metrics are weighed in management reviews."
    )


class Brand(_Section):
    """Compelling brand values: what the company promises and how it keeps it."""

    values: BrandValues = Field(BrandValues.NONE, description="How far brand values are written down and lived.")
    brand_book: Bool = Field(False, description="A brand book exists.")
    service_standards: Standards = Field(Standards.NONE, description="Service standards and their reach.")
    promise_monitored: Bool = Field(
        False, description="Whether keeping the customer promise is checked (e.g. by mystery shopping)."
    )


class Employees(_Section):
    """Employee engagement: how staff are trained, heard and rewarded."""

    cx_training: Training = Field(Training.NONE, description="How staff are trained in service.")
    engagement_measured: Bool = Field(False, description="Employee engagement is measured.")
    feedback: EmployeeFeedback = Field(EmployeeFeedback.NONE, description="How employees are surveyed.")
    incentives_linked_to_cx: Bool = Field(False, description="Pay or bonuses depend on CX results.")
    suggestion_scheme: Bool = Field(False, description="Staff can propose CX improvements and are rewarded for it.")
    hr_aligned_with_cx: Bool = Field(False, description="Hiring, reviews and promotion weigh CX behaviour.")
    journey_map: Bool = Field(False, description="An employee journey map (EJM) exists.")


class Customers(_Section):
    """Customer connectedness: how the company hears and acts on its customers."""

    feedback_collection: Collection = Field(Collection.NONE, description="How customer feedback is gathered.")
    feedback_channels: UniqueList[FeedbackChannel] = Field(
        default_factory=list, description="Channels through which customer feedback arrives."
    )
    feedback_from_employees: Bool = Field(False, description="Employees are asked about the customer experience.")
    feedback_from_suppliers: Bool = Field(False, description="Suppliers are asked for feedback.")
    journey_map: Bool = Field(False, description="A customer journey map (CJM) exists.")
    segmentation: Bool = Field(False, description="Customers are segmented.")
    ltv_by_segment: Bool = Field(False, description="Lifetime value is computed per segment.")
    leaders_meet_customers: Bool = Field(False, description="Leaders meet customers in person.")
    insight_drives_decisions: Bool = Field(
        False, description="Customer insight shapes product and marketing decisions."
    )
    processes_redesigned_from_insight: Bool = Field(
        False, description="Products or processes have been redesigned from customer insight."
    )
    mystery_shopping: MysteryShopping = Field(MysteryShopping.NONE, description="Mystery-shopper checks.")
    response_time_hours: Int | None = Field(
        None, ge=0, le=10_000, description="Typical time, in hours, to answer a customer request."
    )


class Metrics(_Section):
    """The experience metrics and KPIs in use."""

    in_use: UniqueList[Metric] = Field(default_factory=list, description="Metrics measured today.")
    kpi_per_touchpoint: Bool = Field(False, description="Each touchpoint has its own KPI.")
    through_kpis: UniqueList[ProcessArea] = Field(
        default_factory=list, description="Processes whose KPIs are linked to CX metrics ('through' KPIs)."
    )


class Systems(_Section):
    """Customer-facing systems and how they share data."""

    present: UniqueList[System] = Field(default_factory=list, description="Systems in place.")
    channels: UniqueList[Channel] = Field(default_factory=list, description="Digital channels customers use.")
    integrated: UniqueList[System] = Field(
        default_factory=list, description="Systems among `present` that share one customer record."
    )
    digital_footprint_in_crm: Bool = Field(
        False, description="The customer's online footprint (site, social) is recorded in the CRM."
    )
    analytics: Analytics = Field(Analytics.NONE, description="How far customer data is analysed.")

    @model_validator(mode="after")
    def _integrated_present(self) -> Systems:
        checks.integrated_present(self.present, self.integrated)
        return self


class SelfAssessment(_Section):
    """Optional 20-statement self-assessment: five ratings from 1 to 5 per competency."""

    leadership: Ratings = Field(description="Five ratings for purposeful leadership.")
    brand: Ratings = Field(description="Five ratings for compelling brand values.")
    employees: Ratings = Field(description="Five ratings for employee engagement.")
    customers: Ratings = Field(description="Five ratings for customer connectedness.")


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
    self_assessment: SelfAssessment | None = Field(
        None, description="Optional 20-statement self-assessment (1-5 per statement)."
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the facts file, with a description for every enum value (for editors)."""
    schema = Facts.model_json_schema()
    enums = {cls.__name__: cls for cls in DocEnum.__subclasses__()}
    for name, definition in schema.get("$defs", {}).items():
        cls = enums.get(name)
        if cls is not None:
            definition["enumDescriptions"] = [m.description for m in cls]
            definition["markdownEnumDescriptions"] = [f"`{m.value}`: {m.description}" for m in cls]
            if cls in ORDERED:
                definition["x-ordered"] = True
    return schema
