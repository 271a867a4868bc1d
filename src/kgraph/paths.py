"""Collaboration paths and the collaboration network.

People are linked through the works they both worked on: performances (``kg:Performance``:
``kg:performer``, ``kg:inWork``, ``kg:character``) and crew credits (``kg:Credit``:
``kg:creditedPerson``, ``kg:inWork``, ``kg:role``). ``via`` picks which participations count:
``"cast"`` (acting), ``"crew"`` (crew credits) or ``"any"``. Reviews, awards, relationships and
every other link never count.

The graph searched is bipartite, person – work – person – …; a path's ``hops`` is the number of
works it crosses. SPARQL 1.1 has no shortest-path operator, so :func:`path` runs a
bidirectional breadth-first search: it grows a layer from each end in turn (the smaller frontier
first), fetching the neighbours of a whole frontier layer with one SPARQL query that binds the
frontier as VALUES (chunked past :data:`VALUES_CHUNK` terms), and stops at the first layer where
the two searches meet. Only the nodes within reach of the two ends are ever fetched, so the
search works on stores of millions of triples and on remote endpoints.

Small graphs are searched in memory instead: a bounded probe (:data:`PROJECTION_LIMIT` + 1
participation edges at most) tells the two apart, and when the whole projection fits under the
limit the probe *is* the projection, held as a networkx graph for the rest of the process. Both
engines run the same layered search, so they give the same answers; the limit comes from
``benchmarks/bench_paths.py`` (see ``docs/paths.md``).

Ties between equally short paths are broken by one rule, so the same question always gets the
same answer: paths are compared node by node from the start, each node by its preferred label
(case-folded), then its label, then its IRI; :func:`path` returns the smallest, and with
``all=True`` every shortest path in that order.

On the bundled graph::

    r = path(KnowledgeGraph().store, "Park Yu-rim", "Park Shin-hye")
    r.hops, [n.label for n in r.paths[0]]
    # (2, ['Park Yu-rim', 'Ballerina', 'Jeon Jong-seo', 'The Call', 'Park Shin-hye'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .errors import NoPath, UnknownEntity, UsageError
from .store import Store
from .terms import KG, KG_NS, compact, local_name, most_specific

VIA = ("any", "cast", "crew")
VALUES_CHUNK = 5_000
PROJECTION_LIMIT = 1_000
MAX_PATHS = 1_000
BETWEENNESS_SAMPLE = 500
BETWEENNESS_BUDGET = 2_500_000  # sampled sources x person-person links: about 10 s in networkx

# Which class name a node gets when it has several (most specific first).
_TYPE_ORDER = ("Person", "Film", "TVSeries", "Play", "Work")

# person -> work edges of each kind of participation (shortcut triples derived by the build)
_EDGE = {
    "any": "?p kg:workedOn ?w",
    "cast": "?p kg:actedIn ?w",
    "crew": "?w kg:crewMember ?p",
}


# -- result objects -------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class PathNode:
    """A person or a work on a path: IRI, preferred label and class local name."""

    iri: str
    label: str
    type: str

    @property
    def is_person(self) -> bool:
        return self.type == "Person"

    def to_json(self) -> dict[str, str]:
        return {"iri": self.iri, "label": self.label, "type": self.type}


@dataclass(frozen=True)
class SourceRef:
    """A source graph stating a participation."""

    iri: str
    label: str

    @property
    def short(self) -> str:
        return local_name(self.iri)

    def to_json(self) -> dict[str, str]:
        return {"iri": self.iri, "label": self.label, "code": self.short}


@dataclass(frozen=True)
class PathFact:
    """One fact a step or a shared work rests on, with exactly the sources that state it:
    ``Park Shin-hye plays Seo-yeon in The Call`` [s000]."""

    statement: str
    sources: tuple[SourceRef, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "sources": [s.iri for s in self.sources],
            "codes": [s.short for s in self.sources],
        }


def _role_statement(person: PathNode, role: Role, work: PathNode) -> str:
    if role.kind == "cast":
        if role.iri:
            return f"{person.label} plays {role.label} in {work.label}"
        return f"{person.label} is in the cast of {work.label}"
    return f"{person.label}, {role.label} of {work.label}"


def _facts(work: PathNode, people: Iterable[Part]) -> tuple[PathFact, ...]:
    return tuple(
        PathFact(_role_statement(p.person, r, work), r.sources) for p in people for r in p.roles
    )


def legend(sources: Iterable[SourceRef]) -> tuple[SourceRef, ...]:
    """Each source once, in code order: the legend of a result's text output."""
    seen = {s.iri: s for s in sources}
    return tuple(sorted(seen.values(), key=lambda s: s.short))


