"""A generated paraphrase suite: templates × synonyms × name spellings × word orders.

The grammar below is its own (it shares nothing with ``kgraph/patterns.py`` or the cue words of
``kgraph/understanding.py``); every question's expected answer is computed independently, by a
SPARQL query written here over the source graphs. A question counts as exact when the set of
answer labels equals the expected set; a refusal is allowed (it is counted against the 98 %),
a different answer set never is. The per-intent figures are printed (``pytest -s``).
"""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict

import pyoxigraph as ox
import pytest

from kgraph.errors import KGraphError
from kgraph.questions import ask

KG = "https://kgraph.dev/ontology#"
SRC = "?g a kg:Source ."

# -- names and their spellings ----------------------------------------------------------------


@pytest.fixture(scope="module")
def store(store_by_fact_base):
    """The bundled graph, with each fact base `ask` may use (tests/conftest.py)."""
    return store_by_fact_base


def rows(store, q, **bind):
    import pyoxigraph as ox

    b = {
        k: ox.NamedNode(v) if isinstance(v, str) and v.startswith("http") else v
        for k, v in bind.items()
    }
    return store.select(q, b or None)


def col(store, q, var="x", **bind):
    return {r[var].value for r in rows(store, q, **bind) if var in r}


def label(store, iri):
    return col(store, "SELECT ?x WHERE { ?e skos:prefLabel ?x }", e=iri).pop()


def spellings(store, iri, kind):
    """The preferred label, its lower-case, its hyphens as spaces or gone, and the aliases."""
    pref = label(store, iri)
    out = [pref, pref.lower()]
    if "-" in pref:
        out += [pref.replace("-", " "), pref.replace("-", "")]
    alts = sorted(col(store, "SELECT ?x WHERE { GRAPH ?g { ?e skos:altLabel ?x } }", e=iri))
    out += alts[:3]
    if kind == "person":
        words = pref.split()
        if len(words) == 2:  # given name first
            out.append(f"{words[1]} {words[0]}")
    return list(dict.fromkeys(out))


def entities(store, cls):
    return sorted(col(store, f"SELECT ?x WHERE {{ ?x a kg:{cls} }}"))


# -- expected answers, by SPARQL ----------------------------------------------------------------


def labels_of(store, q, **bind):
    return {r["l"].value for r in rows(store, q, **bind)}


def exp_costars(store, p):
    return labels_of(
        store,
        f"""SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?p kg:actedIn ?w }} {SRC}
        GRAPH ?h {{ ?c kg:actedIn ?w }} ?h a kg:Source . FILTER (?c != ?p) ?c skos:prefLabel ?l }}""",
        p=p,
    )


def exp_cast(store, w):
    return labels_of(
        store,
        f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?x kg:performer ?c ; kg:inWork ?w }} {SRC} ?c skos:prefLabel ?l }}",
        w=w,
    )


def exp_prop_people(store, w, prop):
    return labels_of(
        store,
        f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?w kg:{prop} ?c }} {SRC} ?c skos:prefLabel ?l }}",
        w=w,
    )


def exp_played(store, c):
    return labels_of(
        store,
        f"""SELECT DISTINCT ?l WHERE {{ ?x kg:performer ?p . GRAPH ?g {{ ?x kg:character ?c }} {SRC}
        ?p skos:prefLabel ?l }}""",
        c=c,
    )


def works_of(store, p, cls=None):
    filt = f"?w a kg:{cls} ." if cls else ""
    return labels_of(
        store,
        f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?p kg:workedOn ?w }} {SRC} {filt} ?w skos:prefLabel ?l }}",
        p=p,
    )


def work_iris_of(store, p):
    return col(store, f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?p kg:workedOn ?x }} {SRC} }}", p=p)


def year(store, w):
    ys = col(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?w kg:year ?x }} {SRC} }}", w=w)
    return min(ys) if ys else None


def exp_before(store, p, w, after=False):
    out = set()
    wy = year(store, w)
    for x in work_iris_of(store, p):
        if x == w:
            continue
        a, b = (w, x) if after else (x, w)
        q = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?a kg:precedes ?b }} {SRC} }}"
        stated = bool(rows(store, q, a=a, b=b))
        xy = year(store, x)
        by_year = bool(xy and wy and ((xy > wy) if after else (xy < wy)))
        if stated or by_year:
            out.add(label(store, x))
    return out


def shared(store, p, o):
    return work_iris_of(store, p) & work_iris_of(store, o)


# -- the grammar ----------------------------------------------------------------------------------

LEAD = ["", "please tell me ", "can you tell me "]
TAIL = ["?", ""]


def vary(t):
    """A template with a polite lead and with or without the question mark."""
    for lead, tail in itertools.product(LEAD, TAIL):
        yield (lead + t + tail).strip()


