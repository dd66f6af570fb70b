"""Fitting: what changes for the same company with another budget, market, IVR or country.

Each case assesses an example (optionally patched into a base) and the same company with one more
patch, and asserts the exact recommendations added and removed and the exact held-back changes.
rules/README.md, section "Fitting", describes the same differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from cxm.engine.results.result import Assessment
from cxm.facts.load import load_facts_text
from tests.conftest import EXAMPLES

A1, A2, A3 = "article-1-wellness-resort", "article-2-regional-lender", "article-3-manufacturer"
HOTELS, RETAILER = "mobilize-city-hotels", "operationalize-electronics-retailer"

LOW_1 = ("budget: low", "budget: high")  # company 1 is the low-budget one
HIGH_3 = ("budget: high", "budget: low")  # company 3 the high-budget one
# the Operationalize gate's sponsor gap (rules/recommend/sponsor.yaml) brings the sponsor decision, its action and tool
SPONSOR_GAP = ("sponsor-leads-cx", "sponsor-drives-cx", "sponsor-quarterly-cx-review")
NO_IVR = ("present: [crm, ivr, contact_centre]", "present: [crm, contact_centre]")
B2C_3 = ("{b2b: 100, b2c: 0}", "{b2b: 0, b2c: 100}")


@dataclass(frozen=True)
class Case:
    example: str
    change: list[tuple[str, str]]  # the patch that makes the variant
    base: list[tuple[str, str]] = field(default_factory=list)  # applied to both sides first
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    held_added: frozenset[str] = frozenset()
    held_removed: frozenset[str] = frozenset()


def ids(*names: str) -> frozenset[str]:
    return frozenset(names)


CASES = {
    # (a) budget: low against medium or high (the rules test `low` and `at_least: medium`)
    "budget/company-3 high to low": Case(
        A3,
        [HIGH_3],
        added=ids("pickup-qr-survey"),
        removed=ids("pickup-feedback-tablets", "multichannel-data-integration"),
        held_added=ids("pickup-feedback-tablets", "multichannel-data-integration"),
    ),
    "budget/company-3 high to medium": Case(A3, [("budget: high", "budget: medium")]),
    "budget/company-1 low to high": Case(
        A1, [LOW_1], added=ids("end-to-end-marketing-analytics"), held_removed=ids("end-to-end-marketing-analytics")
    ),
    "budget/company-1 low to medium": Case(
        A1,
        [("budget: low", "budget: medium")],
        added=ids("end-to-end-marketing-analytics"),
        held_removed=ids("end-to-end-marketing-analytics"),
    ),
    "budget/company-2 medium to low": Case(A2, [("budget: medium", "budget: low")]),  # no costly tool at Mobilize
    # (b) market: B2B against B2C (market_focus: 70 % or more of revenue; a B2B share of at least 1 %)
    # business clients are heard by a debrief after each project, not by a schedule at the touchpoints
    "market/company-1 B2C to B2B": Case(
        A1,
        [("{b2c: 85, b2b: 15}", "{b2c: 15, b2b: 85}")],
        added=ids("client-debriefs-and-relationship-nps"),
        removed=ids(
            "internal-service-contest", "guest-feedback-forms", "regular-feedback-schedule", "weekly-feedback-review"
        ),
    ),
    "market/company-1 B2C to mixed": Case(A1, [("{b2c: 85, b2b: 15}", "{b2c: 60, b2b: 40}")]),
    "market/company-3 B2B to B2C only": Case(
        A3,
        [B2C_3],
        removed=ids("in-depth-interviews-trigger-surveys", "pickup-feedback-tablets", "b2b-contract-152fz-update"),
    ),
    "market/company-3 B2B to mostly B2C": Case(
        A3,
        [("{b2b: 100, b2c: 0}", "{b2b: 20, b2c: 80}")],
        removed=ids("in-depth-interviews-trigger-surveys", "pickup-feedback-tablets"),
    ),
    "market/company-3 B2B to mixed": Case(A3, [("{b2b: 100, b2c: 0}", "{b2b: 50, b2c: 50}")]),
    "market/company-3 low budget, B2B to B2C only": Case(
        A3,
        [B2C_3],
        base=[HIGH_3],
        removed=ids("in-depth-interviews-trigger-surveys", "pickup-qr-survey", "b2b-contract-152fz-update"),
        held_removed=ids("pickup-feedback-tablets"),
    ),
    "market/company-2 mixed to B2C": Case(A2, [("{b2b: 40, b2c: 60}", "{b2b: 0, b2c: 100}")]),
    # online reviews are answered where consumers write them; business clients review the service with the
    # company instead of meeting a mystery shopper at an outlet
    "market/company-2 mixed to B2B": Case(
        A2,
        [("{b2b: 40, b2c: 60}", "{b2b: 100, b2c: 0}")],
        added=ids("key-account-service-reviews"),
        removed=ids("answer-online-reviews", "outlet-mystery-check"),
    ),
    # (c) IVR: with against without (CRM and contact centre present, records not shared)
    # Operationalize needs an active sponsor (issue 22): with the IVR the directors' oversight of the integration
    # makes the declared sponsor active; without it, nothing does, so the sponsor gap gets its own decision,
    # weigh-cx-like-finance, with every action and tool whose fact is not yet in place (sponsor declared, metrics
    # not on a par, pay not tied to CX): rules gap-gate-sponsor-not-active, sponsor-only-declared,
    # no-sponsor-cx-review, cx-below-finance-on-scorecard, cx-point-has-no-price, managers-not-paid-for-cx,
    # cx-bonus-rules-unset
    "ivr/company-2 without IVR": Case(
        A2,
        [NO_IVR],
        added=ids("join-crm-contact-centre", "crm-card-for-agents", *SPONSOR_GAP),
        removed=ids(
            "join-crm-ivr-contact-centre-finance", "integration-working-groups", "integration-oversight-by-directors"
        ),
    ),
    "ivr/hotels with IVR": Case(
        HOTELS,
        [("present: [crm, contact_centre, booking]", "present: [crm, ivr, contact_centre, booking]")],
        added=ids(
            "join-crm-ivr-contact-centre-finance", "integration-working-groups", "integration-oversight-by-directors"
        ),
        removed=ids("join-crm-contact-centre", "crm-card-for-agents", *SPONSOR_GAP),
    ),
    "ivr/company-3 without IVR": Case(A3, [NO_IVR], removed=ids("multichannel-data-integration")),
    "ivr/company-3 low budget without IVR": Case(
        A3, [NO_IVR], base=[HIGH_3], held_removed=ids("multichannel-data-integration")
    ),
    # (d) country: Russia (152-FZ) against the EU (GDPR); a company that keeps customer data is told to meet the
    # law of its country (rules/recommend/compliance.yaml), whatever its stage
    "country/company-3 RU to DE": Case(
        A3,
        [("country: RU", "country: DE")],
        added=ids("personal-data-gdpr"),
        removed=ids("b2b-contract-152fz-update", "personal-data-152fz"),
    ),
    "country/company-3 B2C only, RU to DE": Case(
        A3,
        [("country: RU", "country: DE")],
        base=[B2C_3],
        added=ids("personal-data-gdpr"),
        removed=ids("personal-data-152fz"),
    ),
    # a wellness and medical resort keeps patient records (health data) with or without a CRM
    "country/company-1 RU to DE": Case(
        A1, [("country: RU", "country: DE")], added=ids("personal-data-gdpr"), removed=ids("personal-data-152fz")
    ),
    "country/company-2 RU to DE": Case(
        A2, [("country: RU", "country: DE")], added=ids("personal-data-gdpr"), removed=ids("personal-data-152fz")
    ),
    "country/retailer DE to RU": Case(
        RETAILER, [("country: DE", "country: RU")], added=ids("personal-data-152fz"), removed=ids("personal-data-gdpr")
    ),
}


def assess(engine, example: str, patches: list[tuple[str, str]]) -> Assessment:
    text = (EXAMPLES / f"{example}.yaml").read_text(encoding="utf-8")
    for old, new in patches:
        assert text.count(old) == 1, f"{example}: {old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return engine.assess(load_facts_text(text, f"{example}.yaml"))


def made(result: Assessment) -> set[str]:
    return {r.id for r in result.recommendations} - {h.id for h in result.held_back}


def held(result: Assessment) -> set[str]:
    return {h.id for h in result.held_back}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fitting_difference(engine, name: str) -> None:
    case = CASES[name]
    before = assess(engine, case.example, case.base)
    after = assess(engine, case.example, case.base + case.change)
    assert after.stage.id == before.stage.id
    assert made(after) - made(before) == case.added
    assert made(before) - made(after) == case.removed
    assert held(after) - held(before) == case.held_added
    assert held(before) - held(after) == case.held_removed


def _tools(result: Assessment, action: str) -> list[tuple[str, str]]:
    return [(r.id, r.cost) for r in result.recommendations if r.serves == action]


def test_low_budget_reads_the_cheap_pickup_survey_before_costlier_tools(engine) -> None:
    high = assess(engine, A3, [])
    low = assess(engine, A3, [HIGH_3])
    assert _tools(high, "rebuild-target-group-feedback") == [
        ("yearly-research-map", "low"),
        ("employee-pulse-internal-services", "low"),
        ("internal-external-mystery-shopper", "medium"),
        ("pickup-feedback-tablets", "high"),
    ]
    assert _tools(low, "rebuild-target-group-feedback") == [
        ("yearly-research-map", "low"),
        ("employee-pulse-internal-services", "low"),
        ("pickup-qr-survey", "low"),
        ("internal-external-mystery-shopper", "medium"),
    ]
    assert _tools(high, "better-customer-data-handling") == [
        ("b2b-contract-152fz-update", "low"),
        ("extended-crm-export", "medium"),
        ("multichannel-data-integration", "high"),
    ]
    assert _tools(low, "better-customer-data-handling") == [
        ("b2b-contract-152fz-update", "low"),
        ("extended-crm-export", "medium"),
    ]
    ranks = {r.id: r.priority for r in low.recommendations}
    assert ranks["pickup-qr-survey"] == 62 and ranks["internal-external-mystery-shopper"] == 70
    assert {r.id: r.priority for r in high.recommendations}["pickup-feedback-tablets"] == 85


def test_costly_analytics_comes_after_the_cheap_crm_reports(engine) -> None:
    low = assess(engine, A1, [])
    high = assess(engine, A1, [LOW_1])
    assert _tools(low, "crm-telephony-booking-setup") == [
        ("director-promotion-sales-monitoring", "low"),
        ("sales-funnels-per-client-type", "low"),
        ("crm-digital-footprint", "medium"),
    ]
    assert _tools(high, "crm-telephony-booking-setup") == [
        ("director-promotion-sales-monitoring", "low"),
        ("sales-funnels-per-client-type", "low"),
        ("crm-digital-footprint", "medium"),
        ("end-to-end-marketing-analytics", "high"),
    ]


@pytest.mark.parametrize(
    "example, patches",
    [
        (A1, []),
        (A1, [LOW_1]),
        (A3, []),
        (A3, [HIGH_3]),
        (RETAILER, []),
        (RETAILER, [("budget: medium", "budget: low")]),
    ],
)
def test_tools_of_an_action_come_cheapest_first(engine, example: str, patches) -> None:
    rank = {"low": 0, "medium": 1, "high": 2}
    result = assess(engine, example, patches)
    for action in {r.serves for r in result.recommendations if r.kind == "tool"}:
        costs = [rank[cost] for _, cost in _tools(result, action)]
        assert costs == sorted(costs), (action, _tools(result, action))


def test_held_back_items_name_the_budget_rules(engine) -> None:
    low = assess(engine, A3, [HIGH_3])
    assert [(h.id, h.rules) for h in low.held_back] == [
        ("multichannel-data-integration", ["low-budget-defers-multichannel-integration"]),
        ("pickup-feedback-tablets", ["low-budget-defers-pickup-tablets"]),
    ]
    qr = next(r for r in low.recommendations if r.id == "pickup-qr-survey")
    assert qr.rules == ["low-budget-pickup-without-feedback"]


# the recommending rules that fire in one variant and not in the other (derivation rules left out)
RULES = {
    "budget/company-3 high to low": (
        {
            "low-budget-defers-pickup-tablets",
            "low-budget-pickup-without-feedback",
            "low-budget-defers-multichannel-integration",
        },
        {"pickup-feedback-not-captured", "channels-keep-separate-records"},
    ),
    "budget/company-1 low to high": ({"ad-spend-not-linked-to-sales"}, {"low-budget-defers-end-to-end-analytics"}),
    "market/company-1 B2C to B2B": (
        {"business-clients-heard-by-chance"},
        {
            "consumer-front-line-without-contest",
            "guest-feedback-not-online",
            "feedback-not-scheduled",
            "answers-not-reviewed-weekly",
        },
    ),
    "market/company-3 B2B to B2C only": (
        set(),
        {"business-clients-needs-unexplored", "pickup-feedback-not-captured", "b2b-contracts-predate-152fz"},
    ),
    "ivr/company-2 without IVR": (
        {
            "no-ivr-crm-contact-centre-apart",
            "agents-work-without-crm-card",
            "gap-gate-sponsor-not-active",
            "sponsor-only-declared",
            "no-sponsor-cx-review",
        },
        {"crm-ivr-records-apart", "integration-brief-unwritten", "integration-without-executive-owner"},
    ),
    "ivr/company-3 without IVR": (set(), {"channels-keep-separate-records"}),
    "country/company-3 RU to DE": (
        {"personal-data-gdpr-applies"},
        {"b2b-contracts-predate-152fz", "personal-data-152fz-applies"},
    ),
}


def _recommending_rules(result: Assessment) -> set[str]:
    return {rule for r in result.recommendations for rule in r.rules} | {
        rule for h in result.held_back for rule in h.rules
    }


@pytest.mark.parametrize("name", sorted(RULES))
def test_fitting_rules(engine, name: str) -> None:
    case = CASES[name]
    before = _recommending_rules(assess(engine, case.example, case.base))
    after = _recommending_rules(assess(engine, case.example, case.base + case.change))
    assert (after - before, before - after) == RULES[name]
