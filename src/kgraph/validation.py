"""SHACL validation (pySHACL) and ontology checks of the graph in a store."""

from __future__ import annotations

from typing import Any

from . import resources
from .errors import ValidationReport
from .store import Store
from .terms import ONTOLOGY_GRAPH

_SH = "http://www.w3.org/ns/shacl#"


def _dataset_graph(store: Store) -> Any:
    """The union of the store's data graphs (not the ontology) as one rdflib Graph."""
    import rdflib

    g = rdflib.Graph()
    from .entailment import to_rdflib_term  # shared term conversion

    for q in store.quads():
        gname = getattr(q.graph_name, "value", None)
        if gname == ONTOLOGY_GRAPH:
            continue
        g.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return g


def validate(store: Store) -> ValidationReport:
    """Run the shapes of ``ontology/shapes.ttl`` over the data, with the ontology for classes."""
    import rdflib
    from pyshacl import validate as shacl

    data = _dataset_graph(store)
    shapes = rdflib.Graph().parse(resources.shapes_file(), format="turtle")
    ont = rdflib.Graph().parse(resources.ontology_file(), format="turtle")
    conforms, results, _ = shacl(
        data,
        shacl_graph=shapes,
        ont_graph=ont,
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
    )
    violations = []
    SH = rdflib.Namespace(_SH)
    SKOS_PREF = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    for r in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        sev = results.value(r, SH.resultSeverity)
        if sev is not None and sev != SH.Violation:
            continue
        focus = results.value(r, SH.focusNode)
        # the first label in code-point order: an entity with two labels (the very thing some
        # violations are about) is named alike whatever order the store gives them in
        label = min((str(o) for o in data.objects(focus, SKOS_PREF)), default=None)
        path = results.value(r, SH.resultPath)
        comp = results.value(r, SH.sourceConstraintComponent)
        msg = results.value(r, SH.resultMessage)
        violations.append(
            {
                "focus": str(focus),
                "focus_label": label if label is not None else _short(str(focus)),
                "path": _short(str(path)) if path is not None else "",
                "constraint": _short(str(comp)) if comp is not None else "",
                "message": str(msg) if msg is not None else "",
            }
        )
    violations.extend(ontology_checks(store))
    violations.sort(key=lambda v: (v["focus"], v["path"], v["constraint"]))
    return ValidationReport(conforms=bool(conforms) and not violations, violations=violations)


def _short(iri: str) -> str:
    from .terms import compact

    return compact(iri)


_FACT_CLASSES = ("Performance", "Credit", "AwardOutcome", "Release", "Screening", "Relationship")


def ontology_checks(store: Store) -> list[dict[str, str]]:
    """Checks SHACL cannot express over the union graph: provenance and a closed vocabulary."""
    out: list[dict[str, str]] = []
    # Every fact node is stated in at least one source's graph.
    for row in store.select(
        """SELECT DISTINCT ?n ?label WHERE {
             VALUES ?base { kg:Performance kg:Credit kg:AwardOutcome kg:Release kg:Screening kg:Relationship }
             ?n a ?c . ?c rdfs:subClassOf* ?base .
             FILTER NOT EXISTS { GRAPH ?g { ?n ?p ?o } ?g a kg:Source }
             OPTIONAL { ?n skos:prefLabel ?label } }"""
    ):
        out.append(
            {
                "focus": row["n"].value,
                "focus_label": row["label"].value if "label" in row else _short(row["n"].value),
                "path": "",
                "constraint": "provenance",
                "message": "this fact is not stated by any source (no source graph mentions it)",
            }
        )
    # Every kg: term used in the data is defined by the ontology (catches typos like kg:performr).
    for row in store.select(
        """SELECT DISTINCT ?t WHERE {
             GRAPH ?g { { ?s ?t ?o } UNION { ?s a ?t } } FILTER (?g != kgg:ontology)
             FILTER (STRSTARTS(STR(?t), STR(kg:)))
             FILTER NOT EXISTS { GRAPH kgg:ontology { ?t ?any ?thing } } }"""
    ):
        out.append(
            {
                "focus": row["t"].value,
                "focus_label": _short(row["t"].value),
                "path": "",
                "constraint": "closed vocabulary",
                "message": "this term is used by the data but not defined in the ontology",
            }
        )
    return out
