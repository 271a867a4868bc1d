"""The merged default graph after a load that only adds is extended, not rewritten (issue 18),
and holds exactly what a full rewrite gives: the RDF merge of the named graphs, after an add, a
replacement and an unload, on embedded, in-memory and remote (Oxigraph server) stores."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kgraph import resources
from kgraph.build import open_store
from kgraph.loading import load, unload
from kgraph.store import OxigraphStore, RemoteStore, Store
from kgraph.terms import MERGED_GRAPH

ID = "https://kgraph.dev/id/"
KG = "https://kgraph.dev/ontology#"
Triple = tuple[Any, Any, Any]


def _merged(store: Store) -> set[Triple]:
    """The triples of the merged default graph, read from where the store keeps it."""
    if isinstance(store, OxigraphStore):
        return {
            (q.subject, q.predicate, q.object)  # type: ignore[misc]
            for q in store.raw.quads_for_pattern(None, None, None, ox.DefaultGraph())
        }
    assert isinstance(store, RemoteStore)
    rows = store._raw_select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{MERGED_GRAPH}> {{ ?s ?p ?o }} }}")
    return {(r["s"], r["p"], r["o"]) for r in rows}  # type: ignore[misc]


def _union(store: Store) -> set[Triple]:
    """The distinct triples of the named graphs, gathered here from the quads."""
    return {(q.subject, q.predicate, q.object) for q in store.quads()}  # type: ignore[misc]


def _check(store: Store) -> set[Triple]:
    """The merge equals the union of the named graphs, and a full rewrite changes nothing."""
    merged = _merged(store)
    assert merged == _union(store)
    store.refresh_merged()
    assert _merged(store) == merged
    return merged


class Calls:
    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.refresh = self.extend = 0
        refresh, extend = store.refresh_merged, store.extend_merged

        def counted_refresh() -> None:
            self.refresh += 1
            refresh()

        def counted_extend(graphs) -> None:  # type: ignore[no-untyped-def]
            self.extend += 1
            extend(graphs)

        monkeypatch.setattr(store, "refresh_merged", counted_refresh)
        monkeypatch.setattr(store, "extend_merged", counted_extend)


def _film(n: int) -> str:
    """A small Turtle file: one film, two performers (derivation adds castMember, actedIn, and a
    collaboration across sources), one line shared with every other such file (set semantics)."""
    return f"""@prefix kg: <{KG}> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{ID}work/f{n}> a kg:Film ; skos:prefLabel "Film {n}"@en .
<{ID}person/shared> a kg:Person ; skos:prefLabel "Shared Person"@en .
<{ID}person/p{n}> a kg:Person ; skos:prefLabel "Person {n}"@en .
<{ID}performance/f{n}-a> kg:performer <{ID}person/shared> ; kg:inWork <{ID}work/f{n}> .
<{ID}performance/f{n}-b> kg:performer <{ID}person/p{n}> ; kg:inWork <{ID}work/f{n}> ;
    kg:character [ a kg:Character ; skos:prefLabel "Role {n}"@en ] .