def _legend_json(sources: Iterable[SourceRef]) -> list[dict[str, str]]:
    return [s.to_json() for s in legend(sources)]


@dataclass(frozen=True)
class Role:
    """One part a person had in a work: a character played (cast) or a crew role."""

    kind: str  # "cast" or "crew"
    label: str  # the character ("Ok-ju"), "cast" when unnamed, or the crew role ("director")
    iri: str | None  # the character or role IRI
    sources: tuple[SourceRef, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "iri": self.iri,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(frozen=True)
class Part:
    """A person's roles in one work."""

    person: PathNode
    roles: tuple[Role, ...]

    @property
    def shown(self) -> tuple[Role, ...]:
        """The roles :attr:`text` names: a source naming no character adds no bare "cast" when
        another source names the character."""
        roles = self.roles
        if any(r.kind == "cast" and r.iri for r in roles):
            roles = tuple(r for r in roles if r.kind != "cast" or r.iri)
        return roles

    @property
    def stated_by(self) -> set[str]:
        """The sources that state this part as :attr:`text` shows it (the character named)."""
        return {s.iri for r in self.shown for s in r.sources}

    @property
    def text(self) -> str:
        """``Jeon Jong-seo (Ok-ju)``."""
        named = [r.label for r in self.shown]
        return f"{self.person.label} ({', '.join(named)})" if named else self.person.label

    def to_json(self) -> dict[str, Any]:
        return self.person.to_json() | {"roles": [r.to_json() for r in self.roles]}


@dataclass(frozen=True)
class Step:
    """One work on a path and the people on either side of it, with their roles and sources."""

    work: PathNode
    people: tuple[Part, ...]

    @property
    def sources(self) -> tuple[SourceRef, ...]:
        seen = {s.iri: s for p in self.people for r in p.roles for s in r.sources}
        return tuple(seen[k] for k in sorted(seen))

    @property
    def stated_by(self) -> tuple[SourceRef, ...]:
        """The sources that state the step as :attr:`text` shows it: those naming every person
        in the work (with the role shown); where no one source does, every part's sources (see
        :attr:`pieced`)."""
        seen = {s.iri: s for s in self.sources}
        keep = self._common() or set(seen)
        return tuple(seen[k] for k in sorted(keep) if k in seen)

    def _common(self) -> set[str]:
        """The sources naming every person with the role shown; failing that, naming every
        person in the work (s001 names Hamaguchi and Park Yu-rim in Drive My Car; only s002
        names her character)."""
        if not self.people:
            return set()
        shown = set.intersection(*(p.stated_by for p in self.people))
        if shown:
            return shown
        return set.intersection(*({s.iri for r in p.roles for s in r.sources} for p in self.people))

    @property
    def pieced(self) -> bool:
        """Whether no one source states the whole step (each person's part is in another)."""
        return bool(self.people) and not self._common()

    @property
    def text(self) -> str:
        """``Park Yu-rim (Min-hee) and Jeon Jong-seo (Ok-ju) in Ballerina``."""
        return " and ".join(p.text for p in self.people) + f" in {self.work.label}"

    @property
    def facts(self) -> tuple[PathFact, ...]:
        """Each person's part in the work, each with the sources that state that part."""
        return _facts(self.work, self.people)

    def to_json(self) -> dict[str, Any]:
        return {
            "work": self.work.to_json(),
            "people": [p.to_json() for p in self.people],
            "sources": [s.to_json() for s in self.sources],
            "text": self.text,
            "facts": [f.to_json() for f in self.facts],
            "stated_by": [s.to_json() for s in self.stated_by],
        }


@dataclass(frozen=True)
class PathResult:
    """The shortest collaboration path(s) between two entities."""

    source: PathNode
    target: PathNode
    hops: int
    paths: tuple[tuple[PathNode, ...], ...]
    steps: tuple[tuple[Step, ...], ...]
    via: str = "any"
    engine: str = "store"
    truncated: bool = False
    notes: tuple[str, ...] = ()  # which entity each loosely matched name was taken as

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md path contract, plus ``via``, ``engine``, ``truncated`` and ``steps``."""
        return {
            "from": self.source.to_json(),
            "to": self.target.to_json(),
            "hops": self.hops,
            "paths": [[n.to_json() for n in p] for p in self.paths],
            "via": self.via,
            "steps": [[s.to_json() for s in st] for st in self.steps],
            "truncated": self.truncated,
            "engine": self.engine,
            "legend": _legend_json(s for st in self.steps for step in st for s in step.sources),
        }


@dataclass(frozen=True)
class SharedWork:
    """A work two people share, with each one's roles."""

    work: PathNode
    year: str | None
    a: Part
    b: Part

    @property
    def sources(self) -> tuple[SourceRef, ...]:
        return Step(self.work, (self.a, self.b)).sources

    @property
    def stated_by(self) -> tuple[SourceRef, ...]:
        """The sources naming both people in the work (see :attr:`Step.stated_by`)."""
        return Step(self.work, (self.a, self.b)).stated_by

    @property
    def facts(self) -> tuple[PathFact, ...]:
        return _facts(self.work, (self.a, self.b))

    def to_json(self) -> dict[str, Any]:
        return self.work.to_json() | {
            "year": self.year,
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "sources": [s.to_json() for s in self.sources],
            "facts": [f.to_json() for f in self.facts],
            "stated_by": [s.to_json() for s in self.stated_by],
        }


@dataclass(frozen=True)
class SharedResult:
    """The works two people share (oldest first)."""

    a: PathNode
    b: PathNode
    via: str
    works: tuple[SharedWork, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "via": self.via,
            "works": [w.to_json() for w in self.works],
            "legend": _legend_json(s for w in self.works for s in w.sources),
        }


@dataclass(frozen=True)
class PersonStats:
    """One person in the collaboration network."""

    person: PathNode
    collaborators: int
    works: int
    betweenness: float | None  # None when not computed (network with from_)
    component: int  # index into NetworkResult.components

    def to_json(self) -> dict[str, Any]:
        return self.person.to_json() | {
            "collaborators": self.collaborators,
            "works": self.works,
            "betweenness": None if self.betweenness is None else round(self.betweenness, 6),
            "component": self.component,
        }


@dataclass(frozen=True)
class NetworkResult:
    """The collaboration network: people ranked, components, and optionally distances."""

    via: str
    people: tuple[PersonStats, ...]  # by collaborators, then betweenness, then label
    components: tuple[tuple[PathNode, ...], ...]  # largest first
    origin: PathNode | None = None
    distances: tuple[tuple[PathNode, int | None], ...] = ()  # nearest first; None = unreachable
    betweenness_sample: int | None = None  # k when betweenness was estimated from k sources
    edges: int = 0
    notes: tuple[str, ...] = ()

    @property
    def bridges(self) -> tuple[PersonStats, ...]:
        """People by betweenness (highest first), ties by collaborators then label."""
        return tuple(
            sorted(
                self.people,
                key=lambda s: (-(s.betweenness or 0.0), -s.collaborators, _key(s.person)),
            )
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "via": self.via,
            "people": [p.to_json() for p in self.people],
            "components": [
                {"size": len(c), "members": [n.to_json() for n in c]} for c in self.components
            ],
            "collaborations": self.edges,
            "betweenness_sample": self.betweenness_sample,
            "from": self.origin.to_json() if self.origin else None,
            "distances": [n.to_json() | {"distance": d} for n, d in self.distances],
        }


# -- small helpers --------------------------------------------------------------------------


def _key(node: PathNode) -> tuple[str, str, str]:
    """The tie-breaking key of a node: case-folded label, label, IRI."""
    return (node.label.casefold(), node.label, node.iri)


def _check_via(via: str) -> str:
    if via not in VIA:
        raise UsageError(f"--via must be one of {', '.join(VIA)}, not {via!r}")
    return via


def _chunks(items: Sequence[str], n: int = VALUES_CHUNK) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def describe(store: Store, iris: Iterable[str]) -> dict[str, PathNode]:
    """Label and class of each IRI (one query per :data:`VALUES_CHUNK` IRIs)."""
    iris = sorted(set(iris))
    labels: dict[str, str] = {}
    types: dict[str, set[str]] = {}
    for chunk in _chunks(iris):
        rows = store.select(
            """SELECT ?x ?label ?type WHERE {
                 { ?x skos:prefLabel ?label } UNION { ?x a ?type FILTER (STRSTARTS(STR(?type), STR(kg:))) } }""",
            {"x": [ox.NamedNode(i) for i in chunk]},
        )
        for r in rows:
            x = r["x"].value
            if "label" in r:
                lab = r["label"].value
                if x not in labels or lab < labels[x]:
                    labels[x] = lab
            if "type" in r:
                types.setdefault(x, set()).add(r["type"].value[len(KG_NS) :])
    out = {}
    for i in iris:
        ts = types.get(i, set())
        t = most_specific(ts, lambda c: (c,), prefer=_TYPE_ORDER) or ""  # classes kept flat
        out[i] = PathNode(i, labels.get(i, local_name(i)), t)
    return out


def _is_work(node: PathNode) -> bool:
    return node.type in ("Film", "TVSeries", "Play", "Work")


def resolve_entity(store: Store, name: str, *, people_only: bool = False) -> PathNode:
    """The person (or work) a user's name or IRI refers to.

    IRIs (``https://…``) and compact IRIs (``person:jeon-jong-seo``) are taken as they are;
    names go through :func:`kgraph.linking.resolve`, the one name matcher of kgraph.
    """
    return _resolve(store, name, people_only)[0]


def _resolve(store: Store, name: str, people_only: bool = False) -> tuple[PathNode, str | None]:
    """The node and, when the name was not an exact label, a note saying which entity was picked."""
    from .resolve import entity_of, explicit_iri

    note = None
    iri = explicit_iri(name)
    if iri is not None:
        entity = entity_of(store, iri)
        node = describe(store, [entity])[entity] if entity is not None else None
        if node is None or not node.type:
            raise UnknownEntity(name, kind="person" if people_only else "person or work")
    else:
        from .linking import resolve

        m = resolve(store, name, types=["Person"] if people_only else ["Person", "Work"])
        node = describe(store, [m.iri])[m.iri]
        if m.stage != "exact" or m.alias != m.label:
            note = f"{name!r}: taken as {node.label} ({compact(node.iri)})"
    if people_only and not node.is_person:
        raise UsageError(f"{node.label} is a {node.type or 'thing'}, not a person")
    if not (node.is_person or _is_work(node)):
        raise UsageError(f"{node.label} is a {node.type}; paths connect people and works")
    return node, note


# -- neighbours: from the store, or from an in-memory projection ----------------------------


Neighbours = Callable[[Sequence[str], bool], dict[str, set[str]]]


def store_neighbours(store: Store, via: str) -> Neighbours:
    """Neighbours of a frontier layer fetched from the store, one query per layer (chunked)."""
    edge = _EDGE[via]

    def fetch(frontier: Sequence[str], people: bool) -> dict[str, set[str]]:
        x, y = ("p", "w") if people else ("w", "p")
        out: dict[str, set[str]] = {}
        for chunk in _chunks(frontier):
            rows = store.select(
                f"SELECT DISTINCT ?{x} ?{y} WHERE {{ {edge} }}",
                {x: [ox.NamedNode(i) for i in chunk]},
            )
            for r in rows:
                out.setdefault(r[x].value, set()).add(r[y].value)
        return out

    return fetch


@dataclass
class Projection:
    """The bipartite person–work graph of one kind of participation, held in networkx."""

    via: str
    graph: Any  # networkx.Graph; node attribute "person" (bool)

    @property
    def edges(self) -> int:
        return int(self.graph.number_of_edges())

    def neighbours(self, frontier: Sequence[str], people: bool) -> dict[str, set[str]]:
        g = self.graph
        return {n: set(g.adj[n]) for n in frontier if n in g}


# the same edges as _EDGE, as (predicate, person is the subject) for Store.pairs
_EDGE_PREDICATE = {
    "any": (KG.workedOn, True),
    "cast": (KG.actedIn, True),
    "crew": (KG.crewMember, False),
}


def _edge_rows(store: Store, via: str, limit: int | None = None) -> list[tuple[str, str]]:
    """(person, work) pairs (an index scan where the store has one: :meth:`Store.pairs`)."""
    pred, person_first = _EDGE_PREDICATE[via]
    pairs = store.pairs(pred, limit)
    return pairs if person_first else [(p, w) for w, p in pairs]


def _graph_of(pairs: Iterable[tuple[str, str]]) -> Any:
    import networkx as nx

    g = nx.Graph()
    for p, w in pairs:
        g.add_node(p, person=True)
        g.add_node(w, person=False)
        g.add_edge(p, w)
    return g


def projection(store: Store, via: str = "any", *, limit: int | None = None) -> Projection | None:
    """The in-memory projection of the store (read afresh each call, so never stale).

    With ``limit``, returns None instead when the graph has more than ``limit`` participation
    edges; at most ``limit + 1`` edges are read to find out.
    """
    rows = _edge_rows(store, via, None if limit is None else limit + 1)
    if limit is not None and len(rows) > limit:
        return None
    return Projection(via, _graph_of(rows))


def _engine(store: Store, via: str, engine: str) -> tuple[str, Neighbours]:
    if engine not in ("auto", "store", "networkx"):
        raise UsageError(f"engine must be auto, store or networkx, not {engine!r}")
    if engine == "store":
        return "store", store_neighbours(store, via)
    proj = projection(store, via, limit=PROJECTION_LIMIT if engine == "auto" else None)
    if proj is None:
        return "store", store_neighbours(store, via)
    return "networkx", proj.neighbours


# -- the search -----------------------------------------------------------------------------


@dataclass
class _Side:
    """One end of the bidirectional search: BFS distances and every parent on a shortest path."""

    root: str
    root_is_person: bool
    dist: dict[str, int] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)
    frontier: list[str] = field(default_factory=list)
    radius: int = 0

    def __post_init__(self) -> None:
        self.dist[self.root] = 0
        self.parents[self.root] = []
        self.frontier = [self.root]

    def expand(self, neighbours: Neighbours, avoid: frozenset[str]) -> None:
        people = self.root_is_person == (self.radius % 2 == 0)
        found = neighbours(self.frontier, people)
        nxt: dict[str, list[str]] = {}
        for u in self.frontier:
            for v in found.get(u, ()):
                if v in avoid or v in self.dist:
                    continue
                nxt.setdefault(v, []).append(u)
        self.radius += 1
        for v, ps in nxt.items():
            self.dist[v] = self.radius
            self.parents[v] = ps
        self.frontier = sorted(nxt)


