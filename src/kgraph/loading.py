"""Adding RDF files to a store, each as its own named graph, atomically, on every kind of store.

A loaded file becomes a source: its triples (those not already in a named graph of the file)
go into the named graph ``https://kgraph.dev/id/source/file/<file name>``, which also holds the
file's record (``a kg:Source ; kg:fileName …``, and ``dcterms:hasPart`` for every named graph a
TriG/N-Quads/JSON-LD file brings). Loading a file of the same name again replaces those graphs;
:func:`unload` removes them.

Every file is read twice, streaming: first to check that it parses to the end (nothing is
written when it does not: the error names file, line and column), then to write it in batches.
Memory stays bounded whatever the file size. After the files, data written in other
vocabularies is aligned to kgraph's (:mod:`kgraph.alignment`) and the build's derivation rules
run (:func:`kgraph.build.materialise`).

>>> from kgraph.build import open_store
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny.ttl"
>>> _ = f.write_text('<https://kgraph.dev/id/person/x> a <https://schema.org/Person> ; '
...                  '<https://schema.org/name> "X" .')
>>> report = load(open_store("memory:"), [f])
>>> report.files[0].source, report.files[0].quads
('https://kgraph.dev/id/source/file/tiny.ttl', 2)
"""

from __future__ import annotations

import gzip
import io
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from .errors import InputError, KGraphError, RdfSyntaxError, StoreError, UsageError
from .formats import rdf_syntax_error
from .store import BATCH, Store, insert_quads
from .terms import INFERRED_GRAPH, KG_NS, MERGED_GRAPH, ONTOLOGY_GRAPH, is_source_graph

FILE_SOURCE_NS = "https://kgraph.dev/id/source/file/"
HAS_PART = "http://purl.org/dc/terms/hasPart"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
FILE_NAME = KG_NS + "fileName"
FILE_PATH = KG_NS + "filePath"
# what a source's record says about it: written by kgraph only, never taken from the file
_RECORD_PREDICATES = {FILE_NAME, FILE_PATH, HAS_PART}


# a dataset file at least this big has its triples written out by the check pass (_bulk_merge)
_SCAN_TRIPLES_BYTES = 1 << 20
# (phase, file, bytes done, bytes total); phase is "checking" or "loading"
Progress = Callable[[str, Path, int, int], None]


class UnknownSource(KGraphError):
    """``kgraph unload`` was given a source that no loaded file matches."""

    exit_code = 1


@dataclass(frozen=True)
class LoadedFile:
    """One file added to the store."""

    path: str
    source: str
    format: str
    quads: int
    graphs: list[str]
    replaced: bool
    seconds: float
    # graphs the file names that belong to the store or to another source -> where they went
    renamed: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "source": self.source,
            "format": self.format,
            "quads": self.quads,
            "graphs": self.graphs,
            "replaced": self.replaced,
            "seconds": round(self.seconds, 3),
            "renamed": dict(self.renamed),
        }


@dataclass(frozen=True)
class LoadReport:
    """What :func:`load` did: the files, the triples derived from them, the time it took."""

    store: str
    files: list[LoadedFile]
    derived: int
    seconds: float

    @property
    def quads(self) -> int:
        return sum(f.quads for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "files": [f.to_json() for f in self.files],
            "quads": self.quads,
            "derived": self.derived,
            "seconds": round(self.seconds, 3),
        }


def source_iri(path: Path | str) -> str:
    """The IRI of the source (and named graph) a file is loaded as, from its file name.

    >>> source_iri("data/My Films.ttl")
    'https://kgraph.dev/id/source/file/My%20Films.ttl'
    """
    return FILE_SOURCE_NS + urllib.parse.quote(Path(path).name, safe="")


# -- reading ------------------------------------------------------------------------------


class _Counting(io.RawIOBase):
    """A binary reader that reports how many bytes of the underlying file have been read."""

    def __init__(self, raw: IO[bytes], report: Callable[[int], None], position: Callable[[], int]):
        self._raw, self._report, self._position = raw, report, position
        self._last = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._raw.readinto(b)  # type: ignore[attr-defined]
        pos = self._position()
        if pos - self._last >= 1 << 20:
            self._report(pos)
            self._last = pos
        return n or 0


