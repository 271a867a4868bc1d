"""A new store backend is one class implementing :class:`kgraph.store.Store`: no special case
elsewhere. ``SparqlOnly`` implements only the abstract methods (by SPARQL on an inner store it
never exposes), so every capability runs its SPARQL default; loading the bundled graph into it and
using the library on it gives what the embedded store gives through its fast paths."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph import KnowledgeGraph, resources
from kgraph.errors import StoreError
from kgraph.querying import run_sparql
from kgraph.store import Bindings, Cancelled, OxigraphStore, Result, Store, collect
from kgraph.terms import ONTOLOGY_GRAPH


class SparqlOnly(Store):
    """A backend that speaks SPARQL and nothing else."""

    kind = "sparql-only"

    def __init__(self) -> None:
        self._inner = OxigraphStore()
        self.writable = True
        self.location = "sparql-only:"

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True) -> Result:
        return self._inner.query(sparql, bindings, union=union)

    def update(self, sparql: str) -> None:
        self._inner.update(sparql)

    def insert(self, quads: Iterable[ox.Quad], batch: int | None = None) -> int:
        return self._inner.insert(quads, batch)

    def refresh_merged(self) -> None:
        self._inner.refresh_merged()

    def clear_merged(self) -> None:
        self._inner.clear_merged()


@pytest.fixture(scope="module")
def pair() -> tuple[KnowledgeGraph, KnowledgeGraph]:
    """The bundled graph loaded into the embedded (in-memory) store and into SparqlOnly."""
    kgs = (
        KnowledgeGraph(OxigraphStore(), writable=True),
        KnowledgeGraph(SparqlOnly(), writable=True),
    )
    for kg in kgs:
        kg.load(resources.data_files())
    return kgs


def test_a_store_needs_the_abstract_methods():
    class Half(Store):
        def query(
            self, sparql: str, bindings: Bindings | None = None, *, union: bool = True
        ) -> Result:
            raise NotImplementedError

    with pytest.raises(TypeError, match="abstract"):
        Half()  # type: ignore[abstract]


def test_the_same_graphs_and_quads(pair):
    fast, slow = (kg.store for kg in pair)
    assert fast.named_graphs() == slow.named_graphs()
    assert len(fast) == len(slow) > 1000


def test_capabilities_agree(pair):
    fast, slow = (kg.store for kg in pair)
    assert fast.supports_bulk_load and not slow.supports_bulk_load
    assert fast.supports_dataset and not slow.supports_dataset
    assert fast.directory is None and slow.directory is None  # both in memory
    kg_ns = "https://kgraph.dev/ontology#"
    for pred in (kg_ns + "actedIn", kg_ns + "crewMember"):
        assert sorted(fast.pairs(pred)) == sorted(slow.pairs(pred))
        assert len(fast.pairs(pred, 3)) == len(slow.pairs(pred, 3)) == 3
    assert fast.has_graph(ONTOLOGY_GRAPH) and slow.has_graph(ONTOLOGY_GRAPH)
    assert not fast.has_graph("urn:x:none") and not slow.has_graph("urn:x:none")
    graphs = fast.named_graphs()[:3]

    def lines(store: Store) -> list[tuple[str, bytes]]:  # blank node labels differ by store
        return sorted(
            (g, re.sub(rb"_:\w+", b"_:b", line))
            for g, block in store.ntriples(graphs)
            for line in block.splitlines()
        )

    assert lines(fast) == lines(slow) != []


def test_exports_and_paths_agree(pair):
    fast, slow = pair
    for fmt in ("ntriples", "nquads", "turtle"):
        assert fast.export(fmt) == slow.export(fmt)
    a, b = "Jeon Jong-seo", "Park Yu-rim"
    assert fast.path(a, b).to_json() == slow.path(a, b).to_json()


def test_run_caps_rows_and_bytes_alike(pair):
    fast, slow = (kg.store for kg in pair)
    text = "SELECT ?s ?o WHERE { ?s skos:prefLabel ?o } ORDER BY ?s ?o"
    for caps in ({"limit": 5}, {"max_bytes": 400}, {"limit": 10_000}):
        assert fast.run(text, **caps) == slow.run(text, **caps)
    res, more = fast.run(text, limit=5)
    assert len(res.rows) == 5 and more
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 20"
    res, more = slow.run(construct, limit=4)
    assert (res.kind, len(res.triples), more) == ("graph", 4, True)
    assert run_sparql(slow, text, limit=3).rows == run_sparql(fast, text, limit=3).rows


def test_only_a_store_that_supports_it_takes_a_dataset(pair):
    fast, slow = (kg.store for kg in pair)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    res, _ = fast.run(q, default_graphs=[ONTOLOGY_GRAPH])
    assert 0 < int(res.rows[0]["n"].value) < len(fast)
    with pytest.raises(StoreError, match="dataset"):
        slow.run(q, default_graphs=[ONTOLOGY_GRAPH])


def test_a_cancelled_run_stops(pair):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        pair[0].store.run("SELECT * WHERE { ?s ?p ?o }", cancel=cancel)


def test_collect_is_the_one_row_conversion():
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x")))
    res, more = collect(s.query("SELECT ?s ?o ?unbound WHERE { ?s ?p ?o }"))
    assert (res.kind, res.variables, more) == ("select", ["s", "o", "unbound"], False)
    assert res.rows == [{"s": ox.NamedNode("urn:a"), "o": ox.Literal("x")}]
    assert collect(s.query("ASK { ?s ?p ?o }"))[0].boolean is True


def test_the_fallback_backends_leave_no_trace(tmp_path: Path):
    """The capabilities a SPARQL-only store lacks say so in one line, never half-do it."""
    store = SparqlOnly()
    with pytest.raises(StoreError, match="bulk loader"):
        store.bulk_load(ox.NamedNode("urn:g"), ox.RdfFormat.N_TRIPLES, tmp_path / "x.nt", None)
    with pytest.raises(StoreError):
        store.backup(tmp_path / "copy")
    assert len(store) == 0
