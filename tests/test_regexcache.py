"""kgraph.regexcache: the ask path's regular expressions, compiled once and read back after.

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

from kgraph import regexcache

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
    regexcache.uninstall()
    re.purge()  # re's own in-process cache would answer before the hook is asked
    yield tmp_path
    regexcache.uninstall()
    re.purge()


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    seen: list[object] = []
    real = re._parser.parse
    monkeypatch.setattr(re._parser, "parse", lambda p, *a: seen.append(p) or real(p, *a))
    return seen


def _reference(p: str | bytes, flags: int) -> re.Pattern:  # type: ignore[type-arg]
    regexcache.uninstall()
    re.purge()
    return re.compile(p, flags)


def test_a_pattern_read_back_is_the_one_re_compiles(cache, monkeypatch) -> None:
    regexcache.install(str(cache))
    first = [re.compile(p, f) for p, f in PATTERNS]
    regexcache.save()
    regexcache.uninstall()
    re.purge()
    parses = _parses(monkeypatch)
    regexcache.install(str(cache))
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
    regexcache.install(str(cache))
    re.compile("abc")
    regexcache.save()
    (path,) = cache.iterdir()
    assert path.name.startswith(f"regex-{__import__('sys').implementation.cache_tag}-")
    stamp = path.stat().st_mtime_ns
    regexcache.uninstall()
    re.purge()
    regexcache.install(str(cache))
    re.compile("abc")
    regexcache.save()
    assert path.stat().st_mtime_ns == stamp  # nothing new: not written again


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:8] + b[8:-3],  # torn
        lambda b: b[:20] + bytes([b[20] ^ 1]) + b[21:],  # a flipped bit: the CRC-32 catches it
        lambda b: b"00000000" + b[8:],
        lambda b: b"",
        lambda b: b"not a table at all",
    ],
)
def test_a_damaged_file_is_ignored_and_replaced(cache, monkeypatch, damage) -> None:
    regexcache.install(str(cache))
    for p, f in PATTERNS:
        re.compile(p, f)
    regexcache.save()
    regexcache.uninstall()
    re.purge()
    (path,) = cache.iterdir()
    path.write_bytes(damage(path.read_bytes()))
    parses = _parses(monkeypatch)
    regexcache.install(str(cache))
    got = [re.compile(p, f) for p, f in PATTERNS]
    assert len(parses) == len(PATTERNS)  # compiled as usual
    regexcache.save()
    monkeypatch.undo()
    assert got == [_reference(p, f) for p, f in PATTERNS]
    regexcache.install(str(cache))
    assert len(regexcache._known) == len(PATTERNS)  # the rewritten file is whole again


def test_a_bad_entry_falls_back_to_the_compiler(cache) -> None:
    regexcache.install(str(cache))
    regexcache._known[("x+", 0)] = (32, [1, 2, 3], 0, {}, (None,))  # not a valid program
    assert re.compile("x+").fullmatch("xxx")
    assert regexcache._known[("x+", 0)][1] != [1, 2, 3]


def test_an_unwritable_cache_changes_nothing(tmp_path, cache) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    regexcache.install(str(missing))
    assert re.compile(r"a(b)c").match("abc")
    regexcache.save()  # never raises
    assert not missing.exists() and not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_debug_and_parsed_patterns_pass_through(cache, capsys) -> None:
    regexcache.install(str(cache))
    re.compile("ab+", re.DEBUG)
    assert "LITERAL" in capsys.readouterr().out  # re.DEBUG still prints the program
    assert ("ab+", int(re.DEBUG)) not in regexcache._known


def test_the_file_is_bounded(cache, monkeypatch) -> None:
    monkeypatch.setattr(regexcache, "MAX_ENTRIES", 5)
    regexcache.install(str(cache))
    for i in range(8):
        re.compile(f"old{i}")
    regexcache.save()
    regexcache.uninstall()
    re.purge()
    regexcache.install(str(cache))
    assert len(regexcache._known) == 8  # what one process used is kept whole
    re.compile("new")
    regexcache.save()
    regexcache.uninstall()
    regexcache.install(str(cache))
    assert set(regexcache._known) == {("new", 0)}  # past the bound: only what was used


def test_the_library_never_installs_it() -> None:
    """Only the `kgraph ask` program does; importing and using kgraph leaves `re` alone."""
    import re._compiler  # type: ignore[import-not-found,unused-ignore]

    from kgraph import KnowledgeGraph

    before = re._compiler.compile
    KnowledgeGraph().ask("co-stars of Jeon Jong-seo")
    assert re._compiler.compile is before
    assert os.environ.get("KGRAPH_CACHE_DIR")  # the session's cache, never the user's
