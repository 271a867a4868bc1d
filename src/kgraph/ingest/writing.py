"""Accepted facts into the store: one named source graph per article, with its PROV record.

The graph ``https://kgraph.dev/id/source/article/<file name>`` holds the article's record
(``a kg:Source, prov:Entity``: file name, SHA-256 of its bytes, outlet, date, the time it was
read) and the facts accepted from it, written the way the curated sources write theirs:
performances, credits, releases, screenings, award outcomes and relationships as nodes, with
IRIs made like the curated ones and reused where the store already has the same node. A new
entity gets its class and preferred label there too; every spelling the article used becomes an
alternative label. Nothing of the article's text is written.

A fact that contradicts another source (another character for the same actor in the same work,
another director, another date) is written as this source's claim, and a ``kg:Disagreement``
with both sides' claims goes into the same graph, so ``kgraph conflicts`` lists it.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from ..store import Store
from ..terms import ID_NS, KG_NS
from .facts import Candidate
from .mentions import Entity, _val, slug
from .reading import Article

ARTICLE_NS = ID_NS + "source/article/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
GENERATED_AT = PROV + "generatedAtTime"
ROLES = {
    "director": "director",
    "writer": "screenwriter",
    "music": "music-director",
    "producer": "producer",
    "cinematographer": "cinematographer",
    "editor": "editor",
}
# what the build derives inside a source graph (never compared when re-ingesting)
DERIVED = {
    KG_NS + p
    for p in (
        "castMember",
        "actedIn",
        "workedOn",
        "participant",
        "appearsIn",
        "director",
        "screenwriter",
        "musicBy",
        "author",
        "crewMember",
        "awardReceived",
        "nominatedFor",
        "unmarriedPartner",
    )
}


def source_iri(article: Article) -> str:
    """The IRI (and graph name) of the source an article is ingested as, from its file name.

    >>> from pathlib import Path
    >>> source_iri(Article(Path("news/Casting day.txt"), "x", "0", "text"))
    'https://kgraph.dev/id/source/article/Casting%20day.txt'
    """
    return ARTICLE_NS + urllib.parse.quote(article.name, safe="")


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def K(local: str) -> ox.NamedNode:
    return ox.NamedNode(KG_NS + local)


def _lit(value: str, lang: str | None = None, dtype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if dtype:
        return ox.Literal(value, datatype=ox.NamedNode(dtype))
    return ox.Literal(value)


def _date(value: str) -> ox.Literal:
    return _lit(value, dtype=XSD + ("date" if len(value) == 10 else "gYear"))


@dataclass
class Written:
    source: str
    quads: int
    replaced: bool
    unchanged: bool
    conflicts: int


class Builder:
    """The quads of one article's source graph."""

    def __init__(self, store: Store, article: Article, source: str) -> None:
        self.store = store
        self.article = article
        self.source = source
        self.g = N(source)
        self.quads: list[ox.Quad] = []
        self.seen_entities: set[str] = set()

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(N(s), N(p), o, self.g))

    def entity(self, e: Entity) -> None:
        if e.iri in self.seen_entities:
            return
        self.seen_entities.add(e.iri)
        if e.new:
            self.add(e.iri, RDF_TYPE, K(e.kind if e.kind != "Unknown" else "Entity"))
            self.add(e.iri, SKOS + "prefLabel", _lit(e.label, "en"))
        words = len(e.label.split())
        for sp in e.spellings:
            # every spelling but a person's family or given name alone ("Jeon", "Park")
            if sp != e.label and (len(sp.split()) > 1 or words == 1 or e.kind != "Person"):
                self.add(e.iri, SKOS + "altLabel", _lit(sp, "en"))

    def record(self, *, label: str | None, outlet: str | None, now: str, accepted: int) -> None:
        a = self.article
        s = self.source
        self.add(s, RDF_TYPE, K("Source"))
        self.add(s, RDF_TYPE, N(PROV + "Entity"))
        self.add(s, SKOS + "prefLabel", _lit(label or a.name, "en"))
        self.add(s, KG_NS + "fileName", _lit(a.name))
        self.add(s, DCTERMS + "identifier", _lit("sha256:" + a.sha256))
        self.add(s, KG_NS + "language", _lit("en"))
        if a.date:
            self.add(s, KG_NS + "date", _date(a.date))
        if outlet:
            org = f"{ID_NS}org/{slug(outlet)}"
            self.add(s, KG_NS + "outlet", N(org))
            if not _labelled(self.store, org, self.source):
                self.add(org, RDF_TYPE, K("NewsOutlet"))
                self.add(org, SKOS + "prefLabel", _lit(outlet, "en"))
        self.add(s, GENERATED_AT, _lit(now, dtype=XSD + "dateTime"))
        self.add(
            s,
            KG_NS + "note",
            _lit(
                f"Read by kgraph ingest: {accepted} facts accepted; the text stays in the file.",
                "en",
            ),
        )

    # -- facts ------------------------------------------------------------------------------------

    def fact(self, c: Candidate) -> None:
        for e in (c.subject, c.object, c.work):
            if e is not None:
                self.entity(e)
        r = c.relation
        if r in ("cast", "earlier_work", "plays"):
            assert c.work is not None
            char = c.object.iri if (r == "plays" and c.object) else None
            perf = _existing_performance(
                self.store, c.subject.iri, c.work.iri, char, self.source
            ) or (
                f"{ID_NS}performance/{_local(c.work.iri)}--{_local(c.subject.iri)}"
                + (f"--{_local(char)}" if char else "")
            )
            self.add(perf, RDF_TYPE, K("Performance"))
            self.add(perf, KG_NS + "performer", N(c.subject.iri))
            self.add(perf, KG_NS + "inWork", N(c.work.iri))
            if char:
                self.add(perf, KG_NS + "character", N(char))
        elif r in ROLES:
            assert c.work is not None
            role = c.detail.get("role") or ROLES[r]
            credit = f"{ID_NS}credit/{_local(c.work.iri)}--{_local(c.subject.iri)}--{role}"
            self.add(credit, RDF_TYPE, K("Credit"))
            self.add(credit, KG_NS + "creditedPerson", N(c.subject.iri))
            self.add(credit, KG_NS + "role", N(f"{ID_NS}role/{role}"))
            self.add(credit, KG_NS + "inWork", N(c.work.iri))
        elif r == "release":
            platform = c.object.iri if c.object else None
            ev = _existing_release(self.store, c.subject.iri, platform, self.source) or (
                f"{ID_NS}event/{_local(c.subject.iri)}--"
                + (f"{_local(platform)}-release" if platform else "release")
            )
            self.add(ev, RDF_TYPE, K("Release"))
            self.add(ev, KG_NS + "releaseOf", N(c.subject.iri))
            if platform:
                self.add(ev, KG_NS + "platform", N(platform))
            if c.detail.get("region"):
                self.add(ev, KG_NS + "region", _lit(c.detail["region"]))
            if c.value:
                self.add(ev, KG_NS + ("date" if len(c.value) == 10 else "year"), _date(c.value))
        elif r == "premiere":
            assert c.object is not None
            ev = _existing_screening(self.store, c.subject.iri, c.object.iri, self.source) or (
                f"{ID_NS}event/{_local(c.subject.iri)}--{_local(c.object.iri)}-screening"
            )
            self.add(ev, RDF_TYPE, K("Screening"))
            self.add(ev, KG_NS + "screenedWork", N(c.subject.iri))
            self.add(ev, KG_NS + "atFestival", N(c.object.iri))
            self.add(ev, KG_NS + "isPremiere", _lit("true", dtype=XSD + "boolean"))
            if c.value:
                self.add(ev, KG_NS + "date", _date(c.value))
        elif r in ("award", "nomination"):
            cat = c.detail.get("category") or c.value or "award"
            cer = c.object.iri if c.object else None
            node = (
                f"{ID_NS}award/"
                + (f"{_local(cer)}--" if cer else "")
                + f"{slug(cat)}--{_local(c.subject.iri)}"
            )
            self.add(node, RDF_TYPE, K("Award" if r == "award" else "Nomination"))
            label = f"{cat}{' nomination' if r == 'nomination' else ''}"
            if c.object:
                label += f", {c.object.label}"
            self.add(node, SKOS + "prefLabel", _lit(f"{label} – {c.subject.label}", "en"))
            self.add(node, KG_NS + "category", _lit(cat))
            self.add(node, KG_NS + "recipient", N(c.subject.iri))
            if cer:
                self.add(node, KG_NS + "ceremony", N(cer))
                body = c.detail.get("body_iri")
                if body and c.object and c.object.new:
                    self.add(cer, KG_NS + "editionOf", N(body))
                year = c.detail.get("year")
                if year and c.object and c.object.new:
                    self.add(cer, KG_NS + "year", _date(year))
            if c.work:
                self.add(node, KG_NS + "forWork", N(c.work.iri))
        elif r == "partner":
            assert c.object is not None
            a, b = sorted([c.subject.iri, c.object.iri])
            rel = f"{ID_NS}rel/{_local(a)}--{_local(b)}"
            self.add(rel, RDF_TYPE, K("Relationship"))
            if not _labelled(self.store, rel, self.source):
                self.add(
                    rel,
                    SKOS + "prefLabel",
                    _lit(f"{c.subject.label} and {c.object.label} (couple)", "en"),
                )
            self.add(rel, KG_NS + "partner", N(a))
            self.add(rel, KG_NS + "partner", N(b))
            self.add(rel, KG_NS + "relationshipType", _lit("couple"))
            if c.value:
                self.add(rel, KG_NS + "startDate", _date(c.value))
        elif r == "genre":
            assert c.value is not None
            self.add(c.subject.iri, KG_NS + "genre", _lit(c.value))

    def disagreement(self, c: Candidate, index: int, claims: list[tuple[str, list[str]]]) -> None:
        """The contradiction between this fact and the other sources' ``claims``."""
        base = f"{ID_NS}disagreement/{slug(self.article.name)}--{index}"
        topic = _topic(c)
        self.add(base, RDF_TYPE, K("Disagreement"))
        self.add(base, SKOS + "prefLabel", _lit(topic[:1].upper() + topic[1:], "en"))
        self.add(base, KG_NS + "topic", _lit(topic))
        self.add(base, KG_NS + "kind", _lit("contradiction"))
        for e in (c.subject, c.work):
            if e is not None:
                self.add(base, KG_NS + "about", N(e.iri))
        self.add(
            base, KG_NS + "note", _lit("Found by kgraph ingest when the article was read.", "en")
        )
        mine = base + "--new"
        self.add(base, KG_NS + "claim", N(mine))
        self.add(mine, RDF_TYPE, K("Claim"))
        self.add(mine, KG_NS + "statement", _lit(c.statement() + ".", "en"))
        self.add(mine, KG_NS + "claimedBy", N(self.source))
        for i, (statement, sources) in enumerate(claims):
            other = f"{base}--other-{i + 1}"
            self.add(base, KG_NS + "claim", N(other))
            self.add(other, RDF_TYPE, K("Claim"))
            self.add(other, KG_NS + "statement", _lit(statement + ".", "en"))
            for s in sources:
                self.add(other, KG_NS + "claimedBy", N(s))


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _topic(c: Candidate) -> str:
    return {
        "plays": f"the character {c.subject.label} plays in {c.work.label if c.work else '?'}",
        "director": f"who directed {c.work.label if c.work else '?'}",
        "release": f"release date of {c.subject.label}",
        "premiere": f"premiere date of {c.subject.label}",
    }.get(c.relation, c.relation)


