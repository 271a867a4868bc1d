"""Saved queries: headers, exact rows on the bundled graph, parameters bound as values."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from kgraph.errors import InputError, UnknownEntity, UsageError
from kgraph.saved import Param, get_query, list_queries, parse_query_file, run_saved

NAMES = {
    "about",
    "awards",
    "cast",
    "characters-of",
    "co-stars",
    "collaborators",
    "crew",
    "directed-by",
    "disagreements",
    "facts-by-source",
    "films-of",
    "relationships",
    "release",
    "repeat-collaborators",
    "roles-of",
    "series-of",
    "shared-works",
    "who-played",
    "works-of",
}
ALL = frozenset({"s000", "s001", "s002", "s003", "s004"})


def F(*ids: str) -> frozenset[str]:
    return frozenset(ids)


def rows(store, name, params, *cols):
    """The rows as a set of tuples of ``cols`` plus the set of source ids."""
    res = run_saved(store, name, params)
    out = set()
    for r in res.values():
        srcs = frozenset(s.rsplit("/", 1)[-1] for s in r.get("sources", "").split())
        out.add((*(r.get(c) for c in cols), srcs))
    assert len(out) == len(res.rows), "duplicate rows"
    return out


# -- the files ------------------------------------------------------------------------------


def test_every_query_is_listed_with_a_header():
    qs = list_queries()
    assert {q.name for q in qs} == NAMES
    for q in qs:
        assert q.description and q.path.name == f"{q.name}.rq"
        for p in q.params:
            assert p.kind in ("entity", "literal", "number") and p.description
            assert re.search(rf"\?{p.name}\b", q.text), f"{q.name}: ?{p.name} is not used"


def test_every_answering_query_returns_sources():
    for q in list_queries():
        if q.name not in ("facts-by-source",):
            assert "?sources" in q.text, q.name


def test_header_parsing(tmp_path):
    f = tmp_path / "x.rq"
    f.write_text(
        "# name: x\n# description: d\n# param: who entity Person,Work optional — the one\n"
        "# param: n number — how many\nSELECT ?who ?n WHERE { ?who ?p ?n }\n",
        encoding="utf-8",
    )
    q = parse_query_file(f)
    assert q.params == (
        Param("who", "entity", "the one", ("Person", "Work"), True),
        Param("n", "number", "how many", (), False),
    )
    f.write_text("# name: y\n# param: who thing — bad kind\nSELECT * WHERE {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="x.rq:2: bad parameter line"):
        parse_query_file(f)


def test_unknown_query_names_close_ones():
    with pytest.raises(UsageError, match="did you mean co-stars"):
        get_query("costars")
    with pytest.raises(UsageError, match="the saved queries are"):
        get_query("zzzzzz")


def test_parameter_errors(store):
    with pytest.raises(UsageError, match="has no parameter 'who'"):
        run_saved(store, "cast", {"who": "x"})
    with pytest.raises(UsageError, match="needs --param work"):
        run_saved(store, "cast", {})
    with pytest.raises(UnknownEntity, match="no Person named 'Tom Cruise'"):
        run_saved(store, "co-stars", {"person": "Tom Cruise"})
    with pytest.raises(UnknownEntity):
        run_saved(store, "co-stars", {"person": "person:nobody"})


# -- exact rows -----------------------------------------------------------------------------

EXACT = [
    (
        "co-stars",
        {"person": "Jeon Jong-seo"},
        ("costarLabel",),
        # a row cites the articles naming both in a shared work (the asked person's part is
        # the premise): only s000 names Park Shin-hye, only s002 Yoo Ji-tae, s000 never
        # mentions Park Yu-rim
        {
            ("Kim Ji-hoon", ALL),
            ("Park Shin-hye", F("s000")),
            ("Park Yu-rim", ALL - F("s000")),
            ("Yoo Ji-tae", F("s002")),
        },
    ),
    (
        "co-stars",
        {"person": "person:park-shin-hye"},
        ("costarLabel",),
        {("Jeon Jong-seo", F("s000"))},
    ),
    (
        "shared-works",
        {"person": "Jeon Jong-seo", "other": "Kim Ji-hoon"},
        ("workLabel",),
        {("Ballerina", ALL), ("Money Heist: Korea – Joint Economic Area", ALL - F("s004"))},
    ),
    (
        "collaborators",
        {"person": "Park Yu-rim"},
        ("otherLabel", "shared"),
        {  # s000 never mentions Park Yu-rim; only s001 names Hamaguchi
            ("GRAY", "1", F("s001", "s004")),
            ("Jeon Jong-seo", "1", ALL - F("s000")),
            ("Kim Ji-hoon", "1", ALL - F("s000")),
            ("Lee Chung-hyun", "1", ALL - F("s000")),
            ("Ryusuke Hamaguchi", "1", F("s001")),
        },
    ),
    (
        "repeat-collaborators",
        {"person": "Jeon Jong-seo"},
        ("otherLabel", "shared"),
        {("Kim Ji-hoon", "2", ALL), ("Lee Chung-hyun", "2", ALL)},
    ),
    (
        "cast",
        {"work": "Ballerina"},
        ("personLabel", "characterLabel"),
        {
            ("Jeon Jong-seo", "Ok-ju", ALL),
            ("Kim Ji-hoon", "Choi Pro", ALL),
            ("Park Yu-rim", "Min-hee", ALL - F("s000")),
        },
    ),
    (
        "crew",
        {"work": "Ballerina"},
        ("personLabel", "roleLabel"),
        {
            ("GRAY", "music director", F("s001", "s004")),
            ("Lee Chung-hyun", "director", ALL),
            ("Lee Chung-hyun", "screenwriter", F("s002")),
        },
    ),
    (
        "works-of",
        {"person": "GRAY"},
        ("workLabel", "type", "year"),
        {
            ("Ballerina", "Film", "2023", F("s001", "s004")),
            ("D.P.", "TVSeries", None, F("s001")),
            ("Hellbound", "TVSeries", None, F("s001")),
        },
    ),
    (
        "films-of",
        {"person": "Jeon Jong-seo"},
        ("workLabel", "year"),
        {
            ("Ballerina", "2023", ALL),
            ("Burning", "2018", F("s002")),
            ("Mona Lisa and the Blood Moon", None, F("s002")),
            ("The Call", "2020", ALL - F("s001")),
        },
    ),
    (
        "series-of",
        {"person": "Park Yu-rim"},
        ("workLabel", "year"),
        {
            ("Dxyz", "2017", F("s003")),
            ("Extraordinary Attorney Woo", None, F("s002", "s003")),
            ("Miracle Brothers", None, F("s002")),
            # My First Real Love is a work no article calls a series (curation.trig: kg:Work)
        },
    ),
    (
        "directed-by",
        {"person": "Lee Chung-hyun"},
        ("workLabel", "year"),
        {("Ballerina", "2023", ALL), ("The Call", "2020", ALL)},
    ),
    (
        "who-played",
        {"character": "Tokyo"},
        ("personLabel", "workLabel"),
        {("Jeon Jong-seo", "Money Heist: Korea – Joint Economic Area", F("s002", "s003"))},
    ),
    ("who-played", {"character": "Ok-ju", "work": "The Call"}, ("personLabel",), set()),
    (
        "who-played",
        {"character": "Ok-ju", "work": "Ballerina"},
        ("personLabel",),
        {("Jeon Jong-seo", ALL)},
    ),
    (
        "characters-of",
        {"work": "Money Heist: Korea"},
        ("characterLabel", "personLabel"),
        {
            ("Denver", "Kim Ji-hoon", F("s002", "s003")),
            ("The Professor", "Yoo Ji-tae", F("s002")),
            ("Tokyo", "Jeon Jong-seo", F("s002", "s003")),
        },
    ),
    (
        "roles-of",
        {"person": "Park Yu-rim"},
        ("workLabel", "kind", "roleLabel"),
        {
            ("Ballerina", "acting", "Min-hee", ALL - F("s000")),
            # a row naming a character cites the sources naming it (cite: together): s001
            # and s003 name her in these works but no character
            ("Drive My Car", "acting", "Lee Yoon-a", F("s002")),
            ("Dxyz", "acting", None, F("s003")),
            ("Extraordinary Attorney Woo", "acting", "Kang Ji-hye", F("s002")),
            ("Miracle Brothers", "acting", "Park Hyeon-soo", F("s002")),
            ("My First Real Love", "acting", None, F("s003")),
        },
    ),
    (
        "roles-of",
        {"person": "Lee Chung-hyun", "work": "Ballerina"},
        ("kind", "roleLabel"),
        {("crew", "director", ALL), ("crew", "screenwriter", F("s002"))},
    ),
    (
        "awards",
        {"entity": "Jeon Jong-seo"},
        ("outcomeLabel", "status", "year", "forWorkLabel"),
        {
            (
                "Best Actress, 2021 Asian Film Awards – Jeon Jong-seo",
                "won",
                "2021",
                "The Call",
                F("s002"),
            ),
            (
                "Best Actress, 2021 Baeksang Arts Awards – Jeon Jong-seo",
                "won",
                "2021",
                "The Call",
                F("s002"),
            ),
            (
                "Best Actress, 2022 Director's Cut Awards – Jeon Jong-seo",
                "won",
                "2022",
                "The Call",
                F("s002"),
            ),
        },
    ),
    (
        "awards",
        {"entity": "Kim Ji-hoon"},
        ("category", "status"),
        {("Best Supporting Actor", "nominated", F("s002")), ("Best Young Actor", "won", F("s002"))},
    ),
    (
        "release",
        {"work": "Ballerina"},
        ("kind", "property", "value"),
        {
            (
                "premiere",
                "atFestival",
                "https://kgraph.dev/id/event/busan-international-film-festival-2023",
                F("s002", "s003", "s004"),
            ),
            ("premiere", "date", "2023-10-06", F("s003")),
            ("premiere", "section", "Korean Cinema Today: Special Premiere", F("s002", "s004")),
            ("release", "date", "2023-10-06", F("s002", "s003", "s004")),
            ("release", "platform", "https://kgraph.dev/id/org/netflix", ALL - F("s001")),
            ("release", "region", "worldwide", F("s000", "s002")),
            ("release", "year", "2023", F("s000")),
            ("work", "year", "2023", ALL - F("s001")),
        },
    ),
    (
        "relationships",
        {"person": "Jeon Jong-seo"},
        ("otherLabel", "type", "since"),
        {("Lee Chung-hyun", "couple", "2021", F("s002", "s003"))},
    ),
    (
        "disagreements",
        {},
        ("claim",),
        {
            ("https://kgraph.dev/id/disagreement/" + c, frozenset(s))
            for c, s in (
                ("park-yu-rim-prior-work--s002", F("s002")),
                ("park-yu-rim-prior-work--s003", F("s003")),
                ("ballerina-premiere-date--s002", F("s002")),
                ("ballerina-premiere-date--s003", F("s003")),
                ("academy-award-drive-my-car--curators", set()),
                ("academy-award-drive-my-car--s001", F("s001")),
                ("ballerina-release-date--later", F("s002", "s003", "s004")),
                ("ballerina-release-date--s000", F("s000")),
            )
        },
    ),
    ("about", {"entity": "Ok-ju"}, ("entityLabel", "type"), {("Ok-ju", "Character", ALL)}),
]


@pytest.mark.parametrize(
    ("name", "params", "cols", "expected"),
    EXACT,
    ids=[f"{e[0]}-{'-'.join(e[1].values())}" for e in EXACT],
)
def test_exact_rows(store, name, params, cols, expected):
    assert rows(store, name, params, *cols) == {(*r[:-1], frozenset(r[-1])) for r in expected}


DERIVED = {
    "castMember",
    "actedIn",
    "workedOn",
    "participant",
    "appearsIn",
    "director",
    "screenwriter",
    "musicBy",
    "author",
    "crewMember",
    "awardReceived",
    "nominatedFor",
    "unmarriedPartner",
}


@pytest.mark.parametrize("source", ["s000", "s001", "s002", "s003", "s004"])
def test_facts_by_source_are_exactly_the_asserted_triples(store, source):
    """Compared with the quads of the source's graph read straight from pyoxigraph."""
    import pyoxigraph as ox

    g = ox.NamedNode(f"https://kgraph.dev/id/source/{source}")
    expected = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in store.raw.quads_for_pattern(None, None, None, g)
        if q.predicate.value.rsplit("#", 1)[-1] not in DERIVED
    }
    res = run_saved(store, "facts-by-source", {"source": source})
    got = {(r["subject"], r["predicate"], r["object"]) for r in res.values()}
    assert got == expected and len(res.rows) == len(expected)


