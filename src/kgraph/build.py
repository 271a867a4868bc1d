"""Compile the ontology and the curated data into the embedded store.

The default store lives in the cache under a name derived from a hash of every input file, so
any change to the ontology or the data makes the next command build afresh. A build writes into
a temporary directory and renames it into place once complete, under a file lock: eight processes
started together build once, and a build killed half-way leaves only a temporary directory that
the next build removes. The previous store stays usable until the new one is in place.
"""

from __future__ import annotations

import os
import sys
import time
from binascii import crc32  # zlib's: the checksums of a built store's files (see CHECKSUMS)
from collections.abc import Container, Sequence

import pyoxigraph as ox

from . import resources
from .errors import InputError, RdfSyntaxError, StoreError
from .records import record
from .store import OxigraphStore, RemoteStore, Store
from .terms import CURATION_GRAPH, ONTOLOGY_GRAPH

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    # Paths are made where a Path is returned or needed: opening the cached store (the path of
    # every `kgraph ask`) works on text paths and never imports pathlib (tests/test_cold_start.py)
    from pathlib import Path

BUILD_VERSION = "4"  # bump when the build rules below (or the store's checksum file) change

try:  # the content hash that names a store: BLAKE2b is built into the interpreter, where
    # importing hashlib loads OpenSSL (about 3 ms of every cold `kgraph ask`)
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

# A statement node (performance, credit, award outcome, relationship) that a recorded
# disagreement is about is disputed: the curators say at least one source gets it wrong. The
# rules derive nothing from it, so a disputed claim stays the claim of the source graph that
# states it (with its disagreement) and never becomes a shortcut fact such as
# ``person kg:awardReceived award``. ``{node}`` is the node's variable.
_UNDISPUTED = """FILTER NOT EXISTS {{ GRAPH kgg:curation {{ ?disagreement a kg:Disagreement ;
                                                          kg:about {node} }} }}"""


def _undisputed(node: str) -> str:
    return _UNDISPUTED.format(node=node)


# Derivation rules, run inside every graph so that a derived triple keeps the provenance of the
# facts it comes from. They materialise what the ontology says (shortcut properties of the n-ary
# performance and credit nodes, inverses, award links) so that queries stay simple and fast.
RULES: tuple[str, ...] = (
    # performances -> cast member / acted in / worked on / character appears in
    """INSERT { GRAPH ?g { ?w kg:castMember ?p . ?p kg:actedIn ?w . ?p kg:workedOn ?w .
                          ?perf kg:participant ?p } }
       WHERE  { GRAPH ?g { ?perf kg:performer ?p ; kg:inWork ?w } """
    + _undisputed("?perf")
    + "}",
    """INSERT { GRAPH ?g { ?c kg:appearsIn ?w } }
       WHERE  { GRAPH ?g { ?perf kg:character ?c ; kg:inWork ?w } """
    + _undisputed("?perf")
    + "}",
    # credits -> the role's shortcut property (director, screenwriter, musicBy, author) + crew
    """INSERT { GRAPH ?g { ?w ?shortcut ?p . ?w kg:crewMember ?p . ?p kg:workedOn ?w .
                          ?cr kg:participant ?p } }
       WHERE  { GRAPH ?g { ?cr kg:creditedPerson ?p ; kg:inWork ?w ; kg:role ?r }
                OPTIONAL { GRAPH kgg:ontology { ?r kg:shortcut ?shortcut } } """
    + _undisputed("?cr")
    + "}",
    # award outcomes -> award received / nominated for, on the recipient
    """INSERT { GRAPH ?g { ?x kg:awardReceived ?a } }
       WHERE  { GRAPH ?g { ?a kg:recipient ?x } GRAPH ?t { ?a a kg:Award } """
    + _undisputed("?a")
    + "}",
    """INSERT { GRAPH ?g { ?x kg:nominatedFor ?a } }
       WHERE  { GRAPH ?g { ?a kg:recipient ?x } GRAPH ?t { ?a a kg:Nomination } """
    + _undisputed("?a")
    + "}",
    # relationships -> unmarried partner, both ways
    """INSERT { GRAPH ?g { ?a kg:unmarriedPartner ?b } }
       WHERE  { GRAPH ?g { ?r kg:partner ?a , ?b } GRAPH ?t { ?r kg:relationshipType "couple" }
                FILTER (?a != ?b) """
    + _undisputed("?r")
    + "}",
    # collaborations across all sources (two people who worked on one work)
    """INSERT { GRAPH kgg:inferred { ?a kg:collaboratedWith ?b } }
       WHERE  { GRAPH ?g1 { ?a kg:workedOn ?w } GRAPH ?g2 { ?b kg:workedOn ?w } FILTER (?a != ?b) }""",
    # ... and each pair as a first-class Collaboration node listing the works they share
    """INSERT { GRAPH kgg:inferred { ?c a kg:Collaboration ; kg:collaborator ?a , ?b ; kg:sharedWork ?w } }
       WHERE  { GRAPH ?g1 { ?a kg:workedOn ?w } GRAPH ?g2 { ?b kg:workedOn ?w }
                FILTER (STR(?a) < STR(?b))
                BIND (IRI(CONCAT("https://kgraph.dev/id/collaboration/",
                                 REPLACE(STR(?a), "^.*/", ""), "--", REPLACE(STR(?b), "^.*/", ""))) AS ?c) }""",
)


