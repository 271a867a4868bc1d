"""Which RDF syntax a file is written in, and JSON-LD contexts without the network.

:func:`detect` names a file's format: ``--format`` when given, else its extension, else its
content (:func:`sniff`), so ``*.ttls`` (Turtle-star as neosemantics writes it), ``*.txt``,
extensionless files and standard input load with no ``--format``.

:func:`inline_contexts` replaces the remote contexts a JSON-LD file names
(``"@context": "https://schema.org/"``) by the copies shipped in ``kgraph/contexts``, since
kgraph never fetches anything at run time; a context that is not shipped is named in a
one-line error.

>>> sniff(b'@prefix s: <https://schema.org/> . <urn:a> a s:Person .').name
'Turtle'
>>> sniff(b'<urn:a> <urn:p> <urn:o> <urn:g> .').name
'N-Quads'
>>> sniff(b'{"@context": "https://schema.org/", "@type": "Person"}').name
'JSON-LD'
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Any, NamedTuple, cast
from typing import Literal as TLiteral

import pyoxigraph as ox

from .errors import InputError, Position, RdfSyntaxError, UsageError

# -- the format registry ------------------------------------------------------------------------


class Format(NamedTuple):
    """One file format kgraph reads or writes, named once.

    RDF and SPARQL result formats take their extension and media type from pyoxigraph
    (:class:`pyoxigraph.RdfFormat`, :class:`pyoxigraph.QueryResultsFormat`); ``extensions`` and
    ``media_types`` add the other spellings kgraph accepts. A new format is one entry of
    :data:`REGISTRY` and a writer (``kgraph.export``, ``kgraph.results``). (A named tuple, not
    a dataclass: this module is imported by every cold ``kgraph ask``.)
    """

    name: str  # kgraph's name (``--format``)
    family: TLiteral["rdf", "results", "graph"]  # RDF data, SPARQL results, a property graph
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    aliases: tuple[str, ...] = ()  # other ``--format`` names
    extensions: tuple[str, ...] = ()  # besides pyoxigraph's own
    media_types: tuple[str, ...] = ()  # besides pyoxigraph's own (the first is the one sent)
    read: bool = False  # ``kgraph load`` reads it
    write: bool = True  # ``kgraph export`` (RDF, graph) or ``kgraph sparql`` (results) writes it
    result_graph: bool = False  # ``kgraph sparql`` writes CONSTRUCT/DESCRIBE results in it

    @property
    def all_extensions(self) -> tuple[str, ...]:
        lib = self.rdf or self.results
        own = (f".{lib.file_extension}",) if lib is not None else ()
        return own + tuple(e for e in self.extensions if e not in own)

    @property
    def all_media_types(self) -> tuple[str, ...]:
        lib = self.rdf or self.results
        own = (lib.media_type,) if lib is not None else ()
        return own + tuple(m for m in self.media_types if m not in own)

    @property
    def media_type(self) -> str:
        """The media type an answer in this format is sent with."""
        return self.all_media_types[0]


_RDF, _RES = ox.RdfFormat, ox.QueryResultsFormat
REGISTRY: tuple[Format, ...] = (
    # Turtle-star as neosemantics and Stardog write it (.ttls): Turtle 1.2 reads it
    Format("turtle", "rdf", _RDF.TURTLE, aliases=("ttl",), extensions=(".turtle", ".ttls"),
           media_types=("application/x-turtle",), read=True, result_graph=True),
    Format("ntriples", "rdf", _RDF.N_TRIPLES, aliases=("nt",), extensions=(".nts", ".ntriples"),
           media_types=("text/plain",), read=True, result_graph=True),
    Format("nquads", "rdf", _RDF.N_QUADS, aliases=("nq",), extensions=(".nqs", ".nquads"),
           read=True),
    Format("trig", "rdf", _RDF.TRIG, extensions=(".trigs",), read=True),
    Format("jsonld", "rdf", _RDF.JSON_LD, aliases=("json",), extensions=(".json",),
           media_types=("application/json",), read=True, result_graph=True),
    Format("xml", "rdf", _RDF.RDF_XML, aliases=("rdfxml",), extensions=(".owl", ".xml"),
           media_types=("application/xml",), read=True),
    Format("n3", "rdf", _RDF.N3, read=True, write=False),
    Format("json", "results", results=_RES.JSON, media_types=("application/json",)),
    Format("csv", "results", results=_RES.CSV),
    Format("tsv", "results", results=_RES.TSV),
    Format("xml", "results", results=_RES.XML, media_types=("application/xml", "text/xml")),
    Format("graphml", "graph", extensions=(".graphml",),
           media_types=("application/graphml+xml",)),
    Format("gexf", "graph", extensions=(".gexf",), media_types=("application/gexf+xml",)),
    Format("csv", "graph", extensions=(".csv",), media_types=("text/csv; charset=utf-8",)),
)  # fmt: skip


def registered(family: str, *, read: bool | None = None, write: bool | None = None) -> list[Format]:
    """The formats of a family, in the registry's order (optionally those read or written)."""
    return [
        f
        for f in REGISTRY
        if f.family == family
        and (read is None or f.read == read)
        and (write is None or f.write == write)
    ]


