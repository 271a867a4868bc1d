"""Renderers for export, import and viz: bytes to stdout, a note on stderr about files written."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import note


def data(payload: bytes | dict[str, bytes]) -> None:
    """An export on stdout; the two CSV tables one after the other, separated by an empty line."""
    out = sys.stdout.buffer
    if isinstance(payload, dict):
        out.write(payload["nodes"])
        out.write(b"\r\n")
        out.write(payload["edges"])
    else:
        out.write(payload)
    out.flush()


def data_lines(lines: Iterable[bytes]) -> None:
    """A streamed export on stdout."""
    out = sys.stdout.buffer
    out.writelines(lines)
    out.flush()


def written(paths: Sequence[Path], what: str = "wrote") -> None:
    for p in paths:
        note(f"{what} {p} ({p.stat().st_size:,} bytes)")


def picture(result: Any) -> None:
    """What ``kgraph viz`` drew: the file and its size in nodes and edges."""
    path = result.path
    note(f"wrote {path} ({result.nodes} nodes, {result.edges} edges)")
