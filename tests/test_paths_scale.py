"""Scale check (the one slow test of the paths feature, about a minute): on a generated graph
of 100,000 works, the bidirectional store search finds the same path lengths as networkx on
the full projection, for 200 random pairs of people."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a 100,000-work graph

ROOT = Path(__file__).resolve().parent.parent
WORKS = 100_000


@pytest.mark.timeout(900)
def test_bidirectional_search_matches_networkx_on_100k_works():
    import networkx as nx
    import pyoxigraph as ox

    from kgraph import paths
    from kgraph.errors import NoPath
    from kgraph.store import OxigraphStore

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))

    store = OxigraphStore()  # in memory
    store.raw.bulk_load(generate.stream(WORKS, seed=7), format=ox.RdfFormat.N_QUADS)
    films = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?w a ?c VALUES ?c { kg:Film kg:TVSeries } }"
    )
    assert int(films[0]["n"].value) == WORKS

    worked_on = ox.NamedNode("https://kgraph.dev/ontology#workedOn")
    edges = [
        (q.subject.value, q.object.value)
        for q in store.raw.quads_for_pattern(None, worked_on, None)
    ]
    full = nx.Graph(edges)
    people = sorted({p for p, _ in edges})
    del edges
    assert len(people) > 100_000

    rng = random.Random(2026)
    reached = 0
    for _ in range(200):
        a, b = rng.sample(people, 2)
        try:
            expected = nx.shortest_path_length(full, a, b) // 2
        except nx.NetworkXNoPath:
            expected = None
        try:
            r = paths.path(store, a, b, engine="store", max_hops=50)
            got = r.hops
            assert len(r.paths[0]) == 2 * got + 1
        except NoPath:
            got = None
        assert got == expected, (a, b)
        reached += got is not None
    assert reached >= 150  # the generated graph is mostly one component
