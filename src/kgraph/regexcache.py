"""Regular expressions compiled once per installation instead of once per ``kgraph ask``.

CPython compiles a regular expression in Python code (``re._parser`` and ``re._compiler``) into
a list of integers, the program its C engine ``_sre`` runs; only ``re``'s in-process cache
keeps it. A cold ``kgraph ask`` compiles some 80 patterns (the question cleaners, the phrasing
table, the headers of saved queries, the glob of the cache, ...): 60 M of the 270 M instructions
the whole process ran, about 5 ms of its wall-clock time (``benchmarks/cold_ask.py``).

:func:`install` (called by the ``kgraph ask`` fast path of :mod:`kgraph.__main__` only -- the
library never calls it) wraps ``re._compiler.compile``, the function ``re`` calls for every
pattern that is not in its own cache, so that a program found in the cache file is handed to
``_sre.compile`` directly, and one that is not is compiled as usual and recorded; :func:`save`
writes the file when something new was recorded. The engine checks a program before it runs it
(``_sre.compile`` refuses a malformed one), the file carries a CRC-32 of its contents, and its
name carries the interpreter's version and the engine's magic number, so a file from another
Python is never read; anything unexpected falls back to the normal compiler. At most
:data:`MAX_ENTRIES` patterns are kept: when a save would go past that, only the patterns this
process used are written (patterns made from data, e.g. a legend's source code, do not pile up).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from typing import Any

MAX_ENTRIES = 1000

# (pattern, flags) -> the arguments of _sre.compile after the pattern: (flags, code, groups - 1,
# groupindex, indexgroup); what the file held, and what this process compiled or used
_known: dict[tuple[Any, int], tuple[Any, ...]] = {}
_used: dict[tuple[Any, int], tuple[Any, ...]] = {}
_new = False
_path: str | None = None
_original: Any = None


def _file(cache_dir: str) -> str | None:
    import _sre

    if sys.implementation.name != "cpython":
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}"
    return os.path.join(cache_dir, f"regex-{tag}.marshal")


def install(cache_dir: str) -> None:
    """Serve fixed patterns from (and record new ones into) the cache file in ``cache_dir``."""
    global _path, _original
    import re._compiler as compiler  # type: ignore[import-not-found,unused-ignore]

    if _original is not None:
        return
    _path = _file(cache_dir)
    if _path is None:
        return
    _known.update(_read(_path))
    _original = compiler.compile
    compiler.compile = _compile


def _read(path: str) -> dict[tuple[Any, int], tuple[Any, ...]]:
    import marshal
    from binascii import crc32

    try:
        with open(path, "rb") as f:
            data = f.read()
        if len(data) < 8 or int(data[:8], 16) != crc32(data[8:]):
            return {}
        table = marshal.loads(data[8:])
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return table if isinstance(table, dict) else {}


def _compile(p: Any, flags: Any = 0) -> Any:
    global _new
    import _sre

    if type(p) not in (str, bytes) or flags & 128:  # re.DEBUG prints the program: not cached
        return _original(p, flags)
    key = (p, int(flags))
    hit = _known.get(key)
    if hit is not None:
        try:
            pattern = _sre.compile(p, *hit)
        except Exception:  # noqa: BLE001 - a bad entry: compiled again below
            del _known[key]
        else:
            _used[key] = hit
            return pattern
    args = _program(p, int(flags))
    pattern = _sre.compile(p, *args)
    _known[key] = _used[key] = args
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
    return (
        int(flags | parsed.state.flags),
        code,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def save() -> None:
    """Write the cache file if this process compiled a pattern it did not hold (never raises)."""
    global _new
    if not _new or _path is None:
        return
    import marshal
    from binascii import crc32

    table = _known if len(_known) <= MAX_ENTRIES else _used
    folder, name = os.path.split(_path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}")  # written whole or not at all
    try:
        data = marshal.dumps(table)
        with open(tmp, "wb") as f:
            f.write(b"%08x" % crc32(data) + data)
        os.replace(tmp, _path)
        _new = False
    except (OSError, ValueError):  # a read-only or missing cache: compile every time
        try:
            os.unlink(tmp)
        except OSError:
            pass


def uninstall() -> None:
    """Give ``re`` its own compiler back and forget the table (for tests)."""
    global _original, _path, _new
    if _original is not None:
        import re._compiler as compiler  # type: ignore[import-not-found,unused-ignore]

        compiler.compile = _original
    _original = _path = None
    _new = False
    _known.clear()
    _used.clear()
