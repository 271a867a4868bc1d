"""The entity graph: what graph tools and pictures show.

People, works, characters, organisations, awards … as nodes (label, class) and the relations
between them as edges (relation, work, sources), derived from the store (never stored).
``kgraph export`` writes it as GraphML, GEXF or CSV (the writers below); :mod:`kgraph.viz` and
the explorer (:mod:`kgraph.web`) draw it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .entailment import entailed
from .resolve import resolve_graph
from .store import Store, term_key
from .terms import (
    CURATION_GRAPH,
    INFERRED_GRAPH,
    KG_NS,
    ONTOLOGY_GRAPH,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_ALT,
    SKOS_PREF,
    compact,
    local_name,
    most_specific,
)

# Classes whose members are relation nodes or bookkeeping, not things to draw: their facts
# become edges (a performance becomes "plays" from the actor to the character).
_HIDDEN_CLASSES = (
    "Participation",
    "Claim",
    "Disagreement",
    "Relationship",
    "Source",
    "Role",
    "Collaboration",
)
# Edges that repeat another edge (inverse, super-property, or derived over every pair).
_HIDDEN_EDGES = frozenset(
    KG_NS + n
    for n in (
        "castMember",
        "workedOn",
        "crewMember",
        "participant",
        "collaboratedWith",
        "recipient",
        "collaborator",
    )
)


_WORKED_ON = KG_NS + "workedOn"
# A "plays" edge stands for a kg:Performance node (actor, character, work): its predicate is the class.
_PLAYS = KG_NS + "Performance"


@dataclass(frozen=True)
class NodeFact:
    """One statement about a node: predicate, value (a label for entities) and its sources."""

    predicate: str
    predicate_label: str
    value: str
    iri: str | None
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "predicate": self.predicate,
            "predicate_label": self.predicate_label,
            "value": self.value,
            "iri": self.iri,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class EntityNode:
    iri: str
    label: str
    cls: str  # the most specific class's local name: Person, Film, TVSeries …
    class_label: str  # its label: "Person", "Film", "TV series" …
    facts: tuple[NodeFact, ...] = ()


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    predicate: str
    relation: str  # the predicate's label: "acted in", "plays", "director" …
    work: str | None  # the work the relation is about (the character's work for "plays")
    work_label: str | None
    sources: tuple[str, ...]  # compact IRIs of the source graphs that state it


@dataclass(frozen=True)
class EntityGraph:
    """Entities as nodes and their relations as edges, derived from the store (never stored)."""

    nodes: tuple[EntityNode, ...]
    edges: tuple[Edge, ...]
    source_labels: Mapping[str, str] = field(default_factory=dict)
    classes: Mapping[str, str] = field(default_factory=dict)  # local name -> label, for legends

    def node(self, iri: str) -> EntityNode | None:
        for n in self.nodes:
            if n.iri == iri:
                return n
        return None

    def subgraph(self, iris: Iterable[str]) -> EntityGraph:
        keep = set(iris)
        return EntityGraph(
            tuple(n for n in self.nodes if n.iri in keep),
            tuple(e for e in self.edges if e.source in keep and e.target in keep),
            self.source_labels,
            self.classes,
        )

    def neighbourhood(self, iri: str, depth: int) -> EntityGraph:
        """The nodes within ``depth`` edges of ``iri`` (either direction), and the edges among them.

        The expansion stops at the first round that finds no new node, so any ``depth`` past the
        graph's eccentricity costs the same as the whole connected component (at most one round
        per node), however large the number.
        """
        seen: set[str] = set()
        for distance, ring in enumerate(self.rings(iri)):
            if distance > depth:
                break
            seen |= ring
        return self.subgraph(seen)

    def rings(self, iri: str) -> Iterator[set[str]]:
        """``{iri}``, then the nodes one edge away, two edges away … until a round adds nothing.

        >>> g = EntityGraph((), (Edge("a", "b", "p", "r", None, None, ()),))
        >>> list(g.rings("a")), list(g.rings("z"))
        ([{'a'}, {'b'}], [{'z'}])
        """
        adj: dict[str, set[str]] = defaultdict(set)
        for e in self.edges:
            adj[e.source].add(e.target)
            adj[e.target].add(e.source)
        seen, frontier = {iri}, {iri}
        while frontier:
            yield frontier
            frontier = {m for n in frontier for m in adj[n]} - seen
            seen |= frontier

    def to_networkx(self) -> Any:
        """A networkx MultiDiGraph with flat string attributes (lists joined with "; ")."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for n in self.nodes:
            g.add_node(n.iri, label=n.label, **{"class": n.cls}, class_label=n.class_label)
        for i, e in enumerate(self.edges):
            g.add_edge(
                e.source,
                e.target,
                key=f"e{i}",
                id=f"e{i}",
                relation=e.relation,
                predicate=compact(e.predicate),
                work=e.work_label or "",
                work_iri=e.work or "",
                sources="; ".join(e.sources),
            )
        return g


