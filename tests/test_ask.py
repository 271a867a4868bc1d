"""`kgraph ask`: a table of phrasings with their exact answer sets on the bundled graph.

Each entry is (intent, the exact set of answer labels, phrasings). Add a phrasing by adding a
line; add a kind of question by adding an entry (and a row in ``kgraph/patterns.py``).
"""

from __future__ import annotations

import json

import pytest

from kgraph.errors import AmbiguousName, KGraphError, NotUnderstood, UnknownEntity
from kgraph.questions import Answer, ask

S = "https://kgraph.dev/id/source/"
P = "https://kgraph.dev/id/person/"

TABLE = [
    (
        "co-stars",
        {"Park Yu-rim", "Kim Ji-hoon", "Park Shin-hye", "Yoo Ji-tae"},
        [
            "co-stars of Jeon Jong-seo",
            "Jeon Jong-seo's co-stars",
            "who are Jeon Jong-seo's costars?",
            "who has Jeon Jong-seo acted with?",
            "who acted with jeon jong seo",
            "costars of jeon jongseo",
            "please list the co-stars of Jeon Jong-seo",
            "who starred alongside Jeon Jong-seo?",
            "actors who have worked with Jeon Jong-seo",
            "who did Jeon Jong-seo star with",
            "castmates of Jeon Jong Seo",
            "Who has appeared with Jeon Jong-Seo?",
            "co stars of jeon jong-seo please",
            "Can you tell me the co-stars of Jeon Jong-seo?",
            "who has shared the screen with Jeon Jong-seo",
        ],
    ),
    (
        "co-stars",
        {"Park Yu-rim", "Jeon Jong-seo", "Yoo Ji-tae"},
        [
            "co-stars of Kim Ji-hoon",
            "Kim Jihoon's co-stars",
        ],
    ),
    (
        "co-stars",
        {"Kim Ji-hoon", "Jeon Jong-seo"},
        [
            "who acted alongside Park Yoorim",
        ],
    ),
    (
        "co-stars",
        {"Jeon Jong-seo"},
        [
            "co-stars of Park Shin-hye",
        ],
    ),
    (
        "co-stars",
        {"Kim Ji-hoon", "Jeon Jong-seo"},
        [
            "co-stars of Yoo Ji-tae",
        ],
    ),
    (
        "shared-works",
        {"Ballerina", "Money Heist: Korea – Joint Economic Area"},
        [
            "which works do Jeon Jong-seo and Kim Ji-hoon share?",
            "what have Jeon Jong-seo and Kim Ji-hoon worked on together",
            "shared works of Jeon Jong-seo and Kim Ji-hoon",
        ],
    ),
    (
        "shared-works",
        {"Ballerina"},
        [
            "films with both Jeon Jong-seo and Park Yu-rim",
        ],
    ),
    (
        "shared-works",
        {"The Call", "Ballerina"},
        [
            "what did Jeon Jong-seo and Lee Chung-hyun make together",
        ],
    ),
    (
        "shared-works",
        {"The Call"},
        [
            "where have Jeon Jong-seo and Park Shin-hye worked together",
        ],
    ),
    (
        "shared-works",
        {"Money Heist: Korea – Joint Economic Area"},
        [
            "works that Kim Ji-hoon and Yoo Ji-tae both appeared in",
        ],
    ),
    (
        "collaborators",
        {"GRAY", "Jeon Jong-seo", "Ryusuke Hamaguchi", "Kim Ji-hoon", "Lee Chung-hyun"},
        [
            "collaborators of Park Yu-rim",
            "who has Park Yu-rim worked with?",
        ],
    ),
    (
        "collaborators",
        {"GRAY", "Jeon Jong-seo", "Kim Ji-hoon", "Park Shin-hye", "Park Yu-rim"},
        [
            "Lee Chung-hyun's collaborators",
        ],
    ),
    (
        "collaborators",
        {"Lee Chung-hyun", "Park Yu-rim", "Kim Ji-hoon", "Jeon Jong-seo"},
        [
            "who worked with GRAY",
        ],
    ),
    (
        "collaborators",
        {"Park Yu-rim"},
        [
            "who has Ryusuke Hamaguchi collaborated with",
        ],
    ),
    (
        "repeat-collaborators",
        {"Lee Chung-hyun", "Kim Ji-hoon"},
        [
            "repeat collaborators of Jeon Jong-seo",
            "who has Jeon Jong-seo worked with more than once?",
            "Jeon Jong-seo's frequent collaborators",
            "who did Jeon Jong-seo reunite with",
        ],
    ),
    (
        "repeat-collaborators",
        {"Jeon Jong-seo"},
        [
            "who has worked with Kim Ji-hoon more than once",
        ],
    ),
    (
        "repeat-collaborators",
        {"Jeon Jong-seo"},
        [
            "repeat collaborators of Lee Chung-hyun",
        ],
    ),
    (
        "cast",
        {"Park Yu-rim", "Kim Ji-hoon", "Jeon Jong-seo"},
        [
            "cast of Ballerina",
            "who is in Ballerina?",
            "who starred in Ballerina",
            "list the cast of the movie Ballerina",
            "Ballerina cast",
            "who was cast in ballerina",
            "which actors appear in Ballerina?",
            "cast of the film Bailarina",
        ],
    ),
    (
        "cast",
        {"Park Shin-hye", "Jeon Jong-seo"},
        [
            "who acted in The Call",
            "cast of The Telephone",
        ],
    ),
    (
        "cast",
        {"Kim Ji-hoon", "Jeon Jong-seo", "Yoo Ji-tae"},
        [
            "cast of Money Heist: Korea",
            "who stars in House of Paper: Korea",
            "cast of money heist korea joint economic area",
        ],
    ),
    (
        "cast",
        {"Park Yu-rim"},
        [
            "who appeared in Drive My Car",
        ],
    ),
    (
        "cast",
        {"Jeon Jong-seo"},
        [
            "cast of Burning",
        ],
    ),
    (
        "director",
        {"Lee Chung-hyun"},
        [
            "who directed Ballerina?",
            "director of Ballerina",
            "Ballerina's director",
            "who is the director of the movie Ballerina",
            "who helmed Ballerina",
        ],
    ),
    (
        "director",
        {"Lee Chung-hyun"},
        [
            "who made The Call?",
            "by whom was The Call directed",
        ],
    ),
    (
        "director",
        {"Ryusuke Hamaguchi"},
        [
            "who directed Drive My Car",
            "director of drive my car",
        ],
    ),
    (
        "writer",
        {"Lee Chung-hyun"},
        [
            "who wrote Ballerina?",
            "screenwriter of Ballerina",
        ],
    ),
    (
        "writer",
        {"Anton Chekhov"},
        [
            "who wrote Uncle Vanya",
            "who is the playwright of Uncle Vanya",
        ],
    ),
    (
        "music",
        {"GRAY"},
        [
            "who did the music for Ballerina?",
            "who composed the score of Ballerina",
            "music director of Ballerina",
            "Ballerina's soundtrack",
        ],
    ),
    (
        "crew",
        {"Lee Chung-hyun", "GRAY"},
        [
            "crew of Ballerina",
            "Ballerina's crew",
        ],
    ),
    (
        "crew",
        {"Anton Chekhov"},
        [
            "crew of Uncle Vanya",
        ],
    ),
    (
        "works-of",
        {
            "My First Real Love",
            "Drive My Car",
            "Ballerina",
            "Extraordinary Attorney Woo",
            "Miracle Brothers",
            "Dxyz",
        },
        [
            "what has Park Yu-rim been in?",
            "works of Park Yu-rim",
            "Park Yu-rim's filmography",
        ],
    ),
    (
        "works-of",
        {
            "The Call",
            "Money Heist: Korea – Joint Economic Area",
            "Burning",
            "Ballerina",
            "Mona Lisa and the Blood Moon",
        },
        [
            "what has Jeon Jong-seo worked on",
        ],
    ),
    (
        "works-of",
        {"Hellbound", "D.P.", "Ballerina"},
        [
            "everything GRAY has worked on",
        ],
    ),
    (
        "works-of",
        {"Oldboy", "Money Heist: Korea – Joint Economic Area"},
        [
            "what has Yoo Ji-tae appeared in",
        ],
    ),
    (
        "films-of",
        {"Burning", "The Call", "Mona Lisa and the Blood Moon", "Ballerina"},
        [
            "which films has Jeon Jong-seo been in?",
            "films of Jeon Jong-seo",
            "Jeon Jong-seo's movies",
            "what movies has jeon jong seo starred in",
        ],
    ),
    (
        "films-of",
        {"Age of Blood", "Ballerina", "Natalie"},
        [
            "films of Kim Ji-hoon",
        ],
    ),
    (
        "films-of",
        {"Drive My Car", "Ballerina"},
        [
            "which movies feature Park Yu-rim",
        ],
    ),
    (
        "series-of",
        {
            # Behind Every Star and Flower Boy Next Door are "projects" in s003: not said to be series
            "Money Heist: Korea – Joint Economic Area",
            "The Iron Empress",
            "The Golden Age of Daughters-in-Law",
            "Flower of Evil",
            "Babel",
        },
        [
            "what series has Kim Ji-hoon been in?",
            "TV shows of Kim Ji-hoon",
            "Kim Ji-hoon's dramas",
        ],
    ),
    (
        "series-of",
        {"Money Heist: Korea – Joint Economic Area"},
        [
            "which series has Jeon Jong-seo been in",
        ],
    ),
    (
        "series-of",
        {
            "Extraordinary Attorney Woo",
            "Dxyz",
            "Miracle Brothers",
        },  # not My First Real Love: see s003
        [
            "series of Park Yu-rim",
        ],
    ),
    (
        "directed-by",
        {"The Call", "Ballerina"},
        [
            "what has Lee Chung-hyun directed?",
            "films directed by Lee Chung-hyun",
            "which films did Lee Chung-hyun direct",
            "directed by Lee Chung-hyun",
        ],
    ),
    (
        "directed-by",
        {"Drive My Car"},
        [
            "what did Ryusuke Hamaguchi direct",
        ],
    ),
    (
        "who-played",
        {"Jeon Jong-seo"},
        [
            "who played Ok-ju?",
        ],
    ),
    (
        "who-played",
        {"Jeon Jong-seo"},
        [
            "who plays Ok Ju in Ballerina",
        ],
    ),
    (
        "who-played",
        {"Jeon Jong-seo"},
        [
            "who played Tokyo?",
        ],
    ),
    (
        "who-played",
        {"Jeon Jong-seo"},
        [
            "who played tokyo in money heist korea",
        ],
    ),
    (
        "who-played",
        {"Kim Ji-hoon"},
        [
            "who portrayed Choi Pro",
            "Choi Pro was played by whom?",
        ],
    ),
    (
        "who-played",
        {"Park Yu-rim"},
        [
            "actor playing Min-hee",
        ],
    ),
    (
        "who-played",
        {"Park Yu-rim"},
        [
            "who played Minhee in Ballerina",
        ],
    ),
    (
        "who-played",
        {"Yoo Ji-tae"},
        [
            "who played the Professor",
        ],
    ),
    (
        "who-played",
        {"Kim Ji-hoon"},
        [
            "who played Denver",
        ],
    ),
    (
        "who-played",
        {"Jeon Jong-seo"},
        [
            "who played Young-sook in The Call",
        ],
    ),
    (
        "who-played",
        {"Park Yu-rim"},
        [
            "who played Lee Yoon-a in Drive My Car",
        ],
    ),
    (
        "who-played",
        {"Kim Ji-hoon"},
        [
            "who played Baek Hee-sung",
        ],
    ),
    (
        "character-of",
        {"Ok-ju"},
        [
            "which character did Jeon Jong-seo play in Ballerina?",
        ],
    ),
    (
        "character-of",
        {"Young-sook"},
        [
            "who did Jeon Jong-seo play in The Call?",
        ],
    ),
    (
        "character-of",
        {"Choi Pro"},
        [
            "what character did Kim Ji-hoon play in Ballerina",
        ],
    ),
    (
        "character-of",
        {"Min-hee"},
        [
            "Park Yu-rim's character in Ballerina",
        ],
    ),
    (
        "character-of",
        {"Young-sook", "Shin Hae-mi", 'Mona "Lisa" Lee', "Ok-ju", "Tokyo"},
        [
            "which characters has Jeon Jong-seo played?",
        ],
    ),
    (
        "character-of",
        {"The Professor"},
        [
            "characters played by Yoo Ji-tae",
        ],
    ),
    (
        "character-of",
        {"Seo-yeon"},
        [
            "who did Park Shin-hye play",
        ],
    ),
    (
        "character-of",
        {"Denver"},
        [
            "who is Kim Ji-hoon in Money Heist: Korea",
        ],
    ),
    (
        "characters-of",
        {"Min-hee", "Ok-ju", "Choi Pro"},
        [
            "characters of Ballerina",
            "who are the characters in Ballerina",
        ],
    ),
    (
        "characters-of",
        {"Young-sook", "Seo-yeon"},
        [
            "characters in The Call",
        ],
    ),
    (
        "characters-of",
        {"Lee Yoon-a", "Yusuke Kafuku"},
        [
            "Drive My Car's characters",
        ],
    ),
    (
        "characters-of",
        {"Denver", "Tokyo", "The Professor"},
        [
            "which characters appear in Money Heist: Korea",
        ],
    ),
    (
        "roles-of",
        {"screenwriter", "director"},
        [
            "roles of Lee Chung-hyun",
        ],
    ),
    (
        "roles-of",
        {
            "acting role (character not named)",
            "Park Hyeon-soo",
            "Min-hee",
            "Kang Ji-hye",
            "Lee Yoon-a",
        },
        [
            "what roles has Park Yu-rim had",
        ],
    ),
    (
        "roles-of",
        {"Young-sook", "Shin Hae-mi", 'Mona "Lisa" Lee', "Ok-ju", "Tokyo"},
        [
            "Jeon Jong-seo's roles",
        ],
    ),
    (
        "roles-of",
        {"screenwriter", "director"},
        [
            "what was Lee Chung-hyun's role in Ballerina",
        ],
    ),
    (
        "roles-of",
        {"music director"},
        [
            "what did GRAY do on Ballerina",
        ],
    ),
    (
        "roles-of",
        {"playwright"},
        [
            "roles of Anton Chekhov",
        ],
    ),
    (
        "release-date",
        {"2023-10-06"},
        [
            "when was Ballerina released?",
            "release date of Ballerina",
            "when did Ballerina come out",
            "Ballerina release date",
            "when can I watch Ballerina",
            "when is Ballerina on Netflix",
        ],
    ),
    (
        "release-year",
        {"2020"},
        [
            "what year did The Call come out?",
        ],
    ),
    (
        "release-year",
        {"2023"},
        [
            "what year was Ballerina released",
        ],
    ),
    (
        "release-year",
        {"2018"},
        [
            "year of Burning",
        ],
    ),
    (
        "release-year",
        {"2010"},
        [
            "when was Natalie made",
        ],
    ),
    (
        "release-year",
        {"2017"},
        [
            "what year is Age of Blood from",
        ],
    ),
    (
        "premiere-where",
        {"Busan International Film Festival 2023"},
        [
            "where did Ballerina premiere?",
            "at which festival did Ballerina premiere",
            "where was the premiere of Ballerina",
        ],
    ),
    (
        "premiere-when",
        {"2023-10-06"},
        [
            "when did Ballerina premiere?",
            "premiere date of Ballerina",
        ],
    ),
    (
        "premiere",
        {"Busan International Film Festival 2023", "2023-10-06"},
        [
            "premiere of Ballerina",
        ],
    ),
    (
        "awards",
        {
            "Best Actress, 2021 Asian Film Awards – Jeon Jong-seo",
            "Best Actress, 2022 Director's Cut Awards – Jeon Jong-seo",
            "Best Actress, 2021 Baeksang Arts Awards – Jeon Jong-seo",
        },
        [
            "awards of Jeon Jong-seo",
            "Jeon Jong-seo's awards",
        ],
    ),
    (
        "awards-won",
        {
            "Best Actress, 2021 Asian Film Awards – Jeon Jong-seo",
            "Best Actress, 2022 Director's Cut Awards – Jeon Jong-seo",
            "Best Actress, 2021 Baeksang Arts Awards – Jeon Jong-seo",
        },
        [
            "what awards has Jeon Jong-seo won?",
        ],
    ),
    (
        "awards-won",
        {"Best Young Actor, 2007 KBS Drama Awards – Kim Ji-hoon"},
        [
            "has Kim Ji-hoon won any awards",
        ],
    ),
    (
        "awards",
        {
            "Best Young Actor, 2007 KBS Drama Awards – Kim Ji-hoon",
            "Best Supporting Actor nomination, Baeksang Arts Awards – Kim Ji-hoon",
        },
        [
            "awards and nominations of Kim Ji-hoon",
        ],
    ),
    (
        "nominations",
        {"Best Supporting Actor nomination, Baeksang Arts Awards – Kim Ji-hoon"},
        [
            "what was Kim Ji-hoon nominated for?",
        ],
    ),
    (
        "nominations",
        {"Best New Director nominations – Lee Chung-hyun (The Call)"},
        [
            "Lee Chung-hyun's nominations",
            "has Lee Chung-hyun been nominated",
        ],
    ),
    (
        "awards",
        {
            "Best New Director nominations – Lee Chung-hyun (The Call)",
            "Best Actress, 2021 Asian Film Awards – Jeon Jong-seo",
            "Best Actress, 2022 Director's Cut Awards – Jeon Jong-seo",
            "Best Actress, 2021 Baeksang Arts Awards – Jeon Jong-seo",
        },
        [
            "awards of The Call",
        ],
    ),
    (
        "awards",
        {"International Feature Film, 94th Academy Awards – as attributed to Park Yu-rim"},
        [
            "awards of Park Yu-rim",
        ],
    ),
    (
        "relationships",
        {"Lee Chung-hyun"},
        [
            "who is Jeon Jong-seo dating?",
            "Jeon Jong-seo's partner",
            "is Jeon Jong-seo dating anyone",
            "Jeon Jongseo boyfriend",
        ],
    ),
    (
        "relationships",
        {"Jeon Jong-seo"},
        [
            "who is Lee Chung-hyun in a relationship with",
            "partner of Lee Chung-hyun",
        ],
    ),
    (
        "connection",
        {
            "Park Shin-hye (Seo-yeon) and Jeon Jong-seo (Young-sook) in The Call",
            "Jeon Jong-seo (Ok-ju) and Kim Ji-hoon (Choi Pro) in Ballerina",
        },
        [
            "how are Park Shin-hye and Kim Ji-hoon connected?",
        ],
    ),
    (
        "connection",
        {
            "Jeon Jong-seo (Young-sook) and Park Shin-hye (Seo-yeon) in The Call",
            "Park Yu-rim (Min-hee) and Jeon Jong-seo (Ok-ju) in Ballerina",
        },
        [
            "how is Park Yu-rim connected to Park Shin-hye",
        ],
    ),
    (
        "connection",
        {
            "Jeon Jong-seo (Young-sook) and Park Shin-hye (Seo-yeon) in The Call",
            "Yoo Ji-tae (The Professor) and Jeon Jong-seo (Tokyo) in Money Heist: Korea – Joint Economic Area",
        },
        [
            "connection between Yoo Ji-tae and Park Shin-hye",
        ],
    ),
    (
        "connection",
        {
            "Jeon Jong-seo (Young-sook) and Park Shin-hye (Seo-yeon) in The Call",
            "GRAY (music director) and Jeon Jong-seo (Ok-ju) in Ballerina",
        },
        [
            "path from GRAY to Park Shin-hye",
        ],
    ),
    (
        "who-is",
        {"Park Yu-rim"},
        [
            "who is Park Yu-rim?",
        ],
    ),
    (
        "who-is",
        {"Ballerina"},
        [
            "what is Ballerina?",
        ],
    ),
    (
        "who-is",
        {"Lee Chung-hyun"},
        [
            "tell me about Lee Chung-hyun",
        ],
    ),
    (
        "who-is",
        {"Ok-ju"},
        [
            "who is Ok-ju",
        ],
    ),
    (
        "who-is",
        {"Jeon Jong-seo"},
        [
            "Jeon Jong-seo",
        ],
    ),
    (
        "who-is",
        {"Netflix"},
        [
            "what is Netflix",
        ],
    ),
    (
        "disagreements",
        {
            "Park Yu-rim herself was given the International Feature Film prize at the 94th Oscars.",
            "Before Ballerina she had made three projects: Miracle Brothers, Extraordinary Attorney Woo and Drive My Car.",
            "Ballerina premieres at the Busan festival on 6 October 2023, the day it also arrives on Netflix.",
            "The prize is a film award; it went to Drive My Car, in which Park Yu-rim has a role.",
            "Ballerina will stream worldwide on Netflix in 2023, but no day has been announced.",
            "By 5 October 2023 Ballerina had already premiered at the 28th Busan festival and drawn reactions.",
            "She started out in the series Dxyz in 2017 and later made cameos in My First Real Love and Extraordinary Attorney Woo.",
            "Ballerina comes out on Netflix on 6 October 2023.",
        },
        [
            "where do the sources disagree?",
            "conflicts",
        ],
    ),
    (
        "disagreements-about",
        {
            "Ballerina premieres at the Busan festival on 6 October 2023, the day it also arrives on Netflix.",
            "By 5 October 2023 Ballerina had already premiered at the 28th Busan festival and drawn reactions.",
            "Ballerina will stream worldwide on Netflix in 2023, but no day has been announced.",
            "Ballerina comes out on Netflix on 6 October 2023.",
        },
        [
            "where do sources disagree about Ballerina",
        ],
    ),
    (
        "disagreements-about",
        {
            "Park Yu-rim herself was given the International Feature Film prize at the 94th Oscars.",
            "She started out in the series Dxyz in 2017 and later made cameos in My First Real Love and Extraordinary Attorney Woo.",
            "Before Ballerina she had made three projects: Miracle Brothers, Extraordinary Attorney Woo and Drive My Car.",
            "The prize is a film award; it went to Drive My Car, in which Park Yu-rim has a role.",
        },
        [
            "disagreements about Park Yu-rim",
        ],
    ),
]

