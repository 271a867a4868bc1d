"""A claim the curators dispute is never promoted to a plain fact: in no graph of the store, in
no export (every RDF format and every graph-tool format, with and without ``--inferred``).

The disputed claims are read here straight from ``data/*.trig`` with rdflib, not through
kgraph: every statement node (award outcome, performance, credit, relationship) that a recorded
``kg:Disagreement`` is ``kg:about``. Such a node may be the subject of its source's own,
attributed statements; it may be the object of nothing but the disagreement's ``kg:about``
(a ``person kg:awardReceived award`` or ``wdt:P166``/``schema:award`` would promote it).
"""

from __future__ import annotations

import csv
import io

import pytest
import rdflib

from kgraph import resources
from kgraph.export import GRAPH_FORMATS, RDF_FORMATS, export

KG = "https://kgraph.dev/ontology#"
CURATION = "https://kgraph.dev/graph/curation"
STATEMENT_PROPERTIES = ("recipient", "performer", "creditedPerson", "partner")
RDFLIB_NAME = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "xml": "xml",
}


def _data() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    for f in resources.data_files():
        ds.parse(f, format="trig")
    return ds


def _disputed() -> dict[str, set[str]]:
    """Each disputed statement node and the source graphs that state it (from the data files)."""
    ds = _data()
    about = {
        str(o)
        for s, p, o, g in ds.quads((None, rdflib.URIRef(KG + "about"), None, None))
        if (s, rdflib.RDF.type, rdflib.URIRef(KG + "Disagreement"), g) in ds
    }
    out: dict[str, set[str]] = {}
    for prop in STATEMENT_PROPERTIES:
        for s, _, _, g in ds.quads((None, rdflib.URIRef(KG + prop), None, None)):
            if str(s) in about:
                out.setdefault(str(s), set()).add(
                    str(g.identifier if hasattr(g, "identifier") else g)
                )
    return out


DISPUTED = _disputed()


def test_the_data_records_a_disputed_claim():
    """The rule below is not vacuous: s001's Oscar for Park Yu-rim is one of them."""
    award = (
        "https://kgraph.dev/id/award/94th-academy-awards--international-feature-film--park-yu-rim"
    )
    assert DISPUTED[award] == {"https://kgraph.dev/id/source/s001"}


def _promotions(triples) -> list[tuple[str, str, str]]:
    """Triples that use a disputed node as an object, other than the disagreement's kg:about."""
    return [(s, p, o) for s, p, o in triples if o in DISPUTED and p != KG + "about"]


def test_no_graph_of_the_store_promotes_a_disputed_claim(store):
    quads = list(store.quads())
    assert (
        _promotions((q.subject.value, q.predicate.value, str(q.object.value)) for q in quads) == []
    )
    for node, graphs in DISPUTED.items():
        stated_in = {
            q.graph_name.value
            for q in quads
            if q.subject.value == node and q.predicate.value not in _IDENTITY
        }
        assert stated_in <= graphs, node  # only its own sources state it, never an unsourced graph


_IDENTITY = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
}


def test_sparql_default_graph_has_no_promoted_claim(store):
    rows = store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (?p != kg:about) }")
    assert _promotions((r["s"].value, r["p"].value, r["o"].value) for r in rows if "o" in r) == []


@pytest.mark.slow
@pytest.mark.parametrize("inferred", [False, True], ids=["plain", "inferred"])
@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_rdf_exports_never_promote_a_disputed_claim(store, fmt, inferred):
    data = export(store, fmt, inferred=inferred)
    assert isinstance(data, bytes)
    ds = rdflib.Dataset()
    ds.parse(data=data, format=RDFLIB_NAME[fmt])
    triples = [(str(s), str(p), str(o)) for s, p, o, _ in ds.quads((None, None, None, None))]
    assert triples
    assert _promotions(triples) == []
    # the claim itself stays, attributed where the format keeps graphs
    for node, graphs in DISPUTED.items():
        if fmt in ("nquads", "trig", "jsonld"):
            stated_in = {
                str(g)
                for s, p, _, g in ds.quads((rdflib.URIRef(node), None, None, None))
                if str(p) not in _IDENTITY
            }
            assert stated_in == graphs, (fmt, node)


@pytest.mark.slow
@pytest.mark.parametrize("inferred", [False, True], ids=["plain", "inferred"])
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_graph_exports_never_promote_a_disputed_claim(store, fmt, inferred):
    data = export(store, fmt, inferred=inferred)
    if fmt == "csv":
        assert isinstance(data, dict)
        rows = list(csv.DictReader(io.StringIO(data["edges"].decode("utf-8"))))
        assert rows
        edges = [(r["source"], r["target"], r["predicate"]) for r in rows]
        assert not [e for e in edges if e[1] in DISPUTED]
        return
    assert isinstance(data, bytes)
    text = data.decode("utf-8")
    for node in DISPUTED:
        # GraphML/GEXF: an edge element whose target is the disputed node
        assert f'target="{node}"' not in text, (fmt, node)


@pytest.mark.slow
def test_inferred_export_has_no_unsourced_award_for_the_claimed_recipient(store):
    """The report of the issue, as a user would look: no wdt:P166 / schema:award for Park Yu-rim."""
    data = export(store, "nquads", inferred=True)
    assert isinstance(data, bytes)
    park = "<https://kgraph.dev/id/person/park-yu-rim>"
    awards = [
        line
        for line in data.decode("utf-8").splitlines()
        if line.startswith(park)
        and any(
            p in line
            for p in ("wikidata.org/prop/direct/P166", "schema.org/award", KG + "awardReceived")
        )
    ]
    assert awards == []