def _label_map(store: Store) -> dict[str, str]:
    rows = store.select(
        """SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {
             { GRAPH ?g { ?e skos:prefLabel ?l } FILTER (?g != kgg:ontology) }
             UNION { GRAPH kgg:ontology { ?e rdfs:label ?l } } } GROUP BY ?e"""
    )
    return {r["e"].value: r["label"].value for r in rows if "label" in r}


def _class_info(store: Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each class's ancestors (itself included) and its label, from the ontology graph."""
    parents: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for r in store.select(
        """SELECT ?c ?sup ?label WHERE { GRAPH kgg:ontology { ?c a owl:Class
             OPTIONAL { ?c rdfs:subClassOf ?sup FILTER isIRI(?sup) } OPTIONAL { ?c rdfs:label ?label } } }"""
    ):
        c = r["c"].value
        parents[c]
        if "sup" in r:
            parents[c].add(r["sup"].value)
        if "label" in r:
            labels[c] = r["label"].value
    ancestors: dict[str, set[str]] = {}

    def up(c: str) -> set[str]:
        if c not in ancestors:
            ancestors[c] = {c}
            for p in parents.get(c, ()):
                ancestors[c] |= up(p)
        return ancestors[c]

    for c in list(parents):
        up(c)
    return ancestors, labels


def entity_graph(store: Store, *, graph: str | None = None, inferred: bool = False) -> EntityGraph:
    """The entity graph of the store, or of one source graph (``graph``).

    Nodes are the labelled entities except relation nodes (performances, credits) and
    bookkeeping (sources, claims, roles); edges are the relations between two nodes stated by
    the sources, plus "plays" from an actor to a character (with the work). ``inferred`` adds the
    OWL 2 RL entailments as facts (for example schema.org classes).
    """
    named = store.named_graphs()
    special = {ONTOLOGY_GRAPH, CURATION_GRAPH, INFERRED_GRAPH}
    fact_graphs = {resolve_graph(store, graph)} if graph else {g for g in named if g not in special}
    labels = _label_map(store)
    ancestors, class_labels = _class_info(store)
    hidden = {c for c, anc in ancestors.items() if any(KG_NS + h in anc for h in _HIDDEN_CLASSES)}

    types: dict[str, set[str]] = defaultdict(set)
    facts: dict[tuple[str, str, Any], set[str]] = defaultdict(set)  # (s, p, o) -> graphs
    fact_quads = []
    for q in store.quads():
        g = q.graph_name
        if not isinstance(g, ox.NamedNode) or g.value == ONTOLOGY_GRAPH:
            continue
        if (
            q.predicate.value == RDF_TYPE
            and isinstance(q.object, ox.NamedNode)
            and isinstance(q.subject, ox.NamedNode)
        ):
            types[q.subject.value].add(q.object.value)
        if g.value in fact_graphs:
            fact_quads.append(q)
    if inferred:
        for q in entailed(store, fact_quads):
            fact_quads.append(q)
            if (
                q.predicate.value == RDF_TYPE
                and isinstance(q.subject, ox.NamedNode)
                and isinstance(q.object, ox.NamedNode)
            ):
                types[q.subject.value].add(q.object.value)
    for q in fact_quads:
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.graph_name, ox.NamedNode):
            facts[(q.subject.value, q.predicate.value, q.object)].add(q.graph_name.value)

    in_scope = {s for (s, _, _) in facts} | {
        o.value for (_, _, o) in facts if isinstance(o, ox.NamedNode)
    }
    node_class: dict[str, str] = {}
    for iri in in_scope:
        if iri not in labels:
            continue
        c = most_specific((t for t in types.get(iri, ()) if t in ancestors), ancestors.__getitem__)
        if c is None or c in hidden or any(t in hidden for t in types.get(iri, ())):
            continue
        node_class[iri] = c

    def src(gs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(compact(g) for g in gs))

    def plabel(p: str) -> str:
        return labels.get(p) or local_name(p)

    # edges between two nodes
    edge_map: dict[tuple[str, str, str, str | None], set[str]] = defaultdict(set)
    work_classes = {c for c, anc in ancestors.items() if KG_NS + "Work" in anc}
    linked = {
        frozenset((s, o.value))
        for (s, p, o) in facts
        if isinstance(o, ox.NamedNode) and p != RDF_TYPE and p not in _HIDDEN_EDGES
    }
    for (s, p, o), gs in facts.items():
        if not isinstance(o, ox.NamedNode) or p == RDF_TYPE:
            continue
        if p in _HIDDEN_EDGES and not (p == _WORKED_ON and frozenset((s, o.value)) not in linked):
            continue  # "worked on" stays only where nothing else links the two (an uncredited crew role)
        if s not in node_class or o.value not in node_class:
            continue
        if (o.value, p, ox.NamedNode(s)) in facts and o.value < s:
            continue  # symmetric relation stated both ways: one edge
        work = (
            o.value
            if node_class[o.value] in work_classes
            else (s if node_class[s] in work_classes else None)
        )
        edge_map[(s, o.value, p, work)] |= gs
    # performances: actor -> character, with the work
    by_node: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    perf_graphs: dict[str, set[str]] = defaultdict(set)
    for (s, p, o), gs in facts.items():
        if p in (KG_NS + "performer", KG_NS + "character", KG_NS + "inWork"):
            by_node[s][p].append(o)
            perf_graphs[s] |= gs
    for perf, ps in by_node.items():
        for actor in ps.get(KG_NS + "performer", []):
            for ch in ps.get(KG_NS + "character", []):
                works = ps.get(KG_NS + "inWork", [None])
                for w in works:
                    if actor.value in node_class and ch.value in node_class:
                        edge_map[(actor.value, ch.value, _PLAYS, w.value if w else None)] |= (
                            perf_graphs[perf]
                        )

    edges = []
    for (s, o, p, w), gs in sorted(
        edge_map.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1], kv[0][3] or "")
    ):
        rel = "plays" if p == _PLAYS else plabel(p)
        edges.append(Edge(s, o, p, rel, w, labels.get(w) if w else None, src(gs)))

    # facts shown for each node: its own statements (labels of entities, literal values)
    node_facts: dict[str, list[NodeFact]] = defaultdict(list)
    for (s, p, o), gs in sorted(
        facts.items(), key=lambda kv: (kv[0][0], kv[0][1], term_key(kv[0][2]))
    ):
        if s not in node_class or p in (RDF_TYPE, SKOS_PREF, RDFS_LABEL) or p in _HIDDEN_EDGES:
            continue
        if isinstance(o, ox.NamedNode):
            value, target = labels.get(o.value, compact(o.value)), o.value
        elif isinstance(o, ox.Literal):
            value, target = o.value, None
        else:
            continue
        label = "also spelled" if p == SKOS_ALT else plabel(p)
        node_facts[s].append(NodeFact(p, label, value, target, src(gs)))
    for (s, o, p, w), gs in edge_map.items():  # plays: shown on the actor too
        if p == _PLAYS:
            text = labels.get(o, o) + (f" in {labels.get(w, w)}" if w else "")
            node_facts[s].append(NodeFact(p, "plays", text, o, src(gs)))

    nodes = tuple(
        EntityNode(
            iri,
            labels[iri],
            local_name(c),
            class_labels.get(c, local_name(c)),
            tuple(sorted(node_facts[iri], key=lambda f: (f.predicate_label, f.value))),
        )
        for iri, c in sorted(node_class.items())
    )
    used = {n.cls for n in nodes}
    classes = {
        local_name(c): class_labels.get(c, local_name(c))
        for c in ancestors
        if local_name(c) in used
    }
    source_labels = {compact(g): labels.get(g, compact(g)) for g in fact_graphs}
    return EntityGraph(
        nodes, tuple(edges), dict(sorted(source_labels.items())), dict(sorted(classes.items()))
    )


