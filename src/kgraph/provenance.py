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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

# the one reading of which source graphs state a triple lives with ask's fact base, which every
# `ask` loads anyway (so a cold `ask` imports nothing more for it)
from .factbase import NOT_SOURCES, is_source_graph, stated  # noqa: F401  (re-exported)
from .store import Store
from .terms import ID_NS, compact

SOURCE_NS = ID_NS + "source/"

Fact = tuple[str, str, str | ox.Literal]  # subject IRI, predicate IRI, object IRI or literal


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
        found, _ = stated(store, "VALUES (?s ?p ?o) { " + rows + " }")
        for key, graphs in found.items():
            if key in out:
                out[key] |= graphs
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
    labels = {str(r["s"].value): str(r["label"].value) for r in rows if "label" in r}

    def plain(iri: str) -> str:
        code = source_code(iri)
        label = labels.get(iri, code)
        return re.sub(rf"\s*\({re.escape(code)}\)\s*$", "", label) or label

    return sorted(
        (SourceLabel(i, source_code(i), plain(i)) for i in wanted),
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


# -- facts of an answer, as readable statements ---------------------------------------------


@dataclass(frozen=True)
class CitedFact:
    """One fact an answer rests on, as a readable statement, with exactly its sources."""

    subject: str
    predicate: str
    object: str | ox.Literal
    statement: str
    sources: tuple[str, ...]  # source graph IRIs

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(source_code(s) for s in self.sources)

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "sources": list(self.sources),
            "codes": list(self.codes),
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object if isinstance(self.object, str) else self.object.value,
        }


def labels_of(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """Preferred labels (skos:prefLabel, else rdfs:label) of ``iris``, where they have one."""
    wanted = sorted(set(iris))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), 400):
        rows = store.select(
            """SELECT ?x (SAMPLE(?l) AS ?label) WHERE {
                 { ?x skos:prefLabel ?l } UNION { ?x rdfs:label ?l } } GROUP BY ?x""",
            {"x": [ox.NamedNode(x) for x in wanted[i : i + 400]]},
        )
        out.update({str(r["x"].value): str(r["label"].value) for r in rows if "label" in r})
    return out


def cite(store: Store, facts: Iterable[Fact]) -> dict[Fact, CitedFact]:
    """Each fact as a :class:`CitedFact`: its statement in labels and its exact sources."""
    wanted = list(dict.fromkeys(facts))
    srcs = sources_of(store, wanted)
    iris = {x for s, p, o in wanted for x in (s, p, o) if isinstance(x, str)}
    labels = labels_of(store, iris)

    def lab(x: str | ox.Literal) -> str:
        if isinstance(x, ox.Literal):
            return x.value
        return labels.get(x) or compact(x)

    return {
        f: CitedFact(f[0], f[1], f[2], f"{lab(f[0])} — {lab(f[1])} — {lab(f[2])}", tuple(srcs[f]))
        for f in wanted
    }
