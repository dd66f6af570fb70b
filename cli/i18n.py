"""Labels of the text output, in English and Russian."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "CX maturity assessment", "ru": "Оценка зрелости клиентского опыта"},
    "file": {"en": "Facts file", "ru": "Файл фактов"},
    "stage": {"en": "Stage {n} of {total}", "ru": "Стадия {n} из {total}"},
    "why": {"en": "Why", "ru": "Почему"},
    "levels": {"en": "Competency levels (1-6)", "ru": "Уровни компетенций (1-6)"},
    "weakest": {"en": "Weakest competency", "ru": "Самая слабая компетенция"},
    "weakest_tied": {"en": "Weakest competencies (tied at level {n})",
                     "ru": "Самые слабые компетенции (все на уровне {n})"},
    "recommendations": {"en": "Recommendations: key decisions, actions, tools",
                        "ru": "Рекомендации: ключевые решения, действия, инструменты"},
    "none": {"en": "(none)", "ru": "(нет)"},
    "decision": {"en": "Decision", "ru": "Решение"},
    "action": {"en": "Action", "ru": "Действие"},
    "tool": {"en": "Tool", "ru": "Инструмент"},
    "effort_cost": {"en": "effort {effort}, cost {cost}", "ru": "усилия: {effort}, затраты: {cost}"},
    "low": {"en": "low", "ru": "низкие"},
    "medium": {"en": "medium", "ru": "средние"},
    "high": {"en": "high", "ru": "высокие"},
    "roadmap": {"en": "Roadmap to {stage} (stage {n})", "ru": "Дорожная карта к стадии «{stage}» ({n})"},
    "top_stage": {"en": "Roadmap: the top stage is reached; keep it up.",
                  "ru": "Дорожная карта: достигнута высшая стадия, её нужно поддерживать."},
    "gate_unmet": {"en": "Gate not met: {title} [{rule}]", "ru": "Не выполнено условие: {title} [{rule}]"},
    "gate_met": {"en": "Gate met: {title} [{rule}]", "ru": "Условие выполнено: {title} [{rule}]"},
    "score_unmet": {"en": "Score not yet in the band: {title} [{rule}]",
                    "ru": "Балл пока не в диапазоне: {title} [{rule}]"},
    "now": {"en": "now", "ru": "сейчас"},
    "absent": {"en": "absent", "ru": "нет"},
    "focus": {"en": "Strengthen first", "ru": "Укрепить в первую очередь"},
    "start_with": {"en": "Start with", "ru": "Начать с"},
    "held_back": {"en": "Held back for now", "ru": "Пока отложено"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang``, with ``values`` filled in."""
    return LABELS[key][lang].format(**values)
