"""Values derived from a frozen store (ask's fact index, the name index) are kept beside it.

A content-addressed store of kgraph's cache never changes once installed, so the next process
reads what the last one derived instead of deriving it again (most of a cold ``kgraph ask``).
These tests hold what that must never cost: a different answer, a stale file after the code or
a setting changed, a crash on a damaged or unwritable file, or files left behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph import build, linking
from kgraph.factbase import _facts, facts_of
from kgraph.kg import KnowledgeGraph
from kgraph.store import OxigraphStore, forget_all_derived

QUESTIONS = ["co-stars of Jeon Jong-seo", "Who directed Ballerina?", "films of Kim Ji-hoon"]


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(tmp_path))
    build.build()
    return tmp_path


def _side_files(cache: Path) -> list[str]:
    return sorted(
        p.name.split(".", 1)[1].split("-", 1)[0] for p in (cache / "derived").glob("store-*.pickle")
    )


def _answers(kg: KnowledgeGraph) -> list[dict]:
    return [kg.ask(q).to_json() for q in QUESTIONS]


def test_a_frozen_store_keeps_its_indexes_beside_it_and_answers_the_same(cache):
    first = KnowledgeGraph()
    assert first.store.frozen is not None
    before = _answers(first)
    assert _side_files(cache) == ["facts", "names"]
    first.close()
    forget_all_derived()
    second = KnowledgeGraph()
    assert _answers(second) == before  # read from the files, not derived again
    second.close()


def test_the_files_are_read_not_derived_again(cache, monkeypatch):
    kg = KnowledgeGraph()
    fb = facts_of(kg.store)
    kg.close()
    forget_all_derived()

    def refuse(store):
        raise AssertionError("derived again although a file was there")

    monkeypatch.setattr(_facts, "_build", refuse)  # the per-store cache behind facts_of
    kg = KnowledgeGraph()
    again = facts_of(kg.store)
    assert again is not fb and again.triples == fb.triples and again.labels == fb.labels
    # the name index gets its store back: it can still read from it
    assert linking.resolve(kg.store, "Jeon Jong-seo").iri.endswith("/jeon-jong-seo")
    kg.close()


def test_a_changed_setting_is_never_read_from_an_old_file(cache, monkeypatch):
    kg = KnowledgeGraph()
    assert linking._matcher(kg.store).full is not None
    kg.close()
    forget_all_derived()
    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
    kg = KnowledgeGraph()
    assert linking._matcher(kg.store).full is None  # a small limit: no full index
    assert len(list((cache / "derived").glob("store-*.names-*.pickle"))) == 2
    kg.close()
    forget_all_derived()


def test_a_damaged_file_is_derived_again(cache):
    kg = KnowledgeGraph()
    before = _answers(kg)
    kg.close()
    forget_all_derived()
    for p in (cache / "derived").glob("store-*.pickle"):
        p.write_bytes(b"\x80\x05 not a pickle")
    kg = KnowledgeGraph()
    assert _answers(kg) == before
    kg.close()
    assert all(
        p.read_bytes()[:2] != b"\x80\x05 " for p in (cache / "derived").glob("store-*.pickle")
    )


def test_an_unwritable_cache_still_answers(cache, monkeypatch):
    for p in (cache / "derived").glob("store-*.pickle"):
        p.unlink()
    forget_all_derived()

    def refuse(src, dst):  # as a read-only cache does (chmod does not stop root)
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr("kgraph.store.os.replace", refuse)
    kg = KnowledgeGraph()
    assert kg.ask(QUESTIONS[0]).answers
    kg.close()
    assert not list(cache.rglob("*.pickle*")) and not list(cache.rglob(".*pickle*"))


def test_stores_that_can_change_keep_nothing_on_disk(tmp_path):
    for store in (OxigraphStore(), OxigraphStore(tmp_path / "mine")):
        build.compile_into(store)
        facts_of(store)
        linking._matcher(store)
        assert store.frozen is None
        store.close()
    assert not list(tmp_path.rglob("*.pickle"))


def test_the_files_go_with_their_store(cache):
    kg = KnowledgeGraph()
    _answers(kg)
    path = kg.store.frozen
    kg.close()
    forget_all_derived()
    assert path is not None and _side_files(cache)
    build._discard(path)
    assert not path.exists() and not list((cache / "derived").glob("store-*.pickle"))


def test_a_derived_value_lives_as_long_as_its_store_and_no_longer() -> None:
    """PerStore holds its stores weakly (as weakref.WeakKeyDictionary would): a value is built
    once per store, kept while the store lives, dropped when it goes or is forgotten."""
    import gc

    from kgraph.store import PerStore, forget_derived

    built: list[int] = []
    sizes = PerStore(lambda s: built.append(id(s)) or [len(s)])
    a, b = OxigraphStore(), OxigraphStore()
    first = sizes(a)
    assert sizes(a) is first and sizes(b) is not first and len(built) == 2
    forget_derived(a)
    assert sizes(a) is not first and len(built) == 3  # forgotten: built again
    alive = len(sizes._cache._items)
    del a
    gc.collect()
    assert len(sizes._cache._items) == alive - 1  # its entry went with it
    assert sizes(b) == [0] and len(built) == 3
    forget_all_derived()
    assert not sizes._cache._items