def search(
    neighbours: Neighbours,
    a: str,
    a_is_person: bool,
    b: str,
    b_is_person: bool,
    max_length: int,
    avoid: frozenset[str] = frozenset(),
) -> tuple[_Side, _Side, list[str]]:
    """Bidirectional BFS; returns both sides and the meeting nodes (empty: no path).

    Layers are expanded whole, the smaller frontier first (on a tie, the side that has grown
    less); the search stops after the first
    layer that reaches the other side. Every shortest path then runs through exactly one
    meeting node (a node of the new layer that the other side had reached), so the two parent
    maps, restricted to the meeting nodes, hold all shortest paths and nothing longer.

    >>> adj = {"a": {"w1"}, "w1": {"a", "b"}, "b": {"w1", "w2"}, "w2": {"b", "c"}, "c": {"w2"}}
    >>> fetch = lambda frontier, people: {n: adj[n] for n in frontier}
    >>> sa, sb, meet = search(fetch, "a", True, "c", True, max_length=12)
    >>> sa.radius + sb.radius, meet
    (4, ['b'])
    """
    sa, sb = _Side(a, a_is_person), _Side(b, b_is_person)
    if a == b:
        return sa, sb, [a]
    while sa.frontier and sb.frontier and sa.radius + sb.radius < max_length:
        # the smaller frontier grows first; on a tie, the side that has grown less
        side, other = (
            (sa, sb) if (len(sa.frontier), sa.radius) <= (len(sb.frontier), sb.radius) else (sb, sa)
        )
        side.expand(neighbours, avoid)
        meet = [v for v in side.frontier if v in other.dist]
        if meet:
            return sa, sb, meet
    return sa, sb, []