def _unrecorded(store: Store, c: Candidate, own: str) -> list[tuple[str, list[str]]]:
    """The other sides of ``c``'s contradictions, without the sources that already record the
    same disagreement with this source (an article ingested after this one found it): each
    disagreement is written once, by the later source, so reading this article again writes
    what the first reading wrote."""
    out = []
    topic = ox.Literal(_topic(c))
    for statement, sources in c.detail_claims:  # type: ignore[attr-defined]
        left = [
            s
            for s in sources
            if not store.ask(
                """ASK { GRAPH ?g { ?d a kg:Disagreement ; kg:topic ?t ; kg:claim ?x .
                     ?x kg:claimedBy ?own } FILTER (?g = ?other) }""",
                {"t": topic, "own": N(own), "other": N(s)},
            )
        ]
        if left:
            out.append((statement, left))
    return out


def _labelled(store: Store, iri: str, own: str) -> bool:
    """Whether another graph than ``own`` gives ``iri`` a preferred label."""
    return store.ask(
        "ASK { GRAPH ?g { ?e skos:prefLabel ?l } FILTER (?g != ?own) }",
        {"e": N(iri), "own": N(own)},
    )


_OTHER = "FILTER (?g != ?own)"


def _first(store: Store, pattern: str, bindings: dict[str, Any], own: str) -> str | None:
    rows = store.select(
        f"SELECT ?x WHERE {{ GRAPH ?g {{ {pattern} }} {_OTHER} }} ORDER BY ?x LIMIT 1",
        {**bindings, "own": N(own)},
    )
    return _val(rows[0]["x"]) if rows else None