def input_files() -> list[Path]:
    """The files the default store is built from: the ontology, the shapes and the data."""
    from pathlib import Path

    return [Path(p) for p in resources.input_files_text()]


def content_hash(files: Sequence[Path | str] | None = None) -> str:
    """A short hash of every input file's name and bytes, and of the build rules."""
    h = blake2b(BUILD_VERSION.encode())
    for r in RULES:
        h.update(r.encode())
    for p in files if files is not None else resources.input_files_text():
        h.update(os.path.basename(p).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
        h.update(b"\0")
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """``KGRAPH_CACHE_DIR`` or the platform's user cache directory."""
    return resources.cache_dir()


def rdf_format(path: Path, fmt: str | None = None) -> ox.RdfFormat:
    """The RDF format of ``path``: ``fmt`` (a name like ``turtle``), else the extension, else the
    content (see :mod:`kgraph.formats`)."""
    from .formats import detect

    return detect(path, fmt)


def parse_file(path: Path, graph: str | None = None, fmt: str | None = None) -> list[ox.Quad]:
    """Parse one RDF file into quads, turning syntax errors into file:line:column errors.

    Triples of a triple-only format go into ``graph`` (the default graph when ``None``).
    """
    from .errors import InputError

    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if b"\0" in data[:8192]:
        raise InputError(f"{path}: this is a binary file, not RDF")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad_line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{bad_line}: not valid UTF-8 (byte 0x{data[e.start]:02x})"
        ) from None
    target = ox.NamedNode(graph) if graph else None
    try:
        quads = ox.parse(data, format=rdf_format(path, fmt), base_iri=path.resolve().as_uri())
        if target is None:
            return list(quads)
        return [
            ox.Quad(q.subject, q.predicate, q.object, target)
            if isinstance(q.graph_name, ox.DefaultGraph)
            else q
            for q in quads
        ]
    except SyntaxError as e:
        from .formats import rdf_syntax_error  # only on a failed parse: off every open's path

        raise rdf_syntax_error(path, e, data) from None


def new_store_contents(store: Store) -> None:
    """What every new store starts with: the ontology, in its own named graph."""
    quads = parse_file(resources.ontology_file(), ONTOLOGY_GRAPH)
    _add(store, quads)
    store.refresh_merged()


def _add(store: Store, quads: list[ox.Quad]) -> None:
    store.insert(quads)


def materialise(store: Store) -> None:
    """Run the derivation rules over the store (idempotent: re-running adds nothing)."""
    for rule in RULES:
        store.update(rule)


