"""Exporting the graph in standard formats, deterministically.

RDF formats (``turtle``, ``ntriples``, ``nquads``, ``trig``, ``jsonld``, ``xml``) are written by
the small serialisers below rather than rdflib's, because the same graph must always give the
same bytes: subjects, predicates and objects sorted, blank nodes labelled by the W3C RDF Dataset
Canonicalization (RDFC-1.0, computed by pyoxigraph), only the prefixes actually used declared,
and never an invented ``ns1:``. Quad formats (TriG, N-Quads, JSON-LD) keep one named graph per
source, so provenance survives the trip.

Graph-tool formats (``graphml``, ``gexf``, ``csv``) export the *entity graph*: people, works,
characters, organisations, awards … as nodes (label, class) and the relations between them as
edges (relation, work, sources). It is built by :func:`entity_graph`, which the pictures of
:mod:`kgraph.viz` share.

>>> from kgraph.build import open_store
>>> s = open_store("memory:")
>>> s.update('INSERT DATA { GRAPH <urn:g> { <https://kgraph.dev/id/person/x> a <https://kgraph.dev/ontology#Person> } }')
>>> print(export(s, "turtle", graph="urn:g").decode(), end="")
@prefix kg: <https://kgraph.dev/ontology#> .
@prefix person: <https://kgraph.dev/id/person/> .
<BLANKLINE>
person:x a kg:Person .
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError, UsageError
from .formats import extensions, names, registered
from .store import Store
from .terms import (
    CURATION_GRAPH,
    INFERRED_GRAPH,
    KG_NS,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_ALT,
    SKOS_PREF,
    compact,
    escape_iri,
    escape_string,
    local_name,
    most_specific,
    split_prefix,
)

_WRITTEN = registered("rdf", write=True) + registered("graph")
RDF_FORMATS = tuple(f.name for f in _WRITTEN if f.family == "rdf")
GRAPH_FORMATS = tuple(f.name for f in _WRITTEN if f.family == "graph")
FORMATS = RDF_FORMATS + GRAPH_FORMATS
QUAD_FORMATS = tuple(f.name for f in _WRITTEN if f.rdf is not None and f.rdf.supports_datasets)
EXTENSIONS = {e: f.name for e, f in extensions(_WRITTEN).items()}
_NAMES = {n: f.name for n, f in names(_WRITTEN).items()}

_RDF = PREFIXES["rdf"]
_XSD = PREFIXES["xsd"]
_XSD_STRING = _XSD + "string"
_RDF_LANG_STRING = _RDF + "langString"
_OWL = PREFIXES["owl"]

Triple = tuple[Any, Any, Any]  # pyoxigraph subject, predicate, object


def to_rdflib_term(t: Any) -> Any:
    """A pyoxigraph term as the equivalent rdflib term."""
    import rdflib

    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        dt = t.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return rdflib.Literal(t.value)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"cannot convert {t!r}")


def from_rdflib_term(t: Any) -> Any:
    """An rdflib term as the equivalent pyoxigraph term."""
    import rdflib

    if isinstance(t, rdflib.URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, rdflib.Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"cannot convert {t!r}")


# ---------------------------------------------------------------------------------------------
# What to export
# ---------------------------------------------------------------------------------------------


def format_for(path: Path | str | None, fmt: str | None) -> str:
    """The export format named by ``fmt``, else guessed from the extension of ``path``, else Turtle.

    >>> format_for("out.nq", None), format_for(None, "TriG"), format_for(None, None)
    ('nquads', 'trig', 'turtle')
    """
    if fmt:
        f = _NAMES.get(fmt.lower().replace("-", ""))
        if f is None:
            raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
        return f
    if path is not None:
        suffix = Path(path).suffix.lower()
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
    return "turtle"


def resolve_graph(store: Store, name: str) -> str:
    """The named graph ``name`` refers to: a full IRI, a compact one (``source:s000``), its last
    segment (``s000``, ``curation``) or a source's preferred label."""
    from .resolve import explicit_iri

    graphs = store.named_graphs()
    expanded = explicit_iri(name) or name
    if expanded in graphs:
        return expanded
    by_local = [g for g in graphs if local_name(g).lower() == name.lower()]
    if len(by_local) == 1:
        return by_local[0]
    labelled = store.select(
        "SELECT ?g WHERE { ?g skos:prefLabel ?l FILTER (LCASE(STR(?l)) = LCASE(STR(?name))) }",
        {"name": ox.Literal(name)},
    )
    hits = sorted({r["g"].value for r in labelled} & set(graphs))
    if len(hits) == 1:
        return hits[0]
    shown = ", ".join(compact(g) for g in graphs)
    raise UsageError(f"no graph named {name!r} in the store; the graphs are: {shown}")


def _data_graphs(graphs: Iterable[str]) -> list[str]:
    return sorted(g for g in graphs if g != ONTOLOGY_GRAPH)


def export_graphs(store: Store, *, graph: str | None = None, ontology: bool = False) -> list[str]:
    """The named graphs an export holds: every data graph, one source's, or the ontology."""
    if ontology and graph:
        raise UsageError(
            "--ontology exports the ontology alone; it cannot be combined with --graph"
        )
    if ontology:
        return [ONTOLOGY_GRAPH]
    if graph:
        return [resolve_graph(store, graph)]
    return _data_graphs(store.named_graphs())


