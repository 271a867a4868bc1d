"""The graph in schema.org's or Wikidata's own shapes, for exports (``--vocabulary``).

A term is translated where the ontology states an *equivalence* with the target vocabulary
(``owl:equivalentClass`` / ``owl:equivalentProperty``); terms that have none stay in kgraph's
vocabulary (sources, disagreements, crew credits, counts …), so nothing is lost and re-loading
the export (alignment reads the target terms back) gives the same answers. On top of the term
map, each vocabulary gets the shapes its community uses:

**schema.org** (as its own examples show for movies): ``Movie``/``TVSeries``/``Play`` with
``actor``, ``director``, ``musicBy``; each performance is a ``PerformanceRole`` between the work
and the person (``Movie actor [PerformanceRole actor Person ; characterName "…"]``); names are
``schema:name``/``schema:alternateName``; festival screenings are ``ScreeningEvent``s (Events);
a work has a ``countryOfOrigin``, a person none (her ``kg:country`` stays).

**Wikidata**: classes as ``wdt:P31`` statements (``wd:Q5`` human, ``wd:Q11424`` film …), never
``rdf:type wd:Q5``; cast as statement nodes (``wd:work p:P161 ?st . ?st ps:P161 ?actor ;
pq:P453 ?character``) beside the truthy ``wdt:P161``; media franchise ``P8345``; the publication
date ``P577`` on the work; ``P27`` (a person's citizenship) and ``P495`` (a work's country of
origin) with country items; labels as ``rdfs:label`` and ``skos:prefLabel``/``skos:altLabel``.

Named graphs are kept (one per source), so a quad format keeps every fact's provenance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

import pyoxigraph as ox

from .errors import UsageError
from .store import Store
from .terms import INFERRED_GRAPH, KG_NS, ONTOLOGY_GRAPH

VOCABULARIES = ("kg", "schema", "wikidata")

SCHEMA = "https://schema.org/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = P + "statement/"
PQ = P + "qualifier/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"

# What the build's rules derive again on load: left out, the export says each thing once.
REDERIVED = frozenset(
    KG_NS + p for p in ("actedIn", "workedOn", "crewMember", "participant", "collaboratedWith")
)
# ISO 3166 codes of kg:country -> Wikidata country items (the ones news about film needs most)
COUNTRIES = {
    "KR": "Q884",
    "KP": "Q423",
    "JP": "Q17",
    "CN": "Q148",
    "TW": "Q865",
    "HK": "Q8646",
    "IN": "Q668",
    "US": "Q30",
    "CA": "Q16",
    "MX": "Q96",
    "BR": "Q155",
    "AR": "Q414",
    "GB": "Q145",
    "IE": "Q27",
    "FR": "Q142",
    "DE": "Q183",
    "ES": "Q29",
    "IT": "Q38",
    "PT": "Q45",
    "NL": "Q55",
    "BE": "Q31",
    "SE": "Q34",
    "NO": "Q20",
    "DK": "Q35",
    "FI": "Q33",
    "PL": "Q36",
    "RU": "Q159",
    "UA": "Q212",
    "TR": "Q43",
    "IR": "Q794",
    "AU": "Q408",
    "NZ": "Q664",
}
PERSON_LIKE = frozenset(KG_NS + c for c in ("Person",))
WORK_CLASSES = frozenset(KG_NS + c for c in ("Film", "TVSeries", "Play", "Work"))


def _val(term: object) -> str:
    """A term's value (an RDF-star triple term, which kgraph's data never holds, as its text)."""
    return str(getattr(term, "value", term))


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def equivalences(store: Store, vocabulary: str) -> tuple[dict[str, str], dict[str, str]]:
    """kgraph class -> target class and kgraph property -> target property, from the ontology."""
    want = (SCHEMA, "http://schema.org/") if vocabulary == "schema" else (WD, WDT)
    rows = store.select(
        """SELECT ?k ?rel ?x WHERE { GRAPH kgg:ontology {
             { ?k ?rel ?x } UNION { ?x ?rel ?k } }
             VALUES ?rel { owl:equivalentClass owl:equivalentProperty }
             FILTER (isIRI(?k) && isIRI(?x) && STRSTARTS(STR(?k), STR(kg:))) }
           ORDER BY ?k ?x"""
    )
    classes: dict[str, str] = {}
    props: dict[str, str] = {}
    for r in rows:
        x = r["x"].value
        if not x.startswith(want):
            continue
        if x.startswith("http://schema.org/"):
            x = SCHEMA + x[len("http://schema.org/") :]
        target = classes if r["rel"].value == OWL + "equivalentClass" else props
        target.setdefault(r["k"].value, x)
    return classes, props


def translate(store: Store, quads: Sequence[ox.Quad], vocabulary: str) -> list[ox.Quad]:
    """``quads`` (kgraph's data, named graphs kept) in ``vocabulary``: ``kg``, ``schema`` or
    ``wikidata``."""
    if vocabulary not in VOCABULARIES:
        raise UsageError(f"unknown vocabulary {vocabulary!r}; use one of {', '.join(VOCABULARIES)}")
    if vocabulary == "kg":
        return list(quads)
    classes, props = equivalences(store, vocabulary)
    data = [
        q
        for q in quads
        if not (
            isinstance(q.graph_name, ox.NamedNode)
            and q.graph_name.value in (ONTOLOGY_GRAPH, INFERRED_GRAPH)
        )
        and q.predicate.value not in REDERIVED
    ]
    # classes and names from the whole store: an export of one source still knows that a node
    # the curators typed is a performance, and what a character is called
    types: dict[str, set[str]] = defaultdict(set)
    for r in store.select(
        """SELECT DISTINCT ?x ?c WHERE { ?x a ?c
             VALUES ?c { kg:Performance kg:Film kg:TVSeries kg:Play kg:Work kg:Person } }"""
    ):
        types[r["x"].value].add(r["c"].value)
    performances = {s for s, cs in types.items() if KG_NS + "Performance" in cs}
    prefs: dict[str, str] = {}
    for r in store.select(
        "SELECT ?x (SAMPLE(?l) AS ?label) WHERE { ?x a kg:Character ; skos:prefLabel ?l } GROUP BY ?x"
    ):
        prefs[r["x"].value] = r["label"].value
    known = _Known(classes, props, types, performances, prefs)
    return (_schema if vocabulary == "schema" else _wikidata)(data, known)


class _Known(NamedTuple):
    """What the whole store tells a translation of some of its quads."""

    classes: dict[str, str]  # kgraph class -> the vocabulary's
    props: dict[str, str]  # kgraph property -> the vocabulary's
    types: dict[str, set[str]]  # node -> its kgraph classes (works, people, performances)
    performances: set[str]
    prefs: dict[str, str]  # character -> its preferred label


def _schema(data: list[ox.Quad], known: _Known) -> list[ox.Quad]:
    classes, props, types, performances, prefs = known
    out: list[ox.Quad] = []
    actor = _n(SCHEMA + "actor")
    roles = {  # (work, person) pairs a PerformanceRole already links: no bare actor triple
        (w, p)
        for perf in performances
        for w in _values(data, perf, KG_NS + "inWork")
        for p in _values(data, perf, KG_NS + "performer")
    }
    for q in data:
        s, p, o, g = q.subject, q.predicate.value, q.object, q.graph_name
        if _val(s) in performances:
            if p == KG_NS + "performer":
                out.append(ox.Quad(s, actor, o, g))
                continue
            if p == KG_NS + "inWork":
                out.append(ox.Quad(o, actor, s, g))  # type: ignore[arg-type]
                continue
            if p == KG_NS + "character" and isinstance(o, ox.NamedNode):
                out.append(q)  # the character entity itself (schema.org has no class for it)
                if _val(o) in prefs:
                    name = ox.Literal(prefs[_val(o)])
                    out.append(ox.Quad(s, _n(SCHEMA + "characterName"), name, g))
                continue
        if p == KG_NS + "castMember" and (_val(s), _val(o)) in roles:
            continue
        if p == KG_NS + "country":
            if types.get(_val(s), set()) & WORK_CLASSES:
                out.append(ox.Quad(s, _n(SCHEMA + "countryOfOrigin"), o, g))
            else:
                out.append(q)  # a person's country: schema.org has no literal for it
            continue
        if p == RDF_TYPE and isinstance(o, ox.NamedNode) and _val(o) in classes:
            out.append(ox.Quad(s, q.predicate, _n(classes[_val(o)]), g))
            continue
        if p == SKOS + "prefLabel":
            out.append(ox.Quad(s, _n(SCHEMA + "name"), o, g))
            continue
        if p == SKOS + "altLabel":
            out.append(ox.Quad(s, _n(SCHEMA + "alternateName"), o, g))
            continue
        if p in props:
            out.append(ox.Quad(s, _n(props[p]), o, g))
            continue
        out.append(q)
    return out


def _values(data: list[ox.Quad], s: str, p: str) -> list[str]:
    return [_val(q.object) for q in data if _val(q.subject) == s and q.predicate.value == p]


def _wikidata(data: list[ox.Quad], known: _Known) -> list[ox.Quad]:
    classes, props, types, performances, _ = known
    out: list[ox.Quad] = []
    p31 = _n(WDT + "P31")
    releases: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    dates: dict[str, list[tuple[ox.Literal, Any]]] = defaultdict(list)
    for q in data:
        if q.predicate.value == KG_NS + "releaseOf":
            releases[_val(q.subject)].append((_val(q.object), q.graph_name))
        elif q.predicate.value == KG_NS + "date" and isinstance(q.object, ox.Literal):
            dates[_val(q.subject)].append((q.object, q.graph_name))
    for q in data:
        s, p, o, g = q.subject, q.predicate.value, q.object, q.graph_name
        if _val(s) in performances:
            if p == KG_NS + "performer":
                out.append(ox.Quad(s, _n(PS + "P161"), o, g))
                continue
            if p == KG_NS + "inWork":
                out.append(ox.Quad(o, _n(P + "P161"), s, g))  # type: ignore[arg-type]
                continue
            if p == KG_NS + "character":
                out.append(ox.Quad(s, _n(PQ + "P453"), o, g))
                continue
            if p == RDF_TYPE and isinstance(o, ox.NamedNode) and _val(o) == KG_NS + "Performance":
                out.append(ox.Quad(s, q.predicate, _n("http://wikiba.se/ontology#Statement"), g))
                continue
        if p == RDF_TYPE and isinstance(o, ox.NamedNode) and _val(o) in classes:
            out.append(ox.Quad(s, p31, _n(classes[_val(o)]), g))
            continue
        if p == KG_NS + "country" and isinstance(o, ox.Literal) and _val(o) in COUNTRIES:
            is_work = bool(types.get(_val(s), set()) & WORK_CLASSES)
            prop = "P495" if is_work else "P27"
            out.append(ox.Quad(s, _n(WDT + prop), _n(WD + COUNTRIES[_val(o)]), g))
            continue
        if p == SKOS + "prefLabel":
            out.append(q)
            out.append(ox.Quad(s, _n(RDFS_LABEL), o, g))
            continue
        if p in props:
            out.append(ox.Quad(s, _n(props[p]), o, g))
            continue
        out.append(q)
    # the publication date is the work's (P577), from its releases; the events keep kg:date
    for rel, works in releases.items():
        for w, _ in works:
            for d, g in dates.get(rel, []):
                out.append(ox.Quad(_n(w), _n(WDT + "P577"), d, g))
    return list(dict.fromkeys(out))


__all__ = ["COUNTRIES", "VOCABULARIES", "equivalences", "translate"]
