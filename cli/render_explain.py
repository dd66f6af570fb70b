"""Render why, why-not and what-if answers as text (JSON is the models' own dump)."""

from __future__ import annotations

from cxm.cli.i18n import t
from cxm.cli.render import _plain, _wrap
from cxm.engine.results.result import RuleCheck, WhatIf, Why, WhyNode, WhyNot


def why_text(w: Why, lang: str) -> str:
    lines = [t("why_title", lang, target=w.target, file=w.file), ""]
    _node(w.tree, w.file, lang, 0, lines)
    return "\n".join(lines) + "\n"


def _node(node: WhyNode, file: str, lang: str, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    value = _plain(node.value)
    if node.input is not None:
        where = (t("input_at", lang, file=file, line=node.input.line) if node.input.line
                 else t("input_default", lang))
        lines.append(f"{pad}- {node.name} = {value}  ({where})")
        return
    rule = node.rule
    assert rule is not None
    if node.repeated:
        lines.append(f"{pad}- {node.name} = {value}  <- {rule.id} {t('see_above', lang)}")
        return
    lines.append(f"{pad}- {node.name} = {value}  <- {rule.id}")
    lines += _wrap(getattr(rule.because, lang), len(pad) + 4)
    lines += _wrap(f"{t('source', lang)}: {rule.source} ({rule.location})", len(pad) + 4)
    for child in node.children:
        _node(child, file, lang, depth + 1, lines)


def checks_text(checks: list[RuleCheck], lang: str) -> list[str]:
    lines: list[str] = []
    for check in checks:
        alt = f", {t('alternative', lang, n=check.branch + 1)}" if _alternatives(checks, check.rule) > 1 else ""
        state = t("held", lang) if check.held else t("failed", lang)
        lines += _wrap(f"- {check.rule}{alt} [{state}]: {getattr(check.title, lang)} ({check.location})", 2, 4)
        for cond in check.conditions:
            now = ", ".join(_plain(v) for v in cond.actual) or t("absent", lang)
            mark = "ok  " if cond.held else "FAIL"
            lines += _wrap(f"{mark} {getattr(cond.test, lang)} ({t('now', lang)}: {now})", 6, 11)
    return lines


def _alternatives(checks: list[RuleCheck], rule: str) -> int:
    return sum(1 for c in checks if c.rule == rule)


def why_not_text(w: WhyNot, lang: str) -> str:
    lines = [t("whynot_title", lang, target=w.target, file=w.file), ""]
    if w.made:
        lines.append(t("was_made", lang, target=w.target))
    if w.held_back:
        lines.append(t("was_held", lang, target=w.target))
    lines += [t("could_make", lang)] + checks_text(w.rules, lang)
    if not w.made:
        lines.append("")
        if w.suggestion is None:
            from cxm.engine.explain.whatif import MAX_CHANGES

            lines.append(t("no_suggestion", lang, n=MAX_CHANGES))
        else:
            lines.append(t("suggestion", lang, runs=w.suggestion.runs) + ":")
            lines.append("  " + what_if_command(w.file, w.suggestion.changes))
    return "\n".join(lines) + "\n"


def what_if_command(file: str, changes: list[str]) -> str:
    """A `cxm what-if` command line that pastes into a POSIX shell (the file and each change quoted)."""
    import shlex

    return "cxm what-if " + shlex.quote(file) + "".join(f" --set {shlex.quote(c)}" for c in changes)


def what_if_text(w: WhatIf, lang: str) -> str:
    lines = [t("whatif_title", lang, changes=", ".join(w.changes), file=w.file), ""]
    before, after = getattr(w.stage_before.name, lang), getattr(w.stage_after.name, lang)
    if w.stage_before.id == w.stage_after.id:
        lines.append(t("stage_same", lang, stage=before))
    else:
        lines.append(t("stage_change", lang, before=before, after=after))
    for lv in w.levels:
        lines.append(t("level_change", lang, name=lv.competency, before=lv.before, after=lv.after))
    if not w.added and not w.removed:
        lines.append(t("no_difference", lang))
    if w.added:
        lines += ["", t("added", lang)]
        for d in w.added:
            lines += _wrap(f"+ {t(d.kind, lang)}: {getattr(d.title, lang)} [{d.id}] "
                           f"({t('by_rules', lang)} {', '.join(d.rules)})", 2, 4)
    if w.removed:
        lines += ["", t("removed", lang)]
        for d in w.removed:
            lines += _wrap(f"- {t(d.kind, lang)}: {getattr(d.title, lang)} [{d.id}]", 2, 4)
            lines += checks_text(d.failing, lang)
    return "\n".join(lines) + "\n"
