"""The endpoint's answer cache (issue 18): a repeated request gets the same bytes and headers
without a worker, never an answer for data that has changed, never a cached error."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_serve import get

from kgraph.build import open_store
from kgraph.loading import load, unload
from kgraph.replycache import ReplyCache
from kgraph.server import ServerConfig, SparqlServer

pytestmark = pytest.mark.slow  # real worker processes

EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


def test_a_repeated_query_is_answered_from_the_cache():
    with SparqlServer(ServerConfig(port=0, max_results=3, workers=1), store="memory:") as srv:
        first = get(srv.url, EVERYTHING)
        assert srv.cache.hits == 0 and len(srv.cache) == 1
        srv.pool.close()  # no worker left: only the cache can answer now
        again = get(srv.url, EVERYTHING)
        assert srv.cache.hits == 1
        assert again[0] == first[0] == 200 and again[2] == first[2]
        assert again[1]["x-kgraph-truncated"] == first[1]["x-kgraph-truncated"] == "max-results=3"
        # another format of the same query is another answer: not served from the cache
        status, _h, _b = get(srv.url, EVERYTHING, "text/csv")
        assert status == 503 and srv.cache.hits == 1


def test_errors_are_not_cached():
    with SparqlServer(ServerConfig(port=0, workers=1), store="memory:") as srv:
        for _ in range(2):
            assert get(srv.url, "SELECT ?s WHERE { ?s ?p }")[0] == 400
            assert get(srv.url, "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")[0] == 403
        assert srv.cache.hits == 0 and len(srv.cache) == 0


def test_no_cache_when_turned_off():
    with SparqlServer(ServerConfig(port=0, workers=1, cache_mb=0), store="memory:") as srv:
        get(srv.url, "ASK {}")
        get(srv.url, "ASK {}")
        assert len(srv.cache) == 0 and srv.cache.hits == 0


@pytest.mark.parametrize("cache_mb", [64, 0])
def test_the_cache_follows_loads_and_unloads(tmp_path: Path, cache_mb: int):
    """The workers reopen the store after a load or unload: told the store's generation by the
    server (which reads it for its cache key), or reading it themselves (no cache)."""
    d = tmp_path / "store"
    open_store(str(d), read_only=False).close()
    f = tmp_path / "people.nt"
    f.write_text('<https://example.org/a> <https://example.org/name> "A" .\n')
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/name> ?o }"
    with SparqlServer(ServerConfig(port=0, workers=1, cache_mb=cache_mb), store=str(d)) as srv:

        def n() -> int:
            return int(json.loads(get(srv.url, count)[2])["results"]["bindings"][0]["n"]["value"])

        assert n() == 0 and n() == 0 and srv.cache.hits == (1 if cache_mb else 0)
        w = open_store(str(d), read_only=False)
        load(w, [f])
        w.close()
        assert n() == 1 and n() == 1
        w = open_store(str(d), read_only=False)
        unload(w, "people.nt")
        w.close()
        assert n() == 0


def test_ask_answers_are_cached(kg):
    _ = kg.store  # the bundled store, built before the worker opens it
    with SparqlServer(ServerConfig(port=0, workers=1)) as srv:
        url = srv.base + "/ask?" + urllib.parse.urlencode({"q": "who directed Ballerina"})
        with urllib.request.urlopen(url, timeout=60) as r:
            first = r.read()
        with urllib.request.urlopen(url, timeout=60) as r:
            assert r.read() == first
        assert srv.cache.hits == 1 and "Lee Chung-hyun" in first.decode()


def test_reply_cache_is_bounded():
    c = ReplyCache(800)
    for i in range(20):
        c.put(i, f"v{i}", 100)  # an eighth of the bound at most per answer
    assert len(c) == 8 and c.get(0) is None and c.get(19) == "v19"
    c.put("big", "x", 101)  # more than an eighth: not kept
    assert c.get("big") is None
    c.get(12)
    c.put("new", "y", 100)  # the least recently used (13, since 12 was just read) goes first
    assert c.get(12) == "v12" and c.get(13) is None


def test_the_cache_counts_the_query_text_of_its_keys():
    """Distinct long queries with small answers (what a crawler varying its text sends) stay
    within --cache-mb: the key's text is counted, not only the answer's bytes."""
    with SparqlServer(ServerConfig(port=0, workers=1, cache_mb=1), store="memory:") as srv:
        pad = "#" + "x" * 100_000 + "\n"
        for i in range(15):
            query = f"{pad}SELECT ?n WHERE {{ BIND ({i} AS ?n) }}"
            req = urllib.request.Request(
                srv.url,
                data=query.encode(),
                headers={"Content-Type": "application/sparql-query"},
            )
            with urllib.request.urlopen(req) as r:
                assert json.loads(r.read())["results"]["bindings"][0]["n"]["value"] == str(i)
        assert 0 < len(srv.cache) <= 10
        assert srv.cache.weight <= 1 << 20
