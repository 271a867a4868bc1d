"""kgraph sparql: every result format read back by an independent reader, updates refused,
bad input reported in one line with the right exit code."""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph.build import open_store
from kgraph.errors import (
    InputError,
    QuerySyntaxError,
    QueryTimeout,
    ServiceRefused,
    UpdateRefused,
)
from kgraph.querying import read_query, run_sparql
from kgraph.results import serialize

SR = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Ballerina's cast with characters, plus the work's year (a typed literal) and an OPTIONAL that
# stays unbound for rows without a billing.
CAST = """
SELECT DISTINCT ?actor ?name ?character ?year ?billing WHERE {
  ?perf kg:inWork work:ballerina ; kg:performer ?actor ; kg:character ?c .
  ?actor skos:prefLabel ?name . ?c skos:prefLabel ?character .
  work:ballerina kg:year ?year .
  OPTIONAL { ?perf kg:billing ?billing }
} ORDER BY ?name"""

EXPECTED_CAST = [
    ("https://kgraph.dev/id/person/jeon-jong-seo", "Jeon Jong-seo", "Ok-ju"),
    ("https://kgraph.dev/id/person/kim-ji-hoon", "Kim Ji-hoon", "Choi Pro"),
    ("https://kgraph.dev/id/person/park-yu-rim", "Park Yu-rim", "Min-hee"),
]

# Awkward values for the writers: quotes, a comma, a tab, a line break, a blank node, a number.
AWKWARD = """
SELECT ?s ?n ?b ?text WHERE {
  BIND("say \\"hi\\", then\\tgo\\nhome" AS ?s) BIND(42 AS ?n) BIND(BNODE() AS ?b)
  character:mona-lisa-and-the-blood-moon--mona-lisa-lee skos:prefLabel ?text
}"""


@pytest.fixture()
def raw_proc():
    """The installed ``kgraph`` in a subprocess, stdout as bytes (CSV's CRLF kept)."""
    exe = shutil.which("kgraph") or str(Path(sys.executable).with_name("kgraph"))

    def run(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [exe, *args], input=input, capture_output=True, timeout=120, check=False
        )

    return run


@pytest.fixture(scope="module")
def cast(store):
    return run_sparql(store, CAST)


def test_select_rows(cast):
    rows = [(r["actor"].value, r["name"].value, r["character"].value) for r in cast.rows]
    assert rows == EXPECTED_CAST
    assert cast.variables == ["actor", "name", "character", "year", "billing"]
    assert {r["year"].value for r in cast.rows} == {"2023"}


def test_json_is_w3c_json(cast):
    doc = json.loads(serialize(cast, "json"))
    assert set(doc) == {"head", "results"}
    assert doc["head"] == {"vars": ["actor", "name", "character", "year", "billing"]}
    bindings = doc["results"]["bindings"]
    assert [b["name"] for b in bindings] == [
        {"type": "literal", "value": n, "xml:lang": "en"} for _, n, _ in EXPECTED_CAST
    ]
    assert [b["actor"] for b in bindings] == [
        {"type": "uri", "value": i} for i, _, _ in EXPECTED_CAST
    ]
    assert all(
        b["year"] == {"type": "literal", "value": "2023", "datatype": XSD + "gYear"}
        for b in bindings
    )
    # unbound variables are left out of a solution, never written as null
    assert [b.get("billing", {}).get("value") for b in bindings] == ["lead", None, "main"]
    assert bindings[0]["billing"] == {
        "type": "literal",
        "value": "lead",
    }  # xsd:string: no datatype key
    # an independent W3C reader gets the same solutions back
    back = ox.parse_query_results(
        serialize(cast, "json").encode(), format=ox.QueryResultsFormat.JSON
    )
    assert [{v: s[v] for v in cast.variables if s[v] is not None} for s in back] == cast.rows


