"""One entity per real thing: linking the entities of a loaded file to those already in the graph.

An entity of the user's file (a person, a work, an organisation) that names no IRI the graph
already uses is compared with the graph's entities of the same kind:

- the **same external identifier** (a Wikidata item, an IMDb id, an ``owl:sameAs``/``schema:sameAs``
  link; the ``kg:imdbId`` of an IMDb import) is the same thing; two *different* Wikidata
  items, or IMDb ids, are never the same thing;
- a **matching name** by the shared matcher (:mod:`kgraph.linking`: exact, normalised or
  romanised, never fuzzy alone) that also **agrees on a fact** (a shared work for a person,
  a shared cast or crew member or the same year for a work) and has no rival is the same thing;
- anything less (a name alone, a fuzzy name, several candidates) is *unsure*: it is listed by
  ``kgraph reconcile`` for the user to accept or reject, and never merged silently.

Merging rewrites the file's IRI to the graph's inside the file's own graphs and records
``<graph's IRI> owl:sameAs <file's IRI>`` there, so the entity answers as one, every fact stays
cited by the source that states it, and unloading the file takes the link away with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .store import Store
from .terms import INFERRED_GRAPH, KG_NS

OWL_SAME = "http://www.w3.org/2002/07/owl#sameAs"
KINDS = {  # kind -> the classes (after alignment) whose entities are reconciled
    "Person": ("Person",),
    "Work": ("Film", "TVSeries", "Play", "Work"),
    "Organization": ("Organization", "StreamingService", "Broadcaster", "NewsOutlet"),
}
_ID_PREDICATES = (
    OWL_SAME,
    "https://schema.org/sameAs",
    "http://schema.org/sameAs",
    "https://schema.org/identifier",
    "http://schema.org/identifier",
    "http://www.wikidata.org/prop/direct/P345",  # IMDb ID
    "http://www.wikidata.org/prop/direct/P646",  # Freebase ID
    KG_NS + "wikidata",
    KG_NS + "imdb",
    KG_NS + "imdbId",  # what `kgraph import-imdb` gives every title and person
)
_WD_RE = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q\d+)$")
_IMDB_RE = re.compile(r"(?:^|imdb\.com/(?:name|title)/)((?:nm|tt)\d{5,})/?$")


def external_id(value: str) -> str | None:
    """A normalised external identifier (``wd:Q…``, ``imdb:nm…``) from an IRI or a literal.

    >>> external_id("http://www.wikidata.org/entity/Q123"), external_id("https://www.imdb.com/name/nm0001/")
    ('wd:Q123', None)
    >>> external_id("https://www.imdb.com/name/nm1234567/"), external_id("tt0111161")
    ('imdb:nm1234567', 'imdb:tt0111161')
    """
    m = _WD_RE.match(value.strip())
    if m:
        return "wd:" + m.group(1)
    m = _IMDB_RE.search(value.strip())
    if m:
        return "imdb:" + m.group(1)
    return None


@dataclass
class Outcome:
    """What reconciliation did: entities merged, and unsure matches left for the user."""

    merged: list[dict[str, str]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)


def file_graphs(store: Store, name: str) -> list[str]:
    """The graphs a loaded file wrote (its own and those it holds)."""
    from .loading import _record_parts, source_iri

    return _record_parts(store, source_iri(name))


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ " + " ".join(f"<{i}>" for i in iris) + " }"


def _local_entities(store: Store, graphs: Sequence[str]) -> list[tuple[str, str, str]]:
    """(iri, kind, label) of the entities the file's graphs describe and no other graph does."""
    classes = " ".join(f"kg:{c}" for cs in KINDS.values() for c in cs)
    rows = store.select(
        f"""SELECT DISTINCT ?x ?c ?label WHERE {{
              {_values("g", graphs)} VALUES ?c {{ {classes} }}
              GRAPH ?g {{ ?x a ?c ; skos:prefLabel ?label }} FILTER isIRI(?x)
              FILTER NOT EXISTS {{ GRAPH ?h {{ ?x ?p ?o }}
                                  FILTER (?h NOT IN ({", ".join(f"<{g}>" for g in graphs)}, kgg:inferred)) }}
            }} ORDER BY ?x"""
    )
    kind_of = {KG_NS + c: k for k, cs in KINDS.items() for c in cs}
    best: dict[str, tuple[str, str, str]] = {}
    for r in rows:
        x, kind = r["x"].value, kind_of[r["c"].value]
        if x not in best or kind == "Person":
            best[x] = (x, kind, r["label"].value)
    # works first: a person's evidence (shared works) is then in the graph's own IRIs
    return sorted(best.values(), key=lambda e: (e[1] != "Work", e[0]))


