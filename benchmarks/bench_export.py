"""The deterministic N-Quads/N-Triples export vs pyoxigraph's own (unsorted) dump, side by side.

    python benchmarks/bench_export.py --works 10000 [--rounds 2] [--store DIR]

Bulk-loads ``--works`` generated works (``benchmarks/generate.py``) into an embedded store (or
uses ``--store DIR``, an existing one), then, in alternating rounds, each in its own process:

- ``dump``: ``pyoxigraph.Store.read_only(dir).dump(FILE, format=N_QUADS)`` — the engine's own
  export, in storage order, no de-duplication across graphs, no canonical blank node labels;
- ``nquads``: ``kgraph.export.export_to(store, "nquads", FILE)`` — sorted, canonical, the same
  bytes whatever the store's history (what ``kgraph export -o FILE.nq`` does);
- ``ntriples``: the same for N-Triples (the graphs' union, de-duplicated).

Prints wall-clock and CPU seconds and peak memory (RSS) of each, medians, and ratios to the dump.
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


def _child(kind: str, store_dir: str, out: str) -> dict[str, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    if kind == "dump":
        import pyoxigraph as ox

        s = ox.Store.read_only(store_dir)
        s.dump(out, format=ox.RdfFormat.N_QUADS)
    else:
        from kgraph.build import open_store
        from kgraph.export import export_to

        store = open_store(store_dir)
        export_to(store, kind, out)
    return {
        "wall": time.perf_counter() - w0,
        "cpu": time.process_time() - c0,
        "peak_mib": peak_mib(),
        "bytes": os.path.getsize(out),
    }


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "_child":
        print(json.dumps(_child(*sys.argv[2:5])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, default=10_000)
    ap.add_argument("--store", type=Path, help="an existing embedded store to export")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--kinds", nargs="+", default=["dump", "nquads", "ntriples"])
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-export-", dir=args.workdir))
    try:
        if args.store:
            store_dir = args.store
        else:
            sys.path.insert(0, str(HERE))
            import generate

            store_dir = work / "store"
            generate.load_into(store_dir, generate.stream(args.works)).flush()
        load0 = os.getloadavg()
        results: dict[str, list[dict[str, float]]] = {k: [] for k in args.kinds}
        for i in range(args.rounds):
            kinds = args.kinds if i % 2 == 0 else args.kinds[::-1]
            for kind in kinds:
                out = work / f"out-{kind}.nq"
                p = subprocess.run(
                    [sys.executable, __file__, "_child", kind, str(store_dir), str(out)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if p.returncode != 0:
                    raise SystemExit(f"{kind} failed:\n{p.stderr}")
                r = json.loads(p.stdout.strip().splitlines()[-1])
                out.unlink()
                results[kind].append(r)
                print(
                    f"round {i + 1} {kind:8}  wall {r['wall']:8.2f} s  cpu {r['cpu']:8.2f} s  "
                    f"peak {r['peak_mib']:7.0f} MiB  {r['bytes']:,} bytes",
                    flush=True,
                )
        med = {
            k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu", "peak_mib")}
            for k, v in results.items()
        }
        summary: dict[str, object] = {
            "store": str(store_dir),
            "rounds": args.rounds,
            "load_average": [load0, os.getloadavg()],
            "median": med,
            "runs": results,
        }
        if "dump" in med:
            for k in med:
                if k != "dump":
                    rw = med[k]["wall"] / med["dump"]["wall"]
                    rc = med[k]["cpu"] / med["dump"]["cpu"]
                    summary[f"ratio_{k}"] = {"wall": rw, "cpu": rc}
                    print(
                        f"{k} ÷ pyoxigraph dump: wall {rw:.2f}×, cpu {rc:.2f}×; peak memory "
                        f"{med[k]['peak_mib']:.0f} MiB vs {med['dump']['peak_mib']:.0f} MiB"
                    )
        print(f"load average {load0[0]:.1f} → {os.getloadavg()[0]:.1f}")
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
