"""The range of an assessment with unknown facts, in words: the stage from lowest to highest, the facts that decide
it, and the plan's entries to confirm first (text, JSON and the report use these)."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from cxm.cli.i18n import translator

if TYPE_CHECKING:
    from cxm.engine.results.result import Assessment, PlanStep
    from cxm.engine.services.unknowns import Range

LABELS: dict[str, dict[str, str]] = {
    "range": {
        "en": "Stage not settled: {low} to {high} ({n} facts unknown)",
        "ru": "Стадия не определена: от «{low}» до «{high}» (неизвестных фактов: {n})",
    },
    "range_settled": {
        "en": "Stage settled: {low} whatever the {n} unknown facts are",
        "ru": "Стадия определена: «{low}», каковы бы ни были неизвестные факты ({n})",
    },
    "lowest": {
        "en": "Lowest (every unknown at its least mature value)",
        "ru": "Нижняя граница (все неизвестные факты в наименее зрелом значении)",
    },
    "highest": {
        "en": "Highest (every unknown at its most mature value)",
        "ru": "Верхняя граница (все неизвестные факты в наиболее зрелом значении)",
    },
    "confirmed": {
        "en": "Both ends confirmed by the engine. The plan is built on the lowest end.",
        "ru": "Обе границы подтверждены движком. План построен по нижней границе.",
    },
    "unconfirmed": {
        "en": "The ends could not be confirmed by the whole rule base: treat the range with care.",
        "ru": "Полный набор правил не подтвердил границы: диапазон нужно перепроверить.",
    },
    "deciding": {"en": "The facts that decide (ask these first)", "ru": "Решающие факты (спросите о них первыми)"},
    "lifts": {"en": "if in place, the lowest end becomes {stage}", "ru": "если есть, нижняя граница станет «{stage}»"},
    "drops": {
        "en": "if not in place, the highest end becomes {stage}",
        "ru": "если нет, верхняя граница станет «{stage}»",
    },
    "moves_levels": {"en": "moves the levels by {n}", "ru": "сдвигает уровни на {n}"},
    "none_decides": {
        "en": "No unknown fact moves an end on its own; the range closes only with several answers.",
        "ru": "Ни один неизвестный факт сам по себе не сдвигает границ; диапазон сузят только несколько ответов.",
    },
    "rest": {
        "en": "Unknown, deciding nothing on its own: {facts}",
        "ru": "Неизвестны, но сами по себе ничего не решают: {facts}",
    },
    "confirm": {"en": "Confirm first", "ru": "Сначала уточнить"},
}
t = translator(LABELS)


def _levels(levels: dict[str, int], names: dict[str, str]) -> str:
    return ", ".join(f"{names.get(c, c)} {v}" for c, v in levels.items())


def lines(
    rng: Range, names: dict[str, Any], lang: str, *, ids: bool = False, competencies: dict[str, Any] | None = None
) -> list[str]:
    """The range and the facts that decide it, as text lines (``names``: stage id -> its Bilingual name). The
    client's view names each fact in words; ``ids`` (the consultant's) by its path, its words below."""
    from cxm.cli.render import _wrap

    def name(stage: str) -> str:
        return str(getattr(names[stage], lang))

    low, high = name(rng.low.stage), name(rng.high.stage)
    comps = {} if ids else {c: str(getattr(n, lang)) for c, n in (competencies or {}).items()}
    head = (
        t("range_settled", lang, low=low, n=len(rng.unknown))
        if rng.settled
        else t("range", lang, low=low, high=high, n=len(rng.unknown))
    )
    out = [
        head,
        *_wrap(f"{t('lowest', lang)}: {low}; {_levels(rng.low.levels, comps)}", 2, 4),
        *_wrap(f"{t('highest', lang)}: {high}; {_levels(rng.high.levels, comps)}", 2, 4),
    ]
    out += _wrap(t("confirmed" if rng.confirmed else "unconfirmed", lang), 2)
    out += ["", t("deciding", lang)]
    if not rng.deciding:
        out += _wrap(t("none_decides", lang), 2)
    for i, d in enumerate(rng.deciding, 1):
        what = []
        if d.low:
            what.append(t("lifts", lang, stage=name(d.low)))
        if d.high:
            what.append(t("drops", lang, stage=name(d.high)))
        if d.level_steps and not what:
            what.append(t("moves_levels", lang, n=d.level_steps))
        about = words(d.path, lang)
        out += _wrap(f"{i}. {d.path if ids else about}: {'; '.join(what)}", 2, 5)
        if ids:
            out += _wrap(about, 5)
    rest = [u for u in rng.unknown if u not in {d.path for d in rng.deciding}]
    if rest:
        listed = ", ".join(rest) if ids else "; ".join(words(u, lang) for u in rest)
        out += _wrap(t("rest", lang, facts=listed), 2, 4)
    return out + [""]


def words(path: str, lang: str) -> str:
    """A fact in words: its description, without the closing full stop."""
    from cxm.facts.vocabulary import input_fields

    spec = input_fields()[path]
    return (spec.description_ru if lang == "ru" and spec.description_ru else spec.description).rstrip(".")


def mark(a: Assessment, rng: Range, *, ids: bool = False) -> None:
    """Mark the plan's entries that depend on an unknown "Confirm first" (``ids``: with the facts' paths), in both
    languages."""
    from cxm.engine.services.toolkit import Bilingual

    def marked(step: PlanStep) -> PlanStep:
        facts = rng.confirm_first.get(step.id)
        steps = [marked(s) for s in step.steps]
        if facts is None:
            return dataclasses.replace(step, steps=steps)
        why = f" ({', '.join(facts)})" if facts and ids else ""
        title = Bilingual(
            en=f"{t('confirm', 'en')}{why}: {step.title.en}", ru=f"{t('confirm', 'ru')}{why}: {step.title.ru}"
        )
        return dataclasses.replace(step, title=title, steps=steps)

    p = a.plan
    p.now, p.next, p.later = ([marked(s) for s in part] for part in (p.now, p.next, p.later))


def with_range(text: str, rng: Range) -> str:
    """The assessment's JSON with the range added under ``range``."""
    from cxm.engine.base.text import dumps

    data = json.loads(text)
    data["range"] = rng.to_json()
    return dumps(data, indent=2) + "\n"


def report_build(engine: Any, loaded: Any, lang: str, consultant: bool = False) -> tuple[Any, list[str]]:
    """The report's data for facts with unknowns (the lowest end's, its plan marked and ordered) and the range in
    lines: the heading first, then one line per end and per deciding fact."""
    from cxm.engine.services.report import build
    from cxm.engine.services.unknowns import assess_range, ends, reorder, unassume, with_values
    from cxm.facts.vocabulary import flatten

    rng, _ = assess_range(engine, loaded)
    low, _, _, _ = ends(flatten(loaded.data), list(loaded.unknown))
    data = build(engine, with_values(loaded, {u: low.get(u) for u in loaded.unknown}))
    a = data.assessment
    unassume(a, set(loaded.unknown))
    reorder(a, rng.confirm_first)
    by_id = {r.id: r for r in a.recommendations}
    mark(a, rng, ids=consultant)
    data = dataclasses.replace(data, focus=[by_id[s.id] for s in a.plan.now])
    names = {s.id: s.name for s in engine.kb.stages}
    text: list[str] = []
    comps = {c.id: c.name for c in engine.kb.competencies}
    # wrapped lines, and a deciding fact's description, joined to their item
    for line in lines(rng, names, lang, ids=consultant, competencies=comps):
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) > 2 and text:
            text[-1] += " " + line.strip()
        else:
            text.append(line.strip())
    return data, text
