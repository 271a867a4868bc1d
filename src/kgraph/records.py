"""Small data classes for the modules a cold ``kgraph ask`` imports, without :mod:`dataclasses`.

``@record`` works like ``@dataclass`` for what kgraph's result objects use: fields from the class
annotations in order, defaults and ``field(default=…, default_factory=…, repr=False)``, an
``__init__`` taking them positionally or by name, ``__repr__``, ``__eq__`` (same class, equal
fields), and with ``frozen=True`` assignment refused and ``__hash__`` from the fields (a mutable
record is unhashable, as a dataclass is). :func:`replace` and :func:`asdict` work as their
:mod:`dataclasses` namesakes on records; mypy checks records as dataclasses
(``typing.dataclass_transform``).

Why not ``dataclasses``: importing it imports :mod:`inspect` (and with it ``ast``, ``dis``,
``tokenize``), and every class it decorates compiles four to six generated functions; together
some 10 ms of the 75 ms a cold ``kgraph ask`` took, which builds a few of the two dozen result
classes it imports. Here a class compiles its ``__init__`` on its first instance, and the other
methods are shared. The same goes for :data:`NamedTuple` (``typing`` costs 3 ms to import):
the class syntax of :class:`typing.NamedTuple` on :func:`collections.namedtuple`.
Modules off that path use :mod:`dataclasses` and :mod:`typing` as usual.

>>> @record(frozen=True)
... class Point:
...     x: int
...     y: int = 0
...     tags: list[str] = field(default_factory=list, repr=False)
>>> p = Point(1)
>>> p, p == Point(1, 0), replace(p, y=2), asdict(p)
(Point(x=1, y=0), True, Point(x=1, y=2), {'x': 1, 'y': 0, 'tags': []})
>>> try:
...     p.x = 3
... except FrozenInstanceError as e:
...     print(e)
cannot assign to field 'x'
"""

from __future__ import annotations

import collections
from operator import attrgetter

from . import startcache

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Generic, NamedTuple, TypeVar, cast, dataclass_transform

    _R = TypeVar("_R")
else:
    # What the modules of the ask path use of typing at run time, where typing's own objects
    # are not needed: mypy sees typing's (above); at run time these stand in.
    Any = object  # in a run-time alias such as ``dict[str, Any]`` (annotations are not run)

    def cast(typ, value):
        return value

    def TypeVar(name, *constraints, **options):
        return name

    class Generic:
        """``class PerStore(Generic[T])``: ``PerStore[X]`` is ``PerStore`` at run time."""

        __slots__ = ()

        def __class_getitem__(cls, item):
            return cls

    def dataclass_transform(**_):
        return lambda f: f


__all__ = [
    "Any",
    "FrozenInstanceError",
    "Generic",
    "NamedTuple",
    "TypeVar",
    "asdict",
    "cast",
    "field",
    "record",
    "replace",
]


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record (as :class:`dataclasses.FrozenInstanceError`)."""


_MISSING: Any = type("MISSING", (), {"__repr__": lambda self: "MISSING"})()


class Field:
    """One field of a record: its name, default or default factory, and whether repr shows it."""

    __slots__ = ("default", "factory", "name", "repr")

    def __init__(self, name: str, default: Any, factory: Any, repr: bool) -> None:
        self.name, self.default, self.factory, self.repr = name, default, factory, repr


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] = _MISSING,
    repr: bool = True,
) -> Any:
    """A field's default (``default``, or ``default_factory()`` for each new record) and
    whether ``repr`` shows it, as :func:`dataclasses.field`."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field("", default, default_factory, repr)


@dataclass_transform(field_specifiers=(field,))
def record(cls: Any = None, /, *, frozen: bool = False) -> Any:
    """Make ``cls`` a record (``@record`` or ``@record(frozen=True)``), see the module."""

    def wrap(cls: type[Any]) -> type[Any]:
        return _process(cls, frozen)

    return wrap if cls is None else wrap(cls)


def _process(cls: type[Any], frozen: bool) -> type[Any]:
    fields: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for f in getattr(base, "__record_fields__", ()):
            fields[f.name] = f
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect costs 7 ms
    for name, annotation in annotations.items():
        if "ClassVar" in str(annotation):
            continue
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, Field):
            f = Field(name, value.default, value.factory, value.repr)
            if f.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        else:
            f = Field(name, value, _MISSING, True)
        if f.default is not _MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(  # one list shared by every record: as dataclasses, refused
                f"mutable default {type(f.default)} for field {name} is not allowed: "
                "use default_factory"
            )
        fields[name] = f
    seen_default = False
    for f in fields.values():
        if f.default is not _MISSING or f.factory is not _MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
    cls.__record_fields__ = tuple(fields.values())
    cls.__record_frozen__ = frozen
    names = tuple(fields)
    values = attrgetter(*names) if len(names) > 1 else _one_tuple(names)
    shown = tuple(f.name for f in fields.values() if f.repr)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _make_init(cls)  # compiled on the class's first instance
        cls.__init__ = init
        init(self, *args, **kwargs)

    def __repr__(self: Any) -> str:
        body = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{self.__class__.__qualname__}({body})"

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(values(self) == values(other))
        return NotImplemented

    methods: dict[str, Any] = {"__init__": __init__, "__repr__": __repr__, "__eq__": __eq__}
    if frozen:

        def __setattr__(self: Any, name: str, value: Any) -> None:
            if type(self) is cls or name in names:
                raise FrozenInstanceError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)

        def __delattr__(self: Any, name: str) -> None:
            if type(self) is cls or name in names:
                raise FrozenInstanceError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)

        methods.update(__setattr__=__setattr__, __delattr__=__delattr__)
    for name, fn in methods.items():
        if name not in cls.__dict__:  # the class's own methods stay, as with a dataclass
            fn.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, fn)
    own_hash = cls.__dict__.get("__hash__", _MISSING)
    if own_hash is _MISSING or (own_hash is None and "__eq__" in cls.__dict__):
        # no __hash__ of its own: from the fields when frozen, else none (equal by value and
        # mutable), the rule of dataclasses
        if frozen:

            def __hash__(self: Any) -> int:
                return hash(values(self))

            __hash__.__qualname__ = f"{cls.__qualname__}.__hash__"
            cls.__hash__ = __hash__  # type: ignore[method-assign, assignment]
        else:
            cls.__hash__ = None  # type: ignore[assignment]
    return cls


