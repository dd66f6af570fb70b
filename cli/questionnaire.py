"""The questionnaire's own words and answers, shared by `cxm interview` and its deciding variant: the labels in
both languages, the answer type that checks each answer against the schema, how a value is shown, and the facts
file the answers make."""

from __future__ import annotations

from typing import Any

import click

from cxm.cli.i18n import translator
from cxm.facts.questions import (
    Question,
    check_answer,
    nest,
    reason,
)

LABELS: dict[str, dict[str, str]] = {
    "intro": {
        "en": "Answer each question; press Enter to keep the value in brackets.",
        "ru": "Ответьте на каждый вопрос; Enter оставляет значение в скобках.",
    },
    "section": {"en": "== {title} ==", "ru": "== {title} =="},
    "one_of": {"en": "Choose one (name or number):", "ru": "Выберите одно (название или номер):"},
    "some_of": {
        "en": "Choose any, separated by commas (names or numbers); '-' for none:",
        "ru": "Выберите любые через запятую (названия или номера); '-' — ни одного:",
    },
    "yes_no": {"en": "Answer yes or no.", "ru": "Ответьте да или нет (yes/no)."},
    "number": {"en": "A whole number.", "ru": "Целое число."},
    "number_or_none": {"en": "A whole number; '-' if unknown.", "ru": "Целое число; '-' если неизвестно."},
    "ratings": {"en": "Five ratings from 1 to 5, separated by commas.", "ru": "Пять оценок от 1 до 5 через запятую."},
    "bad_yes_no": {"en": "answer yes or no", "ru": "ответьте да или нет (yes/no)"},
    "bad_number": {"en": "expected a whole number, got {value!r}", "ru": "ожидалось целое число, получено {value!r}"},
    "bad_choice": {"en": "{value!r} is not one of: {choices}", "ru": "{value!r} — не из списка: {choices}"},
    "bad_number_choice": {
        "en": "choice {value} does not exist: choose 1 to {n}",
        "ru": "варианта {value} нет: выберите от 1 до {n}",
    },
    "not_present": {"en": "not among the systems present: {items}", "ru": "этих систем нет среди present: {items}"},
    "section_bad": {
        "en": "This section does not add up: {reason}. Please answer it again.",
        "ru": "Ответы раздела не согласуются: {reason}. Ответьте на вопросы раздела ещё раз.",
    },
    "self_assessment": {
        "en": "Add the optional self-assessment (20 statements, each rated 1 to 5)?",
        "ru": "Добавить необязательную самооценку (20 утверждений, оценки от 1 до 5)?",
    },
    "overwrite": {"en": "{file} exists. Overwrite it?", "ru": "{file} уже есть. Перезаписать?"},
    "needs_output": {
        "en": "--from {file} needs -o: -o {file} updates that file (its comments kept), -o OTHER writes a new one",
        "ru": "для --from {file} нужен -o: -o {file} обновит этот файл (комментарии сохранятся), "
        "-o ДРУГОЙ запишет новый",
    },
    "required": {
        "en": "this field has no default: an answer is required",
        "ru": "у этого поля нет значения по умолчанию: нужен ответ",
    },
    "draft": {"en": "Answers are saved as you go in {file}.", "ru": "Ответы сохраняются по ходу в {file}."},
    "resumed": {
        "en": "Continuing from the draft {file}: its {n} answers are the defaults.",
        "ru": "Продолжаем по черновику {file}: его ответы ({n}) — значения по умолчанию.",
    },
    "ended": {
        "en": "error: the input ended; your {n} answers are saved in {file}: run the same command again to "
        "continue from them",
        "ru": "ошибка: ввод закончился; ваши ответы ({n}) сохранены в {file}: запустите ту же команду ещё "
        "раз, чтобы продолжить",
    },
    "ended_deciding": {
        "en": "error: the input ended; nothing was written",
        "ru": "ошибка: ввод закончился; ничего не записано",
    },
    "bad_draft": {
        "en": "warning: {file} is not a draft of cxm interview; it is left as it is and not used",
        "ru": "предупреждение: {file} — не черновик cxm interview; он не изменён и не используется",
    },
    "written": {
        "en": "Wrote {file}. Assess it with: cxm assess {file}",
        "ru": "Записан {file}. Оценка: cxm assess {file}",
    },
    "company": {"en": "Company", "ru": "Компания"},
    "leadership": {"en": "Purposeful leadership", "ru": "Целенаправленное руководство"},
    "brand": {"en": "Compelling brand values", "ru": "Убедительные ценности бренда"},
    "self_assessment_title": {"en": "Self-assessment", "ru": "Самооценка"},
    "employees": {"en": "Employee engagement", "ru": "Вовлечённость сотрудников"},
    "customers": {"en": "Customer connectedness", "ru": "Связь с клиентами"},
    "metrics": {"en": "Metrics", "ru": "Метрики"},
    "systems": {"en": "Systems", "ru": "Системы"},
    "compliance": {"en": "Compliance", "ru": "Соответствие требованиям"},
}

