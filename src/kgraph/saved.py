"""Saved, parameterised SPARQL queries: the ``queries/*.rq`` files.

Each file starts with a header of comments::

    # name: co-stars
    # description: People who acted in a work the person acted in, with the shared works
    # param: person entity Person — the actor or actress

A parameter line reads ``<name> <entity|literal|number> [Type,...] [optional] — description``.
Parameters are bound as values (``store.query(text, bindings)``), never pasted into the text, so
a value holding quotes, braces or ``#`` cannot change the query. Entity parameters are names
resolved with the shared matcher of :mod:`kgraph.linking` (IRIs and CURIEs are accepted as well).

>>> [q.name for q in list_queries()][:3]
['about', 'awards', 'cast']
>>> get_query("co-stars").params[0]
Param(name='person', kind='entity', description='the actor or actress', types=('Person',), optional=False)
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from . import resources
from .errors import InputError, UsageError
from .records import Any, field, record
from .store import Result, Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from pathlib import Path

KINDS = ("entity", "literal", "number")


@record(frozen=True)
class Param:
    """One parameter of a saved query."""

    name: str
    kind: str  # entity | literal | number
    description: str
    types: tuple[str, ...] = ()
    optional: bool = False

    def signature(self) -> str:
        """``person: entity Person`` (with ``?`` when optional), for listings."""
        t = f" {','.join(self.types)}" if self.types else ""
        return f"{self.name}{'?' if self.optional else ''}: {self.kind}{t}"


@record(frozen=True)
class SavedQuery:
    """A saved query: its header and its SPARQL text."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    file: str  # the .rq file, as text (a cold `kgraph ask` does not import pathlib)
    # ``# fact: ?s kg:p ?o`` header lines: the triple patterns an answer rests on (``fact?``:
    # optional, all of them one OPTIONAL group), instantiated per row to cite each fact with
    # exactly the sources stating it
    # ``# given:`` lines constrain the patterns (join them to the row) without being cited
    facts: tuple[tuple[str, bool], ...] = ()
    given: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """The ``.rq`` file the query was read from."""
        from pathlib import Path

        return Path(self.file)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "params": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "types": list(p.types),
                    "optional": p.optional,
                    "description": p.description,
                }
                for p in self.params
            ],
        }


@record(frozen=True)
class SavedResult:
    """The outcome of running a saved query: the store's result plus what each parameter became."""

    query: SavedQuery
    params: dict[str, str]
    bindings: dict[str, Any]  # parameter name -> pyoxigraph term bound
    matches: dict[str, Any]  # entity parameter name -> linking.Match
    result: Result = field(repr=False)
    # per row, the facts it rests on, each with exactly the sources that state it
    # (provenance.CitedFact); empty when the query declares no ``# fact:`` lines
    facts: list[list[Any]] = field(default_factory=list, repr=False)
    legend: list[Any] = field(default_factory=list, repr=False)  # provenance.SourceLabel

    def facts_json(self) -> list[list[dict[str, Any]]]:
        """Per row, its facts as ``{"statement", "sources", "codes", …}`` objects."""
        return [[f.to_json() for f in fs] for fs in self.facts]

    @property
    def variables(self) -> list[str]:
        return self.result.variables

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.result.rows

    def values(self) -> list[dict[str, str]]:
        """Rows as plain strings (term values), unbound variables left out."""
        return [{k: v.value for k, v in row.items()} for row in self.rows]


# -- parsing the files ----------------------------------------------------------------------

_HEADER_RE = re.compile(r"^#\s*(name|description|param|fact\??|given)\s*:\s*(.*?)\s*$")
_FACT_TERM = re.compile(r"^(\?[A-Za-z_]\w*|[A-Za-z][\w-]*:[\w.-]*|<[^<>\s]+>)$")
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>\w+)"
    r"(?P<rest>(?:\s+(?!—|--)\S+)*?)"
    r"\s*(?:(?:—|--|-)\s*(?P<desc>.*))?$"
)


