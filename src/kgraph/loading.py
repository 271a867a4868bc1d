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

from .errors import InputError, KGraphError, Position, RdfSyntaxError, StoreError, UsageError
from .store import BATCH, OxigraphStore, Store, insert_quads
from .terms import INFERRED_GRAPH, KG_NS, ONTOLOGY_GRAPH

FILE_SOURCE_NS = "https://kgraph.dev/id/source/file/"
HAS_PART = "http://purl.org/dc/terms/hasPart"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


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

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "source": self.source,
            "format": self.format,
            "quads": self.quads,
            "graphs": self.graphs,
            "replaced": self.replaced,
            "seconds": round(self.seconds, 3),
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
        raise _syntax_error(path, e) from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not valid UTF-8 ({e.reason})") from None
    except (OSError, EOFError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None


def _syntax_error(path: Path, e: SyntaxError) -> RdfSyntaxError:
    import re

    msg = e.msg or str(e)
    line, col = e.lineno, e.offset
    m = re.search(r"line (\d+) between columns (\d+)", msg) or re.search(r"(\d+):(\d+)", msg)
    if m and not line:
        line, col = int(m.group(1)), int(m.group(2))
    text = None
    if line:
        try:
            with path.open("rb") as f:
                for i, raw in enumerate(f, 1):
                    if i == line:
                        text = raw.decode("utf-8", "replace").rstrip("\n")
                        break
        except OSError:
            pass
    return RdfSyntaxError(str(path), msg, Position(line, col, text))


@dataclass
class _Scan:
    quads: int = 0
    graphs: set[str] = field(default_factory=set)
    default_graph: bool = False
    blank_nodes: bool = False
    axioms: bool = False
    terms: set[str] = field(default_factory=set)  # predicates, and classes given by rdf:type


_AXIOMS = {
    "http://www.w3.org/2002/07/owl#equivalentClass",
    "http://www.w3.org/2002/07/owl#equivalentProperty",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2002/07/owl#inverseOf",
}


def _scan(path: Path, fmt: ox.RdfFormat, progress: Progress | None) -> _Scan:
    """Parse the whole file without keeping it: syntax errors surface before anything is written."""
    scan = _Scan()
    terms = scan.terms
    stream, done = _open(path, "checking", progress)
    try:
        for q in _parse(path, fmt, stream):
            scan.quads += 1
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph):
                scan.default_graph = True
            else:
                scan.graphs.add(g.value)
            p = q.predicate.value
            if p not in terms:
                terms.add(p)
            if p == RDF_TYPE and isinstance(q.object, ox.NamedNode):
                terms.add(q.object.value)
            if p in _AXIOMS:
                scan.axioms = True
            if not scan.blank_nodes and (
                isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
            ):
                scan.blank_nodes = True
    finally:
        done()
    return scan


# Virtuoso 7.2 ignores a variable that is both the graph and the subject of a pattern
# (GRAPH ?g { ?g ?p ?o }), so the queries below name the graph or compare with FILTER.

# -- writing ------------------------------------------------------------------------------


def _retarget(quads: Iterable[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            yield ox.Quad(q.subject, q.predicate, q.object, graph)
        else:
            yield q


def _drop(store: Store, graphs: Iterable[str]) -> None:
    graphs = sorted(set(graphs))
    if not graphs:
        return
    if isinstance(store, OxigraphStore):
        for g in graphs:
            if store.raw.contains_named_graph(ox.NamedNode(g)):
                store.raw.remove_graph(ox.NamedNode(g))
        return
    store.update(";\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))


def _has_graph(store: Store, graph: str) -> bool:
    if isinstance(store, OxigraphStore):
        return store.raw.contains_named_graph(ox.NamedNode(graph))
    return store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph)})


