"""`kgraph ingest --store http://…`: a live Oxigraph server holding the bundled graph.

The accepted facts land in the server as the article's source graph, the contradictions with
the bundled sources are found and listed by `conflicts`, ingesting again changes nothing, a
failure half-way puts every graph back, and `unload` takes the article out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import Server, running, start_oxigraph

from kgraph import resources
from kgraph.loading import load
from kgraph.store import RemoteStore

pytestmark = pytest.mark.slow  # a real Oxigraph server

DATA = Path(__file__).resolve().parent / "data" / "ingest"
SLATE = DATA / "02_ballerina_autumn_slate.txt"  # Min-ji for Min-hee, 13 October for 6 October
SRC = "https://kgraph.dev/id/source/article/02_ballerina_autumn_slate.txt"
S = "https://kgraph.dev/id/source/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An Oxigraph server holding the bundled graph, loaded with ``load``."""
    for s in running(start_oxigraph, tmp_path_factory.mktemp("oxigraph-ingest")):
        load(RemoteStore(s.query_url, s.update_url), resources.data_files())
        yield s


def _store(server: Server) -> RemoteStore:
    return RemoteStore(server.query_url, server.update_url)


def _quads(server: Server) -> set[ox.Quad]:
    # blank nodes: the ontology's one RDF list, skolemised by the remote store (stable IRIs)
    return set(_store(server).quads())


def test_cli_ingest_into_a_remote_store(server: Server, kgraph_proc):
    store = ["--store", server.query_url, "--update-url", server.update_url]
    before = _quads(server)
    r = kgraph_proc(*store, "ingest", str(SLATE), "--format", "json")
    assert r.code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["source"] == SRC and d["written"] > 0 and not d["unchanged"]
    facts = {
        (f["relation"], f["object"]["label"] if f["object"] else f["value"]): f for f in d["facts"]
    }
    assert {S + "s002", S + "s004"} <= set(facts[("release", "2023-10-13")]["conflicts_with"])
    assert S + "s001" in facts[("plays", "Min-ji")]["conflicts_with"]
    assert facts[("plays", "Ok-ju")]["conflicts_with"] == []

    # the facts landed in the article's graph, the known people linked, not duplicated
    s = _store(server)
    g = {"g": ox.NamedNode(SRC)}
    assert s.ask(
        "ASK { GRAPH ?g { ?x kg:performer person:jeon-jong-seo ; kg:inWork work:ballerina ;"
        " kg:character ?c } }",
        g,
    )
    assert s.ask(
        'ASK { GRAPH ?g { ?e kg:releaseOf work:ballerina ; kg:date "2023-10-13"^^xsd:date } }', g
    )
    assert s.ask(
        "ASK { GRAPH ?g { ?g kg:fileName ?n ; dcterms:identifier ?h ; prov:generatedAtTime ?t } }",
        g,
    )
    people = s.select('SELECT ?p WHERE { ?p skos:prefLabel "Jeon Jong-seo"@en }')
    assert [p["p"].value for p in people] == ["https://kgraph.dev/id/person/jeon-jong-seo"]
    # the derived shortcuts follow, and questions see the article
    assert s.ask("ASK { GRAPH ?g { work:ballerina kg:director person:lee-chung-hyun } }", g)
    r = kgraph_proc(*store, "ask", "when was Ballerina released?", "--format", "json")
    dates = {a["label"]: a["sources"] for a in json.loads(r.stdout)["answers"]}
    assert dates["2023-10-13"] == [SRC] and S + "s002" in dates["2023-10-06"]

    # listed by conflicts, with both sides
    r = kgraph_proc(*store, "conflicts")
    assert r.code == 0, r.stderr
    assert "Park Yu-rim plays Min-ji in Ballerina.  [02_ballerina_autumn_slate.txt]" in r.stdout
    assert "the character Park Yu-rim plays in Ballerina (contradiction)" in r.stdout

    # ingesting again changes nothing, quad for quad
    once = _quads(server)
    r = kgraph_proc(*store, "ingest", str(SLATE))
    assert r.code == 0 and f"unchanged: {SRC} already holds these facts" in r.stdout
    assert _quads(server) == once

    r = kgraph_proc(*store, "unload", SLATE.name)
    assert r.code == 0, r.stderr
    assert _quads(server) == before


def test_a_failure_half_way_puts_the_remote_store_back(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from kgraph.ingest import ingest

    first = tmp_path / "winter.txt"
    first.write_text("Park Yu-rim plays Ha-neul in Winter Pianist.", encoding="utf-8")
    ingest(_store(server), [first])
    before = _quads(server)
    first.write_text(
        "Park Yu-rim plays Ha-neul in Winter Pianist. Gray scored it.", encoding="utf-8"
    )
    calls = {"n": 0}
    real = RemoteStore.insert

    def failing(self, qs, batch=None):
        calls["n"] += 1
        if calls["n"] == 2:  # the second article's graph, after the first one's was written
            raise OSError("connection reset")
        return real(self, qs, batch)

    with monkeypatch.context() as m:
        m.setattr(RemoteStore, "insert", failing)
        with pytest.raises(OSError, match="connection reset"):
            ingest(_store(server), [SLATE, first])
    assert calls["n"] >= 2
    assert _quads(server) == before
    from kgraph.loading import unload

    unload(_store(server), first.name)
