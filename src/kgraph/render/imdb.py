"""Rendering for ``kgraph import-imdb``: a progress bar while reading, then the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import note, table, warn, write_json


def report(rep: Any, fmt: str = "table") -> None:
    """The files read (rows, skipped), each skipped row with its line, and a summary line."""
    if fmt == "json":
        write_json(rep.to_json())
        return
    table(
        ["file", "rows", "skipped"],
        [(Path(f.path).name, f.rows, f.skipped) for f in rep.files],
    )
    for f in rep.files:
        for line, why in f.problems:
            warn(f"{Path(f.path).name}:{line}: skipped: {why}")
        if f.skipped > len(f.problems):
            warn(f"{Path(f.path).name}: … and {f.skipped - len(f.problems)} more rows skipped")
    if rep.missing:
        note(f"not found (optional): {', '.join(rep.missing)}")
    note(
        f"imported {rep.rows} rows ({rep.skipped} skipped) from {rep.directory} as "
        f"{rep.source}: {rep.triples} triples, in {rep.seconds:.2f} s"
    )