def parse_query_file(path: Path | str) -> SavedQuery:
    """Read one ``.rq`` file and its header; a malformed header is an InputError naming the line."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None
    name = os.path.splitext(os.path.basename(path))[0]
    description = ""
    params: list[Param] = []
    facts: list[tuple[str, bool]] = []
    given: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER_RE.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key == "name":
            name = value
        elif key == "description":
            description = value
        elif key.startswith("fact") or key == "given":
            terms = value.split()
            if len(terms) != 3 or not all(_FACT_TERM.match(t) for t in terms):
                raise InputError(
                    f"{path}:{lineno}: bad fact line {value!r} (expected one triple pattern: "
                    "?subject prefix:predicate ?object)"
                )
            if key == "given":
                given.append(" ".join(terms))
            else:
                facts.append((" ".join(terms), key.endswith("?")))
        else:
            params.append(_parse_param(path, lineno, value))
    return SavedQuery(
        name, description, tuple(params), text, os.fspath(path), tuple(facts), tuple(given)
    )


def _parse_param(path: Path | str, lineno: int, value: str) -> Param:
    m = _PARAM_RE.match(value)
    if not m or m.group("kind") not in KINDS:
        raise InputError(
            f"{path}:{lineno}: bad parameter line {value!r} "
            "(expected: <name> <entity|literal|number> [Type,...] [optional] — description)"
        )
    words = m.group("rest").split()
    optional = "optional" in words
    types = tuple(t for w in words if w != "optional" for t in w.split(",") if t)
    return Param(m.group("name"), m.group("kind"), (m.group("desc") or "").strip(), types, optional)


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple[tuple[str, float], ...]) -> tuple[SavedQuery, ...]:
    return tuple(parse_query_file(os.path.join(folder, name)) for name, _ in stamp)


def list_queries() -> list[SavedQuery]:
    """Every saved query in ``queries/``, sorted by name."""
    folder = resources.queries_dir()
    try:
        files = sorted(folder.glob("*.rq"))
    except OSError:
        files = []
    stamp = tuple((p.name, p.stat().st_mtime) for p in files)
    return sorted(_load(str(folder), stamp), key=lambda q: q.name)


@lru_cache(maxsize=64)
def _load_one(path: str, stamp: tuple[int, int]) -> SavedQuery:
    return parse_query_file(path)


def get_query(name: str) -> SavedQuery:
    """The saved query called ``name``; an unknown name is a UsageError naming the closest ones.

    The file named after the query (``queries/<name>.rq``, as every bundled one is) is read
    alone when its header gives that name: one file, not all 19, on the path of every
    ``kgraph ask`` (``tests/test_cold_start.py``). Otherwise every file is read.
    """
    if name and "/" not in name and "\\" not in name and not name.startswith("."):
        path = os.path.join(resources.root_text(), "queries", f"{name}.rq")
        try:
            st = os.stat(path)
        except (OSError, ValueError):  # none, or a name no file can have
            pass
        else:
            q = _load_one(path, (st.st_mtime_ns, st.st_size))
            if q.name == name:
                return q
    queries = list_queries()
    for q in queries:
        if q.name == name:
            return q
    import difflib

    names = [q.name for q in queries]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = (
        f"; did you mean {', '.join(close)}?"
        if close
        else f"; the saved queries are: {', '.join(names)}"
    )
    raise UsageError(f"no saved query named {name!r}{hint}")


# -- running --------------------------------------------------------------------------------


def run_saved(store: Store, name: str, params: dict[str, str]) -> SavedResult:
    """Run the saved query ``name`` with ``params`` (parameter name -> text given by the user).

    Entity parameters are resolved with :func:`kgraph.linking.resolve` (restricted to the
    parameter's types); every value is bound, never pasted.
    """
    query = get_query(name)
    unknown = [k for k in params if query.param(k) is None]
    if unknown:
        allowed = ", ".join(p.name for p in query.params) or "none"
        raise UsageError(
            f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {allowed})"
        )
    missing = [
        p.name for p in query.params if not p.optional and not params.get(p.name, "").strip()
    ]
    if missing:
        raise UsageError(f"query {query.name!r} needs --param {missing[0]}=…")
    bindings: dict[str, Any] = {}
    matches: dict[str, Any] = {}
    for p in query.params:
        raw = params.get(p.name)
        if raw is None or not raw.strip():
            continue
        term, match = bind_value(store, p, raw)
        bindings[p.name] = term
        if match is not None:
            matches[p.name] = match
    result = store.query(query.text, bindings)
    facts = row_facts(store, query, result)
    import pyoxigraph as ox

    # A row's sources are exactly the sources of the facts it rests on (where it declares them):
    # each source cited states one of them, and no source that states one is left out.
    for row, fs in zip(result.rows, facts, strict=False):
        if fs and "sources" in row:
            row["sources"] = ox.Literal(" ".join(sorted({s for f in fs for s in f.sources})))

    from .provenance import source_labels

    cited = {s for fs in facts for f in fs for s in f.sources}
    cited |= {
        s
        for row in result.rows
        if isinstance(row.get("sources"), ox.Literal)
        for s in str(row["sources"].value).split()  # type: ignore[union-attr]
    }
    legend = source_labels(store, cited)
    return SavedResult(query, dict(params), bindings, matches, result, facts, legend)


FACT_ROWS = 500  # rows beyond this are not broken down into facts (one query per row)


def row_facts(store: Store, query: SavedQuery, result: Result) -> list[list[Any]]:
    """Per row, the facts it rests on (the query's ``# fact:`` patterns with the row's values),
    each cited by exactly the sources that state it. A pattern whose variable is a column the
    row leaves unbound (an OPTIONAL that did not match) is left out for that row."""
    import pyoxigraph as ox

    from .provenance import cite

    if not query.facts or result.kind != "select" or len(result.rows) > FACT_ROWS:
        return []
    columns = set(result.variables)
    per_row: list[list[tuple[str, str, Any]]] = []
    for row in result.rows:
        lines: list[str] = []
        group: list[str] = []
        patterns: list[tuple[str, str | None]] = []
        for pattern, optional in query.facts:
            names = set(re.findall(r"\?(\w+)", pattern))
            if any(n in columns and n not in row for n in names):
                continue
            (group if optional else lines).append(f"{pattern} .")
            patterns.append((pattern, "_facts_opt" if optional else None))
        for pattern in query.given:
            names = set(re.findall(r"\?(\w+)", pattern))
            if not any(n in columns and n not in row for n in names):
                (group if any(f"?{n}" in " ".join(group) for n in names) else lines).append(
                    f"{pattern} ."
                )
        if group:  # the optional patterns match together or not at all, and mark their match
            lines.append("OPTIONAL { " + " ".join(group) + " BIND (true AS ?_facts_opt) }")
        if not lines:
            per_row.append([])
            continue
        used = {
            n
            for pat in (*(p for p, _ in query.facts), *query.given)
            for n in re.findall(r"\?(\w+)", pat)
        }
        bound = {
            n: row[n] for n in used if n in row and isinstance(row[n], (ox.NamedNode, ox.Literal))
        }
        sols = store.select("SELECT * WHERE { " + " ".join(lines) + " }", bound or None)
        # in an order of their own, not the engine's, so every store lists the facts alike
        sols.sort(key=lambda sol: sorted((k, str(v)) for k, v in sol.items()))
        triples: list[tuple[str, str, Any]] = []
        for sol in sols:
            env = {**bound, **sol}
            for pattern, marker in patterns:
                if marker is not None and marker not in sol:
                    continue
                t = [_instantiate(x, env) for x in pattern.split()]
                if (
                    all(x is not None for x in t)
                    and isinstance(t[0], str)
                    and isinstance(t[1], str)
                ):
                    triples.append((t[0], t[1], t[2]))
        per_row.append(list(dict.fromkeys(triples)))
    cited = cite(store, [t for ts in per_row for t in ts])
    return [[cited[t] for t in ts] for ts in per_row]


def _instantiate(token: str, env: dict[str, Any]) -> Any:
    """A pattern term as a fact part: an IRI string, a literal, or None when unbound."""
    import pyoxigraph as ox

    from .terms import PREFIXES

    if token.startswith("?"):
        v = env.get(token[1:])
        if isinstance(v, ox.NamedNode):
            return v.value
        return v if isinstance(v, ox.Literal) else None
    if token.startswith("<"):
        return token[1:-1]
    pfx, _, local = token.partition(":")
    return PREFIXES[pfx] + local


def bind_value(store: Store, param: Param, raw: str) -> tuple[Any, Any]:
    """The term a parameter value stands for (and the linking match for entity parameters)."""
    import pyoxigraph as ox

    if param.kind == "number":
        text = raw.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return ox.Literal(
                text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            ), None
        if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", text):
            return ox.Literal(
                text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
            ), None
        raise UsageError(f"--param {param.name}: {raw!r} is not a number")
    if param.kind == "literal":
        return ox.Literal(raw), None
    iri = _explicit_iri(store, raw, param.types)
    if iri is not None:
        return ox.NamedNode(iri), None
    from .linking import resolve

    match = resolve(store, raw, types=list(param.types) or None)
    return ox.NamedNode(match.iri), match


def _explicit_iri(store: Store, raw: str, types: tuple[str, ...]) -> str | None:
    """An entity given as an IRI or CURIE (:mod:`kgraph.resolve`'s rules) or as the local id of
    an entity of the wanted types (``s002`` for a Source); None otherwise."""
    from .resolve import by_local_id, entity_of, explicit_iri

    iri = explicit_iri(raw)
    if iri is None:
        return by_local_id(store, raw, types)
    entity = entity_of(store, iri)
    if entity is None:
        from .errors import UnknownEntity

        raise UnknownEntity(raw)
    return entity
