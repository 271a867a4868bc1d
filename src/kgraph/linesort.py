"""N-Triples and N-Quads exports that stream: the same bytes as :func:`kgraph.export.export`, in
memory bounded whatever the size of the store.

The deterministic export is the store's distinct statements, one canonical line each, in sorted
order (UTF-8 byte order, which is Unicode code point order: the order of Python's ``sorted`` on
the decoded lines). Here the lines come from pyoxigraph's own dump, one graph at a time (written
in Rust, never held whole), and are put in order by an external merge sort: runs of at most
``run_bytes`` are sorted in memory, written to temporary files and merged with :func:`heapq.merge`,
duplicates dropped as they meet.

Blank nodes keep the export's RDFC-1.0 labels: canonical labels depend only on the statements
that mention blank nodes, so those statements alone (usually few) are gathered and canonicalised
in memory, and their lines join the sort; every other line goes straight from the dump to the
sort.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .store import Store

RUN_BYTES = 64 << 20  # bytes of lines sorted in memory at once (Python holds about 2-3× that)


class _Runs:
    """Sorted, de-duplicated runs of lines on disk, merged on demand."""

    def __init__(self, directory: str, run_bytes: int) -> None:
        self.dir = directory
        self.run_bytes = run_bytes
        self.files: list[str] = []
        self.buf: list[bytes] = []
        self.size = 0

    def add(self, line: bytes) -> None:
        self.buf.append(line)
        self.size += len(line)
        if self.size >= self.run_bytes:
            self.spill()

    def add_block(self, data: bytes) -> None:
        """Lines of a chunk of N-Triples/N-Quads text (every line ends with a newline)."""
        lines = data.splitlines(keepends=True)
        self.buf.extend(lines)
        self.size += len(data)
        if self.size >= self.run_bytes:
            self.spill()

    def spill(self) -> None:
        if not self.buf:
            return
        self.buf = sorted(set(self.buf))
        fd, path = tempfile.mkstemp(prefix="run-", suffix=".nq", dir=self.dir)
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            f.writelines(self.buf)
        self.files.append(path)
        self.buf, self.size = [], 0

    def merged(self) -> Iterator[bytes]:
        """Every line once, in order."""
        if not self.files:  # everything fitted in memory: no disk round trip
            yield from sorted(set(self.buf))
            return
        self.spill()
        handles = [open(p, "rb", buffering=1 << 20) for p in self.files]  # noqa: SIM115
        try:
            last = None
            for line in heapq.merge(*handles):
                if line != last:
                    yield line
                    last = line
        finally:
            for h in handles:
                h.close()


def _has_blank(line: bytes) -> bool:
    """Whether a canonical N-Triples/N-Quads line may hold a blank node (cheap, then exact)."""
    if b"_:" not in line:
        return False
    return any(
        isinstance(t, ox.BlankNode)
        for q in ox.parse(line, format=ox.RdfFormat.N_QUADS)
        for t in (q.subject, q.object)
    )


def _dump_lines(store: Store, graphs: Iterable[str], triples: bool) -> Iterator[bytes]:
    """Blocks of N-Triples (``triples``) or N-Quads lines of ``graphs``, in no particular order."""
    for g, block in store.ntriples(graphs):
        yield block if triples else block.replace(b" .\n", b" <" + g.encode("utf-8") + b"> .\n")


def sorted_lines(
    store: Store,
    graphs: Iterable[str],
    *,
    triples: bool,
    run_bytes: int = RUN_BYTES,
    workdir: str | None = None,
) -> Iterator[bytes]:
    """The distinct N-Triples (``triples``: the graphs' union) or N-Quads lines of ``graphs``,
    sorted, blank nodes labelled as RDFC-1.0 labels them."""
    fmt = ox.RdfFormat.N_TRIPLES if triples else ox.RdfFormat.N_QUADS
    with tempfile.TemporaryDirectory(prefix="kgraph-export-", dir=workdir) as tmp:
        runs = _Runs(tmp, run_bytes)
        blank: list[ox.Quad] = []
        for block in _dump_lines(store, graphs, triples):
            if b"_:" not in block:
                runs.add_block(block)
                continue
            for line in block.splitlines(keepends=True):
                if _has_blank(line):
                    blank.extend(ox.parse(line, format=ox.RdfFormat.N_QUADS))
                else:
                    runs.add(line)
        if blank:
            ds = ox.Dataset(set(blank))
            ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            for line in (ox.serialize(list(ds), format=fmt) or b"").splitlines(keepends=True):
                runs.add(line)
        yield from runs.merged()


__all__ = ["RUN_BYTES", "sorted_lines"]
