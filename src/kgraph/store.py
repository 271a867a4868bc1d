"""One store interface over three backends: embedded (RocksDB), in-memory, and remote SPARQL 1.1.

Everything above this module talks to a :class:`Store`: it runs SPARQL with the project's
prefixes predeclared and the RDF merge of all named graphs as the default graph, binds values
without pasting them into query text, and returns :class:`Result` objects whose terms are
pyoxigraph terms, whatever the backend.

Set semantics: a triple stated by five sources is one triple of the default graph, while
``GRAPH ?g`` still reaches each source's own statements. Neither pyoxigraph's union default
graph nor a list of default graphs merges duplicates (each yields a triple once per graph that
holds it), so every writer ends with :meth:`Store.refresh_merged`, which keeps the merge as a
graph of its own: the real default graph of an embedded or in-memory store, the named graph
``kgg:merged`` of a remote one (given to the server as the query's ``default-graph-uri`` and
never listed among the named graphs). ``benchmarks/bench_merged.py`` measures what it costs.

>>> s = OxigraphStore()  # in memory; kgraph.build.open_store opens any store by name
>>> s.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "x" } }')
>>> [row["o"].value for row in s.select("SELECT ?o WHERE { <urn:a> <urn:p> ?o }")]
['x']
"""

from __future__ import annotations

import os
import re
import sys
from _thread import allocate_lock
from _weakref import ref
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox

from .errors import (
    Position,
    QuerySyntaxError,
    RemoteError,
    RemoteUnavailable,
    StoreCorrupted,
    StoreError,
    UpdateRefused,
)
from .records import Any, Generic, TypeVar, cast, field, record
from .terms import INFERRED_GRAPH, MERGED_GRAPH, ONTOLOGY_GRAPH, PREFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    import threading
    from pathlib import Path
    from typing import IO, ClassVar
    from typing import Literal as TLiteral


def _as_path(text: str | None) -> Path | None:
    """``text`` as a Path: pathlib is imported only where a Path is asked for (a cold ``kgraph
    ask`` never does; pathlib imports urllib.parse and ipaddress)."""
    if text is None:
        return None
    from pathlib import Path

    return Path(text)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
BATCH = 50_000  # quads per transaction on an embedded store
REMOTE_BATCH = 2_000  # quads per INSERT DATA request on a remote store
GENID = "https://kgraph.dev/.well-known/genid/"  # skolem IRIs for blank nodes sent to a remote
# What the library's own queries bind: never an RDF-star triple term (``Store.select`` checks).
Plain = ox.NamedNode | ox.BlankNode | ox.Literal
Bindings = Mapping[str, Term | Iterable[Term]]
T = TypeVar("T")
Graphs = tuple[list[str], list[str]]  # a query's own dataset: default graphs, named graphs
# rows, bytes, a cancel flag (threading is imported where a query can be cancelled, not here)
Caps = tuple[int | None, int | None, "threading.Event | None"]
NO_CAPS: Caps = (None, None, None)
Graph = ox.NamedNode | ox.DefaultGraph  # where a bulk load writes

_UPDATE_RE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_COMMENT_RE = re.compile(r"#[^\n<>\"']*$", re.MULTILINE)
_UPDATE_WORDS = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
)


def is_update(text: str) -> bool:
    """True when ``text`` is a SPARQL Update rather than a query.

    >>> is_update("PREFIX a: <urn:a> DELETE WHERE { ?s ?p ?o }")
    True
    >>> is_update("SELECT * WHERE { ?s ?p ?o }")
    False
    """
    if text.isascii():  # no update keyword anywhere: no update (one C pass, no regex)
        upper = text.upper()
        if not any(word in upper for word in _UPDATE_WORDS):
            return False
    return bool(_UPDATE_RE.match(_COMMENT_RE.sub("", text)))


@record
class Result:
    """The outcome of a SPARQL query: solutions, a boolean, or triples."""

    kind: TLiteral["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, Term]]:
        return iter(self.rows)


def _sparql_term(t: Any) -> str:
    """A term in SPARQL syntax, blank nodes skolemised, triple terms as ``<<( s p o )>>``."""
    if isinstance(t, ox.BlankNode):
        return f"<{GENID}{t.value}>"
    if isinstance(t, ox.Triple):
        return f"<<( {_sparql_term(t.subject)} {t.predicate} {_sparql_term(t.object)} )>>"
    return str(t)


def insert_quads(store: Store, quads: Iterable[ox.Quad], batch: int | None = None) -> int:
    """Add quads to any store (see :meth:`Store.insert`)."""
    return store.insert(quads, batch)


def plain_rows(rows: list[dict[str, Term]]) -> list[dict[str, Plain]]:
    """``rows`` unchanged, once checked to hold no RDF-star triple term."""
    for row in rows:
        for term in row.values():
            if isinstance(term, ox.Triple):
                raise StoreError(
                    f"the store answered with an RDF-star triple term ({term}) where kgraph "
                    "expects an IRI, blank node or literal"
                )
    return cast("list[dict[str, Plain]]", rows)


def _values_clause(bindings: Bindings) -> str:
    """A VALUES block binding each variable to one or more terms (N-Triples syntax, escaped)."""
    parts = []
    for var, value in bindings.items():
        terms = (
            [value]
            if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple))
            else list(value)
        )
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
            raise ValueError(f"bad variable name {var!r}")
        parts.append(f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}")
    return "\n".join(parts)


def syntax_error(exc: SyntaxError, query: str) -> QuerySyntaxError:
    """pyoxigraph's :class:`SyntaxError` for ``query`` as a :class:`QuerySyntaxError` with its line,
    column and source line (the one conversion, for every store and the endpoint)."""
    msg = str(exc.msg if getattr(exc, "msg", None) else exc)
    m = re.search(r"(\d+):(\d+)", msg)
    line = exc.lineno or (int(m.group(1)) if m else None)
    col = exc.offset or (int(m.group(2)) if m else None)
    src = None
    if line is not None:
        lines = query.splitlines()
        if 0 < line <= len(lines):
            src = lines[line - 1]
    return QuerySyntaxError(msg, query, Position(line, col, src))


class Cancelled(Exception):
    """Raised inside :meth:`Store.run` when its ``cancel`` event was set between two solutions."""


def term_size(t: Any) -> int:
    """About how many bytes a term takes in a serialised answer (for byte caps)."""
    if t is None:
        return 0
    if isinstance(t, ox.Triple):
        return term_size(t.subject) + term_size(t.predicate) + term_size(t.object)
    return len(t.value) + 16


def term_key(t: Any) -> tuple[int, str, str, str]:
    """A total order on terms: IRIs, then blank nodes, then literals."""
    if isinstance(t, ox.NamedNode):
        return (0, t.value, "", "")
    if isinstance(t, ox.BlankNode):
        return (1, t.value, "", "")
    if isinstance(t, ox.Literal):
        return (2, t.value, t.datatype.value, t.language or "")
    return (3, str(t), "", "")