def compile_into(store: Store, files: list[Path] | None = None) -> None:
    """Parse every input file (failing before writing anything) and add it, then derive."""
    files = files if files is not None else resources.data_files()
    ontology = parse_file(resources.ontology_file(), ONTOLOGY_GRAPH)
    data: list[ox.Quad] = []
    for f in files:
        data.extend(parse_file(f, CURATION_GRAPH))
    _add(store, ontology)
    _add(store, data)
    materialise(store)
    store.refresh_merged()


@record
class BuildInfo:
    path: Path
    hash: str
    built: bool
    seconds: float
    quads: int
    damaged: str | None = None  # why an existing store was found damaged and rebuilt


# The table files of a built store (and its snapshot) with their CRC-32s. What they guard against is
# damage (a disk fault, a flipped bit, a torn write), as RocksDB's own block checksums (CRC-32C)
# do: a CRC-32 catches every burst of up to 32 bits and all but 2^-32 of any other damage, at a
# fifth of BLAKE2b's cost (the 1.4 MB of the bundled store are checked on every open: 0.2 ms
# against 1.1 ms of a cold `kgraph ask`). Someone who can write the cache can rewrite this file
# too, so a cryptographic hash would add nothing here.
CHECKSUMS = "kgraph-sst.crc32"
# The built store's quads as N-Quads, beside its table files: a read-only process loads them into
# memory (about 7 ms for the bundled graph) rather than opening RocksDB (10-12 ms on a quiet
# machine, 40-50 ms on a busy one), see `snapshot`. Only for small stores, whose every quad a process may hold.
SNAPSHOT = "kgraph-snapshot.nq"
SNAPSHOT_MAX_QUADS = 200_000


def _checksums(store_dir: Path | str, skip: Container[str] = ()) -> dict[str, str]:
    names = os.listdir(store_dir) if os.path.isdir(store_dir) else []
    files = [*sorted(n for n in names if n.endswith(".sst")), *(n for n in names if n == SNAPSHOT)]
    return {n: _digest(_read(store_dir, n)) for n in files if n not in skip}


def _read(store_dir: Path | str, name: str) -> bytes:
    with open(os.path.join(store_dir, name), "rb") as f:
        return f.read()


def _digest(data: bytes) -> str:
    return f"{crc32(data):08x}"


def snapshot(store_dir: Path | str) -> bytes | None:
    """The N-Quads snapshot of the built store in ``store_dir``, if it has one that matches the
    checksum recorded at its build; None when it has none (a store built without one, or too
    big to keep one). A snapshot that does not match raises :class:`StoreCorrupted`."""
    try:
        recorded = _read(store_dir, CHECKSUMS).decode()
    except (OSError, UnicodeDecodeError):
        return None
    want = next(
        (ln.split("  ", 1)[0] for ln in recorded.split("\n") if ln.endswith("  " + SNAPSHOT)), None
    )
    if want is None:
        return None
    from .errors import StoreCorrupted

    try:
        data = _read(store_dir, SNAPSHOT)
    except OSError as e:
        raise StoreCorrupted(f"cannot read {SNAPSHOT}: {e.strerror or e}", str(store_dir)) from None
    if _digest(data) != want:
        raise StoreCorrupted(f"{SNAPSHOT} does not match its checksum", str(store_dir))
    return data


def open_built(store_dir: Path | str) -> OxigraphStore:
    """The built store in ``store_dir``, read-only: from its snapshot when it has one."""
    return OxigraphStore(store_dir, read_only=True, frozen=True, snapshot=snapshot(store_dir))


def verify(store_dir: Path | str, skip: Container[str] = ()) -> str | None:
    """Why the built store in ``store_dir`` is damaged (a table file changed or went missing
    since the build), or None when it is intact or was built before checksums were kept.
    Files named in ``skip`` are not checked (the snapshot, which :func:`snapshot` checks as it
    reads it)."""
    try:
        recorded = _read(store_dir, CHECKSUMS).decode().split("\n")
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot read {CHECKSUMS}: {e.strerror or e}"
    except UnicodeDecodeError:
        return f"{CHECKSUMS} is not text"
    want = dict(line.split("  ", 1)[::-1] for line in recorded if "  " in line)
    try:
        have = _checksums(store_dir, skip)
    except OSError as e:
        return f"cannot read the store's files: {e.strerror or e}"
    for name, digest in want.items():
        if name in skip:
            continue
        if name not in have:
            return f"{name} is missing"
        if have[name] != digest:
            return f"{name} does not match its checksum"
    return None


