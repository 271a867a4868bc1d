"""Format detection (extension, then content) and JSON-LD contexts without the network."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph.build import open_store
from kgraph.errors import InputError, UsageError
from kgraph.formats import MissingContext, detect, inline_contexts, sniff
from kgraph.loading import load, source_iri
from kgraph.store import OxigraphStore

PERSON = "https://kgraph.dev/id/person/sniffed"
NAME = "http://schema.org/name"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# One fact (a person and her name) in every syntax; RDF-star adds a statement about a triple.
SYNTAXES = {
    "Turtle": f'@prefix s: <http://schema.org/> .\n<{PERSON}> a s:Person ; s:name "Sniffed" .\n',
    "N-Triples": f'<{PERSON}> <{TYPE}> <http://schema.org/Person> .\n<{PERSON}> <{NAME}> "Sniffed" .\n',
    "N-Quads": f"<{PERSON}> <{TYPE}> <http://schema.org/Person> <urn:g> .\n"
    f'<{PERSON}> <{NAME}> "Sniffed" <urn:g> .\n',
    "TriG": f'@prefix s: <http://schema.org/> .\n<urn:g> {{ <{PERSON}> a s:Person ; s:name "Sniffed" . }}\n',
    "JSON-LD": json.dumps(
        {"@context": "https://schema.org/", "@id": PERSON, "@type": "Person", "name": "Sniffed"}
    ),
    "RDF/XML": f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="http://schema.org/">
  <s:Person rdf:about="{PERSON}"><s:name>Sniffed</s:name></s:Person>
</rdf:RDF>
""",
    # Turtle-star as neosemantics writes it (*.ttls): plain Turtle 1.2 to the parser
    "Turtle-star": f'@prefix s: <http://schema.org/> .\n<{PERSON}> a s:Person ; s:name "Sniffed" .\n'
    f'<< <{PERSON}> a s:Person >> s:description "stated by a test" .\n',
    "N-Triples-star": f'<{PERSON}> <{TYPE}> <http://schema.org/Person> .\n<{PERSON}> <{NAME}> "Sniffed" .\n'
    f'<urn:a> <urn:says> <<( <{PERSON}> <{NAME}> "Sniffed" )>> .\n',
}
EXPECTED = {
    "Turtle": "Turtle",
    "N-Triples": "N-Triples",
    "N-Quads": "N-Quads",
    "TriG": "TriG",
    "JSON-LD": "JSON-LD",
    "RDF/XML": "RDF/XML",
    "Turtle-star": "Turtle",
    "N-Triples-star": "N-Triples",
}
# a missing extension, an unknown one, and a known one that says the wrong thing
NAMES = ["data", "data.txt", "data.dat", "data.json", "data.ttl"]


def _expected(syntax: str, name: str) -> str:
    """The extension is trusted while its parser reads the file (Turtle reads N-Triples)."""
    if name.endswith(".ttl") and EXPECTED[syntax] in ("Turtle", "N-Triples"):
        return "Turtle"
    return EXPECTED[syntax]


@pytest.mark.parametrize("syntax", sorted(s for s in SYNTAXES if not s.endswith("-star")))
@pytest.mark.parametrize("name", NAMES)
def test_every_syntax_loads_without_format(tmp_path: Path, syntax: str, name: str):
    f = tmp_path / name
    f.write_text(SYNTAXES[syntax])
    store = open_store("memory:")
    if syntax.endswith("-star"):
        # told apart and parsed, then refused: kgraph keeps to RDF 1.1 data (issue 15)
        assert detect(f).name == EXPECTED[syntax] or name.endswith((".json", ".ttl"))
        with pytest.raises(InputError, match="triple terms"):
            load(store, [f])
        return
    info = load(store, [f]).files[0]
    # a wrong extension is tried first, then the content decides
    assert info.format == _expected(syntax, name)
    names = store.select(
        "SELECT ?n WHERE { ?p <http://schema.org/name> ?n }", {"p": ox.NamedNode(PERSON)}
    )
    assert [r["n"].value for r in names] == ["Sniffed"]
    # aligned like any load: the schema.org person is a kgraph person with that label
    assert store.ask(
        "ASK { ?p a kg:Person ; skos:prefLabel 'Sniffed' }", {"p": ox.NamedNode(PERSON)}
    )
    assert source_iri(f) in {g for g in store.named_graphs()}


