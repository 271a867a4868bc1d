"""The user's own files beside the bundled graph: the default store's overlay.

``kgraph load FILE`` on the default store keeps a copy of FILE in the user data directory
(``KGRAPH_DATA_DIR``, default: the platform's user data directory), with a manifest of what was
loaded and of the user's reconciliation decisions. The store that commands query is then an
*overlay store* in the cache, named by a hash of the bundled graph's hash, the user's files and
decisions: a checkpoint of the bundled store (``pyoxigraph.Store.backup``, hard links, no copy of
the data) with the user's files loaded into it, each as its own source, aligned, reconciled
(:mod:`kgraph.reconcile`) and derived like any load.

- A load starts from a checkpoint of the current overlay and adds the new files (incremental).
- An unload starts again from the bundled store and the remaining files, so the answers are
  exactly those before the file was loaded.
- When the bundled data changes (an upgrade) or the cache is wiped, the next command rebuilds
  the overlay from the bundled store and the copies in the data directory: the user's data
  survives both.
- With no user files, the default store is the bundled store itself (nothing changes for
  people who never load anything; one ``stat`` of the manifest per command).

Bundled sources (the articles and the curators' graph) cannot be unloaded: they are the
package's data, rebuilt on every upgrade.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, KGraphError, StoreError, UsageError
from .resources import USER_MANIFEST, has_user_data
from .resources import user_data_dir as data_dir
from .store import OxigraphStore, Store
from .terms import local_name

MANIFEST = USER_MANIFEST
OVERLAY_VERSION = "1"  # bump when what an overlay holds changes (its stores are then rebuilt)


class BundledSource(UsageError):
    """An unload named a source of the bundled graph, which only an upgrade changes."""


@dataclass(frozen=True)
class UserFile:
    """One file the user loaded into the default store (its copy lives in the data directory)."""

    name: str
    sha256: str
    format: str | None = None  # the --format it was loaded with, if any
    map: bool = False  # an alignment file (--map)
    added: str = ""
    # other names ``kgraph unload`` knows it by (an ingested article: its file name and IRI)
    aliases: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "sha256": self.sha256,
            "format": self.format,
            "map": self.map,
            "added": self.added,
        }
        if self.aliases:
            out["aliases"] = list(self.aliases)
        return out


@dataclass
class Manifest:
    """What the data directory holds: the user's files, in load order, and their decisions."""

    files: list[UserFile] = field(default_factory=list)
    decisions: list[dict[str, str]] = field(default_factory=list)  # reconcile accept/reject
    pending: list[dict[str, Any]] = field(default_factory=list)  # unsure matches to decide

    @staticmethod
    def read(root: Path | None = None) -> Manifest:
        path = (root or data_dir()) / MANIFEST
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Manifest()
        except (OSError, ValueError) as e:
            raise StoreError(f"{path}: cannot read the manifest of your data: {e}") from None
        return Manifest(
            [
                UserFile(**{**f, "aliases": tuple(f.get("aliases", ()))})
                for f in raw.get("files", [])
            ],
            list(raw.get("decisions", [])),
            list(raw.get("pending", [])),
        )

    def write(self, root: Path | None = None) -> None:
        root = root or data_dir()
        root.mkdir(parents=True, exist_ok=True)
        body = {
            "version": 1,
            "files": [f.to_json() for f in self.files],
            "decisions": self.decisions,
            "pending": self.pending,
        }
        _write_atomic(root / MANIFEST, json.dumps(body, indent=2).encode() + b"\n")

    def digest(self, base: str) -> str:
        h = hashlib.sha256(f"{OVERLAY_VERSION}\0{base}\0".encode())
        for f in self.files:
            h.update(f"{f.name}\0{f.sha256}\0{f.format}\0{f.map}\0".encode())
        for d in self.decisions:
            h.update(json.dumps(d, sort_keys=True).encode())
        return h.hexdigest()[:16]


def _write_atomic(path: Path, data: bytes) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def files_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "files"