"""


def _nquads(n: int) -> str:
    """An N-Quads file with two graphs of its own (no blank nodes: the bulk loader may take it)."""
    g1, g2 = f"<{ID}graph/q{n}-one>", f"<{ID}graph/q{n}-two>"
    return (
        f'<{ID}work/q{n}> <{KG}year> "200{n}" {g1} .\n'
        f"<{ID}work/q{n}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Film> {g1} .\n"
        f"<{ID}person/shared> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Person> {g2} .\n"
    )


def _exercise(store: Store, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [tmp / "a.ttl", tmp / "b.ttl", tmp / "c.nq"]
    files[0].write_text(_film(1))
    files[1].write_text(_film(2))
    files[2].write_text(_nquads(3))
    load(store, [files[0]])
    first = _check(store)
    calls = Calls(store, monkeypatch)
    # adds: a new source (derivation writes into the inferred graph, which grows), then a
    # dataset file and a file of the bundled data, without derivation
    load(store, [files[1]])
    load(store, [files[2]], derive=False)
    load(store, [resources.data_files()[0]])
    assert (calls.extend, calls.refresh) == (3, 0)  # every add extended the merge
    added = _check(store)
    assert first < added
    collab = (ox.NamedNode(f"{ID}person/p2"), ox.NamedNode(KG + "collaboratedWith"))
    assert any(t[:2] == collab for t in added)  # a derived triple reached the merge
    # a replacement removes triples: the merge is rewritten, and loses them
    calls.refresh = calls.extend = 0
    files[1].write_text(_film(2).replace('"Film 2"', '"Film Two"'))
    load(store, [files[1]])
    assert calls.refresh == 1
    replaced = _check(store)
    film2 = (
        ox.NamedNode(f"{ID}work/f2"),
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
    )
    assert {t[2].value for t in replaced if t[:2] == film2} == {"Film Two"}
    # an unload: the shared person's type survives in c.nq's graph and the other film's
    unload(store, "b.ttl")
    unloaded = _check(store)
    assert not any(t[0] == ox.NamedNode(f"{ID}work/f2") for t in unloaded)
    shared = (ox.NamedNode(f"{ID}person/shared"), ox.NamedNode(KG + "collaboratedWith"))
    assert not any(t[:2] == shared and t[2] == ox.NamedNode(f"{ID}person/p2") for t in unloaded)
    assert (
        ox.NamedNode(f"{ID}person/shared"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(KG + "Person"),
    ) in unloaded


@pytest.mark.parametrize("kind", ["embedded", "memory"])
def test_incremental_merge_equals_full_refresh(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    store = open_store(
        str(tmp_path / "store") if kind == "embedded" else "memory:", read_only=False
    )
    try:
        _exercise(store, tmp_path, monkeypatch)
    finally:
        store.close()


@pytest.mark.parametrize("scan_writes", [False, True])
@pytest.mark.parametrize("name", ["c.nq", "c.nq.gz", "d.ttl", "d.ttl.gz"])
def test_bulk_loaded_file_goes_into_the_merge_directly(
    name: str, scan_writes: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A file the bulk loader writes (here any size: the thresholds are lowered) reaches the
    merge by a second bulk load of its triples, Turtle or N-Quads, plain or gzip'd; a dataset
    file's triples written out by the check pass, or read again afterwards."""
    import kgraph.loading

    monkeypatch.setattr(kgraph.loading, "BATCH", 1)
    monkeypatch.setattr(kgraph.loading, "_SCAN_TRIPLES_BYTES", 0 if scan_writes else 1 << 40)
    text = _nquads(3)
    if ".ttl" in name:  # the same triples, in the file's own graph
        text = text.replace(f" <{ID}graph/q3-one> .", " .").replace(f" <{ID}graph/q3-two> .", " .")
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    store = open_store(str(tmp_path / "store"), read_only=False)
    try:
        before = _check(store)
        calls = Calls(store, monkeypatch)
        report = load(store, [path], derive=False)
        assert report.files[0].quads == 3
        assert (calls.extend, calls.refresh) == (1, 0)
        after = _check(store)
        assert len(after - before) >= 3 + 4  # the file's triples and its source's record
    finally:
        store.close()


def test_a_failed_load_leaves_the_merge_whole(tmp_path: Path):
    store = open_store("memory:", read_only=False)
    good, bad = tmp_path / "a.ttl", tmp_path / "b.ttl"
    good.write_text(_film(1))
    bad.write_text(_film(2) + "\n<broken")
    load(store, [good])
    before = _check(store)
    with pytest.raises(Exception, match="b.ttl"):
        load(store, [bad])
    assert _check(store) == before


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    from servers import running, start_oxigraph

    for server in running(start_oxigraph, tmp_path_factory.mktemp("oxigraph")):
        yield RemoteStore(server.query_url, server.update_url)