def select_quads(
    store: Store, *, graph: str | None = None, ontology: bool = False, inferred: bool = False
) -> list[ox.Quad]:
    """The quads an export holds: every data graph (not the ontology), one graph, or the
    ontology alone; with ``inferred``, plus what the ontology's rules entail (each entailed
    triple in the graph it was inferred from; see :func:`entailed`)."""
    wanted = set(export_graphs(store, graph=graph, ontology=ontology))
    quads = [
        q
        for q in store.quads()
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in wanted
    ]
    if inferred:
        quads.extend(entailed(store, quads))
    return quads


def entailed(store: Store, quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """What the ontology's OWL 2 RL rules add to ``quads`` (computed with owlrl), each entailed
    triple in the graph of the statements it comes from.

    The closure is taken graph by graph: the curation graph (identity: classes and labels) with
    the ontology is the background; what that background alone entails goes to the curation
    graph; what a source graph adds to it goes to that source's graph, so an inferred triple is
    cited by the source it was inferred from. Statement nodes the curators dispute (see
    :func:`kgraph.provenance.disputed_nodes`) are left out of every closure: a disputed claim
    (s001's Oscar for Park Yu-rim) is never promoted to ``wdt:P166`` or ``schema:award``. Only
    statements about the data's own subjects are kept: the closure's bookkeeping
    (``x owl:sameAs x``, ``x a owl:Thing``, axioms about the vocabulary) is dropped."""
    import owlrl
    import rdflib

    from .provenance import disputed_nodes

    disputed = {rdflib.URIRef(n) for n in disputed_nodes(store)}
    ontology = [
        (to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object))
        for q in store.quads()
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == ONTOLOGY_GRAPH
    ]
    by_graph: dict[str, list[Triple]] = defaultdict(list)
    subjects: set[Any] = set()
    for q in quads:
        t = (to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object))
        if t[0] in disputed or t[2] in disputed or not isinstance(q.graph_name, ox.NamedNode):
            continue
        by_graph[q.graph_name.value].append(t)
        subjects.add(t[0])
    background = [*ontology, *by_graph.get(CURATION_GRAPH, [])]

    def closure(extra: Sequence[Triple]) -> set[Triple]:
        g = rdflib.Graph()
        for t in background:
            g.add(t)
        for t in extra:
            g.add(t)
        owlrl.DeductiveClosure(
            owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
        ).expand(g)
        return set(g)

    junk_types = {rdflib.OWL.Thing, rdflib.RDFS.Resource, rdflib.OWL.NamedIndividual}

    def useful(t: Triple) -> bool:
        s, p, o = t
        if s not in subjects or not isinstance(s, rdflib.URIRef):
            return False
        if s == o or p == rdflib.OWL.sameAs or (p == rdflib.RDF.type and o in junk_types):
            return False
        return not (isinstance(o, rdflib.Literal) and p == rdflib.RDF.type)

    base = closure([])
    out: set[ox.Quad] = set()

    def emit(triples: Iterable[Triple], graph: str) -> None:
        target = ox.NamedNode(graph)
        for s, p, o in triples:
            if useful((s, p, o)):
                out.add(
                    ox.Quad(from_rdflib_term(s), from_rdflib_term(p), from_rdflib_term(o), target)
                )

    if CURATION_GRAPH in by_graph:
        emit(base - set(background), CURATION_GRAPH)
    for graph, triples in sorted(by_graph.items()):
        if graph != CURATION_GRAPH:
            emit(closure(triples) - base - set(triples), graph)
    return sorted(
        out, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )


