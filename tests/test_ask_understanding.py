"""Mention-first understanding: the questions of issue 11, new kinds of question, facts and citations.

Each question quoted in the issue has its own test with its exact answer set (not just "some
answer"), and every answer's facts are checked to cite exactly the sources whose named graph
states that triple.
"""

from __future__ import annotations

import pytest

from kgraph.errors import NotUnderstood, UnknownEntity
from kgraph.mentions import find_mentions
from kgraph.questions import ask

S = "https://kgraph.dev/id/source/"


def labels(a):
    return {x.label for x in a.answers}


def srcs(*codes):
    return tuple(S + c for c in codes)


def graphs_stating(store, s, p, o):
    """The source graphs holding one triple, by SPARQL (independent of the answer code)."""
    import pyoxigraph as ox

    obj = ox.NamedNode(o) if o.startswith("http") else ox.Literal(o)
    rows = store.select(
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } ?g a kg:Source }",
        {"s": ox.NamedNode(s), "p": ox.NamedNode("https://kgraph.dev/ontology#" + p), "o": obj},
    )
    return tuple(sorted(r["g"].value for r in rows))


# -- the questions quoted in the issue, one test each ------------------------------------------


def test_debut_film(store):
    a = ask(store, "What is Lee Chung-hyun's debut film?")
    assert a.intent == "debut" and labels(a) == {"The Call"}
    (item,) = a.answers
    assert item.sources == srcs("s000", "s002", "s003")


def test_projects_in_common(store):
    a = ask(store, "What projects do Jeon Jong-seo and Kim Ji-hoon have in common?")
    assert labels(a) == {"Ballerina", "Money Heist: Korea – Joint Economic Area"}


def test_ever_worked_together_is_yes_with_the_shared_work(store):
    a = ask(store, "Have Kim Ji-hoon and Park Yu-rim ever worked together?")
    assert a.intent == "check-together"
    assert [(x.label, x.detail) for x in a.answers] == [("yes", "in Ballerina")]


def test_which_actor_plays_a_character(store):
    a = ask(store, "Which actor plays Choi Pro?")
    assert labels(a) == {"Kim Ji-hoon"}


def test_series_two_people_worked_on_together(store):
    a = ask(store, "In which series did Jeon Jong-seo and Yoo Ji-tae work together?")
    assert labels(a) == {"Money Heist: Korea – Joint Economic Area"}
    b = ask(store, "In which films did Jeon Jong-seo and Kim Ji-hoon work together?")
    assert labels(b) == {"Ballerina"}  # the series they share is left out


def test_how_many_films(store):
    a = ask(store, "How many films has Jeon Jong-seo made?")
    (item,) = a.answers
    assert (item.label, item.value) == ("4", "4")
    assert {f.statement for f in item.facts} == {
        "Jeon Jong-seo acted in Ballerina",
        "Jeon Jong-seo acted in The Call",
        "Jeon Jong-seo acted in Burning",
        "Jeon Jong-seo acted in Mona Lisa and the Blood Moon",
    }
    # s002 says five films: the stated count is pointed out, not hidden
    assert a.notes == ("note: s002 gives Jeon Jong-seo 5 films; the graph names 4",)


def test_genre(store):
    a = ask(store, "What genre is Ballerina?")
    assert labels(a) == {
        "thriller",
        "revenge thriller",
        "action",
        "action thriller",
        "suspense thriller",
        "action-revenge thriller",
        "action-revenge drama",
    }
    thriller = next(x for x in a.answers if x.label == "thriller")
    W = "https://kgraph.dev/id/work/ballerina"
    assert thriller.sources == graphs_stating(store, W, "genre", "thriller") == srcs("s000", "s004")


def test_what_is_it_about(store):
    a = ask(store, "What is Ballerina about?")
    (item,) = a.answers
    assert "ex-bodyguard" in item.label and "curators" in item.detail
    statements = {f.statement for f in item.facts}
    assert (
        "Jeon Jong-seo plays Ok-ju" in statements
        and "Ballerina is a revenge thriller" in statements
    )


