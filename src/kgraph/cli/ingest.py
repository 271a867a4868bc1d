"""`kgraph ingest`: read new articles, show the candidate facts, add the accepted ones."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..render import ingest as view
from . import command, state
from .options import ReportFormat, report_format


@command(
    "ingest",
    example="""kgraph ingest article.txt --dry-run
    kgraph ingest article.html --date 2024-05-01 --review""",
)
def ingest_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Articles: UTF-8 plain text (.txt) or HTML (.html).")
    ],
    source_name: Annotated[
        str | None, typer.Option("--source-name", help="A name for the source (one file).")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="The article's date, YYYY-MM-DD (days without a year use it)."),
    ] = None,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="The outlet that published the article.")
    ] = None,
    review: Annotated[
        bool, typer.Option("--review", help="Walk the candidates: accept, reject, edit, skip.")
    ] = False,
    accept_above: Annotated[
        float | None,
        typer.Option("--accept-above", help="Accept facts of at least this confidence (0-1)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the candidates; change nothing.")
    ] = False,
    format: ReportFormat = "table",
) -> None:
    """Read articles and add the facts they state, each article as its own source graph.

    Without --review, --accept-above or --dry-run, facts at or above the default confidence
    (0.5) are accepted. Without --store the facts join your own data beside the bundled graph
    (KGRAPH_DATA_DIR, like `kgraph load`): `kgraph sources` lists the article and
    `kgraph unload ARTICLE` takes it out again.
    """
    fmt = report_format(format)
    if sum([review, accept_above is not None, dry_run]) > 1:
        raise UsageError("choose one of --review, --accept-above and --dry-run")
    if review and fmt == "json":
        raise UsageError("--review talks to a person: use it with --format table")
    kg = state.kg(writable=not dry_run)
    report = kg.ingest(
        files,
        source_name=source_name,
        date=date,
        outlet=outlet,
        accept_above=accept_above,
        dry_run=dry_run,
        decide=view.review if review else None,
    )
    view.report(report, fmt)
