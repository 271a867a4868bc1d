"""The endpoint's per-request fast paths (issue 18, uncached throughput) give the answers of the
slow code they stand in for: the query-string parser against ``urllib.parse.parse_qs``, the
query-shape check's character count against its tokeniser, the request-head reader against
``http.client.parse_headers``, and the one-write response."""

from __future__ import annotations

import http.client
import io
import json
import urllib.parse

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kgraph import sparqlguard
from kgraph.errors import QuerySyntaxError
from kgraph.server import (
    MAX_FIELDS,
    HttpError,
    ServerConfig,
    SparqlServer,
    _parse_params,
    _read_head,
)


def _reference(qs: str) -> dict[str, list[str]] | type[Exception]:
    try:
        return urllib.parse.parse_qs(
            qs, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS
        )
    except UnicodeDecodeError:
        return UnicodeDecodeError
    except ValueError:
        return ValueError


def _ours(qs: str) -> dict[str, list[str]] | type[Exception]:
    try:
        return _parse_params(qs)
    except HttpError as e:
        assert e.status == 400
        return UnicodeDecodeError if "UTF-8" in e.message else ValueError


# pieces a query string is made of: escapes (valid, broken, of multi-byte characters, of bytes
# that are no UTF-8), separators, backslashes (the fast path goes through a backslash codec)
_PIECES = st.sampled_from(
    ["%", "%2", "%zz", "%41", "%5C", "%5c", "%E2%9C%93", "%FF", "%C3", "%00", "%25", "%2B", "+"]
    + ["&", "=", "\\", "\\x41", "\\u0041", "\\N{DASH}", "x", "query", " ", "é", "\n"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=24).map("".join))
def test_the_query_string_parser_agrees_with_parse_qs(qs):
    assert _ours(qs) == _reference(qs)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_as_parse_qs_reads_it(text):
    qs = urllib.parse.urlencode({"query": text, "format": "json"}) + "&default-graph-uri="
    assert (
        _ours(qs)
        == _reference(qs)
        == {"query": [text], "format": ["json"], "default-graph-uri": [""]}
    )


def test_too_many_fields_and_bad_utf8_are_refused():
    with pytest.raises(HttpError, match="Max number of fields"):
        _parse_params("&".join(["a=1"] * (MAX_FIELDS + 1)))
    assert _parse_params("&".join(["a=1"] * MAX_FIELDS)) == {"a": ["1"] * MAX_FIELDS}
    with pytest.raises(HttpError, match="not valid UTF-8"):
        _parse_params("query=%FF")


# -- the shape check ------------------------------------------------------------------------

_SHAPE = st.sampled_from(
    ["{", "}", "(", ")", "[", "]", "||", "&&", "!=", "-", "+", "*", "/", "<", ">", "^", "="]
    + ['"{(-"', "<urn:a-b/c>", "# {{ ((\n", "?x", "kg:a-b", " ", "'|'", '"""{\n}"""']
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_SHAPE, max_size=60).map("".join))
def test_the_shape_check_refuses_exactly_what_the_tokeniser_counts_beyond_the_bounds(query):
    """With bounds small enough for generated queries to cross them, the character count
    clears a query only when its tokens are within the bounds, and the check refuses exactly
    the queries whose tokens are beyond them."""
    mp = pytest.MonkeyPatch()
    with mp.context() as m:
        m.setattr(sparqlguard, "MAX_DEPTH", 4)
        m.setattr(sparqlguard, "MAX_OPERATORS", 6)
        deepest, ops = sparqlguard.measure_shape(query)
        beyond = deepest > 4 or ops > 6
        try:
            sparqlguard.check_shape(query)
            refused = False
        except QuerySyntaxError:
            refused = True
    assert refused == beyond


@pytest.mark.parametrize(
    "op", ["||", "&&", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "|", "^", "!"]
)
def test_one_operator_past_the_bound_is_refused_whichever_it_is(op, monkeypatch):
    monkeypatch.setattr(sparqlguard, "MAX_OPERATORS", 6)
    chain = "?x" + f" {op} ?x" * 6
    sparqlguard.check_shape(f"SELECT ?x {{ FILTER ({chain}) }}")
    with pytest.raises(QuerySyntaxError, match="7 operators"):
        sparqlguard.check_shape(f"SELECT ?x {{ FILTER ({chain} {op} ?x) }}")


