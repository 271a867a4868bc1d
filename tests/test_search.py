"""The shared name matcher (kgraph.linking) and `kgraph search`.

Spellings are read from the graph itself: every preferred and alternative label of every
person, character and work must find its own entity first.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict

import pyoxigraph as ox
import pytest

from kgraph import linking
from kgraph.build import compile_into
from kgraph.errors import AmbiguousName, UnknownEntity, UsageError
from kgraph.linking import Match, normalise, resolve, romanised_key, search
from kgraph.store import OxigraphStore

TOP_CLASSES = ("Person", "Character", "Work")
KG = "https://kgraph.dev/ontology#"


def spellings(store):
    """(entity IRI, class, spelling) for every label of every person, character and work."""
    rows = store.select(
        """SELECT DISTINCT ?e ?top ?l WHERE {
             VALUES ?top { kg:Person kg:Character kg:Work }
             ?e a/rdfs:subClassOf* ?top .
             { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l } }"""
    )
    return sorted({(r["e"].value, r["top"].value.rsplit("#", 1)[1], r["l"].value) for r in rows})


@pytest.fixture(scope="module")
def all_spellings(store):
    found = spellings(store)
    assert len(found) > 80  # the five sources spell many names several ways
    return found


@pytest.fixture(scope="module")
def owners(all_spellings):
    """normalised spelling -> the entities of each class that carry it."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for iri, top, label in all_spellings:
        out[(top, normalise(label))].add(iri)
    return out


def test_every_spelling_finds_its_entity_first(store, all_spellings, owners):
    for iri, top, label in all_spellings:
        sharing = owners[(top, normalise(label))]
        if len(sharing) == 1:
            assert resolve(store, label, types=[top]).iri == iri, label
            assert search(store, label, types=[top])[0].iri == iri, label
        else:  # two entities of one class spelt alike: the matcher must say so, not guess
            with pytest.raises(AmbiguousName) as e:
                resolve(store, label, types=[top])
            assert iri in {c.iri for c in e.value.candidates}


def test_every_unique_spelling_resolves_without_a_type(store, all_spellings):
    by_spelling: dict[str, set[str]] = defaultdict(set)
    for iri, _, label in store_labels(store):
        by_spelling[label].add(iri)
    for iri, _, label in all_spellings:
        if by_spelling[label] == {iri}:
            top = search(store, label)[0]
            assert (top.iri, top.stage) == (iri, "exact"), label


def store_labels(store):
    rows = store.select(
        "SELECT DISTINCT ?e ?l WHERE { { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l } }"
    )
    return [(r["e"].value, None, r["l"].value) for r in rows]


@pytest.mark.parametrize(
    "text, iri",
    [
        ("Jeon Jongseo", "person/jeon-jong-seo"),
        ("Kim Jihoon", "person/kim-ji-hoon"),
        ("Park Yoorim", "person/park-yu-rim"),
        ("Lee Choonghyun", "person/lee-chung-hyun"),
        ("jeon jong seo", "person/jeon-jong-seo"),
        ("JEON JONG-SEO", "person/jeon-jong-seo"),
        ("Jong-seo Jeon", "person/jeon-jong-seo"),  # given name first
        ("Ji-hoon Kim", "person/kim-ji-hoon"),
        ("Gim Ji-hun", "person/kim-ji-hoon"),
        ("Pak Yu Rim", "person/park-yu-rim"),
        ("Rhee Chung-hyeon", "person/lee-chung-hyun"),
        ("Yi Chunghyun", "person/lee-chung-hyun"),
        ("Yu Jitae", "person/yoo-ji-tae"),
        ("Park Sin-hye", "person/park-shin-hye"),
        ("Jŏn Chong-sŏ", "person/jeon-jong-seo"),  # McCune-Reischauer, breves and all
        ("Ok-joo", "character/ballerina--ok-ju"),
        ("Baek Heesung", "character/flower-of-evil--baek-hee-sung"),
        ("Young Suk", "character/the-call--young-sook"),
        ("seoyeon", "character/the-call--seo-yeon"),
        ("the call", "work/the-call"),
        ("BALLERINA", "work/ballerina"),
    ],
)
def test_variants_the_sources_do_not_use(store, all_spellings, text, iri):
    assert text not in {label for _, _, label in all_spellings}
    m = resolve(store, text)
    assert m.iri == "https://kgraph.dev/id/" + iri
    assert m.stage in ("normalised", "romanised")
    assert search(store, text)[0].iri == m.iri


