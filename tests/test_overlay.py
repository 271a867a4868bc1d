"""The user's own files beside the bundled graph: load/unload on the default store, reconciliation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kgraph import KnowledgeGraph
from kgraph.errors import AmbiguousName, KGraphError, UsageError
from kgraph.loading import UnknownSource, source_iri
from kgraph.overlay import BundledSource, Manifest, data_dir

P = "https://kgraph.dev/id/person/"
W = "https://kgraph.dev/id/work/"
S = "https://kgraph.dev/id/source/"

# A schema.org file as sites publish it (remote context, http://schema.org/ terms after expansion)
SCHEMA_FILE = {
    "@context": "https://schema.org/",
    "@graph": [
        {
            "@id": "https://example.org/people/jjs",
            "@type": "Person",
            "name": "Jeon Jong-seo",
            "birthDate": "1994-07-05",
            "sameAs": "http://www.wikidata.org/entity/Q100000001",
        },
        {
            "@id": "https://example.org/films/the-call",
            "@type": "Movie",
            "name": "The Call",
            "actor": [{"@id": "https://example.org/people/jjs"}],
        },
        # the same name as a person of the graph, and nothing else: unsure
        {"@id": "https://example.org/people/kim", "@type": "Person", "name": "Kim Ji-hoon"},
    ],
}

# A Wikidata-shaped file: wdt:P31 for classes, statement nodes with a character qualifier
WIKIDATA_FILE = """\
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix p: <http://www.wikidata.org/prop/> .
@prefix ps: <http://www.wikidata.org/prop/statement/> .
@prefix pq: <http://www.wikidata.org/prop/qualifier/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .

wd:Q100000001 wdt:P31 wd:Q5 ; rdfs:label "Jeon Jong-seo"@en , "전종서"@ko .
wd:Q100000002 wdt:P31 wd:Q5 ; rdfs:label "Park Shin-hye"@en .
wd:Q100000003 wdt:P31 wd:Q11424 ; rdfs:label "The Call"@en ;
    wdt:P161 wd:Q100000001 , wd:Q100000002 ;
    p:P161 [ ps:P161 wd:Q100000002 ; pq:P453 wd:Q100000004 ] .