def test_who_distributed(store):
    a = ask(store, "Who distributed Ballerina?")
    assert labels(a) == {"Netflix"}
    (item,) = a.answers
    assert item.sources == srcs("s000", "s001", "s002", "s003", "s004")


def test_award_winner_by_category_ceremony_and_year(store):
    a = ask(store, "Who won Best Actress at the 2021 Baeksang Arts Awards?")
    assert labels(a) == {"Jeon Jong-seo"}
    (item,) = a.answers
    assert item.sources == srcs("s002")


def test_oscar_is_disputed_not_yes(store):
    a = ask(store, "Did Park Yu-rim win an Oscar?")
    (item,) = a.answers
    assert item.label == "disputed"
    assert item.sources == srcs("s001")
    assert any("disagree" in n for n in a.notes)


def test_films_released_in_a_year(store):
    assert labels(ask(store, "Films released in 2023")) == {"Ballerina"}
    assert labels(ask(store, "series from 2017")) == {"Dxyz"}


def test_films_of_a_person_in_a_year(store):
    assert labels(ask(store, "Which films did Kim Ji-hoon make in 2010?")) == {"Natalie"}


def test_works_before_a_work(store):
    a = ask(store, "What was Park Yu-rim in before Ballerina?")
    assert labels(a) == {
        "Miracle Brothers",
        "Extraordinary Attorney Woo",
        "Drive My Car",
        "Dxyz",
        "My First Real Love",
    }
    woo = next(x for x in a.answers if x.label == "Extraordinary Attorney Woo")
    stated = next(f for f in woo.facts if "came before" in f.statement)
    assert stated.sources == srcs("s002", "s003")


# -- more kinds --------------------------------------------------------------------------------

KINDS = [
    ("is Jeon Jong-seo dating Lee Chung-hyun?", "check-partner", {"yes"}),
    ("is Jeon Jong-seo married to Lee Chung-hyun?", "check-partner", {"not stated"}),
    ("is Park Yu-rim in a relationship with Kim Ji-hoon?", "check-partner", {"not stated"}),
    ("was Park Shin-hye in Ballerina?", "check-in", {"no"}),
    ("was Kim Ji-hoon in Natalie?", "check-in", {"yes"}),
    ("did Lee Chung-hyun direct The Call?", "check-directed", {"yes"}),
    ("did Ryusuke Hamaguchi direct Ballerina?", "check-directed", {"no"}),
    ("did Lee Chung-hyun write Ballerina?", "check-wrote", {"yes"}),
    ("did Jeon Jong-seo win Best Actress?", "check-award", {"yes"}),
    ("did Kim Ji-hoon win an Oscar?", "check-award", {"not stated"}),
    ("did Jeon Jong-seo play Ok-ju?", "check-played", {"yes"}),
    ("how many people worked on Ballerina?", "count-people", {"5"}),
    ("how many actors are in The Call?", "count-people", {"2"}),
    ("how many awards has Jeon Jong-seo won?", "count-awards", {"3"}),
    ("how many series has Kim Ji-hoon been in?", "count-works", {"5"}),
    ("who has the most credits?", "most-credits", {"Kim Ji-hoon"}),
    ("who has been in the most films?", "most-credits", {"Jeon Jong-seo"}),
    (
        "Jeon Jong-seo's most frequent collaborator",
        "most-frequent-collaborator",
        {"Kim Ji-hoon", "Lee Chung-hyun"},
    ),
    ("who was nominated for Best Supporting Actor?", "award-nominees", {"Kim Ji-hoon"}),
    ("who won at the 2007 KBS Drama Awards?", "award-winners", {"Kim Ji-hoon"}),
    ("which channel aired Flower of Evil?", "broadcaster", {"tvN"}),
    # cue words the kinds take whole ("broadcaster", "aired") are never read as an unknown name
    ("which broadcaster aired Flower of Evil?", "broadcaster", {"tvN"}),
    ("which network premiered Flower of Evil?", "broadcaster", {"tvN"}),
    ("where can I stream The Glory?", "distributor", {"Netflix"}),
    ("what country is La casa de papel from?", "country", {"Spain"}),
    ("what is Jeon Jong-seo's first film?", "debut", {"Burning"}),
    ("what was Park Yu-rim's debut?", "debut", {"Dxyz"}),
    ("Kim Ji-hoon's latest work", "latest", {"Ballerina"}),
    ("Kim Ji-hoon's earliest film", "earliest", {"Natalie"}),
    ("what has Kim Ji-hoon done since 2017?", "works-after", {"Ballerina", "Flower of Evil"}),
    ("which of Jeon Jong-seo's films came out before 2020?", "works-before", {"Burning"}),
    (
        "co-stars of person:jeon-jong-seo",
        "co-stars",
        {"Kim Ji-hoon", "Park Shin-hye", "Park Yu-rim", "Yoo Ji-tae"},
    ),
    ("who directed <https://kgraph.dev/id/work/ballerina>", "director", {"Lee Chung-hyun"}),
    ("Which films has Lee Chung-hyun written?", "written-by", {"Ballerina"}),
    ("What did Anton Chekhov write?", "written-by", {"Uncle Vanya"}),
]


