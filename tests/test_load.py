"""``kgraph load`` / ``unload``: every RDF format, one named graph per file, replacement on reload,
atomic failure, clear errors (file:line:column, exit 2), RDF 1.2 quoted triples, progress."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import Server, running, start_oxigraph

from kgraph import KnowledgeGraph
from kgraph.build import open_store
from kgraph.errors import InputError, RdfSyntaxError, StoreError, UnknownEntity, UsageError
from kgraph.loading import UnknownSource, load, loaded_sources, source_iri, unload
from kgraph.store import REMOTE_BATCH, OxigraphStore, RemoteStore
from kgraph.terms import ONTOLOGY_GRAPH

EX = "https://example.org/"
TRIPLES = [
    (EX + "film/a", EX + "title", '"Alpha"@en'),
    (EX + "film/a", EX + "year", '"2020"'),
    (EX + "film/b", EX + "title", '"Beta \\"B\\""@en'),
]

# The same three triples in every format the loader reads.
SAMPLES = {
    "data.ttl": '@prefix ex: <https://example.org/> .\nex:film\\/a ex:title "Alpha"@en ; ex:year "2020" .\n'
    'ex:film\\/b ex:title "Beta \\"B\\""@en .\n',
    "data.nt": "".join(f"<{s}> <{p}> {o} .\n" for s, p, o in TRIPLES),
    "data.nq": "".join(f"<{s}> <{p}> {o} <{EX}g1> .\n" for s, p, o in TRIPLES),
    "data.trig": "<https://example.org/g1> {\n"
    + "".join(f"<{s}> <{p}> {o} .\n" for s, p, o in TRIPLES)
    + "}\n",
    "data.jsonld": json.dumps(
        {
            "@context": {"ex": EX},
            "@graph": [
                {
                    "@id": "ex:film/a",
                    "ex:title": {"@value": "Alpha", "@language": "en"},
                    "ex:year": "2020",
                },
                {"@id": "ex:film/b", "ex:title": {"@value": 'Beta "B"', "@language": "en"}},
            ],
        }
    ),
    "data.rdf": f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EX}">
  <rdf:Description rdf:about="{EX}film/a"><ex:title xml:lang="en">Alpha</ex:title><ex:year>2020</ex:year></rdf:Description>
  <rdf:Description rdf:about="{EX}film/b"><ex:title xml:lang="en">Beta "B"</ex:title></rdf:Description>
</rdf:RDF>
""",
}


def _triples(store, graph: str) -> set[tuple[str, str, str]]:
    rows = store.select(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?p != kg:fileName && ?p != rdf:type"
        " && ?p != skos:prefLabel && ?p != dcterms:hasPart && ?p != kg:filePath) }",
        {"g": ox.NamedNode(graph)},
    )
    return {(r["s"].value, r["p"].value, str(r["o"])) for r in rows}


def _expected() -> set[tuple[str, str, str]]:
    return {(s, p, o) for s, p, o in TRIPLES}


@pytest.fixture()
def mem() -> OxigraphStore:
    s = open_store("memory:")
    assert isinstance(s, OxigraphStore)
    return s


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_format(mem, tmp_path: Path, name: str):
    f = tmp_path / name
    f.write_text(SAMPLES[name])
    report = load(mem, [f])
    info = report.files[0]
    assert info.source == source_iri(name) == "https://kgraph.dev/id/source/file/" + name
    assert info.quads == 3
    where = EX + "g1" if name in ("data.nq", "data.trig") else info.source
    assert _triples(mem, where) == _expected()
    assert info.graphs == ([info.source, EX + "g1"] if where != info.source else [info.source])
    # the file is recorded as a source
    rec = mem.select(
        "SELECT ?n WHERE { ?src a kg:Source ; kg:fileName ?n }", {"src": ox.NamedNode(info.source)}
    )
    assert [r["n"].value for r in rec] == [name]


def test_format_option_overrides_the_extension(mem, tmp_path: Path):
    f = tmp_path / "export.txt"
    f.write_text(SAMPLES["data.nt"])
    assert load(mem, [f]).files[0].format == "N-Triples"  # sniffed from the content
    assert load(mem, [f], fmt="turtle").files[0].format == "Turtle"
    notes = tmp_path / "notes.txt"
    notes.write_text("these are not RDF statements, just words\n")
    with pytest.raises(UsageError, match="cannot tell the RDF format"):
        load(mem, [notes])


def test_gzip(mem, tmp_path: Path):
    f = tmp_path / "data.nt.gz"
    f.write_bytes(gzip.compress(SAMPLES["data.nt"].encode()))
    report = load(mem, [f])
    assert report.files[0].quads == 3 and _triples(mem, source_iri(f)) == _expected()


