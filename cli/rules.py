"""`cxm rules ...`: tools for the experts who write the rules (lint, tests, list, show, doc, graph)."""

from __future__ import annotations

import contextlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

from cxm.cli.errors import Findings, Rejected
from cxm.cli.i18n import translator
from cxm.cli.main import cli, lang_option, output_options, rules_option, started, warn_overrides

LABELS: dict[str, dict[str, str]] = {
    "because": {"en": "Because", "ru": "Потому что"},
    "source": {"en": "Source", "ru": "Источник"},
    "when": {"en": "When", "ru": "Когда"},
    "when_any": {"en": "When any of", "ru": "Когда выполнено одно из"},
    "then": {"en": "Then", "ru": "Вывод"},
    "depends_on": {"en": "Depends on", "ru": "Зависит от"},
    "used_by": {"en": "Used by", "ru": "Используется в"},
    "inputs_only": {"en": "input facts only", "ru": "только исходные факты"},
    "final": {"en": "nothing (a final conclusion)", "ru": "нигде (окончательный вывод)"},
    "tests": {"en": "Tests covering it", "ru": "Тесты, которые его покрывают"},
    "no_tests": {"en": "none: write a case in a *.test.yaml file beside the rules",
                 "ru": "нет: добавьте пример в файл *.test.yaml рядом с правилами"},
    "decision": {"en": "decision", "ru": "решение"},
    "action": {"en": "action", "ru": "действие"},
    "tool": {"en": "tool", "ru": "инструмент"},
    "error": {"en": "error", "ru": "ошибка"},
    "warning": {"en": "warning", "ru": "предупреждение"},
    "active": {"en": "active", "ru": "действует"},
    "draft": {"en": "draft", "ru": "черновик"},
    "deprecated": {"en": "deprecated", "ru": "устарело"},
    "low": {"en": "low", "ru": "низкие"},
    "medium": {"en": "medium", "ru": "средние"},
    "high": {"en": "high", "ru": "высокие"},
    "entry_facts": {"en": "competency {competency}, effort {effort}, cost {cost}",
                    "ru": "компетенция {competency}, усилия {effort}, затраты {cost}"},
    "serves": {"en": "Serves", "ru": "Служит"},
    "effects": {"en": "Once done", "ru": "После выполнения"},
    "made_by": {"en": "Made by", "ru": "Рекомендуют правила"},
    "held_back_by": {"en": "Held back by", "ru": "Откладывают правила"},
    "served_by": {"en": "Carried out by", "ru": "Выполняется через"},
    "nothing": {"en": "no rule", "ru": "ни одно правило"},
    "status": {"en": "status {status}, priority {priority}", "ru": "статус {status}, приоритет {priority}"},
    "summary": {"en": "{passed} passed, {failed} failed, {todo} todo ({total} cases)",
                "ru": "успешно: {passed}, с ошибкой: {failed}, известных пробелов: {todo} (примеров: {total})"},
    "covered": {"en": "Coverage: all {total} rules fired in at least one case.",
                "ru": "Покрытие: все {total} правил сработали хотя бы в одном примере."},
    "uncovered": {"en": "Coverage: {n} of {total} rules fired in no case:",
                  "ru": "Покрытие: {n} из {total} правил не сработали ни в одном примере:"},
    "case_pass": {"en": "PASS", "ru": "ДА"}, "case_fail": {"en": "FAIL", "ru": "НЕТ"},
    "case_todo": {"en": "TODO", "ru": "ПРОБЕЛ"}, "case_fixed": {"en": "FIXED", "ru": "ИСПРАВЛЕН"},
    "fixed": {"en": "a todo case now passes: remove its 'todo'", "ru": "пример с todo теперь проходит: уберите todo"},
    "no_cases": {"en": "No rule tests found (*.test.yaml beside the rule files).",
                 "ru": "Тесты правил (*.test.yaml рядом с файлами правил) не найдены."},
    "clean": {"en": "All checks passed ({rules} rules, {files} files).",
              "ru": "Все проверки пройдены (правил: {rules}, файлов: {files})."},
    "found": {"en": "Found {errors} error(s) and {warnings} warning(s) ({rules} rules, {files} files).",
              "ru": "Найдено ошибок: {errors}, предупреждений: {warnings} (правил: {rules}, файлов: {files})."},
    "schema_first": {"en": "Semantic checks run once the schema errors above are fixed.",
                     "ru": "Смысловые проверки выполняются после исправления ошибок схемы выше."},
    "wrote": {"en": "Wrote {n} files to {dir}.", "ru": "Записано файлов: {n} в {dir}."},
    "what": {"en": "What it finds", "ru": "Что находит"},
    "why": {"en": "Why it matters", "ru": "Почему это важно"},
    "fix": {"en": "How to fix", "ru": "Как исправить"},
    "severity": {"en": "severity", "ru": "серьёзность"},
}


