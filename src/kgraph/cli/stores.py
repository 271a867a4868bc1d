"""Commands that change what a store holds: load, unload, sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..render import stores as view
from . import command, state

ReportOpt = Annotated[str, typer.Option("--output", "-o", help="table or json")]


def _writable_graph():  # -> KnowledgeGraph
    if not state.store:
        raise UsageError(
            "the default store is rebuilt from the bundled data; choose a store to change with "
            "--store DIR|memory:|URL (or KGRAPH_STORE)"
        )
    return state.kg(writable=True)


@command("load")
def load_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; .gz too)."
        ),
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Input format when the extension does not tell: turtle, ntriples, nquads, trig, jsonld, xml.",
        ),
    ] = None,
    map: Annotated[
        list[Path] | None,
        typer.Option(
            "--map", help="An OWL alignment of another vocabulary to kgraph's (loaded first)."
        ),
    ] = None,
    derive: Annotated[
        bool,
        typer.Option(
            "--derive/--no-derive",
            help="Align vocabularies and derive kgraph's shortcut triples after loading.",
        ),
    ] = True,
    output: ReportOpt = "table",
) -> None:
    """Add RDF files to the store, each as its own named graph and source (a reload replaces it)."""
    kg = _writable_graph()
    with view.progress(output != "json") as progress:
        report = kg.load(files, fmt=format, map=map or None, progress=progress, derive=derive)
    view.load_report(report, output)


@command("unload")
def unload_cmd(
    source: Annotated[str, typer.Argument(help="A loaded file's name, path or source IRI.")],
    output: ReportOpt = "table",
) -> None:
    """Remove a loaded file's graphs from the store."""
    kg = _writable_graph()
    removed = kg.unload(source)
    view.unloaded(source, removed, output)


@command("sources")
def sources_cmd(output: ReportOpt = "table") -> None:
    """The sources: the articles (code, outlet, headline opening, date, language, number of
    facts), then the files loaded into the store with their graphs and sizes."""
    from ..loading import loaded_sources
    from ..sources import articles

    store = state.kg().store
    view.sources(loaded_sources(store), output, articles(store))
