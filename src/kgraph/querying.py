"""Running user SPARQL: reading the query, refusing updates, row limits and time limits.

``run_sparql`` is what ``kgraph sparql`` and ``KnowledgeGraph.sparql`` call. On top of
:meth:`Store.query` it adds:

- a clear error for an empty query, and SPARQL syntax errors rewritten to name the line and
  column, with the offending line and a caret as the error's hint;
- ``limit``: at most that many rows (or triples). On the embedded store the solutions are read
  lazily and reading stops at the limit, so ``--limit`` also saves the work of the rest;
- ``SERVICE`` (federation) refused unless ``allow_service``: the engine would fetch every URL
  named there, so a local query never goes to the network on its own. Allowed, a failure of the
  remote endpoint is reported as that endpoint's (:class:`ServiceFailed`), not the store's;
- ``timeout`` (seconds): the query runs in a worker thread and :class:`QueryTimeout` is raised
  when it has not finished in time. pyoxigraph has no way to interrupt a query, but it releases
  the GIL while it evaluates and produces solutions one by one; the worker checks a
  cancellation flag between solutions, so a stopped query ends at its next solution. A query
  stuck inside one long step (a big ``ORDER BY``, ``GROUP BY`` or ``COUNT``) keeps its worker
  busy until that step ends; the worker is a daemon thread, so it never holds up the caller or
  the exit of the process. On a remote store the HTTP request runs in the worker the same way.

>>> from kgraph.build import open_store
>>> s = open_store("memory:")
>>> run_sparql(s, "ASK { ?c a owl:Class }").boolean
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

from .errors import (
    InputError,
    Position,
    QuerySyntaxError,
    QueryTimeout,
    RemoteError,
    ServiceFailed,
    ServiceRefused,
    StoreCorrupted,
    StoreError,
    UpdateRefused,
    UsageError,
)
from .store import Bindings, Cancelled, Result, Store, is_update
from .terms import PREFIXES

UPDATE_MESSAGE = (
    "kgraph sparql runs queries only (SELECT, ASK, CONSTRUCT, DESCRIBE); this is a SPARQL Update. "
    "Data changes through files: `kgraph load FILE…` adds a source, `kgraph unload SOURCE` removes one"
)

T = TypeVar("T")


def read_query(arg: str, stdin: IO[bytes] | None = None) -> tuple[str, str | None]:
    """The query text named by a command-line argument, and where it came from.

    ``arg`` is the query itself, ``@path`` for a file, or ``-`` for standard input. Returns
    ``(text, origin)`` where ``origin`` is the file name, ``"<stdin>"`` or ``None``.

    >>> read_query("ASK {}")
    ('ASK {}', None)
    """
    if arg == "-":
        if stdin is None:
            import sys

            stdin = sys.stdin.buffer
        return _decode(stdin.read(), "<stdin>"), "<stdin>"
    if arg.startswith("@"):
        name = arg[1:]
        if not name:
            raise InputError("'@' must be followed by a file name, e.g. @query.rq")
        path = Path(name).expanduser()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError(f"{name}: no such query file") from None
        except IsADirectoryError:
            raise InputError(f"{name}: is a directory, not a query file") from None
        except OSError as e:
            raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
        return _decode(data, name), name
    return arg, None


def _decode(data: bytes, origin: str) -> str:
    if b"\0" in data[:8192]:
        raise InputError(f"{origin}: this is a binary file, not a SPARQL query")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"{origin}:{line}: the query is not valid UTF-8 (byte 0x{data[e.start]:02x})"
        ) from None


_COMMENT = re.compile(r"#[^\n]*")


def check_query(text: str, origin: str | None = None) -> None:
    """Refuse empty queries and SPARQL Updates with a one-line error."""
    where = f"{origin}: " if origin else ""
    if not _COMMENT.sub("", text).strip():
        raise InputError(f"{where}the query is empty")
    if is_update(text):
        raise UpdateRefused(where + UPDATE_MESSAGE)
    from .sparqlguard import check_shape

    check_shape(text)  # nesting deep enough to overflow the engine's stack: refused first


def run_sparql(
    store: Store,
    query: str,
    bindings: Bindings | None = None,
    *,
    limit: int | None = None,
    timeout: float | None = None,
    origin: str | None = None,
    allow_service: bool = False,
) -> Result:
    """Run ``query``; ``limit`` caps the rows returned, ``timeout`` (seconds) stops long queries.

    Raises :class:`InputError` (empty), :class:`UpdateRefused`, :class:`QuerySyntaxError` (with
    line, column and a caret excerpt as its hint), :class:`QueryTimeout`, and
    :class:`ServiceRefused` for a ``SERVICE`` pattern unless ``allow_service``.

    >>> from kgraph.build import open_store
    >>> try:
    ...     run_sparql(open_store("memory:"), "ASK { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    ... except ServiceRefused as e:
    ...     print(e.exit_code, str(e)[:40])
    2 the query calls a remote endpoint (SERVI
    """
    check_query(query, origin)
    from .sparqlguard import uses_service

    federated = uses_service(query, PREFIXES)
    if federated and not allow_service:
        raise ServiceRefused(
            (f"{origin}: " if origin else "")
            + "the query calls a remote endpoint (SERVICE), and kgraph does not go to the "
            "network unless asked: add --allow-service to let it"
        )
    if limit is not None and limit < 0:
        raise UsageError("--limit must be zero or more")
    if timeout is not None and not (0 < timeout <= 86_400):  # False for nan too
        raise UsageError("--timeout must be a positive number of seconds, at most 86400")
    cancel = threading.Event()

    def work() -> Result:
        return store.run(query, bindings, limit=limit, cancel=cancel)[0]

    try:
        result = work() if timeout is None else _with_timeout(work, timeout, cancel)
        if result.kind == "select" and len(result.variables) > 1 and selects_star(query):
            order = in_query_order(query, result.variables)
            result = Result("select", order, result.rows, result.boolean, result.triples)
        return result
    except QuerySyntaxError as e:
        raise syntax_error(e, origin) from None
    except UpdateRefused:
        raise UpdateRefused((f"{origin}: " if origin else "") + UPDATE_MESSAGE) from None
    except StoreError as e:
        if not federated or isinstance(e, (StoreCorrupted, RemoteError)):
            raise  # the store's own fault (a remote store's error carries its server's words)
        reason = re.sub(r"^(store read failed|the query failed): ", "", e.message)
        raise ServiceFailed(
            f"a SERVICE call of the query failed (the remote endpoint, not the store): {reason}"
        ) from None


def selects_star(query: str) -> bool:
    r"""Whether the query's (first, outermost) SELECT projects ``*``.

    >>> selects_star("PREFIX ex: <http://x/> # SELECT ?a\nSELECT DISTINCT * { ?s ?p ?o }")
    True
    >>> selects_star("SELECT ?s { { SELECT * { ?s ?p ?o } } }")
    False
    """
    from .sparqlguard import _tokens

    words = (
        m.group(0).upper() for m in _tokens().finditer(query) if not m.group(0).startswith("#")
    )
    for w in words:
        if w == "SELECT":
            nxt = next(words, "")
            if nxt in ("DISTINCT", "REDUCED"):
                nxt = next(words, "")
            return nxt == "*"
    return False


def in_query_order(query: str, variables: list[str]) -> list[str]:
    """``variables`` in the order the query first names them (the engine sorts ``SELECT *``'s
    alphabetically); any it does not name keep their place at the end.

    >>> in_query_order("SELECT * { ?s ?p ?o . BIND(1 AS $n) } # ?a", ["a", "n", "o", "p", "s"])
    ['s', 'p', 'o', 'n', 'a']
    """
    from .sparqlguard import _tokens

    wanted, seen = set(variables), dict[str, None]()
    for m in _tokens().finditer(query):
        t = m.group(0)
        if t[0] in "?$" and t[1:] in wanted:
            seen.setdefault(t[1:])
    return [*seen, *(v for v in variables if v not in seen)]


def _with_timeout(work: Callable[[], T], timeout: float, cancel: threading.Event) -> T:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as e:  # noqa: BLE001 -- handed to the caller's thread below
            box["error"] = e

    worker = threading.Thread(target=target, name="kgraph-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        cancel.set()
        raise QueryTimeout(
            f"the query did not finish within {timeout:g} s and was stopped",
            hint="narrow the query, add LIMIT, or give a longer --timeout",
        )
    if "error" in box:
        err = box["error"]
        if isinstance(err, Cancelled):  # pragma: no cover - only after a timeout
            raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")
        raise err
    return box["value"]  # type: ignore[no-any-return]


_POS_PREFIX = re.compile(r"^\s*error at \d+:\d+:\s*")


def syntax_error(e: QuerySyntaxError, origin: str | None = None) -> QuerySyntaxError:
    """The error restated as ``[file:]line:column: message`` with a caret excerpt as its hint."""
    pos = e.position
    lines = e.query.splitlines()
    if pos.line is not None and lines and pos.line > len(lines):  # ran off the end of the text
        pos = Position(len(lines), len(lines[-1]) + 1, pos.source_line)
    message = " ".join(_POS_PREFIX.sub("", e.message).split())
    if "Prefix not found" in message:
        message = _unknown_prefix(e.query, pos)
    elif len(message) > 200:
        message = message[:197] + "..."
    where = ""
    if pos.line is not None:
        where = f"line {pos.line}" + (f", column {pos.column}" if pos.column is not None else "")
    text = f"SPARQL syntax error{' at ' + where if where else ''}: {message}"
    if origin:
        text = f"{origin}: {text}"
    out = QuerySyntaxError(text, e.query, pos)
    out.hint = excerpt(e.query, pos)
    return out


def _unknown_prefix(query: str, pos: Position) -> str:
    lines = query.splitlines()
    name = ""
    if pos.line is not None and 0 < pos.line <= len(lines):
        head = lines[pos.line - 1][: (pos.column or 1)]
        found = re.findall(r"([A-Za-z][\w.-]*)?:", head)
        name = found[-1] if found else ""
    known = ", ".join(sorted(PREFIXES))
    return f"unknown prefix '{name}:' (declare it with PREFIX {name}: <...>; predeclared: {known})"


def excerpt(query: str, pos: Position) -> str | None:
    """The line ``pos`` points into, with a caret under the column.

    >>> print(excerpt("SELECT *\\nWHERE { ?s ?p }", Position(2, 16)))
        2 | WHERE { ?s ?p }
          |                ^
    """
    if pos.line is None:
        return None
    lines = query.splitlines()
    line, column = pos.line, pos.column or 1
    if line > len(lines) and lines:  # the parser ran off the end: point after the last line
        line = len(lines)
        column = len(lines[-1]) + 1
    if not 0 < line <= len(lines):
        return None
    src = lines[line - 1].expandtabs(1)
    col = max(1, min(column, len(src) + 1))
    gutter = f"{line:5d} | "
    return f"{gutter}{src}\n{' ' * (len(gutter) - 2)}| {' ' * (col - 1)}^"