t = translator(LABELS)


def _load(rules: tuple[Path, ...]) -> Any:
    from cxm.engine.knowledge.loader import load_knowledge

    return load_knowledge(list(rules))


def _engine(rules: tuple[Path, ...]) -> Any:
    from cxm.engine.services.api import Engine

    engine = Engine(rules)
    started()
    return engine


def _warn(kb: Any) -> None:
    warn_overrides(kb)


@cli.group()
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
        click.echo(t("found", "en", errors=len(report.errors), warnings=len(report.warnings), rules=report.rules,
                     files=report.files))
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
        click.echo(f"{t('case_' + o.status, lang):{width}} {o.case.id}"
                   + ("" if o.status == "pass" else f"  ({o.case.location})"))
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
    click.echo(t("summary", lang, passed=counts["pass"] + counts["fixed"], failed=counts["fail"],
                 todo=counts["todo"], total=len(outcomes)))
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
    if fmt == "json":
        data = [{"id": r.id, "status": r.status.value, "priority": r.priority, "file": r.file, "line": r.line,
                 "title": {"en": r.title.en, "ru": r.title.ru}} for r in ordered]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    width = max((len(r.id) for r in ordered), default=0)
    status = max((len(t(r.status.value, lang)) for r in ordered), default=0)
    for r in ordered:
        click.echo(f"{r.id:<{width}}  {t(r.status.value, lang):<{status}}  {r.file}:{r.line}  {getattr(r.title, lang)}")


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
    conds = condition_lines(rule, lang if fmt == "text" else "en")
    if fmt == "json":
        data = {"id": rule.id, "status": rule.status.value, "priority": rule.priority, "location": rule.location,
                "title": to_data(rule.title), "because": to_data(rule.because), "source": rule.source,
                "when": conds, "then": [conclusion_text(c) for c in rule.conclusions],
                "depends_on": [r.id for r in deps], "used_by": [r.id for r in users], "tests": tests}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    lines = [f"{rule.id}: {getattr(rule.title, lang)}",
             f"  {rule.location}, {t('status', lang, status=t(rule.status.value, lang), priority=rule.priority)}",
             f"  {t('because', lang)}: {getattr(rule.because, lang)}", f"  {t('source', lang)}: {rule.source}"]
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
    click.echo("\n".join(lines))


def _show_entry(kb: Any, rec_id: str, fmt: str, lang: str) -> None:
    """``rules show`` of a catalogue entry: the entry, the rules that make it or hold it back, its neighbours."""
    from cxm.engine.authoring.ruledocs import concluding
    from cxm.engine.results.result import to_data

    entry = kb.catalogue[rec_id]
    rec = entry.rec
    makers, holders = concluding(kb, "recommendation", rec_id), concluding(kb, "held_back", rec_id)
    below = [e.rec.id for e in kb.catalogue.values() if e.rec.serves == rec_id]
    if fmt == "json":
        data = {"id": rec.id, "kind": rec.kind.value, "location": entry.location, "serves": rec.serves,
                "competency": rec.competency, "requires": rec.requires, "effort": rec.effort.value,
                "cost": rec.cost.value, "title": to_data(rec.title), "text": to_data(rec.text), "source": rec.source,
                "effects": [e.to_data() for e in rec.effects],
                "made_by": [r.id for r in makers], "held_back_by": [r.id for r in holders], "served_by": below}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from cxm.cli.render import _wrap

    facts = t("entry_facts", lang, competency=rec.competency, effort=t(rec.effort.value, lang),
              cost=t(rec.cost.value, lang))
    lines = [f"{rec.id}: {t(rec.kind.value, lang)}: {getattr(rec.title, lang)}", f"  {entry.location}, {facts}",
             *_wrap(getattr(rec.text, lang), 2), f"  {t('source', lang)}: {rec.source}"]
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
    click.echo("\n".join(lines))