@pytest.mark.parametrize("pair", ["{}", "()", "[]"])
def test_one_level_past_the_bound_is_refused_whichever_bracket(pair, monkeypatch):
    monkeypatch.setattr(sparqlguard, "MAX_DEPTH", 4)
    sparqlguard.check_shape(pair[0] * 4 + pair[1] * 4)
    with pytest.raises(QuerySyntaxError, match="5 levels deep"):
        sparqlguard.check_shape(pair[0] * 5 + pair[1] * 5)


def test_brackets_and_operators_inside_strings_and_iris_are_not_structure():
    """Past the character count, the tokeniser decides: 300 ``{`` in a string literal and 5,000
    ``-`` in IRIs are no nesting and no operators."""
    many = 'SELECT * { ?s ?p "' + "{" * 300 + '" }'
    assert sum(map(many.count, "{([")) > sparqlguard.MAX_DEPTH
    sparqlguard.check_shape(many)
    iris = "SELECT * { VALUES ?x { " + " ".join(f"<urn:a-{i}>" for i in range(5000)) + " } }"
    sparqlguard.check_shape(iris)
    with pytest.raises(QuerySyntaxError, match="levels deep"):
        sparqlguard.check_shape("SELECT * WHERE " + "{" * 300 + "}" * 300)


# -- the response ---------------------------------------------------------------------------


@pytest.mark.slow  # a worker process
def test_small_large_and_head_answers_are_whole():
    """The head and a small body go out in one write, a large body in a second: both arrive
    whole (Content-Length exact), and HEAD gets the head only, on one kept-alive connection."""
    fifty = " ".join(map(str, range(50)))
    big = (
        f"SELECT ?s WHERE {{ VALUES ?a {{ {fifty} }} VALUES ?b {{ {fifty} }} "
        f'BIND (CONCAT(STR(?a), "-", STR(?b), "{"x" * 40}") AS ?s) }}'
    )
    with SparqlServer(ServerConfig(port=0, workers=1, cache_mb=0), store="memory:") as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        for query, rows in (("SELECT ?n WHERE { VALUES ?n { 1 2 } }", 2), (big, 2500)):
            for method in ("GET", "HEAD", "GET"):
                path = "/sparql?" + urllib.parse.urlencode({"query": query})
                conn.request(method, path, headers={"Accept": "application/sparql-results+json"})
                r = conn.getresponse()
                body = r.read()
                assert r.status == 200
                if method == "HEAD":
                    assert body == b""
                    continue
                assert int(r.headers["Content-Length"]) == len(body)
                assert r.headers["Server"].startswith("kgraph") and r.headers["Date"].endswith(
                    "GMT"
                )
                assert r.headers["X-Content-Type-Options"] == "nosniff"
                assert len(json.loads(body)["results"]["bindings"]) == rows
                assert (len(body) > 1 << 16) == (rows == 2500)
        conn.close()


# -- the request head -----------------------------------------------------------------------

_HEADER_LINES = st.sampled_from(
    [b"Host: 127.0.0.1:7878\r\n", b"accept:  text/csv ;q=1 \r\n", b"Accept: */*\n"]
    + [b"host: second\r\n", b"Content-Length:12\r\n", b"X-A: a\rb\r\n", b"X-A: a\nb\r\n"]
    + [b"  folded on\r\n", b"\tfolded\r\n", b"Bad Name: x\r\n", b"From someone\r\n"]
    + [b":empty name\r\n", b"Origin: http://\xe9t\xe9\r\n", b"no colon\r\n", b"Expect: x\r\n"]
)
_NAMES = ["Host", "ACCEPT", "content-length", "x-a", "Bad Name", "From", "", "origin", "expect"]


