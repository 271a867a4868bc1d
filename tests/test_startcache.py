"""kgraph.startcache: what a cold ask compiles (regular expressions, record classes' ``__init__``),
compiled once and read back after.

A pattern served from the file must be the very program ``re`` would compile (CPython's
``Pattern.__eq__`` compares the flags, the pattern and the engine's code), and a file that is
damaged, from another interpreter or unwritable must change nothing but the speed.
"""

from __future__ import annotations

import os
import re
import re._parser
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgraph import startcache

PATTERNS = [
    (r"^(?P<who>.+?) in (?:the )?(?P<work>.+?)$", re.IGNORECASE),
    (r"\b(?:how many|before|after)\b|^(?:did|does)\b", 0),
    (r"[\-‐‑‒–—'’`´.·]", 0),
    (r"(?<=[aeiou])r(?=[^aeiouy]|$)", 0),
    (r"([^aeiou])\1+", 0),
    (rb"^#\s*(name|param)\s*:\s*(.*?)\s*$", re.MULTILINE),
    (r"(?x) a  b  # verbose", re.UNICODE),
]


@pytest.fixture()
def cache(tmp_path: Path) -> Iterator[Path]:
    startcache.uninstall()
    re.purge()  # re's own in-process cache would answer before the hook is asked
    yield tmp_path
    startcache.uninstall()
    re.purge()


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []
    real = re._parser.parse
    monkeypatch.setattr(re._parser, "parse", lambda p, *a: seen.append(p) or real(p, *a))
    return seen


def _reference(p: str | bytes, flags: int) -> re.Pattern:  # type: ignore[type-arg]
    startcache.uninstall()
    re.purge()
    return re.compile(p, flags)


def test_a_pattern_read_back_is_the_one_re_compiles(cache, monkeypatch) -> None:
    startcache.install(str(cache))
    first = [re.compile(p, f) for p, f in PATTERNS]
    startcache.save()
    startcache.uninstall()
    re.purge()
    parses = _parses(monkeypatch)
    startcache.install(str(cache))
    again = [re.compile(p, f) for p, f in PATTERNS]
    assert parses == []  # every one came from the file
    monkeypatch.undo()
    for (p, f), a, b in zip(PATTERNS, first, again, strict=True):
        ref = _reference(p, f)
        assert a == ref and b == ref  # same flags, pattern and engine code
        assert (b.groups, b.groupindex, b.flags) == (ref.groups, ref.groupindex, ref.flags)
    m = again[0].match("Who played OK-JU in the Ballerina")
    assert m is not None and m.group("work") == "Ballerina"
    assert again[4].sub(r"\1", "kkimm") == "kim"


def test_only_new_patterns_write_the_file(cache) -> None:
    startcache.install(str(cache))
    re.compile("abc")
    startcache.save()
    (path,) = cache.iterdir()
    assert path.name.startswith(f"startcache-{__import__('sys').implementation.cache_tag}-")
    stamp = path.stat().st_mtime_ns
    startcache.uninstall()
    re.purge()
    startcache.install(str(cache))
    re.compile("abc")
    startcache.save()
    assert path.stat().st_mtime_ns == stamp  # nothing new: not written again


def _flip_every_entry(b: bytes) -> bytes:
    import marshal

    tables = marshal.loads(b)
    for table in tables.values():
        for key, blob in table.items():
            table[key] = blob[:-1] + bytes([blob[-1] ^ 1])  # its CRC-32 no longer matches
    return marshal.dumps(tables)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # torn
        _flip_every_entry,
        lambda b: b"",
        lambda b: b"not a table at all",
        lambda b: __import__("marshal").dumps([1, 2, 3]),
    ],
)
def test_a_damaged_file_is_ignored_and_replaced(cache, monkeypatch, damage) -> None:
    startcache.install(str(cache))
    for p, f in PATTERNS:
        re.compile(p, f)
    startcache.save()
    startcache.uninstall()
    re.purge()
    (path,) = cache.iterdir()
    path.write_bytes(damage(path.read_bytes()))
    parses = _parses(monkeypatch)
    startcache.install(str(cache))
    got = [re.compile(p, f) for p, f in PATTERNS]
    assert len(parses) == len(PATTERNS)  # compiled as usual
    startcache.save()
    monkeypatch.undo()
    assert got == [_reference(p, f) for p, f in PATTERNS]
    startcache.install(str(cache))
    assert len(startcache._known["re"]) == len(PATTERNS)  # the rewritten file is whole again