@rules.command("doc")
@rules_option
@click.option("-o", "--output", "output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write the Markdown catalogue to (created if missing).")
def doc_cmd(rules: tuple[Path, ...], output: Path) -> None:
    """Write the Markdown catalogue of the rules: an index and a page per rule file.

    The pages are generated (do not edit them); the built-in copy lives in rules/docs/ and a test
    checks it is fresh.

    \b
    Example:
      cxm rules doc -o rules/docs
      cxm rules doc --rules my-rules/ -o /tmp/my-docs
    """
    from cxm.engine.authoring.ruledocs import HEADER, markdown
    from cxm.engine.base.atomic import write_text

    kb = _load(rules)
    _warn(kb)
    pages = markdown(kb)
    output.mkdir(parents=True, exist_ok=True)
    for old in output.glob("*.md"):  # pages of rule files that are gone (only generated ones)
        if old.name not in pages and old.read_text(encoding="utf-8").startswith(HEADER):
            old.unlink()
    for name, text in pages.items():
        write_text(output / name, text)
    click.echo(t("wrote", "en", n=len(pages), dir=output))


@rules.command("graph")
@rules_option
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True,
              help="Mermaid flowchart (for a Markdown viewer) or Graphviz dot.")
@click.option("--focus", metavar="ID", help="Only what this rule, recommendation or fact rests on and what rests "
                                            "on it.")
def graph_cmd(rules: tuple[Path, ...], fmt: str, focus: str | None = None) -> None:
    """Print the derivation graph: input facts -> rules -> derived facts -> ... -> recommendations.

    Dashed edges marked 'not' are tests of absence. --focus ID keeps only the part of the graph
    around a rule id, a recommendation id or a fact name: what it rests on and what rests on it.

    \b
    Example:
      cxm rules graph --format mermaid > rules.mmd
      cxm rules graph --format dot | dot -Tsvg > rules.svg
      cxm rules graph --focus kpi-per-touchpoint --format dot | dot -Tsvg > kpi.svg
    """
    from cxm.engine.authoring.ruledocs import focus_node, graph
    from cxm.facts.validation import suggest

    kb = _load(rules)
    _warn(kb)
    node = None
    if focus is not None:
        node = focus_node(kb, focus)
        if node is None:
            names = [r.id for r in kb.rules] + list(kb.catalogue) + list(kb.specs)
            raise Rejected(f"error: --focus: no rule, recommendation or fact {focus!r}{suggest(focus, names)}")
    click.echo(graph(kb, fmt, node), nl=False)


def _audit_folder(output: Path | None, rules: tuple[Path, ...], count: int, seed: int) -> Path:
    """Where the audit writes its worst companies: ``output``, unless it lies in a rules folder (refused, exit 2),
    else a folder of its own under the cache, named after the rule folders, the profile count and the seed."""
    from cxm.engine.knowledge.cache import cache_dir
    from cxm.rules import BUILTIN_DIR

    if output is None:
        import hashlib

        key = json.dumps([[str(Path(r).resolve()) for r in rules], count, seed]).encode()
        return cache_dir() / "audit" / f"{seed}-{count}-{hashlib.sha256(key).hexdigest()[:12]}"
    where = output.resolve()
    for folder in (*rules, BUILTIN_DIR):
        inside = folder.resolve()
        if where == inside or inside in where.parents:
            raise Rejected(f"error: -o/--output: {output} is inside the rules folder {folder}: the rules would "
                           "then read the companies written there as rule files; choose a folder outside it")
    return output


@rules.command("audit")
@rules_option
@click.option("--profiles", "count", type=click.IntRange(0), default=2000, show_default=True,
              help="How many companies each generator makes (the built-in examples are added to the first).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the profile generators.")
@click.option("--max", "max_rate", type=click.FloatRange(0, 100), default=0.0, show_default=True,
              help="Highest share (per cent) of any defect, on any population, before the audit fails (exit 1).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="a folder of its own under the cache (CXM_CACHE_DIR)",
              help="Folder for the worst companies, written as facts files (never inside a --rules folder).")
