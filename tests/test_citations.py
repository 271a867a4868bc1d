"""What a row's sources column claims (docs/ask.md, "Citations"): the articles that state the
row's claim, not every article behind any fact it rests on.

Each expectation below was checked against the articles in ../shared/sources (the stranger's
report, item 2): e.g. only s002 names Yoo Ji-tae (as the Professor), only s000 names Park
Shin-hye, s000 never mentions Park Yu-rim, GRAY is only in s001
and s004, only s003 mentions Dxyz, only s002 names Age of Blood and Natalie, and s000/s001 name
no character of Money Heist: Korea.
"""

from __future__ import annotations

import json

import pytest

from kgraph.questions import ask

S = "https://kgraph.dev/id/source/"


def codes(xs):
    return {x.removeprefix(S) for x in xs}


def cited(store, question):
    """``{row label: {codes the row cites}}``."""
    return {a.label: codes(a.cited) for a in ask(store, question).answers}


ALL = {"s000", "s001", "s002", "s003", "s004"}


def test_co_stars_cite_the_articles_naming_both_in_the_shared_work(store):
    assert cited(store, "co-stars of Jeon Jong-seo") == {
        "Kim Ji-hoon": ALL,  # each article names both in Ballerina or in Money Heist: Korea
        "Park Shin-hye": {"s000"},
        "Park Yu-rim": {"s001", "s002", "s003", "s004"},
        "Yoo Ji-tae": {"s002"},
    }
    assert cited(store, "co-stars of Kim Ji Hoon")["Yoo Ji-tae"] == {"s002"}
    assert cited(store, "co-stars of Chon Chong-so")["Yoo Ji-tae"] == {"s002"}
    # the premise (Park Yu-rim in Ballerina) is not in s000: s000 does not state the row
    assert cited(store, "co-stars of park yu-rim") == {
        "Jeon Jong-seo": {"s001", "s002", "s003", "s004"},
        "Kim Ji-hoon": {"s001", "s002", "s003", "s004"},
    }


def test_the_row_keeps_every_fact_with_its_role_and_the_union_as_sources(store):
    """The DESIGN contract holds: ``sources`` is every source the row rests on, each fact
    cited by exactly its sources; ``stated_by`` and each fact's ``role`` are new keys."""
    a = ask(store, "co-stars of Jeon Jong-seo")
    row = next(x for x in a.answers if x.label == "Yoo Ji-tae")
    assert codes(row.sources) == {"s000", "s001", "s002", "s003"}
    roles = {(f.statement, f.role, tuple(sorted(codes(f.sources)))) for f in row.facts}
    assert roles == {
        (
            "Jeon Jong-seo acted in Money Heist: Korea – Joint Economic Area",
            "premise",
            ("s000", "s001", "s002", "s003"),
        ),
        ("Yoo Ji-tae acted in Money Heist: Korea – Joint Economic Area", "claim", ("s002",)),
    }
    j = json.loads(json.dumps(row.to_json()))
    assert j["stated_by"] == [S + "s002"]
    assert {f["role"] for f in j["facts"]} == {"premise", "claim"}


def test_collaborators_and_works_of_gray(store):
    assert cited(store, "who did Jun Jong-seo work with")["GRAY"] == {"s001", "s004"}
    # Ballerina's year (s000, s002-s004) is shown beside it, not cited for GRAY's work
    assert cited(store, "What other Netflix projects has GRAY worked on?")["Ballerina"] == {
        "s001",
        "s004",
    }


def test_works_before_a_work_do_not_cite_the_other_works_year(store):
    got = cited(store, "What was Park Yu-rim in before Ballerina?")
    assert got["Dxyz"] == {"s003"}
    assert got["Drive My Car"] == {"s002"}  # s001 names the film, not that it came before
    got = cited(store, "what did Kim Ji-hoon do before Ballerina?")
    assert got["Age of Blood"] == {"s002"} and got["Natalie"] == {"s002"}
    # the context fact is still listed, with its own sources and role
    a = ask(store, "What was Park Yu-rim in before Ballerina?")
    dxyz = next(x for x in a.answers if x.label == "Dxyz")
    ctx = [f for f in dxyz.facts if f.role == "context"]
    assert [f.statement for f in ctx] == ["Ballerina came out in 2023"]
    assert codes(ctx[0].sources) == {"s000", "s002", "s003", "s004"}


