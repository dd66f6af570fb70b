"""Data classes without the start-up cost of generating their methods.

``dataclasses.dataclass`` writes the ``__init__``, ``__repr__`` and ``__eq__`` of each class as source text
and compiles it with ``exec`` when the module is imported: about 0.6 ms a class, some 30 ms for the fifty
classes ``cxm assess`` imports. :func:`record` makes the same dataclass (``dataclasses.fields``,
``replace``, ``asdict`` and pydantic see an ordinary one) with those three methods built from closures
instead, so that no method is compiled. (On Python 3.11 and 3.12 ``dataclass()`` then runs no ``exec`` at
all; from 3.13 it runs one per class, of an empty function factory.) Building an instance costs a little
more (its arguments are bound in a loop): the classes made in the engine's inner loop (a session's facts and
firings) stay plain dataclasses.
``__post_init__``, init-only variables and slots are not supported (none of these classes has one).
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
_MISSING = dataclasses.MISSING


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, kw_only: bool = False, frozen: bool = False, order: bool = False) -> Any:
    """``@dataclass`` with ``kw_only``, ``frozen`` and ``order`` as given, for a class with plain fields."""

    def wrap(cls: type[T]) -> type[T]:
        if "__post_init__" in vars(cls):
            raise TypeError(f"{cls.__name__}: a record has no __post_init__; use a dataclass")
        if not cls.__doc__:  # (dataclass would write one from inspect.signature: slow, and wrong without __init__)
            raise TypeError(f"{cls.__name__}: a record needs a docstring")
        # a subclass of a frozen dataclass must say so to dataclass (which then compiles two methods, replaced below)
        inherits = frozen and any(
            getattr(getattr(b, "__dataclass_params__", None), "frozen", False) for b in cls.__mro__[1:]
        )
        made: Any = dataclasses.dataclass(cls, init=False, repr=False, eq=False, kw_only=kw_only, frozen=inherits)
        fields = dataclasses.fields(made)
        made.__init__ = _init(made.__qualname__, fields, frozen)
        made.__repr__ = _repr(fields)
        made.__eq__ = _eq(fields)
        if order:
            for name, test in _ORDER.items():
                setattr(made, name, _compare(fields, test))
        if frozen:  # as dataclass(frozen=True): no field may be set or deleted, and equal records hash alike
            made.__dataclass_params__.frozen = True
            made.__hash__ = _hash(fields)
            made.__setattr__ = _refuse(made, fields, "assign to")
            made.__delattr__ = _refuse(made, fields, "delete")
        else:
            made.__hash__ = None  # as a dataclass with eq and not frozen
        return made

    return wrap if cls is None else wrap(cls)


def _init(name: str, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Callable[..., None]:
    setattr = object.__setattr__ if frozen else builtins.setattr
    taken = [f for f in fields if f.init]
    positional = [f.name for f in taken if not f.kw_only]
    names = {f.name for f in taken}
    later = [f for f in fields if not f.init]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(positional):
            raise TypeError(
                f"{name}.__init__() takes {len(positional) + 1} positional arguments but {len(args) + 1} were given"
            )
        given = dict(zip(positional, args, strict=False))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f"{name}.__init__() got an unexpected keyword argument {key!r}")
            if key in given:
                raise TypeError(f"{name}.__init__() got multiple values for argument {key!r}")
            given[key] = value
        for f in taken:
            if f.name in given:
                setattr(self, f.name, given[f.name])
            elif f.default is not _MISSING:
                setattr(self, f.name, f.default)
            elif f.default_factory is not _MISSING:
                setattr(self, f.name, f.default_factory())
            else:
                raise TypeError(f"{name}.__init__() missing 1 required argument: {f.name!r}")
        for f in later:
            if f.default is not _MISSING:
                setattr(self, f.name, f.default)
            elif f.default_factory is not _MISSING:
                setattr(self, f.name, f.default_factory())

    return __init__


def _repr(fields: tuple[dataclasses.Field[Any], ...]) -> Callable[[Any], str]:
    shown = [f.name for f in fields if f.repr]

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{type(self).__qualname__}({inner})"

    return __repr__


def _eq(fields: tuple[dataclasses.Field[Any], ...]) -> Callable[[Any, Any], Any]:
    compared = [f.name for f in fields if f.compare]

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return tuple(getattr(self, n) for n in compared) == tuple(getattr(other, n) for n in compared)

    return __eq__


def _hash(fields: tuple[dataclasses.Field[Any], ...]) -> Callable[[Any], int]:
    hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]

    def __hash__(self: Any) -> int:
        return hash(tuple(getattr(self, n) for n in hashed))

    return __hash__


def _refuse(cls: type, fields: tuple[dataclasses.Field[Any], ...], doing: str) -> Callable[..., None]:
    names = {f.name for f in fields}
    allow = object.__setattr__ if doing == "assign to" else object.__delattr__

    def refuse(self: Any, name: str, *value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot {doing} field {name!r}")
        allow(self, name, *value)

    return refuse


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "__lt__": lambda a, b: a < b,
    "__le__": lambda a, b: a <= b,
    "__gt__": lambda a, b: a > b,
    "__ge__": lambda a, b: a >= b,
}


def _compare(fields: tuple[dataclasses.Field[Any], ...], test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    compared = [f.name for f in fields if f.compare]

    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return test(tuple(getattr(self, n) for n in compared), tuple(getattr(other, n) for n in compared))

    return compare
