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