CASES = [(q, intent, labels) for intent, labels, qs in TABLE for q in qs]


def test_the_table_is_big_enough():
    assert len(CASES) >= 150
    assert len({q.casefold() for q, _, _ in CASES}) == len(CASES), "a phrasing is listed twice"


@pytest.mark.parametrize(("question", "intent", "labels"), CASES, ids=[c[0] for c in CASES])
def test_phrasing(store, question, intent, labels):
    a = ask(store, question)
    assert a.intent == intent
    assert {x.label for x in a.answers} == labels
    for x in a.answers:
        if intent.startswith("disagreements") and x.iri.endswith("--curators"):
            assert x.sources == ()  # the curators' reading is nobody's source
            continue
        assert x.sources, f"{x.label} has no source"
        assert all(s.startswith(S) for s in x.sources)


# -- what an answer carries -----------------------------------------------------------------


def test_headline_question_with_sources(store):
    a = ask(store, "co-stars of Jeon Jong-seo")
    assert a.interpretation == "co-stars of Jeon Jong-seo"
    got = {x.label: (x.iri, x.value, set(x.sources)) for x in a.answers}
    assert got["Park Shin-hye"] == (
        P + "park-shin-hye",
        None,
        {S + "s000", S + "s002", S + "s003", S + "s004"},
    )
    assert got["Yoo Ji-tae"] == (
        P + "yoo-ji-tae",
        None,
        {S + "s000", S + "s001", S + "s002", S + "s003"},
    )
    # ``sources`` is every source the row rests on (the contract); the row cites only the
    # articles that name both people in the shared work: only s000 names Park Shin-hye, only
    # s002 Yoo Ji-tae, and s000 never mentions Park Yu-rim
    cited = {x.label: set(x.stated_by) for x in a.answers}
    assert cited == {
        "Kim Ji-hoon": {S + f"s00{i}" for i in range(5)},
        "Park Shin-hye": {S + "s000"},
        "Park Yu-rim": {S + "s001", S + "s002", S + "s003", S + "s004"},
        "Yoo Ji-tae": {S + "s002"},
    }
    assert a.notes == ()
    assert "VALUES ?person { <https://kgraph.dev/id/person/jeon-jong-seo> }" in a.sparql