@pytest.mark.parametrize("syntax", ["Turtle-star", "N-Triples-star"])
@pytest.mark.parametrize("name", NAMES)
def test_star_syntaxes_are_told_then_refused(tmp_path: Path, syntax: str, name: str):
    """RDF-star files are recognised, and refused at load with one line (issue 15, item 14:
    triple terms crashed export, show, validate and --inferred)."""
    f = tmp_path / name
    f.write_text(SYNTAXES[syntax])
    store = open_store("memory:")
    before = sorted(map(str, store.quads()))
    with pytest.raises(InputError, match="triple terms"):
        load(store, [f])
    assert sorted(map(str, store.quads())) == before


@pytest.mark.parametrize("syntax", sorted(SYNTAXES))
def test_sniff_tells_each_syntax(syntax: str):
    found = sniff(SYNTAXES[syntax].encode())
    assert found is not None and found.name == EXPECTED[syntax]


def test_ttls_and_extension_rules(tmp_path: Path):
    f = tmp_path / "export.ttls"
    f.write_text(SYNTAXES["Turtle"])  # neosemantics writes .ttls for plain Turtle too
    assert detect(f).name == "Turtle"
    store = open_store("memory:")
    assert load(store, [f]).files[0].format == "Turtle"
    star = tmp_path / "star.ttls"
    star.write_text(SYNTAXES["Turtle-star"])
    with pytest.raises(InputError, match="triple terms"):  # RDF 1.2 is refused (issue 15)
        load(store, [star])
    words = tmp_path / "words"
    words.write_text("not rdf at all, only words\n")
    with pytest.raises(
        UsageError, match="cannot tell the RDF format from the extension or the content"
    ):
        detect(words)
    with pytest.raises(UsageError, match="unknown RDF format"):
        detect(f, "yaml")


def test_a_wrong_extension_with_a_real_error_reports_the_extensions_format(tmp_path: Path):
    f = tmp_path / "broken.ttl"
    f.write_text('@prefix s: <http://schema.org/> .\n<urn:a> s:name "open .\n')
    with pytest.raises(Exception, match=r"broken.ttl"):
        load(open_store("memory:"), [f])


def test_stdin_loads_without_format(cli, tmp_path: Path):
    store = str(tmp_path / "store")
    for syntax in ("N-Quads", "JSON-LD", "RDF/XML", "Turtle"):
        r = cli("--store", store, "load", "-", "--format", "json", input=SYNTAXES[syntax])
        assert r.code == 0, r.stderr
        rep = json.loads(r.stdout)
        assert rep["files"][0]["format"] == EXPECTED[syntax]
        assert rep["files"][0]["source"].endswith("/stdin")


# -- JSON-LD contexts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "context",
    [
        "https://schema.org/",
        "http://schema.org/",
        "https://schema.org",
        "http://schema.org",
        "https://schema.org/docs/jsonldcontext.json",
        ["https://schema.org/", {"ex": "https://example.org/"}],
    ],
)
def test_schema_org_context_loads_offline(tmp_path: Path, context):
    doc = {
        "@context": context,
        "@type": "Movie",
        "@id": "https://example.org/film/1",
        "name": "A Film",
        "actor": {"@type": "Person", "@id": "https://example.org/p/1", "name": "An Actor"},
    }
    f = tmp_path / "film.jsonld"
    f.write_text(json.dumps(doc))
    store = open_store("memory:")
    load(store, [f])
    rows = store.select(
        "SELECT ?who WHERE { <https://example.org/film/1> kg:castMember ?p . ?p skos:prefLabel ?who }"
    )
    assert [r["who"].value for r in rows] == ["An Actor"]


def test_missing_context_is_named(tmp_path: Path):
    f = tmp_path / "other.jsonld"
    f.write_text(json.dumps({"@context": "https://w3id.org/other/context.jsonld", "name": "x"}))
    store = open_store("memory:")
    with pytest.raises(
        MissingContext, match=r"https://w3id.org/other/context.jsonld is not shipped"
    ):
        load(store, [f])
    assert isinstance(MissingContext("x"), InputError)  # exit 2, like every bad input


def test_missing_context_on_the_command_line(kgraph_proc, tmp_path: Path):
    f = tmp_path / "other.jsonld"
    f.write_text(json.dumps({"@context": "https://example.org/ctx.jsonld", "name": "x"}))
    r = kgraph_proc("--store", str(tmp_path / "s"), "load", str(f))
    assert r.code == 2 and "https://example.org/ctx.jsonld is not shipped" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_local_context_by_relative_path(tmp_path: Path):
    (tmp_path / "ctx.jsonld").write_text(json.dumps({"@context": {"@vocab": "http://schema.org/"}}))
    f = tmp_path / "person.jsonld"
    f.write_text(
        json.dumps({"@context": "ctx.jsonld", "@id": PERSON, "@type": "Person", "name": "Sniffed"})
    )
    store = OxigraphStore()
    load(store, [f])
    assert store.ask(
        "ASK { ?p a kg:Person ; skos:prefLabel 'Sniffed' }", {"p": ox.NamedNode(PERSON)}
    )


