"""Turn pydantic validation errors into located, plain-language problems."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

from cxm.facts.source import Document, Problem

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


MAX_PER_LIST = 20
"""Problems reported for the items of one list; the rest are counted in one more line."""


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    import difflib  # only when something is wrong

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Annotated/list wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that a location (without its last key) points into."""
    from pydantic import BaseModel

    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        models = [t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        model = models[0] if models else None
    return model


def enum_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[Enum] | None:
    """The enum type of the field at ``loc``, if it is one."""
    names = [p for p in loc if not isinstance(p, int)]
    if not names:
        return None
    parent = model_at(root, tuple(names[:-1]))
    field = parent.model_fields.get(names[-1]) if parent else None
    if field is None:
        return None
    enums = [t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, Enum)]
    return enums[0] if enums else None


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_EXPECTED = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "dict_type": "expected a mapping of keys to values",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
}


def describe(error: Mapping[str, Any], root: type[BaseModel]) -> tuple[str, bool]:
    """A message for one pydantic error, and whether it points at a key (not a value)."""
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    if kind == "missing":
        return "required field is missing", True
    if kind == "extra_forbidden":
        model = model_at(root, loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        hint = suggest(str(loc[-1]), allowed)
        return f"unknown key {loc[-1]!r}{hint}", True
    if kind == "enum":
        enum = enum_at(root, loc)
        values = [m.value for m in enum] if enum else []
        hint = suggest(str(value), values) if isinstance(value, str) else ""
        if isinstance(value, str) and value != value.lower():
            import difflib

            close = difflib.get_close_matches(value.lower(), values, n=1, cutoff=0.6)
            hint = f" (values are written in lower case{f': did you mean {close[0]!r}?' if close else ''})"
        return f"{_shown(value)} is not one of: {', '.join(values)}{hint}", False
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {_shown(value)}", False
    if kind == "too_long" and "max_length" in error.get("ctx", {}):
        ctx = error["ctx"]
        return f"a list holds at most {ctx['max_length']} items, this one {ctx['actual_length']}", False
    if kind == "string_pattern_mismatch":
        return f"{_shown(value)} does not match the pattern {error['ctx']['pattern']}", False
    message = error["msg"]
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    return message[:1].lower() + message[1:], False


def problems(doc: Document, exc: ValidationError, root: type[BaseModel], prefix: tuple = ()) -> list[Problem]:
    """Every error of ``exc`` located in ``doc`` (``prefix`` = where the model sits in the file)."""
    out = []
    per_list: dict[tuple[Any, ...], int] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if loc and isinstance(loc[-1], int):  # an item of a list: the first few of each list are enough
            seen = per_list[loc[:-1]] = per_list.get(loc[:-1], 0) + 1
            if seen > MAX_PER_LIST:
                continue
        message, at_key = describe(error, root)
        if error["type"] == "missing":
            out.append(doc.problem(prefix + loc, message, key=True, at=prefix + loc[:-1], kind="missing"))
        else:
            out.append(doc.problem(prefix + loc, message, key=at_key))
    for parent, count in per_list.items():
        if count > MAX_PER_LIST:
            out.append(
                doc.problem(
                    prefix + parent,
                    f"{count - MAX_PER_LIST:,} more items of this list are wrong (the first {MAX_PER_LIST} are shown)",
                )
            )
    return out
