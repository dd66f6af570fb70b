"""The words of the client's report, in English and Russian (the plan's are the text output's own)."""

from __future__ import annotations

from cxm.cli.i18n import LABELS as _TEXT_LABELS
from cxm.cli.i18n import translator

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Customer-experience maturity report", "ru": "Отчёт о зрелости клиентского опыта"},
    "prepared": {
        "en": "Prepared on {date} from the facts file {file}",
        "ru": "Подготовлен {date} по исходным данным из файла {file}",
    },
    "summary": {"en": "Summary", "ru": "Резюме"},
    "stage_of": {"en": "Stage {n} of 6: {name}", "ru": "Стадия {n} из 6: {name}"},
    "why": {"en": "Why", "ru": "Почему"},
    "effects": {"en": "Once done", "ru": "После выполнения"},
    "summary_weakest": {"en": "Weakest competency", "ru": "Самая слабая компетенция"},
    "summary_recs": {
        "en": "{d} key decisions, {a} actions and {t} tools are recommended.",
        "ru": "Рекомендовано ключевых решений: {d}, действий: {a}, инструментов: {t}.",
    },
    "summary_next": {"en": "Next stage: {name} (stage {n}).", "ru": "Следующая стадия: «{name}» ({n})."},
    "summary_top": {"en": "The company is at the top stage.", "ru": "Компания на высшей стадии."},
    "levels": {"en": "Competency levels", "ru": "Уровни компетенций"},
    "levels_note": {
        "en": "Each competency is rated from 1 to 6.",
        "ru": "Каждая компетенция оценивается по шкале от 1 до 6.",
    },
    "competency": {"en": "Competency", "ru": "Компетенция"},
    "level": {"en": "Level", "ru": "Уровень"},
    "basis": {"en": "What it rests on", "ru": "На чём основано"},
    "self_far_below": {
        "en": "Rates itself far below what the facts show (self-assessed {own}, facts {evidence}).",
        "ru": "Оценивает себя намного ниже, чем показывают факты (самооценка {own}, по фактам {evidence}).",
    },
    "self_far_above": {
        "en": "Rates itself far above what the facts show (self-assessed {own}, facts {evidence}).",
        "ru": "Оценивает себя намного выше, чем показывают факты (самооценка {own}, по фактам {evidence}).",
    },
    "chart": {
        "en": "Radar chart of the four competency levels (1 to 6)",
        "ru": "Лепестковая диаграмма уровней четырёх компетенций (от 1 до 6)",
    },
    "series": {"en": "Level", "ru": "Уровень"},
    "ladder": {"en": "The six stages", "ru": "Шесть стадий"},
    "you_are_here": {"en": "You are here", "ru": "Вы здесь"},
    "reached": {"en": "passed", "ru": "пройдена"},
    "current": {"en": "current stage", "ru": "текущая стадия"},
    "next": {"en": "next stage", "ru": "следующая стадия"},
    "ahead": {"en": "ahead", "ru": "впереди"},
    "weakest": {"en": "Weakest competency", "ru": "Самая слабая компетенция"},
    "weakest_note": {
        "en": "The weakest competency holds the stage back: strengthen it first.",
        "ru": "Самая слабая компетенция сдерживает переход на следующую стадию, поэтому укреплять её "
        "нужно в первую очередь.",
    },
    "recommendations": {
        "en": "Appendix A: every recommendation (key decisions, actions, tools)",
        "ru": "Приложение А: все рекомендации (ключевые решения, действия, инструменты)",
    },
    "plan_note": {
        "en": "What to do now, next and later, in one order: the weakest competency first, then what "
        "unlocks the next stage, then effort, cost and time. Appendix A lists every recommendation.",
        "ru": "Что делать сейчас, затем и позже. Порядок один: сначала самая слабая компетенция, потом то, "
        "что открывает путь к следующей стадии, затем усилия, затраты и срок. Все рекомендации — в "
        "приложении А.",
    },
    "recs_note": {
        "en": "In priority order: each decision is followed by its actions, each action by its tools.",
        "ru": "В порядке приоритета: за каждым решением следуют его действия, за действием — инструменты.",
    },
    "none": {"en": "None.", "ru": "Нет."},
    "decision": {"en": "Decision", "ru": "Решение"},
    "action": {"en": "Action", "ru": "Действие"},
    "tool": {"en": "Tool", "ru": "Инструмент"},
    "effort": {"en": "effort", "ru": "усилия"},
    "cost": {"en": "cost", "ru": "затраты"},
    "low": {"en": "low", "ru": "низкие"},
    "medium": {"en": "medium", "ru": "средние"},
    "high": {"en": "high", "ru": "высокие"},
    "roadmap": {"en": "Roadmap to {name} (stage {n})", "ru": "Дорожная карта к стадии «{name}» ({n})"},
    "roadmap_top": {"en": "Roadmap", "ru": "Дорожная карта"},
    "top_stage": {
        "en": "The top stage is reached; the task now is to keep it.",
        "ru": "Достигнута высшая стадия; теперь задача — её удерживать.",
    },
    "unmet_intro": {
        "en": "What the next stage needs and the company does not have yet:",
        "ru": "Чего требует следующая стадия и чего у компании пока нет:",
    },
    "all_met": {"en": "Every condition of the next stage is met.", "ru": "Все условия следующей стадии выполнены."},
    "now": {"en": "now", "ru": "сейчас"},
    "absent": {"en": "absent", "ru": "нет"},
    "focus": {"en": "Strengthen first", "ru": "Укрепить в первую очередь"},
    "start_with": {"en": "Start with", "ru": "Начать с"},
    "held_back": {"en": "Held back for now", "ru": "Пока отложено"},
    "appendix": {
        "en": "Appendix B: why each recommendation is made",
        "ru": "Приложение Б: почему сделана каждая рекомендация",
    },
    "appendix_note": {
        "en": "Why each recommendation is made, its source, and what that rests on, down to the "
        "facts about the company.",
        "ru": "Почему сделана каждая рекомендация, на каком источнике она основана и на чём держится — "
        "вплоть до сведений о компании.",
    },
    "rule": {"en": "rule", "ru": "правило"},
    "source": {"en": "source", "ru": "источник"},
    "input_line": {"en": "input, line {line}", "ru": "исходный факт, строка {line}"},
    "input_default": {"en": "input, default (not in the file)", "ru": "исходный факт, по умолчанию (нет в файле)"},
    "assumed": {"en": "Assumed", "ru": "Принято по умолчанию"},
    "assumed_note": {
        "en": "The facts file leaves these out, so the assessment takes them at their defaults: the "
        "practice is taken as not in place. Add them to the file if that is not so.",
        "ru": "Этих сведений нет в исходных данных, поэтому при оценке считалось, что таких практик в "
        "компании нет. Если это не так, дополните данные.",
    },
    "assumed_whole": {"en": "the whole section", "ru": "весь раздел"},
    "sources": {"en": "Sources", "ru": "Источники"},
    "footer": {"en": "cx-maturity {version}; knowledge base {kb}", "ru": "cx-maturity {version}; база знаний {kb}"},
    "portfolio": {"en": "Against the portfolio", "ru": "В сравнении с портфелем"},
    "portfolio_note": {
        "en": "Percentile rank (0-100) in {source}: the per cent of companies below, plus half of "
        "those level (50 is the middle); the group's median in brackets. Industry and "
        "size-class groups of fewer than {n} companies are left out.",
        "ru": "Процентильный ранг (0-100) в {source}: доля компаний ниже, плюс половина равных "
        "(50 — середина); в скобках медиана группы. Группы отрасли и размера меньше {n} "
        "компаний не показаны.",
    },
    "standing_chart": {
        "en": "Bar chart: percentile rank of the stage and of each level, per group",
        "ru": "Столбчатая диаграмма: процентильный ранг стадии и каждого уровня по группам",
    },
    "group": {"en": "Group", "ru": "Группа"},
    "stage": {"en": "Stage", "ru": "Стадия"},
    "this_company": {"en": "This company", "ru": "Эта компания"},
    "pct": {"en": "{p} (median {m:g})", "ru": "{p} (медиана {m:g})"},
    "pct_stage": {"en": "{p} (median: {m})", "ru": "{p} (медиана: {m})"},
    "between_stages": {"en": "between {a} and {b}", "ru": "между «{a}» и «{b}»"},
    "shortest_head": {"en": "The shortest path to the next stage", "ru": "Кратчайший путь к следующей стадии"},
    "group_of": {"en": "{cut}: {name} ({n} companies)", "ru": "{cut}: {name} (компаний: {n})"},
}


# the plan's words are the text output's own, so that the report and `cxm assess` say the same
LABELS.update(
    {
        key: _TEXT_LABELS[key]
        for key in (
            "plan",
            "plan_empty",
            "plan_now",
            "plan_next",
            "plan_later",
            "meta",
            "weeks",
            "months",
            "year",
            "obligations",
            "duty_do",
            "duty_confirm",
            "duty_confirm_how",
            "duty_confirm_client",
            "shortest",
            "retake_with",
            "gate_or",
            "retake_alone",
            "now",
            "absent",
            *(k for k in _TEXT_LABELS if k.startswith("section_")),
        )
    }
)
label = translator(LABELS)