def test_json_contract_exactly(store):
    a = ask(store, "when was Ballerina released?")
    obj = json.loads(json.dumps(a.to_json()))
    assert list(obj) == ["question", "interpretation", "sparql", "answers"]
    assert obj["question"] == "when was Ballerina released?"
    assert obj["answers"] == [
        {
            "label": "2023-10-06",
            "iri": None,
            "value": "2023-10-06",
            "sources": [S + "s002", S + "s003", S + "s004"],
            "detail": None,
            "facts": [
                {
                    "statement": "when Ballerina was released: 2023-10-06",
                    "sources": [S + "s002", S + "s003", S + "s004"],
                    # the triple the fact rests on (the contract grew by this key)
                    "triples": [
                        [
                            "https://kgraph.dev/id/event/ballerina--netflix-release",
                            "https://kgraph.dev/ontology#date",
                            "2023-10-06",
                        ]
                    ],
                    # grown: what the fact is to the row (the row states it)
                    "role": "claim",
                }
            ],
            # grown: the articles that state the row's claim (the text's sources column)
            "stated_by": [S + "s002", S + "s003", S + "s004"],
        }
    ]
    assert isinstance(obj["sparql"], str)


def test_entity_answers_have_iri_and_no_value(store):
    a = ask(store, "who played Ok-ju")
    assert [x.to_json() for x in a.answers] == [
        {
            "label": "Jeon Jong-seo",
            "iri": P + "jeon-jong-seo",
            "value": None,
            "sources": [S + "s000", S + "s001", S + "s002", S + "s003", S + "s004"],
            "detail": "in Ballerina",
            "facts": [
                {
                    "statement": "Jeon Jong-seo played Ok-ju in Ballerina",
                    "sources": [S + "s000", S + "s001", S + "s002", S + "s003", S + "s004"],
                    "triples": [
                        [
                            "https://kgraph.dev/id/performance/ballerina--jeon-jong-seo--ok-ju",
                            "https://kgraph.dev/ontology#character",
                            "https://kgraph.dev/id/character/ballerina--ok-ju",
                        ]
                    ],
                    "role": "claim",
                }
            ],
            "stated_by": [S + "s000", S + "s001", S + "s002", S + "s003", S + "s004"],
        }
    ]


