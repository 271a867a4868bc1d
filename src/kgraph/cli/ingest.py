"""`kgraph ingest`: read new articles, show the candidate facts, add the accepted ones."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..render import ingest as view
from . import command, state


class IngestFormat(str, Enum):
    text = "text"
    json = "json"


@command("ingest")
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
    format: Annotated[
        IngestFormat, typer.Option("--format", "-f", help="text or json")
    ] = IngestFormat.text,
) -> None:
    """Read articles and add the facts they state, each article as its own source graph.

    Without --review, --accept-above or --dry-run, facts at or above the default confidence
    (0.5) are accepted. Without --store the facts join your own data beside the bundled graph
    (KGRAPH_DATA_DIR, like `kgraph load`): `kgraph sources` lists the article and
    `kgraph unload ARTICLE` takes it out again.
    """
    if sum([review, accept_above is not None, dry_run]) > 1:
        raise UsageError("choose one of --review, --accept-above and --dry-run")
    if review and format is IngestFormat.json:
        raise UsageError("--review talks to a person: use it with --format text")
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
    view.report(report, format.value)
