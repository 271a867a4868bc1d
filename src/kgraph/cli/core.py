"""Commands about the graph itself: build, validate, stats, conflicts."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from .. import render
from ..render import graph as view
from . import command, graph


class Format(str, Enum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table or json")]


@command("build")
def build_cmd(
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even when the cache is up to date.")
    ] = False,
) -> None:
    """Compile the ontology and data into the embedded store (automatic on first use)."""
    from ..build import build
    from ..errors import StoreError

    try:
        info = build(force=force, check=True)
    except OSError as e:  # a read-only or full cache directory: the user's to fix, not a bug
        where = f" ({e.filename})" if e.filename else ""
        raise StoreError(f"cannot build in the cache directory: {e.strerror or e}{where}") from None
    if info.damaged:
        render.warn(f"the cached store was damaged ({info.damaged}); rebuilt it")
    view.build_info(info)


@command("validate")
def validate_cmd(format: FormatOpt = Format.table) -> None:
    """Check the graph against the SHACL shapes and the ontology; exit 1 on violations."""
    report = graph().validate()
    view.validation(report, format.value)
    if not report.conforms:
        raise typer.Exit(1)


@command("stats")
def stats_cmd(format: FormatOpt = Format.table) -> None:
    """Entities per class, facts per source, totals."""
    view.stats(graph().stats(), format.value)


@command("conflicts")
def conflicts_cmd(format: FormatOpt = Format.table) -> None:
    """Where the sources disagree, with the sources on each side."""
    view.conflicts(graph().conflicts(), format.value)


_ = render