def test_a_new_store_starts_with_the_ontology_only(tmp_path: Path):
    for spec in ("memory:", str(tmp_path / "new")):
        s = open_store(spec, read_only=False)
        assert s.named_graphs() == [ONTOLOGY_GRAPH]
        s.close()


def test_rdf_star_triple_terms_are_refused_at_load(mem, tmp_path: Path):
    """RDF 1.2 triple terms (``<<( s p o )>>``, and the Turtle reifier form ``<< s p o >>``, a blank
    node that ``rdf:reifies`` a triple term) loaded fine but then crashed export, show, validate
    and --inferred (issue 15, item 14): they are refused at load with one line, nothing written."""
    ttl = tmp_path / "claims.ttl"
    ttl.write_text(
        "@prefix ex: <https://example.org/> .\n<< ex:jeon ex:actedIn ex:ballerina >> ex:statedBy ex:s0 .\n"
    )
    nt = tmp_path / "claims.nt"
    nt.write_text(f"<{EX}s002> <{EX}claims> <<( <{EX}kim> <{EX}actedIn> <{EX}ballerina> )>> .\n")
    before = sorted(map(str, mem.quads()))
    for f in (ttl, nt):
        with pytest.raises(InputError, match="triple terms .* are not supported"):
            load(mem, [f])
    assert sorted(map(str, mem.quads())) == before


def test_reload_replaces_the_graph(mem, tmp_path: Path):
    f = tmp_path / "data.ttl"
    f.write_text(SAMPLES["data.ttl"])
    load(mem, [f])
    n = len(mem)
    f.write_text('@prefix ex: <https://example.org/> .\nex:film\\/c ex:title "Gamma" .\n')
    report = load(mem, [f])
    assert report.files[0].replaced is True
    assert _triples(mem, source_iri(f)) == {(EX + "film/c", EX + "title", '"Gamma"')}
    assert len(mem) == n - 2


def test_trig_graphs_of_a_file_are_replaced_and_unloaded_with_it(mem, tmp_path: Path):
    f = tmp_path / "data.trig"
    f.write_text(SAMPLES["data.trig"] + f'<{EX}loose> <{EX}p> "in the default graph" .\n')
    load(mem, [f])
    assert set(mem.named_graphs()) == {ONTOLOGY_GRAPH, source_iri(f), EX + "g1"}
    assert _triples(mem, source_iri(f)) == {(EX + "loose", EX + "p", '"in the default graph"')}
    assert loaded_sources(mem)[0]["graphs"] == [source_iri(f), EX + "g1"]
    removed = unload(mem, "data.trig")
    # data, loose triple, record (type, fileName, filePath, label, hasPart; the part's type)
    assert removed == 3 + 1 + 5 + 1
    assert mem.named_graphs() == [ONTOLOGY_GRAPH]


def test_unload_by_name_path_or_iri(mem, tmp_path: Path):
    f = tmp_path / "data.nt"
    f.write_text(SAMPLES["data.nt"])
    for ref in ("data.nt", str(f), source_iri(f)):
        load(mem, [f])
        assert unload(mem, ref) == 7  # 3 triples, the record: type, fileName, filePath, label
    with pytest.raises(UnknownSource, match="no loaded source 'nope.ttl'"):
        unload(mem, "nope.ttl")


def test_syntax_error_names_file_line_column_and_changes_nothing(mem, tmp_path: Path):
    good = tmp_path / "good.nt"
    good.write_text(SAMPLES["data.nt"])
    load(mem, [good])
    before = set(mem.quads())
    bad = tmp_path / "bad.ttl"
    lines = [f"<{EX}p{i}> <{EX}knows> <{EX}p{i + 1}> ." for i in range(6_000)]
    lines.insert(5_000, f"<{EX}x> <{EX}y> <{EX}z")
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(RdfSyntaxError) as e:
        load(mem, [good, bad])
    assert str(e.value).startswith(f"{bad}:5001:49: ")  # the IRI that is never closed
    assert (
        e.value.position.line == 5001 and e.value.position.source_line == f"<{EX}x> <{EX}y> <{EX}z"
    )
    assert set(mem.quads()) == before


def test_a_broken_reload_keeps_the_previous_version(mem, tmp_path: Path):
    f = tmp_path / "data.ttl"
    f.write_text(SAMPLES["data.ttl"])
    load(mem, [f])
    before = set(mem.quads())
    f.write_text(SAMPLES["data.ttl"] + "ex:broken ex:p .\n")
    with pytest.raises(RdfSyntaxError, match=r"data\.ttl:4:"):
        load(mem, [f])
    assert set(mem.quads()) == before


