"""The facts `kgraph ask` reasons over, each with exactly the sources that state it.

:func:`facts_of` reads, once per store, every triple of a fixed set of predicates that a
source's named graph states, with the graphs that state it. It reads them with :func:`stated`,
the one reading of "which sources state this" that every citation rests on (saved queries,
``show`` and ``path`` use it through :func:`kgraph.provenance.sources_of`): so each fact is cited
by the sources whose graph holds that very triple, whatever the default graph does with
duplicates. It also keeps labels, classes, recorded disagreements and the
sources' metadata (for the legend under an answer). The bundled graph gives about a thousand
rows, read whole (and kept beside a frozen store as a pickle).

A store with more than :data:`LIMIT` triples (found by a bounded probe that stops counting
there, never by reading them) gets a :class:`LazyFactBase` instead: the same
interface and the same answers, reading only what a question touches (a subject's facts, an
object's, an entity's label and classes), in batches, with the same reading of which sources state
each triple. A question that needs every person or every work of such a store (the most credits,
every film of a year) is refused with :class:`kgraph.errors.NeedsWholeStore` when there are more
than :data:`SCAN_LIMIT` of them, rather than answered from part of the data.
"""

from __future__ import annotations

from _thread import _local  # threading.local, without importing threading (cold `kgraph ask`)
from _weakref import proxy
from collections import defaultdict

from .records import Any, NamedTuple, cast, field, record
from .store import PerStore, Store, forget_derived
from .terms import (
    KG_NS,
    MERGED_GRAPH,
    NOT_SOURCES,
    is_source_graph,
    local_name,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from collections.abc import Iterable

# A store with more triples than this (in its default graph, the merged statements) is read
# lazily (LazyFactBase); one with at most this many is read whole, which is quick (the bundled
# graph: about 1,600 triples, a thousand facts, 30 ms) and kept beside a frozen store.
LIMIT = 20_000
# The most entities a question over all of a class (every person, every work) may read on a lazy
# fact base; above it the question is refused (NeedsWholeStore), never answered from part.
SCAN_LIMIT = 5_000
# IRIs per VALUES block of one lazy read
BATCH = 1_000
# The most award categories and aliases (the vocabulary of every question) a lazy fact base reads
VALUES_LIMIT = 200_000
# The most a lazy fact base holds between questions, in triples read plus entities read (its
# :meth:`LazyFactBase.held`; about 0.8 KB of Python objects each, so some 80 MiB): a question
# that leaves it holding more hands the store a fresh one (:class:`asking`), so a long-running
# server asked ever more distinct questions stops growing. The vocabulary of every question
# (``values_of``, bounded by VALUES_LIMIT) and the sources' metadata are carried over.
HOLD_LIMIT = 100_000

KG = KG_NS
PREDICATES = (
    "actedIn",
    "workedOn",
    "castMember",
    "director",
    "screenwriter",
    "musicBy",
    "author",
    "crewMember",
    "performer",
    "character",
    "appearsIn",
    "inWork",
    "creditedPerson",
    "role",
    "year",
    "date",
    "genre",
    "distributor",
    "originalBroadcaster",
    "platform",
    "country",
    "debutOf",
    "partner",
    "relationshipType",
    "startDate",
    "recipient",
    "forWork",
    "ceremony",
    "category",
    "editionOf",
    "gender",
    "releaseOf",
    "region",
    "billing",
    "basedOn",
    "precedes",
    "partOfFranchise",
    "screenedWork",
    "section",
    "atFestival",
    "isPremiere",
    "endDate",
    "location",
    "alias",
    "edition",
    "filmCount",
    "seriesCount",
    "priorProjectCount",
)


_LABELS = """SELECT ?e ?l ?c ?d WHERE {
  ?e skos:prefLabel ?l OPTIONAL { ?e a ?c } OPTIONAL { ?e kg:description ?d } }"""

_DISPUTES = """SELECT ?d ?x ?topic WHERE { ?d a kg:Disagreement ; kg:about ?x ; kg:topic ?topic }"""

_SOURCES = """SELECT ?s ?label ?outlet ?author ?date WHERE {
  ?s a kg:Source ; skos:prefLabel ?label .
  OPTIONAL { ?s kg:creditsOutlet ?o . ?o skos:prefLabel ?outlet }
  OPTIONAL { ?s kg:authorName ?author }
  OPTIONAL { ?s kg:date ?date }
}"""


# kgraph's own graphs, left out in SPARQL (a test of the graph name there costs the read a
# third more); :func:`is_source_graph` then decides on each row
_NOT_SOURCES = "FILTER (?g NOT IN ({}))".format(
    ", ".join(f"<{g}>" for g in sorted(NOT_SOURCES | {MERGED_GRAPH}))
)

Stated = dict[tuple[str, str, Any], set[str]]  # (s, p, o) -> source graph IRIs


def stated(store: Store, where: str, *, limit: int | None = None) -> tuple[Stated, bool]:
    """Which source graphs state which triple: every ``?s ?p ?o`` that ``where`` (SPARQL over
    those variables) allows and a source's graph holds, with the IRIs of the graphs holding it,
    in the store's order. An IRI object is its IRI, a literal the :class:`pyoxigraph.Literal`.
    The one reading of "which sources state this" that every citation rests on
    (:func:`kgraph.provenance.sources_of` for saved queries, ``show``, ``path``; :func:`facts_of`
    for ``ask``). With ``limit``, at most that many (triple, graph) rows are read; the flag says
    whether that was all of them."""
    import pyoxigraph as ox

    query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } " + where + _NOT_SOURCES + " }"
    rows = store.select(query if limit is None else f"{query} LIMIT {limit + 1}")
    complete = limit is None or len(rows) <= limit
    out: Stated = {}
    for r in rows if complete else rows[:limit]:
        _add_stated(out, r, ox.NamedNode)
    return out, complete