def _open(
    path: Path, phase: str, progress: Progress | None
) -> tuple[IO[bytes], Callable[[], None]]:
    try:
        raw = path.open("rb")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    total = path.stat().st_size
    head = raw.read(8192)
    raw.seek(0)
    gz = path.suffix.lower() == ".gz"
    if not gz and b"\0" in head:
        raw.close()
        raise InputError(f"{path}: this is a binary file, not RDF")
    if not head.strip():
        raw.close()
        raise InputError(f"{path}: the file is empty")
    # The stream outlives this function: the caller closes it through the returned closer.
    stream: IO[bytes] = gzip.open(raw) if gz else raw  # type: ignore[assignment]  # noqa: SIM115
    if progress is None:
        return stream, stream.close
    report = progress
    report(phase, path, 0, total)
    counted = io.BufferedReader(
        _Counting(stream, lambda n: report(phase, path, n, total), raw.tell), buffer_size=1 << 16
    )

    def done() -> None:
        report(phase, path, total, total)
        counted.close()
        stream.close()

    return counted, done  # type: ignore[return-value]


def _parse(path: Path, fmt: ox.RdfFormat, stream: IO[bytes]) -> Iterator[ox.Quad]:
    source: IO[bytes] | bytes = stream
    if fmt == ox.RdfFormat.JSON_LD:  # remote contexts come from kgraph's shipped copies
        from .formats import inline_contexts

        source = inline_contexts(stream.read(), path)
    try:
        yield from ox.parse(
            source, format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True
        )
    except SyntaxError as e:
        raise rdf_syntax_error(path, e) from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not valid UTF-8 ({e.reason})") from None
    except (OSError, EOFError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None


@dataclass
class _Scan:
    quads: int = 0
    graphs: set[str] = field(default_factory=set)
    default_graph: bool = False
    blank_nodes: bool = False
    axioms: bool = False
    terms: set[str] = field(default_factory=set)  # predicates, and classes given by rdf:type
    record_claims: bool = False  # the file states kgraph's record predicates itself


_AXIOMS = {
    "http://www.w3.org/2002/07/owl#equivalentClass",
    "http://www.w3.org/2002/07/owl#equivalentProperty",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2002/07/owl#inverseOf",
}


def _scan(
    path: Path, fmt: ox.RdfFormat, progress: Progress | None, triples: Path | None = None
) -> _Scan:
    """Parse the whole file without keeping it: syntax errors surface before anything is written.

    The loop is the cost of a big load beyond the engine's own (every quad crosses into
    Python once), so it does the least per quad: terms are kept as pyoxigraph objects (hashed
    in Rust) and turned into strings once at the end; blank nodes are looked for only until
    the first is found. ``triples``: also write the file's triples there, as N-Triples (what
    the merged default graph gains from a dataset file, without a second parse)."""
    scan = _Scan()
    preds: set[ox.NamedNode] = set()
    classes: set[Any] = set()
    graphs: set[Any] = set()
    rdf_type = ox.NamedNode(RDF_TYPE)
    blank, default, triple = ox.BlankNode, ox.DefaultGraph, ox.Triple
    n = 0
    has_blank = False
    keep = triples is not None
    stream, done = _open(path, "checking", progress)

    def walk() -> Iterator[ox.Triple]:
        nonlocal n, has_blank
        for s, p, o, g in _parse(path, fmt, stream):
            n += 1
            preds.add(p)
            graphs.add(g)
            if p == rdf_type:
                classes.add(o)
            if not has_blank and (type(s) is blank or type(o) is blank):
                has_blank = True
            if type(o) is triple or type(s) is triple:
                raise InputError(
                    f"{path}: RDF 1.2 triple terms (<<( … )>> or << … >>) are not supported; "
                    "kgraph's exports, validation and inference work on RDF 1.1 data"
                )
            if keep:
                yield triple(s, p, o)

    try:
        if triples is None:
            for _ in walk():
                pass
        else:
            ox.serialize(walk(), output=str(triples), format=ox.RdfFormat.N_TRIPLES)
    finally:
        done()
    scan.quads = n
    scan.blank_nodes = has_blank
    for g in graphs:
        if type(g) is default:
            scan.default_graph = True
        else:
            scan.graphs.add(g.value)
    predicates = {p.value for p in preds}
    scan.terms = predicates | {c.value for c in classes if isinstance(c, ox.NamedNode)}
    scan.axioms = not predicates.isdisjoint(_AXIOMS)
    scan.record_claims = not predicates.isdisjoint(_RECORD_PREDICATES)
    return scan


# Virtuoso 7.2 ignores a variable that is both the graph and the subject of a pattern
# (GRAPH ?g { ?g ?p ?o }), so the queries below name the graph or compare with FILTER.

# -- writing ------------------------------------------------------------------------------


def _retarget(
    quads: Iterable[ox.Quad], graph: ox.NamedNode, renamed: dict[str, str] | None = None
) -> Iterator[ox.Quad]:
    """Default-graph triples into the file's graph, renamed graphs to their new names, and the
    file's own statements of kgraph's record predicates about its source dropped (only kgraph
    writes a source's record: a file claiming ``hasPart <another graph>`` would take it over)."""
    moved = {k: ox.NamedNode(v) for k, v in (renamed or {}).items()}
    for q in quads:
        g = q.graph_name
        if isinstance(g, ox.DefaultGraph):
            g = graph
        elif g.value in moved:
            g = moved[g.value]
        if g == graph and q.subject == graph and q.predicate.value in _RECORD_PREDICATES:
            continue
        yield q if g is q.graph_name else ox.Quad(q.subject, q.predicate, q.object, g)


def _drop(store: Store, graphs: Iterable[str]) -> None:
    store.drop_graphs(graphs)


def _has_graph(store: Store, graph: str) -> bool:
    return store.has_graph(graph)


def _record_parts(store: Store, source: str) -> list[str]:
    """The graphs a previous load of this source wrote (its own graph included)."""
    rows = store.select(
        "SELECT ?part FROM NAMED ?src WHERE { GRAPH ?src { ?src kg:fileName ?n "
        "OPTIONAL { ?src dcterms:hasPart ?part } } }".replace("?src", f"<{source}>", 2),
        {"src": ox.NamedNode(source)},
    )
    if not rows:
        return []
    return [source, *(r["part"].value for r in rows if "part" in r)]


def ensure_ontology(store: Store) -> bool:
    """Give a store that lacks it the kgraph ontology graph (a new store's only content)."""
    if _has_graph(store, ONTOLOGY_GRAPH):
        return False
    from .build import new_store_contents

    new_store_contents(store)
    return True


def _bulk(store: Store, fmt: ox.RdfFormat, scan: _Scan) -> bool:
    """Whether the embedded bulk loader can write this file with the same result as
    :func:`insert_quads`: no blank nodes, and no statement of kgraph's record predicates. A dataset
    file's default-graph triples go into the file's graph there too: the loader's ``to_graph`` is
    the graph a file's default graph is read into, whatever its format."""
    if not store.supports_bulk_load or scan.blank_nodes or scan.quads < BATCH:
        return False
    if fmt == ox.RdfFormat.JSON_LD:  # its contexts are inlined by _parse, not by bulk_load
        return False
    return not scan.record_claims


def _record_path(store: Store, source: str) -> tuple[bool, str | None]:
    """Whether ``source`` has a record in the store, and the file path it records (if any)."""
    rows = store.select(
        f"SELECT ?path FROM NAMED <{source}> WHERE {{ GRAPH <{source}> {{ ?src kg:fileName ?n "
        f"OPTIONAL {{ ?src <{FILE_PATH}> ?path }} }} }}",
        {"src": ox.NamedNode(source)},
    )
    if not rows:
        return False, None
    paths = [str(r["path"].value) for r in rows if "path" in r]  # type: ignore[union-attr]
    return True, paths[0] if paths else None


def source_for(store: Store, path: Path, taken: set[str]) -> str:
    """The source IRI a file loads as: its base name, unless another file of that name (another
    path that still exists, or one earlier in the same ``load``) holds it; then the base name
    followed by ``~`` and a hash of the resolved path, so both files stay loaded."""
    import hashlib

    base = source_iri(path)
    resolved = str(path.resolve())
    exists, recorded = _record_path(store, base)
    same = not exists or recorded is None or recorded == resolved or not Path(recorded).exists()
    if same and base not in taken:
        return base
    return base + "~" + hashlib.sha256(resolved.encode()).hexdigest()[:8]


def _reserved(graph: str) -> bool:
    """Graphs a file may never write as they are, present or not: every file source's graph
    (a file writing ``<…/file/other.ttl>`` could plant a record there that a later load of
    other.ttl would trust) and the merged default graph kgraph maintains."""
    return graph.startswith(FILE_SOURCE_NS) or graph == MERGED_GRAPH


def _claims(store: Store, source: str, graphs: set[str], previous: list[str]) -> dict[str, str]:
    """The named graphs of a file that it may not write as they are -> the name they get instead.

    A file owns the graphs it brought the last time it was loaded. Any other graph already in the
    store (the ontology, the inferred graph, another source's graphs), and any file source's
    graph, is renamed into the file's namespace, so that unloading the file can never remove
    anything it did not add."""
    owned = set(previous)
    renamed = {}
    for g in sorted(graphs - {source}):
        if g in owned:
            continue
        if _reserved(g) or _has_graph(store, g):
            renamed[g] = f"{source}/graph/{urllib.parse.quote(g, safe='')}"
    return renamed


def _load_one(
    store: Store,
    path: Path,
    fmt: str | None,
    progress: Progress | None,
    taken: set[str],
    merge: bool = False,
) -> tuple[LoadedFile, _Scan, bool]:
    """Load one file; with ``merge`` (a load that only adds, on a store whose merged default graph
    is kept: :meth:`Store.defer_merged`) a file the bulk loader writes also goes into the merged
    graph at once. Returns the file, its scan, and whether it was written to the merge."""
    from .build import rdf_format

    t0 = time.perf_counter()
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    rformat = rdf_format(path, fmt)
    if rformat == ox.RdfFormat.RDF_XML:
        from .xmlguard import check_entities

        check_entities(path)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kgraph-load-") as tmp:
        # a big dataset file whose triples the merged graph may take at once (see _bulk_merge):
        # the check pass writes them out as N-Triples on its way
        big = merge and rformat.supports_datasets and path.stat().st_size >= _SCAN_TRIPLES_BYTES
        triples = Path(tmp) / "triples.nt" if big else None
        return _load_checked(store, path, fmt, rformat, progress, taken, merge, triples, t0)


def _load_checked(
    store: Store,
    path: Path,
    fmt: str | None,
    rformat: ox.RdfFormat,
    progress: Progress | None,
    taken: set[str],
    merge: bool,
    triples: Path | None,
    t0: float,
) -> tuple[LoadedFile, _Scan, bool]:
    stamp = _stamp(path)
    try:
        scan = _scan(path, rformat, progress, triples)
    except RdfSyntaxError as first:
        # A misleading extension (Turtle in a .json file): the content may tell the truth.
        from .formats import read_head, sniff

        other = None if fmt else sniff(read_head(path))
        if other is None or other == rformat:
            raise
        if other == ox.RdfFormat.RDF_XML:
            from .xmlguard import check_entities

            check_entities(path)
        if triples is not None:  # the first pass's partial output is no use
            triples.unlink(missing_ok=True)
            triples = triples if other.supports_datasets else None
        try:
            scan = _scan(path, other, progress, triples)
        except RdfSyntaxError:
            raise first from None
        rformat = other
    source = source_for(store, path, taken)
    taken.add(source)
    graph = ox.NamedNode(source)
    previous = _record_parts(store, source)
    renamed = _claims(store, source, scan.graphs, previous)
    _drop(store, previous)
    parts = sorted({renamed.get(g, g) for g in scan.graphs} - {source})
    name = urllib.parse.unquote(source[len(FILE_SOURCE_NS) :])
    record = [
        ox.Quad(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(KG_NS + "Source"), graph),
        ox.Quad(graph, ox.NamedNode(FILE_NAME), ox.Literal(path.name), graph),
        ox.Quad(graph, ox.NamedNode(FILE_PATH), ox.Literal(str(path.resolve())), graph),
        ox.Quad(graph, ox.NamedNode(SKOS_PREF), ox.Literal(name), graph),
        *(ox.Quad(graph, ox.NamedNode(HAS_PART), ox.NamedNode(p), graph) for p in parts),
        *_part_records(graph, parts),
    ]
    written: list[str] = [source, *parts]
    try:
        stream, done = _open(path, "loading", progress)
        try:
            if _bulk(store, rformat, scan) and not renamed:
                # Already checked to parse to the end: the bulk loader (many times faster than
                # transactions, memory-light) writes it. It keeps blank node labels, so files
                # with blank nodes take the transactional path, which renames them.
                # An uncompressed file is read by the engine itself (by path), not through
                # a Python file object; progress then jumps from start to end. The check pass
                # has just parsed it whole, strictly: the engine's parser may skip validating
                # IRIs and language tags again (lenient), as long as the file did not change
                # in between, which its size, modification time and inode tell (checked below).
                base = path.resolve().as_uri()
                n = scan.quads
                merged = merge and not previous
                try:
                    if path.suffix.lower() == ".gz":
                        store.bulk_load(graph, rformat, stream, base, lenient=True)
                    else:
                        store.bulk_load(graph, rformat, path, base, lenient=True)
                    if merged:
                        _bulk_merge(store, path, rformat, base, triples)
                except Exception:
                    _unchanged(path, stamp)  # the reason, when the file changed under us
                    raise
                _unchanged(path, stamp)
                if merged:
                    store.insert(ox.Quad(q.subject, q.predicate, q.object) for q in record)
            else:
                n = insert_quads(store, _retarget(_parse(path, rformat, stream), graph, renamed))
                merged = False
        finally:
            done()
        insert_quads(store, record)
    except BaseException:
        # The file changed under us, or the store failed: take back what was written.
        try:
            _drop(store, written)
        except KGraphError:
            pass
        raise
    fmt_name = rformat.name
    info = LoadedFile(
        str(path),
        source,
        fmt_name,
        n,
        [source, *parts],
        bool(previous),
        time.perf_counter() - t0,
        renamed,
    )
    return info, scan, merged


def _part_records(graph: ox.NamedNode, parts: list[str]) -> Iterator[ox.Quad]:
    """Each named graph a file brings is a source of its own, as answers cite it (every saved
    query counts a graph's statements only when the graph is ``a kg:Source``). Only its type:
    a label would compete with one the data gives it (the bundled ``data/*.trig`` name their
    articles' graphs); without one it is named by its IRI's last segment. The record lives in
    the file's graph, so it goes with it. kgraph's own graphs (the curation, the inferred graph: a
    dump of a store brings them) are no source."""
    source = ox.NamedNode(KG_NS + "Source")
    for p in parts:
        if is_source_graph(p):
            yield ox.Quad(ox.NamedNode(p), ox.NamedNode(RDF_TYPE), source, graph)


def _stamp(path: Path) -> tuple[int, int, int]:
    """What tells a file changed since it was checked: its size, modification time and inode."""
    try:
        st = path.stat()
    except OSError:  # gone: changed
        return -1, -1, -1
    return st.st_size, st.st_mtime_ns, st.st_ino


def _unchanged(path: Path, stamp: tuple[int, int, int]) -> None:
    if _stamp(path) != stamp:
        raise InputError(
            f"{path}: the file changed while it was being loaded; nothing was loaded from it "
            "(load it again once it is complete)"
        )


def _bulk_merge(
    store: Store, path: Path, fmt: ox.RdfFormat, base: str, triples: Path | None = None
) -> None:
    """Write the triples of a file just bulk-loaded into the default graph too (the merge of the
    named graphs, which already holds the other sources'): a second bulk load of the file itself
    (its triples, for a dataset format, through an N-Triples file: ``triples`` when the check
    pass wrote it, else a temporary one), which costs about half the first, where dumping the
    new graph again would cost more than the first."""
    import tempfile

    default = ox.DefaultGraph()
    # lenient: N-Triples pyoxigraph wrote itself, or the file the check pass parsed strictly
    # (the caller compares its size and time afterwards)
    if triples is not None and triples.is_file():
        store.bulk_load(default, ox.RdfFormat.N_TRIPLES, triples, None, lenient=True)
        return
    if not fmt.supports_datasets:
        if path.suffix.lower() == ".gz":
            with gzip.open(path) as gz:
                store.bulk_load(default, fmt, cast("IO[bytes]", gz), base, lenient=True)
        else:
            store.bulk_load(default, fmt, path, base, lenient=True)
        return
    with tempfile.TemporaryDirectory(prefix="kgraph-merge-") as tmp:
        nt = Path(tmp) / "triples.nt"
        with gzip.open(path) if path.suffix.lower() == ".gz" else path.open("rb") as stream:
            quads = ox.parse(cast("IO[bytes]", stream), format=fmt, base_iri=base)
            ox.serialize((q.triple for q in quads), output=str(nt), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_load(default, ox.RdfFormat.N_TRIPLES, nt, None, lenient=True)


def load(
    store: Store,
    files: Sequence[Path],
    *,
    fmt: str | None = None,
    map: Sequence[Path] | Path | None = None,
    progress: Progress | None = None,
    derive: bool = True,
) -> LoadReport:
    """Load RDF files into ``store``, each as its own named graph and source.

    ``map`` names alignment files (OWL axioms between another vocabulary and kgraph's or
    schema.org's), loaded first. ``derive=False`` skips the alignment and derivation step, for
    files that already hold kgraph's derived triples (the benchmark generator's output).
    """
    t0 = time.perf_counter()
    if not store.writable:
        raise StoreError(f"the store at {store.location} is open read-only")
    maps = [map] if isinstance(map, Path) else list(map or [])
    todo = [Path(p) for p in [*maps, *files]]
    if not todo:
        raise UsageError("nothing to load: give one or more RDF files")
    from .build import rdf_format

    for p in todo:  # fail on an unknown format before loading anything
        if p.is_file():
            rdf_format(p, fmt if p not in maps else None)
    from .atomic import all_or_nothing

    with all_or_nothing(store):
        ensure_ontology(store)
        # Brought up to date at the end; meanwhile queries (alignment reads the mappings through
        # the default graph) read the union of the named graphs, this load's included. The
        # merge itself is kept: a load that only adds new sources extends it with their triples
        # (and the triples derived from them) rather than rewriting it whole.
        store.defer_merged()
        changed: list[str] | None = []  # graphs whose triples the merge lacks; None: rewrite it
        try:
            before = len(store) if derive else 0
            loaded: list[LoadedFile] = []
            new_axioms = False
            present: set[str] = set()
            taken: set[str] = set()
            for p in todo:
                info, scan, merged = _load_one(
                    store,
                    p,
                    fmt if p not in maps else None,
                    progress,
                    taken,
                    merge=not derive and store.merge_deferred,
                )
                loaded.append(info)
                new_axioms = new_axioms or scan.axioms
                present |= scan.terms
                if info.replaced:
                    changed = None  # triples were removed: the merge is rewritten
                elif changed is not None and not merged:
                    changed += info.graphs
            derived = 0
            if derive:
                from . import alignment
                from .build import materialise

                counts = _graph_sizes(store) if changed is not None else {}
                if new_axioms:  # a new mapping may concern anything loaded before
                    alignment.align(store, [g for s in loaded_sources(store) for g in s["graphs"]])
                    changed = None  # alignment may have rewritten any graph
                else:
                    alignment.align(store, [g for f in loaded for g in f.graphs], present)
                materialise(store)
                derived = len(store) - before - sum(f.quads for f in loaded)
                if changed is not None:
                    # alignment changed only this load's graphs (already listed); the rules only
                    # add, in any graph: the graphs that grew are the ones to add again
                    grown = _graph_sizes(store)
                    changed += [g for g, n in grown.items() if counts.get(g) != n]
        finally:
            # brought up to date whether the load worked or not: a failed load must not leave the
            # default graph without its merge (an embedded store is then restored as a whole)
            _refresh_merged(store, changed)
    return LoadReport(store.location, loaded, max(derived, 0), time.perf_counter() - t0)


def _graph_sizes(store: Store) -> dict[str, int]:
    """The number of triples of every named graph."""
    rows = store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    return {r["g"].value: int(r["n"].value) for r in rows}


def _refresh_merged(store: Store, added: list[str] | None = None) -> None:
    """Bring the merged default graph up to date: extend it with the triples of ``added`` (a
    change that only added triples, to those graphs), else rewrite it. On the way out of a
    failed change it is rewritten, and a failure to do so must not hide the error that is being
    reported. Either way the store's data changed: the values derived from it (the fact base
    and name index of ``ask``) are dropped, to be derived again when next asked for."""
    import sys

    from .store import forget_derived

    forget_derived(store)
    if sys.exc_info()[0] is None:
        if added is not None:
            store.extend_merged(added)
        else:
            store.refresh_merged()
        return
    try:
        store.refresh_merged()
    except Exception:  # noqa: BLE001, S110 -- the original error is the one the user needs
        pass


def loaded_sources(store: Store) -> list[dict[str, Any]]:
    """The files loaded into ``store``: source IRI, file name, graphs and number of quads."""
    # A record is the file graph's own statement about itself; the comparison is made here
    # rather than in SPARQL, where Virtuoso gets it wrong (see above).
    found: dict[str, tuple[str, list[str]]] = {}
    paths: dict[str, str] = {}
    for r in store.select("SELECT ?src ?s ?name WHERE { GRAPH ?src { ?s kg:fileName ?name } }"):
        if r["s"] == r["src"]:
            found[r["src"].value] = (r["name"].value, [])
    for r in store.select(
        f"SELECT ?src ?s ?path WHERE {{ GRAPH ?src {{ ?s <{FILE_PATH}> ?path }} }}"
    ):
        if r["s"] == r["src"]:
            paths[r["src"].value] = r["path"].value
    for r in store.select("SELECT ?src ?s ?part WHERE { GRAPH ?src { ?s dcterms:hasPart ?part } }"):
        if r["s"] == r["src"] and r["src"].value in found:
            found[r["src"].value][1].append(r["part"].value)
    out = []
    for src, (name, parts) in sorted(found.items(), key=lambda kv: (kv[1][0], kv[0])):
        graphs = [src, *sorted(set(parts))]
        n = store.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            {"g": [ox.NamedNode(g) for g in graphs]},
        )
        entry: dict[str, Any] = {
            "source": src,
            "file": name,
            "graphs": graphs,
            "quads": int(n[0]["n"].value) if n else 0,
        }
        if src in paths:
            entry["path"] = paths[src]
        out.append(entry)
    return out


def _find_source(store: Store, source: str) -> str:
    sources = loaded_sources(store)
    for s in sources:
        if source == s["source"]:
            return str(s["source"])
    if "://" not in source:
        named = [s for s in sources if Path(source).name == s["file"]]
        if len(named) > 1:
            here = str(Path(source).resolve())
            exact = [s for s in named if s.get("path") == here]
            if len(exact) == 1:
                return str(exact[0]["source"])
            listed = ", ".join(str(s["source"]) for s in named)
            raise UsageError(
                f"{len(named)} loaded sources are called {Path(source).name!r}: "
                f"give the file's path or the source IRI ({listed})"
            )
        if named:
            return str(named[0]["source"])
    known = ", ".join(s["file"] for s in sources) or "none"
    raise UnknownSource(f"no loaded source {source!r} in the store (loaded: {known})")


def unload(store: Store, source: str) -> int:
    """Remove a loaded file's graphs (by file name, path or source IRI); returns the quads removed.

    Collaborations derived across sources are recomputed, so none survives from the removed one.
    """
    if not store.writable:
        raise StoreError(f"the store at {store.location} is open read-only")
    iri = _find_source(store, source)
    graphs = _record_parts(store, iri)
    before = len(store)
    from .atomic import all_or_nothing
    from .build import materialise

    with all_or_nothing(store):
        store.clear_merged()
        try:
            _drop(store, [*graphs, INFERRED_GRAPH])
            materialise(store)
        finally:
            _refresh_merged(store)
    return before - len(store)


__all__ = [
    "LoadReport",
    "LoadedFile",
    "UnknownSource",
    "ensure_ontology",
    "insert_quads",
    "load",
    "loaded_sources",
    "source_iri",
    "unload",
]
