"""Collaboration paths, shared works and the network, on the bundled data.

Every answer is checked against a brute-force computation made here, from a projection built
with the test's own SPARQL over the participation nodes (performances and credits), not over the
shortcut triples the library searches.
"""

from __future__ import annotations

import itertools
import json
from collections import deque

import pytest

from kgraph import paths
from kgraph.errors import NoPath, UnknownEntity, UsageError

PERSON = "https://kgraph.dev/id/person/"
WORK = "https://kgraph.dev/id/work/"

_PARTICIPATIONS = {
    "cast": "SELECT DISTINCT ?p ?w WHERE { ?x kg:performer ?p ; kg:inWork ?w }",
    "crew": "SELECT DISTINCT ?p ?w WHERE { ?x kg:creditedPerson ?p ; kg:inWork ?w ; kg:role ?r }",
}


@pytest.fixture(scope="module")
def bipartite(store):
    """via -> adjacency of the person-work graph, built independently of kgraph.paths."""
    edges = {
        k: {(r["p"].value, r["w"].value) for r in store.select(q)}
        for k, q in _PARTICIPATIONS.items()
    }
    edges["any"] = edges["cast"] | edges["crew"]
    out = {}
    for via, es in edges.items():
        adj: dict[str, set[str]] = {}
        for p, w in es:
            adj.setdefault(p, set()).add(w)
            adj.setdefault(w, set()).add(p)
        out[via] = adj
    return out


@pytest.fixture(scope="module")
def labels(store):
    return {
        r["x"].value: r["l"].value
        for r in store.select("SELECT ?x ?l WHERE { ?x skos:prefLabel ?l }")
    }


@pytest.fixture(scope="module")
def people(store):
    return sorted(r["p"].value for r in store.select("SELECT ?p WHERE { ?p a kg:Person }"))


def all_shortest(adj: dict[str, set[str]], a: str, b: str) -> list[list[str]]:
    """Every shortest path from a to b: BFS from a, then every walk down the distance layers."""
    dist = {a: 0}
    queue = deque([a])
    while queue:
        u = queue.popleft()
        for v in adj.get(u, ()):
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    if b not in dist:
        return []
    out: list[list[str]] = []

    def back(path: list[str]) -> None:
        v = path[-1]
        if v == a:
            out.append(path[::-1])
            return
        for u in adj[v]:
            if dist.get(u) == dist[v] - 1:
                back(path + [u])

    back([b])
    return out


def tie_key(labels: dict[str, str], path: list[str]) -> list[tuple[str, str, str]]:
    """The documented rule: node by node, case-folded label, then label, then IRI."""
    return [(labels[i].casefold(), labels[i], i) for i in path]


