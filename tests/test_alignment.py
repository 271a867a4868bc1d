"""Other people's vocabularies read as kgraph data, with no conversion step: schema.org and
Wikidata through the ontology's own alignments, any other vocabulary through a user-loaded OWL
mapping. Checked on every kind of store (embedded, memory, live Oxigraph, live Virtuoso)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import Server, running, start_oxigraph, start_virtuoso

from kgraph import KnowledgeGraph
from kgraph.alignment import EXTRA_AXIOMS, align, compile_axioms, read_axioms
from kgraph.build import open_store
from kgraph.loading import source_iri

VOCAB = Path(__file__).parent / "data" / "vocab"
FILES = [VOCAB / "schema-org.ttl", VOCAB / "wikidata.ttl", VOCAB / "custom.ttl"]
MAPPING = VOCAB / "custom-mapping.ttl"
KG = "https://kgraph.dev/ontology#"


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from running(start_oxigraph, tmp_path_factory.mktemp("oxigraph-align"))


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from running(start_virtuoso, tmp_path_factory.mktemp("virtuoso-align"))


@pytest.fixture(scope="module", params=["embedded", "memory", "oxigraph", "virtuoso"])
def foreign(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """A store holding the three foreign-vocabulary files and the mapping (loaded with --map)."""
    if request.param == "embedded":
        spec, update = str(tmp_path_factory.mktemp("align") / "store"), None
    elif request.param == "memory":
        spec, update = "memory:", None
    else:
        server: Server = request.getfixturevalue(f"{request.param}_server")
        spec, update = server.query_url, server.update_url
    kg = KnowledgeGraph(spec, update_url=update, writable=True)
    kg.load(FILES, map=[MAPPING])
    yield kg
    kg.close()


def _rows(kg: KnowledgeGraph, query: str, *names: str) -> list[tuple[str, ...]]:
    return sorted(tuple(r[n].value for n in names) for r in kg.sparql(query).rows)


def test_cast_in_every_vocabulary(foreign: KnowledgeGraph):
    got = _rows(
        foreign,
        """SELECT ?w ?p WHERE { ?work kg:castMember ?a .
        ?work skos:prefLabel ?w . ?a skos:prefLabel ?p }""",
        "w",
        "p",
    )
    assert got == [
        ("Glass Orchard", "Kang Yu-rim"),
        ("Glass Orchard", "Oh Jin-ho"),  # Wikidata P161
        ("Night Signal", "Han A-ra"),
        ("Night Signal", "Seo Min-jae"),  # schema.org PerformanceRole
        ("Paper Harbour", "Gu Tae-il"),
        ("Paper Harbour", "Seo Min-jae"),  # schema:actor
        ("Tide of Letters", "Cha Eun-woo K"),
        ("Tide of Letters", "Do Hye-rim"),  # mapped, incl. inverseOf
        ("Winter Station", "Lim Chan-mi"),
        ("Winter Station", "Oh Jin-ho"),
    ]


def test_acted_in_and_worked_on_are_derived(foreign: KnowledgeGraph):
    got = _rows(
        foreign,
        """SELECT ?w WHERE { ?a skos:prefLabel "Oh Jin-ho"@en ; kg:actedIn ?work .
        ?work skos:prefLabel ?w }""",
        "w",
    )
    assert got == [("Glass Orchard",), ("Winter Station",)]
    crew = _rows(
        foreign,
        """SELECT ?p WHERE { ?work skos:prefLabel "Night Signal"@en . ?a kg:workedOn ?work .
        ?a skos:prefLabel ?p }""",
        "p",
    )
    assert crew == [("Baek Do-yun",), ("Han A-ra",), ("Moon Ha-eun",), ("Seo Min-jae",)]


@pytest.mark.parametrize(
    "prop,expected",
    [
        (
            "director",
            [
                ("Glass Orchard", "Ryu Ji-won"),
                ("Night Signal", "Moon Ha-eun"),
                ("Tide of Letters", "Jin So-ra"),
            ],
        ),
        ("screenwriter", [("Glass Orchard", "Nam Seok-hwan"), ("Night Signal", "Moon Ha-eun")]),
        ("musicBy", [("Glass Orchard", "Ha Eun-bi"), ("Night Signal", "Baek Do-yun")]),
    ],
)
def test_crew_properties(foreign: KnowledgeGraph, prop: str, expected):
    got = _rows(
        foreign,
        f"""SELECT ?w ?p WHERE {{ ?work kg:{prop} ?x .
        ?work skos:prefLabel ?w . ?x skos:prefLabel ?p }}""",
        "w",
        "p",
    )
    assert got == expected


def test_credits_and_performances_are_nodes(foreign: KnowledgeGraph):
    """The n-ary nodes the rest of kgraph reads (roles in ``shared``, characters in ``show``)."""
    roles = _rows(
        foreign,
        """SELECT ?p ?r WHERE { ?c a kg:Credit ; kg:creditedPerson ?x ; kg:role ?role ;
        kg:inWork ?work . ?work skos:prefLabel "Night Signal"@en . ?x skos:prefLabel ?p .
        ?role skos:prefLabel ?r }""",
        "p",
        "r",
    )
    assert roles == [
        ("Baek Do-yun", "music director"),
        ("Moon Ha-eun", "director"),
        ("Moon Ha-eun", "screenwriter"),
    ]
    chars = _rows(
        foreign,
        """SELECT ?w ?a ?c WHERE { ?perf a kg:Performance ; kg:inWork ?work ;
        kg:performer ?x ; kg:character ?ch . ?work skos:prefLabel ?w . ?x skos:prefLabel ?a .
        ?ch skos:prefLabel ?c }""",
        "w",
        "a",
        "c",
    )
    assert chars == [
        ("Glass Orchard", "Kang Yu-rim", "Gardener Seo"),
        ("Night Signal", "Han A-ra", "Detective Yoon"),
        ("Night Signal", "Seo Min-jae", "The Caller"),
    ]


def test_classes(foreign: KnowledgeGraph):
    got = _rows(
        foreign,
        """SELECT ?l ?c WHERE { ?x a ?class ; skos:prefLabel ?l
        VALUES (?class ?c) { (kg:Film "Film") (kg:TVSeries "TVSeries") (kg:Character "Character") } }""",
        "l",
        "c",
    )
    assert got == [
        ("Detective Yoon", "Character"),
        ("Gardener Seo", "Character"),
        ("Glass Orchard", "Film"),
        ("Night Signal", "Film"),
        ("Paper Harbour", "TVSeries"),
        ("The Caller", "Character"),
        ("Tide of Letters", "Film"),
        ("Winter Station", "TVSeries"),
    ]
    people = _rows(foreign, "SELECT ?l WHERE { ?x a kg:Person ; skos:prefLabel ?l }", "l")
    assert len(people) == 14


def test_dates_give_years_and_releases(foreign: KnowledgeGraph):
    got = _rows(foreign, "SELECT ?w ?y WHERE { ?work kg:year ?y ; skos:prefLabel ?w }", "w", "y")
    assert got == [("Glass Orchard", "2019"), ("Night Signal", "2021"), ("Paper Harbour", "2023")]
    rel = _rows(
        foreign,
        """SELECT ?w ?d WHERE { ?r a kg:Release ; kg:releaseOf ?work ; kg:date ?d .
        ?work skos:prefLabel ?w }""",
        "w",
        "d",
    )
    assert rel == [
        ("Glass Orchard", "2019-11-20T00:00:00Z"),
        ("Night Signal", "2021-05-07"),
        ("Paper Harbour", "2023-02-10"),
    ]


def test_labels_one_preferred_others_alternative(foreign: KnowledgeGraph):
    got = _rows(
        foreign,
        """SELECT ?pref ?alt WHERE { ?x skos:prefLabel ?pref ; skos:altLabel ?alt
        FILTER (STRSTARTS(STR(?x), "http://www.wikidata.org/") || STRSTARTS(STR(?x), "https://example.org/")) }""",
        "pref",
        "alt",
    )
    assert got == [
        ("Glass Orchard", "유리 과수원"),
        ("Han A-ra", "Han Ara"),
        ("Kang Yu-rim", "강유림"),
    ]
    n = foreign.sparql(
        """SELECT ?x (COUNT(?l) AS ?n) WHERE { ?x skos:prefLabel ?l } GROUP BY ?x HAVING (COUNT(?l) > 1)"""
    )
    assert n.rows == []


def test_derived_triples_keep_the_provenance_of_their_file(foreign: KnowledgeGraph):
    got = _rows(
        foreign,
        """SELECT ?g WHERE { GRAPH ?g { ?w kg:castMember ?p } ?p skos:prefLabel "Gu Tae-il"@en }""",
        "g",
    )
    assert got == [(source_iri("schema-org.ttl"),)]
    got = _rows(foreign, """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?w kg:director ?p } }""", "g")
    assert got == sorted((source_iri(f.name),) for f in FILES)


def test_search_and_show_read_foreign_data(foreign: KnowledgeGraph):
    hits = foreign.search("han ara")
    assert hits and hits[0].label == "Han A-ra"
    card = foreign.show("Glass Orchard")
    assert card.iri == "http://www.wikidata.org/entity/Q900001" and "Film" in card.types
    wdt = "http://www.wikidata.org/prop/direct/"
    facts = {(f.predicate, f.object) for f in card.facts}
    # the card may show a fact once under an equivalent property (kg:director = wdt:P57)
    assert facts & {
        (KG + "director", "http://www.wikidata.org/entity/Q900010"),
        (wdt + "P57", "http://www.wikidata.org/entity/Q900010"),
    }
    assert facts & {
        (KG + "castMember", "http://www.wikidata.org/entity/Q900020"),
        (wdt + "P161", "http://www.wikidata.org/entity/Q900020"),
    }
    assert (KG + "year", "2019") in facts


def test_alignment_is_idempotent(foreign: KnowledgeGraph):
    store = foreign.store
    n = len(store)
    from kgraph.build import materialise
    from kgraph.loading import loaded_sources

    align(store, [g for s in loaded_sources(store) for g in s["graphs"]])

    materialise(store)
    assert len(store) == n


def test_mapping_loaded_after_the_data_realigns_it(tmp_path: Path):
    kg = KnowledgeGraph(open_store("memory:"))
    kg.load([VOCAB / "custom.ttl"])
    assert kg.sparql("ASK { ?w kg:director ?p }").boolean is False
    kg.load([MAPPING])
    assert kg.sparql("ASK { ?w kg:director ?p }").boolean is True
    assert _rows(kg, "SELECT ?l WHERE { ?x a kg:Film ; skos:prefLabel ?l }", "l") == [
        ("Tide of Letters",)
    ]


def test_unmapped_vocabulary_is_left_alone():
    kg = KnowledgeGraph(open_store("memory:"))
    kg.load([VOCAB / "custom.ttl"])
    assert kg.sparql("ASK { ?x a kg:Person }").boolean is False
    assert kg.sparql("ASK { ?x a kg:Film }").boolean is False


def test_compile_axioms_follows_chains_and_inverses():
    al = compile_axioms(
        [
            (
                "urn:v:stars",
                "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
                "https://schema.org/actor",
            ),
            ("urn:v:playedIn", "http://www.w3.org/2002/07/owl#inverseOf", "urn:v:stars"),
            (
                "https://kgraph.dev/ontology#castMember",
                "http://www.w3.org/2002/07/owl#equivalentProperty",
                "https://schema.org/actor",
            ),
        ]
    )
    assert al.properties["urn:v:stars"] == {(KG + "castMember", False)}
    assert al.properties["urn:v:playedIn"] == {(KG + "castMember", True)}
    assert al.properties["http://schema.org/actor"] == {(KG + "castMember", False)}  # http variant


def test_the_ontology_aligns_what_the_issue_names():
    store = open_store("memory:")
    al = compile_axioms(read_axioms(store))
    for cls, k in [
        ("https://schema.org/Movie", "Film"),
        ("https://schema.org/TVSeries", "TVSeries"),
        ("https://schema.org/Person", "Person"),
        ("https://schema.org/PerformanceRole", "Performance"),
        ("http://www.wikidata.org/entity/Q11424", "Film"),
        ("http://www.wikidata.org/entity/Q5", "Person"),
    ]:
        assert KG + k in al.classes[cls], cls
    wdt = "http://www.wikidata.org/prop/direct/"
    for prop, k in [
        ("https://schema.org/actor", "castMember"),
        ("https://schema.org/director", "director"),
        ("https://schema.org/author", "screenwriter"),
        ("https://schema.org/musicBy", "musicBy"),
        ("https://schema.org/characterName", "character"),
        ("https://schema.org/datePublished", "date"),
        (wdt + "P161", "castMember"),
        (wdt + "P57", "director"),
        (wdt + "P58", "screenwriter"),
        (wdt + "P86", "musicBy"),
        (wdt + "P453", "characterRole"),
        (wdt + "P577", "date"),
        ("http://www.wikidata.org/prop/qualifier/P453", "characterRole"),
    ]:
        assert (KG + k, False) in al.properties[prop], prop
    assert len(EXTRA_AXIOMS) < 15  # reading conventions stay few; the ontology carries the rest


def test_foreign_quads_are_untouched(foreign: KnowledgeGraph):
    """Alignment adds; the user's own triples stay as they were."""
    src = ox.NamedNode(source_iri("schema-org.ttl"))
    rows = foreign.store.select(
        "SELECT ?o WHERE { GRAPH ?g { ?w <https://schema.org/director> ?o } }", {"g": src}
    )
    assert [r["o"].value for r in rows] == ["https://example.org/films/moon-ha-eun"]