def test_source_given_by_iri_or_curie(store):
    a = run_saved(store, "facts-by-source", {"source": "source:s004"}).values()
    b = run_saved(
        store, "facts-by-source", {"source": "<https://kgraph.dev/id/source/s004>"}
    ).values()
    assert a == b and a


def test_entity_parameters_are_resolved_like_search(store):
    res = run_saved(store, "co-stars", {"person": "Park Yoorim"})
    assert res.matches["person"].label == "Park Yu-rim"
    assert res.bindings["person"].value == "https://kgraph.dev/id/person/park-yu-rim"


# -- injection ------------------------------------------------------------------------------

NASTY = [
    'Jeon Jong-seo" } UNION { ?costar ?p ?o } #',
    "Jeon Jong-seo' } UNION { ?x ?y ?z }",
    "}} DROP ALL ; INSERT DATA { <urn:x> <urn:y> <urn:z> } #",
    "Jeon Jong-seo\n} UNION { ?costar a ?t }\n#",
    "<https://kgraph.dev/id/person/jeon-jong-seo> } UNION { ?costar ?p ?o",
    "# comment",
    "Jeon Jong-seo # }",
    '\\" ) } FILTER(true) #',
]


@pytest.mark.parametrize("value", NASTY)
def test_parameters_cannot_change_the_query(store, value):
    before = len(store)
    try:
        res = run_saved(store, "co-stars", {"person": value})
    except (UnknownEntity, UsageError):
        pass  # refused: fine
    else:  # resolved to a real person: only that person's co-stars
        assert res.matches["person"].type == "Person"
        assert len(res.rows) <= 4
    assert len(store) == before