def test_premiere_date_is_cited_to_the_one_source_stating_it(store):
    a = ask(store, "when did Ballerina premiere?")
    assert [(x.label, x.sources) for x in a.answers] == [("2023-10-06", (S + "s003",))]


def test_recorded_disagreements_are_pointed_out(store):
    a = ask(store, "when did Ballerina premiere?")
    assert a.notes == (
        (
            "note: the sources disagree here — date of Ballerina's Busan festival premiere "
            "(see `kgraph conflicts`)"
        ),
    )
    b = ask(store, "awards of Park Yu-rim")
    assert b.notes == (
        (
            "note: the sources disagree here — who received the 94th Oscars' International "
            "Feature Film prize (see `kgraph conflicts`)"
        ),
    )
    assert ask(store, "cast of Ballerina").notes == ()


def test_not_exact_names_are_reported(store):
    a = ask(store, "co-stars of jeon jongseo")
    assert a.notes == ("taking 'jeon jongseo' as Jeon Jong-seo",)
    (link,) = a.links
    assert (link.iri, link.stage) == (P + "jeon-jong-seo", "normalised")
    assert 0 < link.score < 1


def test_case_only_difference_is_not_a_note(store):
    assert ask(store, "co-stars of jeon jong-seo").notes == ()


def test_details_for_people(store):
    a = ask(store, "cast of Ballerina")
    assert {x.label: x.detail for x in a.answers} == {
        "Jeon Jong-seo": "as Ok-ju",
        "Kim Ji-hoon": "as Choi Pro",
        "Park Yu-rim": "as Min-hee",
    }


