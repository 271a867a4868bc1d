"""The curated graph: every entity of the sources, facts attributed to the right sources,
one IRI per real thing, shapes that pass on the data and fail on broken copies."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

P = "https://kgraph.dev/id/"
SRC = P + "source/"

ENTITIES = [
    # people
    ("person/jeon-jong-seo", "Person"),
    ("person/lee-chung-hyun", "Person"),
    ("person/kim-ji-hoon", "Person"),
    ("person/park-yu-rim", "Person"),
    ("person/park-shin-hye", "Person"),
    ("person/gray", "Person"),
    ("person/yoo-ji-tae", "Person"),
    ("person/ryusuke-hamaguchi", "Person"),
    ("person/anton-chekhov", "Person"),
    # works
    ("work/ballerina", "Film"),
    ("work/the-call", "Film"),
    ("work/burning", "Film"),
    ("work/drive-my-car", "Film"),
    ("work/natalie", "Film"),
    ("work/age-of-blood", "Film"),
    ("work/oldboy", "Film"),
    ("work/mona-lisa-and-the-blood-moon", "Film"),
    ("work/money-heist-korea-joint-economic-area", "TVSeries"),
    ("work/flower-of-evil", "TVSeries"),
    ("work/the-glory", "TVSeries"),
    ("work/hellbound", "TVSeries"),
    ("work/d-p", "TVSeries"),
    ("work/the-iron-empress", "TVSeries"),
    ("work/babel", "TVSeries"),
    ("work/the-golden-age-of-daughters-in-law", "TVSeries"),
    ("work/miracle-brothers", "TVSeries"),
    ("work/extraordinary-attorney-woo", "TVSeries"),
    ("work/dxyz", "TVSeries"),
    ("work/my-first-real-love", "Work"),  # no article says film or series
    ("work/behind-every-star", "Work"),  # no article says film or series
    ("work/flower-boy-next-door", "Work"),  # no article says film or series
    ("work/la-casa-de-papel", "TVSeries"),
    ("work/uncle-vanya", "Play"),
    # characters
    ("character/ballerina--ok-ju", "Character"),
    ("character/ballerina--choi-pro", "Character"),
    ("character/ballerina--min-hee", "Character"),
    ("character/the-call--young-sook", "Character"),
    ("character/the-call--seo-yeon", "Character"),
    ("character/money-heist-korea-joint-economic-area--tokyo", "Character"),
    ("character/money-heist-korea-joint-economic-area--denver", "Character"),
    ("character/money-heist-korea-joint-economic-area--the-professor", "Character"),
    ("character/flower-of-evil--baek-hee-sung", "Character"),
    ("character/burning--shin-hae-mi", "Character"),
    ("character/drive-my-car--lee-yoon-a", "Character"),
    ("character/drive-my-car--yusuke-kafuku", "Character"),
    # organisations and events
    ("org/netflix", "StreamingService"),
    ("org/tvn", "Broadcaster"),
    ("event/busan-international-film-festival-2023", "FestivalEdition"),
]


@pytest.mark.parametrize(("path", "cls"), ENTITIES, ids=[e[0] for e in ENTITIES])
def test_entity_present_with_class_and_one_preferred_label(store, path, cls):
    rows = store.select(
        "SELECT ?label WHERE { ?e a ?c ; skos:prefLabel ?label }",
        {"e": ox.NamedNode(P + path), "c": ox.NamedNode("https://kgraph.dev/ontology#" + cls)},
    )
    assert len(rows) == 1, f"{path}: {rows}"


# (source, a fact only that article states, as a SPARQL group pattern)
SOURCE_FACTS = [
    ("s000", "work:ballerina kg:releaseStatus ?x"),
    (
        "s000",
        "?p kg:performer person:park-shin-hye ; kg:character character:the-call--seo-yeon ; kg:inWork work:the-call",
    ),
    ("s000", "work:the-call kg:debutOf person:lee-chung-hyun"),
    (
        "s001",
        "?c kg:creditedPerson person:gray ; kg:role role:music-director ; kg:inWork work:ballerina",
    ),
    (
        "s001",
        "?c kg:creditedPerson person:ryusuke-hamaguchi ; kg:role role:director ; kg:inWork work:drive-my-car",
    ),
    ("s001", "?a kg:recipient person:park-yu-rim ; kg:forWork work:drive-my-car"),
    (
        "s002",
        "?c kg:creditedPerson person:lee-chung-hyun ; kg:role role:screenwriter ; kg:inWork work:ballerina",
    ),
    (
        "s002",
        "?p kg:performer person:kim-ji-hoon ; kg:character character:flower-of-evil--baek-hee-sung ; kg:inWork work:flower-of-evil",
    ),
    ("s002", "?r kg:partner person:jeon-jong-seo , person:lee-chung-hyun ; kg:startDate ?y"),
    ("s002", "?a kg:recipient person:jeon-jong-seo ; kg:category ?cat ; kg:forWork work:the-call"),
    ("s002", "?s kg:screenedWork work:ballerina ; kg:section ?section"),
    ("s003", 'person:jeon-jong-seo skos:altLabel ?l . FILTER (STR(?l) = "Jong Seo")'),
    ("s003", "work:money-heist-korea-joint-economic-area kg:basedOn work:la-casa-de-papel"),
    ("s003", "?r kg:partner person:jeon-jong-seo ; kg:ongoing true"),
    ("s004", "event:busan-international-film-festival-2023 kg:startDate ?d ; kg:endDate ?e"),
    ("s004", 'person:park-yu-rim skos:altLabel ?l . FILTER (STR(?l) = "Park Yoo Rim")'),
    # gender as each article's pronouns give it; the order of works as the articles state it
    ("s000", 'person:lee-chung-hyun kg:gender "male"'),
    ("s001", 'person:gray kg:gender "male"'),
    ("s002", 'person:kim-ji-hoon kg:gender "male"'),
    ("s003", 'person:jeon-jong-seo kg:gender "female"'),
    ("s002", "work:miracle-brothers kg:precedes work:ballerina"),
    ("s003", "work:dxyz kg:precedes work:ballerina"),
]


def test_gender_is_never_stated_for_someone_no_pronoun_names(store):
    rows = store.select("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p kg:gender ?x } }")
    assert {r["p"].value.rsplit("/", 1)[-1] for r in rows} == {
        "jeon-jong-seo",
        "park-yu-rim",
        "kim-ji-hoon",
        "lee-chung-hyun",
        "gray",
    }
    assert not store.ask("ASK { GRAPH source:s004 { ?p kg:gender ?x } }")


@pytest.mark.parametrize(("source", "pattern"), SOURCE_FACTS)
def test_source_specific_facts_are_attributed_to_that_source(store, source, pattern):
    assert store.ask(f"ASK {{ GRAPH source:{source} {{ {pattern} }} }}")


def test_a_fact_stated_by_several_sources_lists_them_all(store):
    rows = store.select(
        """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?p kg:performer person:jeon-jong-seo ;
             kg:character character:ballerina--ok-ju ; kg:inWork work:ballerina } }"""
    )
    assert {r["g"].value for r in rows} == {SRC + f"s00{i}" for i in range(5)}


# Spellings the sources use, and the one entity each must name.
VARIANTS = {
    "person/jeon-jong-seo": [
        "Jeon Jong Seo",
        "Jeon Jong-Seo",
        "Jeon Jong-seo",
        "Jeon Jong-Soo",
        "Jong Seo",
    ],
    "person/lee-chung-hyun": [
        "Lee Chung Hyun",
        "Lee Choong Hyun",
        "Lee Chung-hyun",
        "Chung-Hyun Lee",
        "Chung-hyun Lee",
    ],
    "person/kim-ji-hoon": ["Kim Ji Hoon", "Ji Hun-Kim", "Ji Hoon"],
    "person/park-yu-rim": ["Park Yu Rim", "Park Yu-rim", "Park Yoo Rim", "Yu Rim"],
    "person/park-shin-hye": ["Park Shin Hye"],
    "person/anton-chekhov": ["Anton Chekov"],
    "character/ballerina--ok-ju": ["Ok Ju", "Ok-ju", "Ok Joo"],
    "character/ballerina--choi-pro": ["Choi Pro", "Pro Choi"],
    "character/ballerina--min-hee": ["Min-hee", "Minhee", "Min Hee"],
    "character/the-call--young-sook": ["Young Sook", "Young-Sook"],
    "character/flower-of-evil--baek-hee-sung": ["Baek Hee Sung", "Baek Hi-Sung"],
    "character/money-heist-korea-joint-economic-area--tokyo": ["Tokyo", "Tokio"],
    "work/ballerina": ["Ballerina", "Bailarina"],
    "work/the-call": ["The Call", "The Telephone"],
    "work/money-heist-korea-joint-economic-area": [
        "Money Heist: Korea",
        "House of Paper: Korea",
        "The House of Paper: Korea",
        "Money Heist: Korea - Joint Economic Area",
    ],
    "work/extraordinary-attorney-woo": [
        "Extraordinary Attorney Woo",
        "Woo, A Lawyer Extraordinaire",
    ],
}


@pytest.mark.parametrize(("path", "spelling"), [(p, s) for p, ss in VARIANTS.items() for s in ss])
def test_every_spelling_of_the_sources_names_one_entity(store, path, spelling):
    rows = store.select(
        "SELECT DISTINCT ?e WHERE { ?e skos:prefLabel|skos:altLabel ?l FILTER (STR(?l) = ?s) }",
        {"s": ox.Literal(spelling)},
    )
    assert {r["e"].value for r in rows} == {P + path}


def test_no_entity_has_two_preferred_labels(store):
    rows = store.select("SELECT ?e WHERE { ?e skos:prefLabel ?a , ?b FILTER (?a != ?b) }")
    assert rows == []


def test_shapes_and_ontology_checks_pass_on_the_real_data(kg):
    report = kg.validate()
    assert report.conforms, report.violations


def test_conflicts_list_each_side_with_its_sources(kg):
    conflicts = kg.conflicts()
    kinds = {c.kind for c in conflicts}
    assert {"misattribution", "contradiction", "superseded"} <= kinds
    misattributed = [c for c in conflicts if c.kind == "misattribution"]
    assert any(
        SRC + "s001" in {iri for side in c.claims for iri, _ in side.sources} for c in misattributed
    )
    for c in conflicts:
        assert len(c.claims) >= 2
        assert any(side.sources for side in c.claims)


def test_stats_count_classes_and_facts_per_source(kg):
    s = kg.stats()
    assert s.classes["Person"] >= 9
    assert {iri for iri, _, _ in s.sources} == {SRC + f"s00{i}" for i in range(5)}
    assert all(n > 0 for _, _, n in s.sources)
    assert s.facts == sum(n for _, _, n in s.sources)


BROKEN = """
@prefix kg: <https://kgraph.dev/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix person: <https://kgraph.dev/id/person/> .
@prefix work: <https://kgraph.dev/id/work/> .
@prefix performance: <https://kgraph.dev/id/performance/> .
@prefix source: <https://kgraph.dev/id/source/> .
<https://kgraph.dev/graph/curation> {
  performance:broken a kg:Performance .
  person:jeon-jong-seo skos:prefLabel "Jeon Jongseo (duplicate)"@en .
}
source:s000 {
  performance:broken kg:performer person:jeon-jong-seo , person:kim-ji-hoon ; kg:inWork work:ballerina .
  work:ballerina kg:directr person:lee-chung-hyun .
}
"""


def test_validate_fails_on_a_broken_copy_naming_focus_node_and_constraint(
    project_copy, kgraph_proc, tmp_path
):
    (project_copy / "data" / "zz-broken.trig").write_text(BROKEN, encoding="utf-8")
    env = {"KGRAPH_HOME": str(project_copy), "KGRAPH_CACHE_DIR": str(tmp_path / "cache")}
    r = kgraph_proc("validate", env=env)
    assert r.code == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "a performance has exactly one performer" in r.stdout
    assert "exactly one preferred label" in r.stdout
    assert "kg:directr" in r.stdout and "not defined in the ontology" in r.stdout
    assert "Jeon Jong-seo" in r.stdout or "person:jeon-jong-seo" in r.stdout


def test_collaborations_are_first_class_with_their_shared_works(store):
    rows = store.select(
        """SELECT ?w WHERE { ?c a kg:Collaboration ; kg:collaborator person:jeon-jong-seo , person:kim-ji-hoon ;
                                kg:sharedWork ?w }"""
    )
    assert {r["w"].value for r in rows} == {
        P + "work/ballerina",
        P + "work/money-heist-korea-joint-economic-area",
    }
    assert store.ask("ASK { person:park-shin-hye kg:collaboratedWith person:lee-chung-hyun }")
    assert not store.ask("ASK { ?p kg:collaboratedWith ?p }")
