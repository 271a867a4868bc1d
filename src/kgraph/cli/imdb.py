"""``kgraph import-imdb DIR``: IMDb's dataset files into the store, as one source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from . import command, state
from .stores import ReportOpt


@command("import-imdb")
def import_imdb_cmd(
    directory: Annotated[
        Path,
        typer.Argument(
            help="A directory holding IMDb's title.basics.tsv.gz, name.basics.tsv.gz, "
            "title.principals, title.crew, title.episode, title.akas, title.ratings (.tsv or .tsv.gz)."
        ),
    ],
    workdir: Annotated[
        Path | None,
        typer.Option(
            "--workdir",
            help="Where the temporary N-Triples file goes (default: the system's temp directory).",
        ),
    ] = None,
    output: ReportOpt = "table",
) -> None:
    """Import IMDb's non-commercial dataset files as one source (importing the same directory again replaces it)."""
    from ..imdb import import_imdb
    from ..render import imdb as view
    from ..render.stores import progress as bars

    if not state.store:
        raise UsageError(
            "import-imdb writes a store of its own size (millions of triples for a full dump): "
            "choose one with --store DIR|memory:|URL (or KGRAPH_STORE)"
        )
    kg = state.kg(writable=True)
    with bars(output != "json") as progress:
        report = import_imdb(kg.store, directory, progress=progress, workdir=workdir)
    view.report(report, output)