def test_a_cast_row_naming_the_character_cites_the_articles_naming_it(store):
    assert cited(store, "who starred in House of Paper: Korea") == {
        "Jeon Jong-seo": {"s002", "s003"},
        "Kim Ji-hoon": {"s002", "s003"},
        "Yoo Ji-tae": {"s002"},
    }


def test_connection_and_path_steps_cite_the_articles_naming_both(store, cli):
    got = cited(store, "how is GRAY connected to Park Shin-hye")
    assert list(got.values()) == [{"s001", "s004"}, {"s000"}]
    r = cli("path", "gray", "park shin hye")
    assert r.code == 0, r.stderr
    heads = [ln for ln in r.stdout.splitlines() if ln.startswith(("  1.", "  2."))]
    assert heads[0].endswith("[sources: s001, s004]")
    assert heads[1].endswith("[sources: s000]")
    d = json.loads(cli("path", "gray", "park shin hye", "--format", "json").stdout)
    step = d["steps"][0][0]
    assert [s["code"] for s in step["stated_by"]] == ["s001", "s004"]
    assert len(step["sources"]) == 5  # the union stays, as before


def test_shared_works_cite_the_articles_naming_both_as_shown(cli):
    r = cli("shared", "Jeon Jong-seo", "Kim Ji-hoon")
    assert r.code == 0, r.stderr
    row = next(ln for ln in r.stdout.splitlines() if ln.startswith("Money Heist"))
    assert row.endswith("\tTokyo\tDenver\ts002, s003")


def test_yes_they_worked_together_cites_the_article_naming_both(store):
    a = ask(store, "Did Jeon Jong-seo and Park Shin-hye act together?")
    assert [(x.label, codes(x.cited)) for x in a.answers] == [("yes", {"s000"})]


def test_saved_query_rows_cite_the_row_person_in_the_shared_work(cli):
    r = cli("query", "co-stars", "--param", "person=Kim Ji-hoon")
    assert r.code == 0, r.stderr
    row = next(ln for ln in r.stdout.splitlines() if "Yoo Ji-tae" in ln)
    assert row.endswith("\ts002"), row


# -- disputes (items 3, 4, 15) ------------------------------------------------------------


def test_a_disputed_award_is_marked_where_it_is_listed(store, cli):
    a = ask(store, "what awards has Park Yu-rim won?")
    (row,) = a.answers
    assert row.detail.startswith("disputed: who received the 94th Oscars")
    r = cli("ask", "what awards has Park Yu-rim won?")
    assert "\tdisputed: who received" in r.stdout  # on stdout, not only in a note
    j = json.loads(cli("ask", "what awards has Park Yu-rim won?", "--format", "json").stdout)
    assert "disputed" in j["answers"][0]["detail"]
    assert ask(store, "Did Park Yu-rim win an Oscar?").answers[0].label == "disputed"


def test_the_film_won_in_the_curators_reading_cited_to_no_article(store):
    a = ask(store, "Did Drive My Car win an Oscar?")
    (row,) = a.answers
    assert row.label == "yes"
    assert row.cited == ()  # s001 gives the award to Park Yu-rim, never to the film
    assert "curators' reading" in row.detail and "disputed" in row.detail
    assert codes(row.sources) == {"s001"}  # the facts behind it stay listed
    assert {f.role for f in row.facts} == {"context"}
    assert any("disagree" in n for n in a.notes)


def test_a_count_notes_the_recorded_disagreement_and_cites_the_counted_works(store):
    a = ask(store, "How many projects did Park Yu-rim do before Ballerina?")
    (row,) = a.answers
    assert row.label == "5"
    assert codes(row.cited) == {"s002", "s003"}  # s000, s004 name none of the five
    assert any("s002 gives Park Yu-rim 3 projects before Ballerina" in n for n in a.notes)
    assert any("disagree" in n and "projects before Ballerina" in n for n in a.notes)
    # a count before another work does not borrow that disagreement
    other = ask(store, "How many projects did Park Yu-rim do before Drive My Car?")
    assert not any("disagree" in n for n in other.notes)


@pytest.mark.parametrize(
    "question", ["When did Ballerina premiere at Busan?", "when did Ballerina premiere?"]
)
def test_a_disputed_date_is_marked_on_the_row(store, question):
    (row,) = ask(store, question).answers
    assert row.label == "2023-10-06"
    assert row.detail == "disputed: date of Ballerina's Busan festival premiere"


