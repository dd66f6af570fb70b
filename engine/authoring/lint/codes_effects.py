"""The lint checks on texts and on recommendations' effects (``CXL4xx``, ``CXL5xx``): each code with its severity
and what it finds, why, and how to fix it (the others are in :mod:`codes`)."""

from __future__ import annotations

from cxm.engine.authoring.lint.check import ERROR, WARNING, Check, _b

LATER_CHECKS: list[Check] = [
    Check(
        "CXL401",
        WARNING,
        "text",
        _b(
            "A text looks untranslated or unfinished: Russian without Cyrillic letters, English with them, "
            "both the same, or a <variable> left over from for_each.",
            "Текст выглядит непереведённым или незаконченным: русский без кириллицы, английский с кириллицей, "
            "оба одинаковы или осталась <переменная> из for_each.",
        ),
        _b(
            "Users read these texts next to every conclusion.",
            "Пользователи читают эти тексты рядом с каждым выводом.",
        ),
        _b(
            "Translate or finish the text; add the variable to every for_each item.",
            "Переведите или допишите текст; добавьте переменную в каждый элемент for_each.",
        ),
    ),
    Check(
        "CXL501",
        WARNING,
        "unreachable-recommendation",
        _b(
            "A catalogue recommendation that no rule can recommend.",
            "Рекомендация каталога, которую не может сделать ни одно правило.",
        ),
        _b("It is never shown to anyone.", "Она никогда никому не показывается."),
        _b(
            "Write a rule that recommends it, or delete it from the catalogue.",
            "Напишите правило, которое её рекомендует, или удалите её из каталога.",
        ),
    ),
    Check(
        "CXL502",
        ERROR,
        "recommends-what-holds",
        _b(
            "A rule recommends an entry whose effects its own condition already implies (it recommends what is in "
            "place).",
            "Правило рекомендует то, что по его же условию уже выполнено (эффекты рекомендации уже есть).",
        ),
        _b(
            "The company is told to do what it already does, and the text may claim the opposite of its facts.",
            "Компании советуют то, что она уже делает, а текст может противоречить её фактам.",
        ),
        _b(
            "Test the failing fact in the condition (or the gap, rules/gaps/), or fix the entry's effects.",
            "Проверяйте в условии невыполненный факт (или разрыв, rules/gaps/) либо исправьте эффекты записи.",
        ),
    ),
    Check(
        "CXL503",
        ERROR,
        "own-effect-may-hold",
        _b(
            "A rule can recommend an entry while one of its own effects already holds: its condition, with the "
            "conditions of the rules that made the entry's parents (action, decision) and of the derived facts "
            "they test, lets that effect's fact already have the value the entry would give it.",
            "Правило может рекомендовать запись, когда один из её собственных эффектов уже выполнен: его условие "
            "вместе с условиями правил, сделавших родителей записи (действие, решение), и выводимых фактов, "
            "которые они проверяют, допускает, что факт уже имеет значение, которое дала бы запись.",
        ),
        _b(
            "The company is told to do, in part, what it already does: a title naming a practice in place.",
            "Компании отчасти советуют то, что она уже делает: заголовок называет то, что уже есть.",
        ),
        _b(
            "Test the effect's fact in the rule (the missing negative test), split the entry so that each names "
            "only what is missing, or drop the effect that is not the entry's own.",
            "Проверьте факт эффекта в правиле (недостающая отрицательная проверка), разделите запись так, чтобы "
            "каждая называла только недостающее, или уберите эффект, который ей не принадлежит.",
        ),
    ),
    Check(
        "CXL504",
        ERROR,
        "effect-breaks-consistency",
        _b(
            "A rule can recommend an entry whose effects make a fact hold a value that needs another fact "
            "(the footprint in a CRM needs a CRM; LTV per segment needs segments), where that other may not hold "
            "and the entry's effects do not make it hold.",
            "Правило может рекомендовать запись, эффекты которой дают факту значение, требующее другого факта "
            "(цифровой след в CRM требует CRM; LTV по сегментам требует сегментов), когда тот может не "
            "выполняться, а эффекты записи его не обеспечивают.",
        ),
        _b(
            "The advice cannot be carried out as written: `cxm what-if --do` refuses the facts it leads to.",
            "Совет нельзя выполнить так, как он написан: `cxm what-if --do` отвергает факты, к которым он ведёт.",
        ),
        _b(
            "Add the needed fact to the entry's effects, or test it in the rule.",
            "Добавьте нужный факт в эффекты записи или проверьте его в правиле.",
        ),
    ),
]
