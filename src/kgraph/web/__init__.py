"""The browser explorer served by ``kgraph serve``: pages, the JSON their scripts read, static files.

Routes (GET only; nothing here writes to the store):

=====================  ==============================================================================
``/``                  home: the ask box (``?ask=…``), name search, statistics, the sources
``/search?q=…``        entities whose names match (``/api/search?q=…``: the same as JSON, for completion)
``/entity/ID``         an entity's card, neighbourhood graph, neighbours and exports (``?format=turtle``
                       or ``jsonld``); ID is a prefixed name (``person:jeon-jong-seo``) or a full IRI
``/graph``             the graph view: the whole graph, ``?focus=ID`` (a neighbourhood) or
                       ``?from=A&to=B`` (the collaboration path between two people, with roles)
``/query?query=…``     the SPARQL editor; the query in the URL is run (a permalink)
``/api/neighbours``    ``?id=ID``: the nodes and edges around an entity (the graph view expands with it)
``/api/sparql``        ``?query=…``: a query's result with labels (a table, or a graph for CONSTRUCT)
``/api/terms``         prefixes and ontology terms (the editor completes them)
``/static/…``          CSS, scripts and the vendored libraries (``static/vendor/``, with licences)
=====================  ==============================================================================

Pages are rendered inside the server's query workers (:func:`handle`), so everything the endpoint
guarantees for queries holds for them: a read-only store handle, the time limit, the result cap,
no ``SERVICE``. Static files are read from the package by the HTTP thread (:func:`static_file`).
The server imports this package, never the other way round: queries come in as ``run``.
Every page carries its facts in server-rendered HTML and works without JavaScript; the scripts add
completion, the interactive graph and the editor.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from .base import STATIC, PageError

__all__ = ["CSP", "PageError", "handle", "is_web_path", "static_file"]

PAGES = ("/", "/search", "/graph", "/query")
PREFIXES_ROUTED = ("/entity/", "/api/")

# Pages load scripts and styles from this server only; data goes to this server only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def is_web_path(path: str) -> bool:
    """True for the paths :func:`handle` answers (``/`` only for browsers: the caller decides)."""
    return path in PAGES or path.startswith(PREFIXES_ROUTED)


def static_file(path: str) -> tuple[str, bytes]:
    """(media type, bytes) of a file under ``/static/``; never a path outside the folder."""
    rel = path[len("/static/") :]
    target = (STATIC / rel).resolve()
    if not rel or STATIC not in target.parents or not target.is_file():
        raise PageError(404, f"no such file: {path}")
    ctype = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
    return ctype or "application/octet-stream", target.read_bytes()


def handle(
    store: Any,
    req: dict[str, Any],
    run: Callable[[str], tuple[str, bytes, bool]],
    max_results: int,
) -> tuple[int, str, bytes, dict[str, str]]:
    """Answer one explorer request (runs inside a query worker): status, media type, body,
    headers. ``run`` runs a SPARQL query with the endpoint's guards. Raises :class:`PageError`."""
    from ..errors import KGraphError
    from . import pages

    path: str = req["path"]
    params: dict[str, list[str]] = req.get("params") or {}
    try:
        status, ctype, body = pages.route(store, path, params, run, max_results)
    except KGraphError as e:
        raise PageError(400 if e.exit_code == 2 else 404, str(e)) from None
    headers = {"Content-Security-Policy": CSP} if ctype.startswith("text/html") else {}
    headers["Cache-Control"] = "no-store"
    return status, ctype, body, headers
