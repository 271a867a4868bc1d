"""Exporting the graph in standard formats."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox


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
