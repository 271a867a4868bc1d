"""Embedded load vs raw pyoxigraph bulk loading of the same file, side by side in one run.

    python benchmarks/bench_load.py --works 10000 [--rounds 2] [--derive] [--file F.nq] [--no-floor]

Generates ``--works`` works with ``benchmarks/generate.py`` (or takes ``--file``), then, in
alternating rounds, each in its own process and a fresh store directory:

- ``raw``: ``pyoxigraph.Store(dir).bulk_load(path=F, format=N_QUADS)`` then ``flush()``;
- ``kgraph``: ``kgraph.loading.load(open_store(dir), [F], derive=False)`` (what ``kgraph load
  --no-derive F`` does: the generated file already holds the derived triples), then ``close()``.
  With ``--derive`` the kgraph side also aligns and derives, as a plain ``kgraph load`` does;
- ``floor``: what any store that keeps the merged default graph (issue 12: a triple stated by
  several graphs is one triple of the default graph) must write at the least, done by the engine
  alone: ``raw``, then the file's triples bulk-loaded into the default graph from an N-Triples
  file written once before the rounds (outside the clock). No Python touches a quad.

Prints wall-clock and CPU seconds (CPU includes the bulk loader's threads) and peak memory of
each, the medians, and the ratios kgraph ÷ raw, floor ÷ raw and kgraph ÷ floor; ``--json`` writes
them to a file too.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from peakmem import peak_mib


def _child(kind: str, nq: str, store_dir: str, derive: bool, nt: str) -> dict[str, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    if kind in ("raw", "floor"):
        import pyoxigraph as ox

        s = ox.Store(store_dir)
        s.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
        if kind == "floor":
            s.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES)
        s.flush()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        n = len(s)
    else:
        from kgraph.build import open_store
        from kgraph.loading import load

        store = open_store(store_dir, read_only=False)
        load(store, [Path(nq)], derive=derive)
        store.close()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        # counted after the clock stops: the quads of the named graphs (the store's quads less
        # its merged default graph, both counted by the engine)
        import pyoxigraph as ox

        raw = ox.Store.read_only(store_dir)
        rows = raw.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        n = len(raw) - int(next(iter(rows))["n"].value)  # type: ignore[index,arg-type]
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mib": peak_mib(),
        "quads": n,
    }


def write_triples(nq: Path, out: Path) -> None:
    """The file's triples as N-Triples (the floor's second bulk load reads them)."""
    import pyoxigraph as ox

    quads = ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)
    ox.serialize((q.triple for q in quads), output=str(out), format=ox.RdfFormat.N_TRIPLES)


def run(kind: str, nq: Path, derive: bool, workdir: Path, nt: Path) -> dict[str, float]:
    store_dir = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=workdir))
    try:
        p = subprocess.run(
            [
                *(sys.executable, __file__, "_child", kind, str(nq), str(store_dir)),
                *(str(int(derive)), str(nt)),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if p.returncode != 0:
            raise SystemExit(f"{kind} failed:\n{p.stderr}")
        return json.loads(p.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(store_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "_child":
        _, _, kind, nq, store_dir, derive, nt = sys.argv
        print(json.dumps(_child(kind, nq, store_dir, derive == "1", nt)))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, default=10_000)
    ap.add_argument("--file", type=Path, help="an N-Quads file to load instead of generating one")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--derive", action="store_true", help="kgraph also aligns and derives")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument(
        "--no-floor", dest="floor", action="store_false", help="skip the engine-only floor"
    )
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-load-", dir=args.workdir))
    try:
        if args.file:
            nq = args.file
        else:
            sys.path.insert(0, str(HERE))
            import generate

            nq = work / f"films-{args.works}.nq"
            generate.generate(nq, args.works)
        size = nq.stat().st_size
        nt = work / "triples.nt"
        kinds = ["raw", "kgraph"]
        if args.floor:
            write_triples(nq, nt)
            kinds.append("floor")
        results: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
        load0 = os.getloadavg()
        for i in range(args.rounds):
            order = kinds if i % 2 == 0 else kinds[::-1]
            for kind in order:
                r = run(kind, nq, args.derive, work, nt)
                results[kind].append(r)
                print(
                    f"round {i + 1} {kind:6}  wall {r['wall']:8.2f} s  cpu {r['cpu']:8.2f} s  "
                    f"peak {r['peak_mib']:7.0f} MiB  quads {r['quads']:,}",
                    flush=True,
                )
        med = {
            k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu", "peak_mib")}
            for k, v in results.items()
        }
        summary = {
            "file": str(nq),
            "bytes": size,
            "quads": results["raw"][0]["quads"],
            "derive": args.derive,
            "rounds": args.rounds,
            "load_average": [load0, os.getloadavg()],
            "median": med,
            "ratio_wall": med["kgraph"]["wall"] / med["raw"]["wall"],
            "ratio_cpu": med["kgraph"]["cpu"] / med["raw"]["cpu"],
            "runs": results,
        }
        if args.floor:
            for m in ("wall", "cpu"):
                summary[f"floor_{m}"] = med["floor"][m] / med["raw"][m]
                summary[f"over_floor_{m}"] = med["kgraph"][m] / med["floor"][m]
        print(
            f"kgraph ÷ raw pyoxigraph bulk load: wall {summary['ratio_wall']:.2f}×, "
            f"cpu {summary['ratio_cpu']:.2f}× ({summary['quads']:,} quads; load average "
            f"{load0[0]:.1f} → {os.getloadavg()[0]:.1f})"
        )
        if args.floor:
            print(
                f"floor (the engine's two bulk loads) ÷ raw: wall {summary['floor_wall']:.2f}×, "
                f"cpu {summary['floor_cpu']:.2f}×; kgraph ÷ floor: wall "
                f"{summary['over_floor_wall']:.2f}×, cpu {summary['over_floor_cpu']:.2f}×"
            )
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