def row_size(row: Mapping[str, Any]) -> int:
    return sum(term_size(v) for v in row.values()) + 8


def triple_size(t: Any) -> int:
    return term_size(t.subject) + term_size(t.predicate) + term_size(t.object) + 8


def _take(
    items: Iterable[T],
    limit: int | None,
    max_bytes: int | None,
    size: Callable[[T], int],
    cancel: threading.Event | None,
) -> tuple[list[T], bool]:
    """The first ``items`` within ``limit`` items and ``max_bytes`` bytes, and whether any were cut."""
    out: list[T] = []
    total = 0
    try:
        for x in items:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            if max_bytes is not None:
                total += size(x)
            if len(out) == limit or (max_bytes is not None and total > max_bytes):
                return out, True
            out.append(x)
        return out, False
    finally:
        items = ()  # a pyoxigraph iterator is dropped by the thread that made it


def collect(
    res: Any,
    *,
    limit: int | None = None,
    max_bytes: int | None = None,
    cancel: threading.Event | None = None,
) -> tuple[Result, bool]:
    """A query's answer — a pyoxigraph result, read lazily, or a :class:`Result` — as a
    :class:`Result` of at most ``limit`` rows (or triples) and about ``max_bytes`` bytes, and
    whether any were left out. The one place solutions become rows (unbound variables absent)."""
    solutions: Any = None
    try:
        if isinstance(res, Result):
            if res.kind == "ask":
                return res, False
            rows, more = _take(res.rows, limit, max_bytes, row_size, cancel)
            triples, cut = _take(res.triples, limit, max_bytes, triple_size, cancel)
            return Result(res.kind, res.variables, rows, res.boolean, triples), more or cut
        if isinstance(res, ox.QueryBoolean):
            return Result("ask", boolean=bool(res)), False
        if isinstance(res, ox.QuerySolutions):
            names = [v.value for v in res.variables]
            solutions = ({n: s[n] for n in names if s[n] is not None} for s in res)
            rows, more = _take(solutions, limit, max_bytes, row_size, cancel)
            return Result("select", variables=names, rows=rows), more
        triples, more = _take(res, limit, max_bytes, triple_size, cancel)
        return Result("graph", triples=triples), more
    finally:
        res = solutions = None


class _PastCaps(Exception):
    """Raised by :class:`_JsonSink` to stop a serialiser that may be going past the caps."""


class _JsonSink:
    """Where pyoxigraph writes a SELECT answer as SPARQL JSON, stopping it (:class:`_PastCaps`)
    as soon as the answer may hold more than ``limit`` rows or ``max_bytes`` bytes by
    :func:`row_size`'s measure, so that an answer kept whole is one :func:`collect` would not cut.

    Rows are over-counted (never under): every boundary between two rows writes ``},{``, which
    a term never does outside a string. Bytes too: a term takes at least its :func:`term_size`
    in JSON (``{"type":"uri","value":""}`` is 25 bytes, the measure adds 16; a character is at
    least a byte), a row's braces at least 6 bytes less than its 8.
    """

    def __init__(self, limit: int | None, max_bytes: int | None) -> None:
        self.limit, self.max_bytes = limit, max_bytes
        self.parts: list[bytes] = []
        self.size, self.rows, self.tail = 0, 1, b""

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.rows += (self.tail + data).count(b"},{")  # the tail: a boundary cut in two
        self.tail = data[-2:]
        self.size += len(data)
        if (self.limit is not None and self.rows > self.limit) or (
            self.max_bytes is not None and self.size + 6 * self.rows > self.max_bytes
        ):
            raise _PastCaps
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts) + b"\n"


