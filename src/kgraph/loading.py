"""Adding RDF to a store: one file per named graph, atomically, for every kind of store."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .store import OxigraphStore, Store


def _nt(term: object) -> str:
    return str(term)


def insert_quads(store: Store, quads: Iterable[ox.Quad], batch: int = 5000) -> int:
    """Add quads to any store; embedded stores in one transaction, remote ones by INSERT DATA."""
    if isinstance(store, OxigraphStore):
        qs = list(quads)
        store.raw.extend(qs)
        return len(qs)
    n = 0
    chunk: list[ox.Quad] = []

    def flush() -> None:
        by_graph: dict[str, list[str]] = {}
        for q in chunk:
            g = "" if isinstance(q.graph_name, ox.DefaultGraph) else _nt(q.graph_name)
            by_graph.setdefault(g, []).append(f"{_nt(q.subject)} {_nt(q.predicate)} {_nt(q.object)} .")
        body = []
        for g, triples in by_graph.items():
            inner = "\n".join(triples)
            body.append(f"GRAPH {g} {{\n{inner}\n}}" if g else inner)
        store.update("INSERT DATA {\n" + "\n".join(body) + "\n}")

    for q in quads:
        chunk.append(q)
        n += 1
        if len(chunk) >= batch:
            flush()
            chunk = []
    if chunk:
        flush()
    return n
