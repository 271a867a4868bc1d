"""Serialise query results in the standard formats, one function per format.

SELECT and ASK results go out in the W3C SPARQL 1.1 Query Results formats, written by hand so
that every detail follows the specifications:

- ``json`` — SPARQL 1.1 Query Results JSON Format (``head``/``results``/``bindings``; terms as
  ``{"type", "value", "xml:lang"?, "datatype"?}``; ASK as ``{"head": {}, "boolean": …}``).
- ``xml`` — SPARQL Query Results XML Format (``<sparql>``, ``<head>``, ``<results>``; ASK as
  ``<boolean>``).
- ``csv`` — SPARQL 1.1 CSV: a header of variable names, then plain values (IRIs bare, literals
  as their lexical form, blank nodes as ``_:label``), fields quoted per RFC 4180, lines ended by
  CRLF, an unbound variable as an empty field.
- ``tsv`` — SPARQL 1.1 TSV: a header of ``?``-prefixed names, then terms in N-Triples/Turtle
  syntax, lines ended by LF.

The W3C CSV and TSV formats do not define ASK. Here an ASK result is one column named
``boolean`` (``?boolean`` in TSV) holding ``true`` or ``false``.

CONSTRUCT and DESCRIBE results (triples) go out as ``turtle``, ``ntriples`` or ``jsonld``
through pyoxigraph's serialisers, with the project's prefixes in Turtle.

>>> from kgraph.store import Result
>>> import pyoxigraph as ox
>>> r = Result("select", variables=["x"], rows=[{"x": ox.Literal("hi", language="en")}])
>>> print(serialize(r, "tsv"), end="")
?x
"hi"@en
>>> serialize(r, "csv")
'x\\r\\nhi\\r\\n'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from .errors import UsageError
from .formats import REGISTRY, registered
from .store import Result, Term
from .terms import escape_iri, escape_string, split_prefix

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIRLANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

TABULAR_FORMATS = tuple(f.name for f in registered("results"))
GRAPH_FORMATS = tuple(f.name for f in REGISTRY if f.result_graph)
MEDIA_TYPES = {f.name: f.media_type for f in REGISTRY if f.family == "results" or f.result_graph}


# -- JSON ------------------------------------------------------------------------------------


def term_json(term: Term) -> dict[str, Any]:
    """One RDF term as a SPARQL 1.1 Query Results JSON object.

    >>> term_json(ox.Literal("2023", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")))
    {'type': 'literal', 'value': '2023', 'datatype': 'http://www.w3.org/2001/XMLSchema#gYear'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):  # SPARQL 1.2 / RDF-star triple term
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def to_json(result: Result, *, indent: int | None = 2) -> str:
    """SPARQL 1.1 Query Results JSON Format (``indent=None``: compact, by the C encoder)."""
    if result.kind == "ask":
        return (
            json.dumps(
                {"head": {}, "boolean": bool(result.boolean)}, ensure_ascii=False, indent=indent
            )
            + "\n"
        )
    _require_tabular(result, "json")
    doc = {
        "head": {"vars": list(result.variables)},
        "results": {
            "bindings": [
                {v: term_json(row[v]) for v in result.variables if v in row} for row in result.rows
            ]
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=indent) + "\n"


# -- XML -------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    """Escape character data; characters XML 1.0 cannot carry at all become U+FFFD."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif (
            o in (0x9, 0xA)
            or 0x20 <= o <= 0xD7FF
            or 0xE000 <= o <= 0xFFFD
            or 0x10000 <= o <= 0x10FFFF
        ):
            out.append(ch)
        elif o == 0xD:
            out.append("&#13;")
        else:
            out.append("\ufffd")
    return "".join(out)


def _term_xml(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return (
                f'<literal xml:lang="{_xml_text(term.language)}">{_xml_text(term.value)}</literal>'
            )
        if term.datatype.value != XSD_STRING:
            return f'<literal datatype="{_xml_text(term.datatype.value)}">{_xml_text(term.value)}</literal>'
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_term_xml(term.subject)}</subject>"
            f"<predicate>{_term_xml(term.predicate)}</predicate>"
            f"<object>{_term_xml(term.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {term!r}")


def to_xml(result: Result) -> str:
    """SPARQL Query Results XML Format."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">']
    if result.kind == "ask":
        lines += [
            "  <head/>",
            f"  <boolean>{'true' if result.boolean else 'false'}</boolean>",
            "</sparql>",
        ]
        return "\n".join(lines) + "\n"
    _require_tabular(result, "xml")
    lines.append("  <head>")
    lines += [f'    <variable name="{_xml_text(v)}"/>' for v in result.variables]
    lines += ["  </head>", "  <results>"]
    for row in result.rows:
        lines.append("    <result>")
        for v in result.variables:
            if v in row:
                lines.append(f'      <binding name="{_xml_text(v)}">{_term_xml(row[v])}</binding>')
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


# -- CSV -------------------------------------------------------------------------------------


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def term_plain(term: Term) -> str:
    """A term as CSV shows it: the IRI, the literal's lexical form, ``_:label`` for a blank node."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term_ntriples(term)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV Format (CRLF line ends)."""
    if result.kind == "ask":
        return "boolean\r\n" + ("true" if result.boolean else "false") + "\r\n"
    _require_tabular(result, "csv")
    lines = [",".join(_csv_field(v) for v in result.variables)]
    for row in result.rows:
        lines.append(
            ",".join(_csv_field(term_plain(row[v])) if v in row else "" for v in result.variables)
        )
    return "\r\n".join(lines) + "\r\n"


# -- TSV -------------------------------------------------------------------------------------


def _nt_string(text: str) -> str:
    return f'"{escape_string(text)}"'


def _nt_iri(iri: str) -> str:
    return f"<{escape_iri(iri)}>"


def term_ntriples(term: Term) -> str:
    """A term in N-Triples syntax, with tabs and line breaks escaped (safe inside TSV).

    >>> term_ntriples(ox.Literal("a\\tb"))
    '"a\\\\tb"'
    """
    if isinstance(term, ox.NamedNode):
        return _nt_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        s = _nt_string(term.value)
        if term.language:
            return f"{s}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{s}^^{_nt_iri(term.datatype.value)}"
        return s
    if isinstance(term, ox.Triple):
        return f"<<( {term_ntriples(term.subject)} {term_ntriples(term.predicate)} {term_ntriples(term.object)} )>>"
    raise TypeError(f"not an RDF term: {term!r}")


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV Format (LF line ends, terms in N-Triples syntax)."""
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    _require_tabular(result, "tsv")
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(term_ntriples(row[v]) if v in row else "" for v in result.variables))
    return "\n".join(lines) + "\n"


# -- graphs ----------------------------------------------------------------------------------


def _graph(result: Result, fmt: ox.RdfFormat, *, prefixes: bool) -> str:
    if result.kind != "graph":
        raise UsageError(
            f"{'SELECT' if result.kind == 'select' else 'ASK'} results cannot be written as an RDF graph; "
            f"use --format {', '.join(TABULAR_FORMATS)} or table"
        )
    from .terms import PREFIXES

    kwargs: dict[str, Any] = {"format": fmt}
    if prefixes:
        kwargs["prefixes"] = _used_prefixes(result.triples, PREFIXES)
    data = ox.serialize(result.triples, **kwargs)
    return data.decode("utf-8") if data else ""


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes that give some IRI of ``triples`` its shortest (longest-namespace) name
    (:func:`kgraph.terms.split_prefix`), among ``prefixes``."""
    used: dict[str, str] = {}
    seen: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value not in seen:
                seen.add(term.value)
                split = split_prefix(term.value)
                if split is not None and split[0] in prefixes:
                    used[split[0]] = prefixes[split[0]]
    return used


def to_turtle(result: Result) -> str:
    """CONSTRUCT/DESCRIBE triples as Turtle, with the project's prefixes."""
    return _graph(result, ox.RdfFormat.TURTLE, prefixes=True)


def to_ntriples(result: Result) -> str:
    """CONSTRUCT/DESCRIBE triples as N-Triples."""
    return _graph(result, ox.RdfFormat.N_TRIPLES, prefixes=False)


def to_jsonld(result: Result) -> str:
    """CONSTRUCT/DESCRIBE triples as JSON-LD (expanded form)."""
    text = _graph(result, ox.RdfFormat.JSON_LD, prefixes=False)
    return text if text.strip() else "[]\n"


def _require_tabular(result: Result, fmt: str) -> None:
    if result.kind == "graph":
        raise UsageError(
            f"CONSTRUCT/DESCRIBE results are RDF triples, not a table: use --format {', '.join(GRAPH_FORMATS)}"
            f" (not {fmt})"
        )


SERIALIZERS: dict[str, Callable[[Result], str]] = {
    "json": to_json,
    "xml": to_xml,
    "csv": to_csv,
    "tsv": to_tsv,
    "turtle": to_turtle,
    "ntriples": to_ntriples,
    "jsonld": to_jsonld,
}


def serialize(result: Result, fmt: str) -> str:
    """``result`` in the format named ``fmt`` (json, xml, csv, tsv, turtle, ntriples, jsonld).

    >>> serialize(Result("ask", boolean=True), "csv")
    'boolean\\r\\ntrue\\r\\n'
    """
    try:
        fn = SERIALIZERS[fmt.lower()]
    except KeyError:
        raise UsageError(
            f"unknown result format {fmt!r}; use one of {', '.join(SERIALIZERS)}"
        ) from None
    return fn(result)


def default_format(result: Result) -> str:
    """The machine format that fits a result when none is given: JSON for tables, Turtle for graphs."""
    return "turtle" if result.kind == "graph" else "json"
