"""One reading of what a user types as an entity (kgraph.resolve), whichever command reads it:
``show`` (cards.entity_iri), ``path`` (paths.resolve_entity), ``query --param``
(saved.bind_value), ``export --graph`` (resolve_graph) and ``sources`` (find_source)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgraph.cards import entity_iri
from kgraph.errors import InputError, KGraphError, UnknownEntity
from kgraph.linking import resolve
from kgraph.paths import resolve_entity
from kgraph.resolve import by_local_id, entity_of, explicit_iri, resolve_graph
from kgraph.saved import bind_value, get_query
from kgraph.sources import find_source

ID = "https://kgraph.dev/id/"
JEON = ID + "person/jeon-jong-seo"
S002 = ID + "source/s002"

# text -> the IRI it writes (None: a name)
FORMS = [
    (JEON, JEON),
    (f"<{JEON}>", JEON),
    (f"  < {JEON} >  ", JEON),
    ("person:jeon-jong-seo", JEON),
    ("source:s002", S002),
    ("urn:isbn:0451450523", "urn:isbn:0451450523"),
    ("<urn:x:y>", "urn:x:y"),
    ("ftp://example.org/a", "ftp://example.org/a"),
    ("file:///tmp/a.ttl", "file:///tmp/a.ttl"),
    ("Jeon Jong-seo", None),
    ("Money Heist: Korea", None),
    ("s002", None),
    ("nope:x", None),  # not one of kgraph's prefixes: a name
]


@pytest.mark.parametrize(("text", "iri"), FORMS)
def test_explicit_iri(text: str, iri: str | None):
    assert explicit_iri(text) == iri


@pytest.mark.parametrize("text", ["<a b>", "<relative>", "<>", "<http://x/a\tb>"])
def test_an_iri_that_is_not_one_is_bad_input(text: str):
    with pytest.raises(InputError, match="IRI"):
        explicit_iri(text)


def _entity_param(name: str):
    return next(p for p in get_query(name).params if p.kind == "entity")


# every way to write Jeon Jong-seo gives her IRI, through every front door
JEON_FORMS = [JEON, f"<{JEON}>", "person:jeon-jong-seo", "Jeon Jong-seo", "jeon jong seo"]


@pytest.mark.parametrize("text", JEON_FORMS)
def test_every_front_door_reads_an_entity_alike(store, text: str):
    assert entity_iri(store, text)[0] == JEON
    assert resolve_entity(store, text).iri == JEON
    assert resolve(store, text).iri == JEON
    term, _ = bind_value(store, _entity_param("films-of"), text)
    assert term == ox.NamedNode(JEON)


@pytest.mark.parametrize("text", [S002, f"<{S002}>", "source:s002", "s002"])
def test_every_front_door_reads_a_source_alike(store, text: str):
    term, _ = bind_value(store, _entity_param("facts-by-source"), text)
    assert term == ox.NamedNode(S002)
    assert find_source(store, text) == S002
    assert resolve_graph(store, text) == S002


@pytest.mark.parametrize("text", ["urn:x:unknown", f"<{ID}person/nobody>", "person:nobody"])
def test_an_unknown_iri_is_unknown_everywhere(store, text: str):
    with pytest.raises(UnknownEntity):
        resolve_entity(store, text)
    with pytest.raises(UnknownEntity):
        resolve(store, text)
    with pytest.raises(UnknownEntity):
        bind_value(store, _entity_param("films-of"), text)


@pytest.mark.parametrize("text", ["<a b>", "<relative>"])
def test_a_bad_iri_is_bad_input_everywhere(store, text: str):
    for read in (
        lambda: entity_iri(store, text),
        lambda: resolve_entity(store, text),
        lambda: resolve(store, text),
        lambda: bind_value(store, _entity_param("films-of"), text),
    ):
        with pytest.raises(KGraphError) as e:
            read()
        assert isinstance(e.value, InputError) and e.value.exit_code == 2


def test_entity_of_and_local_ids(store):
    assert entity_of(store, JEON) == JEON
    assert entity_of(store, "urn:x:unknown") is None
    assert by_local_id(store, "s002", ["Source"]) == S002
    assert by_local_id(store, "s002", []) is None
    assert by_local_id(store, "jeon-jong-seo", ["Source"]) is None


def test_one_most_specific_type_everywhere(store):
    """The type an entity is shown as is one rule (terms.most_specific): the card's first type,
    the name matcher's, the entity graph's and the explorer's agree."""
    from kgraph.cards import show
    from kgraph.entitygraph import entity_graph
    from kgraph.terms import local_name
    from kgraph.web.pages import _classes_of

    nodes = {n.iri: n.cls for n in entity_graph(store).nodes}
    iris = sorted(nodes)[::7]
    assert len(iris) > 10
    shown = _classes_of(store, iris)
    for iri in iris:
        card = show(store, iri)
        assert card.types[0] == resolve(store, iri).type == nodes[iri] == shown[iri], iri
        assert local_name(iri) == iri.rsplit("/", 1)[-1]
