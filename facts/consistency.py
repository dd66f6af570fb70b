"""Facts that contradict each other: each found is a located problem, an error or a warning.

An *error* is a pair of facts that cannot both hold (a company cannot keep its customers' digital footprint in
a CRM it does not have); the file is rejected like any other bad file. A *warning* is a pair that can hold but
most likely means a slip (NPS measured while no customer feedback is collected): the assessment goes on and
the warning is shown on stderr. ``CHECKS`` lists them all; the README documents the same list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cxm.facts.record import record
from cxm.facts.source import Document, Path_, Problem

Values = Mapping[str, Any]

CUSTOMER_METRICS = ("nps", "csi", "csat", "ces")


@record(frozen=True)
class Check:
    """One rule of consistency: where it points for the values given, and what it says."""

    id: str
    severity: str  # "error" or "warning"
    find: Callable[[Values], list[tuple[Path_, str]]]
    """The places of the file that break the rule, each with its message (empty: the facts agree)."""


def _items(values: Values, path: str, wanted: tuple[str, ...] | None = None) -> list[tuple[int, str]]:
    return [(i, v) for i, v in enumerate(values.get(path, [])) if wanted is None or v in wanted]


@record(frozen=True)
class Requirement:
    """A fact value that cannot hold without another: ``fact`` at ``value`` needs the bool fact ``needs`` true, or
    the list fact ``needs`` holding ``item``. Lint reads these too (``CXL504``): no recommendation may make
    ``fact`` hold ``value`` where its ``needs`` can fail."""

    id: str
    fact: str
    value: Any
    needs: str
    item: str | None
    message: str


REQUIRES: tuple[Requirement, ...] = (
    Requirement(
        "footprint-without-crm",
        "systems.digital_footprint_in_crm",
        True,
        "systems.present",
        "crm",
        "the footprint is kept in a CRM, but systems.present has no crm: add crm or set this to false",
    ),
    Requirement(
        "ltv-without-segments",
        "customers.ltv_by_segment",
        True,
        "customers.segmentation",
        None,
        "LTV per segment needs segments, but customers.segmentation is false: set one of them right",
    ),
)


def _required(req: Requirement) -> Callable[[Values], list[tuple[Path_, str]]]:
    def find(v: Values) -> list[tuple[Path_, str]]:
        if v.get(req.fact) != req.value:
            return []
        have = v.get(req.needs)
        met = req.item in (have or []) if req.item is not None else bool(have)
        return [] if met else [(tuple(req.fact.split(".")), req.message)]

    return find


def _metrics_without_feedback(v: Values) -> list[tuple[Path_, str]]:
    if v.get("customers.feedback_collection") != "none":
        return []
    return [
        (
            ("metrics", "in_use", i),
            f"{m} is measured from customers' answers, but "
            "customers.feedback_collection is none: is the feedback collected after all?",
        )
        for i, m in _items(v, "metrics.in_use", CUSTOMER_METRICS)
    ]


def _channels_without_feedback(v: Values) -> list[tuple[Path_, str]]:
    if v.get("customers.feedback_collection") != "none" or not v.get("customers.feedback_channels"):
        return []
    return [
        (
            ("customers", "feedback_channels"),
            "feedback arrives through these channels, but "
            "customers.feedback_collection is none: is it collected now and then (ad_hoc)?",
        )
    ]


def _enps_without_survey(v: Values) -> list[tuple[Path_, str]]:
    if v.get("employees.feedback") != "none":
        return []
    return [
        (
            ("metrics", "in_use", i),
            "enps is measured by asking employees, but employees.feedback is none: are they surveyed after all?",
        )
        for i, _ in _items(v, "metrics.in_use", ("enps",))
    ]


def _book_without_values(v: Values) -> list[tuple[Path_, str]]:
    if v.get("brand.brand_book") and v.get("brand.values") == "none":
        return [
            (
                ("brand", "brand_book"),
                "a brand book states the brand values, but brand.values is none: are they at least documented?",
            )
        ]
    return []


def _shopper_without_monitoring(v: Values) -> list[tuple[Path_, str]]:
    if v.get("customers.mystery_shopping", "none") != "none" and not v.get("brand.promise_monitored"):
        return [
            (
                ("customers", "mystery_shopping"),
                "mystery shopping checks that the customer promise is kept, "
                "but brand.promise_monitored is false: is it monitored after all?",
            )
        ]
    return []


CHECKS: tuple[Check, ...] = (
    *(Check(req.id, "error", _required(req)) for req in REQUIRES),
    Check("customer-metrics-without-feedback", "warning", _metrics_without_feedback),
    Check("feedback-channels-without-feedback", "warning", _channels_without_feedback),
    Check("enps-without-employee-survey", "warning", _enps_without_survey),
    Check("brand-book-without-values", "warning", _book_without_values),
    Check("mystery-shopping-without-monitoring", "warning", _shopper_without_monitoring),
)


def contradictions(doc: Document, values: Values) -> tuple[list[Problem], list[Problem]]:
    """The errors and the warnings of a validated facts file (``values`` as dotted path -> plain value)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for check in CHECKS:
        for path, message in check.find(values):
            (errors if check.severity == "error" else warnings).append(doc.problem(path, message))
    return errors, warnings
