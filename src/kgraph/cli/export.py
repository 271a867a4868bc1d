"""Commands that move the graph out and back in: export, import, viz."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import command, state
from ..render import export as view

FORMAT_HELP = "turtle, ntriples, nquads, trig, jsonld, xml, graphml, gexf or csv (default: from -o's extension, else turtle)"


@command("export")
def export_cmd(
    format: Annotated[str | None, typer.Option("--format", "-f", help=FORMAT_HELP)] = None,
    source: Annotated[str | None, typer.Option("--graph", "-g", metavar="SOURCE",
                                               help="Export one named graph only (e.g. s000, source:s000, curation).")] = None,
    inferred: Annotated[bool, typer.Option("--inferred", help="Add what the ontology's OWL 2 RL rules entail.")] = False,
    ontology: Annotated[bool, typer.Option("--ontology", help="Export the ontology alone.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write atomically to FILE (csv: FILE.nodes.csv and FILE.edges.csv).")] = None,
) -> None:
    """Export the graph (or one source, or the ontology) deterministically in a standard format."""
    from ..export import export, export_to, format_for

    store = state.kg().store
    if output is None:
        view.data(export(store, format_for(None, format), graph=source, inferred=inferred, ontology=ontology))
        return
    view.written(export_to(store, format, output, graph=source, inferred=inferred, ontology=ontology))