def names(formats: list[Format]) -> dict[str, Format]:
    """Every ``--format`` name of ``formats`` (names and aliases) to its format."""
    return {n: f for f in formats for n in (f.name, *f.aliases)}


def extensions(formats: list[Format]) -> dict[str, Format]:
    """Every file extension of ``formats`` (with its dot) to its format."""
    return {e: f for f in formats for e in f.all_extensions}


_READ = registered("rdf", read=True)
EXTENSIONS: dict[str, ox.RdfFormat] = {e: f.rdf for e, f in extensions(_READ).items() if f.rdf}
NAMES: dict[str, ox.RdfFormat] = {n: f.rdf for n, f in names(_READ).items() if f.rdf}

SNIFF_BYTES = 1 << 16  # how much of a file content sniffing reads

_XML_RE = re.compile(rb"^(<\?xml|<!--|<!DOCTYPE|<rdf:RDF\b)", re.IGNORECASE)
_STRINGS_RE = re.compile(
    rb'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'  # long strings (possibly cut by the sniff window)
    rb"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    rb'|"(?:[^"\\\n]|\\.)*"'
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb"|<[^<>\"{}|^`\\\s]*>"
    rb"|#[^\n]*",
    re.DOTALL,
)
_TURTLE_RE = re.compile(
    rb"(@prefix|@base|\bPREFIX\b|\bBASE\b|[;,\[(]|\ba\b|<<|\{\||(^|\s)[A-Za-z][\w.-]*:[\w-]*)",
    re.IGNORECASE,
)
_RDF_TOKEN_RE = re.compile(
    rb"@prefix|@base|\bPREFIX\s|\bBASE\s|<[^\s<>\"]+>|_:\w|(^|\s)[A-Za-z][\w-]*:[\w-]",
    re.IGNORECASE,
)
_TRIG_RE = re.compile(rb"\{(?!\|)|\bGRAPH\b", re.IGNORECASE)


def sniff(head: bytes) -> ox.RdfFormat | None:
    """The RDF syntax of a document from its first bytes, or None when it does not look like RDF.

    JSON-LD and RDF/XML are told by their first character; the line-based and Turtle-family
    syntaxes by trying the strictest parser first on whole lines (N-Triples, N-Quads, Turtle,
    TriG), then by their keywords when the window cuts a statement.

    >>> sniff(b'<< <urn:s> <urn:p> <urn:o> >> <urn:q> "x" .').name
    'Turtle'
    >>> sniff(b'<urn:g> { <urn:a> <urn:p> "x" }').name
    'TriG'
    >>> sniff(b'\\xef\\xbb\\xbf<?xml version="1.0"?><rdf:RDF/>').name
    'RDF/XML'
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text or b"\0" in text[:8192]:
        return None
    if text[:1] in (b"{", b"["):
        return ox.RdfFormat.JSON_LD
    if _XML_RE.match(text) or (text[:1] == b"<" and b"xmlns" in text[:4096] and b"</" in text):
        return ox.RdfFormat.RDF_XML
    whole = text if len(head) < SNIFF_BYTES else text[: text.rfind(b"\n") + 1] or text
    for fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TURTLE):
        try:
            for _ in ox.parse(whole, format=fmt, lenient=True):
                pass
        except (SyntaxError, ValueError):
            continue
        return fmt
    try:
        for _ in ox.parse(whole, format=ox.RdfFormat.TRIG, lenient=True):
            pass
        return ox.RdfFormat.TRIG
    except (SyntaxError, ValueError):
        pass
    if not _RDF_TOKEN_RE.search(text):
        return None  # no IRI, prefix, prefixed name or blank node: not RDF
    bare = _STRINGS_RE.sub(b" ", text)
    if _TRIG_RE.search(bare):
        return ox.RdfFormat.TRIG
    if _TURTLE_RE.search(bare):
        return ox.RdfFormat.TURTLE
    if b"<" in text or b"_:" in text:  # statements of terms, broken somewhere: N-Triples' errors
        return ox.RdfFormat.N_QUADS if _four_terms(bare) else ox.RdfFormat.N_TRIPLES
    return None


def _four_terms(bare: bytes) -> bool:
    return any(len(line.split()) >= 5 for line in bare.splitlines())


def by_extension(path: Path | str) -> ox.RdfFormat | None:
    """The format an extension names (``.gz`` looks through), or None.

    >>> by_extension("films.ttls").name, by_extension("dump.nq.gz").name, by_extension("notes.txt")
    ('Turtle', 'N-Quads', None)
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".gz":
        suffix = Path(p.stem).suffix.lower()
    return EXTENSIONS.get(suffix)


def by_name(fmt: str) -> ox.RdfFormat:
    """The format a ``--format`` value names."""
    key = fmt.lower().replace("-", "").replace("_", "")
    if key not in NAMES:
        raise UsageError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(NAMES))}")
    return NAMES[key]


