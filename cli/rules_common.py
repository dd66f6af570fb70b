"""What the `cxm rules` subcommands share: their words, and how they load the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cxm.cli.i18n import translator
from cxm.cli.session import warn_overrides

LABELS: dict[str, dict[str, str]] = {
    "because": {"en": "Because", "ru": "Потому что"},
    "source": {"en": "Source", "ru": "Источник"},
    "when": {"en": "When", "ru": "Когда"},
    "when_any": {"en": "When any of", "ru": "Когда выполнено одно из"},
    "then": {"en": "Then", "ru": "Вывод"},
    "depends_on": {"en": "Depends on", "ru": "Зависит от"},
    "used_by": {"en": "Used by", "ru": "Используется в"},
    "inputs_only": {"en": "input facts only", "ru": "только исходные факты"},
    "final": {"en": "nothing (a final conclusion)", "ru": "нигде (окончательный вывод)"},
    "tests": {"en": "Tests covering it", "ru": "Тесты, которые его покрывают"},
    "no_tests": {
        "en": "none: write a case in a *.test.yaml file beside the rules",
        "ru": "нет: добавьте пример в файл *.test.yaml рядом с правилами",
    },
    "decision": {"en": "decision", "ru": "решение"},
    "action": {"en": "action", "ru": "действие"},
    "tool": {"en": "tool", "ru": "инструмент"},
    "error": {"en": "error", "ru": "ошибка"},
    "warning": {"en": "warning", "ru": "предупреждение"},
    "active": {"en": "active", "ru": "действует"},
    "draft": {"en": "draft", "ru": "черновик"},
    "deprecated": {"en": "deprecated", "ru": "устарело"},
    "low": {"en": "low", "ru": "низкие"},
    "medium": {"en": "medium", "ru": "средние"},
    "high": {"en": "high", "ru": "высокие"},
    "entry_facts": {
        "en": "competency {competency}, effort {effort}, cost {cost}",
        "ru": "компетенция {competency}, усилия {effort}, затраты {cost}",
    },
    "serves": {"en": "Serves", "ru": "Служит"},
    "effects": {"en": "Once done", "ru": "После выполнения"},
    "made_by": {"en": "Made by", "ru": "Рекомендуют правила"},
    "held_back_by": {"en": "Held back by", "ru": "Откладывают правила"},
    "served_by": {"en": "Carried out by", "ru": "Выполняется через"},
    "nothing": {"en": "no rule", "ru": "ни одно правило"},
    "status": {"en": "status {status}, priority {priority}", "ru": "статус {status}, приоритет {priority}"},
    "summary": {
        "en": "{passed} passed, {failed} failed, {todo} todo ({total} cases)",
        "ru": "успешно: {passed}, с ошибкой: {failed}, известных пробелов: {todo} (примеров: {total})",
    },
    "covered": {
        "en": "Coverage: all {total} rules fired in at least one case.",
        "ru": "Покрытие: все {total} правил сработали хотя бы в одном примере.",
    },
    "uncovered": {
        "en": "Coverage: {n} of {total} rules fired in no case:",
        "ru": "Покрытие: {n} из {total} правил не сработали ни в одном примере:",
    },
    "case_pass": {"en": "PASS", "ru": "ДА"},
    "case_fail": {"en": "FAIL", "ru": "НЕТ"},
    "case_todo": {"en": "TODO", "ru": "ПРОБЕЛ"},
    "case_fixed": {"en": "FIXED", "ru": "ИСПРАВЛЕН"},
    "fixed": {"en": "a todo case now passes: remove its 'todo'", "ru": "пример с todo теперь проходит: уберите todo"},
    "no_cases": {
        "en": "No rule tests found (*.test.yaml beside the rule files).",
        "ru": "Тесты правил (*.test.yaml рядом с файлами правил) не найдены.",
    },
    "clean": {
        "en": "All checks passed ({rules} rules, {files} files).",
        "ru": "Все проверки пройдены (правил: {rules}, файлов: {files}).",
    },
    "found": {
        "en": "Found {errors} error(s) and {warnings} warning(s) ({rules} rules, {files} files).",
        "ru": "Найдено ошибок: {errors}, предупреждений: {warnings} (правил: {rules}, файлов: {files}).",
    },
    "schema_first": {
        "en": "Semantic checks run once the schema errors above are fixed.",
        "ru": "Смысловые проверки выполняются после исправления ошибок схемы выше.",
    },
    "wrote": {"en": "Wrote {n} files to {dir}.", "ru": "Записано файлов: {n} в {dir}."},
    "what": {"en": "What it finds", "ru": "Что находит"},
    "why": {"en": "Why it matters", "ru": "Почему это важно"},
    "fix": {"en": "How to fix", "ru": "Как исправить"},
    "severity": {"en": "severity", "ru": "серьёзность"},
}


t = translator(LABELS)


def load(rules: tuple[Path, ...]) -> Any:
    """The knowledge base of the built-in rules and ``rules`` (loaded, not compiled: no engine)."""
    from cxm.engine.services.toolkit import load_rules

    return load_rules(rules)


def engine(rules: tuple[Path, ...]) -> Any:
    """The engine of the built-in rules and ``rules`` (start-up ends once it is loaded)."""
    from cxm.cli.session import engine as load_engine

    return load_engine(rules, quiet=True)


def warn(kb: Any) -> None:
    warn_overrides(kb)
