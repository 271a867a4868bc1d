"""The one front door from what a user types to an IRI: ``show``, ``path``, ``query --param``,
``export --graph`` (:func:`resolve_graph`), ``sources`` and name resolution all read an entity
the same way.

- ``<…>`` is the IRI inside the brackets;
- an absolute IRI (``https://…``, any ``scheme://…``, ``urn:…``, ``file:…``) is itself;
- a compact IRI with one of kgraph's prefixes (``person:jeon-jong-seo``) is expanded;
- anything else is a name (``Money Heist: Korea``, ``s002``): None here, for the name matcher
  (:func:`kgraph.linking.resolve`) or a local id (:func:`by_local_id`) to read.

Text that writes an IRI which is not one (``<a b>``) is an :class:`InputError`. An IRI the graph
says nothing about but that reconciliation linked to one of its entities (``?e owl:sameAs <iri>``,
a loaded file's IRI) stands for that entity (:func:`entity_of`).

>>> explicit_iri("person:jeon-jong-seo")
'https://kgraph.dev/id/person/jeon-jong-seo'
>>> explicit_iri("<http://www.wikidata.org/entity/Q42>"), explicit_iri("urn:isbn:0451450523")
('http://www.wikidata.org/entity/Q42', 'urn:isbn:0451450523')
>>> explicit_iri("Money Heist: Korea"), explicit_iri("s002"), explicit_iri("nope:x")
(None, None, None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)

from .errors import InputError, UsageError
from .terms import KG_NS, PREFIXES, compact, local_name

if TYPE_CHECKING:
    from .store import Store

_CURIE_RE = re.compile(r"^([A-Za-z][\w-]*):([\w.\-/#%]*)$")
_ABSOLUTE_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|urn:|file:)\S+$", re.IGNORECASE)
_LOCAL_ID_RE = re.compile(r"[\w.-]+")


def explicit_iri(text: str) -> str | None:
    """The IRI ``text`` writes (``<…>``, an absolute IRI or a kgraph CURIE), or None for a name."""
    t = text.strip()
    if t.startswith("<") and t.endswith(">"):
        iri = t[1:-1].strip()
    elif (m := _CURIE_RE.match(t)) and m.group(1) in PREFIXES:
        iri = PREFIXES[m.group(1)] + m.group(2)
    elif _ABSOLUTE_RE.match(t):
        iri = t
    else:
        return None
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError:
        raise InputError(f"{t!r} is not a valid IRI") from None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise InputError(f"{t!r} is not an absolute IRI")
    return iri


def entity_of(store: Store, iri: str) -> str | None:
    """The entity ``iri`` names: itself when the graph gives it a type or a label, else the
    entity that reconciliation linked to it (``?e owl:sameAs <iri>``); None when neither."""
    import pyoxigraph as ox

    node = ox.NamedNode(iri)
    if store.ask("ASK { { ?x a ?c } UNION { ?x skos:prefLabel ?l } }", {"x": node}):
        return iri
    rows = store.select(
        "SELECT ?y WHERE { ?y owl:sameAs ?x FILTER isIRI(?y) } LIMIT 1", {"x": node}
    )
    return rows[0]["y"].value if rows else None


def by_local_id(store: Store, text: str, types: Sequence[str]) -> str | None:
    """The one entity of a kgraph class in ``types`` whose IRI ends in ``/text`` (``s002`` for a
    Source), or None."""
    import pyoxigraph as ox

    t = text.strip()
    if not types or not _LOCAL_ID_RE.fullmatch(t):
        return None
    # the class IRIs come from the caller's own names (checked to be plain names), never a user
    classes = " ".join(f"<{KG_NS}{c}>" for c in types if re.fullmatch(r"\w+", c))
    rows = store.select(
        f"""SELECT DISTINCT ?e WHERE {{ VALUES ?t {{ {classes} }} ?e a ?t .
             FILTER (STRENDS(STR(?e), CONCAT("/", STR(?id)))) }}""",
        {"id": ox.Literal(t)},
    )
    return rows[0]["e"].value if len(rows) == 1 else None


def resolve_graph(store: Store, name: str) -> str:
    """The named graph ``name`` refers to: a full IRI, a compact one (``source:s000``), its last
    segment (``s000``, ``curation``) or a source's preferred label."""
    import pyoxigraph as ox

    graphs = store.named_graphs()
    expanded = explicit_iri(name) or name
    if expanded in graphs:
        return expanded
    by_local = [g for g in graphs if local_name(g).lower() == name.lower()]
    if len(by_local) == 1:
        return by_local[0]
    labelled = store.select(
        "SELECT ?g WHERE { ?g skos:prefLabel ?l FILTER (LCASE(STR(?l)) = LCASE(STR(?name))) }",
        {"name": ox.Literal(name)},
    )
    hits = sorted({r["g"].value for r in labelled} & set(graphs))
    if len(hits) == 1:
        return hits[0]
    shown = ", ".join(compact(g) for g in graphs)
    raise UsageError(f"no graph named {name!r} in the store; the graphs are: {shown}")


__all__ = ["by_local_id", "entity_of", "explicit_iri", "resolve_graph"]