def _dag(sa: _Side, sb: _Side, meet: list[str]) -> dict[str, list[str]]:
    """Children (towards ``b``) of every node on a shortest path from ``a`` to ``b``."""
    children: dict[str, set[str]] = {}
    stack = list(meet)
    seen = set(meet)
    while stack:  # a's side: walk parents back from the meeting nodes
        v = stack.pop()
        for u in sa.parents.get(v, ()):
            children.setdefault(u, set()).add(v)
            if u not in seen:
                seen.add(u)
                stack.append(u)
    stack = list(meet)
    seen = set(meet)
    while stack:  # b's side: parents point towards b, i.e. they are children on the way to b
        v = stack.pop()
        for u in sb.parents.get(v, ()):
            children.setdefault(v, set()).add(u)
            if u not in seen:
                seen.add(u)
                stack.append(u)
    return {k: sorted(v) for k, v in children.items()}


def _enumerate(
    children: dict[str, list[str]], a: str, b: str, nodes: dict[str, PathNode], limit: int | None
) -> tuple[list[list[str]], bool]:
    """Paths from ``a`` to ``b`` in tie-break order (at most ``limit``; True when cut short)."""
    out: list[list[str]] = []
    ordered = {k: sorted(v, key=lambda i: _key(nodes[i])) for k, v in children.items()}

    def walk(path: list[str]) -> bool:
        v = path[-1]
        if v == b:
            out.append(list(path))
            return limit is not None and len(out) >= limit
        for c in ordered.get(v, ()):
            path.append(c)
            if walk(path):
                return True
            path.pop()
        return False

    stopped = walk([a])
    return out, stopped