def test_match_fields(store):
    m = resolve(store, "Park Yoorim")
    assert isinstance(m, Match)
    assert (m.label, m.type, m.stage) == ("Park Yu-rim", "Person", "normalised")
    assert m.alias in {"Park Yoo Rim", "Park Yu Rim", "Park Yu-rim"}
    exact = resolve(store, "Ballerina")
    assert (exact.type, exact.stage, exact.score) == ("Film", "exact", 1.0)
    assert set(m.to_json()) >= {"iri", "label", "type", "score", "alias", "stage"}


def test_stages_rank_in_order(store):
    texts = {"exact": "Kim Ji-hoon", "normalised": "kim jihoon", "romanised": "Gim Jihun"}
    scores = {stage: resolve(store, t).score for stage, t in texts.items()}
    assert {stage: resolve(store, t).stage for stage, t in texts.items()} == {s: s for s in texts}
    assert scores["exact"] > scores["normalised"] > scores["romanised"]
    fuzzy = search(store, "Kim Ji-hon")[0]  # a letter short: fuzzy, or romanised as hon = hun
    assert fuzzy.iri.endswith("kim-ji-hoon") and fuzzy.score < scores["exact"]


@pytest.mark.parametrize(
    "text, near",
    [
        ("Kim Ji-won", "Kim Ji-hoon"),  # a different person with a similar name
        ("Park Shin-hae", "Park Shin-hye"),
        ("Song Kang-ho", None),  # nobody like him in the graph
        ("Ballerinas of Paris", None),
    ],
)
def test_unknown_names_are_never_replaced(store, text, near):
    with pytest.raises(UnknownEntity) as e:
        resolve(store, text)
    assert len(e.value.suggestions) <= 5
    assert e.value.exit_code == 1
    if near:
        assert near in [s.label for s in e.value.suggestions]
        assert near in str(e.value)


def test_fuzzy_resolves_only_a_near_certain_typo(store):
    assert resolve(store, "Jeon Jong-so").iri.endswith("jeon-jong-seo")  # one letter short
    with pytest.raises(UnknownEntity):
        resolve(store, "Jeon")


def test_ambiguous_name_lists_both(store_with_twin):
    with pytest.raises(AmbiguousName) as e:
        resolve(store_with_twin, "Kim Ji-hoon")
    assert {c.iri for c in e.value.candidates} == {
        "https://kgraph.dev/id/person/kim-ji-hoon",
        "https://kgraph.dev/id/person/kim-ji-hoon-2",
    }
    assert e.value.exit_code == 1 and "ambiguous" in str(e.value)
    # the type separates them when they are of different classes
    assert resolve(store_with_twin, "Tokyo", types=["Character"]).iri.endswith(
        "character/money-heist-korea-joint-economic-area--tokyo"
    )
    with pytest.raises(AmbiguousName):
        resolve(store_with_twin, "Tokyo")