wd:Q100000004 rdfs:label "Seo-yeon"@en .
"""

QUESTIONS = [
    "co-stars of Jeon Jong-seo",
    "who acted in The Call",
    "which works do Jeon Jong-seo and Kim Ji-hoon share?",
    "what has Jeon Jong-seo worked on",
    "collaborators of Park Shin-hye",
    "who played Ok-ju?",
]


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    a = tmp_path / "jjs.jsonld"
    a.write_text(json.dumps(SCHEMA_FILE))
    b = tmp_path / "wikidata.ttl"
    b.write_text(WIKIDATA_FILE)
    return {"schema": a, "wikidata": b}


def _answers(kg: KnowledgeGraph) -> dict[str, list]:
    out: dict[str, list] = {}
    for q in QUESTIONS:
        try:
            a = kg.ask(q)
        except KGraphError as e:  # an ambiguous name is an answer too
            out[q] = [str(e)]
            continue
        out[q] = sorted((x.label, x.detail, tuple(x.sources)) for x in a.answers)
    return out


def _quads(kg: KnowledgeGraph) -> set[str]:
    return {str(q) for q in kg.store.quads()}


@pytest.mark.slow
def test_load_reconcile_cite_both_and_unload_restores(user_dir: Path, files):
    kg = KnowledgeGraph()
    before, quads_before = _answers(kg), _quads(kg)
    kg.close()

    report = kg.load([files["schema"]])
    merged = {m["local"]: m["target"] for m in report.merged}
    assert merged == {
        "https://example.org/people/jjs": P + "jeon-jong-seo",
        "https://example.org/films/the-call": W + "the-call",
    }
    assert [p["local"] for p in report.pending] == ["https://example.org/people/kim"]
    assert (user_dir / "files" / "jjs.jsonld").is_file()

    report = kg.load([files["wikidata"]])
    merged = {m["local"]: (m["target"], m["reason"]) for m in report.merged}
    # the Wikidata item the first file named: the same thing by identifier
    assert merged["http://www.wikidata.org/entity/Q100000001"] == (
        P + "jeon-jong-seo",
        "same identifier wd:Q100000001; shared work: The Call",
    )
    assert merged["http://www.wikidata.org/entity/Q100000002"][0] == P + "park-shin-hye"
    assert merged["http://www.wikidata.org/entity/Q100000003"][0] == W + "the-call"

    # one entity each, answering by name and by either file's IRI
    assert kg.resolve("Jeon Jong-seo").iri == P + "jeon-jong-seo"
    assert kg.resolve("http://www.wikidata.org/entity/Q100000001").iri == P + "jeon-jong-seo"
    assert kg.resolve("<https://example.org/people/jjs>").iri == P + "jeon-jong-seo"
    assert [m.iri for m in kg.search("Jeon Jong-seo", types=["Person"])][:1] == [
        P + "jeon-jong-seo"
    ]
    # answers cite both the bundled articles and the files
    cast = {a.label: a.sources for a in kg.ask("who acted in The Call").answers}
    assert S + "s000" in cast["Jeon Jong-seo"] or "s000" in " ".join(cast["Jeon Jong-seo"])
    assert source_iri("jjs.jsonld") in cast["Jeon Jong-seo"]
    assert source_iri("wikidata.ttl") in cast["Park Shin-hye"]
    card = kg.show("Jeon Jong-seo")
    cited = {s for f in card.facts for s in f.sources}
    assert {S + "s000", source_iri("jjs.jsonld"), source_iri("wikidata.ttl")} <= cited
    births = [f for f in card.facts if f.predicate.endswith("birthDate")]
    assert [(f.object, f.sources) for f in births] == [("1994-07-05", [source_iri("jjs.jsonld")])]

    srcs = {s["file"]: s["origin"] for s in kg.sources()}
    assert srcs["jjs.jsonld"] == srcs["wikidata.ttl"] == "user"
    assert sum(1 for o in srcs.values() if o == "bundled") == 6  # five articles + curation

    # unloading both restores the bundled graph's answers exactly, quad for quad
    kg.unload("jjs.jsonld")
    kg.unload(source_iri("wikidata.ttl"))
    assert _answers(kg) == before
    assert _quads(kg) == quads_before
    assert not (user_dir / "files" / "jjs.jsonld").exists()
    kg.close()


@pytest.mark.slow
def test_unsure_matches_are_listed_then_accepted_or_rejected(user_dir: Path, files):
    kg = KnowledgeGraph()
    kg.load([files["schema"]])
    pending = kg.reconcile()
    assert [(p["label"], p["reason"]) for p in pending] == [
        ("Kim Ji-hoon", "the name matches but no fact agrees")
    ]
    assert pending[0]["candidates"][0]["iri"] == P + "kim-ji-hoon"
    # never merged silently: two entities share the name until the user decides
    with pytest.raises(AmbiguousName):
        kg.resolve("Kim Ji-hoon")
    assert kg.resolve("https://example.org/people/kim").iri == "https://example.org/people/kim"

    assert kg.reconcile(reject=["1"]) == []
    with pytest.raises(AmbiguousName):
        kg.resolve("Kim Ji-hoon")
    assert Manifest.read().decisions[0]["decision"] == "reject"
    kg.close()

    # reload: the rejection stands; a fresh file's same entity can be accepted by its IRI
    kg.load([files["schema"]])
    assert kg.reconcile() == []
    other = files["schema"].with_name("kim.jsonld")
    other.write_text(
        json.dumps(
            {
                "@context": "https://schema.org/",
                "@id": "https://example.org/other/kim",
                "@type": "Person",
                "name": "Kim Ji-hoon",
            }
        )
    )
    kg.load([other])
    assert [p["local"] for p in kg.reconcile()] == ["https://example.org/other/kim"]
    assert kg.reconcile(accept=["<https://example.org/other/kim>"]) == []
    assert kg.resolve("https://example.org/other/kim").iri == P + "kim-ji-hoon"
    card = kg.show("person:kim-ji-hoon")
    assert source_iri("kim.jsonld") in {s for f in card.facts for s in f.sources}
    kg.close()


@pytest.mark.slow
def test_user_data_survives_a_cache_wipe(user_dir: Path, files):
    kg = KnowledgeGraph()
    kg.load([files["schema"]])
    expected = _answers(kg)
    kg.close()
    from kgraph.build import cache_dir

    for p in cache_dir().glob("overlay-*"):
        shutil.rmtree(p)
    kg = KnowledgeGraph()
    assert _answers(kg) == expected  # rebuilt from the copies in KGRAPH_DATA_DIR
    assert data_dir() == user_dir
    kg.close()


def test_bundled_sources_cannot_be_unloaded(user_dir: Path):
    kg = KnowledgeGraph()
    for name in ("s000", "source:s003", S + "s001"):
        with pytest.raises(BundledSource, match="is part of the bundled graph"):
            kg.unload(name)
    with pytest.raises(UnknownSource):
        kg.unload("never-loaded.ttl")
    assert issubclass(BundledSource, UsageError)


@pytest.mark.slow
def test_cli_overlay(cli, user_dir: Path, files):
    r = cli("load", str(files["schema"]), "--format", "json")
    assert r.code == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["store"] == "default" and rep["data_dir"] == str(user_dir)
    assert {m["target"] for m in rep["reconciled"]} == {P + "jeon-jong-seo", W + "the-call"}
    r = cli("sources", "--format", "json")
    origins = {s["file"]: s["origin"] for s in json.loads(r.stdout)["sources"]}
    assert origins["jjs.jsonld"] == "user"
    r = cli("sources")
    assert "s000" in r.stdout and "jjs.jsonld\tuser" in r.stdout  # the articles, then your files
    r = cli("reconcile")
    assert r.code == 0 and "Kim Ji-hoon" in r.stdout and "no fact agrees" in r.stdout
    r = cli("reconcile", "--accept", "7")
    assert r.code == 2 and "no unsure match '7'" in r.stderr
    r = cli("unload", "s002")
    assert r.code == 2 and "part of the bundled graph" in r.stderr
    r = cli("unload", "nothing.ttl")
    assert r.code == 1 and "no loaded source" in r.stderr
    r = cli("ask", "co-stars of person:jeon-jong-seo", "--format", "json")
    assert r.code == 0 and "Park Shin-hye" in {a["label"] for a in json.loads(r.stdout)["answers"]}
    r = cli("path", "person:jeon-jong-seo", "https://kgraph.dev/id/person/kim-ji-hoon")
    assert r.code == 0, r.stderr
    # the file's own IRI names the graph's entity it was linked to, everywhere a name goes
    r = cli("path", "https://example.org/people/jjs", "Park Yu-rim", "--format", "json")
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["from"]["iri"] == P + "jeon-jong-seo"
    r = cli("query", "co-stars", "-p", "person=<https://example.org/people/jjs>", "-f", "json")
    assert r.code == 0, r.stderr
    assert "Park Shin-hye" in r.stdout
    r = cli("show", "https://example.org/people/jjs", "--format", "json")
    assert json.loads(r.stdout)["iri"] == P + "jeon-jong-seo"
    r = cli("unload", "jjs.jsonld")
    assert r.code == 0 and "unloaded jjs.jsonld" in r.stderr
    r = cli("reconcile")
    assert r.code == 0 and "no unsure matches" in r.stderr
    r = cli("--store", "memory:", "reconcile")
    assert r.code == 2


def test_a_bad_file_changes_nothing(user_dir: Path, tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n")
    kg = KnowledgeGraph()
    with pytest.raises(Exception, match="bad.ttl"):
        kg.load([bad])
    assert not (user_dir / "manifest.json").exists()
    assert [s["origin"] for s in kg.sources()] == ["bundled"] * 6


def test_the_docs_examples_are_the_files_tested_here():
    examples = Path(__file__).resolve().parents[1] / "docs" / "examples"
    assert json.loads((examples / "jeon-jong-seo.jsonld").read_text()) == SCHEMA_FILE
    assert (examples / "the-call.wikidata.ttl").read_text() == WIKIDATA_FILE
