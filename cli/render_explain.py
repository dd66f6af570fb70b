"""Render why, why-not and what-if answers as text (JSON is the models' own dump)."""

from __future__ import annotations

from cxm.cli.i18n import t
from cxm.cli.render import _plain, _wrap
from cxm.engine.results.result import RuleCheck, WhatIf, Why, WhyNode, WhyNot

DEFAULT_DEPTH = 2
"""How many levels of the derivation `cxm why` shows below the answer's own facts, unless asked."""


def why_text(w: Why, lang: str, depth: int | None = DEFAULT_DEPTH) -> str:
    """The answer first (the rule, its reason, the facts it matched), then the derivation to ``depth`` levels
    below the answer (None: all of it), each shared sub-derivation (the stage, the levels) once, by reference."""
    return "\n".join(_WhyText(w, lang, depth).lines()) + "\n"


def _shared(node: WhyNode) -> bool:
    """A conclusion of the model that many derivations rest on: shown once, in a section of its own."""
    return node.input is None and (node.name == "stage" or node.name.startswith("level."))


class _WhyText:
    def __init__(self, w: Why, lang: str, depth: int | None):
        self.w, self.lang, self.depth = w, lang, depth
        self.full: dict[str, WhyNode] = {}  # fact id -> its node with children (a repeated node has none)
        self._index(w.tree)
        self.printed: set[str] = set()
        self.sections: list[str] = []  # shared facts referred to, in order of first reference
        self.cut = False

    def _index(self, node: WhyNode) -> None:
        if not node.repeated and node.fact not in self.full:
            self.full[node.fact] = node
        for child in node.children:
            self._index(child)

    def lines(self) -> list[str]:
        w, lang = self.w, self.lang
        root = self.full[w.tree.fact]
        out = [t("why_title", lang, target=w.target, file=w.file), ""]
        if root.input is not None:
            out.append(self._input(root, ""))
            return out
        assert root.rule is not None
        out.append(f"{root.name} = {_plain(root.value)}  <- {t('rule', lang)} {root.rule.id} ({root.rule.location})")
        out += _wrap(getattr(root.rule.because, lang), 2)
        out += _wrap(f"{t('source', lang)}: {root.rule.source}", 2)
        out += ["", t("rests_on", lang)]
        for child in root.children:
            out.append(self._input(child, "  ") if child.input is not None else "  - " + self._head(child))
        if self.depth == 0 or all(c.input is not None for c in root.children):
            return out
        self.printed.add(root.fact)
        body: list[str] = []
        for child in root.children:
            if child.input is None:
                self._node(child, 1, 0, body)
        for fact in self.sections:  # grows while the sections are written
            node = self.full[fact]
            assert node.rule is not None
            body += ["", f"[{node.name}] {self._head(node)}"]
            body += _wrap(getattr(node.rule.because, lang), 4)
            body += _wrap(f"{t('source', lang)}: {node.rule.source} ({node.rule.location})", 4)
            for child in node.children:
                self._node(child, 1, 1, body)
        title = t("derivation_full", lang) if self.depth is None else t("derivation", lang, n=self.depth)
        out += ["", title, *body]
        if self.cut:
            out += ["", t("cut", lang)]
        return out

    def _head(self, node: WhyNode) -> str:
        assert node.rule is not None
        return f"{node.name} = {_plain(node.value)}  <- {node.rule.id}"

    def _input(self, node: WhyNode, pad: str) -> str:
        assert node.input is not None
        where = (
            t("input_at", self.lang, file=self.w.file, line=node.input.line)
            if node.input.line
            else t("input_default", self.lang)
        )
        return f"{pad}- {node.name} = {_plain(node.value)}  ({where})"

    def _node(self, node: WhyNode, level: int, indent: int, lines: list[str]) -> None:
        pad, lang = "  " * indent, self.lang
        if node.input is not None:
            lines.append(self._input(node, pad))
            return
        node = self.full.get(node.fact, node)
        if _shared(node) and level > 0:
            if node.fact not in self.sections:
                self.sections.append(node.fact)
            lines.append(f"{pad}- {self._head(node)}  {t('see_shared', lang, name=node.name)}")
            return
        if node.fact in self.printed:
            lines.append(f"{pad}- {self._head(node)} {t('see_above', lang)}")
            return
        self.printed.add(node.fact)
        lines.append(f"{pad}- {self._head(node)}")
        lines += _wrap(getattr(node.rule.because, lang), len(pad) + 4)
        lines += _wrap(f"{t('source', lang)}: {node.rule.source} ({node.rule.location})", len(pad) + 4)
        if self.depth is not None and level >= self.depth and node.children:
            # at the cut, leaves stay (inputs with their lines; the stage and levels with their own `cxm why`)
            hidden = 0
            for child in node.children:
                if child.input is not None:
                    lines.append(self._input(child, pad + "  "))
                elif _shared(child):
                    target = child.name.removeprefix("level.")
                    lines.append(
                        f"{pad}  - {self._head(child)}  {t('see_why', lang, command=f'cxm why {self.w.file} {target}')}"
                    )
                else:
                    hidden += 1
            if hidden:
                lines.append(f"{pad}    {t('more', lang, n=hidden)}")
                self.cut = True
            return
        for child in node.children:
            self._node(child, level + 1, indent + 1, lines)


def checks_text(checks: list[RuleCheck], lang: str) -> list[str]:
    lines: list[str] = []
    for check in checks:
        alt = f", {t('alternative', lang, n=check.branch + 1)}" if _alternatives(checks, check.rule) > 1 else ""
        state = t("held", lang) if check.held else t("failed", lang)
        lines += _wrap(f"- {check.rule}{alt} [{state}]: {getattr(check.title, lang)} ({check.location})", 2, 4)
        for cond in check.conditions:
            now = ", ".join(_plain(v) for v in cond.actual) or t("absent", lang)
            mark = t("mark_held" if cond.held else "mark_failed", lang).ljust(4)
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
            from cxm.engine.services.toolkit import max_changes

            lines.append(t("no_suggestion", lang, n=max_changes()))
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
            lines += _wrap(
                f"+ {t(d.kind, lang)}: {getattr(d.title, lang)} [{d.id}] ({t('by_rules', lang)} {', '.join(d.rules)})",
                2,
                4,
            )
    if w.removed:
        lines += ["", t("removed", lang)]
        for d in w.removed:
            lines += _wrap(f"- {t(d.kind, lang)}: {getattr(d.title, lang)} [{d.id}]", 2, 4)
            lines += checks_text(d.failing, lang)
    return "\n".join(lines) + "\n"