def test_xml_is_w3c_xml(cast):
    root = ET.fromstring(serialize(cast, "xml"))
    assert root.tag == SR + "sparql"
    assert [v.get("name") for v in root.find(SR + "head")] == cast.variables
    results = root.find(SR + "results").findall(SR + "result")
    assert len(results) == 3
    first = {b.get("name"): b[0] for b in results[0].findall(SR + "binding")}
    assert first["actor"].tag == SR + "uri" and first["actor"].text == EXPECTED_CAST[0][0]
    assert first["name"].tag == SR + "literal" and first["name"].get(XML_LANG) == "en"
    assert first["year"].get("datatype") == XSD + "gYear" and first["year"].text == "2023"
    assert first["billing"].get("datatype") is None and first["billing"].text == "lead"
    assert "billing" not in {b.get("name") for b in results[1].findall(SR + "binding")}
    back = ox.parse_query_results(serialize(cast, "xml").encode(), format=ox.QueryResultsFormat.XML)
    assert [{v: s[v] for v in cast.variables if s[v] is not None} for s in back] == cast.rows


def test_csv_is_w3c_csv(cast):
    text = serialize(cast, "csv")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["actor", "name", "character", "year", "billing"]
    billing = {"Jeon Jong-seo": "lead", "Kim Ji-hoon": "", "Park Yu-rim": "main"}
    assert rows[1:] == [[i, n, c, "2023", billing[n]] for i, n, c in EXPECTED_CAST]


def test_tsv_is_w3c_tsv(cast):
    text = serialize(cast, "tsv")
    lines = text.split("\n")
    assert lines[-1] == "" and "\r" not in text
    assert lines[0] == "?actor\t?name\t?character\t?year\t?billing"
    assert lines[1].split("\t") == [
        "<https://kgraph.dev/id/person/jeon-jong-seo>",
        '"Jeon Jong-seo"@en',
        '"Ok-ju"@en',
        f'"2023"^^<{XSD}gYear>',
        '"lead"',
    ]
    assert lines[2].endswith('"@en\t"2023"^^<' + XSD + "gYear>\t")  # unbound: an empty field
    back = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.TSV)
    assert [{v: s[v] for v in cast.variables if s[v] is not None} for s in back] == cast.rows


def test_awkward_values_survive_every_format(store):
    res = run_sparql(store, AWKWARD)
    (row,) = res.rows
    assert row["s"].value == 'say "hi", then\tgo\nhome'
    # CSV: RFC 4180 quoting keeps the comma, quotes and line break inside one field
    (header, values) = list(csv.reader(io.StringIO(serialize(res, "csv"), newline="")))
    assert header == ["s", "n", "b", "text"]
    assert values[0] == row["s"].value and values[1] == "42" and values[2].startswith("_:")
    assert values[3] == 'Mona "Lisa" Lee'
    # TSV: one line per solution, terms escaped as in N-Triples
    lines = serialize(res, "tsv").rstrip("\n").split("\n")
    assert len(lines) == 2 and len(lines[1].split("\t")) == 4
    for fmt, qrf in (
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ):
        (back,) = list(ox.parse_query_results(serialize(res, fmt).encode(), format=qrf))
        assert back["s"] == row["s"] and back["n"] == row["n"] and back["text"] == row["text"]
        assert isinstance(back["b"], ox.BlankNode)
    doc = json.loads(serialize(res, "json"))
    assert doc["results"]["bindings"][0]["n"] == {
        "type": "literal",
        "value": "42",
        "datatype": XSD + "integer",
    }
    assert doc["results"]["bindings"][0]["b"]["type"] == "bnode"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("ASK { person:jeon-jong-seo kg:actedIn work:ballerina }", True),
        ("ASK { person:yoo-ji-tae kg:actedIn work:ballerina }", False),
    ],
)
def test_ask_in_every_format(store, query, expected):
    res = run_sparql(store, query)
    word = "true" if expected else "false"
    assert json.loads(serialize(res, "json")) == {"head": {}, "boolean": expected}
    root = ET.fromstring(serialize(res, "xml"))
    assert root.find(SR + "head") is not None and root.find(SR + "boolean").text == word
    assert (
        bool(
            ox.parse_query_results(
                serialize(res, "json").encode(), format=ox.QueryResultsFormat.JSON
            )
        )
        is expected
    )
    assert (
        bool(
            ox.parse_query_results(serialize(res, "xml").encode(), format=ox.QueryResultsFormat.XML)
        )
        is expected
    )
    assert list(csv.reader(io.StringIO(serialize(res, "csv"), newline=""))) == [["boolean"], [word]]
    assert serialize(res, "tsv") == f"?boolean\n{word}\n"


