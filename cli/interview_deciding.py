"""`cxm interview --deciding`: ask the deciding question first, say why, stop once the stage and the plan's first
decision are settled (offering to go on), and write what was not asked as ``unknown``.

The choice of questions is the engine's (:mod:`cxm.engine.services.deciding_interview`); this module asks and
writes. Any question but the company's own may be answered "?" (don't know): the fact stays ``unknown``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cxm.cli.i18n import translator
from cxm.cli.questionnaire import Answer, _shown, show_question, to_yaml
from cxm.facts.questions import REQUIRED, Question, questions

LABELS: dict[str, dict[str, str]] = {
    "intro": {
        "en": "The deciding questions first: the interview stops once the stage and the plan's first decision "
        "are settled. '?' answers 'don't know'.",
        "ru": "Сначала решающие вопросы: интервью остановится, когда определятся стадия и первое решение "
        "плана. '?' — «не знаю».",
    },
    "why_company": {"en": "About the company itself.", "ru": "О самой компании."},
    "why_self": {
        "en": "A self-rating can move each level by one.",
        "ru": "Самооценка может сдвинуть каждый уровень на единицу.",
    },
    "why_stage": {
        "en": "The stage is between {low} and {high}: this answer can narrow it.",
        "ru": "Стадия — между «{low}» и «{high}»: этот ответ может сузить диапазон.",
    },
    "why_levels": {
        "en": "The stage is between {low} and {high}; no single answer settles it, this one bears on the "
        "least settled competency.",
        "ru": "Стадия — между «{low}» и «{high}»; ни один ответ сам по себе её не определит, этот "
        "касается наименее определённой компетенции.",
    },
    "why_now": {
        "en": "The stage is settled ({low}); this answer decides whether \u201c{title}\u201d leads the plan.",
        "ru": "Стадия определена («{low}»); этот ответ решает, будет ли «{title}» в начале плана.",
    },
    "ask": {
        "en": "Question {n} (of {total} in the full questionnaire). {why}",
        "ru": "Вопрос {n} (из {total} в полном опроснике). {why}",
    },
    "self": {
        "en": "Has the company rated itself (the self-assessment, 20 statements rated 1 to 5)?",
        "ru": "Оценивала ли компания себя сама (самооценка, 20 утверждений с оценками от 1 до 5)?",
    },
    "dont_know": {"en": "'?' if nobody knows.", "ru": "'?' — если никто не знает."},
    "settled": {
        "en": "Settled after {n} questions of {total}: stage {stage}; the plan starts with \u201c{first}\u201d.",
        "ru": "Определено после {n} вопросов из {total}: стадия «{stage}»; план начинается с «{first}».",
    },
    "not_settled": {
        "en": "Nothing left that decides, after {n} questions of {total}: the stage is between {low} and {high}.",
        "ru": "Решающих вопросов не осталось после {n} из {total}: стадия — между «{low}» и «{high}».",
    },
    "go_on": {
        "en": "Go on with the other {n} questions (Enter: stop here, the rest is written as unknown)?",
        "ru": "Продолжить с остальными вопросами ({n}) (Enter — остановиться, остальное будет записано как "
        "неизвестное)?",
    },
}
t = translator(LABELS)
DONT_KNOW = {"?", "unknown", "don't know", "dont know", "не знаю", "неизвестно"}


class _Unknown:
    """The answer "don't know"."""


UNKNOWN_ANSWER = _Unknown()


class MaybeAnswer(Answer):
    """An answer, or "don't know" ('?')."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in DONT_KNOW:
            return UNKNOWN_ANSWER
        return super().convert(value, param, ctx)


def ask(q: Question, lang: str, answers: dict[str, Any], *, may_not_know: bool) -> Any:
    """One question with its help and choices; the answer, or :data:`UNKNOWN_ANSWER`."""
    show_question(q, lang)
    if may_not_know:
        click.echo("  " + t("dont_know", lang))
        return click.prompt(q.name, default="?", type=MaybeAnswer(q, lang, answers), show_default=True)
    if q.default is REQUIRED:
        return click.prompt(q.name, default="", type=Answer(q, lang, answers, required=True), show_default=False)
    return click.prompt(q.name, default=_shown(q, q.default), type=Answer(q, lang, answers), show_default=True)


def run(lang: str) -> tuple[dict[str, Any], list[str]]:
    """Ask the deciding questions; the answers (dotted paths) and the facts left unknown, in schema order."""
    from cxm.engine.services.api import Engine
    from cxm.engine.services.deciding_interview import SELF, Deciding

    engine = Engine()
    d = Deciding(engine)
    by_path = {q.path: q for q in questions()}
    total = len(by_path)
    names = {s.id: getattr(s.name, lang) for s in engine.kb.stages}
    answers: dict[str, Any] = {}
    click.echo(t("intro", lang))
    while True:
        step = d.next()
        if step is None:
            break
        values = {k: names.get(v, v) for k, v in step.values.items() if k in ("low", "high")}
        if step.why == "why_now":
            values = {"low": names[d.range(deciding=False).low.stage], "title": step.values[lang]}
        why = t("why_self" if step.path == SELF else step.why, lang, **values)
        click.echo("\n" + t("ask", lang, n=d.asked + 1, total=total, why=why))
        if step.path == SELF:
            d.answer(SELF, click.confirm(t("self", lang), default=False))
            continue
        value = ask(by_path[step.path], lang, answers, may_not_know=step.why != "why_company")
        if value is UNKNOWN_ANSWER:
            d.unknown_answer(step.path)
        else:
            d.answer(step.path, value)
            answers[step.path] = value
            if step.path == "company.markets.b2b":  # the B2C share follows
                answers["company.markets.b2c"] = d.answers["company.markets.b2c"]
    rng = d.range(deciding=False)
    if rng.settled:
        low, _ = d.plans()
        first = getattr(low.plan.now[0].title, lang) if low.plan.now else "-"
        click.echo("\n" + t("settled", lang, n=d.asked, total=total, stage=names[rng.low.stage], first=first))
    else:
        click.echo(
            "\n" + t("not_settled", lang, n=d.asked, total=total, low=names[rng.low.stage], high=names[rng.high.stage])
        )
    rest = [p for p in d.unknown() if p not in d.dont_know]
    if rest and click.confirm(t("go_on", lang, n=len(rest)), default=False):
        for path in rest:
            click.echo("")
            value = ask(by_path[path], lang, answers, may_not_know=True)
            if value is UNKNOWN_ANSWER:
                d.unknown_answer(path)
            else:
                d.answer(path, value)
                answers[path] = value
    unknown = [p for p in d.unknown() if p not in answers]
    return answers, unknown


def write_text(answers: dict[str, Any], unknown: list[str]) -> str:
    """The facts file: the answers, and ``unknown`` for every fact not known (in schema order)."""
    from cxm.facts.unknown import UNKNOWN

    order = [q.path for q in questions()]
    merged = {p: answers.get(p, UNKNOWN) for p in order if p in answers or p in unknown}
    return to_yaml(merged)


def interview(target: Path, lang: str) -> str:
    """Run the deciding interview; the text of the facts file to write."""
    answers, unknown = run(lang)
    return write_text(answers, unknown)