def path(
    store: Store,
    a: str,
    b: str,
    *,
    via: str = "any",
    all: bool = False,
    max_hops: int = 6,
    avoid: Sequence[str] = (),
    engine: str = "auto",
    limit: int = MAX_PATHS,
) -> PathResult:
    """The shortest collaboration path between two people, or between a person and a work.

    ``a`` and ``b`` are names (resolved by :mod:`kgraph.linking`) or IRIs. ``all`` returns every
    shortest path (at most ``limit``, then ``truncated`` is set); ``max_hops`` bounds the works
    crossed; ``avoid`` lists people or works the path may not go through. ``engine`` is
    ``"auto"`` (in memory for small graphs, the store otherwise), ``"store"`` or ``"networkx"``.

    Raises :class:`~kgraph.errors.NoPath` when nothing connects them within ``max_hops``.
    """
    _check_via(via)
    if max_hops < 1:
        raise UsageError("--max-hops must be at least 1")
    (src, n1), (dst, n2) = _resolve(store, a), _resolve(store, b)
    notes = [n for n in (n1, n2) if n]
    if src.iri == dst.iri:
        raise UsageError(f"{src.label} and {dst.label} are the same {src.type.lower() or 'entity'}")
    banned = set()
    for name in avoid:
        node, n3 = _resolve(store, name)
        notes += [n3] if n3 else []
        if node.iri in (src.iri, dst.iri):
            raise UsageError(f"cannot avoid {node.label}: it is an end of the path")
        banned.add(node.iri)
    # A path's length in edges, from the works it may cross: each person end adds one edge.
    works_at_ends = _is_work(src) + _is_work(dst)
    max_length = 2 * max_hops - works_at_ends
    used, neighbours = _engine(store, via, engine)
    sa, sb, meet = search(
        neighbours, src.iri, src.is_person, dst.iri, dst.is_person, max_length, frozenset(banned)
    )
    if not meet:
        what = {"any": "", "cast": " through acting credits", "crew": " through crew credits"}[via]
        why = (
            ""
            if not banned
            else " avoiding " + ", ".join(sorted(describe(store, banned)[i].label for i in banned))
        )
        if sa.frontier and sb.frontier:  # stopped by the bound: a longer path may exist
            raise NoPath(
                f"no path between {src.label} and {dst.label}{what} within {max_hops} "
                f"hop{'s' if max_hops != 1 else ''}{why}",
                hint="a larger --max-hops may find one",
            )
        # one side ran out of people and works to visit: no path at any length
        raise NoPath(
            f"no path between {src.label} and {dst.label}{what}{why}: "
            f"no chain of shared works connects them"
        )
    children = _dag(sa, sb, meet)
    dag_nodes = set(children) | {c for cs in children.values() for c in cs}
    nodes = describe(store, dag_nodes)
    paths, truncated = _enumerate(children, src.iri, dst.iri, nodes, limit if all else 1)
    if not all:
        truncated = False
    steps = explain(store, [[nodes[i] for i in p] for p in paths], via)
    hops = sum(1 for i in paths[0] if not nodes[i].is_person)
    return PathResult(
        nodes[src.iri],
        nodes[dst.iri],
        hops,
        tuple(tuple(nodes[i] for i in p) for p in paths),
        steps,
        via,
        used,
        truncated,
        tuple(notes),
    )


