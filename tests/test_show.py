"""Entity cards (kgraph.cards.show and `kgraph show`): every fact with its sources."""

from __future__ import annotations

import json

import pytest

from kgraph.cards import Card, show
from kgraph.errors import AmbiguousName, UnknownEntity

ID = "https://kgraph.dev/id/"
CURATION = "https://kgraph.dev/graph/curation"


def src(*names: str) -> list[str]:
    return sorted(ID + "source/" + n for n in names)


ALL = src("s000", "s001", "s002", "s003", "s004")


@pytest.fixture(scope="module")
def jeon(store) -> Card:
    return show(store, "Jeon Jong-seo")


@pytest.fixture(scope="module")
def sources(store) -> set[str]:
    return {r["s"].value for r in store.select("SELECT ?s WHERE { ?s a kg:Source }")}


def lines(card: Card) -> dict[str, list[str]]:
    return {f.text: f.sources for f in card.facts}


def test_header(jeon):
    assert (jeon.iri, jeon.label, jeon.types) == (
        ID + "person/jeon-jong-seo",
        "Jeon Jong-seo",
        ["Person"],
    )
    alts = dict(jeon.alt_labels)
    assert alts["Jeon Jong Seo"] == src("s000", "s001", "s003", "s004")
    assert alts["Jeon Jong-Soo"] == src("s002")  # the misspelling, kept with who made it
    assert jeon.description


def test_performances_credits_awards_flattened(jeon, store):
    got = lines(jeon)
    assert got["played Ok-ju in Ballerina"] == ALL
    assert got["played Young-sook in The Call"] == src("s000", "s002")
    assert got["played Tokyo in Money Heist: Korea – Joint Economic Area"] == src("s002", "s003")
    # a source that names no character gets its own line, with only its own name on it
    assert got["acted in Money Heist: Korea – Joint Economic Area"] == src("s000", "s001")
    assert got["won Best Actress, 2021 Baeksang Arts Awards, for The Call"] == src("s002")
    lee = lines(show(store, "Lee Chung-hyun"))
    assert lee["directed Ballerina"] == ALL
    assert lee["wrote the screenplay of Ballerina"] == src("s002")
    assert lee["directed The Call"] == ALL


def test_work_and_character_cards(store):
    ballerina = show(store, "work:ballerina")
    assert ballerina.types == ["Film"]
    got = lines(ballerina)
    assert got["Jeon Jong-seo as Ok-ju"] == ALL
    assert got["directed by Lee Chung-hyun"] == ALL
    assert got["music by GRAY"] == src("s001", "s004")
    assert lines(show(store, "Ok-ju"))["played by Jeon Jong-seo in Ballerina"] == ALL


def test_every_fact_has_sources(store, sources):
    people = [r["e"].value for r in store.select("SELECT ?e WHERE { ?e a kg:Person }")]
    works = [
        r["e"].value for r in store.select("SELECT ?e WHERE { ?e a/rdfs:subClassOf* kg:Work }")
    ]
    chars = [r["e"].value for r in store.select("SELECT ?e WHERE { ?e a kg:Character }")]
    assert people and works and chars
    for iri in people + works + chars:
        card = show(store, iri)
        assert card.facts, iri
        for f in card.facts:
            assert f.sources, (iri, f.text)
            assert set(f.sources) <= sources | {CURATION}, (iri, f.text)
        for d in card.disputes:
            assert all(c.sources for c in d.claims)


def test_identity_facts_cite_the_curators(jeon):
    types = [f for f in jeon.facts if f.predicate.endswith("#type")]
    assert [(f.object, f.sources) for f in types] == [
        ("https://kgraph.dev/ontology#Person", [CURATION])
    ]


def test_disagreements_show_both_claims_with_sources(store):
    card = show(store, "Ballerina")
    (release,) = [d for d in card.disputes if d.iri.endswith("ballerina-release-date")]
    claim_sources = sorted(tuple(c.sources) for c in release.claims)
    assert claim_sources == sorted([tuple(src("s000")), tuple(src("s002", "s003", "s004"))])
    disputed = [f for f in card.facts if f.kind == "disagreement" and f.via == release.iri]
    assert sorted(tuple(f.sources) for f in disputed) == claim_sources


def test_name_iri_and_prefixed_name_give_one_card(store, jeon):
    for ref in (
        "person:jeon-jong-seo",
        ID + "person/jeon-jong-seo",
        f"<{ID}person/jeon-jong-seo>",
        "jeon jongseo",
    ):
        card = show(store, ref)
        assert card.to_json()["facts"] == jeon.to_json()["facts"]


def test_json_contract(jeon):
    doc = jeon.to_json()
    assert set(doc) >= {"iri", "label", "types", "facts"}
    assert doc["types"] == ["Person"]
    for f in doc["facts"]:
        assert set(f) >= {"predicate", "predicate_label", "object", "object_label", "sources"}
        assert isinstance(f["sources"], list) and f["sources"]
    ok_ju = next(f for f in doc["facts"] if f.get("text") == "played Ok-ju in Ballerina")
    assert (ok_ju["object"], ok_ju["object_label"]) == (ID + "work/ballerina", "Ballerina")
    json.dumps(doc)


def test_unknown_and_ambiguous(store):
    with pytest.raises(UnknownEntity) as e:
        show(store, "Kim Ji-won")
    assert "Kim Ji-hoon" in [s.label for s in e.value.suggestions]
    with pytest.raises(UnknownEntity):
        show(store, "person:nobody-at-all")
    assert not issubclass(AmbiguousName, UnknownEntity)


def test_cli_show_json(cli):
    r = cli("show", "Park Yoorim", "--format", "json")
    assert r.code == 0
    doc = json.loads(r.stdout)
    assert (doc["iri"], doc["label"]) == (ID + "person/park-yu-rim", "Park Yu-rim")
    assert any(f.get("text") == "played Min-hee in Ballerina" for f in doc["facts"])
    assert all(f["sources"] for f in doc["facts"])


def test_cli_show_table(cli):
    r = cli("show", "Ok-ju")
    assert r.code == 0
    out = r.stdout.splitlines()
    assert out[0] == "Ok-ju  (Character)  character:ballerina--ok-ju"
    assert "played by Jeon Jong-seo in Ballerina\ts000, s001, s002, s003, s004" in out
    assert any(line.startswith("  s004  ") for line in out)


def test_cli_show_unknown_exit_1(cli):
    r = cli("show", "Kim Ji-won")
    assert r.code == 1
    assert (
        r.stderr.startswith("kgraph: no entity named 'Kim Ji-won'")
        and "did you mean 'Kim Ji-hoon'" in r.stderr
    )
    r = cli("show", "person:nobody-at-all")
    assert r.code == 1 and r.stderr.count("\n") == 1


def test_a_card_counts_no_source_it_does_not_show(kg, monkeypatch):
    """Counting a source's facts reads every quad it holds: a person's card needs none of it, a
    source's card only its own (on 10^4 IMDb titles the count made a card take 0.94 s, not 0.02)."""
    from kgraph import sources

    counted: list[list[str]] = []
    real = sources.stated_counts

    def spy(store, iris):
        counted.append(list(iris))
        return real(store, iris)

    monkeypatch.setattr(sources, "stated_counts", spy)
    kg.show("Park Shin-hye")
    assert counted == []
    card = kg.show("s002")
    assert counted == [["https://kgraph.dev/id/source/s002"]]
    assert card.to_json()["source"]["facts"] == next(
        a.facts for a in kg.articles() if a.code == "s002"
    )