def _ids(store: Store, iri: str, graphs: Sequence[str] | None) -> set[str]:
    where = f"{_values('g', graphs)} GRAPH ?g {{ ?x ?p ?v }}" if graphs else "?x ?p ?v"
    rows = store.select(
        f"SELECT DISTINCT ?v WHERE {{ {_values('p', _ID_PREDICATES)} {where} }}",
        {"x": ox.NamedNode(iri)},
    )
    out = {i for r in rows if (i := external_id(r["v"].value))}
    own = external_id(iri)
    if own:
        out.add(own)
    return out


def _related(store: Store, iri: str, kind: str, graphs: Sequence[str] | None) -> dict[str, str]:
    """What a person worked on, or who worked on a work: IRIs and normalised labels, each to
    the preferred label to show."""
    from .linking import normalise

    if kind == "Person":
        pattern = "?x kg:workedOn ?y"
    elif kind == "Work":
        pattern = "{ ?y kg:workedOn ?x } UNION { ?x kg:castMember|kg:crewMember ?y }"
    else:
        return {}
    scope = f"{_values('g', graphs)} GRAPH ?g {{ {pattern} }}" if graphs else pattern
    rows = store.select(
        f"""SELECT DISTINCT ?y ?l ?pref WHERE {{ {scope}
              OPTIONAL {{ ?y skos:prefLabel|skos:altLabel|rdfs:label ?l }}
              OPTIONAL {{ ?y skos:prefLabel ?pref }} }}""",
        {"x": ox.NamedNode(iri)},
    )
    out: dict[str, str] = {}
    for r in rows:
        shown = r["pref"].value if "pref" in r else r["y"].value
        out[r["y"].value] = shown
        if "l" in r:
            out["label:" + normalise(r["l"].value)] = shown
    return out


def _year(store: Store, iri: str) -> set[str]:
    rows = store.select("SELECT DISTINCT ?y WHERE { ?x kg:year ?y }", {"x": ox.NamedNode(iri)})
    return {r["y"].value[:4] for r in rows}


def _sources(store: Store, iri: str) -> int:
    rows = store.select(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?x ?p ?o } }",
        {"x": ox.NamedNode(iri)},
    )
    return int(rows[0]["n"].value) if rows else 0


def _outside(store: Store, iri: str, graphs: Sequence[str]) -> bool:
    """Whether ``iri`` is described by some graph other than ``graphs`` (the graph's own entity)."""
    return store.ask(
        f"""ASK {{ GRAPH ?h {{ ?x ?p ?o }}
                  FILTER (?h NOT IN ({", ".join(f"<{g}>" for g in graphs)}, kgg:inferred, kgg:ontology)) }}""",
        {"x": ox.NamedNode(iri)},
    )


