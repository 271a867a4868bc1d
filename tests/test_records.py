"""kgraph.records: ``@record`` behaves as ``@dataclass`` and its ``NamedTuple`` as typing's, for
what kgraph's classes use (issue 18, cold start: neither module is imported by `kgraph ask`)."""

from __future__ import annotations

import dataclasses
import pickle
import typing

import pytest

from kgraph.records import FrozenInstanceError, NamedTuple, asdict, field, record, replace


@record(frozen=True)
class Item:
    label: str
    score: float = 0.0
    tags: tuple[str, ...] = field(default_factory=tuple)
    note: str = field(default="", repr=False)


@dataclasses.dataclass(frozen=True)
class DItem:
    label: str
    score: float = 0.0
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str = dataclasses.field(default="", repr=False)


@record
class Box:
    items: list[Item] = field(default_factory=list)
    name: str | None = None

    def count(self) -> int:
        return len(self.items)


@dataclasses.dataclass
class DBox:
    items: list[DItem] = dataclasses.field(default_factory=list)
    name: str | None = None


def test_construction_repr_and_equality_as_a_dataclass():
    for args, kwargs in [(("a",), {}), (("a", 2.5), {"tags": ("x",)}), ((), {"label": "b"})]:
        r, d = Item(*args, **kwargs), DItem(*args, **kwargs)
        assert repr(r) == repr(d).replace("DItem", "Item")
        assert r == Item(*args, **kwargs) and hash(r) == hash(Item(*args, **kwargs))
    assert Item("a") != Item("b") and Item("a") != DItem("a") and Item("a") != ("a",)
    assert Box().items is not Box().items  # a fresh default per record
    assert Item.__init__ is not Box.__init__
    with pytest.raises(TypeError):
        Item()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Item("a", label="b")  # type: ignore[misc]


def test_frozen_and_mutable_records():
    r = Item("a")
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'label'"):
        r.label = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del r.score  # type: ignore[misc]
    b = Box()
    b.name = "n"
    b.items.append(r)
    assert b == Box([Item("a")], "n") and b.count() == 1
    with pytest.raises(TypeError, match="unhashable"):
        hash(b)  # mutable and equal by value: unhashable, like DBox
    with pytest.raises(TypeError, match="unhashable"):
        hash(DBox())


def test_replace_and_asdict_as_dataclasses_gives_them():
    r = Item("a", 1.0, ("t",), "n")
    assert replace(r, score=2.0) == Item("a", 2.0, ("t",), "n")
    assert replace(r) == r and replace(r) is not r
    d = DItem("a", 1.0, ("t",), "n")
    assert asdict(Box([r], "x")) == dataclasses.asdict(DBox([d], "x"))
    with pytest.raises(TypeError):
        replace(("a",))
    with pytest.raises(TypeError):
        asdict(Item)


def test_records_pickle_and_keep_their_own_methods():
    r, b = Item("a", 1.0, ("t",)), Box([Item("b")], "x")
    assert pickle.loads(pickle.dumps(r)) == r
    assert pickle.loads(pickle.dumps(b)) == b

    @record(frozen=True)
    class Own:
        x: int

        def __repr__(self) -> str:
            return "own"

        def __hash__(self) -> int:
            return 7

    assert repr(Own(1)) == "own" and hash(Own(1)) == 7 and Own(1) == Own(1)


def test_a_mutable_default_is_refused():
    with pytest.raises(ValueError, match="mutable default <class 'list'> for field tags"):

        @record
        class Bad:
            tags: list[str] = []  # noqa: RUF012


def test_a_non_default_field_after_a_default_one_is_refused():
    with pytest.raises(TypeError, match="non-default argument 'b'"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


class Pair(NamedTuple):
    """Two things."""

    a: str
    b: int = 0

    def total(self) -> int:
        return len(self.a) + self.b


class TPair(typing.NamedTuple):
    """Two things."""

    a: str
    b: int = 0


def test_named_tuples_as_typing_makes_them():
    p, t = Pair("xy"), TPair("xy")
    assert p == t == ("xy", 0) and p.total() == 2
    assert (p._fields, p._field_defaults) == (t._fields, t._field_defaults)
    assert p._replace(b=3) == ("xy", 3) and repr(p) == repr(t).replace("TPair", "Pair")
    assert Pair.__doc__ == "Two things." and Pair.__module__ == __name__
    assert list(Pair.__annotations__) == list(TPair.__annotations__)
    assert pickle.loads(pickle.dumps(p)) == p and isinstance(p, tuple)
