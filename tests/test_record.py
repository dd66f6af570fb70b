"""`record`: a dataclass whose methods are built without compiling source, alike in behaviour."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from cxm.facts.record import record


@record(frozen=True)
class Frozen:
    """A frozen record."""

    a: int
    b: tuple[int, ...] = ()
    c: list[int] = dataclasses.field(default_factory=list, compare=False)


@dataclasses.dataclass(frozen=True)
class Twin:
    a: int
    b: tuple[int, ...] = ()
    c: list[int] = dataclasses.field(default_factory=list, compare=False)


@record(kw_only=True)
class Open:
    """A record with keyword arguments."""

    name: str
    items: list[str] = dataclasses.field(default_factory=list)


def test_a_record_behaves_as_the_dataclass_it_stands_for() -> None:
    x, y = Frozen(1), Frozen(1, (), [2])
    assert (repr(x), x == y, hash(x) == hash(y)) == ("Frozen(a=1, b=(), c=[])", True, True)
    assert hash(x) == hash(Twin(1))  # the same fields hash the same way
    assert dataclasses.replace(x, a=2) == Frozen(2)
    assert dataclasses.asdict(y) == {"a": 1, "b": (), "c": [2]}
    assert [f.name for f in dataclasses.fields(Frozen)] == ["a", "b", "c"]
    assert pickle.loads(pickle.dumps(y)) == y and pickle.loads(pickle.dumps(y)).c == [2]
    assert Frozen(1).c is not Frozen(1).c  # a fresh default each time
    assert x != Twin(1)  # another class is never equal
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'a'"):
        x.a = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'a'"):
        del x.a  # type: ignore[misc]


def test_a_record_refuses_wrong_arguments_as_a_dataclass_does() -> None:
    with pytest.raises(TypeError, match=r"missing 1 required argument: 'a'"):
        Frozen()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes 4 positional arguments but 5 were given"):
        Frozen(1, (), [], 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'a'"):
        Frozen(1, a=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Open(name="x", z=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes 1 positional arguments but 2 were given"):
        Open("x")  # type: ignore[misc]
    o = Open(name="x")
    o.items.append("y")  # not frozen: fields may change
    o.name = "z"
    assert o == Open(name="z", items=["y"])
    with pytest.raises(TypeError, match="unhashable"):
        hash(o)


def test_a_record_compiles_no_method(monkeypatch) -> None:
    """No method's source is compiled for a record, on every Python: 3.11 and 3.12's ``dataclass()`` runs no
    ``exec`` for it, 3.13's runs one, of a factory that defines no function."""
    import builtins
    import re
    import sys

    compiled: list[str] = []
    real = builtins.exec
    monkeypatch.setattr(builtins, "exec", lambda *a, **k: (compiled.append(str(a[0])), real(*a, **k))[1])

    @record(frozen=True)
    class Made:
        """A record."""

        x: int = 0

    made = list(compiled)

    @dataclasses.dataclass(frozen=True)
    class Plain:
        x: int = 0

    assert Made(1) == Made(1) and Plain(1) == Plain(1)
    methods = re.compile(r"^\s*def (__\w+__)\(self", re.M)  # a method compiled from source
    assert [m for text in made for m in methods.findall(text)] == []
    assert len(made) == (0 if sys.version_info < (3, 13) else 1)
    plain = {m for text in compiled[len(made) :] for m in methods.findall(text)}
    assert {"__init__", "__repr__", "__eq__"} <= plain  # the dataclass compiled them (the probe sees its exec)


def test_a_record_has_no_post_init() -> None:
    with pytest.raises(TypeError, match="no __post_init__"):

        @record
        class Bad:
            """A record that cannot be."""

            a: int

            def __post_init__(self) -> None:
                pass


def test_a_record_has_a_docstring() -> None:
    with pytest.raises(TypeError, match="needs a docstring"):

        @record
        class Bare:
            a: int