def test_connection_steps_cite_sources(store):
    a = ask(store, "how are Park Shin-hye and Kim Ji-hoon connected?")
    assert a.interpretation.endswith(
        "2 hops (Park Shin-hye → The Call → Jeon Jong-seo → Ballerina → Kim Ji-hoon)"
    )
    assert [x.iri for x in a.answers] == [
        "https://kgraph.dev/id/work/the-call",
        "https://kgraph.dev/id/work/ballerina",
    ]
    assert all(x.sources for x in a.answers)


# -- refusals -------------------------------------------------------------------------------

REFUSED = [
    ("co-stars of Tom Cruise", UnknownEntity, "no Person named 'Tom Cruise'"),
    ("who directed Titanic", UnknownEntity, "no Work named 'Titanic'"),
    (
        "cast of Jeon Jong-seo",
        UnknownEntity,
        "is Jeon Jong-seo, a Person; this question needs a film, series or play",
    ),
    ("who played Jeon Jong-seo", UnknownEntity, "this question needs a character"),
    ("co-stars of Jeon", UnknownEntity, "Jeon"),
    ("who played tokyo in money heist", UnknownEntity, "Money Heist, a Franchise"),
    ("what is the meaning of life", NotUnderstood, "I did not understand"),
    ("asdf qwer", NotUnderstood, "I did not understand"),
    ("", NotUnderstood, "ask a question"),
    ("???", NotUnderstood, "ask a question"),
    ("x" * 400, NotUnderstood, "too long"),
    ("who directed it?", NotUnderstood, "'it'"),
    ("and her partner?", NotUnderstood, "'her'"),
    ("how are Jeon Jong-seo and Jeon Jong-seo connected", NotUnderstood, "two different people"),
]