class Store(ABC):
    """The interface every backend implements.

    A new backend is one subclass: the abstract methods, plus whichever capabilities below it
    can do faster or at all (the defaults work through SPARQL). Nothing outside this module
    tests for a concrete store class (``tests/test_architecture.py`` checks): code that has a
    fast path asks the store, through these methods and the ``supports_*`` flags.
    """

    kind: str = "abstract"
    location: str = ""
    writable: bool = False
    #: the directory the store's files live in (an embedded store on disk), else None; as
    #: text (:attr:`directory` gives it as a Path)
    directory_text: str | None = None
    #: whether :meth:`run` takes a query's own dataset (``default_graphs``/``named_graphs``)
    supports_dataset: bool = False
    #: whether :meth:`bulk_load` exists (a loader writing a file straight into one graph)
    supports_bulk_load: bool = False
    # Set when the store's data never changes (a content-addressed store of kgraph's cache): the
    # path beside which values derived from it may be kept (PerStore's ``persist``), as text.
    frozen_text: str | None = None

    @property
    def directory(self) -> Path | None:
        """The directory the store's files live in (an embedded store on disk), else None."""
        return _as_path(self.directory_text)

    @property
    def frozen(self) -> Path | None:
        """Set when the store's data never changes (a content-addressed store of kgraph's
        cache): the path beside which values derived from it may be kept."""
        return _as_path(self.frozen_text)

    @abstractmethod
    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True) -> Result:
        """Run a SPARQL query; ``union=False`` gives it an empty default graph."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL Update."""

    @abstractmethod
    def insert(self, quads: Iterable[ox.Quad], batch: int | None = None) -> int:
        """Add ``quads`` in batches of ``batch``; returns how many were added."""

    @abstractmethod
    def refresh_merged(self) -> None:
        """Rewrite the merged default graph from the named graphs (after any change to them)."""

    @abstractmethod
    def clear_merged(self) -> None:
        """Drop the merged default graph before changing the named graphs, so that queries made
        while they change (alignment, reconciliation) read the named graphs themselves, not a
        stale merge; :meth:`refresh_merged` writes it again at the end."""

    def run(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        limit: int | None = None,
        max_bytes: int | None = None,
        cancel: threading.Event | None = None,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
    ) -> tuple[Result, bool]:
        """Run a user's query keeping at most ``limit`` rows (or triples) and about ``max_bytes``
        bytes of them; returns the result and whether any were left out. A store that reads
        lazily stops reading there, and between two solutions when ``cancel`` is set
        (:class:`Cancelled`). ``default_graphs``/``named_graphs`` name the query's dataset
        (only where :attr:`supports_dataset`)."""
        graphs = (list(default_graphs), list(named_graphs))
        if (graphs[0] or graphs[1]) and not self.supports_dataset:
            raise StoreError(f"a {self.kind} store cannot take a query's own dataset")
        return self._run(sparql, bindings, graphs, (limit, max_bytes, cancel))

    def _run(
        self, sparql: str, bindings: Bindings | None, graphs: Graphs, caps: Caps
    ) -> tuple[Result, bool]:
        """:meth:`run` once its arguments are checked: this default reads the whole answer."""
        return collect(self.query(sparql, bindings), limit=caps[0], max_bytes=caps[1])

    def run_json(
        self,
        sparql: str,
        *,
        limit: int | None = None,
        max_bytes: int | None = None,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
    ) -> tuple[Result | bytes, bool]:
        """:meth:`run`, for a client that wants SPARQL 1.1 Query Results JSON: a store whose
        engine writes that format may hand back a SELECT answer as its bytes (the whole answer,
        within the caps) instead of a :class:`Result`; any other answer comes as from
        :meth:`run`. This default always gives the :class:`Result`."""
        return self.run(
            sparql,
            limit=limit,
            max_bytes=max_bytes,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[dict[str, Plain]]:
        """Rows of a SELECT query as dicts of variable name to term (unbound variables absent).

        For the library's own queries, whose variables bind IRIs, blank nodes and literals: a
        triple term (RDF-star) in a solution is refused rather than handed on to code that
        reads ``.value``. ``query`` returns any term.
        """
        return plain_rows(self.query(sparql, bindings).rows)

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        return bool(self.query(sparql, bindings).boolean)

    def named_graphs(self) -> list[str]:
        rows = plain_rows(
            self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False).rows
        )
        return sorted(r["g"].value for r in rows)

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph ``graph`` holds any triple."""
        # the graph is named in the text (an N-Triples-escaped IRI): Virtuoso ignores a VALUES
        # binding of the graph variable here and answers whether any graph has a triple
        # FROM NAMED makes the question's dataset that graph alone: a remote store otherwise sends
        # the managed graphs as named-graph-uri, and Virtuoso then answers for a graph outside them
        g = ox.NamedNode(graph)
        return self.ask(f"ASK FROM NAMED {g} {{ GRAPH {g} {{ ?s ?p ?o }} }}")

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        """Remove the named graphs ``graphs`` (those absent are skipped)."""
        graphs = sorted(set(graphs))
        if graphs:
            self.update(";\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))

    def pairs(self, predicate: str, limit: int | None = None) -> list[tuple[str, str]]:
        """The distinct (subject, object) IRI pairs of ``predicate``, at most ``limit`` of them."""
        text = (
            f"SELECT DISTINCT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o "
            "FILTER (isIRI(?s) && isIRI(?o)) }"
        )
        if limit is not None:
            text += f" LIMIT {int(limit)}"
        return [(r["s"].value, r["o"].value) for r in self.select(text)]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store (default graph and named graphs)."""
        res = self.query(
            "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", union=False
        )
        for r in res.rows:  # objects may be RDF-star triple terms: not plain_rows
            g = r.get("g")
            s, p = r["s"], r["p"]
            assert not isinstance(s, ox.Literal) and isinstance(p, ox.NamedNode)
            assert not isinstance(g, ox.Literal | ox.Triple)
            yield ox.Quad(s, p, r["o"], g if g is not None else ox.DefaultGraph())

    def ntriples(self, graphs: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """The named graphs ``graphs`` as N-Triples: blocks of whole lines, each with its graph's
        IRI, in no particular order."""
        wanted = set(graphs)
        pending: dict[str, list[ox.Triple]] = {}
        n = 0
        for q in self.quads():
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in wanted:
                pending.setdefault(q.graph_name.value, []).append(q.triple)
                n += 1
                if n >= 50_000:
                    yield from _blocks(pending)
                    pending, n = {}, 0
        yield from _blocks(pending)

    def bulk_load(
        self,
        graph: Graph,
        fmt: ox.RdfFormat,
        source: Path | IO[bytes],
        base: str | None,
        *,
        lenient: bool = False,
    ) -> None:
        """Write a file (its path, or a stream of it) into ``graph`` (a named graph, or the merged
        default graph while :attr:`merge_deferred`) with base IRI ``base`` by a bulk loader that
        keeps blank node labels (only where :attr:`supports_bulk_load`). ``lenient``: skip the
        parser's validation of IRIs and language tags, for data already known to be valid (a
        file the check pass has just parsed whole, N-Triples pyoxigraph wrote itself)."""
        raise StoreError(f"a {self.kind} store has no bulk loader")

    def flush(self) -> None:
        """Make what was written durable (a no-op where every write already is)."""

    def backup(self, target: Path) -> None:
        """Copy the store to the directory ``target`` (only where :attr:`directory` is set)."""
        raise StoreError(f"a {self.kind} store cannot be copied to a directory")

    def reopen_after(self, action: Callable[[], object]) -> None:
        """Close the store's files, run ``action`` on them, open them again (only where
        :attr:`directory` is set)."""
        raise StoreError(f"a {self.kind} store has no files to reopen")

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    def defer_merged(self) -> None:
        """Start a change that only adds triples (a load of new files): until
        :meth:`extend_merged` or :meth:`refresh_merged` ends it, queries read the named graphs
        themselves, as after :meth:`clear_merged`, but the merged graph is kept so that
        :meth:`extend_merged` need only add the new triples to it."""
        self.clear_merged()

    @property
    def merge_deferred(self) -> bool:
        """Whether a change begun by :meth:`defer_merged` is under way on a kept merge that
        triples may be written to directly (embedded and in-memory stores only)."""
        return False

    def extend_merged(self, graphs: Iterable[str]) -> None:
        """End a change begun by :meth:`defer_merged` that added triples to ``graphs`` and
        removed none anywhere: their triples join the merged graph (set semantics: triples it
        already holds stay once), instead of the whole merge being rewritten."""
        self.refresh_merged()

    def close(self) -> None:
        pass


def _blocks(pending: dict[str, list[ox.Triple]]) -> Iterator[tuple[str, bytes]]:
    for g, triples in pending.items():
        yield g, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


class OxigraphStore(Store):
    """An embedded pyoxigraph store: on disk (RocksDB) when ``path`` is given, else in memory."""

    supports_dataset = True
    supports_bulk_load = True

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        frozen: bool = False,
        snapshot: bytes | None = None,
    ) -> None:
        """``snapshot``: the N-Quads of a frozen read-only store, checked against the checksum
        recorded at its build (``kgraph.build.snapshot``). Its quads are then served from memory
        instead of opening RocksDB (for the bundled graph about 7 ms against 10-12 ms on a quiet
        machine, and RocksDB's background threads cost far more on a busy one); the store is
        the same in every other respect."""
        self.directory_text = os.fspath(path) if path is not None else None
        self.writable = not read_only
        self._deferred: bool | None = None  # during defer_merged: whether a merge was kept
        self._merged_read_only: bool | None = None  # has_merged, known once when read-only
        # A content-addressed store of kgraph's cache (never written after it was installed):
        # values derived from it may be kept in files beside it (see PerStore).
        self.frozen_text = self.directory_text if frozen and read_only else None
        try:
            if self.directory_text is None:
                self._store = ox.Store()
                self.kind, self.location = "memory", "memory:"
            elif snapshot is not None and self.frozen_text:
                self._store = ox.Store()
                # parsed as written: blank node labels kept, as in the store on disk; lenient (no
                # IRI validation), as Oxigraph wrote it and its checksum matched
                quads = ox.parse(
                    snapshot, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False, lenient=True
                )
                self._store.extend(quads)
                self.kind, self.location = "embedded", self.directory_text
            elif read_only:
                self._store = ox.Store.read_only(self.directory_text)
                self.kind, self.location = "embedded", self.directory_text
            else:
                self._store = ox.Store(self.directory_text)
                self.kind, self.location = "embedded", self.directory_text
        except OSError as e:
            raise StoreError(f"cannot open the store at {self.directory_text}: {e}") from None

    @property
    def path(self) -> Path | None:
        """The store's directory on disk (None in memory): :attr:`directory`."""
        return self.directory

    @property
    def raw(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for bulk work."""
        return self._store

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True) -> Result:
        dataset = self.dataset() if union else {"default_graph": ox.NamedNode(_EMPTY_GRAPH)}
        return self._evaluate(sparql, bindings, dataset)[0]

    def _run(
        self, sparql: str, bindings: Bindings | None, graphs: Graphs, caps: Caps
    ) -> tuple[Result, bool]:
        """Solutions are read lazily: reading stops at the caps, or when ``cancel`` is set.
        A graph IRI that is not one raises :class:`ValueError`."""
        return self._evaluate(sparql, bindings, self._query_dataset(graphs), caps)

    def _query_dataset(self, graphs: Graphs) -> dict[str, Any]:
        default = [ox.NamedNode(g) for g in graphs[0]]
        dataset: dict[str, Any] = {"default_graph": default} if default else self.dataset()
        if graphs[1]:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in graphs[1]]
        return dataset

    def run_json(
        self,
        sparql: str,
        *,
        limit: int | None = None,
        max_bytes: int | None = None,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
    ) -> tuple[Result | bytes, bool]:
        """A SELECT answer written by pyoxigraph's own serialiser, straight to bytes (no Python
        object per term: the endpoint's uncached path), when it fits the caps; an answer that
        may not is read again row by row, as :meth:`run` reads it, and cut there."""
        dataset = self._query_dataset((list(default_graphs), list(named_graphs)))

        def read(res: Any) -> tuple[Result | bytes | None, bool]:
            if not isinstance(res, ox.QuerySolutions):
                return collect(res, limit=limit, max_bytes=max_bytes)
            sink = _JsonSink(limit, max_bytes)
            try:
                res.serialize(sink, format=ox.QueryResultsFormat.JSON)  # type: ignore[arg-type]
            except _PastCaps:
                return None, True
            return sink.value(), False

        answer, more = self._answer(sparql, None, dataset, read)
        if answer is None:  # maybe past a cap: read again, up to the caps
            return self._evaluate(sparql, None, dataset, (limit, max_bytes, None))
        return answer, more

    def _evaluate(
        self, sparql: str, bindings: Bindings | None, dataset: dict[str, Any], caps: Caps = NO_CAPS
    ) -> tuple[Result, bool]:
        return self._answer(
            sparql,
            bindings,
            dataset,
            lambda res: collect(res, limit=caps[0], max_bytes=caps[1], cancel=caps[2]),
        )

    def _answer(
        self,
        sparql: str,
        bindings: Bindings | None,
        dataset: dict[str, Any],
        read: Callable[[Any], tuple[T, bool]],
    ) -> tuple[T, bool]:
        """Check and run the query, and ``read`` its pyoxigraph result (in this thread)."""
        if is_update(sparql):
            raise UpdateRefused(
                "this is a SPARQL Update; queries cannot change data (use `kgraph load` / `kgraph unload`)"
            )
        text = bind_values(sparql, bindings) if bindings else sparql
        from .sparqlguard import check_shape

        check_shape(sparql)
        # pyoxigraph's result iterators must be dropped by the thread that made them: `res` is
        # cleared in `finally`, so no traceback handed to another thread holds on to it.
        res: Any = None
        stopped = False
        try:
            res = self._store.query(text, prefixes=PREFIXES, **dataset)
            return read(res)
        except Cancelled:
            stopped = True
        except SyntaxError as e:
            raise syntax_error(e, sparql) from None
        except (OSError, RuntimeError) as e:
            raise self._read_error(e, sparql) from None
        finally:
            res = None
        assert stopped
        raise Cancelled  # outside the handler: no context holding the reading frames

    def _read_error(self, e: Exception, sparql: str = "") -> Exception:
        """A read failure as a kgraph error: corruption, an unknown function, or the OS's reason."""
        msg = str(e)
        if "Corruption" in msg or "checksum mismatch" in msg:
            first = msg.split("  ")[0]
            return StoreCorrupted(
                f"the store at {self.location} is damaged: {first}",
                self.directory_text,
            )
        m = re.search(r"custom function (<[^>]*>) is not supported", msg)
        if m:
            return QuerySyntaxError(f"unknown SPARQL function {m.group(1)}", sparql)
        if isinstance(e, OSError):
            return StoreError(f"store read failed: {e}")
        return StoreError(f"the query failed: {msg}")

    def insert(self, quads: Iterable[ox.Quad], batch: int | None = None) -> int:
        """Add quads by transactions of ``batch`` quads."""
        self.clear_merged()
        n, size = 0, batch or BATCH
        chunk: list[ox.Quad] = []
        for q in quads:
            chunk.append(q)
            if len(chunk) >= size:
                self.raw.extend(chunk)
                n += len(chunk)
                chunk = []
        if chunk:
            self.raw.extend(chunk)
            n += len(chunk)
        return n

    def update(self, sparql: str) -> None:
        if not self.writable:
            raise StoreError(f"the store at {self.location} is open read-only")
        self.clear_merged()
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as e:
            raise syntax_error(e, sparql) from None
        except RuntimeError as e:
            raise self._read_error(e, sparql) from None

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        for g in sorted(set(graphs)):
            if self._store.contains_named_graph(ox.NamedNode(g)):
                self._store.remove_graph(ox.NamedNode(g))

    def pairs(self, predicate: str, limit: int | None = None) -> list[tuple[str, str]]:
        """A direct index scan (about twice as fast as the SPARQL of other stores)."""
        seen: dict[tuple[str, str], None] = {}
        for quad in self._store.quads_for_pattern(None, ox.NamedNode(predicate), None):
            s, o = quad.subject, quad.object
            if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode):
                continue
            seen[(s.value, o.value)] = None
            if limit is not None and len(seen) >= limit:
                break
        return list(seen)

    def ntriples(self, graphs: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """Each graph dumped by pyoxigraph, in Rust, into a temporary file read in blocks."""
        import tempfile

        for g in graphs:
            with tempfile.TemporaryFile() as tmp:
                self._store.dump(tmp, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
                tmp.seek(0)
                rest = b""
                while True:
                    block = tmp.read(8 << 20)
                    if not block:
                        break
                    block = rest + block
                    cut = block.rfind(b"\n") + 1
                    rest = block[cut:]
                    yield g, block[:cut]

    def bulk_load(
        self,
        graph: Graph,
        fmt: ox.RdfFormat,
        source: Path | IO[bytes],
        base: str | None,
        *,
        lenient: bool = False,
    ) -> None:
        """pyoxigraph's bulk loader; a file given by its path is read by the engine itself."""
        from pathlib import Path

        if isinstance(source, Path):
            self._store.bulk_load(
                path=str(source), format=fmt, base_iri=base, to_graph=graph, lenient=lenient
            )
        else:
            self._store.bulk_load(
                source, format=fmt, base_iri=base, to_graph=graph, lenient=lenient
            )

    def flush(self) -> None:
        self._store.flush()

    def backup(self, target: Path) -> None:
        self._store.backup(str(target))

    def reopen_after(self, action: Callable[[], object]) -> None:
        import gc

        if self.directory_text is None:
            raise StoreError("an in-memory store has no files to reopen")
        del self._store
        gc.collect()  # the RocksDB handle closes when its last reference goes
        try:
            action()
        finally:
            self._store = ox.Store(self.directory_text)
            self._merged_read_only = None

    def dataset(self) -> dict[str, Any]:
        """The keyword arguments of :meth:`pyoxigraph.Store.query` that give a query kgraph's
        default graph: the maintained merge, or (a store written by an older kgraph, or by hand
        through :attr:`raw` without :meth:`refresh_merged`) the union of the named graphs."""
        if self._deferred is not None:  # the default graph holds a merge being extended
            graphs = list(self._store.named_graphs())
            return {"default_graph": graphs or ox.NamedNode(_EMPTY_GRAPH)}
        return {} if self.has_merged() else {"use_default_graph_as_union": True}

    def has_merged(self) -> bool:
        """Whether the store keeps the merged default graph (one index seek; once for a
        read-only handle, which sees no writes: the endpoint asks it for every query)."""
        if self._merged_read_only is not None:
            return self._merged_read_only
        found = any(True for _ in self._default_quads())
        if not self.writable:
            self._merged_read_only = found
        return found

    def _default_quads(self) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def clear_merged(self) -> None:
        if self._deferred is not None:  # kept for extend_merged; queries read the named graphs
            return
        if self.writable and self.has_merged():
            self._store.clear_graph(ox.DefaultGraph())

    def defer_merged(self) -> None:
        if not self.writable:
            raise StoreError(f"the store at {self.location} is open read-only")
        if self._deferred is None:
            self._deferred = self.has_merged()

    @property
    def merge_deferred(self) -> bool:
        # the bulk load of a big file writes its triples to the default graph directly, rather
        # than dumping its graph again at the end
        return bool(self._deferred)

    def extend_merged(self, graphs: Iterable[str]) -> None:
        kept, self._deferred = self._deferred, None
        if not kept:  # no merge to extend (a store written without one): write it whole
            self.refresh_merged()
            return
        present = set(self._store.named_graphs())
        self._merge_graphs([g for g in dict.fromkeys(map(ox.NamedNode, graphs)) if g in present])

    def refresh_merged(self) -> None:
        """Rewrite the default graph as the RDF merge of the named graphs, graph by graph."""
        if not self.writable:
            raise StoreError(f"the store at {self.location} is open read-only")
        self._deferred = None
        self._store.clear_graph(ox.DefaultGraph())
        self._merge_graphs(list(self._store.named_graphs()))

    def _merge_graphs(self, graphs: list[ox.NamedNode | ox.BlankNode]) -> None:
        """Add the triples of ``graphs`` to the default graph."""
        import tempfile

        # Each graph goes out as N-Triples and back in by the bulk loader, all inside
        # pyoxigraph: many times faster than building quads in Python, and memory-light (a
        # temporary file, one graph at a time). The bulk loader renames blank nodes, though,
        # and a blank node must stay one node across its graph and the merge: a graph that
        # has any is copied quad by quad (``bulk_extend`` keeps their labels).
        if not graphs:
            return
        with tempfile.TemporaryDirectory(prefix="kgraph-merge-") as tmp:
            dump = os.path.join(tmp, "graph.nt")
            for g in graphs:
                self._store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=g)
                if _mentions_blank_node(dump):
                    self._store.bulk_extend(
                        ox.Quad(q.subject, q.predicate, q.object)
                        for q in self._store.quads_for_pattern(None, None, None, g)
                    )
                else:
                    self._store.bulk_load(  # lenient: pyoxigraph's own output, valid
                        path=dump,
                        format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.DefaultGraph(),
                        lenient=True,
                    )

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (the merged default graph is derived from them)."""
        return (q for q in self._store if not isinstance(q.graph_name, ox.DefaultGraph))

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        return len(self._store) - sum(1 for _ in self._default_quads())

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def close(self) -> None:
        if self.writable and self.directory_text is not None:
            self._store.flush()
        del self._store


def _mentions_blank_node(path: str) -> bool:
    """Whether an N-Triples file may hold a blank node (``_:`` anywhere: at worst a literal or
    an IRI that contains it, which only costs the slower copy)."""
    import mmap

    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return m.find(b"_:") >= 0


_TOKEN_RE = re.compile(
    r"(?P<skip>#[^\n]*"
    r"|'''.*?'''"
    r'|""".*?"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|<[^<>\"{}|^`\\\s]*>)"
    r"|(?P<open>\{)|(?P<close>\})|(?P<where>\bWHERE\b)",
    re.IGNORECASE | re.DOTALL,
)


