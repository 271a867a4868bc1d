"""`kgraph export --vocabulary schema|wikidata`: the shapes those communities use, and round trips."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph import KnowledgeGraph
from kgraph.errors import KGraphError, UsageError
from kgraph.export import export

# One phrasing of every kind of question `ask` answers (the intents of kgraph.patterns).
QUESTIONS = [
    "co-stars of Jeon Jong-seo",
    "which works do Jeon Jong-seo and Kim Ji-hoon share?",
    "collaborators of Park Yu-rim",
    "repeat collaborators of Jeon Jong-seo",
    "cast of Ballerina",
    "who acted in The Call",
    "cast of Money Heist: Korea",
    "who directed Ballerina?",
    "who wrote Ballerina?",
    "who wrote Uncle Vanya",
    "who did the music for Ballerina?",
    "crew of Ballerina",
    "crew of Uncle Vanya",
    "what has Park Yu-rim been in?",
    "which films has Jeon Jong-seo been in?",
    "what series has Kim Ji-hoon been in?",
    "what has Lee Chung-hyun directed?",
    "who played Ok-ju?",
    "who played Tokyo?",
    "which character did Jeon Jong-seo play in Ballerina?",
    "characters of Ballerina",
    "roles of Lee Chung-hyun",
    "Jeon Jong-seo's roles",
    "when was Ballerina released?",
    "what year did The Call come out?",
    "year of Burning",
    "where did Ballerina premiere?",
    "when did Ballerina premiere?",
    "premiere of Ballerina",
    "awards of Jeon Jong-seo",
    "what awards has Jeon Jong-seo won?",
    "what was Kim Ji-hoon nominated for?",
    "who is Jeon Jong-seo dating?",
    "how are Park Shin-hye and Kim Ji-hoon connected?",
    "who is Park Yu-rim?",
    "what is Ballerina?",
    "where do the sources disagree?",
    "disagreements about Park Yu-rim",
]

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
"""


def _answers(kg: KnowledgeGraph) -> dict[str, list]:
    out: dict[str, list] = {}
    for q in QUESTIONS:
        try:
            a = kg.ask(q)
        except KGraphError as e:
            out[q] = [f"error: {e}"]
            continue
        # a detail listing several works lists them in store order: compare them as a set
        out[q] = sorted(
            (x.label, " | ".join(sorted((x.detail or "").split(" | "))), tuple(sorted(x.sources)))
            for x in a.answers
        )
    return out


@pytest.fixture(scope="module")
def bundled_answers(kg) -> dict[str, list]:
    return _answers(kg)


@pytest.fixture(scope="module")
def exports(store) -> dict[str, bytes]:
    return {v: export(store, "trig", vocabulary=v) for v in ("schema", "wikidata")}  # type: ignore[misc]


def _raw(data: bytes) -> ox.Store:
    """The export as it is, in a plain SPARQL store (no kgraph alignment): what others see."""
    s = ox.Store()
    s.load(data, format=ox.RdfFormat.TRIG)
    return s


def _ask(s: ox.Store, query: str) -> bool:
    return bool(s.query(PREFIXES + query, use_default_graph_as_union=True))


def _rows(s: ox.Store, query: str) -> list[tuple[str, ...]]:
    res = s.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]  # type: ignore[union-attr]
    return sorted(
        tuple(sol[n].value if sol[n] is not None else "" for n in names)  # type: ignore[union-attr]
        for sol in res  # type: ignore[union-attr]
    )


@pytest.mark.parametrize("vocabulary", ["schema", "wikidata"])
def test_round_trip_gives_the_same_answers(
    vocabulary: str, exports, bundled_answers, tmp_path: Path
):
    f = tmp_path / f"graph-{vocabulary}.trig"
    f.write_bytes(exports[vocabulary])
    kg = KnowledgeGraph("memory:", writable=True)
    kg.load([f])
    assert _answers(kg) == bundled_answers
    assert all(not v or not str(v[0]).startswith("error") for v in bundled_answers.values())


def test_wikidata_answers_the_wdqs_cast_with_character_query(exports):
    s = _raw(exports["wikidata"])
    # the pattern of WDQS's own examples: cast members of a film with their character roles
    rows = _rows(
        s,
        """SELECT DISTINCT ?actorLabel ?characterLabel WHERE {
             ?film wdt:P31 wd:Q11424 ; rdfs:label "Ballerina"@en ; p:P161 ?statement .
             ?statement ps:P161 ?actor .
             ?actor rdfs:label ?actorLabel .
             OPTIONAL { ?statement pq:P453 ?character . ?character rdfs:label ?characterLabel }
           }""",
    )
    assert rows == [
        ("Jeon Jong-seo", "Ok-ju"),
        ("Kim Ji-hoon", "Choi Pro"),
        ("Park Yu-rim", "Min-hee"),
    ]


