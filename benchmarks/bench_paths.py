"""Benchmark: collaboration-path queries, bidirectional store search versus a networkx projection.

    python benchmarks/bench_paths.py [--sizes 1000 10000 100000] [--pairs 20] [--workdir DIR]

For each size, a synthetic graph (``benchmarks/generate.py``, seed 0) is bulk-loaded once into an
on-disk Oxigraph store under ``--workdir`` (kept for re-runs). Then, each in a fresh process so
that peak memory is its own:

- **store**: ``kgraph.paths.path(engine="store")`` for every pair: bidirectional BFS, one SPARQL
  query per frontier layer, plus the labels, roles and sources of the answer;
- **networkx**: read the whole person–work projection from the store into networkx (what any
  whole-graph approach must do first), then answer the same pairs in memory.

Reported: time per path query (median), the projection's build time, and peak RSS above the
process's baseline (interpreter, imports and the opened store). ``--crossover`` also times one
``kgraph path`` call both ways on small in-memory graphs, to place ``PROJECTION_LIMIT``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate


def _rss_mib() -> float:
    """Peak resident memory of this process so far (VmHWM: unlike ru_maxrss, it does not
    inherit the parent's peak through fork and exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def build_store(workdir: Path, works: int, seed: int) -> Path:
    path = workdir / f"store-{works}-s{seed}"
    done = path / ".complete"
    if done.exists():
        return path
    import shutil

    shutil.rmtree(path, ignore_errors=True)
    t = time.perf_counter()
    store = generate.load_into(path, generate.stream(works, seed=seed))
    n = len(store)
    del store
    done.write_text(json.dumps({"quads": n, "seconds": time.perf_counter() - t}))
    return path


def pick_pairs(store_path: Path, n: int, seed: int) -> list[tuple[str, str]]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_path))
    wo = ox.NamedNode("https://kgraph.dev/ontology#workedOn")
    people = sorted({q.subject.value for q in store.quads_for_pattern(None, wo, None)})
    rng = random.Random(seed)
    return [tuple(rng.sample(people, 2)) for _ in range(n)]  # type: ignore[misc]


def measure(mode: str, store_path: str, pairs_file: str) -> dict:
    """Run in a child process: time the pairs one way, report times and memory."""
    from kgraph import paths
    from kgraph.errors import NoPath
    from kgraph.store import OxigraphStore

    store = OxigraphStore(store_path, read_only=True)
    pairs = json.loads(Path(pairs_file).read_text())
    if mode == "networkx":
        import networkx  # noqa: F401 - its import is not the projection's memory
    base = _current_rss_mib()
    out: dict = {"mode": mode}
    times, hops = [], []
    if mode == "store":
        for a, b in pairs:
            t = time.perf_counter()
            try:
                hops.append(paths.path(store, a, b, engine="store", max_hops=50).hops)
            except NoPath:
                hops.append(None)
            times.append(time.perf_counter() - t)
    else:
        import networkx as nx

        t = time.perf_counter()
        proj = paths.projection(store, "any")
        out["build_s"] = time.perf_counter() - t
        out["edges"] = proj.edges
        for a, b in pairs:
            t = time.perf_counter()
            try:
                hops.append(nx.shortest_path_length(proj.graph, a, b) // 2)
            except nx.NetworkXNoPath:
                hops.append(None)
            times.append(time.perf_counter() - t)
    out["median_s"] = statistics.median(times)
    out["max_s"] = max(times)
    out["hops"] = hops
    out["rss_base_mib"] = base
    out["rss_extra_mib"] = _rss_mib() - base
    return out


def crossover(sizes: list[int], seed: int, repeat: int = 5) -> list[dict]:
    """One full `path` call (as the CLI makes it) both ways, on small in-memory graphs."""
    import pyoxigraph as ox

    from kgraph import paths
    from kgraph.errors import NoPath
    from kgraph.store import OxigraphStore

    rows = []
    for works in sizes:
        store = OxigraphStore()
        store.raw.bulk_load(generate.stream(works, seed=seed), format=ox.RdfFormat.N_QUADS)
        wo = ox.NamedNode("https://kgraph.dev/ontology#workedOn")
        edges = sorted(
            {(q.subject.value, q.object.value) for q in store.raw.quads_for_pattern(None, wo, None)}
        )
        people = sorted({p for p, _ in edges})
        rng = random.Random(seed)
        pairs = [rng.sample(people, 2) for _ in range(repeat)]
        row: dict = {"works": works, "edges": len(edges)}
        for engine in ("store", "networkx"):
            ts = []
            for a, b in pairs:
                t = time.perf_counter()
                try:
                    paths.path(store, a, b, engine=engine, max_hops=50)
                except NoPath:
                    pass
                ts.append(time.perf_counter() - t)
            row[engine] = statistics.median(ts)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "kgraph-bench-paths")
    )
    ap.add_argument(
        "--crossover",
        type=int,
        nargs="*",
        default=None,
        help="also time one path call both ways at these (small) sizes",
    )
    ap.add_argument("--measure", choices=["store", "networkx"], help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--pairs-file", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.measure:
        print(json.dumps(measure(args.measure, args.store, args.pairs_file)))
        return 0

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        "| works | quads | person–work edges | store search: median per path | networkx: build projection "
        "| networkx: median per path | build ÷ store query | store peak extra RSS | networkx peak extra RSS "
        "| memory ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for works in args.sizes:
        path = build_store(workdir, works, args.seed)
        quads = json.loads((path / ".complete").read_text())["quads"]
        pairs_file = workdir / f"pairs-{works}-s{args.seed}-{args.pairs}.json"
        if not pairs_file.exists():
            pairs_file.write_text(json.dumps(pick_pairs(path, args.pairs, args.seed)))
        res = {}
        for mode in ("store", "networkx"):
            p = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--measure",
                    mode,
                    "--store",
                    str(path),
                    "--pairs-file",
                    str(pairs_file),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            res[mode] = json.loads(p.stdout)
        s, n = res["store"], res["networkx"]
        assert s["hops"] == n["hops"], "the two engines disagree"
        print(
            f"| {works:,} | {quads:,} | {n['edges']:,} | {s['median_s'] * 1000:.1f} ms | {n['build_s']:.2f} s "
            f"| {n['median_s'] * 1000:.2f} ms | {n['build_s'] / s['median_s']:.0f}× "
            f"| {s['rss_extra_mib']:.0f} MiB | {n['rss_extra_mib']:.0f} MiB "
            f"| {n['rss_extra_mib'] / max(s['rss_extra_mib'], 1):.1f}× |",
            flush=True,
        )
    if args.crossover:
        print()
        print(
            "| works | person–work edges | one `path` call, store search | one `path` call, via projection |"
        )
        print("|---:|---:|---:|---:|")
        for row in crossover(args.crossover, args.seed):
            print(
                f"| {row['works']:,} | {row['edges']:,} | {row['store'] * 1000:.1f} ms "
                f"| {row['networkx'] * 1000:.1f} ms |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