def _existing_performance(
    store: Store, person: str, work: str, char: str | None, own: str
) -> str | None:
    """A performance another source records for this person in this work (and character)."""
    if char:
        return _first(
            store,
            "?x kg:performer ?p ; kg:inWork ?w ; kg:character ?c",
            {"p": N(person), "w": N(work), "c": N(char)},
            own,
        )
    return _first(store, "?x kg:performer ?p ; kg:inWork ?w", {"p": N(person), "w": N(work)}, own)


def _existing_release(store: Store, work: str, platform: str | None, own: str) -> str | None:
    if platform:
        return _first(
            store, "?x kg:releaseOf ?w ; kg:platform ?o", {"w": N(work), "o": N(platform)}, own
        )
    return _first(store, "?x kg:releaseOf ?w", {"w": N(work)}, own)


def _existing_screening(store: Store, work: str, festival: str, own: str) -> str | None:
    return _first(
        store, "?x kg:screenedWork ?w ; kg:atFestival ?f", {"w": N(work), "f": N(festival)}, own
    )


# -- contradictions ------------------------------------------------------------------------------


def _sources_only(store: Store, graphs: Iterable[str], own: str) -> list[str]:
    out = []
    for g in sorted(set(graphs)):
        if g == own:
            continue
        if store.ask("ASK { ?g a kg:Source }", {"g": N(g)}):
            out.append(g)
    return out


