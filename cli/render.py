"""Render an assessment as text or JSON."""

from __future__ import annotations

import re
import textwrap

from cxm.cli.i18n import t
from cxm.engine.base.text import INVISIBLE, dumps
from cxm.engine.results.result import Assessment, ConditionCheck, PlanStep, Recommendation, to_data
from cxm.engine.services.toolkit import lower_first

# C0 controls but tab and line feed, DEL, and C1 controls: in a company's name they could move the
# cursor, recolour or retitle the user's terminal. Bidi overrides and zero-width characters
# (cxm.engine.base.text.INVISIBLE) could reorder or hide what it shows.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_LINE = re.compile(r"\n")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Text for a terminal: every control character (but tab and line feed) shown as ``\\xNN``, every bidi
    or zero-width character as ``\\uXXXX``."""
    return _INVISIBLE.sub(_escape, _CONTROL.sub(_escape, text))


def inline(text: str) -> str:
    """A value printed inside a line (a company's name, a file name): its line breaks shown as ``\\x0a``
    too, so that it cannot start a line that looks like the program's own."""
    return _LINE.sub(_escape, terminal_safe(text))


def to_json(assessment: Assessment, *, trace: bool = False) -> str:
    """The documented JSON shape; byte-identical for identical input."""
    exclude = ({"trace"} if not trace else set()) | ({"survey"} if assessment.survey is None else set())
    data = to_data(assessment, exclude=exclude or None)
    return dumps(data, indent=2) + "\n"


def _wrap(text: str, indent: int, hang: int | None = None, width: int = 100) -> list[str]:
    """Wrap ``text`` at ``indent``; continuation lines at ``hang`` (default: the same)."""
    pad = " " * indent
    rest = " " * (indent if hang is None else hang)
    return textwrap.wrap(
        text, width=width, initial_indent=pad, subsequent_indent=rest, break_on_hyphens=False, break_long_words=False
    ) or [pad]


def _bar(level: int, top: int = 6) -> str:
    return "■" * level + "□" * (top - level)


def to_text(a: Assessment, lang: str, *, full: bool = False) -> str:
    """A readable report for the terminal: the plan first, in plain words for the client; ``full`` (the
    consultant's view) adds the ids, the whole tree of recommendations and the rule tests they close."""
    lines = [f"{t('title', lang)}: {inline(a.company)}", f"{t('file', lang)}: {inline(a.file)}", ""]
    lines += plan_lines(a, lang, ids=full)
    s = a.stage
    lines += ["", f"{t('stage', lang, n=s.number, total=6)}: {getattr(s.name, lang)}"]
    lines += _wrap(getattr(s.meaning, lang), 2)
    lines += _wrap(f"{t('why', lang)}: {getattr(s.because, lang)}", 2)
    if s.basis != s.because:
        lines += _wrap(getattr(s.basis, lang), 2)
    lines += ["", t("levels", lang)]
    width = max(len(getattr(lv.name, lang)) for lv in a.levels.values())
    for lv in a.levels.values():
        lines.append(f"  {getattr(lv.name, lang):<{width}}  {lv.level}  {_bar(lv.level)}")
        lines += _wrap(getattr(lv.basis, lang), 6)
        if lv.self_rating is not None and lv.self_rating.far:
            lines += _wrap(
                t(
                    f"self_far_{lv.self_rating.far}",
                    lang,
                    own=lv.self_rating.self_level,
                    evidence=lv.self_rating.evidence_level,
                ),
                6,
            )
        if a.survey is not None:
            lines += _wrap(survey_line(a, lv.competency, lang), 6)
    names = [getattr(a.levels[c].name, lang) for c in a.weakest]
    lines.append("")
    if len(names) == 1:
        lines.append(f"{t('weakest', lang)}: {names[0]} ({a.levels[a.weakest[0]].level})")
    elif names:
        lines.append(f"{t('weakest_tied', lang, n=a.levels[a.weakest[0]].level)}: {', '.join(names)}")
    lines += _roadmap(a, lang, ids=full)
    if full:
        lines += ["", t("recommendations", lang)]
        if not a.recommendations:
            lines.append("  " + t("none", lang))
        lines += _recommendations(a.recommendations, lang)
        if a.held_back:
            lines += ["", t("held_back", lang)]
            for h in a.held_back:
                lines += _wrap(f"- {t(h.kind, lang)}: {getattr(h.title, lang)}", 2)
                lines += _wrap(f"{t('why', lang)}: {getattr(h.because, lang)}", 4)
    else:
        counts = {k: sum(1 for r in a.recommendations if r.kind == k) for k in ("decision", "action", "tool")}
        lines += [""] + _wrap(
            t("full_tree", lang, d=counts["decision"], a=counts["action"], t=counts["tool"], held=len(a.held_back)),
            0,
            2,
        )
    lines += assumed_lines(a, lang)
    return "\n".join(lines).rstrip() + "\n"


def meta(step: PlanStep | Recommendation, lang: str) -> str:
    """Effort, cost and horizon in brief: ``effort low, cost low, takes weeks``."""
    return t("meta", lang, effort=t(step.effort, lang), cost=t(step.cost, lang), horizon=t(step.horizon, lang))


def _id(ident: str, ids: bool) -> str:
    return f" [{ident}]" if ids else ""


def reason(rec: Recommendation, lang: str) -> str:
    """Why a recommendation is made: what its rule found in this company, when the rule's reason names several
    alternatives; else the rule's reason."""
    return getattr(rec.finding or rec.because, lang)


def plan_lines(a: Assessment, lang: str, *, ids: bool = False) -> list[str]:
    """The plan (now, next, later) and the obligations apart from it (``ids``: with the consultant's ids)."""
    p = a.plan
    texts = {r.id: r for r in a.recommendations}
    lines = [t("plan", lang)]
    if not (p.now or p.next or p.later):
        lines.append("  " + t("plan_empty", lang))
    n = 0
    for key, steps in (("plan_now", p.now), ("plan_next", p.next)):
        if steps:
            lines.append("  " + t(key, lang))
        for step in steps:
            n += 1
            lines += _wrap(f"{n}. {getattr(step.title, lang)}{_id(step.id, ids)} ({meta(step, lang)})", 4, 7)
            if key == "plan_now":
                lines += _wrap(getattr(texts[step.id].text, lang), 7)
            for act in step.steps:
                lines += _wrap(
                    f"- {t('action', lang)}: {getattr(act.title, lang)}{_id(act.id, ids)} ({meta(act, lang)})", 7, 9
                )
                for tool in act.steps:
                    lines += _wrap(
                        f"- {t('tool', lang)}: {getattr(tool.title, lang)}{_id(tool.id, ids)} ({meta(tool, lang)})",
                        9,
                        11,
                    )
    if p.later:
        lines.append("  " + t("plan_later", lang))
    for step in p.later:
        n += 1
        lines += _wrap(f"{n}. {getattr(step.title, lang)}{_id(step.id, ids)} ({meta(step, lang)})", 4, 7)
    if p.obligations:
        lines += ["", t("obligations", lang)]
        for o in p.obligations:
            lines += _wrap(f"- {t('duty_' + o.duty, lang)}: {getattr(o.title, lang)}{_id(o.id, ids)}", 2, 4)
            for law in o.laws:
                lines += _wrap(f"{getattr(law.title, lang)}{_id(law.id, ids)} ({meta(law, lang)})", 4, 6)
            if o.duty == "confirm":
                how = t("duty_confirm_how", lang, facts=", ".join(o.facts)) if ids else t("duty_confirm_client", lang)
                lines += _wrap(how, 4, 6)
    return lines


def survey_line(a: Assessment, competency: str, lang: str) -> str:
    """The spread of a many-respondent self-assessment on a competency, and the roles that disagree on it."""
    s = a.survey
    assert s is not None
    text = t("survey_spread", lang, n=s.respondents, spread=f"{s.spread[competency]:g}")
    gaps = [g for g in s.disagreement if g.competency == competency]
    if gaps:
        text += "; " + t(
            "survey_disagree", lang, pairs=", ".join(f"{g.high_role} {g.high:g} / {g.low_role} {g.low:g}" for g in gaps)
        )
    return text


def assumed_lines(a: Assessment, lang: str) -> list[str]:
    """The "Assumed" section: what the facts file left out, and the defaults used instead."""
    if not a.assumed:
        return []
    lines = ["", t("assumed", lang)]
    for part in a.assumed:
        section = t("section_" + part.section, lang)
        head = t("assumed_whole", lang, section=section) if part.whole else f"{section}:"
        values = "; ".join(getattr(said, lang) for said in part.said)
        lines += _wrap(f"{head} {values}.", 2, 4)
    return lines


def _roadmap(a: Assessment, lang: str, *, ids: bool = False) -> list[str]:
    road = a.roadmap
    if road.next_stage is None:
        return ["", t("top_stage", lang)]
    nxt = road.next_stage
    lines = ["", t("roadmap", lang, stage=getattr(nxt.name, lang), n=nxt.number)]
    shown: set[str] = set()  # a gate whose alternatives all fail is one heading, its alternatives joined by "or"
    for check, key in [(c, "gate") for c in road.gates] + [(c, "score") for c in road.score]:
        if check.held and key == "score":
            continue
        if key == "gate" and not check.held and check.rule in shown:
            lines += _wrap(t("gate_or", lang), 4, 6)
        else:
            label = "score_unmet" if key == "score" else ("gate_met" if check.held else "gate_unmet")
            title = getattr(check.title, lang)
            lines += _wrap(
                t(label, lang, title=lower_first(title) if key == "score" else title) + _id(check.rule, ids), 2, 4
            )
        shown.add(check.rule)
        for cond in check.conditions:
            if not cond.held:
                lines += _wrap(f"- {condition_text(cond, lang, ids=ids)}", 4, 6)
    names = [getattr(a.levels[c].name, lang) for c in road.weakest]
    lines += _wrap(f"{t('focus', lang)}: {', '.join(names)}", 2, 4)
    if a.plan.now:
        lines += _wrap(f"{t('start_with', lang)}: " + "; ".join(getattr(s.title, lang) for s in a.plan.now), 2, 4)
    titles = {r.id: r for r in a.recommendations}
    if road.shortest:
        path = "; ".join(f"{getattr(titles[i].title, lang)}{_id(i, ids)}" for i in road.shortest)
        lines += _wrap(t("shortest", lang, n=len(road.shortest), stage=getattr(nxt.name, lang)) + ": " + path, 2, 4)
    if road.retake:
        lines += _wrap(t(f"retake_{road.retake}", lang, stage=getattr(nxt.name, lang)), 2, 4)
    return lines


def condition_text(cond: ConditionCheck, lang: str, *, ids: bool = False) -> str:
    """A failing test and the company's value now: in words for the client, as the rule says it with ``ids``."""
    if ids or cond.said is None or cond.now is None:
        now = ", ".join(_plain(v) for v in cond.actual) or t("absent", lang)
        return f"{getattr(cond.test, lang)} ({t('now', lang)}: {now})"
    return f"{getattr(cond.said, lang)} ({t('now', lang)}: {_lower(getattr(cond.now, lang))})"


_lower = lower_first


def _plain(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _recommendations(recs: list[Recommendation], lang: str) -> list[str]:
    lines: list[str] = []
    numbers: dict[str, str] = {}
    counters: dict[str | None, int] = {}
    for r in recs:
        parent = r.serves if r.serves in numbers else None
        counters[parent] = counters.get(parent, 0) + 1
        prefix = f"{numbers[parent]}." if parent else ""
        number = f"{prefix}{counters[parent]}"
        numbers[r.id] = number
        depth = number.count(".")
        indent = 2 + 4 * depth
        head = f"{number}. {t(r.kind, lang)}: {getattr(r.title, lang)} [{r.id}]"
        head += f" ({meta(r, lang)})"
        if r.kind == "decision":
            lines.append("")
        body = indent + len(number) + 2
        lines += _wrap(head, indent, body)
        lines += _wrap(getattr(r.text, lang), body)
        lines += _wrap(f"{t('why', lang)}: {getattr(r.because, lang)}", body)
        if r.finding:
            lines += _wrap(f"{t('found', lang)}: {getattr(r.finding, lang)}", body)
        if r.outcome:
            lines += _wrap(f"{t('effects', lang)}: " + "; ".join(_lower(getattr(o, lang)) for o in r.outcome), body)
        if r.closes:
            lines += _wrap(
                f"{t('closes', lang)}: " + "; ".join(f"{c.rule} {c.fact} ({c.location})" for c in r.closes), body
            )
    return lines


def effect_text(effect: dict[str, object]) -> str:
    """An effect in brief: ``brand.brand_book = true``, ``leadership.cx_owner >= part_time``, ``x + [a, b]``."""
    fact = effect["fact"]
    for op, sign in (("value", "="), ("at_least", ">="), ("at_most", "<="), ("adds", "+")):
        if op in effect:
            return f"{fact} {sign} {_plain(effect[op])}"
    return str(fact)


def trace_text(a: Assessment) -> str:
    """The firing sequence as durable-rules ran it: order, phase, rule, facts matched and asserted."""
    if a.trace is None:
        return ""
    lines = ["", "Trace (order, phase, rule: matched -> asserted)"]
    for f in a.trace.firings:
        matched = ", ".join(f.matched) or "-"
        lines.append(f"  {f.seq:>4}  [{f.phase}] {f.rule}: {matched} -> {', '.join(f.asserted)}")
    return "\n".join(lines) + "\n"
