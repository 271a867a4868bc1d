"""What a cold ``kgraph ask`` compiles, compiled once per installation instead of once per call.

Two kinds of work are the same in every ``kgraph ask`` and are redone by every process:

- **Regular expressions.** CPython compiles a pattern in Python code (``re._parser`` and
  ``re._compiler``) into a list of integers, the program its C engine ``_sre`` runs; only
  ``re``'s in-process cache keeps it. A cold ask compiled some 80 patterns (the question
  cleaners, the phrasing table, the headers of saved queries, the glob of the cache, ...): 60 M
  of the 270 M instructions of the whole process, about 5 ms of its wall-clock time.
- **The ``__init__`` of record classes** (:mod:`kgraph.records` writes it as text and compiles
  it, as :mod:`dataclasses` does): about 2 ms for the eight classes an answer instantiates.

:func:`install` (called by the ``kgraph ask`` fast path of :mod:`kgraph.__main__` only; the
library never calls it, so a notebook's ``re`` is left alone) reads the cache file and wraps
``re._compiler.compile``, the function ``re`` calls for a pattern not in its own cache: a
program found in the file is handed to ``_sre.compile`` directly, one that is not is compiled as
usual and recorded. :func:`source` does the same for Python source text (code objects, kept
with :mod:`marshal`). :func:`save` writes the file when something new was recorded.

Safe by construction: the file's name carries the interpreter's version and the regular
expression engine's magic number (a file from another Python is never read), each entry carries
a CRC-32 of its key and contents, the engine checks a program before it runs it
(``_sre.compile`` refuses a malformed one), and anything unexpected falls back to the normal
compiler. Entries are decoded only when used: the file holds what every kind of question
needs (some 300 patterns, 450 KB), an answer uses a quarter of it. At most
:data:`MAX_ENTRIES` entries are kept: when a save would go past that, only what this process
used is written, so patterns made from data (a legend's source code) do not pile up.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any

MAX_ENTRIES = 2000

# "re": (pattern, flags) -> the arguments of _sre.compile after the pattern (flags, code,
# groups - 1, groupindex, indexgroup); "code": source text -> its code object; each value
# marshalled, behind the CRC-32 of key and value (see _pack). What the file held or this
# process compiled, and what this process used (kept alone when the file is past its bound).
_known: dict[str, dict[Any, bytes]] = {"re": {}, "code": {}}
_used: dict[str, dict[Any, bytes]] = {"re": {}, "code": {}}
_new = False
_path: str | None = None
_original: Any = None


# The interpreters whose re._compiler.compile _program mirrors (checked against each of them:
# the programs read back equal what re compiles); on any other, install does nothing.
VERSIONS = ((3, 11), (3, 12), (3, 13))


def _file(cache_dir: str) -> str | None:
    import _sre

    if sys.implementation.name != "cpython" or tuple(sys.version_info[:2]) not in VERSIONS:
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}"
    return os.path.join(cache_dir, f"startcache-{tag}.marshal")


def install(cache_dir: str) -> None:
    """Serve what is compiled from (and record what is new into) the cache file in ``cache_dir``."""
    global _path, _original
    import re._compiler as compiler  # type: ignore[import-not-found,unused-ignore]

    if _original is not None:
        return
    _path = _file(cache_dir)
    if _path is None:
        return
    for kind, table in _read(_path).items():
        _known[kind].update(table)
    _original = compiler.compile
    compiler.compile = _compile


def _read(path: str) -> dict[str, dict[Any, bytes]]:
    import marshal

    try:
        with open(path, "rb") as f:
            tables = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(tables, dict):
        return {}
    return {k: v for k, v in tables.items() if k in _known and isinstance(v, dict)}


def _pack(key: Any, value: Any) -> bytes:
    import marshal
    from binascii import crc32

    data = marshal.dumps(value)
    return b"%08x" % crc32(marshal.dumps(key) + data) + data


def _unpack(key: Any, blob: Any) -> Any:
    """The value packed for ``key``; ValueError when it is not what was packed."""
    import marshal
    from binascii import crc32

    if type(blob) is not bytes or len(blob) < 8:
        raise ValueError("not an entry")
    if int(blob[:8], 16) != crc32(marshal.dumps(key) + blob[8:]):
        raise ValueError("damaged entry")
    return marshal.loads(blob[8:])


def _compile(p: Any, flags: Any = 0) -> Any:
    global _new
    import _sre

    if type(p) not in (str, bytes) or flags & 128:  # re.DEBUG prints the program: not cached
        return _original(p, flags)
    key = (p, int(flags))
    hit = _known["re"].get(key)
    if hit is not None:
        try:
            pattern = _sre.compile(p, *_unpack(key, hit))
        except Exception:  # noqa: BLE001 - a bad entry: compiled again below
            del _known["re"][key]
        else:
            _used["re"][key] = hit
            return pattern
    try:
        args = _program(p, int(flags))
        pattern = _sre.compile(p, *args)
    except Exception:  # noqa: BLE001 - whatever went wrong, re's own compiler says it
        return _original(p, flags)
    _known["re"][key] = _used["re"][key] = _pack(key, args)
    _new = True
    return pattern


def _program(p: str | bytes, flags: int) -> tuple[Any, ...]:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` (CPython 3.11 to 3.13)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(p, flags)
    code = [int(c) for c in _compiler._code(parsed, flags)]  # opcodes are int subclasses
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    groups = parsed.state.groups - 1
    return int(flags | parsed.state.flags), code, groups, groupindex, tuple(indexgroup)


def source(text: str) -> CodeType:
    """``compile(text, "<string>", "exec")``: read back from the cache file once installed."""
    global _new
    hit = _known["code"].get(text)
    if hit is not None:
        try:
            code = _unpack(text, hit)
        except Exception:  # noqa: BLE001 - a bad entry: compiled again below
            code = None
        if type(code) is type(source.__code__):
            _used["code"][text] = hit
            return code  # type: ignore[no-any-return]
        del _known["code"][text]
    code = compile(text, "<string>", "exec")
    if _path is not None:
        _known["code"][text] = _used["code"][text] = _pack(text, code)
        _new = True
    return code


def save() -> None:
    """Write the cache file if this process compiled something it did not hold (never raises)."""
    global _new
    if not _new or _path is None:
        return
    import marshal

    size = sum(len(t) for t in _known.values())
    tables = _known if size <= MAX_ENTRIES else _used
    folder, name = os.path.split(_path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}")  # written whole or not at all
    try:
        data = marshal.dumps(tables)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, _path)
        _new = False
    except (OSError, ValueError):  # a read-only or missing cache: compile every time
        try:
            os.unlink(tmp)
        except OSError:
            pass


def uninstall() -> None:
    """Give ``re`` its own compiler back and forget both tables (for tests)."""
    global _original, _path, _new
    if _original is not None:
        import re._compiler as compiler  # type: ignore[import-not-found,unused-ignore]

        compiler.compile = _original
    _original = _path = None
    _new = False
    for t in (*_known.values(), *_used.values()):
        t.clear()
