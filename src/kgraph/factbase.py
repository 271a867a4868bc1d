"""The facts `kgraph ask` reasons over, each with exactly the sources that state it.

:func:`facts_of` reads, once per store, every triple of a fixed set of predicates that a
source's named graph states, with the graphs that state it. It reads them with :func:`stated`,
the one reading of "which sources state this" that every citation rests on (saved queries,
``show`` and ``path`` use it through :func:`kgraph.provenance.sources_of`): so each fact is cited
by the sources whose graph holds that very triple, whatever the default graph does with
duplicates. It also keeps labels, classes, recorded disagreements and the
sources' metadata (for the legend under an answer). The bundled graph gives about a thousand
rows; a store with more than :data:`LIMIT` such rows is not read whole (the question kinds that
need it then refuse politely instead of answering from part of the data).
"""

from __future__ import annotations

from collections import defaultdict

from .records import Any, NamedTuple, field, record
from .store import PerStore, Store, forget_derived
from .terms import (
    CURATION_GRAPH,
    GRAPH_NS,
    INFERRED_GRAPH,
    KG_NS,
    MERGED_GRAPH,
    ONTOLOGY_GRAPH,
    local_name,
)

LIMIT = 200_000

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

# Graphs that hold no source's statements: the vocabulary, the curators' identity and
# disagreement records, and the cross-source derivations. A fact found only there has no source.
NOT_SOURCES = frozenset({ONTOLOGY_GRAPH, CURATION_GRAPH, INFERRED_GRAPH})


def is_source_graph(graph: str) -> bool:
    """A graph whose statements are a source's (a bundled article or a loaded file)."""
    return graph not in NOT_SOURCES and not graph.startswith(GRAPH_NS)


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
        g = r["g"].value
        if not is_source_graph(g):
            continue
        o = r["o"]
        key = (r["s"].value, r["p"].value, o.value if isinstance(o, ox.NamedNode) else o)
        graphs = out.get(key)
        if graphs is None:
            out[key] = graphs = set()
        graphs.add(g)
    return out, complete


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


def _v(term: Any) -> str:
    return str(term.value)


def _load(store: Store) -> FactBase:
    from .linking import class_tree

    fb = FactBase(hierarchy=class_tree(store))
    preds = ", ".join(f"kg:{p}" for p in PREDICATES)
    found, fb.complete = stated(store, f" FILTER (?p IN ({preds})) ", limit=LIMIT)
    for (s, p, term), graphs in found.items():
        o = term if isinstance(term, str) else term.value  # a literal by its value
        key = (s, p, o)
        if key not in fb.triples:
            fb.triples[key] = set()
            fb.sp[(s, p)].append(o)
            fb.po[(p, o)].append(s)
        fb.triples[key] |= graphs
    for r in store.select(_LABELS):
        e = _v(r["e"])
        fb.labels.setdefault(e, _v(r["l"]))
        if "c" in r:
            fb.classes[e].add(_v(r["c"]))
        if "d" in r:
            fb.descriptions.setdefault(e, _v(r["d"]))
    for r in store.select(_DISPUTES):
        fb.disputes[_v(r["x"])].append(_v(r["topic"]))
    for r in store.select(_SOURCES):
        fb.source_info[_v(r["s"])] = {
            k: _v(r[k]) for k in ("label", "outlet", "author", "date") if k in r
        }
    return fb


# The fact base of a store, read once per store object; dropped with the store's other derived
# values (the name index) by kgraph.store.forget_derived when its data changes.
facts_of: PerStore[FactBase] = PerStore(
    _load, persist="facts", settings=lambda: (LIMIT, PREDICATES)
)


def forget(store: Store) -> None:
    forget_derived(store)


def legend_line(fb: FactBase, source: str) -> str:
    """``s002  Ballerina cast and characters guide — 2023-10-05`` for the legend of an answer."""
    import re

    info = fb.source_info.get(source, {})
    code = local_name(source)
    label = re.sub(r"\s*\(" + re.escape(code) + r"\)$", "", info.get("label", code))
    bits = []
    if info.get("outlet") and info["outlet"].casefold() not in label.casefold():
        bits.append(f"credits {info['outlet']}")
    bits.append(info.get("date", "undated"))
    return f"{code}  {label} — " + ", ".join(bits)