def _open_binary(path: Path) -> IO[bytes]:
    """The file's bytes (decompressed for ``.gz``)."""
    if path.suffix.lower() == ".gz":
        import gzip

        return cast("IO[bytes]", gzip.open(path, "rb"))
    return path.open("rb")


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of a file (decompressed for ``.gz``)."""
    try:
        with _open_binary(path) as f:
            return f.read(size)
    except (OSError, EOFError) as e:
        raise InputError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None


def detect(path: Path, fmt: str | None = None) -> ox.RdfFormat:
    """The format of ``path``: ``fmt`` when given, else the extension, else the content.

    A misleading extension is trusted (``--format`` overrides it); an unknown or missing one
    sends kgraph to the content.
    """
    if fmt:
        return by_name(fmt)
    known = by_extension(path)
    if known is not None:
        return known
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    found = sniff(read_head(path))
    if found is None:
        raise UsageError(
            f"{path}: cannot tell the RDF format from the extension or the content; give --format"
        )
    return found


def rdf_syntax_error(path: Path, e: SyntaxError, data: bytes | None = None) -> RdfSyntaxError:
    """pyoxigraph's :class:`SyntaxError` for the RDF file ``path`` as an :class:`RdfSyntaxError`
    naming the line, column and the line's text (from ``data`` when the file is in memory): the
    one conversion, for building and loading."""
    msg = e.msg or str(e)
    line, col = e.lineno, e.offset
    m = re.search(r"line (\d+) between columns (\d+)", msg) or re.search(r"(\d+):(\d+)", msg)
    if m and not line:
        line, col = int(m.group(1)), int(m.group(2))
    raw = None
    if line and data is not None:
        lines = data.split(b"\n", line)
        raw = lines[line - 1] if len(lines) >= line else None
    elif line:
        try:
            with _open_binary(path) as f:  # line by line: the file may be large
                raw = next((r for i, r in enumerate(f, 1) if i == line), None)
        except (OSError, EOFError):
            pass
    text = raw.decode("utf-8", "replace").rstrip("\r\n") if raw is not None else None
    return RdfSyntaxError(str(path), msg, Position(line, col, text))


# -- JSON-LD contexts ---------------------------------------------------------------------------

_CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
SHIPPED_CONTEXTS: dict[str, str] = {
    url: "schemaorg.jsonld"
    for base in ("http://schema.org", "https://schema.org")
    for url in (
        base,
        base + "/",
        base + "/docs/jsonldcontext.json",
        base + "/docs/jsonldcontext.jsonld",
    )
}


class MissingContext(InputError):
    """A JSON-LD file names a remote context that kgraph does not ship (and it never fetches)."""


def shipped_context(url: str) -> Any:
    """The ``@context`` value of a shipped context, by the URL files use for it.

    >>> shipped_context("https://schema.org/")["@vocab"]
    'http://schema.org/'
    """
    name = SHIPPED_CONTEXTS.get(url.strip())
    if name is None:
        return None
    return json.loads((_CONTEXTS_DIR / name).read_text(encoding="utf-8"))["@context"]


def inline_contexts(data: bytes, where: Path) -> bytes:
    """``data`` (a JSON-LD document) with every context named by URL replaced by its content.

    Shipped contexts stand for their URLs; a relative reference or ``file:`` IRI is read from
    disk beside ``where``. Text that is not JSON is returned unchanged (the parser then reports
    the syntax error with its position).

    >>> out = inline_contexts(b'{"@context": "https://schema.org/", "name": "X"}', Path("x.jsonld"))
    >>> json.loads(out)["@context"]["@vocab"]
    'http://schema.org/'
    """
    if b"@context" not in data:
        return data
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return data
    changed = [False]

    def context(ref: Any, seen: frozenset[str]) -> Any:
        if isinstance(ref, list):
            return [context(r, seen) for r in ref]
        if not isinstance(ref, str):
            return ref
        if ref in seen:
            raise InputError(f"{where}: the JSON-LD context {ref} includes itself")
        shipped = shipped_context(ref)
        if shipped is not None:
            changed[0] = True
            return shipped
        local = _local_context(ref, where)
        if local is None:
            raise MissingContext(
                f"{where}: the JSON-LD context {ref} is not shipped with kgraph, which never "
                "fetches from the network; shipped: "
                + ", ".join(sorted({u.rstrip("/") for u in SHIPPED_CONTEXTS if "docs" not in u}))
                + " (save the context beside the file and name it by a relative path)"
            )
        changed[0] = True
        try:
            inner = json.loads(local.read_bytes()).get("@context", {})
        except (OSError, ValueError, AttributeError) as e:
            raise InputError(f"{where}: cannot read the JSON-LD context {ref}: {e}") from None
        return context(inner, seen | {ref})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: context(v, frozenset()) if k == "@context" else walk(v) for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(x) for x in node]
        return node

    out = walk(doc)
    return json.dumps(out).encode() if changed[0] else data


def _local_context(ref: str, where: Path) -> Path | None:
    if ref.startswith("file:"):
        from urllib.parse import unquote, urlparse

        p = Path(unquote(urlparse(ref).path))
    elif "://" in ref or ref.startswith(("urn:", "http:", "https:")):
        return None
    else:
        p = where.parent / ref
    return p if p.is_file() else None


__all__ = [
    "EXTENSIONS",
    "REGISTRY",
    "Format",
    "MissingContext",
    "by_extension",
    "by_name",
    "detect",
    "inline_contexts",
    "shipped_context",
    "sniff",
]