@pytest.mark.parametrize("via", ["any", "cast", "crew"])
@pytest.mark.parametrize("engine", ["store", "networkx"])
def test_every_pair_matches_brute_force(store, bipartite, labels, people, via, engine):
    adj = bipartite[via]
    assert len(people) >= 9
    checked = 0
    for a, b in itertools.combinations(people, 2):
        expected = sorted(all_shortest(adj, a, b), key=lambda p: tie_key(labels, p))
        expected = [p for p in expected if (len(p) - 1) // 2 <= 6]
        if not expected:
            with pytest.raises(NoPath):
                paths.path(store, a, b, via=via, engine=engine)
            continue
        got = paths.path(store, a, b, via=via, engine=engine, all=True)
        assert got.hops == (len(expected[0]) - 1) // 2
        assert [[n.iri for n in p] for p in got.paths] == expected
        one = paths.path(store, a, b, via=via, engine=engine)
        assert [n.iri for n in one.paths[0]] == expected[0] and len(one.paths) == 1
        for p in got.paths:  # alternate person, work, person ..., each step an edge
            assert [n.is_person for n in p] == [i % 2 == 0 for i in range(len(p))]
        checked += 1
    assert checked == {"any": 28, "cast": 10, "crew": 1}[via]  # connected pairs in the data


def test_person_to_work(store, bipartite):
    r = paths.path(store, "person:ryusuke-hamaguchi", "work:the-call")
    assert r.hops == 3
    assert [n.label for n in r.paths[0]] == [
        "Ryusuke Hamaguchi",
        "Drive My Car",
        "Park Yu-rim",
        "Ballerina",
        "Jeon Jong-seo",
        "The Call",
    ]
    assert r.target.type == "Film"
    assert r.steps[0][-1].text == "Jeon Jong-seo (Young-sook) in The Call"
    expected = all_shortest(bipartite["any"], PERSON + "ryusuke-hamaguchi", WORK + "the-call")
    assert len(expected[0]) == 6


def test_path_text_lists_roles_and_sources(cli):
    r = cli("path", "Park Yu-rim", "Park Shin-hye")
    assert r.code == 0, r.stderr
    assert r.stdout.splitlines() == [
        "Park Yu-rim → Park Shin-hye: 2 hops",
        "  1. Park Yu-rim (Min-hee) and Jeon Jong-seo (Ok-ju) in Ballerina  [sources: s000, s001, s002, s003, s004]",
        "       Park Yu-rim plays Min-hee in Ballerina  [s001, s002, s003, s004]",
        "       Jeon Jong-seo plays Ok-ju in Ballerina  [s000, s001, s002, s003, s004]",
        "  2. Jeon Jong-seo (Young-sook) and Park Shin-hye (Seo-yeon) in The Call  [sources: s000, s002, s003, s004]",
        "       Jeon Jong-seo is in the cast of The Call  [s003, s004]",
        "       Jeon Jong-seo plays Young-sook in The Call  [s000, s002]",
        "       Park Shin-hye plays Seo-yeon in The Call  [s000]",
        "",
        "sources:",
        "  s000  What's On Netflix–credited feature",
        "  s001  jTBC News–credited cast announcement",
        "  s002  Ballerina cast and characters guide",
        "  s003  Ballerina release article, translated from Spanish",
        "  s004  Ballerina teaser-poster article by Lily Alice",
    ]


def test_path_all_text(cli):
    r = cli("path", "Park Yu-rim", "Park Shin-hye", "--all")
    assert r.code == 0, r.stderr
    assert "2 hops, 2 shortest paths" in r.stdout
    assert "Path 1: Park Yu-rim – Ballerina – Jeon Jong-seo – The Call – Park Shin-hye" in r.stdout
    assert "Path 2: Park Yu-rim – Ballerina – Lee Chung-hyun – The Call – Park Shin-hye" in r.stdout
    assert "Lee Chung-hyun (director, screenwriter) in Ballerina" in r.stdout


def test_path_json_contract(cli):
    r = cli("path", "Park Yu-rim", "Park Shin-hye", "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert {"from", "to", "hops", "paths"} <= set(data)
    assert data["from"] == {"iri": PERSON + "park-yu-rim", "label": "Park Yu-rim", "type": "Person"}
    assert data["to"] == {
        "iri": PERSON + "park-shin-hye",
        "label": "Park Shin-hye",
        "type": "Person",
    }
    assert data["hops"] == 2
    assert [[n["label"] for n in p] for p in data["paths"]] == [
        ["Park Yu-rim", "Ballerina", "Jeon Jong-seo", "The Call", "Park Shin-hye"]
    ]
    assert all(set(n) == {"iri", "label", "type"} for p in data["paths"] for n in p)
    assert [n["type"] for n in data["paths"][0]] == ["Person", "Film", "Person", "Film", "Person"]
    step = data["steps"][0][0]
    assert step["work"]["label"] == "Ballerina"
    assert [(p["label"], [r["label"] for r in p["roles"]]) for p in step["people"]] == [
        ("Park Yu-rim", ["Min-hee"]),
        ("Jeon Jong-seo", ["Ok-ju"]),
    ]
    assert [s["iri"].rsplit("/", 1)[1] for s in step["sources"]] == [
        "s000",
        "s001",
        "s002",
        "s003",
        "s004",
    ]
    role = step["people"][0]["roles"][0]
    assert role["kind"] == "cast" and role["iri"].endswith("/character/ballerina--min-hee")
    assert role["sources"] and all(s["label"] for s in role["sources"])


def test_via_changes_answers(store, cli):
    # GRAY (music director of Ballerina) reaches Yoo Ji-tae through any credits, not by acting.
    assert paths.path(store, "person:gray", "person:yoo-ji-tae").hops == 2
    r = cli("path", "GRAY", "Yoo Ji-tae", "--via", "cast")
    assert r.code == 1
    assert (
        "no path between GRAY and Yoo Ji-tae through acting credits: no chain of shared works"
        in r.stderr
    )
    # Lee Chung-hyun's link to Park Shin-hye is a crew credit: --via cast drops that path.
    any_ = paths.path(store, "person:park-yu-rim", "person:park-shin-hye", all=True)
    cast = paths.path(store, "person:park-yu-rim", "person:park-shin-hye", all=True, via="cast")
    assert len(any_.paths) == 2 and len(cast.paths) == 1
    assert [n.label for n in cast.paths[0]][2] == "Jeon Jong-seo"
    crew = paths.path(store, "person:gray", "person:lee-chung-hyun", via="crew")
    assert (
        crew.steps[0][0].text
        == "GRAY (music director) and Lee Chung-hyun (director, screenwriter) in Ballerina"
    )


def test_avoid_and_max_hops(store):
    r = paths.path(
        store,
        "person:park-yu-rim",
        "person:park-shin-hye",
        avoid=["person:jeon-jong-seo"],
        all=True,
    )
    assert [[n.label for n in p][2] for p in r.paths] == ["Lee Chung-hyun"]
    with pytest.raises(NoPath, match="within 1 hop"):
        paths.path(store, "person:park-yu-rim", "person:park-shin-hye", max_hops=1)
    with pytest.raises(UsageError):
        paths.path(
            store, "person:park-yu-rim", "person:park-shin-hye", avoid=["person:park-yu-rim"]
        )


def test_unknown_and_unreachable_exit_1(cli):
    r = cli("path", "Nobody Atall", "Park Shin-hye")
    assert r.code == 1 and "Nobody Atall" in r.stderr and r.stdout == ""
    r = cli("path", "Anton Chekhov", "Park Shin-hye")
    assert r.code == 1
    assert r.stderr == (
        "kgraph: no path between Anton Chekhov and Park Shin-hye: "
        "no chain of shared works connects them\n"
    )
    r = cli("path", "Ryusuke Hamaguchi", "Park Shin-hye", "--max-hops", "2")
    assert r.code == 1
    assert r.stderr == (
        "kgraph: no path between Ryusuke Hamaguchi and Park Shin-hye within 2 hops; "
        "a larger --max-hops may find one\n"
    )
    r = cli("shared", "Nobody Atall", "Park Shin-hye")
    assert r.code == 1
    r = cli("path", "Park Yu-rim", "Park Shin-hye", "--format", "yaml")
    assert r.code == 2


def test_shared(store, bipartite, cli):
    r = paths.shared(store, "person:jeon-jong-seo", "person:kim-ji-hoon")
    expected = bipartite["any"][PERSON + "jeon-jong-seo"] & bipartite["any"][PERSON + "kim-ji-hoon"]
    assert {w.work.iri for w in r.works} == expected
    assert [(w.work.label, w.a.text, w.b.text) for w in r.works] == [
        ("Ballerina", "Jeon Jong-seo (Ok-ju)", "Kim Ji-hoon (Choi Pro)"),
        (
            "Money Heist: Korea – Joint Economic Area",
            "Jeon Jong-seo (Tokyo)",
            "Kim Ji-hoon (Denver)",
        ),
    ]
    out = cli("shared", "Jeon Jong-seo", "Kim Ji-hoon")
    assert out.code == 0
    assert "Ballerina\t2023\tOk-ju\tChoi Pro\ts000, s001, s002, s003, s004" in out.stdout
    data = json.loads(cli("shared", "Jeon Jong-seo", "Kim Ji-hoon", "-f", "json").stdout)
    assert [w["label"] for w in data["works"]] == [
        "Ballerina",
        "Money Heist: Korea – Joint Economic Area",
    ]
    assert data["works"][0]["a"]["roles"][0]["label"] == "Ok-ju"


def test_network_matches_brute_force(store, bipartite, people):
    adj = bipartite["any"]
    r = paths.network(store)
    collaborators = {
        p: {q for w in adj.get(p, ()) for q in adj[w]} - {p} for p in people if p in adj
    }
    assert {s.person.iri: s.collaborators for s in r.people} == {
        p: len(c) for p, c in collaborators.items()
    }
    top = [s.person.label for s in r.people[:2]]
    assert top == ["Jeon Jong-seo", "Park Yu-rim"]
    assert r.bridges[0].person.label == "Park Yu-rim"
    assert [len(c) for c in r.components] == [8, 1]
    assert [n.label for n in r.components[1]] == ["Anton Chekhov"]


def test_network_from(store, bipartite, cli):
    r = paths.network(store, from_="person:park-shin-hye")
    adj = bipartite["any"]
    start = PERSON + "park-shin-hye"
    dist = {start: 0}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in adj[u]:
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    assert {n.iri: d for n, d in r.distances} == {
        s.person.iri: (dist[s.person.iri] // 2 if s.person.iri in dist else None)
        for s in r.people
        if s.person.iri != start
    }
    out = cli("network", "--from", "Park Shin-hye")
    assert out.code == 0
    assert "Ryusuke Hamaguchi\t3" in out.stdout and "Anton Chekhov\tunreachable" in out.stdout


def test_unknown_iri_and_non_person(store):
    with pytest.raises(UnknownEntity):
        paths.path(store, "person:no-such-person", "person:park-shin-hye")
    with pytest.raises(UsageError, match="not a person"):
        paths.shared(store, "work:ballerina", "person:park-shin-hye")


@pytest.fixture(scope="module")
def remote_kg(tmp_path_factory):
    """The bundled graph loaded with ``kgraph load`` into a live Oxigraph server."""
    from servers import running, start_oxigraph

    from kgraph import KnowledgeGraph, resources

    for server in running(start_oxigraph, tmp_path_factory.mktemp("paths-oxigraph")):
        kg = KnowledgeGraph(server.query_url, update_url=server.update_url, writable=True)
        kg.load(resources.data_files())
        yield kg
        kg.close()


@pytest.mark.parametrize("engine", ["store", "networkx"])
def test_path_over_a_remote_endpoint(remote_kg, store, engine):
    """The same answer, roles and sources from a SPARQL endpoint as from the embedded store."""
    remote = paths.path(
        remote_kg.store, "Park Yu-rim", "Park Shin-hye", all=True, engine=engine
    ).to_json()
    local = paths.path(store, "Park Yu-rim", "Park Shin-hye", all=True).to_json()
    assert remote["engine"] == engine
    remote.pop("engine"), local.pop("engine")
    assert remote == local
    assert (
        paths.shared(remote_kg.store, "Jeon Jong-seo", "Kim Ji-hoon").to_json()
        == paths.shared(store, "Jeon Jong-seo", "Kim Ji-hoon").to_json()
    )


def test_network_cli_text_and_json(cli):
    r = cli("network", "--top", "3")
    assert r.code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "9 people, 15 collaborating pairs, 2 connected components"
    assert lines[1:6] == [
        "By collaborators",
        "rank\tperson\tcollaborators\tworks\tbetweenness",
        "1\tJeon Jong-seo\t6\t5\t0.179",
        "2\tPark Yu-rim\t5\t6\t0.214",
        "3\tKim Ji-hoon\t5\t10\t0.071",
    ]
    data = json.loads(cli("network", "--format", "json").stdout)
    assert len(data["people"]) == 9 and data["collaborations"] == 15
    assert [c["size"] for c in data["components"]] == [8, 1]
    assert data["from"] is None and data["distances"] == []
    assert data["people"][0] == {
        "iri": PERSON + "jeon-jong-seo",
        "label": "Jeon Jong-seo",
        "type": "Person",
        "collaborators": 6,
        "works": 5,
        "betweenness": 0.178571,
        "component": 0,
    }