@pytest.fixture(scope="module")
def store_with_twin():
    """The bundled graph plus a second Kim Ji-hoon and a film called Tokyo."""
    s = OxigraphStore()
    compile_into(s)
    g = ox.NamedNode("https://kgraph.dev/graph/curation")
    skos = "http://www.w3.org/2004/02/skos/core#prefLabel"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for iri, cls, label in (
        ("person/kim-ji-hoon-2", "Person", "Kim Ji-hoon"),
        ("work/tokyo", "Film", "Tokyo"),
    ):
        node = ox.NamedNode("https://kgraph.dev/id/" + iri)
        s.raw.add(ox.Quad(node, ox.NamedNode(rdf_type), ox.NamedNode(KG + cls), g))
        s.raw.add(ox.Quad(node, ox.NamedNode(skos), ox.Literal(label, language="en"), g))
    # a spelling in Hangul, as a Korean source would give it
    s.raw.add(
        ox.Quad(
            ox.NamedNode("https://kgraph.dev/id/person/jeon-jong-seo"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
            ox.Literal("전종서", language="ko"),
            ox.NamedNode("https://kgraph.dev/id/source/s000"),
        )
    )
    s.refresh_merged()  # written through raw: the merged default graph is brought up to date
    return s


@pytest.mark.parametrize("big", [False, True], ids=["indexed", "prefiltered"])
def test_labels_in_other_scripts(store_with_twin, monkeypatch, big):
    if big:
        monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
    linking.forget(store_with_twin)
    try:
        m = resolve(store_with_twin, "전종서")
        assert (m.iri, m.stage) == ("https://kgraph.dev/id/person/jeon-jong-seo", "exact")
        decomposed = unicodedata.normalize("NFD", "전종서")  # the same name, in other code points
        assert resolve(store_with_twin, decomposed).stage == "normalised"
    finally:
        linking.forget(store_with_twin)


def test_type_filter_counts_subclasses(store):
    works = search(store, "Money Heist", types=["Work"])
    assert works and {m.type for m in works} <= {"Film", "TVSeries", "Play"}
    assert works[0].iri.endswith("money-heist-korea-joint-economic-area")
    assert search(store, "Ballerina", types=["Work"])[0].iri.endswith("work/ballerina")
    # a film is not a series, and a character is not a person: the filter leaves nothing
    assert search(store, "Ballerina", types=["TVSeries"]) == []
    assert search(store, "Money Heist")[0].type == "Franchise"
    assert search(store, "ok ju", types=["person"]) == []
    assert search(store, "ok ju")[0].type == "Character"
    # and where something of the type matches, the filter keeps it and only it
    series = search(store, "Money Heist", types=["TVSeries"])
    assert series and {m.type for m in series} == {"TVSeries"}
    assert series[0].iri.endswith("money-heist-korea-joint-economic-area")
    people = search(store, "Jeon", types=["person"])
    assert people and {m.type for m in people} == {"Person"}
    with pytest.raises(UsageError, match="unknown type"):
        search(store, "x", types=["Spaceship"])


def test_one_entry_per_entity_best_first(store):
    results = search(store, "Jeon Jong Seo", limit=10)
    iris = [m.iri for m in results]
    assert len(iris) == len(set(iris))
    assert [m.score for m in results] == sorted((m.score for m in results), reverse=True)
    assert results[0].stage == "exact"
    assert len(search(store, "Kim", limit=1)) == 1


def test_keys():
    assert normalise("  Jeon  Jong-Seo ") == "jeon jongseo"
    assert normalise("Léa") == "lea"
    same = [
        ("Yoo Ji-tae", "Yu Jitae"),
        ("Kim Ji-hoon", "Gim Jihun"),
        ("Park Yu-rim", "Pak Yoo Rim"),
        ("Lee Chung-hyun", "Yi Choonghyun"),
        ("Jeon Jong-seo", "Jon Chongso"),
        ("Shin", "Sin"),
        ("Lim", "Im"),
        ("Rhee", "Lee"),
    ]
    for a, b in same:
        assert romanised_key(a, joined=True) == romanised_key(b, joined=True), (a, b)
    # where the spaces and hyphens fall does not change the key
    for a, b, c in (
        ("Ji Rim", "Ji-rim", "Jirim"),
        ("Min Na", "Min-na", "Minna"),
        ("Ah Woo", "Ah-woo", "Ahwoo"),
        ("Min Gyu", "Min-gyu", "Mingyu"),
        ("Chung-hyun Rhee", "Chunghyun Rhee", "Chung Hyun Rhee"),
    ):
        assert (
            romanised_key(a, joined=True)
            == romanised_key(b, joined=True)
            == romanised_key(c, joined=True)
        )
    assert romanised_key("Kim Ji-won") != romanised_key("Kim Ji-hoon")
    assert linking.loose_key("Jeong") == linking.loose_key("Jung")


# -- injection through the search text ------------------------------------------------------

HOSTILE = [
    'Jeon" } ; DROP ALL ; #',
    "Ballerina' || true || '",
    '"}} UNION { ?e ?p ?o } #',
    "}; CLEAR ALL; SELECT * WHERE {",
    ".*",
    "(?i)",
    "\\",
    "Kim.*Ji",
    "<https://kgraph.dev/id/person/jeon-jong-seo>",
    "x\nINSERT DATA { <urn:a> <urn:b> <urn:c> }",
]


def _snapshot(store):
    return sorted(str(q) for q in store.quads())


@pytest.mark.parametrize("big", [False, True], ids=["indexed", "prefiltered"])
def test_injection_through_search_text(store_with_twin, monkeypatch, big):
    s = store_with_twin
    if big:  # force the per-call SPARQL prefilter used for big stores
        monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
        linking.forget(s)
    before = _snapshot(s)
    entities = {r["e"].value for r in s.select("SELECT DISTINCT ?e WHERE { ?e skos:prefLabel ?l }")}
    try:
        for text in HOSTILE:
            results = search(s, text, limit=5)
            assert len(results) <= 5
            assert {m.iri for m in results} <= entities
            # punctuation carries no meaning: the text matches as its words alone would
            words = normalise(text)
            assert (
                [m.iri for m in results] == [m.iri for m in search(s, words, limit=5)]
                if words
                else results == []
            )
            try:
                assert resolve(s, text).iri in entities
            except (UnknownEntity, AmbiguousName):
                pass
        assert search(s, ".*") == []
    finally:
        linking.forget(s)
    assert _snapshot(s) == before


def test_prefiltered_search_matches_indexed(store_with_twin, monkeypatch):
    s = store_with_twin
    texts = [
        "Jeon Jongseo",
        "Park Yoorim",
        "Lee Choonghyun",
        "Gim Ji-hun",
        "Ok Ju",
        "the call",
        "Money Heist",
    ]
    linking.forget(s)
    indexed = {t: [(m.iri, m.stage) for m in search(s, t, limit=1)] for t in texts}
    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
    linking.forget(s)
    try:
        assert linking._matcher(s).full is None
        assert {t: [(m.iri, m.stage) for m in search(s, t, limit=1)] for t in texts} == indexed
    finally:
        linking.forget(s)


# -- the command ---------------------------------------------------------------------------


def test_cli_search_json(cli):
    r = cli("search", "park yoorim", "--format", "json")
    assert r.code == 0
    doc = json.loads(r.stdout)
    top = doc["results"][0]
    assert set(top) >= {"iri", "label", "type", "score"}
    assert (top["iri"], top["label"], top["type"]) == (
        "https://kgraph.dev/id/person/park-yu-rim",
        "Park Yu-rim",
        "Person",
    )
    assert isinstance(top["score"], float) and 0 < top["score"] <= 1


def test_cli_search_table_and_type(cli):
    r = cli("search", "Ballerina", "--type", "Film", "--limit", "3")
    assert r.code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "label\ttype\tscore\tmatched\tstage\tiri"
    assert lines[1] == "Ballerina\tFilm\t1.00\tBallerina\texact\twork:ballerina"
    assert len(lines) <= 4


def test_cli_search_nothing_and_bad_type(cli):
    r = cli("search", "zzqqxx", "--format", "json")
    assert r.code == 1 and json.loads(r.stdout)["results"] == []
    r = cli("search", "x", "--type", "Spaceship")
    assert r.code == 2 and "unknown type" in r.stderr


def test_forgetting_a_store_drops_every_index_derived_from_it():
    """After a change (ingest, reconcile) both the name index and ask's fact index are rebuilt."""
    from kgraph.factbase import facts_of

    s = OxigraphStore()
    compile_into(s)
    fb, m = facts_of(s), linking._matcher(s)
    assert facts_of(s) is fb and linking._matcher(s) is m  # built once per store
    linking.forget(s)
    assert facts_of(s) is not fb and linking._matcher(s) is not m


RESOLVE_TEXTS = [
    ("Jeon Jong-seo", None),
    ("jeon jong-seo", None),  # found by the capitalised spelling
    ("JEON JONG-SEO", None),  # found as title case ("Jeon Jong-Seo" is an alias)
    ("jeon jongseo", None),  # no such spelling: the prefilter scan
    ("Jeon Jongseo", None),
    ("Kim Ji-hoon", ["Person"]),
    ("Ballerina", None),
    ("Ballerina", ["Person"]),  # the exact label is a work's: not settled by it
    ("Ballerina", ["Work"]),
    ("전종서", None),
    ("Money Heist", None),
    ("Ok Ju", None),
    ("Nobody Atall", None),
]


def _outcome(store, text, types):
    try:
        m = resolve(store, text, types=types)
        return (m.iri, m.stage)
    except (UnknownEntity, AmbiguousName) as e:
        return type(e).__name__


def test_resolve_on_a_big_store_matches_the_full_index(store_with_twin, monkeypatch):
    """The exact-spelling lookup a big store tries first gives what the full index gives."""
    s = store_with_twin
    linking.forget(s)
    indexed = {(t, str(ty)): _outcome(s, t, ty) for t, ty in RESOLVE_TEXTS}
    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
    linking.forget(s)
    try:
        m = linking._matcher(s)
        assert m.full is None
        assert m.exact_for("jeon jong-seo") is not None
        assert m.exact_for("jeon jongseo") is None and m.exact_for("Nobody Atall") is None
        assert {(t, str(ty)): _outcome(s, t, ty) for t, ty in RESOLVE_TEXTS} == indexed
    finally:
        linking.forget(s)
    assert indexed[("Jeon Jong-seo", "None")][0].endswith("person/jeon-jong-seo")


def test_ask_on_a_big_store_scans_the_labels_only_for_words_no_label_explains(monkeypatch):
    """On a big store, a question whose names are spelled as their labels (any case; a
    subtitle's colon left out) and IRIs are answered through the store's label index, without
    the prefilter's scan of every label; a name spelled otherwise still is found, by one scan of
    its own words; the answers are those of the full index."""
    from kgraph.questions import ask

    questions = [
        "co-stars of Jeon Jong-seo",
        "co-stars of jeon jong-seo",
        "what projects do Jeon Jong-seo and Kim Ji-hoon share?",
        "who did Jeon Jong-seo play in Money Heist Korea?",
        "co-stars of person:jeon-jong-seo",
        "co-stars of jeon jongseo",
        "co-stars of Nobody Atall",
    ]

    def outcome(s: OxigraphStore, q: str) -> object:
        try:
            a = ask(s, q)
        except (UnknownEntity, AmbiguousName) as e:
            return type(e).__name__
        return sorted(x.iri or x.label for x in a.answers)

    small = OxigraphStore()
    compile_into(small)
    expected = {q: outcome(small, q) for q in questions}
    assert expected["co-stars of jeon jongseo"] == expected["co-stars of Jeon Jong-seo"] != []
    assert expected["co-stars of Nobody Atall"] == "UnknownEntity"

    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
    big = OxigraphStore()
    compile_into(big)
    assert linking._matcher(big).full is None
    scans: list[str] = []
    real = linking._Matcher._candidate_rows

    def counted(self: linking._Matcher, text: str) -> list[dict[str, object]]:
        scans.append(text)
        return real(self, text)

    monkeypatch.setattr(linking._Matcher, "_candidate_rows", counted)
    for q in questions:
        scans.clear()
        assert outcome(big, q) == expected[q], q
        if "jongseo" in q or "Atall" in q:
            assert scans and all(t.casefold() == q.split(" of ")[1].casefold() for t in scans), (
                scans
            )
        else:
            assert scans == [], (q, scans)


# -- a big store: exact spellings through the label index, the scan only when needed -----------


def _scanned(store, text, limit, types=None):
    """search() on a big store as it was before the label index came first: the prefilter's
    candidates (a scan of every label), scored."""
    m = linking._matcher(store)
    ranked = linking._rank(linking._score_all(m.index_for(text), text, m.h.resolve_types(types)))
    return [mt for mt, _ in ranked[:limit]]


@pytest.fixture()
def big_twin(store_with_twin, monkeypatch):
    """``store_with_twin`` read as a big store (no index of every label), queries counted."""
    s = store_with_twin
    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
    linking.forget(s)
    queries: list[str] = []
    select = s.select

    def counted(query, *args, **kw):
        queries.append(query)
        return select(query, *args, **kw)

    monkeypatch.setattr(s, "select", counted)
    assert linking._matcher(s).full is None
    yield s, queries
    monkeypatch.undo()
    linking.forget(s)


def test_big_store_search_gives_the_results_of_the_scan_for_every_spelling(
    big_twin, all_spellings, monkeypatch
):
    s, _ = big_twin
    texts = sorted({label for _, _, label in all_spellings} | {"Kim Ji-hoon", "Tokyo"})
    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 50_000)  # every label held: the meaning
    linking.forget(s)
    indexed = {t: [m.to_json() for m in search(s, t, limit=1)] for t in texts}
    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 5)
    linking.forget(s)
    assert linking._matcher(s).full is None
    for text in texts:
        for limit in (1, 2, 10):
            got = [m.to_json() for m in search(s, text, limit=limit)]
            assert got == [m.to_json() for m in _scanned(s, text, limit)], (text, limit)
        # each spelling finds what the index of every label finds first ("Burning" too, which
        # the scan's patterns missed before they let a vowel keep its dropped r)
        assert [m.to_json() for m in search(s, text, limit=1)] == indexed[text], text