def bind_values(sparql: str, bindings: Bindings) -> str:
    """Bind variables by a VALUES block placed first inside the query's WHERE group.

    The values are terms in N-Triples syntax (escaped by pyoxigraph), so user text can never
    become query syntax. Placing the block inside the group (not after the query) keeps the
    usual meaning when the query aggregates or does not project the bound variables.

    >>> print(bind_values("SELECT ?n WHERE { ?p <urn:name> ?n }", {"p": ox.NamedNode("urn:x")}))
    SELECT ?n WHERE { VALUES ?p { <urn:x> }
     ?p <urn:name> ?n }
    """
    values = _values_clause(bindings)
    depth = 0
    after_where = False
    for m in _TOKEN_RE.finditer(sparql):
        if m.group("skip"):
            continue
        if m.group("where") and depth == 0:
            after_where = True
        elif m.group("open"):
            if depth == 0 and (after_where or _is_where_less(sparql[: m.start()])):
                i = m.end()
                return sparql[:i] + " " + values + "\n" + sparql[i:]
            depth += 1
        elif m.group("close"):
            depth -= 1
    raise ValueError("cannot find the WHERE clause to bind values in")


def _is_where_less(head: str) -> bool:
    """SELECT/ASK/DESCRIBE may omit WHERE: then the first top-level group is the pattern."""
    return (
        re.search(r"\b(SELECT|ASK|DESCRIBE)\b", _COMMENT_RE.sub("", head), re.IGNORECASE)
        is not None
        and re.search(r"\bCONSTRUCT\b", head, re.IGNORECASE) is None
    )