def audit_cmd(rules: tuple[Path, ...], count: int, seed: int, max_rate: float, output: Path | None) -> None:
    """Assess many companies and measure the advice they would be handed.

    Three populations: the generator of `cxm.facts.generate` (one maturity per company) with the built-in
    examples; the same generator drawing each section's maturity on its own; and the extremes, every
    section at none and at max, in ten countries. The advice shares: no recommendation; a recommendation
    with an own effect already true; a (fact, value) served twice in the plan; a plan over its size
    budget; a shortest path with nothing for the weakest competency where a path through it exists; a
    recommendation `what-if --do` refuses; a next stage with no path found. Three plumbing shares follow
    (true by how gap rules are generated). The worst companies are written to OUTPUT as facts files, to
    reproduce them with `cxm assess`: by default a folder of its own under the cache (named after the rules,
    --profiles and --seed), never the current folder; an OUTPUT inside a folder given to --rules is refused,
    as the rules would then read the companies as rule files.

    \b
    Example:
      cxm rules audit --profiles 10000 --seed 7 --max 0
    """
    import yaml

    from cxm.engine.authoring.audit import ADVICE, NAMES, PLUMBING, audit
    from cxm.engine.base.atomic import write_text
    from cxm.engine.explain.whatif import stage_inputs
    from cxm.engine.runtime import session
    from cxm.facts.generate import each_profile, extremes
    from cxm.facts.load import load_facts, validate
    from cxm.facts.source import parse_text
    from cxm.facts.vocabulary import flatten
    from cxm.rules import BUILTIN_DIR

    output = _audit_folder(output, rules, count, seed)
    engine = _engine(rules)
    examples = BUILTIN_DIR.parent / "facts" / "examples"
    relevant = stage_inputs(engine.kb, (c.rule for c in engine.stage_rules.rules.values()))

    def run(flat: dict[str, Any]) -> Any:
        return session.run(engine.kb, engine.stage_rules, flat)

    def assess(data: dict[str, Any]) -> Any:
        loaded = validate(parse_text(json.dumps(data), "<profile>"))
        trace = engine.run(loaded)
        from cxm.engine.results.assemble import assemble

        a = assemble(engine.kb, trace, loaded)
        a.roadmap.shortest = engine.shortest(a, flatten(loaded.data))
        if bar is not None:
            bar.update(1)
        return a, trace, loaded

    shown = [load_facts(p).doc.data for p in sorted(examples.glob("*.yaml"))]
    # each generated profile is built as it is assessed: none before it is needed
    populations = [("generated", itertools.chain(shown, each_profile(count, seed))),
                   ("per section", each_profile(count, seed, independent=True)), ("extremes", extremes())]
    total = len(shown) + 2 * count + len(extremes())
    # a progress bar on a terminal only (click would print its label once elsewhere)
    bar = click.progressbar(length=total, label="Auditing", file=sys.stderr) if sys.stderr.isatty() else None
    with bar if bar is not None else contextlib.nullcontext():
        reports = [audit(assess, engine.kb, companies, run=run, relevant=relevant, name=name)
                   for name, companies in populations]
    gen, per, ext = reports
    click.echo(f"Audit of {gen.companies + per.companies + ext.companies} companies: {gen.companies} generated "
               f"(seed {seed}, with the {len(shown)} examples), {per.companies} with a maturity per section "
               f"(seed {seed}), {ext.companies} extremes (every section at none or at max, in "
               f"{ext.companies // 4} countries)")
    width = max(len(NAMES[n]) for n in ADVICE + PLUMBING)
    click.echo(f"  {'':<{width}}" + "".join(f"  {r.name:>15}" for r in reports))
    for title, names in (("advice", ADVICE), ("plumbing (true by how gap rules are generated)", PLUMBING)):
        click.echo(f"  {title}")
        for name in names:
            cells = "".join(f"  {100 * r.share(name):7.2f}% {r.counts[name]:>6}" for r in reports)
            click.echo(f"  {NAMES[name]:<{width}}{cells}")
    click.echo("  stages")
    for stage in engine.kb.stages:
        counts = [(r.stages.get(stage.id, 0), max(r.companies, 1)) for r in reports]
        cells = "".join(f"  {100 * k / total:7.2f}% {k:>6}" for k, total in counts)
        click.echo(f"  {stage.id:<{width}}{cells}")
    worst = sorted(((d, n, r.name, data, found) for r in reports for d, n, data, found in r.worst),
                   key=lambda w: -w[0])[:10]
    if worst:
        output.mkdir(parents=True, exist_ok=True, mode=0o700)
        for rank, (_, n, name, data, found) in enumerate(worst, 1):
            path = output / f"worst-{rank:02d}.yaml"
            notes = "; ".join(f"{k}: {v}" for k, v in vars(found).items() if v)
            write_text(path, f"# cxm rules audit, company {n + 1} of {name}: {notes}\n"  # a planted link is
                       + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), own=True)  # replaced, not followed
        click.echo(t("wrote", "en", n=len(worst), dir=output))
    if 100 * max(r.highest() for r in reports) > max_rate:
        raise Findings()
