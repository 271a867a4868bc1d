"""The saved queries whose rows cite only the articles naming both people (``# premise:``,
``FILTER (?g1 = ?g2 || NOT EXISTS …)``) against their text before that change, on one store.

Both texts run in one process on the same store, alternating, best of ``--runs``; the ratio is
new / old (the baseline measured in the same run). The store is opened read-only.

    python benchmarks/bench_citing_queries.py --store /work/scale3/store \\
        --person kgr:person/imdb-nm0372088 [--before main] [--runs 5]

``--before`` is the git revision holding the old text of ``queries/*.rq``.
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("co-stars", "collaborators", "repeat-collaborators")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a store directory or a SPARQL endpoint URL")
    ap.add_argument("--person", required=True, help="an IRI or kgr:person/… CURIE")
    ap.add_argument("--before", default="main", help="git revision of the old query texts")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    import pyoxigraph as ox

    from kgraph.build import open_store

    store = open_store(args.store)
    person = ox.NamedNode(args.person.replace("kgr:", "https://kgraph.dev/id/"))
    print(f"{'query':<22}{'rows':>6}{'before ms':>11}{'now ms':>9}{'ratio':>7}")
    for name in QUERIES:
        old = subprocess.run(
            ["git", "show", f"{args.before}:queries/{name}.rq"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        new = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        best = {"old": float("inf"), "new": float("inf")}
        rows = {}
        for _ in range(args.runs):
            for key, text in (("old", old), ("new", new)):
                t = time.perf_counter()
                rows[key] = len(store.query(text, {"person": person}).rows)
                best[key] = min(best[key], time.perf_counter() - t)
        assert rows["old"] == rows["new"], rows  # the same rows; only their sources differ
        print(
            f"{name:<22}{rows['new']:>6}{best['old'] * 1000:>11.1f}{best['new'] * 1000:>9.1f}"
            f"{best['new'] / best['old']:>7.2f}"
        )


if __name__ == "__main__":
    main()