T_COSTARS = [
    "co-stars of {P}",
    "who has {P} acted with",
    "who acted alongside {P}",
    "{P}'s co-stars",
    "who did {P} star with",
    "castmates of {P}",
    "who appeared opposite {P}",
]
T_CAST = [
    "cast of {W}",
    "who is in {W}",
    "who starred in {W}",
    "who acted in {W}",
    "actors in {W}",
    "who appears in {W}",
]
T_DIRECTOR = [
    "who directed {W}",
    "director of {W}",
    "{W}'s director",
    "who was the director of {W}",
    "who helmed {W}",
]
T_WRITER = ["who wrote {W}", "writer of {W}", "who wrote the screenplay of {W}"]
T_MUSIC = ["who did the music for {W}", "who composed the music for {W}", "composer of {W}"]
T_PLAYED = [
    "who played {C}",
    "who plays {C}",
    "which actor played {C}",
    "who portrayed {C}",
    "the actor behind {C}",
]
T_FILMS = [
    "which films has {P} been in",
    "{P}'s films",
    "movies with {P}",
    "what movies did {P} act in",
]
T_SERIES = ["what series has {P} been in", "{P}'s tv shows", "which dramas has {P} been in"]
T_SHARED = [
    "which works do {P} and {O} share",
    "what have {P} and {O} worked on together",
    "what projects do {P} and {O} have in common",
    "what did {P} and {O} do together",
]
T_TOGETHER = [
    "have {P} and {O} ever worked together",
    "did {P} and {O} work together",
    "have {P} and {O} collaborated",
]
T_COUNT = [
    ("how many films has {P} made", "Film"),
    ("how many movies has {P} been in", "Film"),
    ("how many series has {P} been in", "TVSeries"),
    ("how many tv shows has {P} done", "TVSeries"),
    ("how many projects has {P} worked on", None),
    ("how many works has {P} been in", None),
]
T_GENRE = [
    "what genre is {W}",
    "what kind of film is {W}",
    "which genres does {W} have",
    "genre of {W}",
]
T_YEAR = ["what year did {W} come out", "which year is {W} from", "in what year was {W} released"]
T_IN_YEAR = [
    ("films released in {Y}", "Film"),
    ("which movies came out in {Y}", "Film"),
    ("series from {Y}", "TVSeries"),
    ("what came out in {Y}", None),
    ("works released in {Y}", None),
]
T_PERSON_YEAR = [
    "which films did {P} make in {Y}",
    "{P}'s films from {Y}",
    "what did {P} do in {Y}",
]
T_DEBUT = [
    "what is {P}'s debut",
    "what was {P}'s debut work",
    "{P}'s debut",
    "where did {P} make their debut",
]
T_BEFORE = ["what was {P} in before {W}", "what did {P} do before {W}", "{P}'s works before {W}"]
T_AFTER = ["what did {P} do after {W}", "what was {P} in after {W}"]
T_IN = [
    "was {P} in {W}",
    "did {P} appear in {W}",
    "did {P} act in {W}",
    "is {P} in the cast of {W}",
]
T_DIRECTED = ["did {P} direct {W}", "was {W} directed by {P}"]
T_PARTNER = ["is {P} dating {O}", "are {P} and {O} a couple", "is {P} in a relationship with {O}"]
T_DATING = ["who is {P} dating", "{P}'s partner", "who is {P}'s boyfriend or girlfriend"]
T_WINNER = [
    "who won {K} at the {E}",
    "who won the {K} award at the {E}",
    "winner of {K} at the {E}",
]
T_AWARDS = ["what awards has {P} won", "which prizes did {P} win", "awards won by {P}"]
T_DISTRIB = [
    "who distributed {W}",
    "where can I stream {W}",
    "which platform is {W} on",
    "who distributes {W}",
]