# -- the overlay store ----------------------------------------------------------------------------


def _overlay_path(base_hash: str, manifest: Manifest) -> Path:
    from .build import cache_dir

    return cache_dir() / f"overlay-{manifest.digest(base_hash)}"


def open_store(spec: str | None, *, update_url: str | None = None, read_only: bool = True) -> Store:
    """:func:`kgraph.build.open_store`, where the default store (``None``) carries the user's
    own files beside the bundled graph."""
    from .build import open_store as open_plain

    if spec:
        return open_plain(spec, update_url=update_url, read_only=read_only)
    return open_default()


def open_default() -> Store:
    """The default store: the bundled graph, with the user's files when there are any."""
    from .build import build, default_store

    if not has_user_data():
        return default_store()
    try:
        info = build()
    except KGraphError:  # default_store's fallbacks (previous build, in memory) and warnings
        info = None
    if info is not None and info.path.is_dir():
        return open_overlay(info.path, info.hash)  # no second open of the bundled store
    base = default_store()
    path = base.directory
    if path is not None and path.name.startswith("store-"):
        base.close()
        return open_overlay(path, path.name[len("store-") :])
    if base.writable:  # the cache is unusable and the bundled graph is in memory: join it there
        manifest = Manifest.read()
        _load_user_files(base, manifest.files, manifest)
    return base


def open_overlay(base: Path, base_hash: str) -> Store:
    """The default store: ``base`` (the bundled store) with the user's files, built if needed."""
    manifest = Manifest.read()
    if not manifest.files:
        from .build import open_built

        return open_built(base)
    path = _overlay_path(base_hash, manifest)
    if not path.is_dir():
        with _lock():
            manifest = Manifest.read()
            path = _overlay_path(base_hash, manifest)
            if not path.is_dir():
                pending = _rebuild(base, manifest, path)
                if pending != manifest.pending:
                    manifest.pending = pending
                    manifest.write()
    return OxigraphStore(path, read_only=True, frozen=True)


def _lock() -> Any:
    from filelock import FileLock

    from .build import cache_dir

    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    return FileLock(str(root / "overlay.lock"), timeout=300)


def _checkpoint(source: Path, root: Path) -> OxigraphStore:
    """A writable copy of the store at ``source`` (a RocksDB checkpoint: hard links)."""
    target = root / "store"
    ro = OxigraphStore(source, read_only=True)
    try:
        ro.backup(target)
    finally:
        ro.close()
    return OxigraphStore(target)


@contextmanager
def scratch() -> Iterator[Store]:
    """A writable copy of the default store as it is now, removed afterwards: to try a change
    (an ingest, with its review) against the user's graph before :func:`add` makes it."""
    import shutil
    import tempfile

    from .build import cache_dir

    current = open_default()
    path = current.directory  # an embedded store on disk (not the in-memory fallback)
    current.close()
    if path is None:
        raise StoreError("the default store's cache is unusable; see `kgraph build`")
    cache_dir().mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=".scratch-", dir=cache_dir()))
    try:
        store = _checkpoint(path, root)
        try:
            yield store
        finally:
            store.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _load_user_files(store: Store, files: Sequence[UserFile], manifest: Manifest) -> Any:
    """Load the copies of ``files`` one by one in load order, reconciling each as it comes (as
    the loads did), so a rebuild gives the store the loads gave."""
    from . import reconcile
    from .loading import load

    copies = files_dir()
    maps = [copies / f.name for f in files if f.map]
    outcome = reconcile.Outcome()
    if maps:
        load(store, [], map=maps)
    for f in files:
        if f.map:
            continue
        load(store, [copies / f.name], fmt=f.format)
        step = reconcile.reconcile(store, [f.name], manifest.decisions)
        outcome.merged += step.merged
        outcome.pending += step.pending
    return outcome


