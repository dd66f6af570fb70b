"""Labels of the text output, in English and Russian."""

from __future__ import annotations

from collections.abc import Callable

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "CX maturity assessment", "ru": "Оценка зрелости клиентского опыта"},
    "file": {"en": "Facts file", "ru": "Исходные данные"},
    "stage": {"en": "Stage {n} of {total}", "ru": "Стадия {n} из {total}"},
    "why": {"en": "Why", "ru": "Почему"},
    "effects": {"en": "Once done", "ru": "После выполнения"},
    "closes": {"en": "Closes", "ru": "Закрывает"},
    "levels": {"en": "Competency levels (1-6)", "ru": "Уровни компетенций (от 1 до 6)"},
    "self_far_below": {
        "en": "The company rates itself far below what the facts show (self-assessed {own}, "
        "facts {evidence}): the level is kept one below the facts.",
        "ru": "Компания оценивает себя намного ниже, чем показывают факты (самооценка {own}, по фактам"
        " {evidence}): уровень принят на единицу ниже фактов.",
    },
    "self_far_above": {
        "en": "The company rates itself far above what the facts show (self-assessed {own}, "
        "facts {evidence}): the level is kept one above the facts.",
        "ru": "Компания оценивает себя намного выше, чем показывают факты (самооценка {own}, по фактам"
        " {evidence}): уровень принят на единицу выше фактов.",
    },
    "weakest": {"en": "Weakest competency", "ru": "Самая слабая компетенция"},
    "weakest_tied": {
        "en": "Weakest competencies (tied at level {n})",
        "ru": "Самые слабые компетенции (все на уровне {n})",
    },
    "recommendations": {
        "en": "Recommendations: key decisions, actions, tools",
        "ru": "Рекомендации: ключевые решения, действия, инструменты",
    },
    "none": {"en": "(none)", "ru": "(нет)"},
    "decision": {"en": "Decision", "ru": "Решение"},
    "action": {"en": "Action", "ru": "Действие"},
    "tool": {"en": "Tool", "ru": "Инструмент"},
    "low": {"en": "low", "ru": "низкие"},
    "medium": {"en": "medium", "ru": "средние"},
    "high": {"en": "high", "ru": "высокие"},
    "roadmap": {"en": "Roadmap to {stage} (stage {n})", "ru": "Дорожная карта к стадии «{stage}» ({n})"},
    "top_stage": {
        "en": "Roadmap: the top stage is reached; keep it up.",
        "ru": "Дорожная карта: достигнута высшая стадия, её нужно поддерживать.",
    },
    "gate_unmet": {"en": "Gate not met: {title}", "ru": "Не выполнено обязательное условие: {title}"},
    "gate_met": {"en": "Gate met: {title}", "ru": "Условие выполнено: {title}"},
    "score_unmet": {"en": "Not yet: {title}", "ru": "Пока не выполнено: {title}"},
    "found": {"en": "Found here", "ru": "Что выявлено"},
    "duty_confirm_client": {
        "en": "The facts file does not say whether this is met: please confirm it.",
        "ru": "В исходных данных не сказано, выполнено ли это требование: подтвердите, пожалуйста.",
    },
    "section_company": {"en": "Company", "ru": "Компания"},
    "section_leadership": {"en": "Leadership", "ru": "Руководство"},
    "section_brand": {"en": "Brand", "ru": "Бренд"},
    "section_employees": {"en": "Employees", "ru": "Сотрудники"},
    "section_customers": {"en": "Customers", "ru": "Клиенты"},
    "section_metrics": {"en": "Metrics", "ru": "Метрики"},
    "section_systems": {"en": "Systems", "ru": "Системы"},
    "section_compliance": {"en": "Compliance", "ru": "Соблюдение закона"},
    "section_self_assessment": {"en": "Self-assessment", "ru": "Самооценка"},
    "now": {"en": "now", "ru": "сейчас"},
    "absent": {"en": "absent", "ru": "нет"},
    "focus": {"en": "Strengthen first", "ru": "Укрепить в первую очередь"},
    "start_with": {"en": "Start with", "ru": "Начать с"},
    "shortest": {
        "en": "Shortest path: carry out these {n} decision(s) and the company reaches {stage} "
        "(through the weakest competency where it can, the fewest facts changed and the least "
        "effort; confirmed by re-running the engine)",
        "ru": "Кратчайший путь: чтобы перейти на стадию «{stage}», достаточно выполнить следующие ключевые "
        "решения (путь по возможности идёт через самую слабую компетенцию и требует наименьших "
        "изменений и усилий; проверено повторной оценкой)",
    },
    "gate_or": {"en": "or else:", "ru": "или же:"},
    "retake_with": {
        "en": "The path assumes the self-assessment is re-taken once the work is done: today's "
        "self-ratings hold levels below what the facts will then show.",
        "ru": "Путь предполагает, что после этой работы самооценка будет пройдена заново: нынешние "
        "самооценки удерживают уровни ниже того, что тогда покажут факты.",
    },
    "retake_alone": {
        "en": "Re-take the self-assessment: the facts already show {stage}, and only today's "
        "self-ratings hold the levels below them.",
        "ru": "Пройдите самооценку заново: факты уже соответствуют стадии «{stage}», и уровни ниже "
        "неё удерживают только нынешние самооценки.",
    },
    "plan": {"en": "The plan", "ru": "План"},
    "plan_empty": {"en": "(no decision to plan)", "ru": "(решений для плана нет)"},
    "plan_now": {"en": "Now", "ru": "Сейчас"},
    "plan_next": {"en": "Next, once those are done", "ru": "Затем, когда это будет сделано"},
    "plan_later": {"en": "Later", "ru": "Позже"},
    "meta": {
        "en": "effort {effort}, cost {cost}, takes {horizon}",
        "ru": "усилия: {effort}, затраты: {cost}, срок: {horizon}",
    },
    "weeks": {"en": "weeks", "ru": "несколько недель"},
    "months": {"en": "months", "ru": "несколько месяцев"},
    "year": {"en": "about a year", "ru": "около года"},
    "obligations": {"en": "Obligations (legal duties, apart from the plan)", "ru": "Требования закона (вне плана)"},
    "duty_do": {"en": "Do", "ru": "Выполнить"},
    "duty_confirm": {"en": "Confirm", "ru": "Подтвердить"},
    "duty_confirm_how": {
        "en": "The facts file does not say whether this is met; confirm it, or give {facts}.",
        "ru": "В файле фактов не сказано, выполнено ли это; подтвердите или укажите {facts}.",
    },
    "full_tree": {
        "en": "The full tree (decisions: {d}, actions: {a}, tools: {t}; held back: {held}) is shown with "
        "--all and given in the JSON.",
        "ru": "Полный перечень рекомендаций (решений: {d}, действий: {a}, инструментов: {t}; отложено: "
        "{held}) выводит ключ --all; он есть и в JSON.",
    },
    "why_title": {"en": "Why {target}: {file}", "ru": "Почему {target}: {file}"},
    "input_at": {"en": "input, {file}:{line}", "ru": "исходный факт, {file}:{line}"},
    "input_default": {"en": "input, not in the file: default", "ru": "исходный факт, нет в файле: по умолчанию"},
    "see_above": {"en": "(explained above)", "ru": "(объяснено выше)"},
    "rule": {"en": "rule", "ru": "правило"},
    "rests_on": {"en": "It rests on", "ru": "Основано на"},
    "derivation": {
        "en": "How those were reached ({n} levels; --depth N for more, --full for all)",
        "ru": "Как это получено ({n} уровня; --depth N — глубже, --full — целиком)",
    },
    "derivation_full": {"en": "How those were reached", "ru": "Как это получено"},
    "see_shared": {"en": "(see [{name}] below)", "ru": "(см. [{name}] ниже)"},
    "more": {"en": "... {n} more step(s) below", "ru": "... ниже ещё шагов: {n}"},
    "see_why": {"en": "({command})", "ru": "({command})"},
    "cut": {
        "en": "Some steps are left out: --depth N shows more of them, --full all.",
        "ru": "Часть шагов опущена: --depth N показывает больше, --full — всё.",
    },
    "source": {"en": "source", "ru": "источник"},
    "whynot_title": {"en": "Why not {target}: {file}", "ru": "Почему не {target}: {file}"},
    "was_made": {
        "en": "{target} IS recommended for this company; `cxm why` explains it.",
        "ru": "{target} рекомендовано этой компании; объяснение даёт `cxm why`.",
    },
    "was_held": {
        "en": "{target} was held back (see the assessment's held-back list).",
        "ru": "{target} отложено (см. список отложенного в оценке).",
    },
    "could_make": {"en": "Rules that could make it", "ru": "Правила, которые могли бы это рекомендовать"},
    "held": {"en": "holds", "ru": "выполнено"},
    "mark_held": {"en": "ok", "ru": "да"},
    "mark_failed": {"en": "FAIL", "ru": "НЕТ"},
    "failed": {"en": "FAILS", "ru": "НЕ выполнено"},
    "alternative": {"en": "alternative {n}", "ru": "вариант {n}"},
    "suggestion": {
        "en": "Smallest change found (confirmed by re-running the engine, {runs} runs)",
        "ru": "Наименьшее найденное изменение (подтверждено повторным запуском, прогонов: {runs})",
    },
    "no_suggestion": {
        "en": "No change of up to {n} input facts makes it appear within the search limits.",
        "ru": "Изменений не более чем {n} исходных фактов, при которых оно появится, не найдено.",
    },
    "whatif_title": {"en": "What if {changes}: {file}", "ru": "Что если {changes}: {file}"},
    "stage_change": {"en": "Stage: {before} -> {after}", "ru": "Стадия: {before} -> {after}"},
    "stage_same": {"en": "Stage: {stage} (unchanged)", "ru": "Стадия: {stage} (без изменений)"},
    "level_change": {"en": "Level of {name}: {before} -> {after}", "ru": "Уровень «{name}»: {before} -> {after}"},
    "added": {"en": "Added", "ru": "Добавлено"},
    "removed": {"en": "Removed", "ru": "Убрано"},
    "by_rules": {"en": "by", "ru": "правило"},
    "no_difference": {"en": "No recommendation changes.", "ru": "Рекомендации не меняются."},
    "held_back": {"en": "Held back for now", "ru": "Пока отложено"},
    "survey_spread": {
        "en": "Self-assessment by {n} respondents: spread (interquartile range) {spread}",
        "ru": "Самооценка, респондентов: {n}; разброс (межквартильный размах) {spread}",
    },
    "survey_disagree": {"en": "roles disagree: {pairs}", "ru": "роли расходятся: {pairs}"},
    "assumed": {
        "en": "Assumed: left out of the facts file, so taken at their defaults (not in place)",
        "ru": "Принято по умолчанию (в исходных данных не указано, поэтому считаем, что этой практики нет)",
    },
    "assumed_whole": {"en": "{section} (the whole section):", "ru": "{section} (весь раздел):"},
}


def translator(table: dict[str, dict[str, str]]) -> Callable[..., str]:
    """A lookup ``t(key, lang, **values)`` into a table of labels, each in English and Russian."""

    def t(key: str, lang: str, **values: object) -> str:
        return table[key][lang].format(**values)

    return t


t = translator(LABELS)