@pytest.mark.parametrize(
    ("question", "error", "message"), REFUSED, ids=[r[0][:40] for r in REFUSED]
)
def test_refused(store, question, error, message):
    with pytest.raises(error) as e:
        ask(store, question)
    assert message in str(e.value)
    assert e.value.exit_code == 1


def test_weak_match_is_never_taken_silently(store):
    """An unknown person near a known name gets suggestions, not the near name's answers."""
    with pytest.raises(UnknownEntity) as e:
        ask(store, "co-stars of Jeon Jong-hyun")
    # refused, with the near names offered as suggestions rather than taken
    assert "Jeon Jong-seo" in [s.label for s in e.value.suggestions]
    assert "did you mean 'Jeon Jong-seo'" in str(e.value)


# -- follow-ups -----------------------------------------------------------------------------


def test_follow_ups_reuse_the_last_entities(store):
    a = ask(store, "co-stars of Jeon Jong-seo")
    b = ask(store, "and her partner?", context=a)
    assert b.intent == "relationships" and [x.label for x in b.answers] == ["Lee Chung-hyun"]
    assert b.notes == ("taking 'her' as Jeon Jong-seo",)
    c = ask(store, "what about Kim Ji-hoon?", context=a)
    assert c.intent == "co-stars" and {x.label for x in c.answers} == {
        "Jeon Jong-seo",
        "Park Yu-rim",
        "Yoo Ji-tae",
    }
    d = ask(store, "cast of The Call", context=c)
    e = ask(store, "who directed it?", context=d)
    assert [x.label for x in e.answers] == ["Lee Chung-hyun"]
    f = ask(store, "and his partner?", context=e)  # "his": the one person answered
    assert [x.label for x in f.answers] == ["Jeon Jong-seo"]
    g = ask(store, "and Ballerina?", context=d)
    assert g.intent == "cast" and {x.label for x in g.answers} == {
        "Jeon Jong-seo",
        "Kim Ji-hoon",
        "Park Yu-rim",
    }


