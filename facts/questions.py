"""The facts file as questions, one per input field, and the consistency checks an answer set must pass.

Used by ``cxm interview``; the questions come from the facts schema itself (:mod:`cxm.facts.schema`,
:func:`cxm.facts.vocabulary.input_fields`), so a new field is asked about without code here.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated, Any


@dataclass(frozen=True)
class Question:
    """One field of the facts file, as a question."""

    path: str
    kind: str  # bool, int, text, enum, list
    item: str  # for a list: enum or int
    values: tuple[str, ...]
    descriptions: dict[str, tuple[str, ...]]  # of the enum values, by language
    help: dict[str, str]  # the field's description, by language
    annotation: Any  # the field's type with its constraints, for validation
    default: Any  # the schema's default (plain), or REQUIRED
    optional: bool  # null is allowed

    @property
    def section(self) -> str:
        return self.path.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.path.split(".", 1)[1]


REQUIRED = object()


def _field(path: str) -> Any:
    """The pydantic FieldInfo of a dotted path."""
    from pydantic import BaseModel

    from cxm.facts.schema import Facts

    model: Any = Facts
    info = None
    for part in path.split("."):
        info = model.model_fields[part]
        inner = info.annotation
        for arg in [inner, *typing.get_args(inner)]:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                model = arg
                break
    return info


def _enum(annotation: Any) -> Any:
    from cxm.facts.enums import DocEnum

    if isinstance(annotation, type) and issubclass(annotation, DocEnum):
        return annotation
    for arg in typing.get_args(annotation):
        found = _enum(arg)
        if found is not None:
            return found
    return None


def questions() -> list[Question]:
    """Every leaf field of the facts file, in schema order."""
    from pydantic_core import PydanticUndefined

    from cxm.facts.vocabulary import input_fields, plain

    out = []
    for path, spec in input_fields().items():
        info = _field(path)
        enum = _enum(info.annotation)
        annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        if info.default is not PydanticUndefined:
            default = plain(info.default)
        elif info.default_factory is not None:
            default = plain(info.default_factory())
        else:
            default = REQUIRED
        optional = type(None) in typing.get_args(info.annotation)
        kind = spec.kind if spec.kind in ("bool", "int", "text", "enum", "list") else "text"
        descriptions = {
            "en": tuple(m.description for m in enum) if enum else (),
            "ru": tuple(m.description_ru for m in enum) if enum else (),
        }
        out.append(
            Question(
                path,
                kind,
                spec.item,
                spec.values,
                descriptions,
                {"en": spec.description, "ru": spec.description_ru},
                annotation,
                default,
                optional,
            )
        )
    return out


def reason(exc: Exception) -> str:
    """One line for a validation error: the field and the message."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
        return f"{loc}: {msg}" if loc else msg
    return str(exc)


def nest(answers: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in answers.items():
        if value is None:
            continue
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def check_section(section: str, answers: dict[str, Any]) -> str | None:
    """The reason a whole section is invalid, or None."""
    from pydantic import ValidationError

    from cxm.facts.schema import Facts

    model = Facts.model_fields[section].annotation
    model = next(a for a in [model, *typing.get_args(model)] if isinstance(a, type) and a is not type(None))
    data = nest({p: v for p, v in answers.items() if p.split(".", 1)[0] == section}).get(section, {})
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return reason(exc)
    from cxm.facts.consistency import CHECKS

    for check in CHECKS:  # facts of the section that cannot hold together
        found = [(path, message) for path, message in check.find(answers) if path[0] == section]
        if check.severity == "error" and found:
            path, message = found[0]
            return f"{'.'.join(map(str, path[1:]))}: {message}"
    return None


def check_answer(path: str, value: Any, answers: dict[str, Any]) -> list[str]:
    """Values of an answer that contradict earlier answers (``systems.integrated`` must be present)."""
    if path == "systems.integrated":
        return [s for s in value if s not in answers.get("systems.present", [])]
    return []


def suggested_default(path: str, answers: dict[str, Any]) -> Any:
    """A default that follows from earlier answers (B2C share = 100 - B2B share), or None."""
    if path == "company.markets.b2c" and "company.markets.b2b" in answers:
        return 100 - answers["company.markets.b2b"]
    return None
