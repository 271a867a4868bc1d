"""Citations are exactly right: every answer of every saved query, every ``path``/``shared`` step
and every card fact cites each source whose graph states a fact it rests on, and no other.

The expected sources are computed here from the store's quads (one index: triple -> the source
graphs holding it), not through kgraph's citation code. Saved queries run with every person,
work, character and source of the bundled graph as their parameters.
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


@pytest.fixture(scope="module")
def index(store) -> dict[tuple[str, str, str], set[str]]:
    """(subject, predicate, object) -> the source graphs stating it (N-Triples form of a literal)."""
    idx: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for q in store.quads():
        g = q.graph_name.value
        if g.startswith(SOURCE_NS):
            idx[(_key(q.subject), _key(q.predicate), _key(q.object))].add(g)
    return idx


@pytest.fixture(scope="module")
def entities(store) -> dict[str, list[str]]:
    """Every entity of each class (from the curation graph's identity statements)."""
    out: dict[str, list[str]] = defaultdict(list)
    for q in store.quads():
        if q.graph_name.value == CURATION_GRAPH and q.predicate.value == RDF_TYPE:
            out[q.object.value.rsplit("#", 1)[-1]].append(q.subject.value)
    out["Work"] = sorted({*out["Film"], *out["TVSeries"], *out["Play"]})
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
                # each cited source states a fact of the answer; none that does is missing
                assert cited == stated, (name, params, row)
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
