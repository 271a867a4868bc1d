"""Ingesting into the default store: the accepted facts join the user's own data.

The default store is rebuilt from the package's data on every upgrade, so an article's facts
cannot simply be written into it. They join the user's overlay (:mod:`kgraph.overlay`) the way
a file loaded with ``kgraph load`` does: the article is read, linked and decided against a
scratch copy of the default store (so several articles see each other, as on any store), then
each changed article's source graph — its PROV record, facts and disagreements, exactly what
``ingest`` writes into a store of one's own — is written as a TriG file and added to the
overlay in one step. The copy lives in the data directory as ``<article file name>.trig``:
it survives cache wipes and upgrades, ``kgraph sources`` lists it, ``kgraph unload`` takes the
article's file name, and it is reconciled and derived like any load.

Nothing is added when every article is unchanged; a failure anywhere leaves the default store
and the data directory as they were (:func:`kgraph.overlay.add` writes the copies and the
manifest only after the new overlay store is built).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from . import IngestReport, ingest

SUFFIX = ".trig"


def ingest_default(files: Sequence[Path | str], **options: Any) -> IngestReport:
    """:func:`kgraph.ingest.ingest` into the default store's user overlay (see the module).

    Takes the options of :func:`~kgraph.ingest.ingest`; ``report.added`` is the
    :class:`~kgraph.overlay.OverlayReport` of the files added (``None`` when nothing changed).
    """
    from .. import overlay

    paths = [Path(f) for f in files]
    names = [p.name for p in paths]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"two articles named {dupes[0]}: an ingested article is known by its name")
    with overlay.scratch() as store:
        report = ingest(store, paths, **options)
    report.store = "default"
    changed = [f for f in report.files if f.written]
    if options.get("dry_run") or not changed:
        return report
    import shutil
    import tempfile

    from ..build import cache_dir

    tmp = Path(tempfile.mkdtemp(prefix=".ingest-", dir=cache_dir()))
    try:
        written = []
        aliases: dict[str, list[str]] = {}
        for f in changed:
            target = tmp / (f.article.name + SUFFIX)
            target.write_bytes(serialise(f.quads))
            written.append(target)
            aliases[target.name] = [f.article.name, f.source]
        report.added = overlay.add(written, aliases=aliases)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report


def serialise(quads: Sequence[Any]) -> bytes:
    """An article's source graph as TriG, with kgraph's prefixes."""
    import pyoxigraph as ox

    from ..terms import PREFIXES

    used = ("kg", "source", "person", "work", "character", "performance", "credit", "org")
    more = ("event", "award", "rel", "role", "disagreement", "xsd", "skos", "prov", "dcterms")
    prefixes = {k: PREFIXES[k] for k in (*used, *more)}
    out = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    assert out is not None  # no output file given: the bytes are returned
    return out


__all__ = ["SUFFIX", "ingest_default", "serialise"]