# -- roles and sources ----------------------------------------------------------------------


_ROLES_QUERIES = {
    "cast": "SELECT ?x ?p ?w ?g WHERE { GRAPH ?g { ?x kg:performer ?p ; kg:inWork ?w } }",
    "crew": "SELECT ?x ?p ?w ?r ?g WHERE { GRAPH ?g { ?x kg:creditedPerson ?p ; kg:inWork ?w ; kg:role ?r } }",
}
_CHARACTERS_QUERY = "SELECT ?x ?r ?g WHERE { GRAPH ?g { ?x kg:character ?r } }"
# Separate small queries, labels fetched afterwards with describe(): with a UNION, an OPTIONAL
# character or an OPTIONAL label here, Oxigraph stops driving the evaluation from the VALUES
# (seconds instead of a millisecond on a 20,000-work graph).


def roles(
    store: Store, pairs: Iterable[tuple[str, str]], via: str = "any"
) -> dict[tuple[str, str], tuple[Role, ...]]:
    """Each (person, work) pair's roles in that work, with the sources stating each one."""
    pairs = set(pairs)
    if not pairs:
        return {}
    people = sorted({p for p, _ in pairs})
    works = sorted({w for _, w in pairs})
    hits: list[tuple[tuple[str, str], str, str | None, str]] = []
    for kind, query in _ROLES_QUERIES.items():
        if via not in ("any", kind):
            continue
        for wchunk in _chunks(works, 500):
            for pchunk in _chunks(people, 500):
                rows = store.select(
                    query,
                    {
                        "p": [ox.NamedNode(i) for i in pchunk],
                        "w": [ox.NamedNode(i) for i in wchunk],
                    },
                )
                for r in rows:
                    key = (r["p"].value, r["w"].value)
                    if key in pairs:
                        hits.append(
                            (key, kind, r["r"].value if "r" in r else r["x"].value, r["g"].value)
                        )
    # a performance's character, stated in the same graph as the performance
    performances = sorted({h[2] for h in hits if h[1] == "cast" and h[2] is not None})
    character: dict[tuple[str, str], str] = {}
    for chunk in _chunks(performances):
        for r in store.select(_CHARACTERS_QUERY, {"x": [ox.NamedNode(i) for i in chunk]}):
            character[(r["x"].value, r["g"].value)] = r["r"].value
    hits = [
        (key, kind, character.get((x, g)) if kind == "cast" and x is not None else x, g)
        for key, kind, x, g in hits
    ]
    names = describe(store, {h[2] for h in hits if h[2]} | {h[3] for h in hits})
    found: dict[tuple[str, str], dict[tuple[str, str, str | None], set[str]]] = {}
    for key, kind, riri, g in hits:
        label = names[riri].label if riri else "cast"
        found.setdefault(key, {}).setdefault((kind, label, riri), set()).add(g)
    out = {}
    for key, rs in found.items():
        ordered = sorted(rs.items(), key=lambda kv: (kv[0][0], kv[0][1].casefold(), kv[0][2] or ""))
        out[key] = tuple(
            Role(kind, label, riri, tuple(SourceRef(g, names[g].label) for g in sorted(srcs)))
            for (kind, label, riri), srcs in ordered
        )
    return out