def build(store):
    """Every (intent, question, expected label set) of the grammar."""
    cases: list[tuple[str, str, frozenset[str]]] = []
    people = entities(store, "Person")
    works = (
        entities(store, "Work")
        + entities(store, "Film")
        + entities(store, "TVSeries")
        + entities(store, "Play")
    )
    works = sorted(set(works))
    chars = entities(store, "Character")
    spell = {e: spellings(store, e, "person") for e in people}
    spell |= {e: spellings(store, e, "work") for e in works}
    spell |= {e: spellings(store, e, "character") for e in chars}
    spell |= {e: spellings(store, e, "event") for e in entities(store, "AwardCeremony")}

    def add(intent, templates, fill, expected):
        expected = frozenset(expected)
        for t in templates:
            for q in vary(t):
                names = {k: v for k, v in fill.items()}
                for combo in itertools.product(*[spell.get(v, [v]) for v in names.values()]):
                    text = q
                    for k, s in zip(names, combo, strict=True):
                        text = text.replace("{" + k + "}", s)
                    cases.append((intent, text, expected))

    def add_few(intent, templates, fill, expected, n_spell=2):
        expected = frozenset(expected)
        for t in templates:
            for q in vary(t):
                for combo in itertools.product(
                    *[spell.get(v, [v])[:n_spell] for v in fill.values()]
                ):
                    text = q
                    for k, s in zip(fill, combo, strict=True):
                        text = text.replace("{" + k + "}", s)
                    cases.append((intent, text, expected))

    actors = [
        p for p in people if col(store, "SELECT ?x WHERE { GRAPH ?g { ?p kg:actedIn ?x } }", p=p)
    ]
    for p in actors:
        add("co-stars", T_COSTARS, {"P": p}, exp_costars(store, p))
        add_few("films-of", T_FILMS, {"P": p}, works_of(store, p, "Film"))
        add_few("series-of", T_SERIES, {"P": p}, works_of(store, p, "TVSeries"))
        for t, cls in T_COUNT:
            add_few("count-works", [t], {"P": p}, {str(len(works_of(store, p, cls)))})
        add_few(
            "awards-won",
            T_AWARDS,
            {"P": p},
            labels_of(
                store,
                f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?a kg:recipient ?p }} {SRC} ?a a kg:Award ; skos:prefLabel ?l }}",
                p=p,
            ),
            1,
        )
        partners = labels_of(
            store,
            f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?r kg:partner ?p , ?o }} {SRC} FILTER (?o != ?p) ?o skos:prefLabel ?l }}",
            p=p,
        )
        add_few("relationships", T_DATING, {"P": p}, partners, 1)
    for w in works:
        cast = exp_cast(store, w)
        if cast:
            add("cast", T_CAST, {"W": w}, cast)
        for intent, tpl, prop in (
            ("director", T_DIRECTOR, "director"),
            ("writer", T_WRITER, "screenwriter"),
            ("music", T_MUSIC, "musicBy"),
        ):
            got = exp_prop_people(store, w, prop)
            if got:
                add(intent, tpl, {"W": w}, got)
        genres = col(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?w kg:genre ?x }} {SRC} }}", w=w)
        if genres:
            add("genre", T_GENRE, {"W": w}, genres)
        y = year(store, w)
        if y:
            add_few("release-year", T_YEAR, {"W": w}, {y})
        dist = labels_of(
            store,
            f"""SELECT DISTINCT ?l WHERE {{ {{ GRAPH ?g {{ ?w kg:distributor ?d }} }}
            UNION {{ ?e kg:releaseOf ?w . GRAPH ?g {{ ?e kg:platform ?d }} }} {SRC} ?d skos:prefLabel ?l }}""",
            w=w,
        )
        if dist:
            add_few("distributor", T_DISTRIB, {"W": w}, dist)
    for c in chars:
        played = exp_played(store, c)
        if played:
            add("who-played", T_PLAYED, {"C": c}, played)
    for p, o in itertools.permutations(actors, 2):
        s = shared(store, p, o)
        if s:
            add_few("shared-works", T_SHARED, {"P": p, "O": o}, {label(store, w) for w in s}, 2)
            add_few("check-together", T_TOGETHER, {"P": p, "O": o}, {"yes"}, 1)
    years = sorted(
        col(
            store,
            f"""SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?w kg:year ?x }} {SRC} ?w a ?c
            FILTER (?c IN (kg:Film, kg:TVSeries, kg:Play)) }}""",
        )
    )
    for y in years:
        for t, cls in T_IN_YEAR:
            filt = (
                f"?w a kg:{cls} ."
                if cls
                else "?w a ?c . FILTER (?c IN (kg:Film, kg:TVSeries, kg:Play))"
            )
            exp = labels_of(
                store,
                f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?w kg:year ?y }} {SRC} {filt} ?w skos:prefLabel ?l }}",
                y=ox.Literal(y, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
            )
            add_few("works-in-year", [t], {"Y": y}, exp)
        for p in actors:
            ws = {w for w in work_iris_of(store, p) if y == year(store, w)}
            t = T_PERSON_YEAR
            exp_all = {label(store, w) for w in ws}
            exp_film = {
                label(store, w)
                for w in ws
                if col(store, "SELECT ?x WHERE { ?w a ?x }", w=w) & {KG + "Film"}
            }
            if exp_film:
                add_few("works-in-year", t[:2], {"P": p, "Y": y}, exp_film, 1)
            if exp_all:
                add_few("works-in-year", t[2:], {"P": p, "Y": y}, exp_all, 1)
    for p in people:
        debut = labels_of(
            store,
            f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ ?w kg:debutOf ?p }} {SRC} ?w skos:prefLabel ?l }}",
            p=p,
        )
        if debut:
            add("debut", T_DEBUT, {"P": p}, debut)
    for p in actors:
        for w in sorted(work_iris_of(store, p)):
            add_few("works-before", T_BEFORE, {"P": p, "W": w}, exp_before(store, p, w), 1)
            add_few(
                "works-after", T_AFTER, {"P": p, "W": w}, exp_before(store, p, w, after=True), 1
            )
    # yes/no: was P in W / did P direct W, for every person and a spread of works
    for p in people:
        for w in works[::3]:
            in_w = bool(
                rows(
                    store, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?p kg:workedOn ?w }} {SRC} }}", p=p, w=w
                )
            )
            anyone = bool(
                rows(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?x kg:workedOn ?w }} {SRC} }}", w=w)
            )
            add_few(
                "check-in",
                T_IN,
                {"P": p, "W": w},
                {"yes" if in_w else "no" if anyone else "not stated"},
                1,
            )
            directed = exp_prop_people(store, w, "director")
            verdict = "yes" if label(store, p) in directed else "no" if directed else "not stated"
            add_few("check-directed", T_DIRECTED, {"P": p, "W": w}, {verdict}, 1)
    for p, o in itertools.combinations(people, 2):
        together = rows(
            store, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?r kg:partner ?p , ?o }} {SRC} }}", p=p, o=o
        )
        other = rows(
            store,
            f"SELECT ?g WHERE {{ GRAPH ?g {{ ?r kg:partner ?p , ?x }} {SRC} FILTER (?x != ?p) }}",
            p=p,
        )
        add_few(
            "check-partner",
            T_PARTNER,
            {"P": p, "O": o},
            {"yes" if together else "no" if other else "not stated"},
            1,
        )
    for a in col(store, "SELECT ?x WHERE { ?x a kg:Award }"):
        cats = col(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?a kg:category ?x }} {SRC} }}", a=a)
        cers = col(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?a kg:ceremony ?x }} {SRC} }}", a=a)
        for k, e in itertools.product(cats, cers):
            # a recipient the curators flag as disputed is no winner: the work the award was for is
            exp = labels_of(
                store,
                f"""SELECT DISTINCT ?l WHERE {{ ?b a kg:Award .
                GRAPH ?g {{ ?b kg:category ?k ; kg:ceremony ?e ; kg:recipient ?r }} {SRC}
                OPTIONAL {{ ?d a kg:Disagreement ; kg:about ?b . GRAPH ?h {{ ?b kg:forWork ?w }} }}
                BIND (IF(BOUND(?d) && BOUND(?w), ?w, ?r) AS ?x) ?x skos:prefLabel ?l }}""",
                k=ox.Literal(k),
                e=e,
            )
            add_few("award-winners", T_WINNER, {"K": k, "E": e}, exp, 1)
    unique = list({q: (i, q, e) for i, q, e in cases}.values())
    # a fixed sample of at most PER_INTENT questions per intent keeps the test quick
    rng = random.Random(11)
    by_intent: dict[str, list[tuple[str, str, frozenset[str]]]] = defaultdict(list)
    for c in unique:
        by_intent[c[0]].append(c)
    out = []
    for intent in sorted(by_intent):
        group = by_intent[intent]
        out += group if len(group) <= PER_INTENT else rng.sample(group, PER_INTENT)
    return out