def _final_path(digest: str) -> Path:
    return cache_dir() / f"store-{digest}"


def _built_store_text() -> str | None:
    """The directory of the up-to-date store in the cache, as text, when it is there: what
    :func:`build` finds without building (and without pathlib, for a cold ``kgraph ask``)."""
    try:
        final = os.path.join(resources.cache_dir_text(), f"store-{content_hash()}")
    except OSError:  # an input cannot be read: build() says so
        return None
    return final if os.path.isdir(final) else None


def build(force: bool = False, *, check: bool = False) -> BuildInfo:
    """Build the default store into the cache unless an up-to-date one is already there.

    ``check`` verifies the existing store's table files against the checksums recorded when it
    was built, and rebuilds a damaged one (``kgraph build`` does; other commands find damage
    when they read it, see :func:`repair`)."""
    t0 = time.perf_counter()
    digest = content_hash()
    final = _final_path(digest)
    damaged = verify(final) if check and final.is_dir() and not force else None
    if damaged:
        _log(cache_dir(), f"damaged {final.name}: {damaged}")
        _discard(final)
        info = build()
        info.damaged = damaged
        return info
    if final.is_dir() and not force:
        return BuildInfo(final, digest, False, time.perf_counter() - t0, -1)
    from filelock import FileLock, Timeout  # only when building: off the path of every other call

    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / "build.lock"))
    try:
        with lock.acquire(timeout=120):
            if final.is_dir() and not force:  # another process built it while we waited
                return BuildInfo(final, digest, False, time.perf_counter() - t0, -1)
            _clean_stale(root)
            import shutil
            import tempfile
            from pathlib import Path

            tmp = Path(tempfile.mkdtemp(prefix=f".building-{digest}-", dir=root))
            try:
                store = OxigraphStore(tmp)
                compile_into(store)
                n = len(store)
                store.close()
                del store
                # Opening it once more moves what the write-ahead log holds into the table files
                # (otherwise every read-only open replays the log, and a damaged table block
                # goes unseen), then the table files' checksums are recorded for `verify`.
                OxigraphStore(tmp).close()
                if n <= SNAPSHOT_MAX_QUADS:
                    ox.Store.read_only(str(tmp)).dump(
                        str(tmp / SNAPSHOT), format=ox.RdfFormat.N_QUADS
                    )
                (tmp / CHECKSUMS).write_text(
                    "".join(f"{d}  {name}\n" for name, d in _checksums(tmp).items())
                )
                if final.exists():
                    _discard(final)
                tmp.rename(final)  # atomic: a store-* directory is always complete
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            seconds = time.perf_counter() - t0
            _log(root, f"built {final.name} ({n} quads, {seconds:.2f} s) pid {os.getpid()}")
            _remove_old_stores(root, keep=final)
    except Timeout:
        raise StoreError(f"timed out waiting for another kgraph build in {root}") from None
    return BuildInfo(final, digest, True, time.perf_counter() - t0, n)