def _canonical(quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """Relabel blank nodes by RDFC-1.0, so the same graph always gets the same labels."""
    if not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
        return list(quads)
    ds = ox.Dataset(quads)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return list(ds)


def _as_triples(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The union of the quads' graphs, in the default graph (duplicates merged)."""
    seen = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
    return list(seen)


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def export(
    store: Store,
    fmt: str = "turtle",
    *,
    graph: str | None = None,
    inferred: bool = False,
    ontology: bool = False,
    vocabulary: str = "kg",
) -> bytes | dict[str, bytes]:
    """The graph (or one source's graph, or the ontology) in ``fmt``.

    RDF and GraphML/GEXF formats give ``bytes``; ``csv`` gives ``{"nodes": bytes, "edges": bytes}``.
    ``vocabulary`` (``kg``, ``schema`` or ``wikidata``) writes the data in schema.org's or
    Wikidata's own shapes (:mod:`kgraph.vocabularies`).
    """
    fmt = format_for(None, fmt)
    if vocabulary != "kg":
        from .vocabularies import VOCABULARIES

        if vocabulary not in VOCABULARIES:
            raise UsageError(
                f"unknown vocabulary {vocabulary!r}; use one of {', '.join(VOCABULARIES)}"
            )
        if fmt in GRAPH_FORMATS or ontology:
            raise UsageError("--vocabulary applies to the data in RDF formats")
    if fmt in GRAPH_FORMATS:
        if ontology:
            raise UsageError(f"--ontology is exported in RDF formats only, not {fmt}")
        eg = entity_graph(store, graph=graph, inferred=inferred)
        if fmt == "csv":
            return to_csv(eg)
        return to_graphml(eg) if fmt == "graphml" else to_gexf(eg)
    if fmt in LINE_FORMATS and not inferred and vocabulary == "kg":
        return b"".join(export_lines(store, fmt, graph=graph, ontology=ontology))
    quads = select_quads(store, graph=graph, ontology=ontology, inferred=inferred)
    if vocabulary != "kg":
        from .vocabularies import translate

        quads = translate(store, quads, vocabulary)
    if fmt not in QUAD_FORMATS:
        quads = _as_triples(quads)
    quads = _canonical(quads)
    writer = {
        "turtle": write_turtle,
        "trig": write_trig,
        "ntriples": write_ntriples,
        "nquads": write_nquads,
        "jsonld": write_jsonld,
        "xml": write_rdfxml,
    }[fmt]
    return writer(quads).encode("utf-8")


LINE_FORMATS = ("ntriples", "nquads")


def export_lines(
    store: Store, fmt: str, *, graph: str | None = None, ontology: bool = False
) -> Iterator[bytes]:
    """An N-Triples or N-Quads export as a stream of lines: the bytes of :func:`export`, in
    bounded memory whatever the store's size (an external merge sort, :mod:`kgraph.linesort`)."""
    from .linesort import sorted_lines

    graphs = export_graphs(store, graph=graph, ontology=ontology)
    return sorted_lines(store, graphs, triples=fmt == "ntriples")


# ---------------------------------------------------------------------------------------------
# Atomic files
# ---------------------------------------------------------------------------------------------


def write_atomic(path: Path | str, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a
    part: a temporary file in the same directory, flushed to disk, then renamed over the target.

    Only a regular file (or nothing) is replaced that way. A symbolic link is followed (the file
    it points to is replaced, the link kept); a character device or a FIFO (``/dev/null``,
    ``/dev/stdout``, a named pipe) is written in place; anything else is refused."""
    path = Path(path)
    import stat

    try:
        st = path.stat()  # follows links: what would be written is the link's target
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise InputError(f"{path}: cannot write: {e.strerror or e}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            return _write_in_place(path, data)
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise InputError(f"{path}: {kind}; give a file name to write to")
    if path.is_symlink():
        path = path.resolve()  # replace the file the link points to; the link stays
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path}: the directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as e:
        raise InputError(f"{path}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(f.fileno(), 0o666 & ~umask)
            if isinstance(data, bytes):
                f.write(data)
            else:  # a stream of chunks (export_lines): never all in memory
                f.writelines(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise InputError(f"{path}: cannot write: {e.strerror or e}") from None
        raise
    try:  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
    return path


def _write_in_place(path: Path, data: bytes | Iterable[bytes]) -> Path:
    """Write to a device or a FIFO as it is: replacing it by a regular file would be wrong (run
    as root, ``export -o /dev/null`` replaced ``/dev/null``)."""
    try:
        with open(path, "wb") as f:
            if isinstance(data, bytes):
                f.write(data)
            else:
                f.writelines(data)
    except OSError as e:
        raise InputError(f"{path}: cannot write: {e.strerror or e}") from None
    return path


def csv_paths(target: Path | str) -> dict[str, Path]:
    """Where ``-o TARGET`` puts the two CSV files: ``TARGET.nodes.csv`` and ``TARGET.edges.csv``
    (a trailing ``.csv`` of TARGET is dropped first).

    >>> {k: str(v) for k, v in csv_paths("out/graph.csv").items()}
    {'nodes': 'out/graph.nodes.csv', 'edges': 'out/graph.edges.csv'}
    """
    t = Path(target)
    base = t.with_suffix("") if t.suffix.lower() == ".csv" else t
    return {k: base.with_name(f"{base.name}.{k}.csv") for k in ("nodes", "edges")}


def export_to(store: Store, fmt: str | None, target: Path | str, **options: Any) -> list[Path]:
    """Export into ``target`` atomically (format from ``fmt`` or the extension); the paths written."""
    f = format_for(target, fmt)
    if (
        f in LINE_FORMATS
        and not options.get("inferred")
        and options.get("vocabulary", "kg") == "kg"
    ):
        lines = export_lines(
            store, f, graph=options.get("graph"), ontology=options.get("ontology", False)
        )
        return [write_atomic(target, lines)]
    data = export(store, f, **options)
    if isinstance(data, dict):
        paths = csv_paths(target)
        return [write_atomic(paths[k], data[k]) for k in ("nodes", "edges")]
    return [write_atomic(target, data)]


# ---------------------------------------------------------------------------------------------
# Term syntax shared by the writers
# ---------------------------------------------------------------------------------------------

_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")


class _Prefixes:
    """Compacts IRIs with the project's prefixes and remembers which ones were used."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._memo: dict[str, str | None] = {}

    def qname(self, iri: str) -> str | None:
        if iri in self._memo:
            q = self._memo[iri]
            if q is not None:
                self.used.add(q.split(":", 1)[0])
            return q
        q = self._memo[iri] = self._qname(iri)
        return q

    def _qname(self, iri: str) -> str | None:
        split = split_prefix(iri)
        if split is None or not _PN_LOCAL.fullmatch(split[1]):
            return None
        self.used.add(split[0])
        return f"{split[0]}:{split[1]}"

    def iri(self, iri: str) -> str:
        q = self.qname(iri)
        return q if q is not None else f"<{escape_iri(iri)}>"

    def header(self, style: str = "turtle") -> str:
        lines = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(self.used)]
        return "\n".join(lines) + ("\n\n" if lines else "")


def _term_key(t: Any) -> tuple[int, str, str, str]:
    """A total order on terms: IRIs, then blank nodes, then literals."""
    if isinstance(t, ox.NamedNode):
        return (0, t.value, "", "")
    if isinstance(t, ox.BlankNode):
        return (1, t.value, "", "")
    if isinstance(t, ox.Literal):
        return (2, t.value, t.datatype.value, t.language or "")
    return (3, str(t), "", "")


def _literal(t: ox.Literal, pm: _Prefixes) -> str:
    text = f'"{escape_string(t.value)}"'
    if t.language:
        return f"{text}@{t.language}"
    dt = t.datatype.value
    if dt == _XSD_STRING:
        return text
    return f"{text}^^{pm.iri(dt)}"


# ---------------------------------------------------------------------------------------------
# N-Triples / N-Quads: one sorted line per statement
# ---------------------------------------------------------------------------------------------


def _sorted_lines(quads: Sequence[ox.Quad], fmt: ox.RdfFormat) -> str:
    # pyoxigraph writes each statement as one canonical line (fast, in Rust); sorting the
    # distinct lines makes the file deterministic.
    data = ox.serialize(quads, format=fmt) or b""
    lines = sorted(set(data.decode("utf-8").splitlines()) - {""})
    return "".join(line + "\n" for line in lines)


def write_ntriples(quads: Sequence[ox.Quad]) -> str:
    return _sorted_lines(
        [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
        if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads[:1])
        else quads,
        ox.RdfFormat.N_TRIPLES,
    )


def write_nquads(quads: Sequence[ox.Quad]) -> str:
    return _sorted_lines(quads, ox.RdfFormat.N_QUADS)


# ---------------------------------------------------------------------------------------------
# Turtle / TriG: pretty-printed, sorted, blank nodes nested where they are used once
# ---------------------------------------------------------------------------------------------


def _turtle_block(triples: Sequence[Triple], pm: _Prefixes, indent: str) -> list[str]:
    props: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    refs: dict[Any, list[Any]] = defaultdict(list)
    for s, p, o in triples:
        props[s][p].append(o)
        if isinstance(o, ox.BlankNode):
            refs[o].append(s)
    # A blank node used once as an object is written inline ([ … ] or a ( … ) list), unless
    # following its single referrer leads back to itself (a cycle needs a label).
    inline: set[Any] = set()
    for b, by in refs.items():
        if len(by) != 1:
            continue
        seen, cur, cyclic = {b}, by[0], False
        while isinstance(cur, ox.BlankNode) and len(refs.get(cur, ())) == 1:
            if cur in seen:
                cyclic = cur == b or cyclic
                break
            seen.add(cur)
            cur = refs[cur][0]
        if cur == b:
            cyclic = True
        if not cyclic:
            inline.add(b)

    def list_items(b: Any) -> list[Any] | None:
        items: list[Any] = []
        cur = b
        while True:
            if cur == ox.NamedNode(_RDF + "nil"):
                return items
            if cur not in inline or set(props[cur]) != {
                ox.NamedNode(_RDF + "first"),
                ox.NamedNode(_RDF + "rest"),
            }:
                return None
            first, rest = (
                props[cur][ox.NamedNode(_RDF + "first")],
                props[cur][ox.NamedNode(_RDF + "rest")],
            )
            if len(first) != 1 or len(rest) != 1:
                return None
            items.append(first[0])
            cur = rest[0]

    def obj(o: Any) -> str:
        if isinstance(o, ox.Literal):
            return _literal(o, pm)
        if isinstance(o, ox.BlankNode):
            if o in inline:
                items = list_items(o)
                if items is not None:
                    return "( " + " ".join(obj(i) for i in items) + " )"
                if not props.get(o):
                    return "[]"
                return "[ " + " ; ".join(pred_objs(o)) + " ]"
            return f"_:{o.value}"
        return pm.iri(o.value)

    def pred_key(p: Any) -> tuple[int, str]:
        return (0 if p.value == RDF_TYPE else 1, p.value)

    def pred_objs(s: Any) -> list[str]:
        out = []
        for p in sorted(props[s], key=pred_key):
            ps = "a" if p.value == RDF_TYPE else pm.iri(p.value)
            objs = sorted(set(props[s][p]), key=_term_key)
            out.append(f"{ps} " + " , ".join(obj(o) for o in objs))
        return out

    lines: list[str] = []
    subjects = sorted((s for s in props if s not in inline), key=_term_key)
    for s in subjects:
        head = f"_:{s.value}" if isinstance(s, ox.BlankNode) else pm.iri(s.value)
        po = pred_objs(s)
        lines.append(f"{indent}{head} " + f" ;\n{indent}    ".join(po) + " .")
    return lines


def write_turtle(quads: Sequence[ox.Quad]) -> str:
    pm = _Prefixes()
    body = _turtle_block([(q.subject, q.predicate, q.object) for q in quads], pm, "")
    return pm.header() + "\n\n".join(body) + ("\n" if body else "")


def write_trig(quads: Sequence[ox.Quad]) -> str:
    pm = _Prefixes()
    graphs: dict[Any, list[Triple]] = defaultdict(list)
    for q in quads:
        graphs[q.graph_name].append((q.subject, q.predicate, q.object))
    parts = []
    for g in sorted(
        graphs, key=lambda g: (0, "") if isinstance(g, ox.DefaultGraph) else (1, g.value)
    ):
        if isinstance(g, ox.DefaultGraph):
            parts.append("\n\n".join(_turtle_block(graphs[g], pm, "")))
        else:
            name = f"_:{g.value}" if isinstance(g, ox.BlankNode) else pm.iri(g.value)
            inner = "\n\n".join(_turtle_block(graphs[g], pm, "    "))
            parts.append(f"{name} {{\n{inner}\n}}")
    return pm.header() + "\n\n".join(parts) + ("\n" if parts else "")


# ---------------------------------------------------------------------------------------------
# JSON-LD: flattened node objects, one @graph per named graph
# ---------------------------------------------------------------------------------------------


def write_jsonld(quads: Sequence[ox.Quad]) -> str:
    import json

    pm = _Prefixes()

    def ref(t: Any) -> str:
        if isinstance(t, ox.BlankNode):
            return f"_:{t.value}"
        return pm.qname(t.value) or t.value

    def value(o: Any) -> dict[str, str]:
        if isinstance(o, ox.Literal):
            v = {"@value": o.value}
            if o.language:
                v["@language"] = o.language
            elif o.datatype.value != _XSD_STRING:
                v["@type"] = ref(o.datatype)
            return v
        return {"@id": ref(o)}

    def nodes(triples: Sequence[Triple]) -> list[dict[str, Any]]:
        props: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            props[s][p].append(o)
        out = []
        for s in sorted(props, key=_term_key):
            node: dict[str, Any] = {"@id": ref(s)}
            for p in sorted(props[s], key=lambda p: p.value):
                objs = sorted(set(props[s][p]), key=_term_key)
                if p.value == RDF_TYPE and all(
                    isinstance(o, ox.NamedNode | ox.BlankNode) for o in objs
                ):
                    node["@type"] = [ref(o) for o in objs]
                else:
                    node[ref(p)] = [value(o) for o in objs]
            out.append(node)
        return out

    graphs: dict[Any, list[Triple]] = defaultdict(list)
    for q in quads:
        graphs[q.graph_name].append((q.subject, q.predicate, q.object))
    top: list[dict[str, Any]] = []
    for g in sorted(
        graphs, key=lambda g: (0, "") if isinstance(g, ox.DefaultGraph) else (1, g.value)
    ):
        if isinstance(g, ox.DefaultGraph):
            top.extend(nodes(graphs[g]))
        else:
            top.append({"@id": ref(g), "@graph": nodes(graphs[g])})
    context = {p: PREFIXES[p] for p in sorted(pm.used)}
    doc = {"@context": context, "@graph": top}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------
# RDF/XML: one rdf:Description per subject, sorted
# ---------------------------------------------------------------------------------------------

_NCNAME_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*$")


def _xml_escape(s: str, attr: bool = False) -> str:
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attr:
        s = (
            s.replace('"', "&quot;")
            .replace("\n", "&#10;")
            .replace("\r", "&#13;")
            .replace("\t", "&#9;")
        )
    else:
        s = s.replace("\r", "&#13;")
    return s


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_rdfxml(triples: Iterable[Any]) -> None:
    """Raise :class:`UsageError` when the triples cannot be written as well-formed RDF/XML: a
    predicate with no XML name at its end (``<urn:123>``), or a character XML 1.0 cannot hold at
    all, not even as a character reference (U+0001 … U+001F but tab, newline and return)."""
    seen: set[str] = set()
    for t in triples:
        p = t.predicate.value
        if p not in seen:
            seen.add(p)
            m = _NCNAME_TAIL.search(p)
            if not m or m.start() == 0:
                raise UsageError(
                    f"the predicate <{p}> cannot be written in RDF/XML (no XML name ends it); "
                    "use Turtle, N-Triples or JSON-LD"
                )
        for term in (t.subject, t.object):
            bad = _NOT_XML.search(term.value) if hasattr(term, "value") else None
            if bad:
                raise UsageError(
                    f"RDF/XML (XML 1.0) cannot hold the character U+{ord(bad.group()):04X} "
                    "found in the data; use Turtle, N-Triples or JSON-LD"
                )


def write_rdfxml(quads: Sequence[ox.Quad]) -> str:
    check_rdfxml(quads)
    by_ns = {ns: p for p, ns in PREFIXES.items()}
    used: dict[str, str] = {"rdf": _RDF}

    def qname(iri: str) -> str:
        m = _NCNAME_TAIL.search(iri)
        if not m or m.start() == 0:
            raise UsageError(
                f"the predicate <{iri}> cannot be written in RDF/XML; use another format"
            )
        ns, local = iri[: m.start()], m.group()
        p = by_ns.get(ns)
        if p is None:  # a namespace the project does not know: a stable name derived from it
            base = re.sub(r"[^A-Za-z]", "", local_name(ns.rstrip("/#")))[:12].lower() or "ns"
            p, i = base, 1
            while p in used and used[p] != ns or p in PREFIXES:
                i += 1
                p = f"{base}{i}"
            by_ns[ns] = p
        used[p] = ns
        return f"{p}:{local}"

    props: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        props[q.subject][q.predicate].append(q.object)
    body = []
    for s in sorted(props, key=_term_key):
        about = (
            f'rdf:nodeID="{s.value}"'
            if isinstance(s, ox.BlankNode)
            else f'rdf:about="{_xml_escape(s.value, True)}"'
        )
        body.append(f"  <rdf:Description {about}>")
        for p in sorted(props[s], key=lambda p: (0 if p.value == RDF_TYPE else 1, p.value)):
            tag = qname(p.value)
            for o in sorted(set(props[s][p]), key=_term_key):
                if isinstance(o, ox.NamedNode):
                    body.append(f'    <{tag} rdf:resource="{_xml_escape(o.value, True)}"/>')
                elif isinstance(o, ox.BlankNode):
                    body.append(f'    <{tag} rdf:nodeID="{o.value}"/>')
                else:
                    attr = ""
                    if o.language:
                        attr = f' xml:lang="{o.language}"'
                    elif o.datatype.value != _XSD_STRING:
                        attr = f' rdf:datatype="{_xml_escape(o.datatype.value, True)}"'
                    body.append(f"    <{tag}{attr}>{_xml_escape(o.value)}</{tag}>")
        body.append("  </rdf:Description>")
    ns_decl = "".join(f'\n    xmlns:{p}="{_xml_escape(used[p], True)}"' for p in sorted(used))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<rdf:RDF{ns_decl}>\n" + "\n".join(body) + ("\n" if body else "") + "</rdf:RDF>\n"
    )


# ---------------------------------------------------------------------------------------------
# The entity graph: what graph tools and pictures show
# ---------------------------------------------------------------------------------------------

# Classes whose members are relation nodes or bookkeeping, not things to draw: their facts
# become edges (a performance becomes "plays" from the actor to the character).
_HIDDEN_CLASSES = (
    "Participation",
    "Claim",
    "Disagreement",
    "Relationship",
    "Source",
    "Role",
    "Collaboration",
)
# Edges that repeat another edge (inverse, super-property, or derived over every pair).
_HIDDEN_EDGES = frozenset(
    KG_NS + n
    for n in (
        "castMember",
        "workedOn",
        "crewMember",
        "participant",
        "collaboratedWith",
        "recipient",
        "collaborator",
    )
)


_WORKED_ON = KG_NS + "workedOn"
# A "plays" edge stands for a kg:Performance node (actor, character, work): its predicate is the class.
_PLAYS = KG_NS + "Performance"


@dataclass(frozen=True)
class NodeFact:
    """One statement about a node: predicate, value (a label for entities) and its sources."""

    predicate: str
    predicate_label: str
    value: str
    iri: str | None
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "predicate": self.predicate,
            "predicate_label": self.predicate_label,
            "value": self.value,
            "iri": self.iri,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class EntityNode:
    iri: str
    label: str
    cls: str  # the most specific class's local name: Person, Film, TVSeries …
    class_label: str  # its label: "Person", "Film", "TV series" …
    facts: tuple[NodeFact, ...] = ()


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    predicate: str
    relation: str  # the predicate's label: "acted in", "plays", "director" …
    work: str | None  # the work the relation is about (the character's work for "plays")
    work_label: str | None
    sources: tuple[str, ...]  # compact IRIs of the source graphs that state it


@dataclass(frozen=True)
class EntityGraph:
    """Entities as nodes and their relations as edges, derived from the store (never stored)."""

    nodes: tuple[EntityNode, ...]
    edges: tuple[Edge, ...]
    source_labels: Mapping[str, str] = field(default_factory=dict)
    classes: Mapping[str, str] = field(default_factory=dict)  # local name -> label, for legends

    def node(self, iri: str) -> EntityNode | None:
        for n in self.nodes:
            if n.iri == iri:
                return n
        return None

    def subgraph(self, iris: Iterable[str]) -> EntityGraph:
        keep = set(iris)
        return EntityGraph(
            tuple(n for n in self.nodes if n.iri in keep),
            tuple(e for e in self.edges if e.source in keep and e.target in keep),
            self.source_labels,
            self.classes,
        )

    def neighbourhood(self, iri: str, depth: int) -> EntityGraph:
        """The nodes within ``depth`` edges of ``iri`` (either direction), and the edges among them."""
        adj: dict[str, set[str]] = defaultdict(set)
        for e in self.edges:
            adj[e.source].add(e.target)
            adj[e.target].add(e.source)
        seen, frontier = {iri}, {iri}
        for _ in range(max(depth, 0)):
            frontier = {m for n in frontier for m in adj[n]} - seen
            seen |= frontier
        return self.subgraph(seen)

    def to_networkx(self) -> Any:
        """A networkx MultiDiGraph with flat string attributes (lists joined with "; ")."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for n in self.nodes:
            g.add_node(n.iri, label=n.label, **{"class": n.cls}, class_label=n.class_label)
        for i, e in enumerate(self.edges):
            g.add_edge(
                e.source,
                e.target,
                key=f"e{i}",
                id=f"e{i}",
                relation=e.relation,
                predicate=compact(e.predicate),
                work=e.work_label or "",
                work_iri=e.work or "",
                sources="; ".join(e.sources),
            )
        return g


def _label_map(store: Store) -> dict[str, str]:
    rows = store.select(
        """SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {
             { GRAPH ?g { ?e skos:prefLabel ?l } FILTER (?g != kgg:ontology) }
             UNION { GRAPH kgg:ontology { ?e rdfs:label ?l } } } GROUP BY ?e"""
    )
    return {r["e"].value: r["label"].value for r in rows if "label" in r}


def _class_info(store: Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each class's ancestors (itself included) and its label, from the ontology graph."""
    parents: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for r in store.select(
        """SELECT ?c ?sup ?label WHERE { GRAPH kgg:ontology { ?c a owl:Class
             OPTIONAL { ?c rdfs:subClassOf ?sup FILTER isIRI(?sup) } OPTIONAL { ?c rdfs:label ?label } } }"""
    ):
        c = r["c"].value
        parents[c]
        if "sup" in r:
            parents[c].add(r["sup"].value)
        if "label" in r:
            labels[c] = r["label"].value
    ancestors: dict[str, set[str]] = {}

    def up(c: str) -> set[str]:
        if c not in ancestors:
            ancestors[c] = {c}
            for p in parents.get(c, ()):
                ancestors[c] |= up(p)
        return ancestors[c]

    for c in list(parents):
        up(c)
    return ancestors, labels


def entity_graph(store: Store, *, graph: str | None = None, inferred: bool = False) -> EntityGraph:
    """The entity graph of the store, or of one source graph (``graph``).

    Nodes are the labelled entities except relation nodes (performances, credits) and
    bookkeeping (sources, claims, roles); edges are the relations between two nodes stated by
    the sources, plus "plays" from an actor to a character (with the work). ``inferred`` adds the
    OWL 2 RL entailments as facts (for example schema.org classes).
    """
    named = store.named_graphs()
    special = {ONTOLOGY_GRAPH, CURATION_GRAPH, INFERRED_GRAPH}
    fact_graphs = {resolve_graph(store, graph)} if graph else {g for g in named if g not in special}
    labels = _label_map(store)
    ancestors, class_labels = _class_info(store)
    hidden = {c for c, anc in ancestors.items() if any(KG_NS + h in anc for h in _HIDDEN_CLASSES)}

    types: dict[str, set[str]] = defaultdict(set)
    facts: dict[tuple[str, str, Any], set[str]] = defaultdict(set)  # (s, p, o) -> graphs
    fact_quads = []
    for q in store.quads():
        g = q.graph_name
        if not isinstance(g, ox.NamedNode) or g.value == ONTOLOGY_GRAPH:
            continue
        if (
            q.predicate.value == RDF_TYPE
            and isinstance(q.object, ox.NamedNode)
            and isinstance(q.subject, ox.NamedNode)
        ):
            types[q.subject.value].add(q.object.value)
        if g.value in fact_graphs:
            fact_quads.append(q)
    if inferred:
        for q in entailed(store, fact_quads):
            fact_quads.append(q)
            if (
                q.predicate.value == RDF_TYPE
                and isinstance(q.subject, ox.NamedNode)
                and isinstance(q.object, ox.NamedNode)
            ):
                types[q.subject.value].add(q.object.value)
    for q in fact_quads:
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.graph_name, ox.NamedNode):
            facts[(q.subject.value, q.predicate.value, q.object)].add(q.graph_name.value)

    in_scope = {s for (s, _, _) in facts} | {
        o.value for (_, _, o) in facts if isinstance(o, ox.NamedNode)
    }
    node_class: dict[str, str] = {}
    for iri in in_scope:
        if iri not in labels:
            continue
        c = most_specific((t for t in types.get(iri, ()) if t in ancestors), ancestors.__getitem__)
        if c is None or c in hidden or any(t in hidden for t in types.get(iri, ())):
            continue
        node_class[iri] = c

    def src(gs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(compact(g) for g in gs))

    def plabel(p: str) -> str:
        return labels.get(p) or local_name(p)

    # edges between two nodes
    edge_map: dict[tuple[str, str, str, str | None], set[str]] = defaultdict(set)
    work_classes = {c for c, anc in ancestors.items() if KG_NS + "Work" in anc}
    linked = {
        frozenset((s, o.value))
        for (s, p, o) in facts
        if isinstance(o, ox.NamedNode) and p != RDF_TYPE and p not in _HIDDEN_EDGES
    }
    for (s, p, o), gs in facts.items():
        if not isinstance(o, ox.NamedNode) or p == RDF_TYPE:
            continue
        if p in _HIDDEN_EDGES and not (p == _WORKED_ON and frozenset((s, o.value)) not in linked):
            continue  # "worked on" stays only where nothing else links the two (an uncredited crew role)
        if s not in node_class or o.value not in node_class:
            continue
        if (o.value, p, ox.NamedNode(s)) in facts and o.value < s:
            continue  # symmetric relation stated both ways: one edge
        work = (
            o.value
            if node_class[o.value] in work_classes
            else (s if node_class[s] in work_classes else None)
        )
        edge_map[(s, o.value, p, work)] |= gs
    # performances: actor -> character, with the work
    by_node: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    perf_graphs: dict[str, set[str]] = defaultdict(set)
    for (s, p, o), gs in facts.items():
        if p in (KG_NS + "performer", KG_NS + "character", KG_NS + "inWork"):
            by_node[s][p].append(o)
            perf_graphs[s] |= gs
    for perf, ps in by_node.items():
        for actor in ps.get(KG_NS + "performer", []):
            for ch in ps.get(KG_NS + "character", []):
                works = ps.get(KG_NS + "inWork", [None])
                for w in works:
                    if actor.value in node_class and ch.value in node_class:
                        edge_map[(actor.value, ch.value, _PLAYS, w.value if w else None)] |= (
                            perf_graphs[perf]
                        )

    edges = []
    for (s, o, p, w), gs in sorted(
        edge_map.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1], kv[0][3] or "")
    ):
        rel = "plays" if p == _PLAYS else plabel(p)
        edges.append(Edge(s, o, p, rel, w, labels.get(w) if w else None, src(gs)))

    # facts shown for each node: its own statements (labels of entities, literal values)
    node_facts: dict[str, list[NodeFact]] = defaultdict(list)
    for (s, p, o), gs in sorted(
        facts.items(), key=lambda kv: (kv[0][0], kv[0][1], _term_key(kv[0][2]))
    ):
        if s not in node_class or p in (RDF_TYPE, SKOS_PREF, RDFS_LABEL) or p in _HIDDEN_EDGES:
            continue
        if isinstance(o, ox.NamedNode):
            value, target = labels.get(o.value, compact(o.value)), o.value
        elif isinstance(o, ox.Literal):
            value, target = o.value, None
        else:
            continue
        label = "also spelled" if p == SKOS_ALT else plabel(p)
        node_facts[s].append(NodeFact(p, label, value, target, src(gs)))
    for (s, o, p, w), gs in edge_map.items():  # plays: shown on the actor too
        if p == _PLAYS:
            text = labels.get(o, o) + (f" in {labels.get(w, w)}" if w else "")
            node_facts[s].append(NodeFact(p, "plays", text, o, src(gs)))

    nodes = tuple(
        EntityNode(
            iri,
            labels[iri],
            local_name(c),
            class_labels.get(c, local_name(c)),
            tuple(sorted(node_facts[iri], key=lambda f: (f.predicate_label, f.value))),
        )
        for iri, c in sorted(node_class.items())
    )
    used = {n.cls for n in nodes}
    classes = {
        local_name(c): class_labels.get(c, local_name(c))
        for c in ancestors
        if local_name(c) in used
    }
    source_labels = {compact(g): labels.get(g, compact(g)) for g in fact_graphs}
    return EntityGraph(
        nodes, tuple(edges), dict(sorted(source_labels.items())), dict(sorted(classes.items()))
    )