def _rebuild(base: Path, manifest: Manifest, final: Path) -> list[dict[str, Any]]:
    """Build the overlay for ``manifest`` from the bundled store (the user's copies as they are)."""
    import shutil
    import tempfile

    from .build import cache_dir

    missing = [f.name for f in manifest.files if not (files_dir() / f.name).is_file()]
    if missing:
        raise StoreError(
            f"your loaded file(s) {', '.join(missing)} are missing from {files_dir()}; "
            "`kgraph unload` them or put them back"
        )
    root = Path(tempfile.mkdtemp(prefix=".overlay-", dir=cache_dir()))
    try:
        store = _checkpoint(base, root)
        outcome = _load_user_files(store, manifest.files, manifest)
        store.close()
        _install(root / "store", final)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return list(outcome.pending)


def _install(built: Path, final: Path) -> None:
    if final.exists():
        from .build import _discard

        _discard(final)
    built.rename(final)
    _remove_old_overlays(final)


def _remove_old_overlays(keep: Path) -> None:
    from .build import _discard

    old = sorted(
        keep.parent.glob("overlay-*"), key=lambda p: p.stat().st_mtime, reverse=True
    )  # others may still be open by running processes: keep the newest few
    for p in old[3:]:
        if p != keep:
            _discard(p)


# -- load, unload, sources ----------------------------------------------------------------------


@dataclass(frozen=True)
class OverlayReport:
    """A load into the default store: the load itself and what reconciliation did."""

    load: Any  # kgraph.loading.LoadReport
    merged: list[dict[str, str]]
    pending: list[dict[str, Any]]
    data_dir: str

    @property
    def store(self) -> str:
        return f"the default store (your files: {self.data_dir})"

    @property
    def files(self) -> list[Any]:
        return list(self.load.files)

    @property
    def quads(self) -> int:
        return int(self.load.quads)

    @property
    def derived(self) -> int:
        return int(self.load.derived)

    @property
    def seconds(self) -> float:
        return float(self.load.seconds)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = self.load.to_json()
        out["store"] = "default"
        out["data_dir"] = self.data_dir
        out["reconciled"] = self.merged
        out["unsure"] = self.pending
        return out


def add(
    files: Sequence[Path],
    *,
    fmt: str | None = None,
    map: Sequence[Path] | None = None,
    progress: Any = None,
    derive: bool = True,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> OverlayReport:
    """Load the user's ``files`` into the default store, keeping copies in the data directory.

    The files are checked and loaded into a new overlay store first; the copies and the manifest
    are written only once that succeeded, so a bad file changes nothing. ``aliases`` gives a
    file (by name) other names that ``kgraph unload`` knows it by.
    """
    import shutil
    import tempfile
    import time

    from .build import build, cache_dir
    from .loading import load

    maps = [Path(p) for p in map or []]
    paths = [Path(p) for p in files]
    if not paths and not maps:
        raise UsageError("nothing to load: give one or more RDF files")
    for p in [*maps, *paths]:
        if not p.is_file():
            raise InputError(f"{p}: no such file" if not p.exists() else f"{p}: not a file")
    names = [p.name for p in [*maps, *paths]]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"two files named {dupes[0]}: a loaded file is known by its name")
    info = build()
    with _lock():
        manifest = Manifest.read()
        current = _overlay_path(info.hash, manifest)
        root = Path(tempfile.mkdtemp(prefix=".overlay-", dir=cache_dir()))
        try:
            replacing = {p.name for p in [*maps, *paths]} & {f.name for f in manifest.files}
            kept = [f for f in manifest.files if f.name not in replacing]
            if manifest.files and current.is_dir() and not replacing:
                store = _checkpoint(current, root)
            else:
                store = _checkpoint(info.path, root)
                if kept:
                    _load_user_files(store, kept, Manifest(kept, manifest.decisions))
            report = load(store, paths, fmt=fmt, map=maps or None, progress=progress, derive=derive)
            from . import reconcile

            outcome = reconcile.reconcile(store, [p.name for p in paths], manifest.decisions)
            store.close()
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            added = [UserFile(p.name, _sha256(p), None, True, stamp) for p in maps] + [
                UserFile(
                    p.name, _sha256(p), fmt, False, stamp, tuple((aliases or {}).get(p.name, ()))
                )
                for p in paths
            ]
            copies = files_dir()
            try:
                copies.mkdir(parents=True, exist_ok=True)
                for p in [*maps, *paths]:
                    _write_atomic(copies / p.name, p.read_bytes())
            except OSError as e:  # an unwritable KGRAPH_DATA_DIR: nothing was recorded
                raise StoreError(f"cannot keep your files in {copies}: {e.strerror}") from None
            new = Manifest(
                [*kept, *added],
                manifest.decisions,
                [x for x in manifest.pending if x.get("file") not in {p.name for p in paths}]
                + outcome.pending,
            )
            _install(root / "store", _overlay_path(info.hash, new))
            new.write()
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return OverlayReport(report, outcome.merged, outcome.pending, str(data_dir()))