def _add_stated(out: Stated, r: dict[str, Any], iri: Any) -> None:
    """One row ``?s ?p ?o ?g`` of a reading of :func:`stated`'s shape, added to ``out`` when its
    graph is a source's (the one place that decides what a row of such a reading states)."""
    g = r["g"].value
    if not is_source_graph(g):
        return
    o = r["o"]
    key = (r["s"].value, r["p"].value, o.value if isinstance(o, iri) else o)
    graphs = out.get(key)
    if graphs is None:
        out[key] = graphs = set()
    graphs.add(g)


WORK_CLASSES = {KG + "Film", KG + "TVSeries", KG + "Play", KG + "Work"}


Triple = tuple[str, str, str]  # subject IRI, predicate IRI, object IRI or literal value


class Fact(NamedTuple):
    """One fact an answer rests on: a readable statement, the triples it rests on (as the
    sources' graphs state them), and exactly the sources that state one of those triples."""

    statement: str
    sources: tuple[str, ...]
    triples: tuple[Triple, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "sources": list(self.sources),
            "triples": [list(t) for t in self.triples],
        }


@record
class FactBase:
    """Triples of the source graphs, indexed both ways, with labels, classes and disputes."""

    triples: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    sp: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    po: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)
    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    disputes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    source_info: dict[str, dict[str, str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)  # the curators' own words
    complete: bool = True
    hierarchy: Any = None  # the ontology's class tree (kgraph.linking.class_tree)

    # -- reading ---------------------------------------------------------------------------

    def objects(self, s: str, p: str) -> list[str]:
        return self.sp.get((s, KG + p), [])

    def subjects(self, p: str, o: str) -> list[str]:
        return self.po.get((KG + p, o), [])

    def sources(self, s: str, p: str, o: str) -> tuple[str, ...]:
        return tuple(sorted(self.triples.get((s, KG + p, o), ())))

    def label(self, iri: str) -> str:
        return self.labels.get(iri, local_name(iri))

    def is_a(self, iri: str, *local: str) -> bool:
        cs = self.classes.get(iri, set())
        return any(KG + n in cs for n in local)

    def is_work(self, iri: str) -> bool:
        return bool(self.classes.get(iri, set()) & WORK_CLASSES)

    def type_of(self, iri: str) -> str:
        """The type ``iri`` is shown as: its most specific class (the one rule, terms.most_specific)."""
        cs = self.classes.get(iri, set())
        return self.hierarchy.most_specific(cs) if cs and self.hierarchy is not None else ""

    def year(self, work: str) -> str | None:
        ys = sorted(self.objects(work, "year"))
        return ys[0] if ys else None

    def gender(self, person: str) -> str | None:
        gs = set(self.objects(person, "gender"))
        return next(iter(gs)) if len(gs) == 1 else None

    # -- facts with their sources ----------------------------------------------------------

    def fact(self, statement: str, s: str, p: str, o: str) -> Fact:
        """``statement`` resting on the one triple ``s kg:p o``."""
        return self.cite(statement, (s, p, o))

    def cite(self, statement: str, *triples: tuple[str, str, str]) -> Fact:
        """``statement`` resting on ``triples`` (``(s, p, o)``, ``p`` a kg: local name or an
        IRI), cited by every source whose graph states one of them."""
        full = tuple(dict.fromkeys((s, p if ":" in p else KG + p, o) for s, p, o in triples))
        graphs = {g for t in full for g in self.triples.get(t, ())}
        return Fact(statement, tuple(sorted(graphs)), full)

    def performances(self, person: str, work: str) -> list[str]:
        """Performance nodes of ``person`` in ``work`` (in any source)."""
        mine = set(self.subjects("performer", person))
        return sorted(x for x in self.subjects("inWork", work) if x in mine)

    def acting_facts(self, person: str, work: str) -> list[Fact]:
        """``X acted in W`` and, where a source names it, ``X played C in W``."""
        out = [
            self.fact(f"{self.label(person)} acted in {self.label(work)}", person, "actedIn", work)
        ]
        for perf in self.performances(person, work):
            for c in self.objects(perf, "character"):
                out.append(
                    self.fact(
                        f"{self.label(person)} played {self.label(c)} in {self.label(work)}",
                        perf,
                        "character",
                        c,
                    )
                )
        return [f for f in out if f.sources]

    def worked_on_fact(self, person: str, work: str) -> Fact:
        verb = "acted in" if self.sources(person, "actedIn", work) else "worked on"
        pred = "actedIn" if verb == "acted in" else "workedOn"
        return self.fact(f"{self.label(person)} {verb} {self.label(work)}", person, pred, work)

    def year_fact(self, work: str) -> Fact | None:
        y = self.year(work)
        if y is None:
            return None
        return self.fact(f"{self.label(work)} came out in {y}", work, "year", y)

    def works_of(self, person: str) -> list[str]:
        return sorted(set(self.objects(person, "workedOn")), key=lambda w: self.label(w).casefold())

    def people_of(self, work: str) -> list[str]:
        return sorted(set(self.subjects("workedOn", work)), key=lambda p: self.label(p).casefold())

    # -- what the fact base holds of an entity, and of the whole store ------------------------

    def classes_of(self, iri: str) -> set[str]:
        return self.classes.get(iri, set())

    def disputes_of(self, iri: str) -> list[str]:
        """The topics of the recorded disagreements about ``iri``."""
        return self.disputes.get(iri, [])

    def description(self, iri: str) -> str | None:
        return self.descriptions.get(iri)

    def source_of(self, source: str) -> dict[str, str]:
        """A source's label, outlet, author and date (those the graph gives)."""
        return self.source_info.get(source, {})

    def instances(self, *local: str, what: str = "entities") -> list[str]:
        """Every labelled entity of one of the classes ``local`` (kg: local names), in no
        particular order. ``what`` names them in the refusal of a lazy fact base."""
        return [e for e in self.classes if self.is_a(e, *local)]

    def works(self) -> list[str]:
        """Every labelled film, series, play or other work."""
        return self.instances(*WORK_LOCALS, what="works")

    def values_of(self, *local: str) -> dict[str, list[tuple[str, str]]]:
        """Every ``(subject, value)`` the sources state of each predicate in ``local``."""
        want = {KG + p: p for p in local}
        out: dict[str, list[tuple[str, str]]] = {p: [] for p in local}
        for s, p, o in self.triples:
            if p in want:
                out[want[p]].append((s, o))
        return out

    def prefetch(self, iris: Iterable[str]) -> None:
        """Read ahead the facts, labels and classes of ``iris``: a lazy fact base reads them in
        one go instead of one entity at a time; this one holds them already."""


WORK_LOCALS = tuple(sorted(c[len(KG) :] for c in WORK_CLASSES))


def _is_iri(value: str) -> bool:
    """Whether a value of the fact base (an IRI, or a literal's lexical form) is an IRI."""
    import pyoxigraph as ox

    if ":" not in value or value.startswith("_:"):
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _iris(values: Iterable[str]) -> str:
    import pyoxigraph as ox

    return " ".join(str(ox.NamedNode(v)) for v in values)


_PREDICATE_FILTER = "FILTER (?p IN ({}))".format(", ".join(f"kg:{p}" for p in PREDICATES))


class LazyFactBase(FactBase):
    """A :class:`FactBase` of a big store, read as questions need it: the facts of a subject
    (every triple of :data:`PREDICATES` it is the subject of, with the source graphs stating
    it), of an object, and an entity's label, classes, description and disputes, each read once
    and kept. A read takes the entity's siblings with it (the other works of the person whose
    works it came from, the other performances of the same work...), up to :data:`BATCH` IRIs in
    one query, so an answer with a hundred items costs a few queries, not hundreds.

    Every triple's graphs are read as :func:`stated` reads them (``GRAPH ?g``, the same graphs
    left out, :func:`_add_stated` on each row): a fact is cited by exactly the sources whose
    graph holds it, as in the fact base read whole. Never kept on disk (what it holds grows
    with every question). Its ``triples``, ``labels``, ``classes``... hold only what was read so
    far: read it through the methods (``values_of``, ``instances``, ``classes_of``...), which
    read what they need or refuse (:class:`kgraph.errors.NeedsWholeStore`).

    Bounded: what it holds grows with every distinct question, so once a question leaves it
    holding more than :data:`HOLD_LIMIT` (:meth:`held`), the store gets a fresh generation for
    the questions that follow (:meth:`renewed`, by :class:`asking`); a question under way keeps
    the one it started with, so it never sees two."""

    lazy = True

    def __init__(self, store: Store, hierarchy: Any) -> None:
        import threading  # a big store's: the bundled graph's cold ask does without it

        super().__init__(hierarchy=hierarchy)
        # a proxy: the value is cached per store, weakly; a strong reference would keep it alive
        self._store = proxy(store)
        self._done: dict[str, set[str]] = {"out": set(), "in": set(), "info": set()}
        self._groups: dict[str, list[list[str]]] = {}
        self._seen_sp: set[tuple[str, str, str]] = set()
        self._seen_po: set[tuple[str, str, str]] = set()
        self._values: dict[str, list[tuple[str, str]]] = {}
        self._sources_read = False
        self._blank: set[str] = set()  # blank nodes read (by their label in the store)
        self._lock = threading.RLock()
        self.queries = 0  # reads made so far (the tests count them)
        self.generation = 0  # how many fresh starts this store's lazy fact base has had

    def held(self) -> int:
        """What this fact base holds, as :data:`HOLD_LIMIT` counts it: the triples read plus the
        entities read (as a subject, as an object, for their label and classes)."""
        return len(self.triples) + sum(len(done) for done in self._done.values())

    def renewed(self, store: Store) -> LazyFactBase | None:
        """A fresh lazy fact base of ``store`` in place of this one when this holds more than
        :data:`HOLD_LIMIT`, or None. It starts with what every question reads the same (the
        vocabulary read by ``values_of``, the sources' metadata) and nothing else."""
        if self.held() <= HOLD_LIMIT:
            return None
        fresh = LazyFactBase(store, self.hierarchy)
        fresh.generation = self.generation + 1
        with self._lock:
            fresh._values = dict(self._values)
            if self._sources_read:
                fresh.source_info = dict(self.source_info)
                fresh._sources_read = True
        return fresh

    def __reduce_ex__(self, protocol: Any) -> Any:
        import pickle

        raise pickle.PicklingError("a lazy fact base is not kept on disk")

    # -- reading on demand -------------------------------------------------------------------

    def _ensure(self, kind: str, iris: Iterable[str]) -> None:
        done = self._done[kind]
        need = [x for x in iris if x not in done]
        if not need:
            return
        with self._lock:
            batch = dict.fromkeys(x for x in need if x not in done)
            room = max(BATCH - len(batch), 0)
            for x in need:
                for group in self._groups.get(x, ()):
                    for y in group:
                        if room <= 0:
                            break
                        if y not in done and y not in batch:
                            batch[y] = None
                            room -= 1
            if batch:
                wanted = {kind: list(batch)}
                if kind != "info":  # their labels and classes are wanted next: the same read
                    wanted["info"] = [x for x in batch if x not in self._done["info"]]
                self._fetch(wanted)

    def prefetch(self, iris: Iterable[str]) -> None:
        wanted = [x for x in dict.fromkeys(iris) if x]
        group = [x for x in wanted if _is_iri(x)]
        for x in group:
            self._groups.setdefault(x, []).append(group)
        with self._lock:
            self._fetch(
                {
                    "out": [x for x in wanted if x not in self._done["out"]],
                    "info": [x for x in wanted if x not in self._done["info"]],
                },
                batch=False,
            )

    def _fetch(self, wanted: dict[str, list[str]], *, batch: bool = True) -> None:
        """Read the facts of ``out`` (as subjects), of ``in`` (as objects) and the labels,
        classes, descriptions and disputes of ``info``: one query per :data:`BATCH` of each.

        What a read finds is grouped for the reads that follow: each IRI with the others found
        from the same entity (its first such group: the other works of the person whose works
        it came from), and, unless ``batch`` is False (a prefetch of a long list, whose
        finds belong together less), with the others found by the same predicate in this read
        (the performances of all the works read)."""
        lists = {kind: [x for x in wanted.get(kind, []) if _is_iri(x)] for kind in self._done}
        while any(lists.values()):
            chunk = {k: v[:BATCH] for k, v in lists.items()}
            lists = {k: v[BATCH:] for k, v in lists.items()}
            self._read(chunk, batch)
        # read: marked so only now, as another thread takes a marked entity's facts unlocked
        for kind, xs in wanted.items():
            self._done[kind].update(xs)

    def _read(self, chunk: dict[str, list[str]], batch: bool) -> None:
        parts = []
        if chunk["out"]:
            parts.append(
                f"{{ VALUES ?s {{ {_iris(chunk['out'])} }} GRAPH ?g {{ ?s ?p ?o }} "
                f"{_PREDICATE_FILTER} {_NOT_SOURCES} BIND (1 AS ?k) }}"
            )
        if chunk["in"]:
            parts.append(
                f"{{ VALUES ?o {{ {_iris(chunk['in'])} }} GRAPH ?g {{ ?s ?p ?o }} "
                f"{_PREDICATE_FILTER} {_NOT_SOURCES} BIND (2 AS ?k) }}"
            )
        if chunk["info"]:
            values = _iris(chunk["info"])
            parts.append(
                f"{{ VALUES ?s {{ {values} }} ?s skos:prefLabel ?l "
                "OPTIONAL { ?s a ?c } OPTIONAL { ?s kg:description ?d } BIND (3 AS ?k) }"
            )
            parts.append(
                f"{{ VALUES ?s {{ {values} }} ?x a kg:Disagreement ; kg:about ?s ; kg:topic ?l "
                "BIND (4 AS ?k) }"
            )
        rows = self._store.select("SELECT * WHERE { " + " UNION ".join(parts) + " }")
        self.queries += 1
        near = self._take(rows, batch)
        if near:  # blank nodes next to what was read: theirs too (a later read cannot name them)
            values = _iris(sorted(near))
            around = (
                f"VALUES ?t {{ {values} }} {{ GRAPH ?h {{ ?t ?q ?b }} }} "
                "UNION { GRAPH ?h { ?b ?q ?t } } FILTER (isBlank(?b))"
            )
            rows = self._store.select(
                f"SELECT * WHERE {{ {{ {around} GRAPH ?g {{ ?b ?p ?o }} {_PREDICATE_FILTER} "
                f"{_NOT_SOURCES} BIND (?b AS ?s) BIND (1 AS ?k) }} UNION {{ {around} "
                f"GRAPH ?g {{ ?s ?p ?b }} {_PREDICATE_FILTER} {_NOT_SOURCES} BIND (?b AS ?o) "
                f"BIND (2 AS ?k) }} UNION {{ {around} ?b skos:prefLabel ?l OPTIONAL {{ ?b a ?c }} "
                "OPTIONAL { ?b kg:description ?d } BIND (?b AS ?s) BIND (3 AS ?k) } }"
            )
            self.queries += 1
            self._take(rows, batch)

    def _take(self, rows: list[dict[str, Any]], batch: bool) -> set[str]:
        """Keep what ``rows`` of a read say; returns the IRIs read that have blank nodes next
        to them (whose own facts a read by IRI cannot reach)."""
        import pyoxigraph as ox

        found: dict[int, Stated] = {1: {}, 2: {}}
        near: set[str] = set()
        blanks: set[str] = set()
        for r in rows:
            k = int(r["k"].value)
            if "b" in r:  # a row of the read of blank nodes: each is now read
                blanks.add(r["b"].value)
            elif k == 1 and isinstance(r.get("o"), ox.BlankNode):
                near.add(r["s"].value)
            elif k == 2 and isinstance(r.get("s"), ox.BlankNode):
                near.add(r["o"].value)
            if k in found:
                _add_stated(found[k], r, ox.NamedNode)
            elif k == 3:
                _take_label(self, _v(r["s"]), r)
            else:
                self.disputes[_v(r["s"])].append(_v(r["l"]))
        for k, stated_rows in found.items():
            by_origin: dict[str, list[str]] = defaultdict(list)
            by_pred: dict[str, list[str]] = defaultdict(list)
            for (s, p, term), graphs in stated_rows.items():
                o = term if isinstance(term, str) else term.value
                key = (s, p, o)
                if key not in self.triples:
                    self.triples[key] = set()
                self.triples[key] |= graphs
                if k == 1 and key not in self._seen_sp:
                    self._seen_sp.add(key)
                    self.sp[(s, p)].append(o)
                    if isinstance(term, str):  # an IRI found: read with its siblings later
                        by_origin[s].append(o)
                        by_pred[p].append(o)
                elif k == 2 and key not in self._seen_po:
                    self._seen_po.add(key)
                    self.po[(p, o)].append(s)
                    by_origin[o].append(s)
                    by_pred[p].append(s)
            for group in by_origin.values():
                for x in group:
                    if x not in self._groups:  # the first entity it was found from
                        self._groups[x] = [group]
            for group in by_pred.values() if batch else ():
                for x in group:
                    self._groups.setdefault(x, []).append(group)
        self._blank |= blanks
        for done in self._done.values():
            done |= blanks
        return near

    # -- the fact base's reading, on demand ---------------------------------------------------

    def objects(self, s: str, p: str) -> list[str]:
        self._ensure("out", (s,))
        return super().objects(s, p)

    def subjects(self, p: str, o: str) -> list[str]:
        if o in self._blank:
            return super().subjects(p, o)
        if not _is_iri(o):
            return self._subjects_of_value(p, o)
        self._ensure("in", (o,))
        return super().subjects(p, o)

    def _subjects_of_value(self, p: str, value: str) -> list[str]:
        """The subjects stating the literal ``value`` of ``kg:p`` (one predicate's range)."""
        import pyoxigraph as ox

        found, _ = self._stated_by(
            f"GRAPH ?g {{ ?s kg:{p} ?o }} BIND (kg:{p} AS ?p) "
            f"FILTER (isLiteral(?o) && STR(?o) = {ox.Literal(value)})"
        )
        out = []
        for (s, pp, term), graphs in found.items():
            o = term if isinstance(term, str) else term.value
            self.triples.setdefault((s, pp, o), set()).update(graphs)
            out.append(s)
        return list(dict.fromkeys(out))

    def _stated_by(self, pattern: str, limit: int | None = None) -> tuple[Stated, bool]:
        """:func:`stated` for a ``pattern`` binding ``?s ?p ?o ?g`` through an index (a fixed
        predicate) rather than a scan of every quad."""
        import pyoxigraph as ox

        query = f"SELECT ?s ?p ?o ?g WHERE {{ {pattern} {_NOT_SOURCES} }}"
        rows = self._store.select(query if limit is None else f"{query} LIMIT {limit + 1}")
        self.queries += 1
        complete = limit is None or len(rows) <= limit
        out: Stated = {}
        for r in rows if complete else rows[:limit]:
            _add_stated(out, r, ox.NamedNode)
        return out, complete

    def sources(self, s: str, p: str, o: str) -> tuple[str, ...]:
        self._ensure("out", (s,))
        return super().sources(s, p, o)

    def cite(self, statement: str, *triples: tuple[str, str, str]) -> Fact:
        self._ensure("out", [t[0] for t in triples])
        return super().cite(statement, *triples)

    def label(self, iri: str) -> str:
        self._ensure("info", (iri,))
        return super().label(iri)

    def is_a(self, iri: str, *local: str) -> bool:
        self._ensure("info", (iri,))
        return super().is_a(iri, *local)

    def is_work(self, iri: str) -> bool:
        self._ensure("info", (iri,))
        return super().is_work(iri)

    def type_of(self, iri: str) -> str:
        self._ensure("info", (iri,))
        return super().type_of(iri)

    def classes_of(self, iri: str) -> set[str]:
        self._ensure("info", (iri,))
        return super().classes_of(iri)

    def disputes_of(self, iri: str) -> list[str]:
        self._ensure("info", (iri,))
        return super().disputes_of(iri)

    def description(self, iri: str) -> str | None:
        self._ensure("info", (iri,))
        return super().description(iri)

    def performances(self, person: str, work: str) -> list[str]:
        # the work's performances and their performers: the same set as the performer's
        # performances in the work, read from the (smaller) side of the work
        return sorted(
            x for x in self.subjects("inWork", work) if person in self.objects(x, "performer")
        )

    def source_of(self, source: str) -> dict[str, str]:
        if not self._sources_read:
            with self._lock:
                if not self._sources_read:
                    _read_sources(self, self._store)
                    self.queries += 1
                    self._sources_read = True
        return super().source_of(source)

    def instances(self, *local: str, what: str = "entities") -> list[str]:
        from .errors import NeedsWholeStore

        # one row per entity and class asked (no DISTINCT, which an engine may compute over all
        # of them before the LIMIT): more rows than SCAN_LIMIT per class means more entities
        cap = SCAN_LIMIT * len(local)
        rows = self._store.select(
            "SELECT ?e WHERE { VALUES ?c { "
            + " ".join(f"kg:{c}" for c in local)
            + " } ?e a ?c FILTER EXISTS { ?e skos:prefLabel ?l } }"
            + f" LIMIT {cap + 1}"
        )
        self.queries += 1
        found = sorted({_v(r["e"]) for r in rows})
        if len(rows) > cap or len(found) > SCAN_LIMIT:
            raise NeedsWholeStore(
                f"this question needs every one of the {what} in the store, and it holds more "
                f"than {SCAN_LIMIT:,} (a scan of the whole store): ask about one person or work"
            )
        self.prefetch(found)
        return [e for e in found if self.is_a(e, *local)]

    def values_of(self, *local: str) -> dict[str, list[tuple[str, str]]]:
        from .errors import NeedsWholeStore

        missing = [p for p in local if p not in self._values]
        if missing:
            union = " UNION ".join(
                f"{{ GRAPH ?g {{ ?s kg:{p} ?o }} BIND (kg:{p} AS ?p) }}" for p in missing
            )
            limit = VALUES_LIMIT
            found, complete = self._stated_by(union, limit)
            if not complete:
                raise NeedsWholeStore(
                    f"the store states more than {limit:,} {' and '.join(missing)} values: "
                    "too many to read for one question"
                )
            read: dict[str, list[tuple[str, str]]] = {p: [] for p in missing}
            for s, p, term in found:
                o = term if isinstance(term, str) else term.value
                read[p[len(KG) :]].append((s, o))
            self._values.update(read)  # whole, for another thread reading unlocked
        return {p: list(self._values[p]) for p in local}


def _v(term: Any) -> str:
    return str(term.value)


def _take_label(fb: FactBase, e: str, row: dict[str, Any]) -> None:
    """Keep entity ``e``'s label (``?l``), class (``?c``) and description (``?d``) of ``row``."""
    fb.labels.setdefault(e, _v(row["l"]))
    if "c" in row:
        fb.classes[e].add(_v(row["c"]))
    if "d" in row:
        fb.descriptions.setdefault(e, _v(row["d"]))


def _small(store: Store) -> bool:
    """Whether ``store`` holds at most :data:`LIMIT` triples in its default graph (the sources'
    statements merged: about as many as the facts and labels a whole read would take): a count
    that stops at ``LIMIT + 1``, one query of one row over one triple pattern, which every
    engine stops reading there (7 ms on a 39 M-quad store; a ``GRAPH ?g`` count took 6 s there).
    Should the sources' graphs hold more (the same triple stated by many), the whole read stops
    at :data:`LIMIT` rows and the lazy fact base is used after all."""
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {LIMIT + 1} }}"
    )
    return not rows or int(rows[0]["n"].value) <= LIMIT