# ---------------------------------------------------------------------------------------------
# Graph-tool formats
# ---------------------------------------------------------------------------------------------


def to_graphml(eg: EntityGraph) -> bytes:
    import io

    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(eg.to_networkx(), buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def to_gexf(eg: EntityGraph) -> bytes:
    import io

    from networkx.readwrite.gexf import GEXFWriter

    w = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = w.xml.find("meta")
    if meta is not None:  # the writer stamps today's date; exports must not change by the day
        meta.attrib.pop("lastmodifieddate", None)
    g = eg.to_networkx()
    for _, _, d in g.edges(data=True):
        d["label"] = d["relation"]
    w.add_graph(g)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


NODE_COLUMNS = ("iri", "label", "class", "class_label")
EDGE_COLUMNS = ("source", "target", "relation", "predicate", "work", "work_iri", "sources")


def to_csv(eg: EntityGraph) -> dict[str, bytes]:
    """Two CSV tables (RFC 4180, UTF-8, CRLF line ends): nodes and edges."""
    import csv
    import io

    def table(cols: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(cols)
        w.writerows(rows)
        return buf.getvalue().encode("utf-8")

    nodes = table(NODE_COLUMNS, ((n.iri, n.label, n.cls, n.class_label) for n in eg.nodes))
    edges = table(
        EDGE_COLUMNS,
        (
            (
                e.source,
                e.target,
                e.relation,
                compact(e.predicate),
                e.work_label or "",
                e.work or "",
                "; ".join(e.sources),
            )
            for e in eg.edges
        ),
    )
    return {"nodes": nodes, "edges": edges}
