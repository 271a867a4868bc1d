"""A read-only SPARQL 1.1 Protocol endpoint over any kgraph store.

``kgraph serve`` answers at ``/sparql`` (GET ``?query=``, POST form or ``application/sparql-query``)
with the result format the client asks for, describes itself (SPARQL 1.1 Service Description),
offers the explorer (:mod:`kgraph.web`: pages at ``/``, ``/entity/…``, ``/graph``, ``/query``) to
browsers and the ``kgraph ask`` JSON at ``/ask?q=…``.

Why worker processes: pyoxigraph cannot cancel a running query from Python (no timeout or
cancellation token in its Python API, oxigraph issue #1926), and a thread stuck in a query cannot
be stopped. So queries run in a small pool of worker processes, each with its own read-only
handle on the store; the HTTP threads hand a query to a free worker and wait up to the time limit.
A worker that overruns is killed (SIGKILL) and replaced in the background while the other workers
keep answering. Results are capped at ``max_results`` rows (or triples) inside the worker, so a huge
result never crosses the pipe; a capped response says so in the ``X-KGraph-Truncated`` header.

>>> import json, urllib.request
>>> with SparqlServer(ServerConfig(port=0, workers=1), store="memory:") as srv:
...     with urllib.request.urlopen(srv.url + "?query=ASK%7B%7D") as r:
...         json.loads(r.read())
{'head': {}, 'boolean': True}
"""

from __future__ import annotations

import functools
import http.client
import json
import math
import queue
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from .formats import REGISTRY, Format, names, registered

MAX_BODY = 1 << 20  # bytes of a POSTed query or form
MAX_RESPONSE_BYTES = 16 << 20  # bytes of terms in one answer; more rows are cut off

# --- result formats --------------------------------------------------------------------------


def _served(formats: list[Format]) -> tuple[dict[str, str], dict[str, str]]:
    """media type (no parameters) -> format name, and format name -> the content type sent
    (text types say their charset)."""
    types = {m.split(";")[0].strip(): f.name for f in formats for m in f.all_media_types}
    media = {
        f.name: f.media_type + ("; charset=utf-8" if f.media_type == "text/turtle" else "")
        for f in formats
    }
    return types, media


# The formats answered (kgraph.formats names them): SELECT/ASK results, and graphs
# (CONSTRUCT/DESCRIBE) in what ``kgraph sparql`` writes and RDF/XML.
_SOLUTIONS = registered("results")
_GRAPHS = [f for f in REGISTRY if f.result_graph or (f.family == "rdf" and f.name == "xml")]
SOLUTION_TYPES, SOLUTION_MEDIA = _served(_SOLUTIONS)
GRAPH_TYPES, GRAPH_MEDIA = _served(_GRAPHS)
GRAPH_TYPES["text/n3"] = "turtle"  # N3 reads Turtle


def _format_params() -> dict[str, tuple[str | None, str | None]]:
    """``format=`` / ``output=`` URL parameters (SPARQLWrapper sends them) -> the format name
    for each kind of result (SELECT/ASK, graph); ``-`` is dropped from the parameter."""
    sol, graph = names(_SOLUTIONS), names(_GRAPHS)
    graph |= {"n3": graph["turtle"], "rdf+xml": graph["xml"]}  # N3 reads Turtle
    return {
        n: (sol[n].name if n in sol else None, graph[n].name if n in graph else None)
        for n in sol | graph
    }


_FORMAT_PARAM = _format_params()


class HttpError(Exception):
    """An answer other than 200, with a one-line message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _media_ranges(accept: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs, best first (ties keep the client's order)."""
    if not accept:
        return [("*/*", 1.0)]
    out = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q, i))
    out.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in out if q > 0]


def negotiate(kind: str, accept: str | None, fmt_param: str | None = None) -> str:
    """The format name to answer a ``kind`` result in ("select"/"ask" or "graph").

    A client that asks only for formats of the other kind of result (rdflib's SPARQLStore asks for
    SPARQL JSON even for CONSTRUCT) gets the default format of this kind; one that names nothing
    kgraph can write gets 406.

    >>> negotiate("select", "text/csv, application/sparql-results+json;q=0.5")
    'csv'
    >>> negotiate("graph", "*/*")
    'turtle'
    >>> negotiate("graph", None, "xml")
    'xml'
    >>> negotiate("graph", "application/sparql-results+json")
    'turtle'
    """
    table = GRAPH_TYPES if kind == "graph" else SOLUTION_TYPES
    default = "turtle" if kind == "graph" else "json"
    if fmt_param:
        p = fmt_param.strip().lower()
        if "/" in p:
            media = p.split(";")[0].strip()
            if media in table:
                return table[media]
            if media in GRAPH_TYPES or media in SOLUTION_TYPES:
                return default
        elif p.replace("-", "") in _FORMAT_PARAM:
            return _FORMAT_PARAM[p.replace("-", "")][1 if kind == "graph" else 0] or default
        raise HttpError(
            406,
            f"unknown format {fmt_param!r}; use one of: "
            f"{', '.join(sorted(set(SOLUTION_TYPES.values()) | set(GRAPH_TYPES.values())))}",
        )
    ranges = _media_ranges(accept)
    for media, _q in ranges:
        if media in table:
            return table[media]
        if media in ("*/*", "*"):
            return default
        if media.endswith("/*"):
            major = media[:-1]
            for m, name in table.items():
                if m.startswith(major):
                    return name
    if any(m in GRAPH_TYPES or m in SOLUTION_TYPES or m.endswith("/*") for m, _q in ranges):
        return default
    raise HttpError(
        406,
        f"cannot answer a {kind} result as {accept!r}; acceptable types: "
        f"{', '.join(t for t in table if '/' in t)}",
    )