@settings(max_examples=400, deadline=None)
@given(st.lists(_HEADER_LINES, max_size=8), st.sampled_from([b"\r\n", b"\n", b""]))
def test_the_head_reader_reads_what_the_email_parser_reads(lines, end):
    block = b"".join(lines) + end + b"BODY"
    ours_in, ref_in = io.BytesIO(block), io.BytesIO(block)
    ours, ref = _read_head(ours_in), http.client.parse_headers(ref_in)
    assert [ours.get(n) for n in _NAMES] == [ref.get(n) for n in _NAMES]
    assert ours.get("nothing", "default") == ref.get("nothing", "default") == "default"
    assert ours_in.read() == ref_in.read()  # the body is left where it was


def test_the_head_reader_keeps_the_limits_of_http_client():
    with pytest.raises(http.client.LineTooLong):
        _read_head(io.BytesIO(b"X: " + b"a" * 70_000 + b"\r\n\r\n"))
    with pytest.raises(http.client.HTTPException, match="more than 100 headers"):
        _read_head(io.BytesIO(b"X: a\r\n" * 101 + b"\r\n"))
    assert _read_head(io.BytesIO(b"X: a\r\n" * 99 + b"\r\n")).get("x") == "a"


# -- the worker ----------------------------------------------------------------------------


def test_a_read_only_store_looks_for_its_merged_graph_once(tmp_path):
    """The endpoint's workers ask for the query dataset on every query: a read-only handle
    (which sees no writes) seeks the merged default graph once; a writable one every time,
    since a load or unload changes the answer."""
    import pyoxigraph as ox

    from kgraph.store import OxigraphStore

    quad = ox.Quad(
        ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), ox.NamedNode("urn:g")
    )
    writable = OxigraphStore(tmp_path / "s")
    writable.insert([quad])
    writable.refresh_merged()
    assert writable.has_merged()
    writable.clear_merged()
    assert not writable.has_merged()  # not remembered: the writable handle sees the change
    writable.refresh_merged()
    writable.close()
    del writable

    ro = OxigraphStore(tmp_path / "s", read_only=True)
    seeks = []
    real = ro._default_quads
    ro._default_quads = lambda: seeks.append(1) or real()  # type: ignore[method-assign]
    assert ro.has_merged() and ro.has_merged() and ro.dataset() == {}
    assert len(seeks) == 1
    assert [r["o"].value for r in ro.select("SELECT ?o { <urn:s> <urn:p> ?o }")] == ["o"]


# -- SELECT answers written by the engine ---------------------------------------------------

_VALUES = st.lists(
    st.one_of(
        st.text(alphabet='ab},{"\\é✓ \n', max_size=12).map(lambda t: ox_literal(t)),
        st.sampled_from(
            [
                "<urn:x>",
                '"x"^^<urn:dt>',
                '"2"^^xsd:integer',
                '"x"@en',
                "UNDEF",
                "<<( <urn:a> <urn:b> 1 )>>",
            ]
        ),
    ),
    max_size=25,
)


def ox_literal(text: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(text))


@settings(max_examples=300, deadline=None)
@given(
    _VALUES,
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 30)),
    st.one_of(st.none(), st.integers(0, 300), st.integers(0, 2500)),
)
@example(["UNDEF"] * 25, False, None, 150)  # rows of no term: 3 bytes of JSON, 8 by the measure
def test_an_answer_written_by_the_engine_is_the_answer_run_gives(values, bind, limit, max_bytes):
    """Whatever the rows (rows with no bound variable among them) and the caps, ``run_json``
    gives what ``run`` gives: the same rows in the same order (compared as parsed JSON) and the
    same "cut" flag; the engine's own bytes only when nothing was cut."""
    from kgraph.results import to_json

    store = _MEMORY
    n = " BIND (1 AS ?n)" if bind else ""
    query = "SELECT ?x ?n WHERE { VALUES ?x { " + " ".join(values) + " }" + n + " }"
    ref, ref_more = store.run(query, limit=limit, max_bytes=max_bytes)
    got, more = store.run_json(query, limit=limit, max_bytes=max_bytes)
    assert more == ref_more
    if isinstance(got, bytes):
        assert not more and got.endswith(b"\n")
        assert json.loads(got) == json.loads(to_json(ref, indent=None))
    else:
        assert json.loads(to_json(got, indent=None)) == json.loads(to_json(ref, indent=None))


