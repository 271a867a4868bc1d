"""Name matching and entity cards on a big generated store (the per-call prefilter path).

    python benchmarks/bench_linking.py --works 20000 [--dir /tmp/kgraph-bench-linking]

Generates ``--works`` works with ``benchmarks/generate.py`` (skipped when the store exists),
bulk-loads them into an embedded store, then, in this one process: builds the matcher (a store
with more than ``linking.FULL_INDEX_LIMIT`` labels is never indexed whole), and for a few
people and a film times ``search`` of the label, of its lower-cased unhyphenated form and of a
romanised variant, checks what ``resolve`` makes of each, and times ``show``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKOS = "http://www.w3.org/2004/02/skos/core#prefLabel"
KG = "https://kgraph.dev/ontology#"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, default=20000)
    ap.add_argument("--dir", default="/tmp/kgraph-bench-linking")
    args = ap.parse_args()
    import pyoxigraph as ox

    from kgraph import linking
    from kgraph.build import new_store_contents
    from kgraph.cards import show
    from kgraph.store import OxigraphStore

    base = Path(args.dir)
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"store-{args.works}"
    if not path.exists():
        nq = base / f"works-{args.works}.nq"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--works",
                str(args.works),
                "--out",
                str(nq),
            ],
            check=True,
        )
        t = time.perf_counter()
        s = OxigraphStore(path)
        new_store_contents(s)
        s.raw.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        s.close()
        nq.unlink()
        print(f"bulk load: {time.perf_counter() - t:.1f} s")
    s = OxigraphStore(path, read_only=True)
    labels = s.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{SKOS}> ?l }}")[0]["n"].value
    print(f"{len(s)} quads, {labels} preferred labels")
    t = time.perf_counter()
    m = linking._matcher(s)
    print(f"matcher: {1000 * (time.perf_counter() - t):.0f} ms, whole index: {m.full is not None}")
    picks = s.select(f"SELECT ?e ?l WHERE {{ ?e a <{KG}Person> ; <{SKOS}> ?l }} LIMIT 3")
    picks += s.select(f"SELECT ?e ?l WHERE {{ ?e a <{KG}Film> ; <{SKOS}> ?l }} LIMIT 1")
    for r in picks:
        name = r["l"].value
        variant = name.replace("oo", "u").replace("g", "k").replace("eo", "o")
        for q in dict.fromkeys((name, name.lower().replace("-", " "), variant)):
            t = time.perf_counter()
            found = linking.search(s, q, limit=5)
            dt = time.perf_counter() - t
            try:
                got = linking.resolve(s, q)
                verdict = (
                    f"resolves to it ({got.stage})"
                    if got.iri == r["e"].value
                    else f"resolves to {got.iri}"
                )
            except Exception as e:  # noqa: BLE001 - report whatever the matcher says
                verdict = type(e).__name__
            print(
                f"search {q!r}: {1000 * dt:.0f} ms, first {found[0].label if found else None!r}; {verdict}"
            )
    for r in picks[::3]:
        t = time.perf_counter()
        card = show(s, r["e"].value)
        print(
            f"show {r['l'].value!r}: {1000 * (time.perf_counter() - t):.0f} ms, {len(card.facts)} facts"
        )


if __name__ == "__main__":
    main()
