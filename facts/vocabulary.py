"""The input fact vocabulary: every leaf field of the facts file as a typed, dotted path.

Rules may only name these paths (or facts that other rules derive); the engine
asserts one fact per path present, with :func:`flatten`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

from cxm.facts.enums import ORDERED
from cxm.facts.record import record

if TYPE_CHECKING:
    from pydantic import BaseModel

Scalar = str | int | float | bool
Value = Scalar | list[Scalar]


def whole(value: Value) -> int:
    """A value the rules conclude as a number (a level, a rank), as an ``int``; a list is a TypeError, as ``int``
    would make it."""
    if isinstance(value, list):
        raise TypeError(f"expected a number, got a list: {value!r}")
    return int(value)


@record(frozen=True)
class FieldSpec:
    """What a rule may know about one fact: its type, its values and their order."""

    path: str
    kind: str  # "bool" | "int" | "number" | "text" | "enum" | "list"
    values: tuple[str, ...] = ()  # enum members (for "enum", and for "list" of enums)
    ordered: bool = False
    item: str = ""  # the kind of a list's items: "enum" | "int"
    description: str = ""
    description_ru: str = ""  # the description in Russian (the schema's ``x-description-ru``)
    labels: tuple[tuple[str, str], ...] = ()  # each value of ``values`` in words: (English, Russian)

    def rank(self, value: str) -> int:
        """Position of ``value`` on an ordered scale."""
        return self.values.index(value)


def _leaf(annotation: Any) -> tuple[str, Any]:
    """Classify a (possibly Annotated/Optional) annotation as a leaf kind, with its model or enum class (or None)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaf(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _leaf(args[0])
    if origin is list:
        kind, cls = _leaf(typing.get_args(annotation)[0])
        return "list:" + kind, cls
    if isinstance(annotation, type):
        from pydantic import BaseModel

        if issubclass(annotation, BaseModel):
            return "model", annotation
        if issubclass(annotation, Enum):
            return "enum", annotation
        if annotation is bool:
            return "bool", None
        if annotation is int:
            return "int", None
        if annotation is float:
            return "number", None
        if annotation is str:
            return "text", None
    raise TypeError(f"unsupported annotation {annotation!r}")


NOT_FACTS = frozenset({"self_assessment.survey"})
"""Sections of the facts file that describe rather than state facts: rules never see them."""


def _labels(cls: Any) -> tuple[tuple[str, str], ...]:
    """An enum's values in words, in English and Russian (its members' descriptions)."""
    return tuple((m.description or m.value, m.description_ru or m.description or m.value) for m in cls)


def _walk(model: type[BaseModel], prefix: str) -> list[FieldSpec]:
    from cxm.facts.schema import RU

    out: list[FieldSpec] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        if path in NOT_FACTS:
            continue
        kind, cls = _leaf(field.annotation)
        doc = field.description or ""
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        doc_ru = str(extra.get(RU, ""))
        if kind == "model":
            out.extend(_walk(cls, path + "."))
        elif kind == "enum":
            out.append(
                FieldSpec(
                    path,
                    "enum",
                    tuple(m.value for m in cls),
                    cls in ORDERED,
                    description=doc,
                    description_ru=doc_ru,
                    labels=_labels(cls),
                )
            )
        elif kind.startswith("list:"):
            item = kind.split(":", 1)[1]
            values = tuple(m.value for m in cls) if item == "enum" else ()
            out.append(
                FieldSpec(
                    path,
                    "list",
                    values,
                    item=item,
                    description=doc,
                    description_ru=doc_ru,
                    labels=_labels(cls) if item == "enum" else (),
                )
            )
        else:
            out.append(FieldSpec(path, kind, description=doc, description_ru=doc_ru))
    return out


@cache
def input_fields() -> dict[str, FieldSpec]:
    """Every input fact path, in schema order."""
    from cxm.facts.schema import Facts

    return {spec.path: spec for spec in _walk(Facts, "")}


def plain(value: Any) -> Any:
    """Validated facts as plain data: enum members become their value (in lists and sections too)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


def flatten(data: Mapping[str, Any]) -> dict[str, Value]:
    """Validated facts (:attr:`~cxm.facts.load.LoadedFacts.data`) as ``{path: value}``, in schema order;
    absent optional values are left out."""
    out: dict[str, Value] = {}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if prefix + key in NOT_FACTS:
                continue
            if isinstance(value, Mapping):
                walk(value, f"{prefix}{key}.")
            elif value is not None:
                out[prefix + key] = plain(value)

    walk(data, "")
    return out
