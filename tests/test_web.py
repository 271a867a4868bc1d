"""The explorer's pages over HTTP, without a browser: every entity has a page, bad input gets a
clear answer, the JSON the scripts read has the shape they expect."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kgraph.entitygraph import entity_graph
from kgraph.server import ServerConfig, SparqlServer
from kgraph.terms import compact


@pytest.fixture(scope="module")
def base(kg):
    _ = kg.store
    with SparqlServer(ServerConfig(port=0, workers=2, timeout=30), store=None) as srv:
        yield srv.base


def get(url: str) -> tuple[int, str, str]:
    req = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers["Content-Type"], r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


@pytest.mark.slow
def test_every_entity_and_source_has_a_page(base, store):
    eg = entity_graph(store)
    iris = [n.iri for n in eg.nodes] + [
        r["s"].value for r in store.select("SELECT ?s WHERE { ?s a kg:Source }")
    ]
    for iri in iris:
        status, ctype, page = get(base + "/entity/" + urllib.parse.quote(compact(iri), safe=":/"))
        assert status == 200 and ctype.startswith("text/html"), (iri, page[:200])
        assert "<h1>" in page and "Traceback" not in page
    # a full IRI works as well as the prefixed name
    status, _c, page = get(base + "/entity/" + urllib.parse.quote(iris[0], safe=":/"))
    assert status == 200


def test_unknown_entity_and_bad_requests(base):
    status, _c, body = get(base + "/entity/person:nobody-at-all")
    assert status == 404 and "nobody-at-all" in body and body.count("\n") == 1
    status, _c, body = get(base + "/entity/person:jeon-jong-seo?format=xml")
    assert status == 406
    status, _c, body = get(base + "/api/neighbours")
    assert status == 400
    status, _c, body = get(base + "/nowhere/at/all")
    assert status == 404


def test_ask_box_says_when_it_cannot_answer(base):
    status, _c, page = get(
        base + "/?" + urllib.parse.urlencode({"ask": "what is the meaning of life"})
    )
    assert status == 200 and 'class="answer none"' in page


def test_search_json(base):
    status, ctype, body = get(base + "/api/search?q=park")
    assert status == 200 and ctype == "application/json"
    labels = [h["label"] for h in json.loads(body)]
    assert {"Park Yu-rim", "Park Shin-hye"} <= set(labels)
    assert all(h["url"].startswith("/entity/") for h in json.loads(body))
    assert json.loads(get(base + "/api/search?q=")[2]) == []


def test_construct_and_select_json(base):
    q = "CONSTRUCT { work:ballerina kg:director ?d } WHERE { work:ballerina kg:director ?d }"
    status, _c, body = get(base + "/api/sparql?" + urllib.parse.urlencode({"query": q}))
    res = json.loads(body)
    assert status == 200 and res["kind"] == "graph" and res["triples"] == 1
    assert {n["label"] for n in res["graph"]["nodes"]} == {"Ballerina", "Lee Chung-hyun"}
    q = "SELECT DISTINCT ?d WHERE { work:ballerina kg:director ?d }"
    res = json.loads(get(base + "/api/sparql?" + urllib.parse.urlencode({"query": q}))[2])
    assert res["rows"] == [
        {
            "d": {
                "type": "uri",
                "value": "https://kgraph.dev/id/person/lee-chung-hyun",
                "curie": "person:lee-chung-hyun",
                "label": "Lee Chung-hyun",
                "url": "/entity/person:lee-chung-hyun",
            }
        }
    ]
    status, _c, body = get(base + "/api/sparql?" + urllib.parse.urlencode({"query": "SELECT"}))
    assert status == 400 and "syntax error" in body


def test_entity_exports_parse(base):
    import rdflib

    # Turtle: the triples; JSON-LD: the same, each in its source's named graph
    for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        status, _c, body = get(base + f"/entity/person:jeon-jong-seo?format={fmt}")
        assert status == 200
        g = rdflib.Dataset(default_union=True)
        g.parse(data=body, format=parser)
        jeon = rdflib.URIRef("https://kgraph.dev/id/person/jeon-jong-seo")
        assert (jeon, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None) in g
        # the performances pointing at her come with her
        assert any("performance/" in str(s) for s in g.subjects())


@pytest.mark.slow
def test_local_neighbourhood_is_the_entity_graphs(store):
    """Entity pages read only the store around the entity (a few queries on any store size), and
    get exactly the neighbourhood the whole entity graph has."""
    from kgraph.web.pages import local_graph

    eg = entity_graph(store)
    for n in eg.nodes:
        whole = eg.neighbourhood(n.iri, 1)
        local = local_graph(store, n.iri)
        assert {x.iri for x in local.nodes} == {x.iri for x in whole.nodes}, n.iri
        key = lambda e: (e.source, e.target, e.predicate, e.work, e.sources)
        assert sorted(map(key, local.edges)) == sorted(map(key, whole.edges)), n.iri
        mine = local.node(n.iri)
        assert mine is not None and mine.facts == n.facts and mine.cls == n.cls


def test_a_big_store_is_not_drawn_whole(store, monkeypatch):
    """Above BIG_STORE quads the whole-graph view asks for an entity instead of reading every
    quad; the focus view still draws, reading only around the entity."""
    from kgraph.web import pages

    assert not pages.is_big(store)
    monkeypatch.setattr(pages, "BIG_STORE", 1_000)  # the bundled graph holds more statements
    assert pages.is_big(store)
    monkeypatch.setattr(pages, "_entity_graph", lambda s: pytest.fail("read the whole store"))
    page = pages.graph_page(store, "", "", "").decode()
    assert 'id="too-big"' in page
    assert f"holds {pages.store_size(store):,} quads" in page
    page = pages.graph_page(store, "person:jeon-jong-seo", "", "").decode()
    assert 'id="too-big"' not in page and "Ok-ju" in page
    hits = pages.search_json(store, "jeon")  # the name matcher alone
    assert hits and hits[0]["label"] == "Jeon Jong-seo"


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("turtle", "text/turtle; charset=utf-8"),
        ("ttl", "text/turtle; charset=utf-8"),
        ("json-ld", "application/ld+json"),
        ("JSONLD", "application/ld+json"),
        ("json", "application/ld+json"),
    ],
)
def test_entity_export_names_come_from_the_format_registry(base, fmt, media):
    status, ctype, _body = get(base + f"/entity/person:jeon-jong-seo?format={fmt}")
    assert (status, ctype) == (200, media)


def test_entity_export_refuses_other_formats(base):
    status, _c, body = get(base + "/entity/person:jeon-jong-seo?format=nquads")
    assert status == 406 and "use turtle or jsonld" in body


def test_the_explorer_caches_are_kept_per_store_and_go_with_it():
    """A worker reopens its store after every load: the values the explorer keeps for 30 s are
    the new store's at once (never the old one's, even at the same address), and the old
    store's go with it instead of staying for the life of the worker."""
    import gc

    import pyoxigraph as ox

    from kgraph.store import OxigraphStore
    from kgraph.web import pages

    def store_of(n: int) -> OxigraphStore:
        s = OxigraphStore()
        g = ox.NamedNode("https://kgraph.dev/graph/s000")
        s.raw.extend(
            ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:p"), ox.Literal(i), g)
            for i in range(n)
        )
        return s

    old = store_of(3)
    assert pages.store_size(old) == 3
    g = ox.NamedNode("https://kgraph.dev/graph/s000")
    old.raw.add(ox.Quad(ox.NamedNode("urn:x:9"), ox.NamedNode("urn:p"), ox.Literal(9), g))
    assert pages.store_size(old) == 3  # kept (30 s): the cache is real
    before = len(pages._cache)
    del old
    gc.collect()
    assert len(pages._cache) == before - 1  # gone with its store
    new = store_of(5)
    assert pages.store_size(new) == 5  # its own, whatever address it got
