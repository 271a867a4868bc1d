"""Which sources state which facts: exact, per-fact citations, and the claims curators dispute.

An answer rests on facts (triples); each fact is cited by exactly the sources whose named graph
states it. :func:`sources_of` asks the store once for every fact of an answer, so a command cites
per fact without one query per fact; :func:`source_labels` gives the legend (code, label, IRI)
of the sources an answer cites. Shared by ``path``, ``shared``, ``show``, saved queries and
``ask``.

>>> from kgraph.build import open_store
>>> s = open_store("memory:")
>>> s.update('INSERT DATA { GRAPH <https://kgraph.dev/id/source/s9> { <urn:a> <urn:p> <urn:b> } }')
>>> sources_of(s, [("urn:a", "urn:p", "urn:b"), ("urn:a", "urn:p", "urn:c")])
{('urn:a', 'urn:p', 'urn:b'): ['https://kgraph.dev/id/source/s9'], ('urn:a', 'urn:p', 'urn:c'): []}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from .store import Store
from .terms import CURATION_GRAPH, GRAPH_NS, ID_NS, INFERRED_GRAPH, ONTOLOGY_GRAPH, compact

SOURCE_NS = ID_NS + "source/"

# Graphs that hold no source's statements: the vocabulary, the curators' identity and
# disagreement records, and the cross-source derivations. A fact found only there has no source.
NOT_SOURCES = frozenset({ONTOLOGY_GRAPH, CURATION_GRAPH, INFERRED_GRAPH})

Fact = tuple[str, str, str | ox.Literal]  # subject IRI, predicate IRI, object IRI or literal


def is_source_graph(graph: str) -> bool:
    """A graph whose statements are a source's (a bundled article or a loaded file)."""
    return graph not in NOT_SOURCES and not graph.startswith(GRAPH_NS)


def _term(x: str | ox.Literal | ox.NamedNode) -> ox.NamedNode | ox.Literal:
    if isinstance(x, (ox.NamedNode, ox.Literal)):
        return x
    return ox.NamedNode(x)


def sources_of(store: Store, facts: Iterable[Fact], *, chunk: int = 400) -> dict[Fact, list[str]]:
    """For each fact (subject, predicate, object), the IRIs of the source graphs that state it,
    sorted; ``[]`` for a fact no source states. One query per ``chunk`` facts."""
    wanted = list(dict.fromkeys(facts))
    out: dict[Fact, set[str]] = {f: set() for f in wanted}
    for i in range(0, len(wanted), chunk):
        part = wanted[i : i + chunk]
        rows = " ".join(f"({_term(s)} {_term(p)} {_term(o)})" for s, p, o in part)
        res = store.select(
            "SELECT ?s ?p ?o ?g WHERE { VALUES (?s ?p ?o) { " + rows + " } GRAPH ?g { ?s ?p ?o } }"
        )
        for r in res:
            g = r["g"].value
            if not is_source_graph(g):
                continue
            o = r["o"]
            key_o: str | ox.Literal = o.value if isinstance(o, ox.NamedNode) else o  # type: ignore[assignment]
            key = (r["s"].value, r["p"].value, key_o)
            if key in out:
                out[key].add(g)
    return {f: sorted(gs) for f, gs in out.items()}


@dataclass(frozen=True)
class SourceLabel:
    """One entry of a sources legend."""

    iri: str
    code: str  # "s000", or the compact IRI of a source outside the bundled namespace
    label: str

    def to_json(self) -> dict[str, str]:
        return {"iri": self.iri, "code": self.code, "label": self.label}


def source_code(iri: str) -> str:
    """``s000`` for a bundled source, the compact IRI (or the IRI) for any other."""
    if iri.startswith(SOURCE_NS):
        return iri[len(SOURCE_NS) :]
    return compact(iri)


def source_labels(store: Store, iris: Iterable[str]) -> list[SourceLabel]:
    """The legend of ``iris``: code and preferred label of each source, in code order."""
    wanted = sorted(set(iris))
    if not wanted:
        return []
    rows = store.select(
        "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { ?s skos:prefLabel ?l } GROUP BY ?s",
        {"s": [ox.NamedNode(i) for i in wanted]},
    )
    labels = {r["s"].value: r["label"].value for r in rows if "label" in r}
    return sorted(
        (SourceLabel(i, source_code(i), labels.get(i, source_code(i))) for i in wanted),
        key=lambda s: s.code,
    )


def disputed_nodes(store: Store) -> set[str]:
    """Statement nodes (award outcomes, performances, credits, relationships) that a recorded
    disagreement is about: the claims the curators flag as wrong or disputed. The people and
    works a disagreement is about are not disputed themselves."""
    rows = store.select(
        """SELECT DISTINCT ?n WHERE {
             GRAPH kgg:curation { ?d a kg:Disagreement ; kg:about ?n }
             FILTER EXISTS { ?n kg:recipient|kg:performer|kg:creditedPerson|kg:partner ?x }
           }"""
    )
    return {r["n"].value for r in rows}


def legend_lines(legend: Sequence[SourceLabel]) -> list[str]:
    """``s000  What's On Netflix–credited feature`` lines for a text legend."""
    width = max((len(s.code) for s in legend), default=0)
    return [f"{s.code.ljust(width)}  {s.label}" for s in legend]
