"""Commands that query the graph: sparql, search, show."""

from __future__ import annotations

from typing import Annotated

import typer

from ..render import query as view
from . import command, state

_SPARQL_FORMATS = (
    "table, json, csv, tsv, xml (SELECT/ASK); turtle, ntriples, jsonld (CONSTRUCT/DESCRIBE)"
)


@command("sparql")
def sparql_cmd(
    query: Annotated[
        str, typer.Argument(help="The query text, @FILE.rq to read a file, or - for stdin.")
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=f"Output format: {_SPARQL_FORMATS}. Default: table (Turtle for graphs).",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Return at most N rows (or triples).")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help="Stop the query after this many seconds (exit 1)."),
    ] = None,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over every source.

    The project's prefixes (kg:, person:, work:, skos:, schema: ...) are predeclared; the
    default graph is the union of the sources, and GRAPH ?g reaches each source's facts.
    """
    from ..querying import read_query, run_sparql

    fmt = view.check_sparql_format(format)
    text, origin = read_query(query)
    result = run_sparql(state.kg().store, text, limit=limit, timeout=timeout, origin=origin)
    view.sparql_result(result, fmt)


@command("search")
def search_cmd(
    text: Annotated[str, typer.Argument(help="A name or part of one, in any spelling.")],
    type: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            help="Only entities of this class (Person, Work, Film, TVSeries, Character, ...).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most N results.")] = 10,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """Find entities by name: exact, normalised, romanisation-tolerant, then fuzzy matches."""
    view.check_format(format, ("table", "json"))
    matches = state.kg().search(text, types=type, limit=limit)
    view.search_results(text, matches, format)
    if not matches:
        from .. import render

        render.error(f"no entity matches {text!r}")
        raise typer.Exit(1)


@command("show")
def show_cmd(
    entity: Annotated[
        str, typer.Argument(help="A name (resolved like search), an IRI or a prefixed name.")
    ],
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """An entity's card: labels, classes and every fact about it, with the sources of each."""
    view.check_format(format, ("table", "json"))
    card = state.kg().show(entity)
    view.card(card, format)