def test_big_store_search_skips_the_scan_when_exact_spellings_fill_the_limit(big_twin):
    s, queries = big_twin
    # "Kim Ji-hoon": two people's preferred label (the bundled one and the twin)
    queries.clear()
    two = search(s, "Kim Ji-hoon", limit=2)
    assert [m.score for m in two] == [1.0, 1.0] and len({m.iri for m in two}) == 2
    assert not any("REGEX" in q for q in queries)  # the label index answered
    assert [m.to_json() for m in two] == [m.to_json() for m in _scanned(s, "Kim Ji-hoon", 2)]
    for text, limit, types in (
        ("Kim Ji-hoon", 3, None),  # a third result can only come from the scan
        ("kim ji-hoon", 1, None),  # spelled otherwise than the label: normalised, not exact
        ("Kim Ji-hoon", 1, ["Film"]),  # no film is spelled so
    ):
        linking.forget(s)
        queries.clear()
        got = search(s, text, limit=limit, types=types)
        assert any("REGEX" in q for q in queries), (text, limit, types)
        assert [m.to_json() for m in got] == [m.to_json() for m in _scanned(s, text, limit, types)]


def test_exact_search_keeps_labels_spelled_so_on_any_store(big_twin, store_with_twin, monkeypatch):
    s, queries = big_twin
    texts = ["Kim Ji-hoon", "Ballerina", "Tokyo", "kim ji-hoon", "Kim Ji", "전종서", "Jeon Jongseo"]
    queries.clear()
    big = {t: [m.to_json() for m in search(s, t, exact=True)] for t in texts}
    assert not any("REGEX" in q for q in queries)  # the label index only, never a scan
    monkeypatch.setattr(linking, "FULL_INDEX_LIMIT", 50_000)
    linking.forget(s)
    assert linking._matcher(s).full is not None
    indexed = {t: [m.to_json() for m in search(s, t, exact=True)] for t in texts}
    # Hangul is a Korean-tagged label: the index of every label holds it, the label index is
    # asked for plain and English labels only
    assert big == {**indexed, "전종서": []}
    assert [(m["label"], m["stage"]) for m in indexed["Kim Ji-hoon"]] == [
        ("Kim Ji-hoon", "exact")
    ] * 2
    assert [m["label"] for m in indexed["전종서"]] == ["Jeon Jong-seo"]
    assert indexed["kim ji-hoon"] == indexed["Kim Ji"] == indexed["Jeon Jongseo"] == []
    # without --exact, the other stages too: "Jeon Jongseo" is Jeon Jong-seo, normalised
    assert [(m.label, m.stage) for m in search(s, "Jeon Jongseo", limit=1)] == [
        ("Jeon Jong-seo", "normalised")
    ]


def test_cli_search_exact(cli):
    r = cli("search", "Ballerina", "--exact")
    assert r.code == 0
    assert r.stdout.splitlines()[1:] == ["Ballerina\tFilm\t1.00\tBallerina\texact\twork:ballerina"]
    r = cli("search", "ballerina", "--exact", "--format", "json")
    assert r.code == 1 and json.loads(r.stdout)["results"] == []


def test_big_store_keeps_the_candidates_of_its_last_texts_only(big_twin):
    """A long-running process asked ever new names keeps the scans of the last RECENT texts."""
    s, queries = big_twin
    by_key = {linking.romanised_key(f"kim zz{i}"): f"kim zz{i}" for i in range(100)}
    texts = list(by_key.values())[: linking.RECENT + 10]  # each its own key: each a scan
    for t in texts:
        search(s, t)
    m = linking._matcher(s)
    assert m._recent is not None and m._recent_rows is not None
    assert len(m._recent) == len(m._recent_rows) == linking.RECENT
    queries.clear()
    search(s, texts[-1])  # among the last: no scan
    assert not any("REGEX" in q for q in queries)
    search(s, texts[0])  # long gone: scanned again
    assert any("REGEX" in q for q in queries)