def candidates(
    store: Store, iri: str, kind: str, label: str, graphs: Sequence[str]
) -> list[dict[str, Any]]:
    """The graph's entities that ``iri`` (described by ``graphs``) may be, with the evidence."""
    from .linking import search

    mine_ids = _ids(store, iri, graphs)
    mine_rel = _related(store, iri, kind, graphs)
    mine_year = _year(store, iri) if kind == "Work" else set()
    found: dict[str, dict[str, Any]] = {}
    for m in search(store, label, types=[kind], limit=8):
        if m.iri == iri or not _outside(store, m.iri, graphs):
            continue
        found[m.iri] = {"iri": m.iri, "label": m.label, "stage": m.stage, "score": m.score}
    if mine_ids:  # an external id the graph already holds (linked by an earlier file)
        rows = store.select(
            f"""SELECT DISTINCT ?y ?l WHERE {{ {_values("p", _ID_PREDICATES)} ?y ?p ?v
                  FILTER (STR(?v) IN ({", ".join(_id_strings(mine_ids))}))
                  OPTIONAL {{ ?y skos:prefLabel ?l }} }}"""
        )
        for r in rows:
            y = r["y"].value
            if y != iri and isinstance(r["y"], ox.NamedNode) and _outside(store, y, graphs):
                found.setdefault(
                    y,
                    {"iri": y, "label": r["l"].value if "l" in r else y, "stage": "id", "score": 0},
                )
    out = []
    for c in found.values():
        theirs = _ids(store, c["iri"], None)
        if any(
            (mine := {i for i in mine_ids if i.startswith(k)})
            and (other := {i for i in theirs if i.startswith(k)})
            and not mine & other
            for k in ("wd:", "imdb:nm", "imdb:tt")
        ):
            continue  # two different Wikidata items or IMDb ids: two things
        evidence = [f"same identifier {i}" for i in sorted(mine_ids & theirs)]
        theirs_rel = _related(store, c["iri"], kind, None)
        shared = sorted({theirs_rel[k] for k in mine_rel.keys() & theirs_rel.keys()})
        if shared:
            what = "work" if kind == "Person" else "people"
            evidence.append(f"shared {what}: {', '.join(shared)}")
        if mine_year and mine_year & _year(store, c["iri"]):
            evidence.append(f"same year {min(mine_year & _year(store, c['iri']))}")
        c["evidence"] = evidence
        c["id"] = bool(mine_ids & theirs)
        c["sources"] = _sources(store, c["iri"])
        out.append(c)
    # identifiers first, then agreeing facts, the name's closeness, the best-attested entity
    out.sort(key=lambda c: (not c["id"], -len(c["evidence"]), -c["score"], -c["sources"], c["iri"]))
    return out


def _id_strings(ids: Iterable[str]) -> list[str]:
    out = []
    for i in ids:
        kind, _, local = i.partition(":")
        if kind == "wd":
            out += [
                f'"http://www.wikidata.org/entity/{local}"',
                f'"https://www.wikidata.org/wiki/{local}"',
            ]
        else:
            out += [
                f'"{local}"',
                f'"https://www.imdb.com/{"name" if local.startswith("nm") else "title"}/{local}/"',
            ]
    return out


def merge(store: Store, local: str, target: str, graphs: Sequence[str]) -> None:
    """Rewrite ``local`` to ``target`` inside ``graphs`` and link them with ``owl:sameAs``."""
    b = {"x": ox.NamedNode(local), "t": ox.NamedNode(target)}
    vg = _values("g", graphs)
    vals = f"VALUES (?x ?t) {{ ({b['x']} {b['t']}) }}"
    store.update(
        f"""DELETE {{ GRAPH ?g {{ ?x ?p ?o }} }} INSERT {{ GRAPH ?g {{ ?t ?p ?o }} }}
            WHERE {{ {vg} {vals} GRAPH ?g {{ ?x ?p ?o }} }}"""
    )
    store.update(
        f"""DELETE {{ GRAPH ?g {{ ?s ?p ?x }} }} INSERT {{ GRAPH ?g {{ ?s ?p ?t }} }}
            WHERE {{ {vg} {vals} GRAPH ?g {{ ?s ?p ?x }} }}"""
    )
    # one preferred label per entity: the graph's; the file's names become alternatives
    store.update(
        f"""DELETE {{ GRAPH ?g {{ ?t skos:prefLabel ?l }} }}
            INSERT {{ GRAPH ?g {{ ?t skos:altLabel ?l }} }}
            WHERE {{ {vg} {vals} GRAPH ?g {{ ?t skos:prefLabel ?l }}
                     FILTER EXISTS {{ GRAPH ?h {{ ?t skos:prefLabel ?other }}
                                      FILTER (?h NOT IN ({", ".join(f"<{g}>" for g in graphs)})) }} }}"""
    )
    store.update(
        f"""DELETE {{ GRAPH ?g {{ ?t skos:altLabel ?l }} }}
            WHERE {{ {vg} {vals} GRAPH ?g {{ ?t skos:altLabel ?l }}
                     FILTER EXISTS {{ GRAPH ?h {{ ?t skos:prefLabel ?l2 }} FILTER (STR(?l2) = STR(?l)) }} }}"""
    )
    store.update(f"INSERT DATA {{ GRAPH <{graphs[0]}> {{ <{target}> <{OWL_SAME}> <{local}> }} }}")