# ---------------------------------------------------------------------------------------------
# Graph-tool formats
# ---------------------------------------------------------------------------------------------


def to_graphml(eg: EntityGraph) -> bytes:
    import io

    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(eg.to_networkx(), buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def to_gexf(eg: EntityGraph) -> bytes:
    import io

    from networkx.readwrite.gexf import GEXFWriter

    w = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = w.xml.find("meta")
    if meta is not None:  # the writer stamps today's date; exports must not change by the day
        meta.attrib.pop("lastmodifieddate", None)
    g = eg.to_networkx()
    for _, _, d in g.edges(data=True):
        d["label"] = d["relation"]
    w.add_graph(g)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


NODE_COLUMNS = ("iri", "label", "class", "class_label")
EDGE_COLUMNS = ("source", "target", "relation", "predicate", "work", "work_iri", "sources")


def to_csv(eg: EntityGraph) -> dict[str, bytes]:
    """Two CSV tables (RFC 4180, UTF-8, CRLF line ends): nodes and edges."""
    import csv
    import io

    def table(cols: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(cols)
        w.writerows(rows)
        return buf.getvalue().encode("utf-8")

    nodes = table(NODE_COLUMNS, ((n.iri, n.label, n.cls, n.class_label) for n in eg.nodes))
    edges = table(
        EDGE_COLUMNS,
        (
            (
                e.source,
                e.target,
                e.relation,
                compact(e.predicate),
                e.work_label or "",
                e.work or "",
                "; ".join(e.sources),
            )
            for e in eg.edges
        ),
    )
    return {"nodes": nodes, "edges": edges}
