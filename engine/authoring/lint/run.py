"""Run the lint: load the rules, report schema problems as findings, then every semantic check."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cxm.engine.authoring.lint.analysis import Analysis
from cxm.engine.authoring.lint.checks import SEMANTIC
from cxm.engine.authoring.lint.findings import Finding, Report, from_problem, rule_finding
from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.knowledge.loader import load_knowledge
from cxm.engine.runtime.compiler import compile_base
from cxm.facts.source import SourceError


def lint_kb(kb: KnowledgeBase) -> list[Finding]:
    """The semantic findings of a loaded knowledge base."""
    an = Analysis(kb)
    findings = {f for check in SEMANTIC for f in check(an)}
    try:  # what the engine cannot express is refused here, not at the first assessment
        compiled = compile_base(kb)
    except SourceError as exc:
        findings |= {from_problem(p, "CXL008") for p in exc.problems}
    else:
        findings |= set(_always_fails(kb, compiled))
    findings |= {from_problem(w, "CXL007") for w in kb.warnings}
    return sorted(findings)


def _always_fails(kb: KnowledgeBase, compiled: Any) -> list[Finding]:
    """CXL009: a rule declared ``always: true`` that does not fire for some built-in example."""
    declared = [r for r in kb.rules if r.always and any(r.branches)]  # not the ones written `when: always`
    if not declared:
        return []
    from cxm.engine.runtime import session
    from cxm.facts import EXAMPLES_DIR
    from cxm.facts.load import load_facts
    from cxm.facts.vocabulary import flatten

    examples = sorted(EXAMPLES_DIR.glob("*.yaml"))
    silent: dict[str, list[str]] = {r.id: [] for r in declared}
    for path in examples:
        fired = {f.rule for f in session.run(kb, compiled, flatten(load_facts(path).data)).firings}
        for rule in declared:
            if rule.id not in fired:
                silent[rule.id].append(path.stem)
    return [
        rule_finding(
            r,
            "CXL009",
            f"rule {r.id!r} is declared always: true but does not fire for "
            f"{len(silent[r.id])} of {len(examples)} built-in examples (first: "
            f"{silent[r.id][0]})",
            ("always",),
        )
        for r in declared
        if silent[r.id]
    ]


def lint(extra: Iterable[Path] = (), *, builtin: bool = True) -> Report:
    """Load the rules (reporting schema problems as findings) and run every semantic check."""
    enabled = gc.isenabled()
    gc.disable()  # loading and checking allocate many small objects and free few: collecting would halve the speed
    try:
        try:
            kb = load_knowledge([Path(p) for p in extra], builtin=builtin)
        except SourceError as exc:
            files = {p.file for p in exc.problems}
            return Report(sorted({from_problem(p) for p in exc.problems}), files=len(files), loaded=False)
        return Report(lint_kb(kb), rules=len(kb.rules), files=len(kb.files), kb=kb)
    finally:
        if enabled:
            gc.enable()
