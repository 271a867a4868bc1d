"""Commands that change what a store holds: load, unload, sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from ..render import stores as view
from . import command, state
from .options import (
    InputFormat,
    LegacyReportOutput,
    ReportFormat,
    report_and_input_format,
    report_format,
)


def _writable_graph():  # -> KnowledgeGraph
    # The default store takes the user's files beside the bundled graph (kgraph.overlay).
    return state.kg(writable=bool(state.store))


def _stdin_files(files: list[Path]) -> tuple[list[Path], Any]:
    """``-`` reads standard input: kept in a temporary file named ``stdin`` (format sniffed)."""
    if not any(str(f) == "-" for f in files):
        return files, None
    import sys
    import tempfile

    tmp = tempfile.TemporaryDirectory(prefix="kgraph-stdin-")
    path = Path(tmp.name) / "stdin"
    path.write_bytes(sys.stdin.buffer.read())
    return [path if str(f) == "-" else f for f in files], tmp


@command(
    "load",
    example="""kgraph load mydata.ttl
    kgraph --store ./mystore load films.nq.gz --format json
    cat mydata.nt | kgraph load - --input-format ntriples""",
)
def load_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; .gz "
            "too; - for standard input). The format comes from the extension, else the content."
        ),
    ],
    input_format: InputFormat = None,
    map: Annotated[
        list[Path] | None,
        typer.Option(
            "--map",
            metavar="FILE",
            help="An OWL alignment of another vocabulary to kgraph's (loaded first).",
        ),
    ] = None,
    derive: Annotated[
        bool,
        typer.Option(
            "--derive/--no-derive",
            help="Align vocabularies and derive kgraph's shortcut triples after loading.",
        ),
    ] = True,
    format: ReportFormat = "table",
    output: LegacyReportOutput = None,
) -> None:
    """Add RDF files to the store, each as its own named graph and source (a reload replaces it).

    On the default store the files join the bundled graph as your own data (kept in
    KGRAPH_DATA_DIR), and their entities are reconciled with the graph's.
    """
    fmt, syntax = report_and_input_format(format, output, input_format)
    kg = _writable_graph()
    files, tmp = _stdin_files(files)
    try:
        with view.progress(fmt != "json") as progress:
            report = kg.load(files, fmt=syntax, map=map or None, progress=progress, derive=derive)
    finally:
        if tmp is not None:
            tmp.cleanup()
    view.load_report(report, fmt)


@command("unload", example="kgraph unload mydata.ttl")
def unload_cmd(
    source: Annotated[str, typer.Argument(help="A loaded file's name, path or source IRI.")],
    format: ReportFormat = "table",
    output: LegacyReportOutput = None,
) -> None:
    """Remove a loaded file's graphs from the store."""
    from ..build import require_store

    fmt = report_format(format, output)
    require_store(state.store)  # nothing to unload from a store that is not there: no new one
    kg = _writable_graph()
    removed = kg.unload(source)
    view.unloaded(source, removed, fmt)


@command("sources", example="kgraph sources\nkgraph sources --format json")
def sources_cmd(format: ReportFormat = "table", output: LegacyReportOutput = None) -> None:
    """The sources: the articles (code, outlet, headline opening, date, language, number of
    facts), then the files loaded into the store with their origin, graphs and sizes."""
    fmt = report_format(format, output)
    kg = state.kg()
    view.sources(kg.sources(), fmt, kg.articles())


@command(
    "reconcile",
    example="""kgraph reconcile
    kgraph reconcile --accept 1 --reject 2""",
)
def reconcile_cmd(
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--accept",
            metavar="N|IRI[=CANDIDATE]",
            help="Merge an unsure match (by its number or the file's IRI/CURIE), with its first "
            "candidate or the one given.",
        ),
    ] = None,
    reject: Annotated[
        list[str] | None,
        typer.Option(
            "--reject",
            metavar="N|IRI[=CANDIDATE]",
            help="Keep an unsure match apart (from every candidate, or the one given).",
        ),
    ] = None,
    format: ReportFormat = "table",
    output: LegacyReportOutput = None,
) -> None:
    """Unsure matches between your files and the bundled graph: list them, accept or reject them."""
    fmt = report_format(format, output)
    if state.store:
        raise UsageError(
            "reconcile works on your files in the default store (no --store); loads into other "
            "stores keep their entities as they are"
        )
    pending = state.kg().reconcile(accept or (), reject or ())
    view.pending(pending, fmt, decided=len(accept or ()) + len(reject or ()))
