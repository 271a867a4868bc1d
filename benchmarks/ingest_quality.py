"""How much of the curated graph `kgraph ingest` recovers from the five bundled articles.

The five articles of ``../shared/sources`` are ingested, as if new, into an empty store (the
ontology only), each fact accepted at the default threshold. Their facts are then compared,
article by article, with the curated facts that ``data/s00N.trig`` records for the same article.
An ingested entity counts as a curated one when one of its labels resolves to it in the curated
graph through the shared name matcher (:func:`kgraph.linking.resolve`); the ingested graph uses
its own IRIs, and nothing of the curated graph is visible while ingesting.

Facts compared, per article:

=============  ===========================================================================
relation       a fact is
=============  ===========================================================================
cast           (person, work): a performance, with or without a character
plays          (person, character, work)
director       (person, work), a credit with the director role
writer         (person, work), screenwriter or playwright
music          (person, work), music director
release        (work, day or year): a release, or the year the source gives a work
premiere       (work, festival): a festival screening
award          (recipient, category) of a ``kg:Award``
nomination     (recipient, category) of a ``kg:Nomination``
partner        (person, person)
genre          (work, genre) — reported, not part of the totals (the curators' genre words
               are their own reading)
=============  ===========================================================================

Run: ``python benchmarks/ingest_quality.py`` (prints the table the README shows).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"
HELD = (
    "cast",
    "plays",
    "director",
    "writer",
    "music",
    "release",
    "premiere",
    "award",
    "nomination",
    "partner",
)
ORDER = (*HELD, "genre")

FACT_QUERIES = {
    "cast": "SELECT DISTINCT ?a ?b WHERE { GRAPH ?g { ?x kg:performer ?a ; kg:inWork ?b } }",
    "plays": """SELECT DISTINCT ?a ?c ?b WHERE { GRAPH ?g { ?x kg:performer ?a ; kg:inWork ?b ;
                  kg:character ?c } }""",
    "director": """SELECT DISTINCT ?a ?b WHERE { GRAPH ?g { ?x kg:creditedPerson ?a ; kg:inWork ?b ;
                     kg:role <https://kgraph.dev/id/role/director> } }""",
    "writer": """SELECT DISTINCT ?a ?b WHERE { GRAPH ?g { ?x kg:creditedPerson ?a ; kg:inWork ?b ;
                   kg:role ?r } FILTER (?r IN (<https://kgraph.dev/id/role/screenwriter>,
                   <https://kgraph.dev/id/role/playwright>)) }""",
    "music": """SELECT DISTINCT ?a ?b WHERE { GRAPH ?g { ?x kg:creditedPerson ?a ; kg:inWork ?b ;
                  kg:role <https://kgraph.dev/id/role/music-director> } }""",
    # a release's day or year, and a work's year (a year given for a work is when it came out)
    "release": """SELECT DISTINCT ?a ?v WHERE { GRAPH ?g {
                    { ?x kg:releaseOf ?a . { ?x kg:date ?v } UNION { ?x kg:year ?v } }
                    UNION { ?a kg:year ?v FILTER (STRSTARTS(STR(?a), "https://kgraph.dev/id/work/")) } } }""",
    "premiere": """SELECT DISTINCT ?a ?b WHERE { GRAPH ?g { ?x kg:screenedWork ?a ; kg:atFestival ?f }
                     OPTIONAL { ?f kg:editionOf ?o } BIND (COALESCE(?o, ?f) AS ?b) }""",
    "award": """SELECT DISTINCT ?a ?v WHERE { GRAPH ?g { ?x kg:recipient ?a ; kg:category ?v }
                  ?x a kg:Award }""",
    "nomination": """SELECT DISTINCT ?a ?v WHERE { GRAPH ?g { ?x kg:recipient ?a ; kg:category ?v }
                       ?x a kg:Nomination }""",
    "partner": """SELECT DISTINCT ?a ?b WHERE { GRAPH ?g { ?x kg:partner ?a , ?b }
                    FILTER (STR(?a) < STR(?b)) }""",
    "genre": "SELECT DISTINCT ?a ?v WHERE { GRAPH ?g { ?a kg:genre ?v } }",
}


def _facts(store: Any, graph: str, mapper: Any) -> dict[str, set[tuple[str, ...]]]:
    import pyoxigraph as ox

    out: dict[str, set[tuple[str, ...]]] = {}
    for rel, q in FACT_QUERIES.items():
        rows = store.select(q, {"g": ox.NamedNode(graph)})
        facts = set()
        for r in rows:
            t = []
            for var in ("a", "c", "b", "v"):
                if var not in r:
                    continue
                term = r[var]
                if isinstance(term, ox.Literal):
                    t.append(_value(term.value, rel))
                else:
                    t.append(mapper(term.value))
            if rel == "partner":
                t = sorted(t)
            facts.add(tuple(t))
            if rel == "release" and len(t[-1]) == 10:  # a day gives its year too
                facts.add((*t[:-1], t[-1][:4]))
        out[rel] = facts
    return out


def _value(v: str, rel: str) -> str:
    v = v.strip().casefold()
    if rel in ("award", "nomination"):
        v = re.sub(r"\s+(?:award|prize)$", "", v)
    return v


def curated_store() -> Any:
    from kgraph.build import compile_into
    from kgraph.store import OxigraphStore

    store = OxigraphStore()
    compile_into(store)
    return store


def evaluate(sources: Path = SOURCES, threshold: float | None = None) -> dict[str, Any]:
    """Ingest the bundled articles into an empty store and compare with the curated graph.

    Returns ``{"relations": {rel: {"tp", "fp", "fn", "precision", "recall"}}, "total": {...},
    "misses": [...], "extras": [...]}``.
    """
    import pyoxigraph as ox

    from kgraph.errors import KGraphError
    from kgraph.ingest import ingest
    from kgraph.linking import resolve
    from kgraph.store import OxigraphStore

    gold_store = curated_store()
    files = sorted(sources.glob("*.txt"))
    store = OxigraphStore()  # in memory: nothing left behind
    report = ingest(store, files, accept_above=threshold)

    cache: dict[str, str] = {}

    def mapper(iri: str) -> str:
        if iri in cache:
            return cache[iri]
        rows = store.select(
            """SELECT ?l ?c WHERE { { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l }
                 OPTIONAL { ?e a ?c } }""",
            {"e": ox.NamedNode(iri)},
        )
        labels = sorted({r["l"].value for r in rows}, key=lambda s: (-len(s), s))
        classes = {r["c"].value.rsplit("#", 1)[-1] for r in rows if "c" in r}
        types = None
        for fam in (
            ("Person",),
            ("Character",),
            ("Film", "TVSeries", "Play", "Work"),
            ("Festival", "FestivalEdition"),
        ):
            if classes & set(fam):
                types = ["Work"] if "Work" in fam else list(fam)
        found = "new:" + iri
        for label in labels:
            try:
                m = resolve(gold_store, label, types=types)
            except KGraphError:
                continue
            found = m.iri
            break
        # a festival edition counts as its festival
        eds = gold_store.select(
            "SELECT ?o WHERE { ?f kg:editionOf ?o }", {"f": ox.NamedNode(found)}
        )
        if eds and "Festival" in "".join(classes):
            found = eds[0]["o"].value
        cache[iri] = found
        return found

    by_file = {
        r["n"].value: r["s"].value
        for r in gold_store.select("SELECT ?s ?n WHERE { ?s a kg:Source ; kg:fileName ?n }")
    }
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    misses: list[tuple[str, str, tuple[str, ...]]] = []
    extras: list[tuple[str, str, tuple[str, ...]]] = []
    for f in report.files:
        name = f.article.name
        gold = _facts(gold_store, by_file[name], lambda x: x)
        got = _facts(store, f.source, mapper)
        for rel in ORDER:
            g, p = gold.get(rel, set()), got.get(rel, set())
            counts[rel]["tp"] += len(g & p)
            counts[rel]["fp"] += len(p - g)
            counts[rel]["fn"] += len(g - p)
            misses += [(name, rel, t) for t in sorted(g - p)]
            extras += [(name, rel, t) for t in sorted(p - g)]
    out: dict[str, Any] = {"relations": {}, "misses": misses, "extras": extras}
    for rel in ORDER:
        c = counts[rel]
        out["relations"][rel] = {**c, **_pr(c)}
    tot = {k: sum(counts[r][k] for r in HELD) for k in ("tp", "fp", "fn")}
    out["total"] = {**tot, **_pr(tot)}
    store.close()
    return out


def _pr(c: dict[str, int]) -> dict[str, float | None]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def table(result: dict[str, Any]) -> str:
    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    lines = [
        "| relation | curated | found | right | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for rel in ORDER:
        c = result["relations"][rel]
        lines.append(
            f"| {rel} | {c['tp'] + c['fn']} | {c['tp'] + c['fp']} | {c['tp']} | {f(c['precision'])} | {f(c['recall'])} |"
        )
    t = result["total"]
    lines.append(
        f"| **all but genre** | {t['tp'] + t['fn']} | {t['tp'] + t['fp']} | {t['tp']} | {f(t['precision'])} | {f(t['recall'])} |"
    )
    return "\n".join(lines)


def _short(t: tuple[str, ...]) -> str:
    return ", ".join(x.rsplit("/", 1)[-1] for x in t)


if __name__ == "__main__":
    res = evaluate()
    print(table(res))
    if "-v" in sys.argv:
        print("\nmissed:")
        for name, rel, t in res["misses"]:
            print(f"  {name[:3]} {rel:10} {_short(t)}")
        print("\nnot in the curated graph:")
        for name, rel, t in res["extras"]:
            print(f"  {name[:3]} {rel:10} {_short(t)}")