def explain(
    store: Store, paths: Sequence[Sequence[PathNode]], via: str = "any"
) -> tuple[tuple[Step, ...], ...]:
    """The steps of each path: every work with the people either side and their roles."""
    wanted: set[tuple[str, str]] = set()
    layout = []
    for p in paths:
        steps = []
        for i, n in enumerate(p):
            if n.is_person:
                continue
            around = [p[j] for j in (i - 1, i + 1) if 0 <= j < len(p) and p[j].is_person]
            wanted.update((q.iri, n.iri) for q in around)
            steps.append((n, around))
        layout.append(steps)
    found = roles(store, wanted, via)
    return tuple(
        tuple(
            Step(w, tuple(Part(q, found.get((q.iri, w.iri), ())) for q in around))
            for w, around in steps
        )
        for steps in layout
    )


# -- shared works ---------------------------------------------------------------------------


def shared(store: Store, a: str, b: str, *, via: str = "any") -> SharedResult:
    """The works two people both worked on (``via`` as in :func:`path`), oldest first."""
    _check_via(via)
    (pa, n1), (pb, n2) = _resolve(store, a, True), _resolve(store, b, True)
    if pa.iri == pb.iri:
        raise UsageError(f"{pa.label} and {pb.label} are the same person")
    edge = _EDGE[via]
    rows = store.select(
        f"""SELECT DISTINCT ?w (SAMPLE(?y) AS ?year) WHERE {{
              {edge.replace("?p", "?a")} . {edge.replace("?p", "?b")}
              OPTIONAL {{ ?w kg:year ?y }} }} GROUP BY ?w""",
        {"a": ox.NamedNode(pa.iri), "b": ox.NamedNode(pb.iri)},
    )
    years = {r["w"].value: (r["year"].value if "year" in r else None) for r in rows}
    nodes = describe(store, years)
    found = roles(store, [(p, w) for w in years for p in (pa.iri, pb.iri)], via)
    works = [
        SharedWork(
            nodes[w],
            years[w],
            Part(pa, found.get((pa.iri, w), ())),
            Part(pb, found.get((pb.iri, w), ())),
        )
        for w in years
    ]
    works.sort(key=lambda s: (s.year is None, s.year or "", _key(s.work)))
    return SharedResult(pa, pb, via, tuple(works), tuple(n for n in (n1, n2) if n))