@pytest.mark.parametrize(
    "question,answers",
    [
        ("who directed Night Signal", ["Moon Ha-eun"]),  # schema:director
        ("who directed Glass Orchard", ["Ryu Ji-won"]),  # wdt:P57
        ("who directed Tide of Letters", ["Jin So-ra"]),  # mapped mdb:helmedBy
        ("co-stars of Oh Jin-ho", ["Kang Yu-rim", "Lim Chan-mi"]),
        ("who played The Caller", ["Seo Min-jae"]),  # schema:characterName
        ("who played Gardener Seo", ["Kang Yu-rim"]),  # pq:P453
    ],
)
def test_ask_reads_foreign_data(foreign: KnowledgeGraph, question: str, answers: list[str]):
    got = foreign.ask(question)
    assert sorted(a.label for a in got.answers) == answers
    assert all(a.sources for a in got.answers)


def test_path_and_shared_read_foreign_data(foreign: KnowledgeGraph):
    p = foreign.path("Han A-ra", "Gu Tae-il").to_json()
    assert p["hops"] == 2
    assert [[n["label"] for n in path] for path in p["paths"]] == [
        ["Han A-ra", "Night Signal", "Seo Min-jae", "Paper Harbour", "Gu Tae-il"]
    ]
    s = foreign.shared("Han A-ra", "Seo Min-jae").to_json()
    assert [w["label"] for w in s["works"]] == ["Night Signal"]
    assert [r["label"] for r in s["works"][0]["a"]["roles"]] == ["Detective Yoon"]