GRAPH_QUERY = "CONSTRUCT { ?c skos:prefLabel ?l ; kg:appearsIn work:ballerina } WHERE { ?c kg:appearsIn work:ballerina ; skos:prefLabel ?l }"


@pytest.mark.parametrize(
    "fmt, rdf",
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_formats(store, fmt, rdf):
    res = run_sparql(store, GRAPH_QUERY)
    back = {q.triple for q in ox.parse(serialize(res, fmt).encode(), format=rdf)}
    assert back == set(res.triples)
    labels = {t.object.value for t in back if t.predicate.value.endswith("prefLabel")}
    assert labels == {"Ok-ju", "Choi Pro", "Min-hee"}


def test_describe(store):
    res = run_sparql(store, "DESCRIBE character:ballerina--ok-ju")
    assert res.kind == "graph"
    assert any(t.object == ox.Literal("Ok-ju", language="en") for t in res.triples)


def test_graph_reaches_sources(store):
    res = run_sparql(
        store,
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { person:park-yu-rim kg:occupation "actress" } }',
    )
    assert {r["g"].value for r in res.rows} == {"https://kgraph.dev/id/source/s001"}
    res = run_sparql(
        store,
        """SELECT DISTINCT ?g WHERE { GRAPH ?g {
        performance:ballerina--jeon-jong-seo--ok-ju kg:character character:ballerina--ok-ju } ?g a kg:Source }""",
    )
    assert {r["g"].value.rsplit("/", 1)[1] for r in res.rows} == {
        "s000",
        "s001",
        "s002",
        "s003",
        "s004",
    }


def test_prefixes_are_predeclared(store):
    res = run_sparql(
        store,
        "SELECT ?x WHERE { BIND(schema:name AS ?x) BIND(prov:Entity AS ?y) BIND(owl:Class AS ?z) }",
    )
    assert res.rows[0]["x"].value == "https://schema.org/name"


def test_limit(store):
    assert len(run_sparql(store, "SELECT * WHERE { ?s ?p ?o }", limit=7).rows) == 7
    assert len(run_sparql(store, "CONSTRUCT WHERE { ?s ?p ?o }", limit=3).triples) == 3


def test_timeout_stops_a_long_query(store):
    with pytest.raises(QueryTimeout):
        run_sparql(
            store, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", timeout=0.3
        )


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <urn:x:>\nDELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "# a comment first\nCLEAR ALL",
        "DROP GRAPH <https://kgraph.dev/id/source/s000>",
        "LOAD <http://example.org/data.ttl>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_refused(store, cli, update):
    before = len(store)
    with pytest.raises(UpdateRefused, match="kgraph load"):
        run_sparql(store, update)
    r = cli("sparql", update)
    assert r.code == 2
    assert "kgraph load" in r.stderr and "unload" in r.stderr and "Traceback" not in r.stderr
    assert len(store) == before


def test_syntax_error_is_one_line_with_line_and_column(cli):
    """One line (the stranger's item 12: the message, the query line and a caret were three);
    the caret excerpt stays on the error for the library (``test_syntax_error_position``)."""
    r = cli("sparql", "SELECT ?s\nWHERE { ?s foo:bar ?o }")
    assert r.code == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith("kgraph: SPARQL syntax error at line 2, column 19: ")
    assert "unknown prefix 'foo:'" in r.stderr


