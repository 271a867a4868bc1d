"""`kgraph serve`: the SPARQL 1.1 Protocol endpoint, driven by real clients over loopback.

One `kgraph serve --port 0` subprocess serves the module (the tests read its URL from stderr and
stop it with SIGTERM); the options that need another configuration (result cap, CORS) use the
in-process :class:`~kgraph.server.SparqlServer`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph.server import ServerConfig, SparqlServer, mentions_service, negotiate

pytestmark = pytest.mark.slow  # real kgraph serve processes

KG = "https://kgraph.dev/ontology#"
ID = "https://kgraph.dev/id/"
TIMEOUT = 4  # seconds a query may run on the test server

JEON_WORKS = "SELECT DISTINCT ?w WHERE { person:jeon-jong-seo kg:actedIn ?w } ORDER BY ?w"
# a cross product of the whole graph with itself four times: never finishes on its own
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def start_server(
    *args: str,
    before: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[str], str]:
    """Start ``kgraph BEFORE serve --port 0 ARGS``; return the process and its endpoint URL."""
    exe = str(Path(sys.executable).with_name("kgraph"))
    proc = subprocess.Popen(
        [exe, *before, "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        m = re.search(r"SPARQL endpoint at (http://\S+/sparql)", line)
        if m:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep draining
            return proc, m.group(1)
    proc.wait(10)
    raise AssertionError("kgraph serve did not start:\n" + "".join(lines))


def stop_server(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(30)


@pytest.fixture(scope="module")
def endpoint(kg):
    _ = kg.store  # build the default store before the server's workers open it
    proc, url = start_server("--timeout", str(TIMEOUT))
    yield url
    assert stop_server(proc) == 0


def http(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def get(url: str, query: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    return http(
        url + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": accept} if accept else {},
    )


def local(store, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in r.items()} for r in store.select(query)]


# --- SPARQLWrapper ----------------------------------------------------------------------------


def test_sparqlwrapper_select_json_matches_the_store(endpoint, store):
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(endpoint)
    sw.setQuery(JEON_WORKS)
    sw.setReturnFormat(JSON)
    got = [b["w"]["value"] for b in sw.query().convert()["results"]["bindings"]]
    assert got == [r["w"] for r in local(store, JEON_WORKS)]
    assert {ID + "work/ballerina", ID + "work/the-call"} <= set(got)


@pytest.mark.parametrize("fmt", ["XML", "CSV", "TSV"])
def test_sparqlwrapper_other_result_formats(endpoint, store, fmt):
    import SPARQLWrapper as S

    sw = S.SPARQLWrapper(endpoint)
    sw.setQuery(JEON_WORKS)
    sw.setReturnFormat(getattr(S, fmt))
    res = sw.query()
    expected = [r["w"] for r in local(store, JEON_WORKS)]
    if fmt == "XML":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        doc = res.convert()  # a DOM document
        got = [u.firstChild.data for u in doc.getElementsByTagNameNS(ns[1:-1], "uri")]
    else:
        text = res.convert().decode()
        rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "CSV" else "\t"))
        assert rows[0] == (["w"] if fmt == "CSV" else ["?w"])
        got = [r[0].strip("<>") for r in rows[1:]]
    assert got == expected


def test_sparqlwrapper_ask_and_construct(endpoint):
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    sw = SPARQLWrapper(endpoint)
    sw.setQuery("ASK { work:ballerina kg:director person:lee-chung-hyun }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery("ASK { work:ballerina kg:director person:jeon-jong-seo }")
    assert sw.query().convert()["boolean"] is False

    construct = (
        "CONSTRUCT { ?w kg:director ?d } WHERE { ?w kg:director ?d FILTER (?w = work:ballerina) }"
    )
    for fmt in (XML, TURTLE):  # RDF/XML parsed into an rdflib Graph, Turtle as bytes
        sw = SPARQLWrapper(endpoint)
        sw.setQuery(construct)
        sw.setReturnFormat(fmt)
        out = sw.query().convert()
        if fmt == TURTLE:
            import rdflib

            out = rdflib.Graph().parse(data=out, format="turtle")
        assert {(str(s), str(p), str(o)) for s, p, o in out} == {
            (ID + "work/ballerina", KG + "director", ID + "person/lee-chung-hyun")
        }


def test_sparqlwrapper_update_is_refused(endpoint, store):
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    before = len(store)
    sw = SPARQLWrapper(endpoint)
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as e:
        sw.query()
    assert "403" in str(e.value) or "read-only" in str(e.value)
    assert len(store) == before


# --- rdflib's SPARQLStore -----------------------------------------------------------------------


def test_rdflib_sparqlstore(endpoint, store):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = g.query(
        "PREFIX kg: <https://kgraph.dev/ontology#> SELECT DISTINCT ?w WHERE { "
        "<https://kgraph.dev/id/person/jeon-jong-seo> kg:actedIn ?w } ORDER BY ?w"
    )
    assert [str(r.w) for r in rows] == [r["w"] for r in local(store, JEON_WORKS)]
    assert g.query("ASK { <https://kgraph.dev/id/work/ballerina> ?p ?o }").askAnswer is True
    # the triple-pattern API turns into SPARQL under the hood
    ballerina = rdflib.URIRef(ID + "work/ballerina")
    # (the default graph is the union of the sources' graphs, so a triple stated by several comes
    # back once per source: compare as sets)
    directors = {str(o) for o in g.objects(ballerina, rdflib.URIRef(KG + "director"))}
    assert directors == {
        r["d"] for r in local(store, "SELECT ?d WHERE { work:ballerina kg:director ?d }")
    }
    assert ID + "person/lee-chung-hyun" in directors
    c = g.query(
        "PREFIX kg: <https://kgraph.dev/ontology#> PREFIX work: <https://kgraph.dev/id/work/> "
        "CONSTRUCT { ?w kg:director ?d } WHERE { ?w kg:director ?d FILTER (?w = work:ballerina) }"
    )
    assert {(str(s), str(o)) for s, _p, o in c} == {
        (ID + "work/ballerina", ID + "person/lee-chung-hyun")
    }


def test_rdflib_sparqlstore_is_read_only(endpoint):
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = rdflib.Graph(store=SPARQLStore(endpoint))
    with pytest.raises(TypeError):  # rdflib's own guard: SPARQLStore is read-only
        g.add((rdflib.URIRef("urn:a"), rdflib.URIRef("urn:b"), rdflib.URIRef("urn:c")))


# --- the protocol by hand -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "ctype"),
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html;q=0.9, text/csv", "text/csv"),
        ("application/*", "application/sparql-results+json"),
    ],
)
def test_select_content_negotiation(endpoint, store, accept, ctype):
    status, headers, body = get(endpoint, JEON_WORKS, accept)
    assert status == 200 and headers["content-type"].split(";")[0] == ctype
    expected = [r["w"] for r in local(store, JEON_WORKS)]
    if ctype.endswith("json"):
        got = [b["w"]["value"] for b in json.loads(body)["results"]["bindings"]]
    elif ctype.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        got = [u.text for u in ET.fromstring(body).iter(ns + "uri")]
    else:
        lines = body.decode().splitlines()
        got = [ln.strip("<>") for ln in lines[1:]]
    assert got == expected


@pytest.mark.parametrize(
    ("accept", "ctype", "fmt"),
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_graph_content_negotiation(endpoint, store, accept, ctype, fmt):
    q = "CONSTRUCT WHERE { work:ballerina ?p ?o }"
    status, headers, body = get(endpoint, q, accept)
    assert status == 200 and headers["content-type"].split(";")[0] == ctype
    got = {(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}
    expected = set(store.query(q).triples)
    expected = {(t.subject, t.predicate, t.object) for t in expected}
    assert got == expected and len(got) > 5


def test_post_forms_and_direct_query(endpoint, store):
    expected = [r["w"] for r in local(store, JEON_WORKS)]
    for data, ctype in [
        (
            urllib.parse.urlencode({"query": JEON_WORKS}).encode(),
            "application/x-www-form-urlencoded",
        ),
        (JEON_WORKS.encode(), "application/sparql-query"),
    ]:
        status, _h, body = http(endpoint, data=data, headers={"Content-Type": ctype})
        assert status == 200
        assert [b["w"]["value"] for b in json.loads(body)["results"]["bindings"]] == expected


def test_not_acceptable(endpoint):
    status, _h, body = get(endpoint, JEON_WORKS, "image/png")
    assert status == 406 and b"acceptable types" in body


def test_format_parameter_overrides_accept(endpoint):
    url = endpoint + "?" + urllib.parse.urlencode({"query": JEON_WORKS, "format": "csv"})
    status, headers, _b = http(url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("request_", "status"),
    [
        (
            {
                "data": b"update=DROP+ALL",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            403,
        ),
        ({"data": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403),
        (
            {
                "data": b"query=DROP+ALL",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            403,
        ),
        (
            {
                "data": b"query=INSERT+DATA+%7B%3Curn:a%3E+%3Curn:b%3E+%3Curn:c%3E%7D",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            403,
        ),
        ({"data": b"x", "method": "PUT"}, 405),
        ({"method": "DELETE"}, 405),
    ],
)
def test_updates_are_refused(endpoint, store, request_, status):
    before = sorted(map(str, store.quads()))
    got, _h, body = http(endpoint, **request_)
    assert got == status
    assert b"read-only" in body
    assert sorted(map(str, store.quads())) == before


def test_syntax_error_has_line_and_column(endpoint):
    status, _h, body = get(endpoint, "SELECT ?s\nWHERE { ?s ?p }")
    assert status == 400
    assert re.match(r"SPARQL syntax error: line 2, column \d+: expected", body.decode())
    assert b"Traceback" not in body


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/nowhere", 404),
        ("/sparql?query=", 400),
        ("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", 400),
        ("/sparql?query=%FF%FE", 400),
        ("/ask", 400),
    ],
)
def test_bad_requests_get_one_line(endpoint, path, status):
    base = endpoint.rsplit("/", 1)[0]
    got, _h, body = http(base + path)
    assert got == status
    assert body.count(b"\n") == 1 and b"Traceback" not in body


def test_bad_post_bodies(endpoint):
    status, _h, _b = http(
        endpoint, data=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 400
    status, _h, _b = http(endpoint, data=b"SELECT", headers={"Content-Type": "image/png"})
    assert status == 415
    status, _h, _b = http(
        endpoint,
        data=b"query=" + b"x" * (1 << 20),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413


def test_service_is_refused(endpoint):
    status, _h, body = get(
        endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    )
    assert status == 403 and b"SERVICE" in body


def test_foreign_host_header_is_refused(endpoint):
    status, _h, _b = http(endpoint + "?query=ASK%7B%7D", headers={"Host": "attacker.example:80"})
    assert status == 403
    port = urllib.parse.urlsplit(endpoint).port
    status, _h, _b = http(endpoint + "?query=ASK%7B%7D", headers={"Host": f"localhost:{port}"})
    assert status == 200


def test_service_description(endpoint, store):
    import rdflib

    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    for url, accept in [
        (endpoint, "text/turtle"),
        (endpoint, None),
        (endpoint.rsplit("/", 1)[0] + "/", None),
    ]:
        status, headers, body = http(url, headers={"Accept": accept} if accept else {})
        assert status == 200 and headers["content-type"].startswith("text/turtle")
        g = rdflib.Graph().parse(data=body, format="turtle")
        svc = rdflib.URIRef(endpoint)
        assert (svc, rdflib.RDF.type, sd.Service) in g
        assert (svc, sd.endpoint, svc) in g
        assert (svc, sd.supportedLanguage, sd.SPARQL11Query) in g
        assert {str(n) for n in g.objects(None, sd.name)} == set(store.named_graphs())


def test_query_page(endpoint):
    """Browsers get the explorer: the home page at /, the SPARQL editor at /sparql; every script
    and style comes from this server, under a CSP that allows nothing else."""
    base = endpoint.rsplit("/", 1)[0]
    for url, marker in ((base + "/", 'name="ask"'), (endpoint, "<textarea")):
        status, headers, body = http(
            url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        )
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert headers["content-security-policy"].startswith(
            "default-src 'none'; script-src 'self'"
        )
        page = body.decode()
        assert marker in page
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from a CDN
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
            status, _h, _b = http(base + asset)
            assert status == 200, asset


def test_explorer_paths_stay_inside_static(endpoint):
    base = endpoint.rsplit("/", 1)[0]
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/static/", "/static/nope.js"):
        status, _h, body = http(base + path)
        assert status == 404 and b"Traceback" not in body


def test_explorer_pages_are_read_only_and_time_limited(endpoint):
    """The pages run in the query workers: an update is refused, SERVICE too, and a query that
    never ends is stopped at the time limit like any other."""
    base = endpoint.rsplit("/", 1)[0]
    q = urllib.parse.quote
    status, _h, body = http(
        base + "/api/sparql?query=" + q("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    )
    assert status == 403 and b"read-only" in body
    status, _h, body = http(
        base + "/api/sparql?query=" + q("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    )
    assert status == 403
    status, _h, body = http(base + "/api/sparql?query=" + q(ENDLESS))
    assert status == 503 and b"time limit" in body
    status, _h, body = http(base + "/entity/person:nobody-at-all")
    assert status == 404 and body.count(b"\n") == 1


def test_timeout_cuts_off_a_query_and_others_keep_being_served(endpoint, store):
    slow: dict[str, object] = {}

    def run_slow() -> None:
        slow["status"], _h, slow["body"] = get(endpoint, ENDLESS)

    t = threading.Thread(target=run_slow)
    t.start()
    expected = [r["w"] for r in local(store, JEON_WORKS)]
    answered = 0
    while t.is_alive() and answered < 20:  # served while the endless query holds a worker
        status, _h, body = get(endpoint, JEON_WORKS)
        assert status == 200
        assert [b["w"]["value"] for b in json.loads(body)["results"]["bindings"]] == expected
        answered += 1
    t.join(120)
    assert slow["status"] == 503
    assert b"time limit" in slow["body"]  # type: ignore[operator]
    assert answered >= 1
    # and after the worker was killed and replaced
    for _ in range(5):
        assert get(endpoint, JEON_WORKS)[0] == 200


def test_concurrent_clients(endpoint, store):
    queries = [
        JEON_WORKS,
        "SELECT ?d WHERE { work:ballerina kg:director ?d }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "ASK { ?s a kg:Person }",
    ]
    expected = {q: get(endpoint, q)[2] for q in queries}
    failures: list[str] = []

    def client(i: int) -> None:
        for j in range(10):
            q = queries[(i + j) % len(queries)]
            status, _h, body = get(endpoint, q)
            if status != 200 or body != expected[q]:
                failures.append(f"{status} {body[:80]!r}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []


def test_kgraph_itself_as_a_client(endpoint, kgraph_proc):
    """`kgraph --store http://…/sparql` over `kgraph serve` answers like the embedded store."""
    for args in (
        ["stats", "--format", "json"],
        ["ask", "who directed Ballerina", "--format", "json"],
    ):
        remote = kgraph_proc("--store", endpoint, *args)
        local = kgraph_proc(*args)
        assert remote.code == local.code == 0, remote.stderr
        assert json.loads(remote.stdout) == json.loads(local.stdout)


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_die_with_a_killed_server(kg):
    """SIGKILL of the server (no clean-up) must not leave a worker running an endless query."""
    import time

    proc, url = start_server("--timeout", "600")
    try:
        workers = _children(proc.pid)  # the two workers (and multiprocessing's resource tracker)
        assert len(workers) >= 2

        def endless_client() -> None:
            try:
                get(url, ENDLESS)
            except OSError:  # the server is killed under this request: expected
                pass

        threading.Thread(target=endless_client, daemon=True).start()
        time.sleep(1)  # the endless query reaches a worker
    finally:
        proc.kill()
        proc.wait(10)
    for _ in range(300):
        if not any(_alive(w) for w in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


def test_serve_refuses_a_public_address_without_the_flag(kgraph_proc):
    r = kgraph_proc("serve", "--host", "0.0.0.0", "--port", "0")
    assert r.code == 2
    assert "refusing to listen on 0.0.0.0" in r.stderr and "--allow-remote" in r.stderr
    assert "Traceback" not in r.stderr


def test_serve_reports_a_busy_port(kgraph_proc):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = kgraph_proc("--store", "memory:", "serve", "--port", str(s.getsockname()[1]))
    assert r.code == 2 and "cannot listen on 127.0.0.1" in r.stderr and "Traceback" not in r.stderr


def test_serve_reports_an_unopenable_store(kgraph_proc, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = kgraph_proc("--store", str(f), "serve", "--port", "0")
    assert r.code == 2 and "not a directory" in r.stderr and "Traceback" not in r.stderr


def test_ask_endpoint(endpoint, kg):
    q = "who directed Ballerina"
    status, headers, body = http(
        endpoint.rsplit("/", 1)[0] + "/ask?" + urllib.parse.urlencode({"q": q})
    )
    assert status == 200 and headers["content-type"] == "application/json"
    got = json.loads(body)
    assert got == kg.ask(q).to_json()
    assert [a["iri"] for a in got["answers"]] == [ID + "person/lee-chung-hyun"]


@pytest.mark.parametrize("q", ["who directed Zzyzx Qwerty", "what is the meaning of life"])
def test_ask_endpoint_unanswerable(endpoint, q):
    status, headers, body = http(
        endpoint.rsplit("/", 1)[0] + "/ask?" + urllib.parse.urlencode({"q": q})
    )
    assert status == 404 and headers["content-type"] == "application/json"
    got = json.loads(body)
    assert got["question"] == q and got["answers"] == [] and got["error"]


# --- in-process servers for the other options ---------------------------------------------------


@pytest.fixture(scope="module")
def capped():
    with SparqlServer(
        ServerConfig(port=0, max_results=3, workers=1, cors=True), store="memory:"
    ) as srv:
        yield srv


def test_result_cap(capped):
    status, headers, body = get(capped.url, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 3
    assert headers["x-kgraph-truncated"] == "max-results=3"
    status, headers, body = get(capped.url, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert len(body.decode().splitlines()) == 3 and headers["x-kgraph-truncated"] == "max-results=3"
    status, headers, body = get(capped.url, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")
    assert len(json.loads(body)["results"]["bindings"]) == 2 and "x-kgraph-truncated" not in headers


def test_cors_on_and_off(capped, endpoint):
    _s, headers, _b = get(capped.url, "ASK {}")
    assert headers["access-control-allow-origin"] == "*"
    status, headers, _b = http(
        capped.url,
        method="OPTIONS",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204 and "POST" in headers["access-control-allow-methods"]
    _s, headers, _b = get(endpoint, "ASK {}")
    assert "access-control-allow-origin" not in headers
    _s, headers, _b = http(endpoint, method="OPTIONS", headers={"Origin": "http://example.org"})
    assert "access-control-allow-origin" not in headers


def test_public_address_needs_the_flag():
    from kgraph.errors import UsageError

    with pytest.raises(UsageError, match="--allow-remote"):
        SparqlServer(ServerConfig(host="0.0.0.0", port=0), store="memory:")


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "accept", "param", "fmt"),
    [
        ("select", None, None, "json"),
        ("select", "application/sparql-results+xml, application/json;q=0.5", None, "xml"),
        ("select", "text/*", None, "csv"),
        ("ask", "application/json", None, "json"),
        ("graph", "application/rdf+xml;q=0.2, text/turtle;q=0.8", None, "turtle"),
        ("graph", "application/json", None, "jsonld"),
        ("graph", None, "json", "jsonld"),
        ("select", None, "xml", "xml"),
        ("select", "text/csv", "application/sparql-results+json", "json"),
        ("graph", "application/sparql-results+json", None, "turtle"),
        ("graph", None, "csv", "turtle"),
        ("select", "text/turtle", None, "json"),
    ],
)
def test_negotiate(kind, accept, param, fmt):
    assert negotiate(kind, accept, param) == fmt


@pytest.mark.parametrize(
    ("query", "uses"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ("select * { service silent <http://x/> { ?s ?p ?o } }", True),
        ("SELECT ?service { ?service ?p 'SERVICE' }", False),
        ('SELECT * { ?s ?p """SERVICE <x> {}""" }', False),
        ("SELECT * { ?s <http://x/SERVICE> ?o } # SERVICE", False),
        ("SELECT * { ?s ex:SERVICE ?o }", False),
    ],
)
def test_mentions_service(query, uses):
    assert mentions_service(query) is uses
