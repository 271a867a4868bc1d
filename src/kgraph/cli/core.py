"""Commands about the graph itself: build, validate, stats, conflicts."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import render
from ..conventions import REPORT_FORMATS, check_format
from ..render import graph as view
from . import command, graph
from .options import ReportFormat


@command("build", example="kgraph build --force")
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


@command("validate", example="kgraph validate --format json")
def validate_cmd(format: ReportFormat = "table") -> None:
    """Check the graph against the SHACL shapes and the ontology; exit 1 on violations."""
    fmt = check_format(format, REPORT_FORMATS)
    report = graph().validate()
    view.validation(report, fmt)
    if not report.conforms:
        raise typer.Exit(1)


@command("stats", example="kgraph stats\nkgraph stats --format json")
def stats_cmd(format: ReportFormat = "table") -> None:
    """Entities per class, facts per source, totals."""
    fmt = check_format(format, REPORT_FORMATS)
    view.stats(graph().stats(), fmt)


@command("conflicts", example="kgraph conflicts --format json")
def conflicts_cmd(format: ReportFormat = "table") -> None:
    """Where the sources disagree, with the sources on each side."""
    fmt = check_format(format, REPORT_FORMATS)
    view.conflicts(graph().conflicts(), fmt)


_ = render