def bundled_sources(store: Store) -> list[dict[str, Any]]:
    """The sources of the bundled graph (the articles and the curators' graph), with sizes."""
    from .terms import CURATION_GRAPH

    rows = store.select(
        """SELECT ?src (SAMPLE(?l) AS ?label) (COUNT(?s) AS ?n) WHERE {
             GRAPH kgg:curation { ?src a kg:Source OPTIONAL { ?src skos:prefLabel ?l } }
             OPTIONAL { GRAPH ?src { ?s ?p ?o } }
           } GROUP BY ?src ORDER BY ?src"""
    )
    out = [
        {
            "source": r["src"].value,
            "file": r["label"].value if "label" in r else r["src"].value,
            "graphs": [r["src"].value],
            "quads": int(r["n"].value),
            "origin": "bundled",
        }
        for r in rows
    ]
    n = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:curation { ?s ?p ?o } }")
    if n and int(n[0]["n"].value):
        out.append(
            {
                "source": CURATION_GRAPH,
                "file": "curators' graph",
                "graphs": [CURATION_GRAPH],
                "quads": int(n[0]["n"].value),
                "origin": "bundled",
            }
        )
    return out


def sources(store: Store, *, default: bool) -> list[dict[str, Any]]:
    """Every source of ``store``: bundled ones, then loaded files (``origin``: ``bundled``,
    ``user`` for the user's files in the default store, ``loaded`` in any other store)."""
    from .loading import loaded_sources

    loaded = loaded_sources(store)
    files = {g for s in loaded for g in s["graphs"]}  # a loaded file's graphs are its own
    parts = {g for s in loaded for g in s["graphs"][1:]}
    loaded = [s for s in loaded if s["source"] not in parts]  # listed with the file it came in
    bundled = [b for b in bundled_sources(store) if b["source"] not in files]
    for s in loaded:
        s["origin"] = "user" if default else "loaded"
    return bundled + loaded


def _match(manifest: Manifest, source: str) -> UserFile | None:
    from .loading import source_iri

    for f in manifest.files:
        if source in (f.name, source_iri(f.name), *f.aliases) or (
            "://" not in source and Path(source).name in (f.name, *f.aliases)
        ):
            return f
    return None


