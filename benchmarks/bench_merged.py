"""What the merged default graph costs: load time, size on disk and query time, against the
union default graph it replaced, in the same run.

    python benchmarks/bench_merged.py [--works 20000] [--out benchmarks/results]

kgraph keeps the RDF merge of the named graphs as the default graph of an embedded store
(``Store.refresh_merged``), so that a triple stated by several sources is one triple to a SPARQL
user. The alternatives measured first: pyoxigraph's ``use_default_graph_as_union`` and a list of
default graphs both yield a triple once per graph that holds it (they are what the baseline
below runs); rewriting every query's triple patterns into ``SELECT DISTINCT`` sub-queries over
``GRAPH ?g`` changes the query plan of every query and is not done.

Steps, on a synthetic graph from ``benchmarks/generate.py`` (about 10 % of works stated by two
sources), in one process:

- baseline load: ``bulk_load`` of the N-Quads into a new embedded store; its size on disk;
- merge: ``refresh_merged()`` on that store; the size after it;
- the co-star query, on the union default graph (baseline) and on the merged default graph,
  with the rows each returns (the union counts a co-star once per graph stating it).

Ratios are against the baseline of the same run. Results go to ``<out>/merged-<works>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
KG = "https://kgraph.dev/ontology#"
QUERY = f"""PREFIX kg: <{KG}>
SELECT ?costar ?work WHERE {{ ?person kg:actedIn ?work . ?costar kg:actedIn ?work
  FILTER (?costar != ?person) }}"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _best(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def run(works: int) -> dict[str, object]:
    from kgraph.store import OxigraphStore

    work = Path(os.environ.get("KGRAPH_BENCH_DIR") or tempfile.gettempdir()) / "kgraph-bench"
    work.mkdir(parents=True, exist_ok=True)
    nq = work / f"works-{works}.nq"
    if not nq.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--works", str(works), "--out", str(nq)],
            check=True,
        )
    tmp = Path(tempfile.mkdtemp(prefix="kgraph-merged-"))
    try:
        store = OxigraphStore(tmp / "store")
        t = time.perf_counter()
        store.raw.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.raw.flush()
        load_s = time.perf_counter() - t
        quads = len(store.raw)
        size_before = _size(tmp / "store")
        t = time.perf_counter()
        store.refresh_merged()
        store.raw.flush()
        merge_s = time.perf_counter() - t
        size_after = _size(tmp / "store")
        distinct = int(next(iter(store.raw.query(COUNT)))["n"].value)
        person = next(iter(store.raw.query(f"SELECT ?p WHERE {{ ?p <{KG}actedIn> ?w }} LIMIT 1")))
        q = QUERY.replace("WHERE {", f"WHERE {{ VALUES ?person {{ {person['p']} }}", 1)
        union_s, union_rows = _best(
            lambda: len(list(store.raw.query(q, use_default_graph_as_union=True)))
        )
        merged_s, merged_rows = _best(lambda: len(list(store.raw.query(q))))
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "works": works,
        "quads": quads,
        "distinct_triples": distinct,
        "machine": platform.platform(),
        "baseline_load_s": round(load_s, 3),
        "merge_s": round(merge_s, 3),
        "load_ratio": round((load_s + merge_s) / load_s, 2),
        "size_before_mib": round(size_before / 2**20, 1),
        "size_after_mib": round(size_after / 2**20, 1),
        "size_ratio": round(size_after / size_before, 2),
        "costar_union_s": round(union_s, 4),
        "costar_union_rows": union_rows,
        "costar_merged_s": round(merged_s, 4),
        "costar_merged_rows": merged_rows,
        "query_ratio": round(merged_s / union_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--works", type=int, default=20000)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    res = run(args.works)
    text = json.dumps(res, indent=2)
    print(text)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"merged-{args.works}.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