@pytest.mark.parametrize(("question", "intent", "expected"), KINDS, ids=[k[0] for k in KINDS])
def test_kind(store, question, intent, expected):
    a = ask(store, question)
    assert a.intent == intent
    assert labels(a) == expected


# -- facts: each cited by exactly the sources whose graph states it ---------------------------


def test_a_co_star_rests_on_both_performances_each_with_its_own_sources(store):
    a = ask(store, "co-stars of Jeon Jong-seo")
    shin = next(x for x in a.answers if x.label == "Park Shin-hye")
    P, W = "https://kgraph.dev/id/person/", "https://kgraph.dev/id/work/"
    assert [(f.statement, f.sources) for f in shin.facts] == [
        (
            "Jeon Jong-seo acted in The Call",
            graphs_stating(store, P + "jeon-jong-seo", "actedIn", W + "the-call"),
        ),
        (
            "Park Shin-hye acted in The Call",
            graphs_stating(store, P + "park-shin-hye", "actedIn", W + "the-call"),
        ),
    ]
    assert shin.facts[1].sources == srcs("s000")
    assert set(shin.sources) == {s for f in shin.facts for s in f.sources}


@pytest.mark.parametrize(
    "question",
    [
        "cast of Ballerina",
        "who directed Ballerina?",
        "awards of Jeon Jong-seo",
        "what has Park Yu-rim been in?",
        "who is Jeon Jong-seo dating?",
        "which works do Jeon Jong-seo and Kim Ji-hoon share?",
        "how many films has Jeon Jong-seo made?",
        "what genre is Ballerina?",
    ],
)
def test_every_answer_has_facts_and_its_sources_are_their_union(store, question):
    a = ask(store, question)
    assert a.answers
    for x in a.answers:
        assert x.facts, x
        assert set(x.sources) == {s for f in x.facts for s in f.sources}
        assert all(f.sources for f in x.facts)


def test_legend_names_every_source_cited(store):
    a = ask(store, "who played Min-hee?")
    cited = {s.rsplit("/", 1)[-1] for x in a.answers for s in x.sources}
    assert {line.split()[0] for line in a.legend} == cited
    assert any(
        line.startswith("s004  Ballerina teaser-poster article") and "2023-09-07" in line
        for line in a.legend
    )


def test_json_answers_keep_their_detail(store):
    obj = ask(store, "co-stars of Jeon Jong-seo").to_json()
    details = {x["label"]: x["detail"] for x in obj["answers"]}
    assert details["Park Shin-hye"] == "The Call"
    played = ask(store, "who played Ok-ju").to_json()["answers"][0]
    assert played["detail"] == "in Ballerina"


# -- mentions and refusals ----------------------------------------------------------------------


def test_mentions_are_found_longest_first(store):
    ms = find_mentions(store, "who won at the 2021 Baeksang Arts Awards with Jeon Jongseo")
    assert [(m.text, m.candidates[0].label) for m in ms] == [
        ("2021 Baeksang Arts Awards", "2021 Baeksang Arts Awards"),
        ("Jeon Jongseo", "Jeon Jong-seo"),
    ]