def reconcile(
    store: Store,
    names: Sequence[str],
    decisions: Sequence[dict[str, str]] = (),
) -> Outcome:
    """Reconcile the loaded files ``names`` with the rest of ``store`` (see the module's rules).

    ``decisions`` are the user's answers to earlier unsure matches (``{"file", "local",
    "target", "decision": "accept"|"reject"}``); accepted ones are merged, rejected ones never
    proposed again.
    """
    from .build import materialise
    from .linking import forget

    out = Outcome()
    accepted = {
        (d["file"], d["local"]): d["target"] for d in decisions if d.get("decision") == "accept"
    }
    rejected = {
        (d["file"], d["local"], d["target"]) for d in decisions if d.get("decision") == "reject"
    }
    changed = stale = False
    for name in names:
        graphs = file_graphs(store, name)
        if not graphs:
            continue
        for iri, kind, label in _local_entities(store, graphs):
            if stale:  # the merged default graph follows the rewrites before the next search
                store.refresh_merged()
                stale = False
            forget(store)
            target = accepted.get((name, iri))
            reason = "accepted by you"
            if target is None:
                cands = [
                    c
                    for c in candidates(store, iri, kind, label, graphs)
                    if (name, iri, c["iri"]) not in rejected
                ]
                if not cands:
                    continue
                top = cands[0]
                sure_name = [c for c in cands if c["stage"] in ("exact", "normalised", "romanised")]
                agreeing = [c for c in sure_name if c["evidence"]]
                if top["id"]:
                    target, reason = top["iri"], "; ".join(top["evidence"])
                elif len(agreeing) == 1 and len(sure_name) == 1:
                    target, reason = agreeing[0]["iri"], "; ".join(agreeing[0]["evidence"])
                else:
                    why = (
                        "several entities match"
                        if len(sure_name) > 1
                        else "the name matches but no fact agrees"
                        if sure_name
                        else "the name is only similar"
                    )
                    out.pending.append(
                        {
                            "file": name,
                            "local": iri,
                            "label": label,
                            "type": kind,
                            "reason": why,
                            "candidates": [
                                {
                                    "iri": c["iri"],
                                    "label": c["label"],
                                    "match": c["stage"],
                                    "evidence": c["evidence"],
                                }
                                for c in cands[:5]
                            ],
                        }
                    )
                    continue
            if not changed:
                store.clear_merged()  # queries during the merges read the named graphs
            merge(store, iri, target, graphs)
            changed = stale = True
            out.merged.append(
                {"file": name, "local": iri, "label": label, "target": target, "reason": reason}
            )
    if changed:
        store.update(f"DROP SILENT GRAPH <{INFERRED_GRAPH}>")
        materialise(store)
        store.refresh_merged()  # the merged default graph follows the rewritten graphs
        forget(store)
    return out


__all__ = ["Outcome", "candidates", "external_id", "file_graphs", "merge", "reconcile"]