def _read_sources(fb: FactBase, store: Store) -> None:
    for r in store.select(_SOURCES):
        fb.source_info[_v(r["s"])] = {
            k: _v(r[k]) for k in ("label", "outlet", "author", "date") if k in r
        }


def _load(store: Store) -> FactBase:
    from .linking import class_tree

    hierarchy = class_tree(store)
    if not _small(store):
        return LazyFactBase(store, hierarchy)
    fb = FactBase(hierarchy=hierarchy)
    preds = ", ".join(f"kg:{p}" for p in PREDICATES)
    found, fb.complete = stated(store, f" FILTER (?p IN ({preds})) ", limit=LIMIT)
    if not fb.complete:  # grown since the probe: read as a big store is
        return LazyFactBase(store, hierarchy)
    for (s, p, term), graphs in found.items():
        o = term if isinstance(term, str) else term.value  # a literal by its value
        key = (s, p, o)
        if key not in fb.triples:
            fb.triples[key] = set()
            fb.sp[(s, p)].append(o)
            fb.po[(p, o)].append(s)
        fb.triples[key] |= graphs
    for r in store.select(_LABELS):
        _take_label(fb, _v(r["e"]), r)
    for r in store.select(_DISPUTES):
        fb.disputes[_v(r["x"])].append(_v(r["topic"]))
    _read_sources(fb, store)
    return fb