def _stated_by(store: Store, rows: Any, var: str, own: str) -> list[tuple[str, list[str]]]:
    """``(label of ?var, the other sources stating it)`` from rows of ``?g ?var ?label``."""
    by: dict[str, list[str]] = {}
    for r in rows:
        label = _val(r["label"]) if "label" in r else _local(_val(r[var]))
        by.setdefault(label, []).append(_val(r["g"]))
    return [(label, srcs) for label, gs in by.items() if (srcs := _sources_only(store, gs, own))]


def find_conflicts(store: Store, c: Candidate, own: str) -> None:
    """Fill ``c.conflicts_with``: the sources that state something this fact contradicts."""
    claims: list[tuple[str, list[str]]] = []
    if c.relation == "plays" and c.work and c.object:
        rows = store.select(
            """SELECT ?g ?c ?label WHERE { GRAPH ?g { ?x kg:performer ?p ; kg:inWork ?w ; kg:character ?c }
                 FILTER (?c != ?mine) OPTIONAL { ?c skos:prefLabel ?label } } ORDER BY ?c ?g""",
            {"p": N(c.subject.iri), "w": N(c.work.iri), "mine": N(c.object.iri)},
        )
        for label, srcs in _stated_by(store, rows, "c", own):
            claims.append((f"{c.subject.label} plays {label} in {c.work.label}", srcs))
    elif c.relation == "director" and c.work:
        same = store.ask("ASK { ?w kg:director ?p }", {"w": N(c.work.iri), "p": N(c.subject.iri)})
        if not same:
            rows = store.select(
                """SELECT ?g ?d ?label WHERE { GRAPH ?g { ?w kg:director ?d }
                     OPTIONAL { ?d skos:prefLabel ?label } } ORDER BY ?d ?g""",
                {"w": N(c.work.iri)},
            )
            for label, srcs in _stated_by(store, rows, "d", own):
                claims.append((f"{label} is the director of {c.work.label}", srcs))
    elif c.relation in ("release", "premiere") and c.value and len(c.value) == 10:
        if c.relation == "release":
            q = """SELECT ?g ?d WHERE { GRAPH ?g { ?x kg:releaseOf ?w ; kg:date ?d } } ORDER BY ?d ?g"""
            b: dict[str, Any] = {"w": N(c.subject.iri)}
        else:
            q = """SELECT ?g ?d WHERE { GRAPH ?g { ?x kg:screenedWork ?w ; kg:date ?d }
                   ?x kg:atFestival ?f } ORDER BY ?d ?g"""
            b = {"w": N(c.subject.iri), "f": N(c.object.iri) if c.object else N(ID_NS)}
        by: dict[str, list[str]] = {}
        for r in store.select(q, b):
            if _val(r["d"]) != c.value:
                by.setdefault(_val(r["d"]), []).append(_val(r["g"]))
        verb = "released" if c.relation == "release" else "premiered"
        for d, gs in by.items():
            srcs = _sources_only(store, gs, own)
            if srcs:
                claims.append((f"{c.subject.label} {verb} on {d}", srcs))
    c.conflicts_with = sorted({s for _, srcs in claims for s in srcs})
    c.detail_claims = claims  # type: ignore[attr-defined]


