"""`cxm rules ...`: tools for the experts who write the rules (lint, test, list, show; doc, graph and audit in
:mod:`cxm.cli.rules_tools`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from cxm.cli.errors import Findings, Rejected
from cxm.cli.formats import show
from cxm.cli.options import lang_option, output_options, rules_option
from cxm.cli.rules_common import engine as _engine
from cxm.cli.rules_common import load as _load
from cxm.cli.rules_common import t
from cxm.cli.rules_common import warn as _warn
from cxm.cli.rules_tools import audit_cmd, doc_cmd, graph_cmd


@click.group()
def rules() -> None:
    """Tools for the experts who write the rules: lint, test, list, show, doc, graph.

    Every subcommand takes --rules DIR (repeatable) to add a folder of your own rules to the built-in
    ones; a rule with a built-in id replaces it, with a warning.

    \b
    Example:
      cxm rules lint --strict
      cxm rules test --rules my-rules/
      cxm rules show size-small
    """


@rules.command("lint")
@rules_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--explain", "explain", metavar="CODE", help="Print what a check finds, why, and how to fix it.")
@lang_option("Language of --explain.")
def lint_cmd(rules: tuple[Path, ...], strict: bool, explain: str | None, lang: str) -> None:
    """Check the rules: schema, dead or shadowed rules, conflicts, cycles, texts, unreachable recommendations.

    Prints one finding per line, FILE:LINE:COL: CODE message, sorted, then a summary. Exit code 1 on
    any error; warnings exit 0 unless --strict. Messages are in English (codes are stable); the
    explanation of each code (--explain) is in English and Russian. rules/README.md lists the checks.

    \b
    Example:
      cxm rules lint --strict
      cxm rules lint --rules my-rules/
      cxm rules lint --explain CXL201 --lang ru
    """
    from cxm.engine.authoring.lint import CHECKS, lint
    from cxm.facts.validation import suggest

    if explain is not None:
        code = explain.upper()
        check = CHECKS.get(code)
        if check is None:
            raise Rejected(f"error: unknown check {explain!r}{suggest(code, CHECKS)}; one of: {', '.join(CHECKS)}")
        click.echo(f"{check.code} ({check.name}, {t('severity', lang)}: {t(check.severity, lang)})")
        for key in ("what", "why", "fix"):
            click.echo(f"{t(key, lang)}: {getattr(getattr(check, key), lang)}")
        return
    report = lint(rules)
    for finding in report.findings:
        click.echo(str(finding))
    if report.findings:
        click.echo(
            t(
                "found",
                "en",
                errors=len(report.errors),
                warnings=len(report.warnings),
                rules=report.rules,
                files=report.files,
            )
        )
    else:
        click.echo(t("clean", "en", rules=report.rules, files=report.files))
    if not report.loaded:
        click.echo(t("schema_first", "en"))
    if report.exit_code(strict):
        raise Findings()


@rules.command("test")
@rules_option
@click.option("-k", "select", metavar="TEXT", help="Run only the cases whose id (FILE::CASE) contains TEXT.")
@click.option("--strict", is_flag=True, help="Exit 1 when a rule fired in no case (incomplete coverage).")
@click.option("-v", "--verbose", is_flag=True, help="List every case, not only failures.")
@lang_option("Language of the summary.")
def test_cmd(rules: tuple[Path, ...], select: str | None, strict: bool, verbose: bool, lang: str) -> None:
    """Run the rule tests (*.test.yaml beside the rule files) and report coverage.

    Runs the built-in tests and those in every --rules folder against the combined rules. A failing
    case prints its place and a diff (- expected, + actual). Coverage lists the rules that fired in
    no case. Exit code 1 when a case fails (or, with --strict, a rule is not covered); 2 when a
    test file is invalid. rules/README.md documents the test format.

    \b
    Example:
      cxm rules test
      cxm rules test --rules my-rules/ -k stage -v
    """
    from cxm.engine.authoring import ruletest
    from cxm.rules import BUILTIN_DIR

    engine = _engine(rules)
    _warn(engine.kb)
    cases = ruletest.load_cases(ruletest.discover([BUILTIN_DIR, *rules]))
    if select:
        cases = [c for c in cases if select in c.id]
    outcomes = ruletest.run_cases(engine, cases)
    if not outcomes:
        click.echo(t("no_cases", lang))
        raise Findings()
    counts = {"pass": 0, "fail": 0, "todo": 0, "fixed": 0}
    for o in outcomes:
        counts[o.status] += 1
        if o.status == "pass" and not verbose:
            continue
        width = max(len(t(f"case_{status}", lang)) for status in counts)
        click.echo(
            f"{t('case_' + o.status, lang):{width}} {o.case.id}"
            + ("" if o.status == "pass" else f"  ({o.case.location})")
        )
        for line in o.diff if o.status != "todo" or verbose else []:  # a todo case's diff is its known gap
            click.echo(f"      {line}")
        if o.status == "fixed":
            click.echo(f"      {t('fixed', lang)}")
    uncovered = ruletest.coverage(engine.kb, outcomes) if not select else []
    if not select:
        if uncovered:
            click.echo(t("uncovered", lang, n=len(uncovered), total=len(engine.kb.rules)))
            for rule in uncovered:
                click.echo(f"  {rule.id} ({rule.location})")
        else:
            click.echo(t("covered", lang, total=len(engine.kb.rules)))
    click.echo(
        t(
            "summary",
            lang,
            passed=counts["pass"] + counts["fixed"],
            failed=counts["fail"],
            todo=counts["todo"],
            total=len(outcomes),
        )
    )
    if counts["fail"] or (strict and uncovered):
        raise Findings()


@rules.command("list")
@rules_option
@output_options
def list_cmd(rules: tuple[Path, ...], fmt: str, lang: str) -> None:
    """List every rule: id, status, place and title, in the order the files define them.

    \b
    Example:
      cxm rules list
      cxm rules list --rules my-rules/ --format json
    """
    kb = _load(rules)
    _warn(kb)
    ordered = sorted(kb.rules, key=lambda r: (kb.files.index(r.file), r.line, r.id))

    def as_json() -> str:
        return _json(
            [
                {
                    "id": r.id,
                    "status": r.status.value,
                    "priority": r.priority,
                    "file": r.file,
                    "line": r.line,
                    "title": {"en": r.title.en, "ru": r.title.ru},
                }
                for r in ordered
            ]
        )

    def as_text() -> str:
        width = max((len(r.id) for r in ordered), default=0)
        status = max((len(t(r.status.value, lang)) for r in ordered), default=0)
        return "".join(
            f"{r.id:<{width}}  {t(r.status.value, lang):<{status}}  {r.file}:{r.line}  {getattr(r.title, lang)}\n"
            for r in ordered
        )

    show(fmt, text=as_text, json=as_json)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@rules.command("show")
@click.argument("rule_id", metavar="ID")
@rules_option
@output_options
def show_cmd(rule_id: str, rules: tuple[Path, ...], fmt: str, lang: str) -> None:
    """Show one rule (its text, condition, conclusions, what it depends on, what uses it, its tests) or one
    recommendation of the catalogue (the entry, the rules that make it or hold it back).

    The tests covering it are found by running the rule tests.

    \b
    Example:
      cxm rules show size-small
      cxm rules show brand-rung-3 --lang ru
    """
    from cxm.engine.authoring import ruletest
    from cxm.engine.authoring.ruledocs import conclusion_text, condition_lines, depends_on, used_by
    from cxm.engine.results.result import to_data
    from cxm.facts.validation import suggest
    from cxm.rules import BUILTIN_DIR

    engine = _engine(rules)
    kb = engine.kb
    _warn(kb)
    if rule_id in kb.catalogue and rule_id not in {r.id for r in kb.rules}:
        _show_entry(kb, rule_id, fmt, lang)
        return
    try:
        rule = kb.rule(rule_id)
    except KeyError:
        names = [r.id for r in kb.rules] + list(kb.catalogue)
        raise Rejected(f"error: no rule or recommendation {rule_id!r}{suggest(rule_id, names)}") from None
    outcomes = ruletest.run_cases(engine, ruletest.load_cases(ruletest.discover([BUILTIN_DIR, *rules])))
    tests = ruletest.covering(outcomes, rule.id)
    deps, users = depends_on(kb, rule), used_by(kb, rule)

    def as_json() -> str:
        return _json(
            {
                "id": rule.id,
                "status": rule.status.value,
                "priority": rule.priority,
                "location": rule.location,
                "title": to_data(rule.title),
                "because": to_data(rule.because),
                "source": rule.source,
                "when": condition_lines(rule, "en"),
                "then": [conclusion_text(c) for c in rule.conclusions],
                "depends_on": [r.id for r in deps],
                "used_by": [r.id for r in users],
                "tests": tests,
            }
        )

    show(fmt, text=lambda: _rule_text(rule, condition_lines(rule, lang), deps, users, tests, lang), json=as_json)


def _rule_text(rule: Any, conds: list[str], deps: list[Any], users: list[Any], tests: list[str], lang: str) -> str:
    from cxm.engine.authoring.ruledocs import conclusion_text

    lines = [
        f"{rule.id}: {getattr(rule.title, lang)}",
        f"  {rule.location}, {t('status', lang, status=t(rule.status.value, lang), priority=rule.priority)}",
        f"  {t('because', lang)}: {getattr(rule.because, lang)}",
        f"  {t('source', lang)}: {rule.source}",
    ]
    if len(conds) == 1:
        lines.append(f"  {t('when', lang)}: {conds[0]}")
    else:
        lines.append(f"  {t('when_any', lang)}:")
        lines += [f"    - {c}" for c in conds]
    lines.append(f"  {t('then', lang)}: " + "; ".join(conclusion_text(c, lang) for c in rule.conclusions))
    lines.append(f"  {t('depends_on', lang)}:" + ("" if deps else f" {t('inputs_only', lang)}"))
    lines += [f"    {r.id} ({r.location})" for r in deps]
    lines.append(f"  {t('used_by', lang)}:" + ("" if users else f" {t('final', lang)}"))
    lines += [f"    {r.id} ({r.location})" for r in users]
    lines.append(f"  {t('tests', lang)}:" + ("" if tests else f" {t('no_tests', lang)}"))
    lines += [f"    {case}" for case in tests]
    return "\n".join(lines) + "\n"


def _show_entry(kb: Any, rec_id: str, fmt: str, lang: str) -> None:
    """``rules show`` of a catalogue entry: the entry, the rules that make it or hold it back, its neighbours."""
    from cxm.engine.authoring.ruledocs import concluding
    from cxm.engine.results.result import to_data

    entry = kb.catalogue[rec_id]
    rec = entry.rec
    makers, holders = concluding(kb, "recommendation", rec_id), concluding(kb, "held_back", rec_id)
    below = [e.rec.id for e in kb.catalogue.values() if e.rec.serves == rec_id]

    def as_json() -> str:
        return _json(
            {
                "id": rec.id,
                "kind": rec.kind.value,
                "location": entry.location,
                "serves": rec.serves,
                "competency": rec.competency,
                "requires": rec.requires,
                "effort": rec.effort.value,
                "cost": rec.cost.value,
                "title": to_data(rec.title),
                "text": to_data(rec.text),
                "source": rec.source,
                "effects": [e.to_data() for e in rec.effects],
                "made_by": [r.id for r in makers],
                "held_back_by": [r.id for r in holders],
                "served_by": below,
            }
        )

    show(fmt, text=lambda: _entry_text(entry, makers, holders, below, lang), json=as_json)


def _entry_text(entry: Any, makers: list[Any], holders: list[Any], below: list[str], lang: str) -> str:
    from cxm.cli.render import _wrap

    rec = entry.rec
    facts = t(
        "entry_facts", lang, competency=rec.competency, effort=t(rec.effort.value, lang), cost=t(rec.cost.value, lang)
    )
    lines = [
        f"{rec.id}: {t(rec.kind.value, lang)}: {getattr(rec.title, lang)}",
        f"  {entry.location}, {facts}",
        *_wrap(getattr(rec.text, lang), 2),
        f"  {t('source', lang)}: {rec.source}",
    ]
    if rec.serves:
        lines.append(f"  {t('serves', lang)}: {rec.serves}")
    if rec.effects:
        from cxm.cli.render import effect_text

        lines += _wrap(f"{t('effects', lang)}: " + "; ".join(effect_text(e.to_data()) for e in rec.effects), 2, 4)
    lines.append(f"  {t('made_by', lang)}:" + ("" if makers else f" {t('nothing', lang)}"))
    lines += [f"    {r.id} ({r.location})" for r in makers]
    lines.append(f"  {t('held_back_by', lang)}:" + ("" if holders else f" {t('nothing', lang)}"))
    lines += [f"    {r.id} ({r.location})" for r in holders]
    if below:
        lines.append(f"  {t('served_by', lang)}: " + ", ".join(below))
    return "\n".join(lines) + "\n"


rules.add_command(doc_cmd, "doc")
rules.add_command(graph_cmd, "graph")
rules.add_command(audit_cmd, "audit")