# --- the work done inside a worker process -------------------------------------------------


def mentions_service(query: str) -> bool:
    r"""True when the query uses ``SERVICE`` (federation), by the SPARQL parser's own reading of
    it (:func:`kgraph.sparqlguard.uses_service`), with the project's prefixes predeclared.

    The engine would fetch any URL named there, which an endpoint open to others must not do.

    >>> mentions_service('SELECT * { SERVICE <http://x/> { ?s ?p ?o } }')
    True
    >>> mentions_service('SELECT ?service { ?service ?p "SERVICE" } # SERVICE')
    False
    >>> mentions_service('SELECT * { ?s ?p person:a\\#b . SERVICE <http://x/> { ?s ?p ?o } }')
    True
    """
    from .sparqlguard import uses_service
    from .terms import PREFIXES

    return uses_service(query, PREFIXES)


def _body(
    kind: str,
    variables: list[str],
    rows: list[dict[str, Any]],
    boolean: bool | None,
    triples: list[Any],
    fmt: str,
) -> bytes:
    """The result in format ``fmt``: kgraph's W3C serialisers, pyoxigraph's for RDF/XML."""
    from .results import _used_prefixes, serialize
    from .store import Result

    if kind == "graph" and fmt == "xml":
        import pyoxigraph as ox

        from .errors import UsageError
        from .export import check_rdfxml
        from .terms import PREFIXES

        try:
            check_rdfxml(triples)
        except UsageError as e:
            raise HttpError(406, str(e)) from None

        return (
            ox.serialize(
                triples, format=ox.RdfFormat.RDF_XML, prefixes=_used_prefixes(triples, PREFIXES)
            )
            or b""
        )
    result = Result(kind, variables=variables, rows=rows, boolean=boolean, triples=triples)  # type: ignore[arg-type]
    if fmt == "json":  # compact: the C encoder, several times faster than an indented dump
        from .results import to_json

        return to_json(result, indent=None).encode("utf-8")
    return serialize(result, fmt).encode("utf-8")


