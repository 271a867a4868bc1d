"""Renderers for sparql, search and show."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from . import out, plain, table, write, write_json


def _raw(text: str) -> None:
    """Machine formats byte for byte (CSV keeps its CRLF line ends)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def term_text(term: Any) -> str:
    """A term for people: prefixed name for IRIs, the lexical form of literals."""
    import pyoxigraph as ox

    from ..terms import compact

    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    from ..results import term_ntriples

    return term_ntriples(term)


def sparql_result(result: Any, fmt: str | None) -> None:
    from ..results import serialize

    if fmt is None or fmt == "table":
        if result.kind == "graph":
            _raw(serialize(result, "turtle"))
        elif result.kind == "ask":
            write("true" if result.boolean else "false")
        else:
            rows = [
                [term_text(r[v]) if v in r else "" for v in result.variables] for r in result.rows
            ]
            if plain():
                rows = [[c.replace("\t", " ").replace("\n", " ") for c in row] for row in rows]
            table(result.variables, rows)
            if not plain():
                out().print(f"[dim]{len(rows)} row{'s' if len(rows) != 1 else ''}[/dim]")
        return
    _raw(serialize(result, fmt))


def search_results(text: str, matches: Sequence[Any], fmt: str) -> None:
    from ..terms import compact

    if fmt == "json":
        write_json({"query": text, "results": [m.to_json() for m in matches]})
        return
    table(
        ["label", "type", "score", "matched", "stage", "iri"],
        [(m.label, m.type, f"{m.score:.2f}", m.alias, m.stage, compact(m.iri)) for m in matches],
    )


def _src(iri: str) -> str:
    from ..cards import graph_code

    return graph_code(iri)


def card(c: Any, fmt: str) -> None:
    from ..terms import KG, RDF_TYPE, SKOS_ALT, SKOS_PREF, compact

    if fmt == "json":
        write_json(c.to_json())
        return
    if hasattr(c, "article"):
        source_card(c)
        return
    lines = [f"{c.label}  ({', '.join(c.types) or 'no class'})  {compact(c.iri)}"]
    if c.matched is not None and c.matched.stage != "exact":
        lines.append(f"(matched {c.matched.alias!r}, {c.matched.stage})")
    if c.description:  # the curators' summary, not any article's (docs/ask.md, "Citations")
        lines.append(f"{c.description}  (the curators' words)")
    if c.alt_labels:
        alts = "; ".join(f"{a} [{', '.join(_src(s) for s in srcs)}]" for a, srcs in c.alt_labels)
        lines.append(f"also written: {alts}")
    write("\n".join(lines))
    shown = [
        f
        for f in c.facts
        if f.predicate not in (RDF_TYPE, SKOS_PREF, SKOS_ALT, KG.description)
        and f.kind != "disagreement"
    ]
    write("\n")
    table(["fact", "sources"], [(f.text, ", ".join(_src(s) for s in f.sources)) for f in shown])
    for d in c.disputes:
        write("\n")
        write(f"sources disagree ({d.kind}): {d.topic}")
        for claim in d.claims:
            write(f"  • {claim.statement}  [{', '.join(_src(s) for s in claim.sources)}]")
        if d.note:
            write(f"  note: {d.note}")
    if c.sources:
        write("\n")
        write("sources:")
        for iri, label in sorted(c.sources.items(), key=lambda kv: _src(kv[0])):
            write(f"  {_src(iri)}  {label}")


def source_card(c: Any) -> None:
    """A source's card: what the article is, whom and what it names, where it disagrees."""
    a = c.article
    lines = [f"{a.code}  {a.label}  (Source)  {a.iri}"]
    for key, value in (
        ("outlet", a.outlet),
        ("title", a.title),
        ("date", a.date),
        ("language", a.language),
        ("author", a.author),
        ("file", a.file),
    ):
        if value:
            lines.append(f"{key}: {value}")
    lines.append(f"states {a.facts} facts")
    write("\n".join(lines))
    if c.mentions:
        write("\n")
        table(
            ["names", "type", "facts"],
            [(m.label, m.type, str(m.facts)) for m in c.mentions],
        )
    for d in c.disputes:
        write("\n")
        write(f"disagrees with others ({d.kind}): {d.topic}")
        write(f"  • {a.code}: {d.claim}")
        for statement, srcs in d.others:
            write(f"  • {', '.join(_src(s) for s in srcs)}: {statement}")
    if not c.disputes:
        write("\n")
        write("no recorded disagreement with other sources")
