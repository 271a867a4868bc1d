"""The streaming N-Triples/N-Quads export (an external merge sort over pyoxigraph's dump) gives
the same bytes as the in-memory export, whatever the run size, blank nodes included."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph.build import open_store
from kgraph.export import (
    _as_triples,
    _canonical,
    export,
    export_graphs,
    export_to,
    select_quads,
    write_nquads,
    write_ntriples,
)
from kgraph.linesort import sorted_lines

TRIG = """
@prefix ex: <https://example.org/> .
@prefix kg: <https://kgraph.dev/ontology#> .
ex:g1 {
  ex:a ex:name "Zoë" , "Ångström"@sv , "é" , "e" , "_:not a blank node" , "line\\nbreak" , "tab\\there" .
  ex:a ex:knows [ ex:name "anon" ; ex:knows [ ex:name "deeper" ] ] .
  ex:b ex:knows _:x . _:x ex:knows _:y . _:y ex:knows _:x .
  ex:a ex:n 1 , 2.5 , "2020"^^<http://www.w3.org/2001/XMLSchema#gYear> .
  ex:r ex:says <<( ex:a ex:knows ex:b )>> .
}
ex:g2 {
  ex:a ex:name "Zoë" .
  ex:c ex:name "😀 emoji" , "中文" .
  ex:b ex:knows _:z .
}
"""


@pytest.fixture()
def store(tmp_path: Path):
    s = open_store(str(tmp_path / "s"), read_only=False)
    s.raw.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    # and enough plain statements to need several runs with a small run size
    s.raw.extend(
        ox.Quad(
            ox.NamedNode(f"https://example.org/w{i % 997}"),
            ox.NamedNode(f"https://example.org/p{i % 7}"),
            ox.Literal(f"v{i}"),
            ox.NamedNode(f"https://example.org/g{1 + i % 3}"),
        )
        for i in range(20_000)
    )
    yield s
    s.close()


def _old(store, fmt: str, **kw) -> bytes:
    quads = select_quads(store, **kw)
    if fmt == "ntriples":
        return write_ntriples(_canonical(_as_triples(quads))).encode()
    return write_nquads(_canonical(quads)).encode()


@pytest.mark.parametrize("fmt", ["nquads", "ntriples"])
@pytest.mark.parametrize("run_bytes", [1 << 12, 1 << 30])
def test_same_bytes_as_the_in_memory_export(store, fmt, run_bytes):
    graphs = export_graphs(store)
    got = b"".join(sorted_lines(store, graphs, triples=fmt == "ntriples", run_bytes=run_bytes))
    want = _old(store, fmt)
    assert got == want
    assert got.count(b"\n") > 20_000 and b"_:c14n" in got


def test_one_graph_and_the_ontology(store):
    for kw in ({"graph": "https://example.org/g2"}, {"ontology": True}):
        assert export(store, "nquads", **kw) == _old(store, "nquads", **kw)
        assert export(store, "ntriples", **kw) == _old(store, "ntriples", **kw)


def test_export_to_a_file_streams_the_same_bytes(store, tmp_path: Path):
    [p] = export_to(store, None, tmp_path / "out.nq")
    assert p.read_bytes() == _old(store, "nquads")
    [p] = export_to(store, None, tmp_path / "out.nt")
    assert p.read_bytes() == _old(store, "ntriples")


def test_cli_export_to_stdout_streams_the_same_bytes(tmp_path: Path, kgraph_proc):
    store = open_store(str(tmp_path / "s"), read_only=False)
    store.raw.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    want = _old(store, "nquads")
    store.close()
    r = kgraph_proc("--store", str(tmp_path / "s"), "export", "--format", "nquads")
    assert r.code == 0 and r.stdout.encode() == want