def test_syntax_error_in_a_file_names_the_file(cli, tmp_path):
    f = tmp_path / "bad.rq"
    f.write_text("SELECT ?s WHERE {\n  ?s ?p\n}\n")
    r = cli("sparql", f"@{f}")
    assert r.code == 2
    assert r.stderr.startswith(f"kgraph: {f}: SPARQL syntax error at line 3, column 2: ")
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_query_from_file_and_stdin(cli, raw_proc, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# co-stars\nASK { work:ballerina kg:castMember person:kim-ji-hoon }\n")
    assert json.loads(cli("sparql", f"@{f}", "--format", "json").stdout) == {
        "head": {},
        "boolean": True,
    }
    p = raw_proc(
        "sparql",
        "-",
        "--format",
        "csv",
        input=b"SELECT ?l WHERE { work:the-call skos:prefLabel ?l }",
    )
    assert p.returncode == 0 and p.stdout == b"l\r\nThe Call\r\n"


@pytest.mark.parametrize(
    "setup, arg, message",
    [
        (None, "@/nonexistent/dir/q.rq", "no such query file"),
        ("binary", "@{tmp}/latin1.rq", "not valid UTF-8"),
        ("empty", "@{tmp}/empty.rq", "the query is empty"),
        (None, "   ", "the query is empty"),
        (None, "# only a comment", "the query is empty"),
        (None, "@", "must be followed by a file name"),
    ],
)
def test_bad_input_is_one_line_exit_2(cli, tmp_path, setup, arg, message):
    if setup == "binary":
        (tmp_path / "latin1.rq").write_bytes(
            'SELECT ?x WHERE { ?x ?p "caf\xe9" }'.encode("latin-1")
        )
    if setup == "empty":
        (tmp_path / "empty.rq").write_text("")
    r = cli("sparql", arg.format(tmp=tmp_path))
    assert r.code == 2
    assert r.stderr.count("\n") == 1 and message in r.stderr and r.stderr.startswith("kgraph: ")


def test_read_query_errors(tmp_path):
    with pytest.raises(InputError):
        read_query(f"@{tmp_path}")
    with pytest.raises(InputError):
        read_query("-", io.BytesIO(b"\xff\xfe"))
    assert read_query("-", io.BytesIO(b"ASK {}")) == ("ASK {}", "<stdin>")


def test_library_syntax_error(store):
    with pytest.raises(QuerySyntaxError) as e:
        run_sparql(store, "SELECT * WHERE { ?s ?p ?o ?x }")
    assert e.value.position.line == 1 and e.value.hint and "^" in e.value.hint


@pytest.mark.slow
def test_cli_formats_match_library(raw_proc, cast):
    for fmt in ("json", "csv", "tsv", "xml"):
        p = raw_proc("sparql", CAST, "--format", fmt)
        assert p.returncode == 0 and p.stderr == b""
        assert p.stdout == serialize(cast, fmt).encode()


def test_cli_table_is_plain_when_not_a_terminal(cli):
    r = cli(
        "sparql",
        "SELECT ?p ?name WHERE { ?p a kg:Person ; skos:prefLabel ?name } ORDER BY ?name",
        "--limit",
        "2",
    )
    assert r.code == 0
    assert r.stdout == "p\tname\nperson:anton-chekhov\tAnton Chekhov\nperson:gray\tGRAY\n"
    assert "\x1b[" not in r.stdout


def test_cli_graph_result_defaults_to_turtle_and_refuses_tables(cli):
    r = cli("sparql", GRAPH_QUERY)
    assert r.code == 0 and "@prefix" in r.stdout
    assert {q.triple.object for q in ox.parse(r.stdout.encode(), format=ox.RdfFormat.TURTLE)} >= {
        ox.Literal("Ok-ju", language="en")
    }
    r = cli("sparql", GRAPH_QUERY, "--format", "csv")
    assert r.code == 2 and "turtle" in r.stderr
    r = cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle")
    assert r.code == 2
    r = cli("sparql", "ASK {}", "--format", "yaml")
    assert r.code == 2 and "unknown format 'yaml' for --format" in r.stderr


def test_cli_timeout_exit_1(cli):
    r = cli(
        "sparql", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", "--timeout", "0.3"
    )
    assert r.code == 1 and "did not finish within 0.3 s" in r.stderr


# --- SERVICE (federation): never to the network unless asked ------------------------------------


class _Endpoint:
    """A loopback SPARQL endpoint that answers every request with one solution, and counts them
    (what a SERVICE call would reach)."""

    def __init__(self) -> None:
        import http.server
        import threading

        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                endpoint.hits += 1
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                body = json.dumps(
                    {
                        "head": {"vars": ["x"]},
                        "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.hits = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def endpoint():
    e = _Endpoint()
    yield e
    e.close()


def test_service_is_refused_without_allow_service(cli, endpoint, tmp_path):
    """Item 10: a local query does not go to the network on its own (`kgraph serve` refuses
    SERVICE too); the refusal is one line, exit 2, and says how to allow it."""
    query = f"SELECT ?x WHERE {{ SERVICE <{endpoint.url}> {{ ?s ?p ?x }} }}"
    (tmp_path / "fed.rq").write_text(query, encoding="utf-8")
    for args in (
        [query],
        [f"@{tmp_path / 'fed.rq'}"],
        [query.replace("SERVICE", "SERVICE SILENT")],
        [query.replace("SERVICE", "\\u0053ERVICE")],
        ["SELECT * { ?s ?p person:a\\#b . " + query.split("{", 1)[1]],
    ):
        r = cli("sparql", *args)
        assert r.code == 2, (args, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1 and "SERVICE" in r.stderr and "--allow-service" in r.stderr
        assert "store" not in r.stderr and r.stdout == ""
    assert endpoint.hits == 0
    with pytest.raises(ServiceRefused):
        run_sparql(open_store("memory:"), query)
    # the word alone (a variable, a string, a local name) is not federation
    r = cli("sparql", 'SELECT ?service WHERE { ?service ?p "SERVICE" } LIMIT 1', "--format", "json")
    assert r.code == 0, r.stderr


def test_allow_service_calls_the_endpoint(cli, endpoint):
    query = f"SELECT ?x WHERE {{ SERVICE <{endpoint.url}> {{ ?s ?p ?x }} }}"
    r = cli("sparql", "--allow-service", query, "--format", "json")
    assert r.code == 0, r.stderr
    rows = json.loads(r.stdout)["results"]["bindings"]
    assert rows == [{"x": {"type": "literal", "value": "remote"}}]
    assert endpoint.hits >= 1


def test_a_failed_service_call_blames_the_endpoint_not_the_store(cli):
    """The unreachable endpoint is named as the SERVICE's, never as "store read failed"."""
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    r = cli("sparql", "--allow-service", query)
    assert r.code == 2, r.stderr
    assert r.stderr.startswith("kgraph: a SERVICE call of the query failed (the remote endpoint")
    assert r.stderr.count("\n") == 1 and "store read failed" not in r.stderr


@pytest.mark.parametrize(
    "query, header",
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", ["s", "p", "o"]),
        ("SELECT DISTINCT * WHERE { ?work kg:year ?y . BIND(STR(?y) AS ?a) } LIMIT 1", None),
        ("SELECT ?o ?s WHERE { ?s ?p ?o } LIMIT 1", ["o", "s"]),  # as written, as before
        ("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p LIMIT 1", ["p", "n"]),
    ],
)
def test_select_star_keeps_the_query_order(cli, query, header):
    """pyoxigraph lists ``SELECT *``'s variables alphabetically (``o p s``); kgraph shows them
    in the order the query names them, in every format (the stranger's item 18)."""
    header = header or ["work", "y", "a"]
    r = cli("sparql", query, "--format", "json")
    assert r.code == 0 and json.loads(r.stdout)["head"]["vars"] == header
    r = cli("sparql", query, "--format", "csv")
    assert r.stdout.splitlines()[0] == ",".join(header)
    r = cli("sparql", query)
    assert r.stdout.splitlines()[0].split("\t") == header


def test_a_remote_store_that_is_down_is_still_named_with_allow_service(cli):
    """A SERVICE query sent to a remote store that cannot be reached blames that store."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = f"http://127.0.0.1:{port}/sparql"
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
    r = cli("--store", store, "sparql", "--allow-service", query)
    assert r.code == 2 and r.stderr.startswith(f"kgraph: cannot reach {store}"), r.stderr
