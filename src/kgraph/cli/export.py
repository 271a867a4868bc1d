"""Commands that move the graph out and back in: export, import, viz."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..formats import registered
from ..render import export as view
from . import command, state
from .options import (
    InputFormat,
    LegacyReportOutput,
    ParamOption,
    ReportFormat,
    format_option,
    parse_params,
    report_and_input_format,
)

EXPORT_FORMATS = tuple(  # from the one format registry: every format export writes
    f.name for family in ("rdf", "graph") for f in registered(family, write=True)
)


@command(
    "export",
    example="""kgraph export -o graph.ttl
    kgraph export --format nquads > graph.nq
    kgraph export --graph s000 --vocabulary schema -o s000.jsonld""",
)
def export_cmd(
    format: Annotated[
        str | None,
        format_option(
            EXPORT_FORMATS,
            note=" Default: from -o's extension (one naming no format is refused), else turtle.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--graph",
            "-g",
            metavar="SOURCE",
            help="Export one named graph only (e.g. s000, source:s000, curation).",
        ),
    ] = None,
    inferred: Annotated[
        bool, typer.Option("--inferred", help="Add what the ontology's OWL 2 RL rules entail.")
    ] = False,
    ontology: Annotated[
        bool, typer.Option("--ontology", help="Export the ontology alone.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write atomically to FILE (csv: FILE.nodes.csv and FILE.edges.csv).",
        ),
    ] = None,
    vocabulary: Annotated[
        str,
        typer.Option(
            "--vocabulary",
            "-V",
            help="kg (kgraph's own), schema (schema.org: Movie, actor, PerformanceRole …) or "
            "wikidata (wdt:P31, p:/ps:/pq: statements, P8345, P577 …).",
        ),
    ] = "kg",
) -> None:
    """Export the graph (or one source, or the ontology) deterministically in a standard format."""
    from ..export import LINE_FORMATS, format_for

    kg = state.kg()
    fmt = format_for(None, format)
    if output is None and fmt in LINE_FORMATS and not inferred and vocabulary == "kg":
        view.data_lines(kg.export_lines(fmt, graph=source, ontology=ontology))  # streamed
        return
    options: dict[str, Any] = {"graph": source, "inferred": inferred, "ontology": ontology}
    if vocabulary != "kg":
        options["vocabulary"] = vocabulary
    if output is None:
        view.data(kg.export(fmt, **options))
        return
    view.written(kg.export_to(output, format, **options))


@command(
    "import",
    example="""kgraph export --format trig -o backup.trig
    kgraph --store ./mystore import backup.trig""",
)
def import_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="An RDF file, typically one `kgraph export` wrote (any RDF format)."),
    ],
    input_format: InputFormat = None,
    derive: Annotated[
        bool,
        typer.Option(
            "--derive/--no-derive",
            help="Derive kgraph's shortcut triples after loading (exports already hold them).",
        ),
    ] = False,
    format: ReportFormat = "table",
    output: LegacyReportOutput = None,
) -> None:
    """Load an exported file back into the store selected by --store: the same graphs, as they were."""
    from ..errors import UsageError
    from ..render import stores as report_view

    fmt, syntax = report_and_input_format(format, output, input_format)
    if not state.store:
        raise UsageError(
            "the default store is rebuilt from the bundled data; choose a store to import into "
            "with --store DIR|memory:|URL (or KGRAPH_STORE)"
        )
    report = state.kg(writable=True).load([file], fmt=syntax, derive=derive)
    report_view.load_report(report, fmt)


@command(
    "viz",
    example="""kgraph viz "Jeon Jong-seo" --depth 2 -o jeon.html
    kgraph viz --query cast --param work=Ballerina -o cast.svg
    kgraph viz --path "Jeon Jong-seo" "Yoo Ji-tae" --open""",
)
def viz_cmd(
    entity: Annotated[
        str | None, typer.Argument(help="Draw the neighbourhood of this entity (a name or an IRI).")
    ] = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="FILE.html (interactive), .svg or .png (Graphviz), .dot (Graphviz source).",
        ),
    ] = Path("graph.html"),
    depth: Annotated[
        int, typer.Option("--depth", "-d", help="How many edges away from ENTITY to draw.")
    ] = 1,
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", metavar="NAME", help="Draw what a saved query touches."),
    ] = None,
    param: ParamOption = None,
    path: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--path",
            metavar="A B",
            help="Draw the shortest collaboration path(s) from A to B, highlighted.",
        ),
    ] = None,
    ontology: Annotated[
        bool, typer.Option("--ontology", help="Draw the ontology's classes and properties.")
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--graph", "-g", metavar="SOURCE", help="Draw one source's facts only."),
    ] = None,
    open_: Annotated[
        bool, typer.Option("--open", help="Open the picture in the default browser or viewer.")
    ] = False,
) -> None:
    """Draw the graph, or part of it, as an interactive HTML page or a static SVG/PNG picture."""
    if path is not None and path[1].startswith("-"):  # `--path A -o x.html`: B forgotten
        from ..errors import UsageError

        raise UsageError(
            f"--path takes two names, A and B: after {path[0]!r} came the option {path[1]!r}"
        )
    pic = state.kg().visualise(
        output,
        entity=entity,
        depth=depth,
        query=query,
        params=parse_params(param),
        path=path,
        ontology=ontology,
        graph=source,
    )
    view.picture(pic)
    if open_:
        import webbrowser

        webbrowser.open(pic.path.resolve().as_uri())