@pytest.mark.parametrize("value", NASTY)
def test_literal_parameters_are_bound_not_pasted(store, tmp_path, value, monkeypatch):
    """A literal parameter holding query syntax matches nothing and changes nothing."""
    d = tmp_path / "queries"
    d.mkdir()
    (d / "by-label.rq").write_text(
        "# name: by-label\n# description: entities with this exact label\n# param: label literal — the label\n"
        "SELECT ?e ?label WHERE { ?e skos:prefLabel ?l . FILTER (STR(?l) = ?label) }\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("kgraph.resources.queries_dir", lambda: d)
    before = len(store)
    assert run_saved(store, "by-label", {"label": value}).rows == []
    got = run_saved(store, "by-label", {"label": "Ok-ju"}).values()
    assert got == [{"e": "https://kgraph.dev/id/character/ballerina--ok-ju", "label": "Ok-ju"}]
    assert len(store) == before


def test_number_parameters(store, tmp_path, monkeypatch):
    d = tmp_path / "queries"
    d.mkdir()
    (d / "year.rq").write_text(
        "# name: year\n# description: works of a year\n# param: y number — the year\n"
        "SELECT DISTINCT ?w WHERE { ?w kg:year ?yr . FILTER (YEAR(?yr) = ?y) }\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("kgraph.resources.queries_dir", lambda: d)
    assert {r["w"] for r in run_saved(store, "year", {"y": "2020"}).values()} == {
        "https://kgraph.dev/id/work/the-call",
        "https://kgraph.dev/id/work/flower-of-evil",
    }
    with pytest.raises(UsageError, match="is not a number"):
        run_saved(store, "year", {"y": "2020 } #"})


# -- the commands ---------------------------------------------------------------------------


def test_queries_command(cli):
    r = cli("queries", "--format", "json")
    assert r.code == 0
    listed = {q["name"]: q for q in json.loads(r.stdout)["queries"]}
    assert set(listed) == NAMES
    assert listed["who-played"]["params"] == [
        {
            "name": "character",
            "kind": "entity",
            "types": ["Character"],
            "optional": False,
            "description": "the character",
        },
        {
            "name": "work",
            "kind": "entity",
            "types": ["Work"],
            "optional": True,
            "description": "only performances in this work",
        },
    ]
    r = cli("queries")
    assert r.code == 0 and "co-stars" in r.stdout and "person: entity Person" in r.stdout


def test_query_command_formats(cli):
    r = cli("query", "cast", "--param", "work=Ballerina", "--format", "json")
    assert r.code == 0
    data = json.loads(r.stdout)
    assert data["head"]["vars"] == [
        "work",
        "person",
        "personLabel",
        "character",
        "characterLabel",
        "sources",
    ]
    assert {b["personLabel"]["value"] for b in data["results"]["bindings"]} == {
        "Jeon Jong-seo",
        "Kim Ji-hoon",
        "Park Yu-rim",
    }
    r = cli("query", "cast", "-p", "work=Ballerina", "-f", "csv")
    table = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    assert {row["characterLabel"] for row in table} == {"Ok-ju", "Choi Pro", "Min-hee"}
    r = cli("query", "cast", "-p", "work=Ballerina", "-f", "tsv")
    assert r.stdout.splitlines()[0].split("\t")[:3] == ["?work", "?person", "?personLabel"]
    r = cli("query", "co-stars", "--param", "person=jeon jongseo")
    assert r.code == 0 and "Park Shin-hye" in r.stdout
    assert "taking person='jeon jongseo' as Jeon Jong-seo" in r.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("query", "nope"), 2, "no saved query named 'nope'"),
        (("query", "cast", "--param", "work"), 2, "expected NAME=VALUE"),
        (("query", "cast", "--param", "who=x"), 2, "has no parameter 'who'"),
        (("query", "cast"), 2, "needs --param work"),
        (("query", "cast", "-p", "work=Titanic"), 1, "no Work named 'Titanic'"),
        (("query", "cast", "-p", "work=Ballerina", "-f", "yaml"), 2, "unknown format"),
    ],
)
def test_query_command_errors(cli, args, code, message):
    r = cli(*args)
    assert r.code == code
    assert message in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