def test_rows_are_counted_across_the_serialisers_writes():
    """A boundary between two rows cut by two writes is still counted (and never twice)."""
    from kgraph.store import _JsonSink

    data = _MEMORY.run_json("SELECT ?x { VALUES ?x { UNDEF UNDEF 1 UNDEF } }")[0]
    assert isinstance(data, bytes)
    data = data.rstrip(b"\n")
    for cut in range(len(data) + 1):
        sink = _JsonSink(None, None)
        sink.write(data[:cut])
        sink.write(data[cut:])
        assert sink.rows == 4 and sink.value() == data + b"\n"


def _memory_store():
    from kgraph.store import OxigraphStore

    return OxigraphStore()


_MEMORY = _memory_store()


def test_only_select_answers_come_as_bytes():
    store = _MEMORY
    ask, _ = store.run_json("ASK { }")
    graph, _ = store.run_json("CONSTRUCT { <urn:a> <urn:b> 1 } WHERE { }")
    rows, _ = store.run_json("SELECT ?x { VALUES ?x { 1 2 } }")
    assert not isinstance(ask, bytes) and ask.boolean is True
    assert not isinstance(graph, bytes) and len(graph.triples) == 1
    assert isinstance(rows, bytes) and len(json.loads(rows)["results"]["bindings"]) == 2


@pytest.mark.slow  # a worker process
def test_the_endpoint_answers_a_select_in_json_through_the_engine_and_keeps_its_caps():
    """Through HTTP: a small SELECT in JSON is whole; one past --max-results is cut there and
    says so; the same query in CSV goes through kgraph's own writer."""
    query = "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }"
    with SparqlServer(
        ServerConfig(port=0, workers=1, cache_mb=0, max_results=3), store="memory:"
    ) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        for q, rows, cut in ((query.replace(" 4 5", ""), 3, None), (query, 3, "max-results=3")):
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": q}))
            r = conn.getresponse()
            body = r.read()
            assert (
                r.status == 200 and r.headers["Content-Type"] == "application/sparql-results+json"
            )
            assert [b["x"]["value"] for b in json.loads(body)["results"]["bindings"]] == [
                "1",
                "2",
                "3",
            ]
            assert r.headers.get("X-KGraph-Truncated") == cut
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"}))
        r = conn.getresponse()
        assert (
            r.read() == b"x\r\n1\r\n2\r\n3\r\n"
            and r.headers["X-KGraph-Truncated"] == "max-results=3"
        )
        conn.close()


@pytest.mark.slow  # a worker process
def test_an_http_09_request_gets_the_body_alone():
    """A request line of two words is HTTP/0.9: the answer is the body, no status line and no
    headers, and the connection closes."""
    import socket

    with SparqlServer(ServerConfig(port=0, workers=1), store="memory:") as srv:
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        sock.sendall(b"GET /sparql?query=ASK%7B%7D\r\n\r\n")  # (http.server reads a head)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        sock.close()
    assert json.loads(data) == {"head": {}, "boolean": True}


# -- the update and federation checks -------------------------------------------------------

_QUERY_PIECES = st.sampled_from(
    ["PREFIX a: <urn:a>\n", "BASE <urn:b>\n", "# insert\n", "SELECT * ", "{ ?s ?p ?o }", " "]
    + ["insert", "DELETE", "Load", "clear", "drop", "create", "add", "move", "copy", "with"]
    + [" data { <urn:a> <urn:b> 1 }", "ınsert", "İNSERT", "ſ", "é", '"with"', "<urn:drop>", "\n"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_QUERY_PIECES, max_size=10).map("".join))
def test_the_update_check_answers_as_its_pattern_does(text):
    from kgraph.store import _COMMENT_RE, _UPDATE_RE, is_update

    assert is_update(text) == bool(_UPDATE_RE.match(_COMMENT_RE.sub("", text)))


def test_service_is_found_written_plainly_or_with_codepoint_escapes():
    from kgraph.sparqlguard import uses_service

    assert uses_service("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    assert uses_service("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }")
    assert uses_service("SELECT * { \\U00000073ervice <http://x/> { ?s ?p ?o } }")
    assert not uses_service("SELECT * { ?s ?p ?o }")