def test_inline_contexts_leaves_other_text_alone():
    assert inline_contexts(b"not json @context", Path("x")) == b"not json @context"
    inline = b'{"@context": {"@vocab": "urn:v:"}, "a": 1}'
    assert inline_contexts(inline, Path("x")) == inline


# -- the format registry ----------------------------------------------------------------------


def test_registry_takes_extensions_and_media_types_from_pyoxigraph():
    from kgraph.formats import REGISTRY

    for f in REGISTRY:
        lib = f.rdf or f.results
        if lib is not None:
            assert f.all_extensions[0] == "." + lib.file_extension
            assert f.media_type == lib.media_type
            # every other media type kgraph accepts names the same format to pyoxigraph too
            for m in f.all_media_types:
                kind = type(lib)
                assert kind.from_media_type(m) in (lib, None), (f.name, m)
        assert f.all_extensions and f.all_media_types, f.name


def test_names_and_extensions_are_one_list_per_family():
    from kgraph.export import EXTENSIONS as EXPORT_EXTENSIONS
    from kgraph.export import FORMATS, format_for
    from kgraph.formats import EXTENSIONS, NAMES, REGISTRY
    from kgraph.results import GRAPH_FORMATS, TABULAR_FORMATS
    from kgraph.server import GRAPH_MEDIA, SOLUTION_MEDIA

    rdf = [f for f in REGISTRY if f.family == "rdf"]
    assert {n for f in rdf if f.read for n in (f.name, *f.aliases)} == set(NAMES)
    assert FORMATS == (
        "turtle",
        "ntriples",
        "nquads",
        "trig",
        "jsonld",
        "xml",
        "graphml",
        "gexf",
        "csv",
    )
    assert TABULAR_FORMATS == ("json", "csv", "tsv", "xml")
    assert GRAPH_FORMATS == ("turtle", "ntriples", "jsonld")
    assert set(SOLUTION_MEDIA) == set(TABULAR_FORMATS)
    assert set(GRAPH_MEDIA) == {*GRAPH_FORMATS, "xml"}
    # what export writes to an extension is what load reads from it
    for ext, name in EXPORT_EXTENSIONS.items():
        assert format_for(f"out{ext}", None) == name
        if name in FORMATS[:6]:
            assert EXTENSIONS[ext] == next(f.rdf for f in rdf if f.name == name), ext


@pytest.mark.parametrize(
    "ext",
    [".ttl", ".ttls", ".nt", ".ntriples", ".nq", ".nquads", ".trig", ".jsonld", ".rdf", ".owl"],
)
def test_export_then_load_by_extension(tmp_path: Path, ext: str):
    """A file ``kgraph export -o`` writes loads back by its extension alone (``out.nquads`` was
    written as Turtle before the registry)."""
    from kgraph.export import export, format_for

    src = OxigraphStore()
    src.update(f'INSERT DATA {{ GRAPH <urn:g> {{ <{PERSON}> <{NAME}> "Sniffed" }} }}')
    src.refresh_merged()
    path = tmp_path / f"out{ext}"
    data = export(src, format_for(path, None))
    assert isinstance(data, bytes)
    path.write_bytes(data)
    dst = OxigraphStore()
    load(dst, [path])
    assert dst.ask(f'ASK {{ <{PERSON}> <{NAME}> "Sniffed" }}')


@pytest.mark.parametrize("gz", [False, True])
def test_rdf_syntax_errors_name_the_line_alike_when_building_and_loading(tmp_path: Path, gz: bool):
    """One conversion of the parser's error (formats.rdf_syntax_error): the bad line's own text,
    decompressed for a .gz file, whether the file is built (in memory) or loaded (streamed)."""
    import gzip

    from kgraph.build import parse_file
    from kgraph.errors import RdfSyntaxError

    body = b'<urn:a> <urn:p> "ok" .\n<urn:a> <urn:p> "broken .\n'
    path = tmp_path / ("bad.nt.gz" if gz else "bad.nt")
    path.write_bytes(gzip.compress(body) if gz else body)
    readers = [lambda: load(OxigraphStore(), [path])]
    if not gz:  # the build reads the bundled (uncompressed) files only
        readers.append(lambda: parse_file(path))
    errors = []
    for read in readers:
        with pytest.raises(RdfSyntaxError) as e:
            read()
        errors.append((e.value.position.line, e.value.position.source_line))
    assert errors == [(2, '<urn:a> <urn:p> "broken .')] * len(readers)
