"""OWL 2 RL entailment of the graph's statements (owlrl on rdflib), each entailed triple cited by
the graph it comes from, and the conversion of terms between pyoxigraph and rdflib it needs.

``kgraph export --inferred`` and the entity graph's inferred facts read it; validation (pySHACL)
shares the term conversion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from .store import Store
from .terms import CURATION_GRAPH, ONTOLOGY_GRAPH

Triple = tuple[Any, Any, Any]  # rdflib subject, predicate, object


def to_rdflib_term(t: Any) -> Any:
    """A pyoxigraph term as the equivalent rdflib term."""
    import rdflib

    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        dt = t.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return rdflib.Literal(t.value)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"cannot convert {t!r}")


def from_rdflib_term(t: Any) -> Any:
    """An rdflib term as the equivalent pyoxigraph term."""
    import rdflib

    if isinstance(t, rdflib.URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, rdflib.Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"cannot convert {t!r}")


def entailed(store: Store, quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """What the ontology's OWL 2 RL rules add to ``quads`` (computed with owlrl), each entailed
    triple in the graph of the statements it comes from.

    The closure is taken graph by graph: the curation graph (identity: classes and labels) with
    the ontology is the background; what that background alone entails goes to the curation
    graph; what a source graph adds to it goes to that source's graph, so an inferred triple is
    cited by the source it was inferred from. Statement nodes the curators dispute (see
    :func:`kgraph.provenance.disputed_nodes`) are left out of every closure: a disputed claim
    (s001's Oscar for Park Yu-rim) is never promoted to ``wdt:P166`` or ``schema:award``. Only
    statements about the data's own subjects are kept: the closure's bookkeeping
    (``x owl:sameAs x``, ``x a owl:Thing``, axioms about the vocabulary) is dropped."""
    import owlrl
    import rdflib

    from .provenance import disputed_nodes

    disputed = {rdflib.URIRef(n) for n in disputed_nodes(store)}
    ontology = [
        (to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object))
        for q in store.quads()
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == ONTOLOGY_GRAPH
    ]
    by_graph: dict[str, list[Triple]] = defaultdict(list)
    subjects: set[Any] = set()
    for q in quads:
        t = (to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object))
        if t[0] in disputed or t[2] in disputed or not isinstance(q.graph_name, ox.NamedNode):
            continue
        by_graph[q.graph_name.value].append(t)
        subjects.add(t[0])
    background = [*ontology, *by_graph.get(CURATION_GRAPH, [])]

    def closure(extra: Sequence[Triple]) -> set[Triple]:
        g = rdflib.Graph()
        for t in background:
            g.add(t)
        for t in extra:
            g.add(t)
        owlrl.DeductiveClosure(
            owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
        ).expand(g)
        return set(g)

    junk_types = {rdflib.OWL.Thing, rdflib.RDFS.Resource, rdflib.OWL.NamedIndividual}

    def useful(t: Triple) -> bool:
        s, p, o = t
        if s not in subjects or not isinstance(s, rdflib.URIRef):
            return False
        if s == o or p == rdflib.OWL.sameAs or (p == rdflib.RDF.type and o in junk_types):
            return False
        return not (isinstance(o, rdflib.Literal) and p == rdflib.RDF.type)

    base = closure([])
    out: set[ox.Quad] = set()

    def emit(triples: Iterable[Triple], graph: str) -> None:
        target = ox.NamedNode(graph)
        for s, p, o in triples:
            if useful((s, p, o)):
                out.add(
                    ox.Quad(from_rdflib_term(s), from_rdflib_term(p), from_rdflib_term(o), target)
                )

    if CURATION_GRAPH in by_graph:
        emit(base - set(background), CURATION_GRAPH)
    for graph, triples in sorted(by_graph.items()):
        if graph != CURATION_GRAPH:
            emit(closure(triples) - base - set(triples), graph)
    return sorted(
        out, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )
