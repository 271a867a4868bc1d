"""What reading schema.org data costs: materialisation on load versus rewriting queries.

    python benchmarks/bench_alignment.py --works 10000 [--out benchmarks/results]

Takes the synthetic graph of ``benchmarks/generate.py``, keeps what a schema.org publisher would
write (``schema:Movie``/``TVSeries``/``Person``, ``schema:name``, ``schema:actor``,
``schema:director``) and writes it twice: in schema.org terms and in kgraph's own terms
(``kg:castMember``, ``kg:director``, ``skos:prefLabel``, kgraph classes). Then, in memory:

- load time of each through ``kgraph.loading.load`` (alignment + derivation included): the
  price of materialisation is the difference;
- a co-star query, (a) on the aligned store in kgraph terms, as every kgraph command asks it,
  (b) the same query rewritten to accept every vocabulary (what query rewriting would send for
  every query instead), on the same store and on the raw schema.org data.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KG = "https://kgraph.dev/ontology#"
S = "https://schema.org/"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

TO_SCHEMA = {KG + "castMember": S + "actor", KG + "director": S + "director", SKOS_PREF: S + "name"}
CLASSES = {KG + "Film": S + "Movie", KG + "TVSeries": S + "TVSeries", KG + "Person": S + "Person"}

CO_STARS_KG = """SELECT ?costar (COUNT(DISTINCT ?work) AS ?n) WHERE {
  ?person kg:actedIn ?work . ?costar kg:actedIn ?work FILTER (?costar != ?person) } GROUP BY ?costar"""
CO_STARS_REWRITTEN = """SELECT ?costar (COUNT(DISTINCT ?work) AS ?n) WHERE {
  ?person kg:actedIn|^kg:castMember|^schema:actor|^<http://schema.org/actor>|^wdt:P161 ?work .
  ?costar kg:actedIn|^kg:castMember|^schema:actor|^<http://schema.org/actor>|^wdt:P161 ?work
  FILTER (?costar != ?person) } GROUP BY ?costar"""


def split(nq: Path, out_schema: Path, out_native: Path) -> str:
    """Write the two files; return a busy actor's IRI."""
    import pyoxigraph as ox

    counts: dict[str, int] = {}
    with out_schema.open("w") as fs, out_native.open("w") as fn:
        for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
            p = q.predicate.value
            if p == RDF_TYPE and q.object.value in CLASSES:
                fn.write(f"{q.subject} {q.predicate} {q.object} .\n")
                fs.write(f"{q.subject} {q.predicate} <{CLASSES[q.object.value]}> .\n")
            elif p in TO_SCHEMA:
                fn.write(f"{q.subject} {q.predicate} {q.object} .\n")
                fs.write(f"{q.subject} <{TO_SCHEMA[p]}> {q.object} .\n")
                if p == KG + "castMember":
                    counts[q.object.value] = counts.get(q.object.value, 0) + 1
    return max(counts, key=lambda k: counts[k])


def measure(path: Path, actor: str, query: str) -> dict:
    import pyoxigraph as ox

    from kgraph.build import open_store
    from kgraph.loading import load

    store = open_store("memory:")
    t = time.perf_counter()
    load(store, [path])
    load_s = time.perf_counter() - t
    best = float("inf")
    rows = 0
    for _ in range(3):
        t = time.perf_counter()
        rows = len(store.select(query, {"person": ox.NamedNode(actor)}))
        best = min(best, time.perf_counter() - t)
    rewritten = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        store.select(CO_STARS_REWRITTEN, {"person": ox.NamedNode(actor)})
        rewritten = min(rewritten, time.perf_counter() - t)
    return {
        "load_seconds": load_s,
        "quads": len(store),
        "co_stars_seconds": best,
        "rows": rows,
        "co_stars_rewritten_seconds": rewritten,
    }


def measure_raw(path: Path, actor: str, query: str) -> dict:
    """The schema.org file as it is (no alignment), queried with the rewritten query."""
    import pyoxigraph as ox

    from kgraph.store import OxigraphStore

    store = OxigraphStore()
    t = time.perf_counter()
    store.raw.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    load_s = time.perf_counter() - t
    best, rows = float("inf"), 0
    for _ in range(3):
        t = time.perf_counter()
        rows = len(store.select(query, {"person": ox.NamedNode(actor)}))
        best = min(best, time.perf_counter() - t)
    return {"load_seconds": load_s, "quads": len(store), "co_stars_seconds": best, "rows": rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kgraph-align-") as tmp:
        return _run(args, Path(tmp))


def _run(args: argparse.Namespace, work: Path) -> int:
    nq = work / "films.nq"
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "--works", str(args.works), "--out", str(nq)],
        check=True,
    )
    schema, native = work / "schema.nt", work / "native.nt"
    actor = split(nq, schema, native)
    result = {
        "works": args.works,
        "command": f"python benchmarks/bench_alignment.py --works {args.works}",
        "native_materialised": measure(native, actor, CO_STARS_KG),
        "schema_materialised": measure(schema, actor, CO_STARS_KG),
        "schema_rewritten": measure_raw(schema, actor, CO_STARS_REWRITTEN),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"alignment-{args.works}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
