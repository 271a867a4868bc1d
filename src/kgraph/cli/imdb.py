"""``kgraph import-imdb DIR``: IMDb's dataset files into the store, as one source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from . import command, state
from .options import LegacyReportOutput, ReportFormat, report_format


@command("import-imdb", example="kgraph --store ./imdb-store import-imdb ~/Downloads/imdb")
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
    format: ReportFormat = "table",
    output: LegacyReportOutput = None,
) -> None:
    """Import IMDb's non-commercial dataset files as one source (importing the same directory again replaces it)."""
    from ..render import imdb as view
    from ..render.stores import progress as bars

    fmt = report_format(format, output)
    if not state.store:
        raise UsageError(
            "import-imdb writes a store of its own size (millions of triples for a full dump): "
            "choose one with --store DIR|memory:|URL (or KGRAPH_STORE)"
        )
    kg = state.kg(writable=True)
    with bars(fmt != "json") as progress:
        report = kg.import_imdb(directory, progress=progress, workdir=workdir)
    view.report(report, fmt)