def remove(source: str) -> int:
    """Unload one of the user's files from the default store; returns the quads removed.

    The overlay is rebuilt from the bundled store and the remaining files, so the answers are
    exactly those before the file was loaded. A bundled source is refused (:class:`BundledSource`).
    """
    from .build import build
    from .loading import UnknownSource

    info = build()
    with _lock():
        manifest = Manifest.read()
        f = _match(manifest, source)
        if f is None:
            base = OxigraphStore(info.path, read_only=True)
            try:
                bundled = bundled_sources(base)
            finally:
                base.close()
            for b in bundled:
                local = local_name(b["source"])
                if source in (b["source"], local, f"source:{local}", b["file"]):
                    named = b["file"] if local in b["file"] else f"{b['file']} ({local})"
                    raise BundledSource(
                        f"{named} is part of the bundled graph, which every upgrade "
                        "rebuilds from the package's data; only your own files can be unloaded "
                        "(to work without it, export the graph to a --store of your own)"
                    )
            known = ", ".join(x.name for x in manifest.files) or "none"
            raise UnknownSource(f"no loaded source {source!r} (your files: {known})")
        before_path = _overlay_path(info.hash, manifest)
        before = _count(before_path) if before_path.is_dir() else None
        rest = Manifest(
            [x for x in manifest.files if x.name != f.name],
            [d for d in manifest.decisions if d.get("file") != f.name],
            [p for p in manifest.pending if p.get("file") != f.name],
        )
        if rest.files:
            target = _overlay_path(info.hash, rest)
            if not target.is_dir():
                rest.pending = _rebuild(info.path, rest, target)
            after = _count(target)
        else:
            after = _count(info.path)
        if rest.files or rest.decisions or rest.pending:
            rest.write()
        else:
            (data_dir() / MANIFEST).unlink(missing_ok=True)
        (files_dir() / f.name).unlink(missing_ok=True)
    return max((before or after) - after, 0)


def _pick(pending: list[dict[str, Any]], spec: str) -> tuple[dict[str, Any], str | None]:
    """The pending match ``spec`` names (its number in the list, or the file's entity IRI or
    CURIE), and the candidate after ``=`` if any."""
    from .resolve import explicit_iri

    head, _, target = spec.partition("=")
    for i, p in enumerate(pending, 1):
        if head.strip() == str(i) or explicit_iri(head.strip()) == p["local"]:
            chosen = explicit_iri(target.strip()) if target.strip() else None
            if chosen is not None and chosen not in {c["iri"] for c in p["candidates"]}:
                names = ", ".join(c["iri"] for c in p["candidates"])
                raise UsageError(f"{target.strip()} is not a candidate for {p['local']} ({names})")
            return p, chosen
    if not pending:
        raise UsageError("there is no unsure match to decide (kgraph reconcile lists them)")
    known = ", ".join(f"{i} ({p['label']})" for i, p in enumerate(pending, 1))
    raise UsageError(f"no unsure match {head!r}; the unsure matches are {known}")


def decide(accept: Sequence[str] = (), reject: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Record the user's answers to unsure matches and rebuild the overlay with them.

    Each item names a match by its number in ``kgraph reconcile``'s list or by the IRI/CURIE of
    the file's entity, optionally ``=CANDIDATE`` (default: the first candidate; for a rejection,
    every candidate). Returns the matches still unsure.
    """
    from .build import build

    manifest = Manifest.read()
    if not accept and not reject:
        return manifest.pending
    info = build()
    with _lock():
        manifest = Manifest.read()
        chosen: list[tuple[dict[str, Any], str | None, str]] = [
            (*_pick(manifest.pending, a), "accept") for a in accept
        ] + [(*_pick(manifest.pending, r), "reject") for r in reject]
        for p, target, verdict in chosen:
            targets = (
                [target]
                if target
                else [p["candidates"][0]["iri"]]
                if verdict == "accept"
                else [c["iri"] for c in p["candidates"]]
            )
            for t in targets:
                manifest.decisions.append(
                    {"file": p["file"], "local": p["local"], "target": t, "decision": verdict}
                )
        target_path = _overlay_path(info.hash, manifest)
        if not target_path.is_dir():
            manifest.pending = _rebuild(info.path, manifest, target_path)
        decided = {(p["file"], p["local"]) for p, _, _ in chosen}
        manifest.pending = [x for x in manifest.pending if (x["file"], x["local"]) not in decided]
        manifest.write()
    return manifest.pending


def _count(path: Path) -> int:
    s = OxigraphStore(path, read_only=True)
    try:
        return len(s)
    finally:
        s.close()


__all__ = [
    "BundledSource",
    "Manifest",
    "OverlayReport",
    "UserFile",
    "add",
    "bundled_sources",
    "data_dir",
    "has_user_data",
    "open_overlay",
    "remove",
    "scratch",
    "sources",
]