def test_wikidata_shapes(exports):
    s = _raw(exports["wikidata"])
    assert not _ask(s, "ASK { ?x rdf:type wd:Q5 }")  # classes are P31 statements
    assert _ask(s, "ASK { ?x wdt:P31 wd:Q5 ; rdfs:label 'Jeon Jong-seo'@en }")
    assert not _ask(s, "ASK { ?x wdt:P179 ?y }")
    assert _rows(
        s, "SELECT DISTINCT ?l WHERE { ?w wdt:P8345 ?f ; rdfs:label ?l FILTER (LANG(?l) = 'en') }"
    ) == [("La casa de papel",), ("Money Heist: Korea – Joint Economic Area",)]
    # the publication date on the work, never on an event
    assert _rows(s, "SELECT DISTINCT ?d WHERE { ?w wdt:P577 ?d ; rdfs:label 'Ballerina'@en }") == [
        ("2023-10-06",)
    ]
    assert not _ask(s, "ASK { ?e wdt:P577 ?d FILTER NOT EXISTS { ?e wdt:P31 ?c } }")
    # countries as items: a person's citizenship, a work's country of origin
    assert _ask(s, "ASK { ?p wdt:P31 wd:Q5 ; wdt:P27 wd:Q884 }")
    assert _ask(s, "ASK { ?w rdfs:label 'La casa de papel'@en ; wdt:P495 wd:Q29 }")


def test_schema_org_shapes(exports):
    s = _raw(exports["schema"])
    # Movie -> actor -> PerformanceRole -> actor Person, characterName (schema.org's own example)
    rows = _rows(
        s,
        """SELECT DISTINCT ?name ?character WHERE {
             ?m a schema:Movie ; schema:name "Ballerina"@en ; schema:actor ?role .
             ?role a schema:PerformanceRole ; schema:actor ?p ; schema:characterName ?character .
             ?p a schema:Person ; schema:name ?name FILTER (LANG(?name) = "en") }""",
    )
    assert rows == [
        ("Jeon Jong-seo", "Ok-ju"),
        ("Kim Ji-hoon", "Choi Pro"),
        ("Park Yu-rim", "Min-hee"),
    ]
    assert _rows(
        s,
        "SELECT DISTINCT ?n WHERE { ?m a schema:Movie ; schema:name 'Ballerina'@en ; schema:director/schema:name ?n }",
    ) == [("Lee Chung-hyun",)]
    assert _ask(s, "ASK { ?s a schema:TVSeries ; schema:name ?n }")
    assert _ask(s, "ASK { ?s a schema:Play ; schema:name 'Uncle Vanya'@en }")
    assert not _ask(s, "ASK { ?s a schema:TheaterEvent }")
    assert not _ask(s, "ASK { ?p a schema:Person ; schema:countryOfOrigin ?c }")
    assert _ask(s, "ASK { ?w a schema:TVSeries ; schema:countryOfOrigin 'ES' }")
    assert _ask(s, "ASK { ?e a schema:ScreeningEvent ; schema:workPresented ?w }")
    # every cast member through a role, as schema.org's examples do: no bare Movie actor Person
    assert not _ask(s, "ASK { ?m a schema:Movie ; schema:actor ?p . ?p a schema:Person }")


def test_both_schema_org_namespaces_read_back(exports, tmp_path: Path, bundled_answers):
    # schema.org's own JSON-LD context expands to http://schema.org/: the same export in http
    http = exports["schema"].replace(b"https://schema.org/", b"http://schema.org/")
    f = tmp_path / "http-schema.trig"
    f.write_bytes(http)
    kg = KnowledgeGraph("memory:", writable=True)
    kg.load([f])
    assert _answers(kg) == bundled_answers


def test_cli_vocabulary(cli, tmp_path: Path):
    r = cli("export", "--vocabulary", "wikidata", "-f", "nquads")
    assert r.code == 0 and "<http://www.wikidata.org/prop/direct/P31>" in r.stdout
    r = cli("export", "--vocabulary", "schema", "-o", str(tmp_path / "g.jsonld"))
    assert r.code == 0, r.stderr
    back = ox.Store()
    back.load((tmp_path / "g.jsonld").read_bytes(), format=ox.RdfFormat.JSON_LD)
    assert _ask(back, "ASK { ?m a schema:Movie ; schema:actor ?r . ?r a schema:PerformanceRole }")
    r = cli("export", "--vocabulary", "dublin")
    assert r.code == 2 and "unknown vocabulary" in r.stderr
    r = cli("export", "--vocabulary", "schema", "-f", "csv")
    assert r.code == 2
    with pytest.raises(UsageError):
        export(KnowledgeGraph().store, "turtle", ontology=True, vocabulary="schema")