YES = {"y", "yes", "true", "1", "д", "да"}
NO = {"n", "no", "false", "0", "н", "нет"}
NONE = "-"


label = translator(LABELS)


class Answer(click.ParamType):
    """Parses and validates the answer to one question; a bad answer makes click ask again."""

    name = "answer"

    def __init__(self, q: Question, lang: str, answers: dict[str, Any], required: bool = False):
        self.q, self.lang, self.answers, self.required = q, lang, answers, required

    def _choice(self, text: str) -> str:
        q = self.q
        if text.isdigit():
            n = int(text)
            if 1 <= n <= len(q.values):
                return q.values[n - 1]
            self.fail(label("bad_number_choice", self.lang, value=n, n=len(q.values)))
        if text.lower() in q.values:  # the values are lower case; 'CRM' can only mean crm
            return text.lower()
        from cxm.facts.validation import suggest

        self.fail(label("bad_choice", self.lang, value=text, choices=", ".join(q.values)) + suggest(text, q.values))
        raise AssertionError  # fail() raises

    def _int(self, text: str) -> int:
        try:
            return int(text)
        except ValueError:
            self.fail(label("bad_number", self.lang, value=text))
            raise

    def parse(self, text: str) -> Any:
        q, text = self.q, text.strip()
        if q.optional and text in ("", NONE):
            return None
        if q.kind == "bool":
            if text.lower() in YES:
                return True
            if text.lower() in NO:
                return False
            self.fail(label("bad_yes_no", self.lang))
        if q.kind == "int":
            return self._int(text)
        if q.kind == "enum":
            return self._choice(text)
        if q.kind == "list":
            parts = [] if text in ("", NONE) else [p.strip() for p in text.replace(";", ",").split(",")]
            if q.item == "int":
                return [self._int(p) for p in parts]
            return [self._choice(p) for p in parts if p]
        return text

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        from pydantic import TypeAdapter, ValidationError

        if self.required and isinstance(value, str) and not value.strip():  # said, not silently asked again
            self.fail(label("required", self.lang))
        value = self.parse(value) if isinstance(value, str) else value
        try:
            checked = TypeAdapter(self.q.annotation).validate_python(value)
        except ValidationError as exc:
            self.fail(reason(exc))
        if self.q.kind == "text":
            value = checked  # as the facts file reads it (a country 'ru' or 'Russia' is RU)
        missing = check_answer(self.q.path, value, self.answers)
        if missing:
            self.fail(label("not_present", self.lang, items=", ".join(missing)))
        return value


def _shown(q: Question, value: Any) -> str:
    """A value as it is typed back at the prompt."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else NONE
    return str(value)


def to_yaml(answers: dict[str, Any]) -> str:
    """The answers as a facts file."""
    import yaml

    data = nest(answers)
    name = data.get("company", {}).get("name", "")
    head = (
        f"# Facts about {name}, written by `cxm interview`.\n"
        "# Check and assess them with `cxm assess FILE`; `cxm interview --from FILE` updates them.\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)


def show_question(q: Question, lang: str) -> None:
    """A question's path and help, then how to answer it: its choices, yes/no, a number or the ratings."""
    click.echo(f"{q.path}: {q.help[lang]}")
    if q.kind == "enum" or (q.kind == "list" and q.item == "enum"):
        click.echo("  " + label("one_of" if q.kind == "enum" else "some_of", lang))
        width = max(len(v) for v in q.values)
        for i, (value, doc) in enumerate(zip(q.values, q.descriptions[lang], strict=True), 1):
            click.echo(f"  {i:>2}. {value:<{width}}  {doc}")
    elif q.kind == "bool":
        click.echo("  " + label("yes_no", lang))
    elif q.kind == "int":
        click.echo("  " + label("number_or_none" if q.optional else "number", lang))
    elif q.kind == "list" and q.item == "int":
        click.echo("  " + label("ratings", lang))
