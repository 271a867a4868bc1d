"""Rendering for the store commands: load progress, load reports, the list of loaded sources."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import note, table, write, write_json

BIG = 4 << 20  # files under 4 MiB load too fast for a bar to help


@contextmanager
def progress(enabled: bool = True) -> Iterator[Any]:
    """A progress callback for :func:`kgraph.loading.load`: a rich bar on stderr for big files
    when stderr is a terminal, nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from . import err

    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=True,
    )
    tasks: dict[tuple[str, Path], Any] = {}

    def update(phase: str, path: Path, done: int, total: int) -> None:
        if total < BIG:
            return
        key = (phase, path)
        if key not in tasks:
            tasks[key] = bars.add_task(f"{phase} {path.name}", total=total)
        bars.update(tasks[key], completed=done)

    with bars:
        yield update


def load_report(report: Any, fmt: str = "table") -> None:
    if fmt == "json":
        write_json(report.to_json())
        return
    table(
        ["source", "file", "format", "quads", "graphs", "replaced"],
        [
            (
                f.source,
                Path(f.path).name,
                f.format,
                f.quads,
                len(f.graphs),
                "yes" if f.replaced else "",
            )
            for f in report.files
        ],
    )
    note(
        f"loaded {report.quads} quads from {len(report.files)} file(s) into {report.store}; "
        f"derived {report.derived} more, in {report.seconds:.2f} s"
    )
    for m in getattr(report, "merged", []):
        note(f"{m['label']}: {m['local']} is {m['target']} ({m['reason']})")
    unsure = getattr(report, "pending", [])
    if unsure:
        note(f"{len(unsure)} unsure match(es) kept apart: see `kgraph reconcile`")


def unloaded(source: str, removed: int, fmt: str = "table") -> None:
    if fmt == "json":
        write_json({"source": source, "removed": removed})
        return
    note(f"unloaded {source}: removed {removed} quads")


def _opening(text: str | None, width: int = 40) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def sources(rows: list[dict[str, Any]], fmt: str = "table", articles: Any = ()) -> None:
    """The articles (every source with its metadata) and the loaded files. JSON: ``sources``
    is the loaded files (as before), ``articles`` every source."""
    if fmt == "json":
        write_json({"sources": rows, "articles": [a.to_json() for a in articles]})
        return
    bundled = [a for a in articles if not a.loaded]
    origin = {g: str(r.get("origin", "")) for r in rows for g in r.get("graphs", ())}
    if bundled:
        table(
            ["code", "outlet", "title", "date", "language", "facts", "origin"],
            [
                (
                    a.code,
                    a.outlet or "",
                    _opening(a.title or a.label),
                    a.date or "",
                    a.language or "",
                    str(a.facts),
                    origin.get(a.iri, ""),
                )
                for a in bundled
            ],
        )
    files = [r for r in rows if r.get("origin") != "bundled"]
    if files or not bundled:
        if bundled:
            write("")
        table(
            ["source", "file", "origin", "quads", "graphs"],
            [
                (r["source"], r["file"], r.get("origin", ""), r["quads"], _data_graphs(r))
                for r in files
            ],
        )


def _data_graphs(row: dict[str, Any]) -> str:
    """The graphs a loaded file's data went into: a TriG/N-Quads file's own named graphs (its
    first graph, named for the file, then holds only its record), else the file's graph.

    >>> _data_graphs({"graphs": ["kgs:f.ttl"]}), _data_graphs({"graphs": ["kgs:f.trig", "g1"]})
    ('kgs:f.ttl', 'g1')
    """
    graphs = list(row.get("graphs", ()))
    return " ".join(graphs[1:] or graphs)


def pending(rows: list[dict[str, Any]], fmt: str = "table", *, decided: int = 0) -> None:
    """The unsure matches of ``kgraph reconcile``, numbered as ``--accept N`` takes them."""
    if fmt == "json":
        write_json({"unsure": rows})
        return
    if not rows:
        note("no unsure matches" + (" left" if decided else ""))
        return
    table(
        ["#", "entity", "type", "file", "candidates", "why unsure"],
        [
            (
                i,
                f"{r['label']} ({r['local']})",
                r["type"],
                r["file"],
                "; ".join(
                    f"{c['label']} ({c['iri']}"
                    + (f", {', '.join(c['evidence'])}" if c["evidence"] else "")
                    + ")"
                    for c in r["candidates"]
                ),
                r["reason"],
            )
            for i, r in enumerate(rows, 1)
        ],
    )
    note("kgraph reconcile --accept N merges one; --reject N keeps it apart")