def test_a_superseded_date_and_an_undisputed_detail_are_not_marked(store):
    (row,) = ask(store, "when was Ballerina released?").answers
    assert "disputed" not in row.detail  # s000 only wrote before the date was public
    rows = ask(store, "What number edition of the Busan festival was Ballerina in?").answers
    fest = next(x for x in rows if x.iri)
    assert "disputed" not in fest.detail  # the festival is not in dispute, the date is


# -- every cited article states the row ------------------------------------------------------

QUESTIONS = [
    "co-stars of Jeon Jong-seo",
    "who did Jun Jong-seo work with",
    "What was Park Yu-rim in before Ballerina?",
    "what films has Jeon Jong-seo been in?",
    "who starred in House of Paper: Korea",
    "what is Park Yu-rim's debut?",
    "which films came out in 2017?",
    "Kim Ji-hoon's most frequent collaborator",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_cited_article_states_a_claim_of_the_row(store, question):
    """Checked against the store by SPARQL, not by the code that chose the citations: each
    article a row cites holds a triple of one of the row's claim facts in its named graph."""
    import pyoxigraph as ox

    for a in ask(store, question).answers:
        claims = [f for f in a.facts if f.role == "claim"] or a.facts
        assert a.cited and set(a.cited) <= set(a.sources), a.label
        for src in a.cited:
            held = [
                t
                for f in claims
                for t in f.triples
                if store.ask(
                    "ASK { GRAPH ?g { ?s ?p ?o } FILTER (STR(?o) = ?v) }",
                    {
                        "g": ox.NamedNode(src),
                        "s": ox.NamedNode(t[0]),
                        "p": ox.NamedNode(t[1]),
                        "v": ox.Literal(t[2]),
                    },
                )
            ]
            assert held, f"{question}: {a.label} cites {src}, which states none of its claims"


# -- the curators' words (item 14) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("tell me about Gray", "GRAY"),
        ("What is Money Heist: Korea?", "Money Heist: Korea – Joint Economic Area"),
        ("tell me about Lee Choong-hyun", "Lee Chung-hyun"),
    ],
)
def test_a_description_is_labelled_as_the_curators_words(store, question, label):
    """No article says "South Korean hip-hop producer" (s001: "all-round musical artist"), names
    La casa de papel but s003, or says Lee Chung-hyun wrote Ballerina but s002: the description
    is the curators', and the row's facts say only that the cited sources mention the entity."""
    (row,) = ask(store, question).answers
    assert row.label == label
    assert row.detail.startswith("in the curators' words: ")
    assert [f.statement for f in row.facts] == [f"these sources mention {label}"]


def test_show_labels_the_description_as_the_curators_words(cli):
    r = cli("show", "GRAY")
    assert r.code == 0, r.stderr
    assert r.stdout.splitlines()[1] == (
        "South Korean hip-hop producer, rapper and singer; music director of Ballerina."
        "  (the curators' words)"
    )


def test_the_festival_of_a_premiere_says_its_edition(store):
    """s002 numbers the festival ("the 28th Busan International Film Festival")."""
    rows = ask(store, "What number edition of the Busan festival was Ballerina in?").answers
    fest = next(x for x in rows if x.iri)
    assert fest.detail.endswith("28th edition")
    ed = [f for f in fest.facts if f.statement.endswith("is the 28th edition")]
    assert [f.role for f in ed] == ["context"] and "s002" in codes(ed[0].sources)


def test_saved_cast_rows_naming_a_character_cite_the_articles_naming_it(cli):
    r = cli("query", "cast", "--param", "work=Money Heist Korea")
    assert r.code == 0, r.stderr
    tokyo = next(ln for ln in r.stdout.splitlines() if "\tTokyo\t" in ln)
    assert tokyo.endswith("\ts002, s003"), tokyo


# -- the rule itself, on facts made up for the purpose ---------------------------------------


def _f(statement, sources, s, p, o, role="claim"):
    from kgraph.factbase import Fact

    return Fact(statement, tuple(S + x for x in sources), ((s, p, o),), role)


def test_stated_by_narrows_a_claim_to_the_articles_stating_the_premise_too():
    from kgraph.answers import pieced, stated_by

    given = _f("A in W", ["s1", "s2"], "A", "actedIn", "W", "premise")
    claim = _f("B in W", ["s2", "s3"], "B", "actedIn", "W")
    assert codes(stated_by([given, claim])) == {"s2"}
    assert pieced([given, claim]) == []
    # no article names both: the claim's own articles, and the row says it is pieced together
    alone = _f("B in W", ["s3"], "B", "actedIn", "W")
    assert codes(stated_by([given, alone])) == {"s3"}
    assert pieced([given, alone]) == [alone]
    # a premise about another work does not narrow the claim
    other = _f("A in V", ["s1"], "A", "actedIn", "V", "premise")
    assert codes(stated_by([other, claim])) == {"s2", "s3"}