def _record_parts(store: Store, source: str) -> list[str]:
    """The graphs a previous load of this source wrote (its own graph included)."""
    rows = store.select(
        "SELECT ?part WHERE { GRAPH ?src { ?src kg:fileName ?n OPTIONAL { ?src dcterms:hasPart ?part } } }".replace(
            "GRAPH ?src", f"GRAPH <{source}>"
        ),
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
    :func:`insert_quads`: no blank nodes, and triples of a dataset format already in named graphs."""
    if not isinstance(store, OxigraphStore) or scan.blank_nodes or scan.quads < BATCH:
        return False
    if fmt == ox.RdfFormat.JSON_LD:  # its contexts are inlined by _parse, not by bulk_load
        return False
    return not (fmt.supports_datasets and scan.default_graph)


def _load_one(
    store: Store, path: Path, fmt: str | None, progress: Progress | None
) -> tuple[LoadedFile, _Scan]:
    from .build import rdf_format

    t0 = time.perf_counter()
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    rformat = rdf_format(path, fmt)
    try:
        scan = _scan(path, rformat, progress)
    except RdfSyntaxError as first:
        # A misleading extension (Turtle in a .json file): the content may tell the truth.
        from .formats import read_head, sniff

        other = None if fmt else sniff(read_head(path))
        if other is None or other == rformat:
            raise
        try:
            scan = _scan(path, other, progress)
        except RdfSyntaxError:
            raise first from None
        rformat = other
    source = source_iri(path)
    graph = ox.NamedNode(source)
    previous = _record_parts(store, source)
    _drop(store, previous)
    parts = sorted(scan.graphs - {source})
    record = [
        ox.Quad(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(KG_NS + "Source"), graph),
        ox.Quad(graph, ox.NamedNode(KG_NS + "fileName"), ox.Literal(path.name), graph),
        ox.Quad(graph, ox.NamedNode(SKOS_PREF), ox.Literal(path.name), graph),
        *(ox.Quad(graph, ox.NamedNode(HAS_PART), ox.NamedNode(p), graph) for p in parts),
    ]
    written: list[str] = [source, *parts]
    try:
        stream, done = _open(path, "loading", progress)
        try:
            if _bulk(store, rformat, scan):
                # Already checked to parse to the end: the bulk loader (many times faster than
                # transactions, memory-light) writes it. It keeps blank node labels, so files
                # with blank nodes take the transactional path, which renames them.
                cast("OxigraphStore", store).raw.bulk_load(
                    stream,
                    format=rformat,
                    base_iri=path.resolve().as_uri(),  # type: ignore[attr-defined]
                    to_graph=graph,
                )
                n = scan.quads
            else:
                n = insert_quads(store, _retarget(_parse(path, rformat, stream), graph))
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
        str(path), source, fmt_name, n, [source, *parts], bool(previous), time.perf_counter() - t0
    )
    return info, scan


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
    ensure_ontology(store)
    before = len(store) if derive else 0
    loaded: list[LoadedFile] = []
    new_axioms = False
    present: set[str] = set()
    for p in todo:
        info, scan = _load_one(store, p, fmt if p not in maps else None, progress)
        loaded.append(info)
        new_axioms = new_axioms or scan.axioms
        present |= scan.terms
    derived = 0
    if derive:
        from . import alignment
        from .build import materialise

        if new_axioms:  # a new mapping may concern anything loaded before
            alignment.align(store, [g for s in loaded_sources(store) for g in s["graphs"]])
        else:
            alignment.align(store, [g for f in loaded for g in f.graphs], present)
        materialise(store)
        derived = len(store) - before - sum(f.quads for f in loaded)
    store.refresh_merged()
    return LoadReport(store.location, loaded, max(derived, 0), time.perf_counter() - t0)


def loaded_sources(store: Store) -> list[dict[str, Any]]:
    """The files loaded into ``store``: source IRI, file name, graphs and number of quads."""
    # A record is the file graph's own statement about itself; the comparison is made here
    # rather than in SPARQL, where Virtuoso gets it wrong (see above).
    found: dict[str, tuple[str, list[str]]] = {}
    for r in store.select("SELECT ?src ?s ?name WHERE { GRAPH ?src { ?s kg:fileName ?name } }"):
        if r["s"] == r["src"]:
            found[r["src"].value] = (r["name"].value, [])
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
        out.append(
            {
                "source": src,
                "file": name,
                "graphs": graphs,
                "quads": int(n[0]["n"].value) if n else 0,
            }
        )
    return out


def _find_source(store: Store, source: str) -> str:
    sources = loaded_sources(store)
    for s in sources:
        if source == s["source"] or ("://" not in source and Path(source).name == s["file"]):
            return str(s["source"])
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
    _drop(store, [*graphs, INFERRED_GRAPH])
    from .build import materialise

    materialise(store)
    store.refresh_merged()
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