@dataclass(frozen=True)
class Reply:
    """What a worker hands back: status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str) -> Reply:
    """A one-line plain-text answer (control characters from the request shown escaped)."""
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    return Reply(status, "text/plain; charset=utf-8", (line + "\n").encode())


def run_query(store: Any, req: dict[str, Any], max_results: int) -> Reply:
    """Answer one SPARQL Protocol request against ``store`` (runs inside a worker)."""
    from .errors import KGraphError, QuerySyntaxError, RemoteError, UpdateRefused
    from .store import is_update, row_size, triple_size

    query: str = req["query"]
    if is_update(query):
        raise HttpError(403, "this endpoint is read-only: SPARQL Update is refused")
    from .sparqlguard import check_shape

    try:
        check_shape(query)
    except QuerySyntaxError as e:
        raise HttpError(400, str(e)) from None
    if mentions_service(query):
        raise HttpError(403, "SERVICE (federated query) is not allowed on this endpoint")
    default, named = req.get("default_graphs") or (), req.get("named_graphs") or ()
    if (default or named) and not store.supports_dataset:
        raise HttpError(400, "default-graph-uri and named-graph-uri need an embedded store")
    try:  # SPARQL JSON asked for a SELECT: the store's engine may write the answer itself
        json_wanted = negotiate("select", req.get("accept"), req.get("format")) == "json"
    except HttpError:
        json_wanted = False
    try:
        res, more = (store.run_json if json_wanted else store.run)(
            query,
            limit=max_results,
            max_bytes=req.get("max_bytes") or MAX_RESPONSE_BYTES,
            default_graphs=default,
            named_graphs=named,
        )
    except ValueError as e:
        raise HttpError(400, f"bad graph IRI: {e}") from None
    except QuerySyntaxError as e:
        pos = e.position
        where = f"line {pos.line}, column {pos.column}: " if pos.line is not None else ""
        msg = re.sub(r"^error at \d+:\d+:\s*", "", str(e))
        raise HttpError(400, f"SPARQL syntax error: {where}{msg}") from None
    except UpdateRefused as e:
        raise HttpError(403, str(e)) from None
    except RemoteError as e:
        raise HttpError(502, str(e)) from None
    except KGraphError as e:
        raise HttpError(500, str(e)) from None
    if isinstance(res, bytes):  # the whole answer, within the caps
        return Reply(200, SOLUTION_MEDIA["json"], res)
    kind, rows, triples = res.kind, res.rows, res.triples
    fmt = negotiate("graph" if kind == "graph" else "select", req.get("accept"), req.get("format"))
    headers = {}
    if more:
        cap = req.get("max_bytes") or MAX_RESPONSE_BYTES
        size = sum(map(row_size, rows)) + sum(map(triple_size, triples))
        n = len(rows) + len(triples)
        headers["X-KGraph-Truncated"] = (
            f"max-results={max_results}" if n >= max_results and size <= cap else f"max-bytes={cap}"
        )
    media = GRAPH_MEDIA[fmt] if kind == "graph" else SOLUTION_MEDIA[fmt]
    return Reply(200, media, _body(kind, res.variables, rows, res.boolean, triples, fmt), headers)


def run_ask(store: Any, question: str) -> Reply:
    """The ``kgraph ask --format json`` object for ``question`` (runs inside a worker)."""
    from .errors import KGraphError
    from .questions import ask, error_json

    try:
        answer = ask(store, question)
    except KGraphError as e:
        body = error_json(question, str(e))
        status = 404 if e.exit_code == 1 else 400
        return Reply(status, "application/json", json.dumps(body, ensure_ascii=False).encode())
    return Reply(200, "application/json", json.dumps(answer.to_json(), ensure_ascii=False).encode())


def _web_page(store: Any, req: dict[str, Any], max_results: int) -> Reply:
    """An explorer page (kgraph.web), its queries run by :func:`run_query` with every guard."""
    from .web import PageError, handle

    def run(query: str) -> tuple[str, bytes, bool]:
        accept = "application/n-triples, application/sparql-results+json"
        try:
            r = run_query(store, {"query": query, "accept": accept}, max_results)
        except HttpError as e:
            raise PageError(e.status, e.message) from None
        return r.content_type, r.body, "X-KGraph-Truncated" in r.headers

    try:
        return Reply(*handle(store, req, run, max_results))
    except PageError as e:
        raise HttpError(e.status, e.message) from None


def _describe_store(store: Any) -> dict[str, Any]:
    return {"kind": store.kind, "location": store.location, "graphs": store.named_graphs()}


def _store_signature(spec: str | None) -> tuple[int, int] | None:
    """What changes when a store directory is written (new table or log files, a committed
    ``kgraph load``/``unload``): the directory's and the generation file's modification times."""
    import os

    if not spec or spec == "memory:" or spec.startswith(("http://", "https://")):
        return None
    try:
        d = os.stat(spec).st_mtime_ns
    except OSError:
        return None
    try:
        g = os.stat(os.path.join(spec, "kgraph-generation")).st_mtime_ns
    except OSError:
        g = 0
    return d, g


def _limit_memory(extra_mb: int) -> None:
    """Cap this process's address space at what it uses now plus ``extra_mb`` MiB (RLIMIT_AS): a
    query that needs more fails to allocate and the worker dies, to be replaced."""
    if extra_mb <= 0:
        return
    try:
        import resource

        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        now = pages * resource.getpagesize()
        limit = now + extra_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):  # not Linux: no limit
        pass


def _worker_main(
    conn: Any,
    spec: str | None,
    update_url: str | None,
    max_results: int,
    memory_mb: int = 0,
) -> None:
    """A worker process: open the store once, then answer requests from the pipe until it closes
    (reopening it when a directory store was changed by a load or unload since)."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    parent = os.getppid()

    def orphan_watch() -> None:  # a server killed with SIGKILL must not leave a query burning CPU
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    # pyoxigraph releases the GIL while it evaluates, so this thread runs during any query
    threading.Thread(target=orphan_watch, daemon=True).start()
    try:
        from .overlay import open_store

        signature = _store_signature(spec)
        store = open_store(spec, update_url=update_url, read_only=True)
        conn.send(("ready", _describe_store(store)))
    except Exception as e:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("failed", f"{type(e).__name__}: {e}" if not str(e) else str(e)))
        return
    _limit_memory(memory_mb)
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            # the server's own reading of it when it made one for its answer cache (two stats)
            now = req["signature"] if "signature" in req else _store_signature(spec)
            if now != signature:  # a load or unload since: see it
                store.close()
                signature = now
                store = open_store(spec, update_url=update_url, read_only=True)
            if req["op"] == "sparql":
                reply = run_query(store, req, max_results)
            elif req["op"] == "ask":
                reply = run_ask(store, req["q"])
            elif req["op"] == "web":  # the explorer's pages (kgraph.web)
                reply = _web_page(store, req, max_results)
            else:
                reply = _error(400, f"unknown operation {req['op']!r}")
        except HttpError as e:
            reply = _error(e.status, e.message)
        except MemoryError:
            reply = _error(503, f"the query needed more than the memory limit ({memory_mb} MiB)")
        except Exception as e:  # noqa: BLE001 - a bug must not take the worker down
            reply = _error(500, f"internal error: {type(e).__name__}: {e}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


# --- the pool of workers -------------------------------------------------------------------


class _Worker:
    def __init__(
        self,
        ctx: Any,
        spec: str | None,
        update_url: str | None,
        max_results: int,
        memory_mb: int = 0,
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main,
            args=(child, spec, update_url, max_results, memory_mb),
            daemon=True,
            name="kgraph-serve-worker",
        )
        self.proc.start()
        child.close()
        import select

        self._poller = select.poll()  # registered once: Connection.poll builds a selector a call
        self._poller.register(self.conn.fileno(), select.POLLIN)

    def ask(self, request: dict[str, Any], timeout: float) -> bool:
        """Send ``request``; whether an answer (or the worker's end) came within ``timeout``."""
        import pickle

        self.conn.send_bytes(pickle.dumps(request, pickle.HIGHEST_PROTOCOL))
        return bool(self._poller.poll(max(0, math.ceil(timeout * 1000))))

    def wait_ready(self, timeout: float) -> dict[str, Any]:
        from .errors import StoreError

        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError(f"a query worker did not start within {timeout:.0f} s")
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise StoreError("a query worker exited while opening the store") from None
        if status != "ready":
            self.kill()
            raise StoreError(f"cannot open the store: {payload}")
        return payload  # type: ignore[no-any-return]

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.join(5)
        except (OSError, ValueError, AssertionError):
            pass
        self.conn.close()


class WorkerPool:
    """Worker processes that run queries with a hard deadline (see the module docstring)."""

    def __init__(
        self,
        size: int,
        spec: str | None,
        update_url: str | None,
        max_results: int,
        *,
        start_timeout: float = 120.0,
        memory_mb: int = 0,
    ) -> None:
        import multiprocessing

        self._ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._args = (spec, update_url, max_results, memory_mb)
        self.memory_mb = memory_mb
        self._start_timeout = start_timeout
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()  # C: cheap hand-over
        self._closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self.killed = 0
        self.info: dict[str, Any] = {}
        workers = [self._new() for _ in range(max(1, size))]
        try:
            for w in workers:
                self.info = w.wait_ready(start_timeout)
                self._idle.put(w)
        except BaseException:
            self.close()
            raise

    def _new(self) -> _Worker:
        w = _Worker(self._ctx, *self._args)
        with self._lock:
            self._all.add(w)
        return w

    def _retire(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
        w.kill()

    def _replace(self, w: _Worker) -> None:
        """Kill ``w`` and start another in the background; it joins the idle queue when ready."""
        self._retire(w)
        self.killed += 1

        def start() -> None:
            if self._closed:
                return
            nw = self._new()
            try:
                nw.wait_ready(self._start_timeout)
            except Exception as e:  # noqa: BLE001
                self._retire(nw)
                print(f"kgraph: warning: could not restart a query worker: {e}", file=sys.stderr)
                return
            if self._closed:
                self._retire(nw)
            else:
                self._idle.put(nw)

        threading.Thread(target=start, daemon=True).start()

    def run(self, request: dict[str, Any], timeout: float) -> Reply:
        """Hand ``request`` to a free worker; stop it after ``timeout`` seconds of work."""
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise HttpError(
                503, f"all query workers are busy; try again (waited {timeout:g} s)"
            ) from None
        try:
            if not w.ask(request, timeout):
                self._replace(w)
                raise HttpError(503, f"query stopped after the time limit of {timeout:g} s")
            reply: Reply = w.conn.recv()
        except HttpError:
            raise
        except (EOFError, OSError, ValueError):
            if self._closed:  # the server is stopping and killed its workers
                raise HttpError(503, "the server is shutting down") from None
            w.proc.join(1)
            code = w.proc.exitcode
            self._replace(w)
            if self.memory_mb and code in (-6, -7, -11):  # SIGABRT, SIGBUS, SIGSEGV
                # an allocation refused by RLIMIT_AS aborts the engine (SIGABRT) or, in a
                # thread's stack, SIGSEGV: the query asked for more memory than allowed
                raise HttpError(
                    503,
                    f"the query was stopped: it needed more than the memory limit of "
                    f"{self.memory_mb} MiB per worker (the worker has been replaced)",
                ) from None
            raise HttpError(500, "the query worker crashed; it has been restarted") from None
        self._idle.put(w)
        return reply

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


# --- HTTP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerConfig:
    """Options of ``kgraph serve``."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_results: int = 10_000
    cors: bool = False
    allow_remote: bool = False
    workers: int = 2
    worker_memory: int = 1024  # MiB of address space a worker may add to what it holds at start
    max_bytes: int = MAX_RESPONSE_BYTES  # bytes of terms per answer
    max_connections: int = 256  # connections served at once; more are answered 503 and closed
    header_timeout: float = 20.0  # seconds to send a request's line and headers (idle included)
    io_timeout: float = 30.0  # seconds a body read or a response write may stall
    cache_mb: int = 64  # MiB of finished answers kept per request and store generation; 0: none


@functools.lru_cache(maxsize=256)  # asked of every request's Host header
def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def service_description(endpoint: str, graphs: list[str], fmt: str = "turtle") -> bytes:
    """A SPARQL 1.1 Service Description of the endpoint, listing its named graphs."""
    import pyoxigraph as ox

    sd = "http://www.w3.org/ns/sparql-service-description#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    svc = ox.NamedNode(endpoint)
    ds, dg = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    formats = [
        *(
            f.iri
            for f in (
                ox.QueryResultsFormat.JSON,
                ox.QueryResultsFormat.XML,
                ox.QueryResultsFormat.CSV,
                ox.QueryResultsFormat.TSV,
            )
        ),
        *(
            f.iri
            for f in (
                ox.RdfFormat.TURTLE,
                ox.RdfFormat.N_TRIPLES,
                ox.RdfFormat.JSON_LD,
                ox.RdfFormat.RDF_XML,
            )
        ),
    ]
    t = [
        ox.Triple(svc, rdf_type, ox.NamedNode(sd + "Service")),
        ox.Triple(svc, ox.NamedNode(sd + "endpoint"), svc),
        ox.Triple(svc, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
        ox.Triple(svc, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
        ox.Triple(svc, ox.NamedNode(sd + "defaultDataset"), ds),
        ox.Triple(ds, rdf_type, ox.NamedNode(sd + "Dataset")),
        ox.Triple(ds, ox.NamedNode(sd + "defaultGraph"), dg),
        ox.Triple(dg, rdf_type, ox.NamedNode(sd + "Graph")),
        ox.Triple(
            svc,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal(
                "kgraph: read-only SPARQL 1.1 endpoint; the default graph is the "
                "union of the named graphs (one per source)"
            ),
        ),
    ]
    t += [ox.Triple(svc, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(f)) for f in formats]
    for i, g in enumerate(graphs):
        ng = ox.BlankNode(f"graph{i}")
        t += [
            ox.Triple(ds, ox.NamedNode(sd + "namedGraph"), ng),
            ox.Triple(ng, rdf_type, ox.NamedNode(sd + "NamedGraph")),
            ox.Triple(ng, ox.NamedNode(sd + "name"), ox.NamedNode(g)),
        ]
    triples = t
    f = next(g.rdf for g in _GRAPHS if g.name == fmt)
    return ox.serialize(triples, format=f, prefixes={"sd": sd} if fmt == "turtle" else None) or b""


def _prefers_html(accept: str | None) -> bool:
    for media, _q in _media_ranges(accept):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in GRAPH_TYPES or media in ("*/*", "text/*"):
            return False
    return False


def _connection_cap(wanted: int) -> int:
    """``wanted``, lowered to what the descriptor limit leaves after the server's own files: with
    ``ulimit -n 128`` idle connections must not use up the descriptors that accepting and
    answering (and restarting a worker) need."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return wanted
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(4, min(wanted, soft - 64))


def _check_store_spec(spec: str | None) -> None:
    """A directory given to ``serve`` must hold a store: a read-only endpoint creates nothing."""
    from pathlib import Path

    from .errors import UsageError

    if not spec or spec == "memory:" or spec.startswith(("http://", "https://")):
        return
    path = Path(spec).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"--store {spec}: not a directory")
    if not path.is_dir():
        raise UsageError(
            f"--store {spec}: no store there (create one with `kgraph --store {spec} load FILE`)"
        )


class _Deadlines:
    """Connections that must have sent their request line and headers by a deadline; one
    thread shuts down those that have not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[Any, float] = {}
        threading.Thread(target=self._watch, daemon=True, name="kgraph-header-deadlines").start()

    def arm(self, sock: Any, seconds: float) -> None:
        with self._lock:
            self._due[sock] = time.monotonic() + seconds

    def disarm(self, sock: Any) -> None:
        with self._lock:
            self._due.pop(sock, None)

    def _watch(self) -> None:
        import socket

        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self._lock:
                late = [s for s, t in self._due.items() if t <= now]
                for s in late:
                    del self._due[s]
            for s in late:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _HTTPServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` with a listen backlog sized for many clients (the default of 5
    made the kernel reset connections under 50 clients), a cap on connections served at once,
    and silence about clients that hang up."""

    request_queue_size = 1024
    max_connections = 256
    _active = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._count_lock = threading.Lock()
        self._deadlines = _Deadlines()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._count_lock:
            full = self._active >= self.max_connections
            if not full:
                self._active += 1
        if full:
            body = b"too many connections; try again shortly\n"
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8"
                    b"\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            with self._count_lock:
                self._active -= 1
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._count_lock:
                self._active -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up or stalls is not news; anything else is one line, no trace."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return
        print(f"kgraph: warning: request from {client_address[0]} failed: {exc!r}", file=sys.stderr)


class SparqlServer:
    """The endpoint: an HTTP server (one thread per connection) in front of a :class:`WorkerPool`.

    ``store`` is a store spec as for ``--store`` (``None``: the bundled graph).
    """

    def __init__(
        self, config: ServerConfig, store: str | None = None, update_url: str | None = None
    ) -> None:
        from .errors import UsageError

        if not config.allow_remote and not is_loopback(config.host):
            raise UsageError(
                f"refusing to listen on {config.host}: only loopback addresses are allowed "
                "unless you pass --allow-remote"
            )
        if (
            not math.isfinite(config.timeout)
            or not 0 < config.timeout <= 86_400
            or config.max_results < 0
            or config.workers < 1
        ):
            raise UsageError(
                "--timeout must be a number of seconds > 0 and at most 86400, "
                "--max-results >= 0 and --workers >= 1"
            )
        _check_store_spec(store)
        self.config = config
        from .replycache import ReplyCache

        self.spec = store
        self.cache = ReplyCache(config.cache_mb << 20)
        self.pool = WorkerPool(
            config.workers,
            store,
            update_url,
            config.max_results,
            memory_mb=config.worker_memory,
        )
        try:
            handler = type(
                "Handler",
                (_Handler,),
                {"server_ref": self, "timeout": config.io_timeout},
            )
            cls: type[_HTTPServer] = _HTTPServer
            if ":" in config.host.strip("[]"):
                import socket

                cls = type("V6Server", (_HTTPServer,), {"address_family": socket.AF_INET6})
            self.httpd = cls((config.host.strip("[]"), config.port), handler)
            self.httpd.daemon_threads = True
            self.httpd.max_connections = _connection_cap(config.max_connections)
        except OSError as e:
            self.pool.close()
            raise UsageError(
                f"cannot listen on {config.host}:{config.port}: {e.strerror or e}"
            ) from None
        self.graphs: list[str] = self.pool.info.get("graphs", [])
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def base(self) -> str:
        host = self.config.host
        if ":" in host.strip("[]"):
            host = f"[{host.strip('[]')}]"
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The SPARQL endpoint URL."""
        return self.base + "/sparql"

    def cache_key(self, req: dict[str, Any]) -> tuple[Any, ...] | None:
        """The key of a SPARQL or ask request's answer in :attr:`cache`, with the store's
        generation; None when it must not be cached (a remote store changes behind our back)."""
        if not self.cache.max_bytes or req["op"] not in ("sparql", "ask"):
            return None
        spec = self.spec
        if spec is None or spec == "memory:":
            generation: Any = spec  # the workers never reopen these stores
        else:
            generation = _store_signature(spec)  # None for a remote store
            if generation is None:
                return None
        items = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(req.items()))
        return (generation, items)

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> Self:
        """Serve from a background thread (for notebooks and tests)."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(5)
        self.httpd.server_close()
        self.pool.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


MAX_HEADER_LINE = 65536  # bytes of one header line (http.client's limit)
MAX_HEADERS = 100  # header lines of one request (http.client's limit)
_HEADER_NAME = re.compile(r"[\x21-\x39\x3b-\x7e]+")  # what the email parser takes for a name


class _Head(http.client.HTTPMessage):
    """A request's headers, looked up by a dict (``email.message.Message.get`` scans the list
    with a case fold per header per lookup); otherwise the ``Message`` http.server expects."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__()
        self._headers = pairs  # type: ignore[assignment]
        self._first: dict[str, str] = {}
        for name, value in pairs:
            self._first.setdefault(name.lower(), value)

    def get(self, name: str, failobj: Any = None) -> Any:
        return self._first.get(name.lower(), failobj)


def _read_head(rfile: Any) -> http.client.HTTPMessage:
    """The header block of a request, read as ``http.client.parse_headers`` reads it (same line
    and count limits, same errors), parsed without the ``email`` package when every line is a
    plain ``Name: value`` line; anything else (folded lines, a line that is no header) is handed
    to the ``email`` parser, so odd input is read exactly as before."""
    lines: list[bytes] = []
    while True:
        line = rfile.readline(MAX_HEADER_LINE + 1)
        if len(line) > MAX_HEADER_LINE:
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            break
    pairs = []
    for raw in lines[:-1]:
        text = raw.decode("iso-8859-1")
        name, colon, value = text.partition(":")
        body = value[:-2] if value.endswith("\r\n") else value[:-1]
        if (
            not colon
            or not text.endswith("\n")
            or "\r" in body
            or "\n" in body
            or not _HEADER_NAME.fullmatch(name)
        ):
            from email.parser import Parser

            return Parser(_class=http.client.HTTPMessage).parsestr(
                b"".join(lines).decode("iso-8859-1")
            )
        pairs.append((name, body.lstrip(" \t")))
    return _Head(pairs)


class _Handler(BaseHTTPRequestHandler):
    server_ref: SparqlServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = (
        True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    )
    server_version = "kgraph"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet by default; timeouts and crashes are reported as warnings

    # -- connection limits ------------------------------------------------------------------

    def handle_one_request(self) -> None:
        """One request, with a total deadline on its request line and headers (the wait for it
        on a kept-alive connection included): a client that sends them slowly, or nothing, is
        disconnected after ``header_timeout`` seconds instead of holding a thread forever. The
        server's watchdog thread enforces the deadlines (no timer thread per request)."""
        watch = self.server._deadlines  # type: ignore[attr-defined]
        watch.arm(self.connection, self.server_ref.config.header_timeout)
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        finally:
            watch.disarm(self.connection)

    def parse_request(self) -> bool:
        """``BaseHTTPRequestHandler.parse_request`` as Python 3.11 writes it, with the
        header block read by :func:`_read_head` instead of the ``email`` package's parser, which
        took a fifth of the server process's time per request."""
        from http import HTTPStatus

        self.server._deadlines.disarm(self.connection)  # type: ignore[attr-defined]
        self.command = None  # type: ignore[assignment]  # set in case of error on the first line
        self.request_version = version = self.default_request_version
        self.close_connection = True
        raw: bytes = self.raw_requestline  # type: ignore[attr-defined]
        requestline = str(raw, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if len(words) == 0:
            return False
        if len(words) >= 3:  # enough to determine the protocol version
            version = words[-1]
            try:
                if not version.startswith("HTTP/"):
                    raise ValueError
                base_version_number = version.split("/", 1)[1]
                numbers = base_version_number.split(".")
                if len(numbers) != 2:
                    raise ValueError
                if any(not n.isdigit() or len(n) > 10 for n in numbers):
                    raise ValueError
                version_number = int(numbers[0]), int(numbers[1])
            except (ValueError, IndexError):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            if version_number >= (1, 1) and self.protocol_version >= "HTTP/1.1":
                self.close_connection = False
            if version_number >= (2, 0):
                self.send_error(
                    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED,
                    f"Invalid HTTP version ({base_version_number})",
                )
                return False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        if self.path.startswith("//"):  # gh-87389: no open redirect through //host/path
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers = _read_head(self.rfile)
        except http.client.LineTooLong as err:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long", str(err))
            return False
        except http.client.HTTPException as err:
            self.send_error(
                HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers", str(err)
            )
            return False
        conntype = self.headers.get("Connection", "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        expect = self.headers.get("Expect", "")
        if (
            expect.lower() == "100-continue"
            and self.protocol_version >= "HTTP/1.1"
            and self.request_version >= "HTTP/1.1"
        ):
            return self.handle_expect_100()
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by ``http.server`` itself (garbage, unknown methods such as TRACE, a
        request line too long): one line of text, like every other error, not an HTML page."""
        from http import HTTPStatus

        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "error"
        self.close_connection = True
        line = message or phrase
        if code == 501:
            code, line = 405, f"method {self.command!r} is not allowed on this endpoint"
        body = _error(code, line).body
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            self.request_version = "HTTP/1.1"  # garbage is not HTTP/0.9: answer with a status line
        self.send_response(code, phrase)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.send_header("X-Content-Type-Options", "nosniff")
        if code == 405:
            self.send_header("Allow", "GET, POST, HEAD, OPTIONS")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    # -- plumbing ---------------------------------------------------------------------------

    def _send(self, reply: Reply) -> None:
        """Write the answer: the head that ``send_response``/``send_header`` would write, built
        in one piece, and a small body in the same write (``end_headers`` sends the head in a
        write of its own: two syscalls, two segments, two wake-ups of the client)."""
        if self.request_version == "HTTP/0.9":  # no status line, no headers
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            return
        phrase = self.responses[reply.status][0] if reply.status in self.responses else ""
        lines = [
            f"{self.protocol_version} {reply.status} {phrase}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {reply.content_type}",
            f"Content-Length: {len(reply.body)}",
            "X-Content-Type-Options: nosniff",
        ]
        if (
            reply.content_type.startswith("text/html")
            and "Content-Security-Policy" not in reply.headers
        ):
            lines.append(
                "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; connect-src 'self'"
            )
        for k, v in reply.headers.items():
            lines.append(f"{k}: {v}")
            if k.lower() == "connection":  # as send_header does
                if v.lower() == "close":
                    self.close_connection = True
                elif v.lower() == "keep-alive":
                    self.close_connection = False
        if self.server_ref.config.cors:
            lines.append("Access-Control-Allow-Origin: *")
            lines.append("Access-Control-Expose-Headers: X-KGraph-Truncated")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
        if self.command == "HEAD":
            self.wfile.write(head)
        elif len(reply.body) <= 1 << 16:
            self.wfile.write(head + reply.body)
        else:
            self.wfile.write(head)
            self.wfile.write(reply.body)

    def _host_ok(self) -> bool:
        """Refuse foreign Host headers on a loopback server (DNS-rebinding protection)."""
        if not is_loopback(self.server_ref.config.host):
            return True
        host = (self.headers.get("Host") or "").strip()
        if not host:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host.startswith("["):
            name = host[: host.find("]") + 1]
        return is_loopback(name)

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise HttpError(411, "send the request body with a Content-Length")
        try:
            n = int(length or 0)
        except ValueError:
            raise HttpError(400, "bad Content-Length") from None
        if n > MAX_BODY or n < 0:
            self.close_connection = True
            # Read (and drop) a body of modest excess first: a client still sending when the
            # answer comes and the socket closes would see a broken pipe instead of the 413.
            left = n if 0 < n <= 16 * MAX_BODY else 0
            while left > 0:
                chunk = self.rfile.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
            raise HttpError(413, f"request body too large (limit {MAX_BODY} bytes)")
        return self.rfile.read(n) if n else b""

    def _origin_ok(self) -> bool:
        """Without ``--cors``, a request a browser sends on behalf of another site's page (its
        ``Origin`` is not this endpoint's own) is refused: a cross-origin form POST would
        otherwise run, even though the page cannot read the answer."""
        origin = self.headers.get("Origin")
        if origin is None or self.server_ref.config.cors:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        return bool(host) and origin.strip().lower() in (f"http://{host}", f"https://{host}")

    def _dispatch(self, method: str) -> None:
        try:
            if not self._host_ok():
                raise HttpError(403, "this server only answers requests addressed to localhost")
            if not self._origin_ok():
                raise HttpError(
                    403,
                    "cross-origin requests are refused (start the server with --cors to allow "
                    "web pages from other origins)",
                )
            parts = urlsplit(self.path)
            params = _parse_params(parts.query)
            body = self._body() if method == "POST" else b""
            path = parts.path.rstrip("/") or "/"
            if path == "/sparql":
                reply = self._sparql(method, params, body)
            elif path == "/ask":
                reply = self._ask(method, params, body)
            elif path == "/":
                if "query" in params or "update" in params:
                    reply = self._sparql(method, params, body)
                elif method == "GET" and _prefers_html(self.headers.get("Accept")):
                    reply = self._web("/", params, b"")
                else:
                    reply = self._description()
            elif path.startswith("/static/"):
                reply = _static(parts.path)
            elif path != "/" and _is_web_path(path):
                reply = self._web(path, params, body)
            else:
                raise HttpError(
                    404, f"no such page: {parts.path}; try /, /sparql, /ask?q=…, /graph or /query"
                )
        except HttpError as e:
            reply = _error(e.status, e.message)
        except Exception as e:  # noqa: BLE001 - one line to the client, never a traceback
            reply = _error(500, f"internal error: {type(e).__name__}: {e}")
        self._send(reply)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_header("Allow", "GET, POST, HEAD, OPTIONS")
        if self.server_ref.config.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _refuse(self, method: str) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, POST, HEAD, OPTIONS")
        body = f"method {method} is not allowed: this endpoint is read-only\n".encode()
        self.close_connection = True
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:
        self._refuse("PUT")

    def do_DELETE(self) -> None:
        self._refuse("DELETE")

    def do_PATCH(self) -> None:
        self._refuse("PATCH")

    def do_TRACE(self) -> None:
        self._refuse("TRACE")

    # -- endpoints ----------------------------------------------------------------------------

    def _sparql(self, method: str, params: dict[str, list[str]], body: bytes) -> Reply:
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if method == "POST":
            if ctype == "application/x-www-form-urlencoded":
                params = {**params, **_parse_params(_text(body))}
            elif ctype == "application/sparql-query":
                if "query" in params:
                    raise HttpError(
                        400, "give the query either in the body or as ?query=, not both"
                    )
                params = {**params, "query": [_text(body)]}
            elif ctype == "application/sparql-update":
                raise HttpError(403, "this endpoint is read-only: SPARQL Update is refused")
            elif body.strip() or not params:
                raise HttpError(
                    415,
                    f"unsupported Content-Type {ctype or '(none)'!r}: send "
                    "application/x-www-form-urlencoded or application/sparql-query",
                )
        if "update" in params or "using-graph-uri" in params:
            raise HttpError(403, "this endpoint is read-only: SPARQL Update is refused")
        if "query" not in params:
            if method == "GET" and _prefers_html(self.headers.get("Accept")):
                return self._web("/query", {}, b"")
            return self._description()
        if len(params["query"]) != 1:
            raise HttpError(400, "give exactly one query parameter")
        query = params["query"][0]
        if not query.strip():
            raise HttpError(400, "the query is empty")
        fmt = (params.get("format") or params.get("output") or [""])[0] or None
        req = {
            "op": "sparql",
            "query": query,
            "accept": self.headers.get("Accept"),
            "format": fmt,
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
            "max_bytes": self.server_ref.config.max_bytes,
        }
        return self._run(req)

    def _ask(self, method: str, params: dict[str, list[str]], body: bytes) -> Reply:
        if method == "POST" and body:
            params = {**params, **_parse_params(_text(body))}
        q = (params.get("q") or [""])[0]
        if not q.strip():
            raise HttpError(400, "give a question: /ask?q=who+directed+Ballerina")
        return self._run({"op": "ask", "q": q})

    def _web(self, path: str, params: dict[str, list[str]], body: bytes) -> Reply:
        """An explorer page or its JSON (kgraph.web), rendered by a worker under the time limit."""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and ctype == "application/x-www-form-urlencoded":
            params = {**params, **_parse_params(_text(body))}
        return self._run({"op": "web", "path": path, "params": params})

    def _run(self, req: dict[str, Any]) -> Reply:
        srv = self.server_ref
        key = srv.cache_key(req)
        if key is not None and (hit := srv.cache.get(key)) is not None:
            return hit  # type: ignore[no-any-return]
        if key is not None and srv.spec not in (None, "memory:"):
            req = {**req, "signature": key[0]}  # the store's generation, read for the key
        try:
            reply = srv.pool.run(req, srv.config.timeout)
        except HttpError as e:
            if e.status >= 500 and not srv.pool._closed:
                print(f"kgraph: warning: {e.message}", file=sys.stderr)
            raise
        if key is not None and reply.status == 200:
            # the key's text counts too: distinct 2 KB queries with 1 KB answers would otherwise
            # hold three times --cache-mb (plus about 200 bytes of objects per entry)
            text = req.get("query") or req.get("q") or ""
            srv.cache.put(key, reply, len(reply.body) + len(text) + 200)
        return reply

    def _description(self) -> Reply:
        accept = self.headers.get("Accept")
        try:
            fmt = negotiate("graph", accept)
        except HttpError:
            fmt = "turtle"
        body = service_description(self.server_ref.url, self.server_ref.graphs, fmt)
        return Reply(200, GRAPH_MEDIA[fmt], body)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise HttpError(400, f"the request body is not valid UTF-8 (byte {e.start})") from None


MAX_FIELDS = 100  # parameters in a query string or form


def _unquote_plus(text: str) -> str:
    r"""``urllib.parse.unquote_plus(text, errors="strict")`` for an ASCII ``text``, in C calls
    only (``%XX`` read as ``\xXX`` by the ``unicode_escape`` codec, backslashes doubled first):
    the standard one loops in Python over every ``%`` escape, and a percent-encoded query has
    hundreds (a tenth of a millisecond per request). A text with a ``%`` that does not start an
    escape goes to the standard one.

    >>> _unquote_plus("a+b%3D%E2%9C%93%5Cx41\\x41")
    'a b=✓\\x41\\x41'
    >>> _unquote_plus("100%+sure%zz")
    '100% sure%zz'
    """
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    try:
        escaped = text.replace("\\", "\\\\").replace("%", "\\x").encode("ascii")
        latin = escaped.decode("unicode_escape")
    except UnicodeDecodeError:  # a % not followed by two hex digits
        from urllib.parse import unquote

        return unquote(text, errors="strict")
    return latin.encode("latin-1").decode("utf-8")


def _parse_ascii_params(qs: str) -> dict[str, list[str]]:
    """``urllib.parse.parse_qs`` with blank values kept, strict UTF-8 and at most
    :data:`MAX_FIELDS` fields, for an ASCII query string (the test suite compares the two)."""
    if qs and qs.count("&") + 1 > MAX_FIELDS:
        raise ValueError("Max number of fields exceeded")
    out: dict[str, list[str]] = {}
    for pair in qs.split("&") if qs else ():
        if not pair:
            continue
        name, _, value = pair.partition("=")
        out.setdefault(_unquote_plus(name), []).append(_unquote_plus(value))
    return out


def _parse_params(qs: str) -> dict[str, list[str]]:
    try:
        if qs.isascii():
            return _parse_ascii_params(qs)
        return parse_qs(
            qs,
            keep_blank_values=True,
            strict_parsing=False,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise HttpError(400, "the request parameters are not valid UTF-8") from None
    except ValueError as e:
        raise HttpError(400, f"bad request parameters: {e}") from None


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    """Block until ``url`` answers (for scripts that start ``kgraph serve`` in the background)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _static(path: str) -> Reply:
    """A script, style or vendored library of the explorer (kgraph/web/static)."""
    from .web import PageError, static_file

    try:
        ctype, data = static_file(path)
    except PageError as e:
        raise HttpError(e.status, e.message) from None
    return Reply(200, ctype, data, {"Cache-Control": "public, max-age=3600"})


def _is_web_path(path: str) -> bool:
    from .web import is_web_path

    return is_web_path(path)