# The fact base of a store, read once per store object; dropped with the store's other derived
# values (the name index) by kgraph.store.forget_derived when its data changes.
_facts: PerStore[FactBase] = PerStore(_load, persist="facts", settings=lambda: (LIMIT, PREDICATES))

# The question under way in this thread: its store, and the fact base it reads once it reads one
# (filled by the first facts_of of the question)
_ASKING = _local()


def facts_of(store: Store) -> FactBase:
    """The fact base of ``store``: the one the question under way holds (:class:`asking`), or
    the store's own."""
    held: list[Any] | None = getattr(_ASKING, "held", None)
    if held is None or held[0] is not store:
        return _facts(store)
    if held[1] is None:
        held[1] = _facts(store)
    fb: FactBase = held[1]
    return fb


class asking:
    """``with asking(store):`` one question: every :func:`facts_of` of ``store`` inside it
    gives the same fact base (read at the first of them), and at its end a lazy fact base
    holding more than :data:`HOLD_LIMIT` is replaced by a fresh one for the questions that
    follow (another thread's question under way keeps the one it holds). A question asked
    inside another uses the outer one's.

    >>> from kgraph.store import OxigraphStore
    >>> store = OxigraphStore()
    >>> with asking(store):
    ...     facts_of(store) is facts_of(store)
    True
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._outer: list[Any] | None = None
        self._mine: list[Any] | None = None

    def __enter__(self) -> None:
        held: list[Any] | None = getattr(_ASKING, "held", None)
        if held is None or held[0] is not self.store:
            self._outer, self._mine = held, [self.store, None]
            _ASKING.held = self._mine

    def __exit__(self, *exc: object) -> None:
        mine = self._mine
        if mine is None:
            return
        _ASKING.held = self._outer
        self._outer = self._mine = None
        fb = mine[1]
        if isinstance(fb, LazyFactBase) and fb.held() > HOLD_LIMIT:
            store = self.store
            _facts.renew(store, fb, lambda old: cast(LazyFactBase, old).renewed(store))


def forget(store: Store) -> None:
    forget_derived(store)


def legend_line(fb: FactBase, source: str) -> str:
    """``s002  Ballerina cast and characters guide — 2023-10-05`` for the legend of an answer."""
    import re

    info = fb.source_of(source)
    code = local_name(source)
    label = re.sub(r"\s*\(" + re.escape(code) + r"\)$", "", info.get("label", code))
    bits = []
    if info.get("outlet") and info["outlet"].casefold() not in label.casefold():
        bits.append(f"credits {info['outlet']}")
    bits.append(info.get("date", "undated"))
    return f"{code}  {label} — " + ", ".join(bits)
