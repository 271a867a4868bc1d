"""Citations are exactly right: every answer of every saved query, every ``ask`` kind of question,
every ``path``/``shared`` step and every card fact cites each source whose graph states a fact it
rests on, and no other.

The expected sources are computed here from the store's quads (one index: triple -> the source
graphs holding it), not through kgraph's citation code. Saved queries run with every person,
work, character and source of the bundled graph as their parameters; ``ask`` is asked every
question of a grammar of its kinds with every entity of the fitting class.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict

import pyoxigraph as ox
import pytest

from kgraph import paths
from kgraph.cards import show
from kgraph.errors import NoPath
from kgraph.saved import list_queries, run_saved
from kgraph.terms import CURATION_GRAPH, GRAPH_NS, KG_NS

SOURCE_NS = "https://kgraph.dev/id/source/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _key(t) -> str:
    return t.value if isinstance(t, ox.NamedNode) else str(t)


def _stated(store, key) -> dict[tuple[str, str, str], set[str]]:
    """(subject, predicate, object), each term as ``key`` gives it -> the source graphs stating it."""
    idx: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for q in store.quads():
        g = q.graph_name.value
        if g.startswith(SOURCE_NS):
            idx[(key(q.subject), key(q.predicate), key(q.object))].add(g)
    return idx


@pytest.fixture(scope="module")
def index(store) -> dict[tuple[str, str, str], set[str]]:
    """(subject, predicate, object) -> the source graphs stating it (N-Triples form of a literal)."""
    return _stated(store, _key)


@pytest.fixture(scope="module")
def entities(store) -> dict[str, list[str]]:
    """Every entity of each class (from the curation graph's identity statements)."""
    out: dict[str, list[str]] = defaultdict(list)
    for q in store.quads():
        if q.graph_name.value == CURATION_GRAPH and q.predicate.value == RDF_TYPE:
            out[q.object.value.rsplit("#", 1)[-1]].append(q.subject.value)
    out["Work"] = sorted({*out["Film"], *out["TVSeries"], *out["Play"], *out["Work"]})
    return {k: sorted(set(v)) for k, v in out.items()}


def _fact_key(f) -> tuple[str, str, str]:
    o = f.object if isinstance(f.object, str) else str(f.object)
    return (f.subject, f.predicate, o)


def _param_values(query, entities) -> list[dict[str, str]]:
    required = [p for p in query.params if not p.optional]
    choices = []
    for p in required:
        types = p.types or ("Person", "Work")
        choices.append([i for t in types for i in entities.get(t, [])])
    return [
        {p.name: f"<{v}>" for p, v in zip(required, combo, strict=True)}
        for combo in itertools.product(*choices)
    ]


QUERIES = [q.name for q in list_queries()]


@pytest.mark.slow
@pytest.mark.parametrize("name", QUERIES)
def test_every_saved_query_answer_cites_exactly(store, index, entities, name):
    query = next(q for q in list_queries() if q.name == name)
    answers = 0
    for params in _param_values(query, entities):
        res = run_saved(store, name, params)
        for i, row in enumerate(res.rows):
            answers += 1
            cited = set(row["sources"].value.split()) if "sources" in row else set()
            if query.facts:
                facts = res.facts[i]
                assert facts, (name, params, row)
                stated: set[str] = set()
                for f in facts:
                    want = index.get(_fact_key(f), set())
                    assert set(f.sources) == want, (name, params, f.statement)
                    stated |= want
                # the row cites the articles stating its claim (docs/ask.md, "Citations"): each
                # cited source states a fact of the row that is not the question's premise,
                # and a row resting on stated facts cites at least one
                assert cited and cited <= stated, (name, params, row)
                own = {
                    s
                    for f in facts
                    if getattr(f, "role", "claim") not in ("premise", "context")
                    for s in f.sources
                }
                assert cited <= own, (name, params, row)
            elif name == "about":
                e = row["entity"].value
                mentions = {g for (s, _, o), gs in index.items() if e in (s, o) for g in gs}
                assert cited == mentions, (name, e)
            elif name == "facts-by-source":
                key = (row["subject"].value, row["predicate"].value, _key(row["object"]))
                assert row["source"].value in index[key]
            elif name == "disagreements":
                claimed = {
                    q.object.value
                    for q in store.quads()
                    if q.subject == row["claim"] and q.predicate.value == KG_NS + "claimedBy"
                }
                assert cited == claimed
            else:
                pytest.fail(f"saved query {name} declares no facts to check its citations by")
    assert answers > 0, name


def _role_sources(store, index, person: str, work: str, role) -> set[str]:
    """The graphs stating a person's role in a work, from the quads: a performance (with the
    character, or naming none) or a credit (with the crew role)."""
    by_node: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for (s, p, o), gs in index.items():
        for g in gs:
            by_node[(s, g)][p].add(o)
    out = set()
    for (node, g), props in by_node.items():
        if work not in props.get(KG_NS + "inWork", ()):
            continue
        if role.kind == "cast" and person in props.get(KG_NS + "performer", ()):
            chars = props.get(KG_NS + "character", set())
            if (role.iri in chars) if role.iri else not chars:
                out.add(g)
        if (
            role.kind == "crew"
            and person in props.get(KG_NS + "creditedPerson", ())
            and role.iri in props.get(KG_NS + "role", ())
        ):
            out.add(g)
    return out


@pytest.mark.slow
def test_path_and_shared_steps_cite_exactly(store, index, entities):
    people = entities["Person"]
    checked = 0
    for a, b in itertools.combinations(people, 2):
        try:
            r = paths.path(store, a, b)
        except NoPath:  # no path between them: nothing to cite
            continue
        steps = [s for st in r.steps for s in st]
        shared = paths.shared(store, a, b)
        for step in [*steps, *(paths.Step(w.work, (w.a, w.b)) for w in shared.works)]:
            union: set[str] = set()
            for part in step.people:
                assert part.roles, (step.text, part.person.label)
                for role in part.roles:
                    want = _role_sources(store, index, part.person.iri, step.work.iri, role)
                    assert {s.iri for s in role.sources} == want, (step.text, role.label)
                    union |= want
            assert {s.iri for s in step.sources} == union
            assert {s.iri for f in step.facts for s in f.sources} == union
            checked += 1
    assert checked > 20


def test_path_json_has_facts_and_legend(store):
    r = paths.path(store, "Park Shin-hye", "Yoo Ji-tae").to_json()
    facts = [f for st in r["steps"][0] for f in st["facts"]]
    yoo = [f for f in facts if f["statement"].startswith("Yoo Ji-tae")]
    assert yoo == [
        {
            "statement": "Yoo Ji-tae plays The Professor in Money Heist: Korea – Joint Economic Area",
            "sources": [SOURCE_NS + "s002"],
            "codes": ["s002"],
        }
    ]
    assert {s["code"] for s in r["legend"]} == {
        s["code"] for st in r["steps"][0] for s in st["sources"]
    }


@pytest.mark.slow
def test_every_card_fact_cites_exactly(store, index, entities):
    from kgraph.cards import DERIVED

    for iri in sorted({*entities["Person"], *entities["Work"], *entities.get("Character", [])}):
        card = show(store, f"<{iri}>")
        via_graphs: dict[str, set[str]] = defaultdict(set)
        for f in card.facts:
            cited = {s for s in f.sources if not s.startswith(GRAPH_NS)}
            if f.direction == "out" and f.predicate not in DERIVED:
                o = f.object if f.object_is_iri else None
                if o is not None:
                    assert cited == index.get((iri, f.predicate, o), set()), f.text
            elif f.direction == "in":
                assert cited == index.get((f.object, f.predicate, iri), set()), f.text
            elif f.via:
                # a flattened line: each cited source states the node's link to the entity
                linked = {
                    g for (s, _, o), gs in index.items() if s == f.via for g in gs if o == iri
                }
                assert cited <= linked or f.kind == "disagreement", f.text
                via_graphs[f.via] |= cited
        # no source that links a flattened node to the entity is left out of its lines
        for node, cited in via_graphs.items():
            linked = {g for (s, _, o), gs in index.items() if s == node and o == iri for g in gs}
            assert linked <= cited, (iri, node)


def test_show_source_card(kg):
    c = kg.show("s001")
    assert c.article.code == "s001" and c.article.outlet == "JTBC News"
    assert kg.show("jTBC").iri == c.iri == SOURCE_NS + "s001"
    assert [d.kind for d in c.disputes] == ["misattribution"]
    assert c.to_json()["source"]["facts"] == c.article.facts > 0


def test_cli_sources_lists_the_articles(cli):
    r = cli("sources", "--format", "json")
    assert r.code == 0, r.stderr
    arts = json.loads(r.stdout)["articles"]
    assert [a["code"] for a in arts if not a["loaded"]] == [f"s00{i}" for i in range(5)]
    s001 = next(a for a in arts if a["code"] == "s001")
    assert s001["outlet"] == "JTBC News" and s001["language"] == "en" and s001["facts"] > 0
    text = cli("sources").stdout.splitlines()
    assert text[0].split("\t")[:6] == ["code", "outlet", "title", "date", "language", "facts"]
    assert any(line.startswith("s002\t") and "2023-10-05" in line for line in text)


@pytest.mark.parametrize("name", ["s000", "source:s000", "What's On Netflix–credited feature"])
def test_cli_show_a_source(cli, name):
    r = cli("show", name)
    assert r.code == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("s000  What's On Netflix–credited feature")
    assert "states " in r.stdout and "names\ttype\tfacts" in r.stdout
    data = json.loads(cli("show", name, "--format", "json").stdout)
    assert data["iri"] == SOURCE_NS + "s000" and data["source"]["code"] == "s000"
    assert {"iri", "label", "types", "facts"} <= set(data)  # the show contract still holds


def test_cli_path_and_shared_end_with_the_legend(cli):
    for args in (
        ("path", "Park Shin-hye", "Yoo Ji-tae"),
        ("shared", "Jeon Jong-seo", "Kim Ji-hoon"),
    ):
        out = cli(*args).stdout.splitlines()
        i = out.index("sources:")
        codes = [line.split()[0] for line in out[i + 1 :]]
        used = {c for line in out[:i] for c in re.findall(r"\bs00\d\b", line)}
        assert set(codes) == used and codes == sorted(codes)


# -- ask: every answer of every kind of question --------------------------------------------

# Questions for every kind `ask` answers, with a slot for each name: {person}, {other}, {work},
# {character}, {body} (an awards body or ceremony), {outlet} (a streaming service or
# broadcaster), {event} (a festival edition or ceremony), {category}, {year}. Each is asked with
# every entity (and every pair of people) of the slot's class in the bundled graph.
ASK_GRAMMAR = (
    # one person
    "co-stars of {person}",
    "who has {person} worked with?",
    "who has {person} worked with more than once?",
    "who is {person}'s most frequent collaborator?",
    "what has {person} directed?",
    "which films has {person} been in?",
    "what series has {person} been in?",
    "what has {person} been in?",
    "what roles has {person} had?",
    "what has {person} written?",
    "who is {person} dating?",
    "what awards has {person} won?",
    "what was {person} nominated for?",
    "awards of {person}",
    "how many awards has {person} won?",
    "how many films has {person} made?",
    "how many films has {person} made according to the sources?",
    "how many series has {person} been in?",
    "what was {person}'s debut?",
    "what is {person}'s earliest film?",
    "what is {person}'s latest work?",
    "which country is {person} from?",
    "who is {person}?",
    "which works did {person} make in {year}?",
    "which films did {person} make before {year}?",
    "which works did {person} make after {year}?",
    # one work
    "who directed {work}?",
    "who wrote {work}?",
    "who did the music for {work}?",
    "crew of {work}",
    "cast of {work}",
    "characters of {work}",
    "where did {work} premiere?",
    "when did {work} premiere?",
    "premiere of {work}",
    "what year did {work} come out?",
    "when was {work} released?",
    "what genre is {work}?",
    "what is {work} about?",
    "who distributes {work}?",
    "what channel aired {work}?",
    "which country is {work} from?",
    "what awards has {work} won?",
    "how many actors are in {work}?",
    "how many people worked on {work}?",
    "how many crew members worked on {work}?",
    "how many characters does {work} have?",
    "in which section was {work} shown?",
    "did {work} premiere at Busan?",
    "who has won the most awards among the people of {work}?",
    "which works came out before {work}?",
    "which works came out after {work}?",
    "where do sources disagree about {work}?",
    "is {work} on {outlet}?",
    # a character
    "who played {character}?",
    # two people
    "which works do {person} and {other} share?",
    "how are {person} and {other} connected?",
    "have {person} and {other} worked together?",
    "are {person} and {other} partners?",
    "since when have {person} and {other} been a couple?",
    # a person and a work, a person and a character
    "which character did {person} play in {work}?",
    "what was {person}'s role in {work}?",
    "co-stars of {person} in {work}",
    "did {person} direct {work}?",
    "did {person} write {work}?",
    "did {person} do the music for {work}?",
    "was {person} in {work}?",
    "was {work} {person}'s debut?",
    "which of {person}'s films came out before {work}?",
    "how many films did {person} make after {work}?",
    "did {person} play {character}?",
    # awards, events, the whole graph
    "did {person} win an award at the {body}?",
    "who won an award at the {body}?",
    "who won {category}?",
    "who was nominated for {category}?",
    "who won an award in {year}?",
    "when does the {event} take place?",
    "who has the most films?",
    "who has won the most awards?",
    "where do the sources disagree?",
)

# kinds answered from the curators' records, not from the sources' triples: who-is (the
# entity's description, cited by every source naming it) and the disagreements (each claim,
# cited by the sources making it)
CURATED = {"who-is", "disagreements", "disagreements-about"}

SLOT_CLASSES = {
    "person": ("Person",),
    "other": ("Person",),
    "work": ("Film", "TVSeries", "Play", "Work"),
    "character": ("Character",),
    "body": ("AwardsBody", "AwardCeremony"),
    "outlet": ("StreamingService", "Broadcaster"),
    "event": ("FestivalEdition", "AwardCeremony"),
}


def _ask_questions(store, entities) -> list[str]:
    """Every question of the grammar with every fitting entity's label (and the graph's award
    categories and work years)."""
    labels: dict[str, str] = {}
    for r in store.select(
        "SELECT ?e (SAMPLE(?l) AS ?label) WHERE { ?e skos:prefLabel ?l } GROUP BY ?e"
    ):
        labels[r["e"].value] = r["label"].value
    values: dict[str, list[str]] = {
        slot: sorted({labels[e] for c in classes for e in entities.get(c, []) if e in labels})
        for slot, classes in SLOT_CLASSES.items()
    }
    values["category"] = sorted(
        {r["c"].value for r in store.select("SELECT DISTINCT ?c WHERE { ?o kg:category ?c }")}
    )
    values["year"] = sorted(
        {r["y"].value for r in store.select("SELECT DISTINCT ?y WHERE { ?w kg:year ?y }")}
    )
    out = []
    for template in ASK_GRAMMAR:
        slots = re.findall(r"\{(\w+)\}", template)
        for combo in itertools.product(*(values[s] for s in slots)):
            if "other" in slots and combo[slots.index("person")] == combo[slots.index("other")]:
                continue
            out.append(template.format(**dict(zip(slots, combo, strict=True))))
    return out


@pytest.fixture(scope="module")
def by_value(store) -> dict[tuple[str, str, str], set[str]]:
    """(subject, predicate, object) -> the source graphs stating it, a literal by its value (the
    form an `ask` fact's triples take)."""
    return _stated(store, lambda t: t.value)


@pytest.mark.slow
def test_every_ask_answer_cites_exactly(store, index, by_value, entities):
    """For every answer of every kind of question: each fact's sources are exactly the source
    graphs stating one of the triples it rests on, each of those triples is stated by a source,
    and the answer's sources are its facts' sources; the legend lists exactly those."""
    from kgraph.errors import KGraphError
    from kgraph.kinds import HANDLERS
    from kgraph.patterns import INTENTS
    from kgraph.questions import ask

    claimants: dict[str, set[str]] = defaultdict(set)
    for q in store.quads():
        if q.predicate.value == KG_NS + "claimedBy":
            claimants[q.subject.value].add(q.object.value)
    answered: dict[str, int] = defaultdict(int)
    for question in _ask_questions(store, entities):
        try:
            a = ask(store, question)
        except KGraphError:  # refused (no such fact, a name of the wrong kind): nothing cited
            continue
        used: set[str] = set()
        for item in a.answers:
            where = (question, a.intent, item.label)
            if a.intent in CURATED:
                assert all(not f.triples for f in item.facts), where
                if a.intent == "who-is":
                    e = a.bindings["entity"]
                    mentions = {g for (s, _, o), gs in index.items() if e in (s, o) for g in gs}
                    assert set(item.sources) == mentions, where
                else:
                    assert set(item.sources) == claimants[item.iri], where
                used |= set(item.cited)
                continue
            stated: set[str] = set()
            for f in item.facts:
                assert f.triples, (*where, f.statement)
                graphs: set[str] = set()
                for t in f.triples:
                    assert by_value.get(t), (*where, f.statement, t)  # no source states it
                    graphs |= by_value[t]
                assert set(f.sources) == graphs, (*where, f.statement)
                stated |= graphs
            assert set(item.sources) == stated, where
            # the row cites the articles stating its claim (docs/ask.md, "Citations"): never a
            # source stating only the premise or a context fact, and only sources it rests on
            own = {s for f in item.facts if f.role in ("claim", "part") for s in f.sources}
            assert set(item.cited) <= own, where
            if item.facts:
                answered[a.intent] += 1
            used |= set(item.cited)
        codes = {line.split()[0] for line in a.legend}
        assert codes == {s.rsplit("/", 1)[-1] for s in used}, question  # the legend: what is cited
    # every kind that answers from the sources' facts answered at least once, with facts
    kinds = {i.name for i in INTENTS} | set(HANDLERS)
    assert not sorted(kinds - CURATED - set(answered)), dict(answered)


def test_ask_and_saved_queries_read_the_same_source_graphs(tmp_path):
    """One reading of "which sources state this": the fact base `ask` answers from and the
    citations of saved queries, `show` and `path` agree, also for a named graph that a loaded
    TriG file brings (which is not itself typed kg:Source)."""
    from kgraph.build import open_store
    from kgraph.factbase import facts_of
    from kgraph.loading import load
    from kgraph.provenance import sources_of

    x, w = "https://kgraph.dev/id/person/x", "https://kgraph.dev/id/work/ballerina"
    f = tmp_path / "parts.trig"
    f.write_text(
        f"<https://example.org/part> {{ <{x}> <{KG_NS}actedIn> <{w}> . }}\n"
        f"<{x}> <{KG_NS}actedIn> <https://kgraph.dev/id/work/the-call> .\n"
    )
    store = open_store("memory:")
    load(store, [f])
    fb = facts_of(store)
    for work in (w, "https://kgraph.dev/id/work/the-call"):
        cited = sources_of(store, [(x, KG_NS + "actedIn", work)])[(x, KG_NS + "actedIn", work)]
        assert cited and list(fb.sources(x, "actedIn", work)) == cited
    assert fb.sources(x, "actedIn", w) == ("https://example.org/part",)
