"""The Virtuoso column of ``benchmarks/bench_scale.py``: IMDb files converted by kgraph, bulk-loaded
by Virtuoso's own loader with kgraph's records, make a store that kgraph recognises as its own and
that answers the questions exactly as ``import-imdb`` into an embedded store does.

Real Virtuoso (``virtuoso-t``, as tests/servers.py requires it), real generated IMDb files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kgraph import KnowledgeGraph
from kgraph.imdb import import_imdb, source_name
from kgraph.store import OxigraphStore, RemoteStore
from kgraph.terms import INFERRED_GRAPH

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_scale
import generate

pytestmark = pytest.mark.slow

COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _counts(kg: KnowledgeGraph) -> dict[str, int]:
    return {r["g"].value: int(r["n"].value) for r in kg.sparql(COUNT).rows}


def _json(answer: object) -> object:
    if isinstance(answer, list):
        return [_json(x) for x in answer]
    return answer.to_json()  # type: ignore[attr-defined]


def test_bulk_loaded_virtuoso_answers_as_the_embedded_import(tmp_path: Path) -> None:
    imdb = tmp_path / "imdb"
    generate.imdb(imdb, 300)
    embedded = OxigraphStore()
    import_imdb(embedded, imdb)

    nt = tmp_path / "nt"
    nt.mkdir()
    conv = bench_scale.step_convert(str(imdb), str(nt), "1")
    assert conv["rows"] > 300 and conv["skipped"] == 0
    assert len(conv["chunks"]) >= 2  # a chunk ends at a line's end: the loader parses each
    assert sum(Path(p).stat().st_size for p in conv["chunks"]) == conv["bytes"]
    rec = bench_scale.step_records(str(imdb), str(nt), str(nt / source_name(imdb)))
    assert rec["graph"] == f"https://kgraph.dev/id/source/file/{source_name(imdb)}"
    files = {p: rec["graph"] for p in conv["chunks"]} | rec["files"]

    server = bench_scale.Virtuoso(tmp_path / "db", [nt], buffers=20_000)
    try:
        load = bench_scale.virtuoso_load(server, files)
        assert not any(Path(p).exists() for p in files)  # loaded, then deleted
        assert load["files"] == len(files)
        remote = RemoteStore(server.url)
        # kgraph takes it for one of its stores: the same graphs as the embedded import's
        assert set(remote.managed_graphs()) == set(embedded.named_graphs()) | {INFERRED_GRAPH}
        local, far = KnowledgeGraph(embedded), KnowledgeGraph(server.url)
        assert _counts(far) == _counts(local)
        assert bench_scale._count(server.url, rec["graph"]) == _counts(local)[rec["graph"]]

        who = bench_scale.step_pick(server.url)
        assert who == bench_scale.pick(embedded)
        questions = {
            "co-stars": lambda kg: kg.ask(f"co-stars of {who['a_label']}"),
            "shared": lambda kg: kg.shared(f"<{who['a']}>", f"<{who['b']}>"),
            "card": lambda kg: kg.show(f"<{who['a']}>"),
            "search": lambda kg: kg.search(who["a_label"]),
        }
        for name, question in questions.items():
            a, b = question(local), question(far)
            assert bench_scale._size(a) == bench_scale._size(b), name
            assert _json(a) == _json(b), name
        assert (
            local.path(f"<{who['a']}>", f"<{who['far']}>").hops
            == far.path(f"<{who['a']}>", f"<{who['far']}>").hops
        )
    finally:
        server.stop()
    assert server.proc.returncode is not None