class RemoteStore(Store):
    """Any SPARQL 1.1 endpoint over HTTP (Protocol for queries, Update for changes).

    Credentials come from the environment (``KGRAPH_USER``/``KGRAPH_PASSWORD`` for basic auth, or
    ``KGRAPH_TOKEN`` for a bearer token), never from the command line.

    Servers disagree on what the default graph of a query is (Oxigraph: the real default graph
    unless started with ``--union-default-graph``; Virtuoso: every graph, its own system graphs
    included; Fuseki: configurable). On a store that kgraph manages (one holding the kgraph
    ontology graph) every query therefore names its dataset through the protocol's
    ``default-graph-uri`` / ``named-graph-uri`` parameters: the graphs kgraph wrote (ontology,
    loaded files and the graphs they hold, inferred). Queries then see exactly what the same
    data in the embedded store shows, on every server. On any other endpoint the server's own
    default graph is used as it is.
    """

    kind = "remote"

    def __init__(
        self, query_url: str, update_url: str | None = None, *, timeout: float = 60.0
    ) -> None:
        self.location = query_url
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.writable = True
        self.timeout = timeout
        self._graphs: list[str] | None = None  # the managed graphs, [] when not a kgraph store
        self._merged = False  # whether the store holds kgg:merged (known with _graphs)
        self._deferred: bool | None = None  # during defer_merged: whether a merge was kept
        self._update_param = "update"

    def _headers(self) -> dict[str, str]:
        h = {"User-Agent": "kgraph"}
        user, pw = os.environ.get("KGRAPH_USER"), os.environ.get("KGRAPH_PASSWORD")
        token = os.environ.get("KGRAPH_TOKEN")
        if token:
            h["Authorization"] = f"Bearer {token}"
        elif user is not None:
            import base64

            h["Authorization"] = "Basic " + base64.b64encode(f"{user}:{pw or ''}".encode()).decode()
        return h

    def _post(self, url: str, form: list[tuple[str, str]], accept: str) -> bytes:
        import urllib.error
        import urllib.parse

        from .httpclient import DeadlineExceeded, post

        data = urllib.parse.urlencode(form).encode()
        headers = self._headers() | {
            "Accept": accept,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        try:
            return post(url, data, headers, self.timeout)
        except DeadlineExceeded:
            raise RemoteUnavailable(
                f"{url} did not answer completely within {self.timeout:g} s; stopped waiting"
            ) from None
        except urllib.error.HTTPError as e:
            try:
                body = e.read().decode("utf-8", "replace").strip().splitlines()
            except (OSError, ValueError):
                body = []
            detail = " ".join(line.strip() for line in body[:3])[:300] if body else e.reason
            detail = "".join(c if c.isprintable() else " " for c in str(detail))
            if e.code == 400:
                text = dict(form).get("query", "")
                raise QuerySyntaxError(f"{url} rejected the request: {detail}", text) from None
            updating = any(k == "update" for k, _ in form) or is_update(dict(form).get("query", ""))
            credentials = "Authorization" in headers
            if e.code == 401 or (e.code == 403 and not credentials and not updating):
                raise RemoteError(
                    f"{url} answered HTTP {e.code} (not allowed): {detail}",
                    hint="set KGRAPH_USER and KGRAPH_PASSWORD (or KGRAPH_TOKEN) in the environment",
                ) from None
            if e.code == 403:
                why = (
                    "the endpoint refuses changes (it may be read-only, or these credentials "
                    "may not allow writing)"
                    if updating
                    else "the credentials given do not allow this"
                )
                raise RemoteError(f"{url} answered HTTP 403: {why}: {detail}") from None
            if e.code in (502, 503, 504):
                raise RemoteUnavailable(f"{url} answered HTTP {e.code}: {detail}") from None
            raise RemoteError(f"{url} answered HTTP {e.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise RemoteError(f"cannot reach {url}: {reason}") from None
        except (ValueError, http_client_errors()) as e:
            raise RemoteError(f"cannot use {url}: {e or type(e).__name__}") from None

    def _raw_select(self, text: str) -> list[dict[str, Term]]:
        return _parse_remote(
            self._post(
                self.query_url, [("query", _with_prefixes(text))], "application/sparql-results+json"
            )
        ).rows

    def managed_graphs(self) -> list[str]:
        """The graphs kgraph wrote to this endpoint; empty when it is not a kgraph store."""
        if self._graphs is None:
            rows = self._raw_select(
                """SELECT DISTINCT ?g WHERE {
                     { GRAPH ?g { <https://kgraph.dev/ontology> a owl:Ontology } }
                     UNION { GRAPH ?g { ?f kg:fileName ?n } FILTER (STR(?f) = STR(?g)) }
                     UNION { GRAPH ?f { ?s kg:fileName ?n ; <http://purl.org/dc/terms/hasPart> ?g }
                             FILTER (STR(?s) = STR(?f)) }
                     UNION { GRAPH ?c { ?g a kg:Source } FILTER (?c = kgg:curation)
                             FILTER EXISTS { GRAPH ?g { ?x ?y ?z } } }
                     UNION { GRAPH ?g { ?x a kg:Source } FILTER (?g = kgg:curation) }
                   }"""
            )
            graphs = sorted({g.value for r in rows if isinstance(g := r.get("g"), ox.NamedNode)})
            self._merged = MERGED_GRAPH in graphs
            graphs = [g for g in graphs if g != MERGED_GRAPH]
            if ONTOLOGY_GRAPH in graphs:
                graphs.append(INFERRED_GRAPH)
                self._graphs = sorted(set(graphs))
            else:
                self._graphs = []
        return self._graphs

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True) -> Result:
        if is_update(sparql):
            raise UpdateRefused(
                "this is a SPARQL Update; queries cannot change data (use `kgraph load` / `kgraph unload`)"
            )
        bound = bind_values(sparql, bindings) if bindings else sparql
        # Check the syntax locally first, so errors carry line and column like the embedded store
        # (on the user's text, before the PREFIX lines are prepended, so the lines match theirs).
        from .sparqlguard import check_shape

        check_shape(sparql)
        try:
            local = ox.Store().query(bound, prefixes=PREFIXES)
        except SyntaxError as e:
            raise syntax_error(e, sparql) from None
        except RuntimeError as e:
            m = re.search(r"custom function (<[^>]*>) is not supported", str(e))
            if not m:
                raise
            local = None  # the remote server may know the function: let it decide
        text = _with_prefixes(bound)
        triples = local is not None and not isinstance(local, (ox.QuerySolutions, ox.QueryBoolean))
        form = [("query", text)]
        graphs = self.managed_graphs()
        if graphs and not _DATASET_RE.search(_COMMENT_RE.sub("", text)):
            merged = self._merged and self._deferred is None
            default = ([MERGED_GRAPH] if merged else graphs) if union else [_EMPTY_GRAPH]
            form += [("default-graph-uri", g) for g in default]
            form += [("named-graph-uri", g) for g in graphs]
        accept = (
            "application/n-triples, text/turtle;q=0.9"
            if triples
            else "application/sparql-results+json"
        )
        return _parse_remote(self._post(self.query_url, form, accept))

    def insert(self, quads: Iterable[ox.Quad], batch: int | None = None) -> int:
        """Add quads by ``INSERT DATA`` requests of ``batch`` quads. Blank nodes become skolem
        IRIs, since a blank node label is scoped to one update request here."""
        n, size = 0, batch or REMOTE_BATCH
        pending: list[ox.Quad] = []

        def flush() -> None:
            by_graph: dict[str, list[str]] = {}
            for q in pending:
                g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
                by_graph.setdefault(g, []).append(
                    f"{_sparql_term(q.subject)} {q.predicate} {_sparql_term(q.object)} ."
                )
            body = []
            for g, triples in by_graph.items():
                inner = "\n".join(triples)
                body.append(f"GRAPH {g} {{\n{inner}\n}}" if g else inner)
            self.update("INSERT DATA {\n" + "\n".join(body) + "\n}")

        for q in quads:
            pending.append(q)
            n += 1
            if len(pending) >= size:
                flush()
                pending = []
        if pending:
            flush()
        return n

    def update(self, sparql: str) -> None:
        self._graphs = None
        text = _with_prefixes(_bind_template_graphs(sparql))
        try:
            self._post(self.update_url, [(self._update_param, text)], "*/*")
        except QuerySyntaxError:
            # Virtuoso's /sparql takes updates in the ``query`` parameter only.
            if self._update_param != "update" or self.update_url != self.query_url:
                raise
            self._post(self.update_url, [("query", text)], "*/*")
            self._update_param = "query"

    def clear_merged(self) -> None:
        if self._deferred is not None:  # kept for extend_merged; queries read the named graphs
            return
        self.update(f"DROP SILENT GRAPH <{MERGED_GRAPH}>")
        self._graphs = None

    def defer_merged(self) -> None:
        if self._deferred is None:
            self._graphs = None
            self.managed_graphs()
            self._deferred = self._merged

    def extend_merged(self, graphs: Iterable[str]) -> None:
        kept, self._deferred = self._deferred, None
        self._graphs = None
        managed = set(self.managed_graphs())
        if not kept or not managed:
            self.refresh_merged()
            return
        self._merge_into([g for g in dict.fromkeys(graphs) if g in managed])

    def refresh_merged(self) -> None:
        """Rewrite ``kgg:merged`` as the RDF merge of the managed graphs, on the server."""
        self._deferred = None
        self._graphs = None
        graphs = self.managed_graphs()
        self.update(f"DROP SILENT GRAPH <{MERGED_GRAPH}>")
        self._merge_into(graphs)

    def _merge_into(self, graphs: list[str]) -> None:
        if graphs:
            values = " ".join(f"<{g}>" for g in graphs)
            self.update(
                f"INSERT {{ GRAPH <{MERGED_GRAPH}> {{ ?s ?p ?o }} }} "
                f"WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            )
        self._graphs = None

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the managed graphs (kgraph never writes a remote default graph)."""
        res = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        for r in res.rows:  # objects may be RDF-star triple terms: not plain_rows
            s, p, g = r["s"], r["p"], r["g"]
            assert not isinstance(s, ox.Literal) and isinstance(p, ox.NamedNode)
            assert isinstance(g, ox.NamedNode)
            yield ox.Quad(s, p, r["o"], g)


def _bind_template_graphs(update: str) -> str:
    """Give each ``GRAPH ?var`` of an INSERT/DELETE template its own variable bound at the end of
    the WHERE group (same meaning on every server). Virtuoso 7.2 fails ("Function
    string_output_string needs a string output") when a template graph is a variable that the
    WHERE clause binds through ``GRAPH ?var``; a BIND-ed copy works.

    >>> print(_bind_template_graphs("INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }"))
    INSERT { GRAPH ?g_t { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o }  BIND (IRI(STR(?g)) AS ?g_t) }
    """
    depth, where, end = 0, None, None
    for m in _TOKEN_RE.finditer(update):
        if m.group("skip"):
            continue
        if m.group("where") and depth == 0 and where is None:
            where = m.start()
        elif m.group("open"):
            depth += 1
        elif m.group("close"):
            depth -= 1
            if depth == 0 and where is not None and end is None:
                end = m.start()
    if where is None or end is None:
        return update
    template = update[:where]
    names = sorted(
        set(re.findall(r"\bGRAPH\s+\?([A-Za-z_][A-Za-z0-9_]*)", template, re.IGNORECASE))
    )
    if not names:
        return update
    for n in names:
        template = re.sub(rf"\bGRAPH(\s+)\?{n}\b", rf"GRAPH\1?{n}_t", template, flags=re.IGNORECASE)
    binds = " ".join(f"BIND (IRI(STR(?{n})) AS ?{n}_t)" for n in names)
    return template + update[where:end] + " " + binds + " " + update[end:]


_EMPTY_GRAPH = "urn:kgraph:empty-default-graph"
_DATASET_RE = re.compile(r"\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)


def _with_prefixes(sparql: str) -> str:
    declared = set(re.findall(r"PREFIX\s+([A-Za-z0-9_-]*):", sparql, re.IGNORECASE))
    head = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items() if k not in declared)
    return head + sparql


def http_client_errors() -> type[Exception]:
    import http.client

    return http.client.HTTPException


def _parse_remote(body: bytes) -> Result:
    """A SPARQL result (JSON) or an RDF graph; anything else is a :class:`RemoteError`."""
    try:
        return _parse_remote_body(body)
    except (ValueError, KeyError, TypeError, AttributeError, SyntaxError) as e:
        head = body[:80].decode("utf-8", "replace").strip()
        head = "".join(c if c.isprintable() else " " for c in head)
        raise RemoteError(
            f"the remote store's answer is not a SPARQL result ({type(e).__name__}: "
            f"{str(e)[:120]}); it began: {head!r}"
        ) from None


def _parse_remote_body(body: bytes) -> Result:
    text = body.lstrip()
    if text.startswith(b"{"):
        import json

        data = json.loads(body)
        if "boolean" in data:
            return Result("ask", boolean=bool(data["boolean"]))
        names = data.get("head", {}).get("vars", [])
        rows = [{k: _json_term(v) for k, v in b.items()} for b in data["results"]["bindings"]]
        return Result("select", variables=names, rows=rows)
    try:
        triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError:
        triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    return Result("graph", triples=triples)


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _json_term(v: dict[str, Any]) -> Term:
    t = v["type"]
    if t == "uri":
        return ox.NamedNode(v["value"])
    if t == "bnode":
        return ox.BlankNode(v["value"])
    if t == "triple":
        val = v["value"]
        s, p = _json_term(val["subject"]), _json_term(val["predicate"])
        if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
            raise RemoteError("the endpoint answered with a malformed triple term")
        return ox.Triple(s, p, _json_term(val["object"]))
    if "xml:lang" in v:
        return ox.Literal(v["value"], language=v["xml:lang"])
    if "datatype" in v:
        value = v["value"]
        if v["datatype"] == _XSD_BOOLEAN and value in ("1", "0"):  # Virtuoso's booleans
            value = "true" if value == "1" else "false"
        return ox.Literal(value, datatype=ox.NamedNode(v["datatype"]))
    return ox.Literal(v["value"])


class _ByStore(Generic[T]):
    """A map of store -> value that does not keep its stores alive: what
    ``weakref.WeakKeyDictionary`` does for stores (compared by identity, as they are), on the
    interpreter's ``_weakref`` alone (``weakref.py`` and what it imports cost a cold ``kgraph
    ask`` 2 M instructions). An entry goes when its store does."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: dict[int, tuple[Any, T]] = {}

    def get(self, store: Store) -> T | None:
        hit = self._items.get(id(store))
        return hit[1] if hit is not None and hit[0]() is store else None

    def __setitem__(self, store: Store, value: T) -> None:
        items, key = self._items, id(store)

        def gone(r: Any) -> None:  # runs when the store is freed; takes no lock
            hit = items.get(key)
            if hit is not None and hit[0] is r:
                items.pop(key, None)

        items[key] = (ref(store, gone), value)

    def pop(self, store: Store, default: T | None = None) -> T | None:
        hit = self._items.get(id(store))
        if hit is None or hit[0]() is not store:
            return default
        self._items.pop(id(store), None)
        return hit[1]

    def clear(self) -> None:
        self._items.clear()


class PerStore(Generic[T]):
    """A value derived from a store (a name index, a fact index), built once per store object,
    held only as long as the store, and dropped for every kind at once by :func:`forget_derived`
    when the store's data changes.

    With ``persist``, the value of a *frozen* store (a content-addressed store of kgraph's cache,
    never written after it was installed) is also kept in a pickle beside the store (in the
    ``derived`` folder next to it), so the next
    process reads it in a millisecond instead of deriving it again: that is most of a cold
    ``kgraph ask``. The file's name carries the size and time of the module that derives the
    value and of its settings (``settings()``, e.g. a size limit), and the identity of the store's
    directory, so a changed derivation or a rebuilt store never reads an old file; files go with
    their store.
    """

    _all: ClassVar[list[PerStore[Any]]] = []

    def __init__(
        self,
        build: Callable[[Store], T],
        *,
        persist: str | None = None,
        attach: Callable[[T, Store], None] | None = None,
        settings: Callable[[], object] = lambda: None,
    ) -> None:
        self._build = build
        self._module = build.__module__  # whose source stamps the files
        self._persist = persist
        self._settings = settings
        self._attach = attach  # gives an unpickled value its store back
        self._cache: _ByStore[T] = _ByStore()
        self._lock = allocate_lock()  # threading.Lock, without importing threading
        PerStore._all.append(self)

    def __call__(self, store: Store) -> T:
        with self._lock:
            value = self._cache.get(store)
            if value is None:
                value = self._derive(store)
                self._cache[store] = value
            return value

    def _file(self, store: Store) -> str | None:
        frozen = store.frozen_text
        if frozen is None or self._persist is None:
            return None
        try:
            code = os.stat(sys.modules[self._module].__file__ or "")
            data = os.stat(frozen)  # a store rebuilt under the same name is another store
        except (OSError, KeyError):
            return None
        import binascii

        key = (code.st_size, code.st_mtime_ns, data.st_ino, data.st_mtime_ns, self._settings())
        stamp = binascii.crc32(repr(key).encode())
        parent, name = os.path.split(os.path.normpath(frozen))
        return os.path.join(parent, "derived", f"{name}.{self._persist}-{stamp:08x}.pickle")

    def _derive(self, store: Store) -> T:
        path = self._file(store)
        if path is None:
            return self._build(store)
        try:  # the C unpickler alone: pickle.py and what it imports cost a cold ask ~1 ms more
            from _pickle import loads
        except ImportError:
            from pickle import loads

        try:
            with open(path, "rb") as f:
                value: T = loads(f.read())
        except FileNotFoundError:
            pass
        except Exception:  # noqa: BLE001 - a damaged cache file is derived again
            _unlink(path)
        else:
            if self._attach is not None:
                self._attach(value, store)
            return value
        value = self._build(store)
        import pickle

        folder, name = os.path.split(path)
        tmp = os.path.join(folder, f".{name}-{os.getpid()}")  # written whole or not at all
        try:
            if not os.path.isdir(folder):
                os.mkdir(folder)
            with open(tmp, "wb") as f:
                f.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError):  # a read-only cache: derive every time
            _unlink(tmp)
        return value

    def forget(self, store: Store) -> None:
        with self._lock:
            self._cache.pop(store, None)

    def renew(self, store: Store, value: T, fresh: Callable[[T], T | None]) -> None:
        """Replace ``store``'s ``value`` by ``fresh(value)`` when that gives one (a cache that
        bounds what it holds starting afresh), unless another thread replaced it first."""
        with self._lock:
            if self._cache.get(store) is value:
                new = fresh(value)
                if new is not None:
                    self._cache[store] = new


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def forget_derived(store: Store) -> None:
    """Drop every value derived from ``store`` (after its data changed)."""
    for cache in PerStore._all:
        cache.forget(store)


def forget_all_derived() -> None:
    """Drop every value derived from any store (releases the stores they keep alive)."""
    for cache in PerStore._all:
        with cache._lock:
            cache._cache.clear()
