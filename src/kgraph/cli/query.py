"""Commands that query the graph: sparql, search, show."""

from __future__ import annotations

from typing import Annotated

import typer

from ..conventions import REPORT_FORMATS, check_format
from ..formats import registered
from ..render import query as view
from . import command, state
from .options import ReportFormat, format_option

SPARQL_FORMATS = (  # the table, the registry's result formats, the RDF it writes for graphs
    "table",
    *(f.name for f in registered("results")),
    *(f.name for f in registered("rdf") if f.result_graph),
)
"""table and the W3C result formats (SELECT/ASK), RDF syntaxes (CONSTRUCT/DESCRIBE)."""


@command(
    "sparql",
    example="""kgraph sparql 'SELECT ?p WHERE { ?p a kg:Person } LIMIT 5'
    kgraph sparql @queries/cast.rq --format csv
    echo 'ASK { ?s ?p ?o }' | kgraph sparql -""",
)
def sparql_cmd(
    query: Annotated[
        str, typer.Argument(help="The query text, @FILE.rq to read a file, or - for stdin.")
    ],
    format: Annotated[
        str | None,
        format_option(SPARQL_FORMATS, note=" Default: table (Turtle for CONSTRUCT and DESCRIBE)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Return at most N rows (or triples).")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", metavar="SECONDS", help="Stop the query after this many seconds (exit 1)."
        ),
    ] = None,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service",
            help="Let SERVICE patterns call the remote endpoints they name (refused otherwise).",
        ),
    ] = False,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over every source.

    The project's prefixes (kg:, person:, work:, skos:, schema: ...) are predeclared; the
    default graph is the union of the sources, and GRAPH ?g reaches each source's facts.
    A SERVICE pattern (federated query) is refused unless --allow-service: kgraph does not
    go to the network on its own.
    """
    from ..querying import read_query

    fmt = None if format is None else check_format(format, SPARQL_FORMATS)
    text, origin = read_query(query)
    result = state.kg().sparql(
        text, limit=limit, timeout=timeout, origin=origin, allow_service=allow_service
    )
    view.sparql_result(result, fmt)


@command(
    "search",
    example="""kgraph search "jeon jong seo"
    kgraph search park --type Person --limit 5 --format json""",
)
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
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Only labels spelled exactly as TEXT (on a big store: no scan of every label).",
        ),
    ] = False,
    format: ReportFormat = "table",
) -> None:
    """Find entities by name: exact, normalised, romanisation-tolerant, then fuzzy matches."""
    fmt = check_format(format, REPORT_FORMATS)
    matches = state.kg().search(text, types=type, limit=limit, exact=exact)
    if matches or fmt == "json":  # no table header above "no entity matches" (JSON: results [])
        view.search_results(text, matches, fmt)
    if not matches:
        from .. import render

        render.error(f"no entity matches {text!r}")
        raise typer.Exit(1)


@command(
    "show",
    example="""kgraph show "Jeon Jong-seo"
    kgraph show work:ballerina --format json
    kgraph show s000""",
)
def show_cmd(
    entity: Annotated[
        str, typer.Argument(help="A name (resolved like search), an IRI or a prefixed name.")
    ],
    format: ReportFormat = "table",
) -> None:
    """An entity's card: labels, classes and every fact about it, with the sources of each."""
    fmt = check_format(format, REPORT_FORMATS)
    view.card(state.kg().show(entity), fmt)
