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
from hypothesis import given, settings
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