@pytest.mark.slow
def test_incremental_merge_on_a_server(
    oxigraph: RemoteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _exercise(oxigraph, tmp_path, monkeypatch)


@pytest.mark.parametrize("scan_writes", [False, True])
@pytest.mark.parametrize("kind", ["embedded", "memory"])
@pytest.mark.parametrize("name", ["e.nq", "e.ttl.gz"])
def test_a_file_changed_after_its_check_loads_nothing(
    kind: str, name: str, scan_writes: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The bulk loader reads a file the check pass has just parsed leniently (IRIs and language
    tags not validated again); a file rewritten in between (here with an IRI holding a space,
    which only the strict parser refuses) is refused with one line, and nothing of it stays:
    neither its graphs nor the merge."""
    import kgraph.loading
    from kgraph.errors import InputError

    monkeypatch.setattr(kgraph.loading, "BATCH", 1)
    monkeypatch.setattr(kgraph.loading, "_SCAN_TRIPLES_BYTES", 0 if scan_writes else 1 << 40)
    text = _nquads(3)
    if ".ttl" in name:
        text = text.replace(f" <{ID}graph/q3-one> .", " .").replace(f" <{ID}graph/q3-two> .", " .")
    path = tmp_path / name

    def write(t: str) -> None:
        path.write_bytes(gzip.compress(t.encode()) if name.endswith(".gz") else t.encode())

    write(text)
    store = open_store(
        str(tmp_path / "store") if kind == "embedded" else "memory:", read_only=False
    )
    scan = kgraph.loading._scan

    def scan_then_change(*args: Any, **kwargs: Any) -> Any:
        result = scan(*args, **kwargs)
        write(text + "<urn:bad iri> <urn:p> <urn:o> .\n" * 3)
        return result

    try:
        before = _check(store)
        quads = sorted(map(str, store.quads()))
        monkeypatch.setattr(kgraph.loading, "_scan", scan_then_change)
        with pytest.raises(InputError, match="changed while it was being loaded") as err:
            load(store, [path], derive=False)
        assert "\n" not in str(err.value)
        assert sorted(map(str, store.quads())) == quads
        assert _check(store) == before
        assert not any("bad iri" in str(q) for q in store.raw)  # type: ignore[attr-defined]
    finally:
        store.close()


@pytest.mark.parametrize("name", ["f.nq", "f.ttl", "f.nq.gz"])
def test_the_lenient_bulk_load_gives_what_the_strict_parser_gives(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Valid input that the two parsers could normalise differently — escaped IRIs, upper-case
    language tags, non-canonical numbers, relative IRIs against the file's base — loads to the
    same quads and the same merge through the (lenient) bulk loader as through transactions."""
    import kgraph.loading

    graph = "" if name.endswith(".ttl") else f" <{ID}graph/g>"
    if name.endswith(".ttl"):
        text = (
            "@base <https://example.org/dir/> .\n"
            '<../a> <p> "x"@EN-GB ; <q> <#frag> , "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            '<http://example.org/\\u0041> <p> "\\u00e9\\t" .\n'
        )
    else:
        text = (
            f'<https://example.org/\\u0041> <https://example.org/p> "a"@EN-us{graph} .\n'
            f'<https://example.org/a> <https://example.org/p> "\\u00e9\\t"{graph} .\n'
            f"<https://example.org/a> <https://example.org/p> "
            f'"01"^^<http://www.w3.org/2001/XMLSchema#integer>{graph} .\n'
        )
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    results = []
    for batch in (1, 1 << 40):  # the bulk loader; transactions
        monkeypatch.setattr(kgraph.loading, "BATCH", batch)
        monkeypatch.setattr(kgraph.loading, "_SCAN_TRIPLES_BYTES", 0)
        store = open_store("memory:", read_only=False)
        bulk_loads: list[bool] = []
        real = store.bulk_load

        def counted(
            *args: Any, _log: list[bool] = bulk_loads, _real: Any = real, **kwargs: Any
        ) -> None:
            _log.append(kwargs.get("lenient", False))
            _real(*args, **kwargs)

        monkeypatch.setattr(store, "bulk_load", counted)
        load(store, [path], derive=False)
        # the ontology graph's blank nodes are labelled afresh in every store: left out
        quads = sorted(str(q) for q in store.quads() if "_:" not in str(q))
        merge = {t for t in _check(store) if not any(isinstance(x, ox.BlankNode) for x in t)}
        results.append((quads, merge, bulk_loads))
        store.close()
    (bulk, bulk_merge, lenient), (slow, slow_merge, strict) = results
    assert lenient == [True, True] and strict == []  # the file, then its merge; no bulk load
    assert bulk == slow and bulk_merge == slow_merge
    assert any("@en-gb" in q or "@en-us" in q for q in bulk)  # normalised the same way