def test_unclear_intent_is_refused_with_what_was_understood(store):
    with pytest.raises(NotUnderstood) as e:
        ask(store, "Jeon Jong-seo and Ballerina")
    msg = str(e.value)
    assert msg.startswith(
        "I found Jeon Jong-seo (Person) and Ballerina (Film) but not what you want to know"
    )
    assert "you can ask: 'was Jeon Jong-seo in Ballerina?'" in msg


@pytest.mark.parametrize(
    "question",
    [
        "co-stars of Tom Cruise in Ballerina",
        "did Tom Cruise and Jeon Jong-seo work together?",
        "how many films has Tom Cruise made?",
        "what genre is Titanic?",
        "who won Best Actress at the 2021 Golden Globes?",
    ],
)
def test_unknown_names_are_refused_not_swapped(store, question):
    with pytest.raises((UnknownEntity, NotUnderstood)):
        ask(store, question)


def test_follow_ups_work_for_the_new_kinds(store):
    a = ask(store, "how many films has Jeon Jong-seo made?")
    b = ask(store, "and Kim Ji-hoon?", context=a)
    assert b.intent == "count-works" and labels(b) == {"3"}
    c = ask(store, "what genre is Ballerina?")
    d = ask(store, "what about The Call?", context=c)
    assert d.intent == "genre" and labels(d) == {"horror", "thriller"}
    e = ask(store, "was Kim Ji-hoon in Natalie?")
    assert labels(ask(store, "and Jeon Jong-seo?", context=e)) == {"no"}


def test_explain_lists_each_fact_with_its_sources(cli):
    r = cli("ask", "co-stars of Jeon Jong-seo", "--explain")
    assert "fact for Park Shin-hye: Park Shin-hye acted in The Call [s000]" in r.stdout


@pytest.mark.parametrize(
    "question",
    [
        # a named thing the reading would leave out: refuse rather than answer something else
        "Who are Kim Ji-hoon's collaborators on Money Heist?",
        # a question about the answer of another question
        "what films has the director of Ballerina made",
        # two questions in one
        "Who directed Ballerina and when was it released?",
        # a relation between characters the graph does not hold
        "Who played Ok-ju's friend?",
    ],
)
def test_questions_that_would_be_answered_partly_are_refused(store, question):
    with pytest.raises((NotUnderstood, UnknownEntity)):
        ask(store, question)


def test_a_franchise_narrows_a_character_to_its_works(store):
    a = ask(store, "who played the professor in the korean money heist")
    assert labels(a) == {"Yoo Ji-tae"}


def test_the_kinds_table_is_consistent():
    from kgraph.kinds import HANDLERS
    from kgraph.kinds_more import HANDLERS as MORE
    from kgraph.patterns import by_name
    from kgraph.understanding import _EXTRA, _SLOTS, _USES, KINDS

    names = [k.name for k in KINDS]
    assert len(names) == len(set(names))
    assert set(_EXTRA) | set(_SLOTS) | set(_USES) <= set(names)
    for name in names:  # every kind is answered: by a handler or by the phrasing table's intent
        assert name in HANDLERS or name in MORE or by_name(name)


def test_other_than_narrows_a_list(store):
    a = ask(store, "Other than Kim Ji-hoon, who was in Ballerina?")
    assert labels(a) == {"Jeon Jong-seo", "Park Yu-rim"}
    b = ask(store, "co-stars of Jeon Jong-seo except Kim Ji-hoon")
    assert labels(b) == {"Park Shin-hye", "Park Yu-rim", "Yoo Ji-tae"}
    with pytest.raises((NotUnderstood, UnknownEntity)):
        ask(store, "Who was in The Call but not Ballerina?")  # a difference of two casts


def test_co_stars_in_a_work_the_person_was_not_in_is_no_answer(store):
    """Kim Ji-hoon is in Age of Blood, Jeon Jong-seo is not: he is no co-star of hers there (the
    answer used to cite her part in it, which no source states)."""
    a = ask(store, "co-stars of Jeon Jong-seo in Age of Blood")
    assert a.intent == "co-stars" and a.answers == ()
    b = ask(store, "co-stars of Jeon Jong-seo in Ballerina")
    assert labels(b) == {"Kim Ji-hoon", "Park Yu-rim"}
    assert all(f.sources for x in b.answers for f in x.facts)
