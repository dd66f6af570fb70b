"""What every result shape shares: the settings pydantic reads (:class:`Out`), and the result as data, read back
from data, or described as a JSON Schema (:func:`to_data`, :func:`validate`, :func:`json_schema`)."""

from __future__ import annotations

import functools
from typing import Any, ClassVar, TypeVar

SCHEMA_VERSION = 1

T = TypeVar("T")


class Out:
    """Settings pydantic reads when it validates or serialises a result."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid", "use_attribute_docstrings": True}


@functools.cache
def _adapter(cls: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def to_data(obj: Any, *, exclude: set[str] | None = None) -> Any:
    """A result as JSON-ready data (pydantic's serialisation, in field order)."""
    return _adapter(type(obj)).dump_python(obj, mode="json", exclude=exclude)  # type: ignore[arg-type]


def validate(cls: type[T], data: Any) -> T:
    """Check data (e.g. read back from JSON) against a result shape and build the result."""
    return _adapter(cls).validate_python(data)  # type: ignore[arg-type]


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of a result shape."""
    return _adapter(cls).json_schema()