PER_INTENT = 130


@pytest.fixture(scope="module")
def cases(store):
    return build(store)


def test_the_grammar_is_big_enough(cases):
    assert len(cases) >= 2000
    assert len({i for i, _, _ in cases}) >= 20


@pytest.mark.slow
def test_paraphrases_are_answered_exactly_and_never_wrongly(store, cases):
    per: dict[str, Counter[str]] = defaultdict(Counter)
    wrong: list[tuple[str, set[str], frozenset[str]]] = []
    for intent, q, expected in cases:
        try:
            a = ask(store, q)
        except KGraphError:
            per[intent]["refused"] += 1
            continue
        got = {x.label for x in a.answers}
        if got == expected:
            per[intent]["exact"] += 1
        else:
            per[intent]["wrong"] += 1
            wrong.append((q, got, expected))
    total = Counter()
    print(f"\n{'intent':<22}{'questions':>10}{'exact':>8}{'refused':>9}{'wrong':>7}{'exact %':>9}")
    for intent in sorted(per):
        c = per[intent]
        n = sum(c.values())
        total.update(c)
        print(
            f"{intent:<22}{n:>10}{c['exact']:>8}{c['refused']:>9}{c['wrong']:>7}{100 * c['exact'] / n:>8.1f}%"
        )
    n = sum(total.values())
    print(
        f"{'all':<22}{n:>10}{total['exact']:>8}{total['refused']:>9}{total['wrong']:>7}{100 * total['exact'] / n:>8.1f}%"
    )
    assert not wrong, wrong[:20]
    assert total["exact"] / n >= 0.98