def test_parts_narrow_claims_and_context_is_never_cited():
    from kgraph.answers import stated_by, stated_together

    claim = _f("X played C in W", ["s2", "s3"], "perf", "character", "C")
    part = _f("X acted in W", ["s0", "s2", "s3"], "X", "actedIn", "W", "part")
    ctx = _f("W came out in 2023", ["s0", "s4"], "W", "year", "2023", "context")
    assert codes(stated_by([claim, part, ctx])) == {"s2", "s3"}
    assert codes(stated_by([ctx])) == set()
    a = _f("A in W", ["s1", "s2"], "A", "workedOn", "W", "part")
    b = _f("B in W", ["s2"], "B", "workedOn", "W", "part")
    assert codes(stated_by([a, b])) == {"s2"}
    assert stated_together([a], [_f("B in W", ["s9"], "B", "workedOn", "W")]) == (
        (S + "s1", S + "s2", S + "s9"),
        False,
    )


def test_the_web_answer_cites_the_row_as_the_table_does(store):
    from kgraph.web.pages import answer_html

    html = answer_html(store, "co-stars of Jeon Jong-seo")
    start = html.index(">Yoo Ji-tae</a>")
    head = html[start : html.index('<ul class="facts">', start)]
    assert "s002" in head and "s000" not in head and "s003" not in head
    facts = html[html.index('<ul class="facts">', start) : html.index("</ul>", start)]
    assert "(premise)" in facts


def test_the_film_as_winner_is_the_curators_reading_cited_to_no_article(store):
    a = ask(store, "who won International Feature Film at the 94th Academy Awards?")
    (row,) = a.answers
    assert row.label == "Drive My Car"
    assert row.cited == () and "curators' reading" in row.detail and "disputed" in row.detail
    assert {f.role for f in row.facts} == {"context"} and codes(row.sources) == {"s001"}
    assert any("disagree" in n for n in a.notes)


def test_a_premiere_is_cited_to_the_articles_saying_premiere(store_by_fact_base):
    """s004 names the Busan screening but does not call it the premiere."""
    (row,) = ask(store_by_fact_base, "Did Ballerina premiere at Busan?").answers
    assert row.label == "yes" and codes(row.cited) == {"s002", "s003"}


STRANGER = json.loads(
    (__import__("pathlib").Path(__file__).parent / "data" / "stranger_citations.json").read_text(
        encoding="utf-8"
    )
)["questions"]


@pytest.mark.parametrize("question", sorted(STRANGER))
def test_the_strangers_questions_cite_what_the_articles_state(store, question):
    """Every row, and exactly the articles it cites (tests/data/stranger_citations.json)."""
    got = {a.label: sorted(codes(a.cited)) for a in ask(store, question).answers}
    assert got == STRANGER[question]


def test_a_row_whose_premise_only_another_source_states_says_so(cli, user_dir, tmp_path):
    """A file of the user's own puts a new actor in The Call: no article names him, so no one
    source states "Jeon Jong-seo co-starred with him"; the row cites the articles naming her
    there, and a note says the two parts come from different sources."""
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        "@prefix kg: <https://kgraph.dev/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://example.org/nobody> a kg:Person ; skos:prefLabel 'Noah Bodie'@en ;\n"
        "    kg:actedIn <https://kgraph.dev/id/work/the-call> .\n",
        encoding="utf-8",
    )
    assert cli("load", str(mine)).code == 0
    r = cli("ask", "co-stars of Noah Bodie")
    assert r.code == 0, r.stderr
    row = next(ln for ln in r.stdout.splitlines() if ln.startswith("Jeon Jong-seo"))
    assert row.endswith("\ts000, s002, s003, s004"), row
    assert (
        "note: Park Shin-hye acted in The Call [s000]; Noah Bodie acted in The Call [mine.ttl]"
        " — no one article states both"
    ) in r.stderr


def test_the_entity_page_labels_the_description_too(store):
    from kgraph.web.pages import entity_page

    html = entity_page(store, "person:gray").decode()
    assert "music director of Ballerina. <i>(the curators' words)</i>" in html
