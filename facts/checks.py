"""Checks of the facts file that span more than one value (used by :mod:`cxm.facts.schema`).

Each check is written once, over plain values, so that the pydantic models and the
compiled validator (:mod:`cxm.facts.compiled`, which works on dictionaries) run the same code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ITEMS = 1000
"""The most items a list in a facts file may hold (every vocabulary is far shorter; more is a broken file)."""


def unique(items: list[T]) -> list[T]:
    """A list whose items are all different (the first repeated one is named); linear time."""
    seen: set[T] = set()
    for x in items:
        if x in seen:
            raise ValueError(f"{x} is listed twice")
        seen.add(x)
    return items


def one_or_many(value: Any) -> Any:
    """A single word where a list is expected is a list of that one word (``industry: retail``)."""
    return [value] if isinstance(value, str) else value


COUNTRY_NAMES = {
    "russia": "RU",
    "russian federation": "RU",
    "россия": "RU",
    "российская федерация": "RU",
    "рф": "RU",
    "kazakhstan": "KZ",
    "казахстан": "KZ",
    "belarus": "BY",
    "беларусь": "BY",
    "белоруссия": "BY",
    "armenia": "AM",
    "армения": "AM",
    "uzbekistan": "UZ",
    "узбекистан": "UZ",
    "kyrgyzstan": "KG",
    "киргизия": "KG",
    "кыргызстан": "KG",
    "germany": "DE",
    "германия": "DE",
    "france": "FR",
    "франция": "FR",
    "italy": "IT",
    "италия": "IT",
    "spain": "ES",
    "испания": "ES",
    "poland": "PL",
    "польша": "PL",
    "finland": "FI",
    "финляндия": "FI",
    "netherlands": "NL",
    "нидерланды": "NL",
    "united kingdom": "GB",
    "great britain": "GB",
    "великобритания": "GB",
    "united states": "US",
    "usa": "US",
    "сша": "US",
    "china": "CN",
    "китай": "CN",
    "turkey": "TR",
    "türkiye": "TR",
    "турция": "TR",
    "india": "IN",
    "индия": "IN",
}
"""Country names (English and Russian) read as their ISO 3166-1 alpha-2 code: unambiguous, so accepted."""


def country(value: Any) -> Any:
    """A country as its two-letter ISO code: ``ru`` and ``Russia`` are ``RU``; anything else is explained."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text.upper()
    code = COUNTRY_NAMES.get(text.lower())
    if code is None:
        raise ValueError(f"expected a two-letter ISO 3166-1 code such as RU, DE or KZ, got {value!r}")
    return code


def shares(b2b: int, b2c: int) -> None:
    """The B2B and B2C shares of revenue add up to 100 per cent."""
    if b2b + b2c != 100:
        raise ValueError(f"b2b and b2c shares must add up to 100, they add up to {b2b + b2c}")


def integrated_present(present: list[Any], integrated: list[Any]) -> None:
    """Every integrated system is among the systems present."""
    missing = [s.value for s in integrated if s not in present]
    if missing:
        raise ValueError(f"integrated lists systems that are not present: {', '.join(missing)}")


def markets(section: Mapping[str, Any]) -> Mapping[str, Any]:
    """:func:`shares` on the ``company.markets`` section as a mapping."""
    shares(section["b2b"], section["b2c"])
    return section


def systems(section: Mapping[str, Any]) -> Mapping[str, Any]:
    """:func:`integrated_present` on the ``systems`` section as a mapping."""
    integrated_present(section["present"], section["integrated"])
    return section


def max_length(value: Any, max_length: int) -> Any:
    """pydantic's ``max_length`` check of a validated list, with its error (compiled schemas use this copy: pydantic's
    own lives in a module that imports all of pydantic)."""
    from pydantic_core import PydanticKnownError

    if len(value) > max_length:
        raise PydanticKnownError(
            "too_long", {"field_type": "Value", "max_length": max_length, "actual_length": len(value)}
        )
    return value
