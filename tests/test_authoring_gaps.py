"""Authoring: `rules show` of a catalogue entry, `rules graph --focus`, and the catalogue's "serves" messages."""

from __future__ import annotations

import json
from pathlib import Path

from cxm.cli.main import cli
from cxm.engine.knowledge.loader import load_knowledge
from cxm.facts.source import SourceError


def test_rules_show_a_catalogue_entry_with_the_rules_that_make_or_hold_it_back(runner) -> None:
    result = runner.invoke(cli, ["rules", "show", "pickup-feedback-tablets"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "pickup-feedback-tablets: tool: Collect feedback on tablets at the warehouse pick-up",
        "  rules/recommend/feedback.yaml:112:5, competency customers, effort medium, cost high",
        "  Put tablets at the warehouse counters so that clients rate the pick-up right after receiving their",
        "  goods. Feedback given on the spot is frequent and precise about what went wrong.",
        "  Source: Article, company 3, action 1, tool 3",
        "  Serves: rebuild-target-group-feedback",
        "  Once done: customers.feedback_channels + [tablets]",
        "  Made by:",
        "    pickup-feedback-not-captured (rules/recommend/feedback.yaml:310:5)",
        "  Held back by:",
        "    low-budget-defers-pickup-tablets (rules/recommend/feedback.yaml:327:5)",
    ]
    data = json.loads(runner.invoke(cli, ["rules", "show", "written-brand-values", "--format", "json"]).output)
    assert (data["kind"], data["made_by"], data["held_back_by"], data["served_by"], data["effects"]) == (
        "decision",
        ["gap-values-not-written"],
        [],
        ["brand-book-and-service-standards", "values-from-customer-moments"],
        [{"fact": "brand.values", "at_least": "documented"}],
    )
    unknown = runner.invoke(cli, ["rules", "show", "pickup-feedback-tablet"])
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "error: no rule or recommendation 'pickup-feedback-tablet' (did you mean 'pickup-feedback-tablets'?)\n"
    )


def test_rules_graph_focus_keeps_what_the_id_rests_on_and_what_rests_on_it(runner) -> None:
    mermaid = runner.invoke(cli, ["rules", "graph", "--focus", "kpi-per-touchpoint"]).output.splitlines()
    assert mermaid[0] == "flowchart LR"
    assert "  in_metrics_kpi_per_touchpoint --> r_touchpoints_without_kpi" in mermaid
    assert "  r_touchpoints_without_kpi --> reco_kpi_per_touchpoint" in mermaid
    assert '  f_stage{{"stage"}}' in mermaid  # shown, but not what the stage rests on
    assert not [line for line in mermaid if "level" in line]
    # its parent's rule reads public_service, which rests on the industry (rules/derive/company.yaml)
    assert "  r_serves_buyers --> f_public_service" in mermaid
    assert len(mermaid) == 35
    dot = runner.invoke(cli, ["rules", "graph", "--focus", "touchpoints-without-kpi", "--format", "dot"]).output
    assert dot.startswith("digraph rules {\n  rankdir=LR;\n")
    assert "  r_touchpoints_without_kpi -> reco_kpi_per_touchpoint;\n" in dot
    assert dot.endswith("}\n")
    whole = runner.invoke(cli, ["rules", "graph"]).output
    assert len(whole.splitlines()) > 10 * len(mermaid)
    bad = runner.invoke(cli, ["rules", "graph", "--focus", "kpi-per-touchpont"])
    assert bad.exit_code == 2
    assert bad.stderr == (
        "error: --focus: no rule, recommendation or fact 'kpi-per-touchpont' (did you mean 'kpi-per-touchpoint'?)\n"
    )


ENTRY = """recommendations:
  - id: my-tool
    kind: tool
    SERVES
    competency: brand
    effort: low
    cost: low
    title: {en: My tool, ru: Мой инструмент}
    text: {en: A tool., ru: Инструмент.}
    source: Test
"""


def test_a_tool_without_an_action_gets_a_plain_english_message(tmp_path: Path) -> None:
    messages = []
    for serves in ("", "serves: written-brand-values", "serves: no-such-action"):
        (tmp_path / "extra.yaml").write_text(ENTRY.replace("SERVES", serves), encoding="utf-8")
        try:
            load_knowledge([tmp_path])
        except SourceError as exc:
            messages += [p.message for p in exc.problems if p.field.endswith("serves")]
    assert messages == [
        "a tool must serve an action; add 'serves: <id of the action>'",
        "a tool serves an action, but 'written-brand-values' is a decision",
        "a tool must serve an action; 'no-such-action' is not in the catalogue",
    ]