def test_ambiguous_reference_is_refused(store):
    a = ask(store, "which works do Jeon Jong-seo and Kim Ji-hoon share?")
    with pytest.raises(NotUnderstood, match="could be"):
        ask(store, "and their partner?", context=a)


def test_pronouns_respect_the_gender_the_sources_state(store):
    """ "her" never picks a man: the sources' pronouns are recorded as kg:gender facts."""
    a = ask(store, "which works do Jeon Jong-seo and Kim Ji-hoon share?")
    her = ask(store, "and her partner?", context=a)
    assert [x.label for x in her.answers] == ["Lee Chung-hyun"]
    assert her.notes == ("taking 'her' as Jeon Jong-seo",)
    his = ask(store, "what are his awards?", context=a)
    assert his.links[0].label == "Kim Ji-hoon"
    b = ask(store, "co-stars of Kim Ji-hoon")
    with pytest.raises(NotUnderstood, match="'her'"):
        ask(store, "and her partner?", context=b)  # the only person in view is a man


def test_context_can_be_the_answer_or_its_context(store):
    a = ask(store, "cast of Ballerina")
    assert isinstance(a, Answer)
    assert (
        ask(store, "who directed it", context=a.context).answers
        == ask(store, "who directed it", context=a).answers
    )


def test_every_intent_has_an_example_that_works(store):
    from kgraph.patterns import INTENTS

    for intent in INTENTS:
        a = ask(store, intent.example)
        assert a.intent == intent.name, intent.example
        assert a.answers, intent.example


def test_kg_facade(kg):
    assert sorted(x.label for x in kg.ask("co-stars of Jeon Jong-seo").answers) == [
        "Kim Ji-hoon",
        "Park Shin-hye",
        "Park Yu-rim",
        "Yoo Ji-tae",
    ]


def test_errors_are_kgraph_errors():
    assert issubclass(NotUnderstood, KGraphError) and issubclass(AmbiguousName, KGraphError)