# -- the whole network ----------------------------------------------------------------------


def network(
    store: Store,
    *,
    via: str = "any",
    from_: str | None = None,
    sample: int | None = BETWEENNESS_SAMPLE,
) -> NetworkResult:
    """The collaboration network: people by collaborators and by betweenness, components, and
    with ``from_`` everyone's distance (works crossed) from that person (then betweenness, by far
    the slowest part, is not computed and is None).

    Betweenness is exact up to ``sample`` people, and estimated from ``sample`` source people
    (fixed seed, so repeatable) beyond that, fewer on big graphs so that sources × links stays
    under :data:`BETWEENNESS_BUDGET` (at least 4); ``sample=None`` is always exact.
    """
    import networkx as nx

    _check_via(via)
    origin, note = _resolve(store, from_, True) if from_ is not None else (None, None)
    proj = projection(store, via)
    assert proj is not None  # no limit given
    bip = proj.graph
    people = [n for n, d in bip.nodes(data=True) if d["person"]]
    g = nx.Graph()
    g.add_nodes_from(people)
    for w, d in bip.nodes(data=True):
        if d["person"]:
            continue
        crew = sorted(bip.adj[w])
        for i, p in enumerate(crew):
            for q in crew[i + 1 :]:
                g.add_edge(p, q)
    nodes = describe(store, people + ([origin.iri] if origin else []))
    k = None
    between: dict[str, float] = {}
    if origin is not None:
        pass  # a distance table does not need betweenness, the slowest part by far
    elif sample is not None:
        # each sampled source costs one BFS over every link: bound the total work
        budget = max(4, BETWEENNESS_BUDGET // max(1, g.number_of_edges()))
        if g.number_of_nodes() > min(sample, budget):
            k = min(sample, budget)
    if origin is None:
        between = nx.betweenness_centrality(g, k=k, seed=0) if k else nx.betweenness_centrality(g)
    comps = sorted(
        (sorted((nodes[i] for i in c), key=_key) for c in nx.connected_components(g)),
        key=lambda c: (-len(c), _key(c[0])),
    )
    comp_of = {n.iri: i for i, c in enumerate(comps) for n in c}
    stats = [
        PersonStats(
            nodes[p],
            g.degree(p),
            bip.degree(p),
            between.get(p) if origin is None else None,
            comp_of[p],
        )
        for p in people
    ]
    stats.sort(key=lambda s: (-s.collaborators, -(s.betweenness or 0.0), _key(s.person)))
    distances: list[tuple[PathNode, int | None]] = []
    if origin is not None:
        lengths = (
            nx.single_source_shortest_path_length(g, origin.iri)
            if origin.iri in g
            else {origin.iri: 0}
        )
        distances = [(nodes[p], lengths.get(p)) for p in people if p != origin.iri]
        distances.sort(key=lambda nd: (nd[1] is None, nd[1] or 0, _key(nd[0])))
    return NetworkResult(
        via,
        tuple(stats),
        tuple(tuple(c) for c in comps),
        origin,
        tuple(distances),
        k,
        g.number_of_edges(),
        (note,) if note else (),
    )


__all__ = [
    "NetworkResult",
    "Part",
    "PathNode",
    "PathResult",
    "PersonStats",
    "Projection",
    "Role",
    "SharedResult",
    "SharedWork",
    "SourceRef",
    "Step",
    "describe",
    "explain",
    "network",
    "path",
    "projection",
    "resolve_entity",
    "roles",
    "search",
    "shared",
    "store_neighbours",
]
