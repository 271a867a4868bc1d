"""Fuzzing with hypothesis: the question parser, the name matcher, the saved-query parameter
binder and the data loaders take random text and random or mutated files without crashing (the
only exceptions are kgraph's own one-line errors) and without hanging (a deadline per example,
a time limit per test). ``KGRAPH_FUZZ_EXAMPLES`` scales the number of examples (default 150)."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraph.errors import KGraphError

N = int(os.environ.get("KGRAPH_FUZZ_EXAMPLES", "150"))
ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(
    max_examples=N,
    deadline=timedelta(seconds=10),
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text a person might type, and text nobody would: names from the data, SPARQL and Turtle
# punctuation, look-alike letters, control characters, and anything at all.
WORDS = [
    "Jeon Jong-seo",
    "Ballerina",
    "Kim Ji-hoon",
    "Park Yu-rim",
    "Yoo",
    "Lee Chung-hyun",
    "who",
    "directed",
    "co-stars of",
    "played",
    "in",
    "with",
    "and",
    "the",
    "her",
    "films",
    "?",
    "'s",
    '"',
    "'",
    "{",
    "}",
    "#",
    ";",
    "<",
    ">",
    "DROP ALL",
    "\n",
    "\\",
    "Ј",
    "ｅ",
    "\u200b",
    "\u202e",
    "\x00",
    "%",
    "$",
    "*",
    "…",
    "전종서",
    "발레리나",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=12).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
)


@pytest.mark.timeout(300)
@FUZZ
@given(text=texts)
def test_question_parser(store, text):
    from kgraph.questions import ask

    try:
        answer = ask(store, text)
    except KGraphError as e:
        assert str(e) and "\n" not in str(e).strip("\n")
        return
    out = answer.to_json()
    assert set(out) == {"question", "interpretation", "sparql", "answers"}


@pytest.mark.timeout(300)
@FUZZ
@given(text=texts, types=st.sampled_from([None, ["Person"], ["Work"], ["Film"], ["Character"]]))
def test_name_matcher(store, text, types):
    from kgraph.linking import resolve, search

    results = search(store, text, types=types, limit=5)
    assert len(results) <= 5
    assert all(0 <= m.score <= 1 for m in results)
    try:
        m = resolve(store, text, types=types)
    except KGraphError:
        return
    assert m.iri.startswith("https://kgraph.dev/id/")


@pytest.fixture(scope="module")
def saved_params():
    from kgraph.saved import list_queries

    return [(q.name, p) for q in list_queries() for p in q.params]


@pytest.mark.timeout(300)
@FUZZ
@given(text=texts, pick=st.integers(min_value=0))
def test_saved_query_parameter_binder(store, saved_params, text, pick):
    from kgraph.saved import bind_value, run_saved

    name, param = saved_params[pick % len(saved_params)]
    try:
        term, _match = bind_value(store, param, text)
    except KGraphError:
        return
    assert isinstance(term, (ox.NamedNode, ox.Literal))
    try:
        run_saved(store, name, {param.name: text})
    except KGraphError:  # another required parameter is missing, say
        pass


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, kind, bytes) edits: 0 delete a byte, 1 insert, 2 replace."""
    b = bytearray(data)
    for pos, kind, chunk in edits:
        if not b:
            b.extend(chunk)
            continue
        i = pos % len(b)
        if kind == 0:
            del b[i]
        elif kind == 1:
            b[i:i] = chunk
        else:
            b[i : i + len(chunk)] = chunk
    return bytes(b)


TURTLE_SEED = (ROOT / "data" / "s001.trig").read_bytes()[:6000]
ONTOLOGY_SEED = (ROOT / "ontology" / "kgraph.ttl").read_bytes()[:6000]
edits = st.lists(
    st.tuples(
        st.integers(min_value=0),
        st.integers(0, 2),
        st.sampled_from(
            [
                b".",
                b";",
                b",",
                b"{",
                b"}",
                b"<",
                b">",
                b'"',
                b"'",
                b"@",
                b"#",
                b":",
                b"\\",
                b"\n",
                b"\x00",
                b"\xff",
                b"\xc3",
                b"_:",
                b"a",
                b" ",
                b"GRAPH",
                b"@prefix",
                b'"""',
                b"^^",
                b"\xe2\x80\x8b",
            ]
        ),
    ),
    min_size=1,
    max_size=8,
)
EXTENSIONS = [".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf", ".n3", ".ttl.gz"]


def _parse_or_fail_cleanly(data: bytes, ext: str) -> None:
    from kgraph.build import parse_file

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"fuzz{ext}"
        p.write_bytes(data)
        try:
            quads = parse_file(p, "https://kgraph.dev/graph/fuzz")
        except KGraphError as e:
            assert str(p) in str(e) or "fuzz" in str(e)
            return
        assert all(isinstance(q, ox.Quad) for q in quads)


@pytest.mark.timeout(300)
@FUZZ
@given(data=st.binary(max_size=2000), ext=st.sampled_from(EXTENSIONS))
def test_loader_random_bytes(data, ext):
    _parse_or_fail_cleanly(data, ext)


@pytest.mark.timeout(300)
@FUZZ
@given(seed=st.sampled_from([TURTLE_SEED, ONTOLOGY_SEED]), changes=edits)
def test_loader_mutated_turtle(seed, changes):
    _parse_or_fail_cleanly(_mutate(seed, changes), ".trig" if seed is TURTLE_SEED else ".ttl")


@pytest.fixture(scope="module")
def mem_store():
    from kgraph.build import open_store

    return open_store("memory:")


@pytest.mark.timeout(300)
@settings(FUZZ, max_examples=max(10, N // 3))
@given(changes=edits, ext=st.sampled_from([".ttl", ".trig", ".nt"]))
def test_load_command_is_all_or_nothing(mem_store, changes, ext):
    """`kgraph load` of a mutated file either loads it or leaves the store exactly as it was."""
    from kgraph.loading import load, unload

    data = _mutate(TURTLE_SEED if ext != ".nt" else b"<urn:a> <urn:b> <urn:c> .\n" * 20, changes)
    before = sorted(map(str, mem_store.quads()))
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"fuzz{ext}"
        p.write_bytes(data)
        try:
            load(mem_store, [p], derive=False)
        except KGraphError as e:
            assert "\n" not in str(e).strip()
            assert sorted(map(str, mem_store.quads())) == before
            return
        unload(mem_store, str(p))