def _one_tuple(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda obj: ()
    get = attrgetter(names[0])
    return lambda obj: (get(obj),)


def _make_init(cls: type[Any]) -> Callable[..., None]:
    """The ``__init__`` of record class ``cls``, compiled as :mod:`dataclasses` writes it."""
    fields: tuple[Field, ...] = cls.__record_fields__
    scope: dict[str, Any] = {"__object_setattr": object.__setattr__, "__MISSING": _MISSING}
    params, body = [], []
    for f in fields:
        if f.factory is not _MISSING:
            scope[f"__factory_{f.name}"] = f.factory
            params.append(f"{f.name}=__MISSING")
            value = f"__factory_{f.name}() if {f.name} is __MISSING else {f.name}"
        elif f.default is not _MISSING:
            scope[f"__default_{f.name}"] = f.default
            params.append(f"{f.name}=__default_{f.name}")
            value = f.name
        else:
            params.append(f.name)
            value = f.name
        if cls.__record_frozen__:
            body.append(f"__object_setattr(self, {f.name!r}, {value})")
        else:
            body.append(f"self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    text = f"def __init__(self, {', '.join(params)}):\n    " + "\n    ".join(body or ["pass"])
    code = f"def __make_init({', '.join(scope)}):\n " + text.replace("\n", "\n ")
    code += "\n return __init__"
    namespace: dict[str, Any] = {}
    # our own text, as dataclasses writes it; compiled once per installation on the path of a
    # cold `kgraph ask` (kgraph.startcache), else now
    exec(startcache.source(code), {}, namespace)  # noqa: S102
    init: Callable[..., None] = namespace["__make_init"](**scope)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def is_record(obj: object) -> bool:
    """Whether ``obj`` is a record instance or class."""
    return hasattr(obj, "__record_fields__")


def replace(obj: _R, /, **changes: Any) -> _R:
    """A copy of the record ``obj`` with ``changes`` to its fields (as
    :func:`dataclasses.replace`)."""
    fields: tuple[Field, ...] | None = getattr(obj, "__record_fields__", None)
    if fields is None:
        raise TypeError("replace() should be called on record instances")
    for f in fields:
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)  # type: ignore[no-any-return]


def asdict(obj: Any) -> dict[str, Any]:
    """The record ``obj`` as a dict, records, lists, tuples and dicts inside it converted
    likewise (as :func:`dataclasses.asdict`)."""
    if not is_record(obj) or isinstance(obj, type):
        raise TypeError("asdict() should be called on record instances")
    out = _asdict(obj)
    assert isinstance(out, dict)
    return out


def _asdict(obj: Any) -> Any:
    if is_record(obj) and not isinstance(obj, type):
        return {f.name: _asdict(getattr(obj, f.name)) for f in obj.__record_fields__}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*[_asdict(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_asdict(v) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_asdict(k), _asdict(v)) for k, v in obj.items())
    import copy

    return copy.deepcopy(obj)


# -- NamedTuple ----------------------------------------------------------------------------------

if not TYPE_CHECKING:
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__", "__qualname__"})
    _PROHIBITED = frozenset(
        {
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
            "_source",
        }
    )

    class _NamedTupleMeta(type):
        def __new__(mcs, typename, bases, ns):
            types = ns.get("__annotations__", {})
            defaults = []
            for name in types:
                if name in ns:
                    defaults.append(ns[name])
                elif defaults:
                    raise TypeError(
                        f"Non-default namedtuple field {name} cannot follow default field"
                        f"{'s' if len(defaults) > 1 else ''} {', '.join(types)}"
                    )
            cls = collections.namedtuple(
                typename, list(types), defaults=defaults, module=ns["__module__"]
            )
            cls.__annotations__ = dict(types)
            for key, value in ns.items():
                if key in _PROHIBITED:
                    raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
                if key not in _SPECIAL and key not in cls._fields:
                    setattr(cls, key, value)
            return cls

    _Base = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})

    def NamedTuple(typename, fields=None, /):
        """:class:`typing.NamedTuple`'s class syntax (``class Fact(NamedTuple): …``)."""
        return collections.namedtuple(typename, [n for n, _ in fields or ()])

    NamedTuple.__mro_entries__ = lambda bases: (_Base,)
