"""The library's front door: :class:`KnowledgeGraph`.

Every CLI command is one call on this object, so a notebook user gets exactly what the command
line shows, as plain data objects.

On the bundled graph::

    kg = KnowledgeGraph()
    [a.label for a in kg.ask("co-stars of Jeon Jong-seo").answers]
    # ['Kim Ji-hoon', 'Park Shin-hye', 'Park Yu-rim', 'Yoo Ji-tae']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .records import Any, field, record
from .store import Bindings, Result, Store
from .terms import CURATION_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from pathlib import Path  # imported where used: `kgraph ask` never needs pathlib


@record(frozen=True)
class Stats:
    """Counts of the graph: entities per class, facts per source, totals."""

    classes: dict[str, int]
    sources: list[tuple[str, str, int]]  # (iri, label, triples in the source's graph)
    facts: int  # triples in the sources' graphs, with what the build derives there
    quads: int
    graphs: dict[str, int] = field(default_factory=dict)
    #: per source, the facts it states itself (as `kgraph sources` counts them: without the
    #: shortcuts the build derives in its graph)
    stated: dict[str, int] = field(default_factory=dict)


@record(frozen=True)
class ClaimSide:
    statement: str
    sources: list[tuple[str, str]]  # (iri, label)


@record(frozen=True)
class Disagreement:
    """A disagreement between sources, with the sources on each side."""

    iri: str
    topic: str
    kind: str
    about: list[tuple[str, str]]
    note: str | None
    claims: list[ClaimSide]


Conflict = Disagreement  # the name it had before kgraph called every disagreement one


class KnowledgeGraph:
    """A knowledge graph over one store (default: the bundled graph, built on first use).

    ``store`` is a :class:`~kgraph.store.Store`, or a spec: ``None`` (default store),
    ``"memory:"``, a directory path, or an ``http(s)://`` SPARQL endpoint URL.
    """

    def __init__(
        self,
        store: Store | str | None = None,
        *,
        update_url: str | None = None,
        writable: bool = False,
    ) -> None:
        self._spec = store
        self._update_url = update_url
        self._writable = writable
        self._store: Store | None = store if isinstance(store, Store) else None

    @property
    def store(self) -> Store:
        """The store, opened on first use."""
        if self._store is None:
            spec = self._spec if isinstance(self._spec, str) or self._spec is None else None
            from .resources import has_user_data

            if not spec and not has_user_data():
                # the bundled graph alone, as kgraph.overlay.open_store opens it then (without
                # importing the overlay's machinery: this is every cold `kgraph ask`)
                from .build import default_store

                self._store = default_store()
                return self._store
            from .overlay import open_store  # the default store carries the user's own files

            self._store = open_store(
                spec, update_url=self._update_url, read_only=not self._writable
            )
        return self._store

    @property
    def writable(self) -> bool:
        """Whether this graph was opened to be changed (``load``, ``unload``, ``ingest`` …)."""
        return self._writable

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- querying -------------------------------------------------------------------------

    def sparql(self, query: str, bindings: Bindings | None = None, **options: Any) -> Result:
        """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE); updates are refused.

        ``options``: ``limit`` (rows), ``timeout`` (seconds), ``origin`` (the file the text came
        from, named in syntax errors), ``allow_service`` (let ``SERVICE`` reach the network), as :func:`kgraph.querying.run_sparql` takes them."""
        from .querying import run_sparql

        return run_sparql(self.store, query, bindings, **options)

    def queries(self) -> list[Any]:
        """The saved queries of ``queries/``, with their parameters."""
        from .saved import list_queries

        return list_queries()

    def query(self, name: str, params: Mapping[str, str] | None = None) -> Any:
        """Run a saved query by name, binding each parameter as a value."""
        from .saved import run_saved

        return run_saved(self.store, name, dict(params or {}))

    def search(
        self,
        text: str,
        *,
        types: Sequence[str] | None = None,
        limit: int = 10,
        exact: bool = False,
    ) -> list[Any]:
        """Entities whose labels match ``text``, best first (``exact``: spelled so only)."""
        from .linking import search

        return search(self.store, text, types=types, limit=limit, exact=exact)

    def resolve(self, name: str, *, types: Sequence[str] | None = None) -> Any:
        """The one entity ``name`` refers to; raises UnknownEntity or AmbiguousName."""
        from .linking import resolve

        return resolve(self.store, name, types=types)

    def show(self, entity: str) -> Any:
        """The card of an entity: labels, classes and every fact with its sources."""
        from .cards import show
        from .errors import UnknownEntity
        from .sources import find_source, source_card

        # A source by its code, IRI, label or file name gets its source card ("show s000"); a
        # name that is no entity but names one source's outlet or headline too ("show jTBC").
        iri = find_source(self.store, entity, loose=False)
        if iri is not None:
            return source_card(self.store, iri)
        try:
            return show(self.store, entity)
        except UnknownEntity:
            iri = find_source(self.store, entity)
            if iri is None:
                raise
            return source_card(self.store, iri)

    def ask(self, question: str, *, context: Any = None) -> Any:
        """Answer a plain-English question from the graph, with the sources of each answer."""
        from .questions import ask

        return ask(self.store, question, context=context)

    # -- collaboration --------------------------------------------------------------------

    def path(self, a: str, b: str, **options: Any) -> Any:
        """The shortest collaboration path(s) between two people (or a person and a work)."""
        from .paths import path

        return path(self.store, a, b, **options)

    def shared(self, a: str, b: str, **options: Any) -> Any:
        """The works two people share, with each one's roles."""
        from .paths import shared

        return shared(self.store, a, b, **options)

    def network(self, **options: Any) -> Any:
        """Collaboration-network analytics: degree, betweenness, components, distances."""
        from .paths import network

        return network(self.store, **options)

    # -- data in and out ------------------------------------------------------------------

    def export(self, fmt: str = "turtle", **options: Any) -> Any:
        """Serialise the graph (or part of it) in a standard format."""
        from .export import export

        return export(self.store, fmt, **options)

    def export_lines(self, fmt: str, **options: Any) -> Iterator[bytes]:
        """An N-Triples or N-Quads export streamed line by line, in bounded memory."""
        from .export import export_lines

        return export_lines(self.store, fmt, **options)

    def export_to(self, target: Path | str, fmt: str | None = None, **options: Any) -> list[Path]:
        """Export into the file ``target`` atomically (format from ``fmt`` or the extension)."""
        from .export import export_to

        return export_to(self.store, fmt, target, **options)

    def visualise(self, target: Path | str, **options: Any) -> Any:
        """Draw the graph (or part of it) to an HTML, SVG, PNG or DOT file."""
        from pathlib import Path

        from .viz import visualise

        return visualise(self.store, Path(target), **options)

    @property
    def is_default(self) -> bool:
        """Whether this is the default store (the bundled graph and the user's own files)."""
        return self._spec is None or self._spec == ""

    def load(self, files: Sequence[Path | str], **options: Any) -> Any:
        """Add RDF files to the store, each as its own named graph (replacing a previous load).

        On the default store the files join the bundled graph as the user's own data, kept in
        ``KGRAPH_DATA_DIR`` and reconciled with the graph (:mod:`kgraph.overlay`).
        """
        from pathlib import Path

        paths = [Path(f) for f in files]
        if self.is_default:
            from .overlay import add

            self.close()
            return add(paths, **options)
        from .loading import load

        return load(self.store, paths, **options)

    def ingest(self, files: Sequence[Path | str], **options: Any) -> Any:
        """Read articles (text or HTML) into candidate facts; add the accepted ones, each
        article as its own source graph (``dry_run=True`` only reads).

        On the default store the accepted facts join the user's own data, like a loaded file
        (:mod:`kgraph.ingest.default`)."""
        if self.is_default and not options.get("dry_run"):
            from .ingest.default import ingest_default

            self.close()
            return ingest_default(files, **options)
        from .ingest import ingest

        return ingest(self.store, files, **options)

    def import_imdb(self, directory: Path | str, **options: Any) -> Any:
        """Import IMDb's dataset files of ``directory`` as one source (replacing a previous one)."""
        from .imdb import import_imdb

        return import_imdb(self.store, directory, **options)

    def unload(self, source: str) -> Any:
        """Remove a loaded source's named graph (on the default store: one of the user's files)."""
        if self.is_default:
            from .overlay import remove

            self.close()
            return remove(source)
        from .loading import unload

        return unload(self.store, source)

    def sources(self) -> list[dict[str, Any]]:
        """Every source: the bundled ones and the loaded files, each with its ``origin``."""
        from .overlay import sources

        return sources(self.store, default=self.is_default)

    def articles(self) -> list[Any]:
        """Every source with its article metadata (code, outlet, title, date, facts …)."""
        from .sources import articles

        return articles(self.store)

    def names(self) -> list[tuple[str, str]]:
        """Every name a user may type for an entity, casefolded, with its preferred label:
        ``(alias, label)`` pairs, sorted (what the interactive prompt completes)."""
        rows = self.store.select(
            """SELECT DISTINCT ?alias ?label WHERE {
                 ?e skos:prefLabel ?label . { ?e skos:prefLabel ?alias } UNION { ?e skos:altLabel ?alias }
                 ?e a ?c .
                 FILTER (?c NOT IN (kg:Performance, kg:Credit, kg:Claim, kg:Disagreement, kg:Source,
                                    kg:Award, kg:Nomination, kg:Collaboration, kg:Release, kg:Screening,
                                    kg:Relationship, kg:Role)) }"""
        )
        return sorted({(r["alias"].value.casefold(), r["label"].value) for r in rows})

    def reconcile(self, accept: Sequence[str] = (), reject: Sequence[str] = ()) -> Any:
        """The unsure matches of the user's files; ``accept``/``reject`` decide some of them."""
        from .overlay import decide

        self.close()
        return decide(accept, reject)

    # -- the graph itself -----------------------------------------------------------------

    def stats(self) -> Stats:
        """Entities per class, facts per source and totals."""
        s = self.store
        classes = {
            r["label"].value: int(r["n"].value)
            for r in s.select(
                """SELECT ?label (COUNT(DISTINCT ?e) AS ?n) WHERE {
                     GRAPH ?g { ?e a ?c } FILTER (?g != kgg:ontology)
                     OPTIONAL { GRAPH kgg:ontology { ?c rdfs:label ?l } }
                     BIND (COALESCE(STR(?l), REPLACE(STR(?c), "^.*[#/]", "")) AS ?label)
                   } GROUP BY ?label ORDER BY DESC(?n) ?label"""
            )
        }
        graphs = {
            r["g"].value: int(r["n"].value)
            for r in s.select(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
            )
        }
        sources = [
            (
                r["src"].value,
                r["label"].value if "label" in r else r["src"].value,
                graphs.get(r["src"].value, 0),
            )
            for r in s.select(
                """SELECT ?src (SAMPLE(?l) AS ?label) WHERE { ?src a kg:Source OPTIONAL { ?src skos:prefLabel ?l } }
                   GROUP BY ?src ORDER BY ?src"""
            )
        ]
        special = {ONTOLOGY_GRAPH, CURATION_GRAPH, INFERRED_GRAPH}
        facts = sum(n for g, n in graphs.items() if g not in special)
        from .sources import stated_counts

        stated = stated_counts(s, [iri for iri, _, _ in sources])
        return Stats(classes, sources, facts, sum(graphs.values()), graphs, stated)

    def conflicts(self) -> list[Disagreement]:
        """Every recorded disagreement between sources, with the sources on each side."""
        s = self.store
        rows = s.select(
            """SELECT ?d ?topic ?kind ?note WHERE {
                 ?d a kg:Disagreement ; kg:topic ?topic ; kg:kind ?kind .
                 OPTIONAL { ?d kg:note ?note } } ORDER BY ?topic ?d"""
        )
        out = []
        for r in rows:
            d = r["d"]
            about = [
                (a["x"].value, a["label"].value)
                for a in s.select(
                    "SELECT ?x ?label WHERE { ?d kg:about ?x . ?x skos:prefLabel ?label } ORDER BY ?label",
                    {"d": d},
                )
            ]
            claims = []
            for c in s.select(
                "SELECT ?c ?st WHERE { ?d kg:claim ?c . ?c kg:statement ?st } ORDER BY ?c", {"d": d}
            ):
                srcs = [
                    (x["src"].value, x["label"].value if "label" in x else x["src"].value)
                    for x in s.select(
                        """SELECT ?src ?label WHERE { ?c kg:claimedBy ?src
                           OPTIONAL { ?src skos:prefLabel ?label } } ORDER BY ?src""",
                        {"c": c["c"]},
                    )
                ]
                claims.append(ClaimSide(c["st"].value, srcs))
            out.append(
                Disagreement(
                    d.value,
                    r["topic"].value,
                    r["kind"].value,
                    about,
                    r["note"].value if "note" in r else None,
                    claims,
                )
            )
        return out

    def validate(self) -> Any:
        """Check the graph against the SHACL shapes and the ontology's rules."""
        from .validation import validate

        return validate(self.store)
