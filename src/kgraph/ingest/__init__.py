"""Grow the graph from new articles: read, find candidate facts, decide, write.

:func:`ingest` reads each file (:mod:`.reading`), finds its names and links them to the store's
entities (:mod:`.mentions`), reads candidate facts with evidence and confidence (:mod:`.facts`),
lets a caller decide which to keep (a review callback, a threshold, or none for a dry run) and
writes the accepted ones as the article's own named source graph (:mod:`.writing`).

Everything is read before anything is written, and a failure while writing puts back every
graph the run had touched: a failed ingest leaves the store as it was. Ingesting the same file
again with the same decisions leaves the store unchanged.

>>> from kgraph.store import OxigraphStore
>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "casting.txt"
>>> _ = f.write_text("The thriller Night Ferry, directed by Han Mi-rae, stars Seo Ji-an as Captain Rho.")
>>> report = ingest(OxigraphStore(), [f])
>>> sorted(c.relation for c in report.files[0].facts)
['director', 'genre', 'plays']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StoreError, UsageError
from ..store import Store
from .facts import DEFAULT_THRESHOLD, RELATIONS, Candidate
from .mentions import _val
from .reading import Article

Decide = Callable[["FileResult"], None]
DATED = ("release", "premiere", "partner")  # relations whose value is a date (or a year)


def _dated(text: str, reference: str | None) -> str:
    """A date as the graph writes it (``YYYY-MM-DD`` or ``YYYY``) from a person's typing.

    >>> _dated("13 October 2023", None), _dated("2024", None), _dated("Oct 2", "2023-08-21")
    ('2023-10-13', '2024', '2023-10-02')
    """
    import re

    from .reading import parse_date

    if re.fullmatch(r"(?:19|20)\d\d", text):
        return text
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        from datetime import date

        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    else:
        found = parse_date(text, reference)
        if found is not None:
            return found[0]
    raise UsageError(f"{text!r} is not a date: give YYYY-MM-DD, a year, or e.g. 13 October 2023")


@dataclass
class FileResult:
    """One article read: its candidates, what was decided and what was written."""

    article: Article
    source: str
    facts: list[Candidate]
    relabel: Callable[[Any, str], Any] | None = None  # an entity renamed in review, relinked
    recheck: Callable[[Candidate], None] | None = None  # the conflict check, for an edited fact
    written: int = 0  # quads written
    replaced: bool = False  # an earlier ingest of this file was replaced
    unchanged: bool = False  # the store already held exactly this
    quads: list[Any] = field(default_factory=list, repr=False)  # the source graph as written

    @property
    def accepted(self) -> list[Candidate]:
        return [c for c in self.facts if c.decision == "accept"]

    def edit(self, c: Candidate, which: str, new: str) -> None:
        """A person's correction of candidate ``c`` (review's edit): ``which`` is ``subject``,
        ``object`` or ``work`` (renamed, and looked up again in the store) or ``value``.

        A date's value may be written ``YYYY-MM-DD``, ``YYYY`` or as the article would
        ("13 October 2023", a day without a year taking the article's year); anything else is
        a :class:`~kgraph.errors.UsageError` and changes nothing. The edited fact is checked
        against the store's sources again, so ``conflicts_with`` and the disagreement written
        with it are the edited fact's.
        """
        fields = [n for n in ("subject", "object", "work") if getattr(c, n) is not None]
        if c.value is not None:
            fields.append("value")
        if which not in fields:
            raise UsageError(f"{which!r}: this fact has {', '.join(fields)}")
        new = new.strip()
        if not new:
            raise UsageError(f"give the new {which}")
        if which == "value":
            c.value = _dated(new, self.article.date) if c.relation in DATED else new
            if c.relation in ("award", "nomination"):
                c.detail["category"] = new
        elif self.relabel is not None:
            setattr(c, which, self.relabel(getattr(c, which), new))
        c.confidence = 1.0  # a person said so
        if self.recheck is not None:
            self.recheck(c)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.article.path),
            "sentences": len(self.article.sentences),
            "facts": [c.to_json() for c in self.facts],
            "source": self.source,
            "date": self.article.date,
            "written": self.written,
            "unchanged": self.unchanged,
        }


@dataclass
class IngestReport:
    store: str
    files: list[FileResult] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    added: Any = None  # on the default store: the overlay's report of the files added


#: the packages of the ``ingest`` extra (pyproject.toml), by the module each is imported as
EXTRA = {"spacy": "spaCy", "dateparser": "dateparser", "inscriptis": "inscriptis"}


def _require_extra() -> None:
    """Refuse in one line, before reading anything, when the ``ingest`` extra is not installed
    (``pip install kgraph`` alone leaves it out: spaCy is large and only ingest needs it)."""
    from importlib.util import find_spec

    missing = [name for module, name in EXTRA.items() if find_spec(module) is None]
    if missing:
        raise UsageError(
            f"kgraph ingest needs {', '.join(missing)}, not installed here: "
            "pip install 'kgraph[ingest]' (from a checkout: pip install -e \".[ingest]\")"
        )


def ingest(
    store: Store,
    files: Sequence[Path | str],
    *,
    source_name: str | None = None,
    date: str | None = None,
    outlet: str | None = None,
    accept_above: float | None = None,
    dry_run: bool = False,
    decide: Decide | None = None,
) -> IngestReport:
    """Read ``files`` and add the facts accepted from each as its own source graph.

    Without ``decide``, facts with a confidence of at least ``accept_above`` (default
    :data:`~kgraph.ingest.facts.DEFAULT_THRESHOLD`) are accepted; ``decide`` (the review)
    sets ``decision`` on each candidate itself. ``dry_run`` reads and links only.
    """
    from .. import linking
    from ..build import materialise
    from .facts import read_article_facts
    from .reading import read_article
    from .writing import build_graph, find_conflicts, graph_quads, same_content, source_iri

    t0 = time.perf_counter()
    _require_extra()
    paths = [Path(f) for f in files]
    if not paths:
        raise UsageError("nothing to ingest: give one or more article files (.txt, .html)")
    if accept_above is not None and not 0.0 <= accept_above <= 1.0:
        raise UsageError(f"--accept-above {accept_above}: give a confidence between 0 and 1")
    if source_name is not None and len(paths) > 1:
        raise UsageError("--source-name names one article: give one file with it")
    if not dry_run and not store.writable:
        raise StoreError(f"the store at {store.location} is open read-only")
    threshold = DEFAULT_THRESHOLD if accept_above is None else accept_above
    articles = [read_article(p, article_date=date) for p in paths]  # every file readable first
    if not dry_run:
        from ..loading import ensure_ontology

        ensure_ontology(store)
    report = IngestReport(store.location, dry_run=dry_run)
    backups: dict[str, list[Any]] = {}
    try:
        for art in articles:
            source = source_iri(art)
            previous = graph_quads(store, source)
            owned = _owned(store, source) if previous else set()
            reader = read_article_facts(art, store, owned=owned)
            for c in reader.candidates:
                find_conflicts(store, c, source)
            result = FileResult(
                art, source, reader.candidates, _relabeller(store), _rechecker(store, source)
            )
            if decide is not None:
                decide(result)
            elif not dry_run:
                for c in result.facts:
                    c.decision = "accept" if c.confidence >= threshold else "reject"
            report.files.append(result)
            if dry_run:
                continue
            quads = build_graph(store, art, result.accepted, label=source_name, outlet=outlet)
            result.quads = quads
            if previous and same_content(store, previous, quads):
                result.unchanged = True
                continue
            backups.setdefault(source, previous)
            _replace(store, source, quads)
            result.written = len(quads)
            result.replaced = bool(previous)
            materialise(store)  # the next article sees this one's characters in their works
            store.refresh_merged()  # the default graph is the merge of the named graphs
            linking.forget(store)
    except BaseException:
        _restore(store, backups)
        linking.forget(store)
        raise
    report.seconds = time.perf_counter() - t0
    return report


def _relabeller(store: Store) -> Callable[[Any, str], Any]:
    """Rename an entity of a candidate (review's edit): the store's entity of that name and
    kind when there is one, else a new entity."""
    from .mentions import Entity, iri_for, resolve_group

    def relabel(entity: Entity, label: str) -> Entity:
        found = resolve_group(store, entity.kind, [label])
        if found:
            return Entity(entity.key, entity.kind, found[1], found[0], False, [label])
        return Entity(entity.key, entity.kind, label, iri_for(entity.kind, label), True, [label])

    return relabel


def _rechecker(store: Store, source: str) -> Callable[[Candidate], None]:
    from .writing import find_conflicts

    def recheck(c: Candidate) -> None:
        find_conflicts(store, c, source)

    return recheck


def _owned(store: Store, source: str) -> set[str]:
    """Entities whose preferred label only this source's graph gives (its own new entities)."""
    import pyoxigraph as ox

    rows = store.select(
        """SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e skos:prefLabel ?l }
             FILTER NOT EXISTS { GRAPH ?h { ?e skos:prefLabel ?l2 } FILTER (?h != ?g) } }""",
        {"g": ox.NamedNode(source)},
    )
    return {_val(r["e"]) for r in rows}


def _drop(store: Store, graphs: list[str]) -> None:
    # the graph names are kgraph's own IRIs (the file name percent-encoded), never user text
    store.update(";\n".join(f"DROP SILENT GRAPH <{g}>" for g in sorted(set(graphs))))


def _replace(store: Store, graph: str, quads: list[Any]) -> None:
    from ..terms import INFERRED_GRAPH

    _drop(store, [graph, INFERRED_GRAPH])
    store.insert(quads)


def _restore(store: Store, backups: dict[str, list[Any]]) -> None:
    """Put back every graph the run replaced, as it was, and the inferred graph with it."""
    from ..build import materialise
    from ..terms import INFERRED_GRAPH

    if not backups:
        return
    _drop(store, [*backups, INFERRED_GRAPH])
    for quads in backups.values():
        if quads:
            store.insert(quads)
    materialise(store)
    store.refresh_merged()


__all__ = ["DEFAULT_THRESHOLD", "RELATIONS", "Candidate", "FileResult", "IngestReport", "ingest"]