@pytest.mark.parametrize(
    "content,match",
    [
        (None, "no such file"),
        (b"", "the file is empty"),
        (b"\x00\x01binary", "binary file"),
    ],
)
def test_unreadable_files(mem, tmp_path: Path, content, match):
    f = tmp_path / "x.ttl"
    if content is not None:
        f.write_bytes(content)
    with pytest.raises(InputError, match=match):
        load(mem, [f])
    assert mem.named_graphs() == [ONTOLOGY_GRAPH]


def test_read_only_store_refuses(tmp_path: Path):
    s = open_store(str(tmp_path / "s"), read_only=False)
    s.close()
    ro = open_store(str(tmp_path / "s"))
    f = tmp_path / "data.nt"
    f.write_text(SAMPLES["data.nt"])
    with pytest.raises(StoreError, match="read-only"):
        load(ro, [f])
    ro.close()


def test_progress_reports_both_passes(mem, tmp_path: Path):
    f = tmp_path / "big.nt"
    f.write_text("".join(f"<{EX}p{i}> <{EX}knows> <{EX}p{i + 1}> .\n" for i in range(40_000)))
    seen: list[tuple[str, int, int]] = []
    load(mem, [f], progress=lambda phase, path, done, total: seen.append((phase, done, total)))
    size = f.stat().st_size
    assert {p for p, _, _ in seen} == {"checking", "loading"}
    for phase in ("checking", "loading"):
        dones = [d for p, d, t in seen if p == phase]
        assert dones[0] == 0 and dones[-1] == size and dones == sorted(dones)
        assert len(dones) >= 3  # intermediate updates, one per MiB read


