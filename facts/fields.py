"""The building blocks of the facts-file model: a section's settings, strict scalar types, ratings, lists given
as one value or many without repeats, and a field's description in Russian (:func:`ru`)."""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic.json_schema import JsonDict

from cxm.facts import checks


class Section(BaseModel):
    # a section of the facts file: no unknown key, never changed once read (no docstring: pydantic would show it)
    model_config = ConfigDict(extra="forbid", frozen=True)


T = TypeVar("T")


Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
Str = Annotated[str, Strict()]
Share = Annotated[int, Strict(), Field(ge=0, le=100)]
Rating = Annotated[int, Strict(), Field(ge=1, le=5)]
Ratings = Annotated[list[Rating], Field(min_length=5, max_length=5)]
UniqueList = Annotated[
    list[T], BeforeValidator(checks.one_or_many), Field(max_length=checks.MAX_ITEMS), AfterValidator(checks.unique)
]

RU = "x-description-ru"
"""The JSON Schema key of a field's description in Russian, beside ``description`` (in English)."""


def ru(text: str) -> JsonDict:
    """A field's ``json_schema_extra``: its description in Russian."""
    return {RU: text}