@pytest.mark.parametrize("at", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_a_flipped_bit_anywhere_never_gives_a_wrong_pattern(cache, at) -> None:
    """Wherever the damage is, each pattern is either read back whole or compiled again."""
    startcache.install(str(cache))
    for p, f in PATTERNS:
        re.compile(p, f)
    startcache.save()
    startcache.uninstall()
    re.purge()
    (path,) = cache.iterdir()
    b = path.read_bytes()
    i = int(len(b) * at)
    path.write_bytes(b[:i] + bytes([b[i] ^ 4]) + b[i + 1 :])
    startcache.install(str(cache))
    got = [re.compile(p, f) for p, f in PATTERNS]
    assert got == [_reference(p, f) for p, f in PATTERNS]


def test_a_bad_entry_falls_back_to_the_compiler(cache) -> None:
    startcache.install(str(cache))
    key = ("x+", 0)
    startcache._known["re"][key] = startcache._pack(key, (32, [1, 2, 3], 0, {}, (None,)))
    assert re.compile("x+").fullmatch("xxx")  # the engine refused the program: compiled anew
    assert startcache._unpack(key, startcache._known["re"][key])[1] != [1, 2, 3]


def test_an_unwritable_cache_changes_nothing(tmp_path, cache) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    startcache.install(str(missing))
    assert re.compile(r"a(b)c").match("abc")
    startcache.save()  # never raises
    assert not missing.exists() and not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_debug_and_parsed_patterns_pass_through(cache, capsys) -> None:
    startcache.install(str(cache))
    re.compile("ab+", re.DEBUG)
    assert "LITERAL" in capsys.readouterr().out  # re.DEBUG still prints the program
    assert ("ab+", int(re.DEBUG)) not in startcache._known["re"]


def test_the_file_is_bounded(cache, monkeypatch) -> None:
    monkeypatch.setattr(startcache, "MAX_ENTRIES", 5)
    startcache.install(str(cache))
    for i in range(8):
        re.compile(f"old{i}")
    startcache.save()
    startcache.uninstall()
    re.purge()
    startcache.install(str(cache))
    assert len(startcache._known["re"]) == 8  # what one process used is kept whole
    re.compile("new")
    startcache.save()
    startcache.uninstall()
    startcache.install(str(cache))
    assert (
        set(startcache._known["re"]) == {("new", 0)} and not startcache._known["code"]
    )  # past the bound: only what was used


def test_source_code_is_compiled_once(cache, monkeypatch) -> None:
    text = "def f(x, y=2):\n    return x * y\n"
    startcache.install(str(cache))
    first = startcache.source(text)
    startcache.save()
    startcache.uninstall()
    compiled: list[str] = []
    monkeypatch.setattr(
        startcache, "compile", lambda *a: compiled.append(a[0]) or compile(*a), raising=False
    )
    startcache.install(str(cache))
    again = startcache.source(text)
    assert compiled == [] and again == first  # read back, the same code
    scope: dict[str, object] = {}
    exec(again, scope)  # noqa: S102 - our own text
    assert scope["f"](3) == 6  # type: ignore[operator]
    startcache.uninstall()
    startcache.source(text)  # not installed: compiled, and nothing kept
    assert compiled == [text] and not startcache._known["code"]


def test_a_record_class_built_from_cached_code_behaves_the_same(cache) -> None:
    from kgraph.records import field, record

    def make() -> type:
        @record(frozen=True)
        class Point:
            x: int
            y: int = 0
            tags: list[str] = field(default_factory=list, repr=False)

        return Point

    startcache.install(str(cache))
    make()(1)
    startcache.save()
    startcache.uninstall()
    startcache.install(str(cache))
    Point = make()
    p = Point(1, y=2)
    assert repr(p).endswith(".Point(x=1, y=2)") and p.tags == [] and p == Point(1, 2, [])
    assert len(startcache._used["code"]) == 1  # its __init__ came from the file
    with pytest.raises(TypeError):
        Point()


def test_other_interpreters_and_errors_are_left_to_re(cache, monkeypatch) -> None:
    import re._compiler  # type: ignore[import-not-found,unused-ignore]

    before = re._compiler.compile
    monkeypatch.setattr("sys.version_info", (3, 99, 0))  # a version _program was not checked on
    startcache.install(str(cache))
    assert re._compiler.compile is before and re.compile("a+b").match("aab")
    monkeypatch.undo()
    startcache.install(str(cache))
    with pytest.raises(re.error, match="missing \\)"):  # re's own error, not the cache's
        re.compile("(unclosed")
    monkeypatch.setattr(startcache, "_program", lambda p, f: 1 / 0)  # should it ever break
    assert re.compile("c+d").fullmatch("ccd")
    assert ("c+d", 0) not in startcache._known["re"]


def test_the_library_never_installs_it() -> None:
    """Only the `kgraph ask` program does; importing and using kgraph leaves `re` alone."""
    import re._compiler  # type: ignore[import-not-found,unused-ignore]

    from kgraph import KnowledgeGraph

    before = re._compiler.compile
    KnowledgeGraph().ask("co-stars of Jeon Jong-seo")
    assert re._compiler.compile is before
    assert os.environ.get("KGRAPH_CACHE_DIR")  # the session's cache, never the user's
