"""The closed namespace in kgraph.terms matches the ontology exactly."""

import pyoxigraph as ox
import pytest

from kgraph import resources
from kgraph.terms import KG, KG_NS, TERM_NAMES, compact


def ontology_terms() -> set[str]:
    quads = ox.parse(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE)
    return {
        q.subject.value[len(KG_NS) :]
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(KG_NS)
    }


def test_namespace_lists_every_ontology_term_and_nothing_else():
    assert set(TERM_NAMES) == ontology_terms()


def test_unknown_term_fails_loudly():
    assert KG.Person == KG_NS + "Person"
    with pytest.raises(AttributeError):
        KG.Persn  # noqa: B018


def test_every_term_has_label_and_definition():
    s = ox.Store()
    s.load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE)
    missing = [
        r["t"].value
        for r in s.query(
            """SELECT ?t WHERE { ?t a ?k . VALUES ?k { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
               FILTER (STRSTARTS(STR(?t), "https://kgraph.dev/"))
               FILTER NOT EXISTS { ?t rdfs:label|skos:prefLabel ?l . ?t skos:definition ?d } }""",
            prefixes={
                "owl": "http://www.w3.org/2002/07/owl#",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "skos": "http://www.w3.org/2004/02/skos/core#",
            },
        )
    ]
    assert missing == []


def test_compact_uses_the_longest_prefix():
    assert compact("https://kgraph.dev/id/person/jeon-jong-seo") == "person:jeon-jong-seo"
    assert compact("https://kgraph.dev/ontology#Film") == "kg:Film"