# -- the graph in the store ---------------------------------------------------------------------


def build_graph(
    store: Store,
    article: Article,
    accepted: list[Candidate],
    *,
    label: str | None,
    outlet: str | None,
    now: datetime | None = None,
) -> list[ox.Quad]:
    """The quads of an article's source graph (record, facts, disagreements), deduplicated."""
    source = source_iri(article)
    b = Builder(store, article, source)
    stamp = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    b.record(label=label, outlet=outlet, now=stamp, accepted=len(accepted))
    n = 0
    for c in accepted:
        b.fact(c)
        claims = _unrecorded(store, c, source) if c.conflicts_with else []
        if claims:
            n += 1
            b.disagreement(c, n, claims)
    return list(dict.fromkeys(b.quads))


def graph_quads(store: Store, graph: str) -> list[ox.Quad]:
    """Every quad of one named graph."""
    rows = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": N(graph)})
    return [ox.Quad(r["s"], r["p"], r["o"], N(graph)) for r in rows]  # type: ignore[arg-type]


def derived_predicates(store: Store) -> set[str]:
    """What the build derives inside a source graph: the fixed rules' properties and every
    role's shortcut property the ontology names."""
    rows = store.select("SELECT DISTINCT ?p WHERE { GRAPH kgg:ontology { ?r kg:shortcut ?p } }")
    return DERIVED | {_val(r["p"]) for r in rows}


def _comparable(quads: Iterable[ox.Quad], derived: set[str]) -> set[ox.Quad]:
    return {
        q for q in quads if q.predicate.value not in derived and q.predicate.value != GENERATED_AT
    }


def same_content(store: Store, old: list[ox.Quad], new: list[ox.Quad]) -> bool:
    """Whether a re-ingest would write what the store already holds (the time aside)."""
    derived = derived_predicates(store)
    return _comparable(old, derived) == _comparable(new, derived)


__all__ = [
    "ARTICLE_NS",
    "Written",
    "build_graph",
    "find_conflicts",
    "graph_quads",
    "same_content",
    "source_iri",
]
