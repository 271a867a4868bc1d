"""Exporting the graph in standard formats, deterministically.

RDF formats (``turtle``, ``ntriples``, ``nquads``, ``trig``, ``jsonld``, ``xml``) are written by
the small serialisers below rather than rdflib's, because the same graph must always give the
same bytes: subjects, predicates and objects sorted, blank nodes labelled by the W3C RDF Dataset
Canonicalization (RDFC-1.0, computed by pyoxigraph), only the prefixes actually used declared,
and never an invented ``ns1:``. Quad formats (TriG, N-Quads, JSON-LD) keep one named graph per
source, so provenance survives the trip.

Graph-tool formats (``graphml``, ``gexf``, ``csv``) export the *entity graph*
(:mod:`kgraph.entitygraph`, which the pictures of :mod:`kgraph.viz` share); ``inferred`` adds
the OWL 2 RL entailments of :mod:`kgraph.entailment`.

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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .entailment import entailed
from .entitygraph import entity_graph, to_csv, to_gexf, to_graphml
from .errors import InputError, UsageError
from .formats import extensions, names, registered
from .resolve import resolve_graph
from .store import Store, term_key
from .terms import (
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF_TYPE,
    escape_iri,
    escape_string,
    local_name,
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


# ---------------------------------------------------------------------------------------------
# What to export
# ---------------------------------------------------------------------------------------------


def format_for(path: Path | str | None, fmt: str | None) -> str:
    """The export format named by ``fmt``, else guessed from the extension of ``path``, else
    Turtle (no ``path``, or a name without an extension). An extension that names no format is
    refused rather than filled with Turtle (``-o g.xyz``, ``-o g.ttl.gz``): give ``fmt``.

    >>> format_for("out.nq", None), format_for(None, "TriG"), format_for(None, None)
    ('nquads', 'trig', 'turtle')
    >>> format_for("graph", None), format_for("g.xyz", "nt")
    ('turtle', 'ntriples')
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
        if suffix:
            raise UsageError(
                f"{path}: no export format has the extension {suffix!r}; use one of "
                f"{' '.join(dict.fromkeys(EXTENSIONS))}, or name the format with --format"
            )
    return "turtle"


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
            objs = sorted(set(props[s][p]), key=term_key)
            out.append(f"{ps} " + " , ".join(obj(o) for o in objs))
        return out

    lines: list[str] = []
    subjects = sorted((s for s in props if s not in inline), key=term_key)
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
        for s in sorted(props, key=term_key):
            node: dict[str, Any] = {"@id": ref(s)}
            for p in sorted(props[s], key=lambda p: p.value):
                objs = sorted(set(props[s][p]), key=term_key)
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
    for s in sorted(props, key=term_key):
        about = (
            f'rdf:nodeID="{s.value}"'
            if isinstance(s, ox.BlankNode)
            else f'rdf:about="{_xml_escape(s.value, True)}"'
        )
        body.append(f"  <rdf:Description {about}>")
        for p in sorted(props[s], key=lambda p: (0 if p.value == RDF_TYPE else 1, p.value)):
            tag = qname(p.value)
            for o in sorted(set(props[s][p]), key=term_key):
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