def _log(root: Path, line: str) -> None:
    """Append one line to ``build.log`` in the cache (every build, for people and for tests)."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    try:
        with open(root / "build.log", "a", encoding="utf-8") as f:
            f.write(f"{stamp} {line}\n")
    except OSError:
        pass


def _discard(path: Path) -> None:
    """Remove a store directory: renamed out of the ``store-*`` namespace first (atomic), so a
    removal killed half-way never leaves a partial directory that looks like a store. Values
    derived from it and kept beside it (``store.PerStore``) go with it."""
    for side in (path.parent / "derived").glob(f"{path.name}.*.pickle"):
        side.unlink(missing_ok=True)
    gone = path.with_name(f".old-{path.name}-{os.getpid()}-{time.monotonic_ns()}")
    try:
        path.rename(gone)
    except OSError:
        return
    if gone.is_dir():
        import shutil

        shutil.rmtree(gone, ignore_errors=True)
    else:
        gone.unlink(missing_ok=True)


def _clean_stale(root: Path) -> None:
    """Remove what builds or removals that were killed left behind (we hold the lock)."""
    import shutil

    for pattern in (".building-*", ".old-*"):
        for p in root.glob(pattern):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def _remove_old_stores(root: Path, keep: Path) -> None:
    """Keep the newest few stores (others may still be open by running processes)."""
    stores = sorted(root.glob("store-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in stores[3:]:
        if p != keep:
            _discard(p)


def _latest_store() -> Path | None:
    try:
        stores = sorted(cache_dir().glob("store-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    return stores[0] if stores else None


def default_store() -> Store:
    """The store holding the bundled graph, built on first use or after any input changed.

    When the cache cannot be written (read-only or missing), the graph is built in memory and a
    warning goes to stderr; when the new inputs do not parse, the error is raised and the
    previous store in the cache is left untouched.
    """
    path: Path | str | None = _built_store_text()  # the usual case: built already
    built = False
    if path is None:
        try:
            info = build()
        except (RdfSyntaxError, InputError) as e:
            previous = _latest_store()
            if previous is None:
                raise
            print(f"kgraph: warning: {e}; answering from the previous build", file=sys.stderr)
            return open_built(previous)
        except (PermissionError, StoreError, OSError) as e:
            if isinstance(e, StoreError) and "timed out" in str(e):
                raise
            return _in_memory(e)
        path, built = info.path, info.built
    name = os.path.basename(path)
    seen = -1
    try:
        seen = os.stat(path).st_ino
        problem = None if built else verify(path, skip={SNAPSHOT})
        if problem:
            # Checked before RocksDB reads anything: a flipped bit in a table file can make it
            # fail at read time, or worse, decode garbage (one such store made a process
            # allocate 22 GB before the kernel killed it). Checked too when the snapshot is
            # read instead: the table files are what a load into the user's overlay copies.
            from .errors import StoreCorrupted

            raise StoreCorrupted(problem, str(path))
        return open_built(path)
    except (StoreError, OSError, RuntimeError) as e:  # RocksDB reports corruption as RuntimeError
        if _resource_limit(e):
            # Not damage: the store is fine, the process may not open it (too few file
            # descriptors, no memory). Keep the cache; answer from memory this time.
            print(
                f"kgraph: warning: cannot open the cached store {name} because of a "
                f"resource limit ({e}); the cache is kept, the graph is built in memory",
                file=sys.stderr,
            )
            store = OxigraphStore()
            compile_into(store)
            return store
        # A damaged store directory (not one of ours, or a disk fault): set it aside, rebuild once.
        print(
            f"kgraph: warning: the cached store {name} is damaged ({e}); rebuilding it",
            file=sys.stderr,
        )
        try:
            if os.stat(path).st_ino == seen:  # not already replaced by another process
                from pathlib import Path

                _discard(Path(path))
            info = build()
            return open_built(info.path)
        except (PermissionError, StoreError, OSError) as e2:
            return _in_memory(e2)


_RESOURCE_WORDS = (
    "file descriptors",
    "too many open files",
    "cannot allocate memory",
    "out of memory",
    "no space left",
    "resource temporarily unavailable",
    "disk quota",
)


def _resource_limit(e: BaseException) -> bool:
    """Whether opening failed for want of a resource (descriptors, memory, disk), not damage."""
    import errno

    if isinstance(e, OSError) and e.errno in (
        errno.EMFILE,
        errno.ENFILE,
        errno.ENOMEM,
        errno.ENOSPC,
        errno.EAGAIN,
        errno.EDQUOT,
    ):
        return True
    text = str(e).lower()
    return any(w in text for w in _RESOURCE_WORDS)


def repair(store_path: str | None) -> str | None:
    """After a read found the cached store at ``store_path`` damaged: set it aside and build it
    again. Returns the rebuilt store's path, or None when ``store_path`` is not a cached store
    (a user's ``--store`` directory is never removed by kgraph)."""
    if store_path is None:
        return None
    from pathlib import Path

    path = Path(store_path)
    try:
        if path.parent.resolve() != cache_dir().resolve() or not path.name.startswith("store-"):
            return None
    except OSError:
        return None
    _log(cache_dir(), f"damaged {path.name}: found while reading; rebuilding")
    _discard(path)
    return str(build().path)


def _in_memory(e: Exception) -> Store:
    reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
    where = f" {e.filename}" if isinstance(e, OSError) and e.filename else ""
    print(
        f"kgraph: warning: cache directory unusable ({reason}{':' if where else ''}{where}); "
        "building the graph in memory",
        file=sys.stderr,
    )
    store = OxigraphStore()
    compile_into(store)
    return store


def require_store(spec: str | None) -> None:
    """Raise :class:`StoreError` when ``spec`` names a directory that does not exist: for the
    commands that read a store, or change one they do not create (``unload``)."""
    if not spec or spec == "memory:" or _scheme(spec) or os.path.exists(os.path.expanduser(spec)):
        return
    hint = " (did you mean memory:?)" if spec.lower().rstrip(":") in ("memory", "mem") else ""
    raise StoreError(
        f"--store {spec}: no store there{hint}; `kgraph --store {spec} load FILE…` or "
        "`import FILE` creates one"
    )


def _scheme(spec: str) -> str | None:
    """The URL scheme ``spec`` starts with (``ftp`` of ``ftp://x``), else None.

    >>> _scheme("HTTP://x/sparql"), _scheme("ftp://x"), _scheme("./films"), _scheme("C:/x")
    ('HTTP', 'ftp', None, None)
    """
    head, sep, _ = spec.partition("://")
    if sep and head[:1].isalpha() and all(c.isalnum() or c in "+.-" for c in head):
        return head
    return None


def open_store(spec: str | None, *, update_url: str | None = None, read_only: bool = True) -> Store:
    """Open the store named by ``spec``: ``memory:``, an ``http(s)://`` URL, or a directory.

    ``None`` means the default store: the bundled graph, built into the cache if needed. A
    directory that does not exist is created only for a writer (``read_only=False``: ``load``,
    ``import``, ``ingest``); a reader is refused, so a mistyped ``--store`` never turns into a
    new, empty store that answers nothing. Any other ``scheme://`` is refused as such.

    >>> open_store("ftp://example.org/films")
    Traceback (most recent call last):
    ...
    kgraph.errors.StoreError: --store ftp://example.org/films: unknown scheme 'ftp://'; a store is a directory, memory: or an http(s):// SPARQL endpoint
    """
    if spec is None or spec == "":
        return default_store()
    if spec == "memory:":
        store = OxigraphStore()
        new_store_contents(store)
        return store
    scheme = _scheme(spec)
    if scheme and scheme.lower() in ("http", "https"):
        return RemoteStore(spec, update_url)
    if scheme:
        raise StoreError(
            f"--store {spec}: unknown scheme '{scheme}://'; a store is a directory, "
            "memory: or an http(s):// SPARQL endpoint"
        )
    from pathlib import Path

    path = Path(spec).expanduser()
    if path.exists() and not path.is_dir():
        raise StoreError(f"--store {spec}: not a directory")
    if read_only:
        require_store(spec)
    if path.is_dir():
        from .atomic import recover

        recover(path)  # a load or unload killed half-way is undone
    fresh = not path.exists() or not any(path.iterdir())
    if fresh or not read_only:
        store = OxigraphStore(path)
        if fresh:
            new_store_contents(store)
        if not read_only:
            return store
        store.close()  # created for a reader: hand it over read-only, not held open writable
    return OxigraphStore(path, read_only=True)