@pytest.mark.slow
@pytest.mark.parametrize("default_graph", [False, True], ids=["named", "with-default-graph"])
def test_big_file_takes_the_bulk_path_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_graph: bool
):
    """A big dataset file is written by the engine's bulk loader, its default-graph triples
    (every other line here) into the file's graph, as the transactional path puts them."""
    f = tmp_path / "big.nq"
    graph = lambda i: "" if default_graph and i % 2 else f" <{EX}g>"
    f.write_text(
        "".join(f"<{EX}p{i}> <{EX}knows> <{EX}p{i + 1}>{graph(i)} .\n" for i in range(51_000))
    )
    bulk = []
    real = OxigraphStore.bulk_load

    def spy(self: OxigraphStore, graph: object, *args: object, **kwargs: object) -> None:
        bulk.append(graph)
        real(self, graph, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(OxigraphStore, "bulk_load", spy)
    a, b = open_store("memory:"), open_store(str(tmp_path / "disk"), read_only=False)
    a.supports_bulk_load = False  # type: ignore[misc]  # a: the transactional path, to compare
    load(a, [f])
    assert not bulk
    load(b, [f])
    assert ox.NamedNode(source_iri(f)) in bulk  # the file itself went through the bulk loader
    if default_graph:
        moved = a.select(f"SELECT ?o WHERE {{ GRAPH <{source_iri(f)}> {{ <{EX}p1> ?p ?o }} }}")
        assert [r["o"] for r in moved] == [ox.NamedNode(f"{EX}p2")]
    data = {q for q in a.quads() if q.graph_name != ox.NamedNode(ONTOLOGY_GRAPH)}
    assert (
        data == {q for q in b.quads() if q.graph_name != ox.NamedNode(ONTOLOGY_GRAPH)}
        and len(data) > 51_000
    )
    b.close()


# -- remote: batches and blank nodes ---------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from running(start_oxigraph, tmp_path_factory.mktemp("oxigraph-load"))


def test_remote_blank_nodes_survive_batching(oxigraph_server: Server, tmp_path: Path):
    """A blank node used across INSERT DATA batches stays one node (skolemised)."""
    f = tmp_path / "bnodes.ttl"
    body = "".join(f"_:hub <{EX}member> <{EX}m{i}> .\n" for i in range(REMOTE_BATCH * 2 + 10))
    f.write_text(body + f"<{EX}root> <{EX}hub> _:hub .\n")
    store = RemoteStore(oxigraph_server.query_url, oxigraph_server.update_url)
    load(store, [f])
    rows = store.select(
        f"SELECT (COUNT(DISTINCT ?h) AS ?n) (COUNT(?m) AS ?k) WHERE {{ <{EX}root> <{EX}hub> ?h . ?h <{EX}member> ?m }}"
    )
    assert int(rows[0]["n"].value) == 1 and int(rows[0]["k"].value) == REMOTE_BATCH * 2 + 10
    assert store.select(f"SELECT ?h WHERE {{ <{EX}root> <{EX}hub> ?h }}")[0]["h"].value.startswith(
        "https://kgraph.dev/.well-known/genid/"
    )


# -- the command line ------------------------------------------------------------------------


def test_cli_load_report_and_sources(cli, tmp_path: Path):
    f = tmp_path / "data.ttl"
    f.write_text(SAMPLES["data.ttl"])
    store = str(tmp_path / "store")
    r = cli("--store", store, "load", str(f), "--format", "json")
    assert r.code == 0, r.stderr
    rep = json.loads(r.stdout)
    assert (
        rep["files"][0]["source"] == source_iri(f)
        and rep["quads"] == 3
        and rep["files"][0]["replaced"] is False
    )
    r = cli("--store", store, "sources", "--format", "json")
    assert json.loads(r.stdout)["sources"] == [
        {
            "source": source_iri(f),
            "file": "data.ttl",
            "graphs": [source_iri(f)],
            "quads": 7,
            "origin": "loaded",
            "path": str(f.resolve()),
        }
    ]
    r = cli("--store", store, "unload", "data.ttl")
    assert r.code == 0 and "removed 7 quads" in r.stderr


@pytest.mark.slow
def test_cli_errors(kgraph_proc, tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <https://example.org/> .\nex:a ex:b "unterminated .\n')
    store = str(tmp_path / "store")
    r = kgraph_proc("--store", store, "load", str(bad))
    assert r.code == 2 and r.stderr.startswith(f"kgraph: {bad}:2:") and "Traceback" not in r.stderr
    r = kgraph_proc("--store", store, "load", str(tmp_path / "missing.ttl"))
    assert r.code == 2 and "no such file" in r.stderr
    r = kgraph_proc("load", str(bad))  # the default store: a bad file changes nothing
    assert r.code == 2 and r.stderr.startswith(f"kgraph: {bad}:2:")
    r = kgraph_proc("--store", store, "unload", "nothing.ttl")
    assert r.code == 1 and "no loaded source" in r.stderr


def test_library_facade(tmp_path: Path):
    f = tmp_path / "data.nt"
    f.write_text(SAMPLES["data.nt"])
    kg = KnowledgeGraph("memory:", writable=True)
    assert kg.load([f]).files[0].quads == 3
    assert kg.unload("data.nt") == 7


def test_sources_table_names_the_graphs_of_every_loaded_file(cli, tmp_path: Path):
    """The graphs column was empty for a Turtle file (the stranger's item 18): a file whose
    triples go into its own graph lists that graph; a TriG file lists its named graphs."""
    for name in ("data.ttl", "data.trig"):
        (tmp_path / name).write_text(SAMPLES[name])
    store = str(tmp_path / "store")
    r = cli("--store", store, "load", str(tmp_path / "data.ttl"), str(tmp_path / "data.trig"))
    assert r.code == 0, r.stderr
    r = cli("--store", store, "sources")
    assert r.code == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows[0] == ["source", "file", "origin", "quads", "graphs"]
    graphs = {row[1]: row[4] for row in rows[1:]}
    assert graphs == {"data.ttl": source_iri("data.ttl"), "data.trig": EX + "g1"}


def test_a_named_graph_a_file_brings_is_a_source_answers_cite(tmp_path: Path):
    """A TriG file's own named graph counts as a source: `ask` answers from it and cites it by
    its name, as `show` does (a stranger's TriG of notes was shown but never answered from);
    it is listed with the file it came in, and goes with it."""
    f = tmp_path / "notes.trig"
    f.write_text(
        "@prefix kg: <https://kgraph.dev/ontology#> . "
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<{EX}graphs/my-notes> {{\n"
        f'  <{EX}w> a kg:Film ; skos:prefLabel "Harbour Lights"@en .\n'
        f'  <{EX}a> a kg:Person ; skos:prefLabel "Min Seo-ah"@en ; kg:actedIn <{EX}w> .\n'
        f'  <{EX}b> a kg:Person ; skos:prefLabel "Oh Dae-ho"@en ; kg:actedIn <{EX}w> .\n'
        "}\n"
    )
    kg = KnowledgeGraph("memory:", writable=True)
    with pytest.raises(UnknownEntity):  # asked before: what ask derived is dropped by the load
        kg.ask("co-stars of Min Seo-ah")
    kg.load([f])
    ans = kg.ask("co-stars of Min Seo-ah")
    assert [(a.label, a.sources) for a in ans.answers] == [("Oh Dae-ho", (f"{EX}graphs/my-notes",))]
    assert any(line.startswith("my-notes") for line in ans.legend)
    arts = {a.iri: a for a in kg.articles()}
    assert arts[f"{EX}graphs/my-notes"].loaded  # listed with its file, not as a bundled article
    kg.unload("notes.trig")
    with pytest.raises(UnknownEntity):
        kg.ask("co-stars of Min Seo-ah")
    assert f"{EX}graphs/my-notes" not in {a.iri for a in kg.articles()}
