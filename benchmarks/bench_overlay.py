"""What the user's own files cost the default store: a cold `kgraph ask` with and without them.

A private cache and two data directories: one empty (the bundled graph alone), one holding the
two example files of docs/your-data.md (loaded once beforehand). The two `kgraph ask` commands
run alternately, so machine load hits both alike; the medians of wall-clock and CPU time are
compared as a ratio. Then the one-off costs: `load` of each file, `unload`, and the first command
after the cache is wiped (the overlay rebuilt from the data directory).

    python benchmarks/bench_overlay.py [--runs 11]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cold_ask import timed

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
FILES = ["jeon-jong-seo.jsonld", "the-call.wikidata.ttl"]
QUESTION = "co-stars of Jeon Jong-seo"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    exe = shutil.which("kgraph") or sys.exit("kgraph is not installed")
    tmp = Path(tempfile.mkdtemp(prefix="kgraph-bench-overlay-"))
    try:
        base = os.environ | {"KGRAPH_CACHE_DIR": str(tmp / "cache")}
        base.pop("KGRAPH_STORE", None)
        plain = base | {"KGRAPH_DATA_DIR": str(tmp / "empty")}
        mine = base | {"KGRAPH_DATA_DIR": str(tmp / "mine")}
        subprocess.run([exe, "stats"], env=plain, capture_output=True, check=True)
        once = {}
        for f in FILES:
            once[f"load {f}"] = timed([exe, "load", str(EXAMPLES / f)], mine)[0]
        ask = [exe, "ask", QUESTION]
        timed(ask, mine)  # warm the page cache for both
        walls: dict[str, list[float]] = {"bundled only": [], "with 2 files": []}
        cpus: dict[str, list[float]] = {"bundled only": [], "with 2 files": []}
        for _ in range(args.runs):
            for name, env in (("bundled only", plain), ("with 2 files", mine)):
                w, c = timed(ask, env)
                walls[name].append(w)
                cpus[name].append(c)
        for p in (tmp / "cache").glob("overlay-*"):
            shutil.rmtree(p)
        once["first ask after a cache wipe"] = timed(ask, mine)[0]
        once[f"unload {FILES[1]}"] = timed([exe, "unload", FILES[1]], mine)[0]
        w0, w1 = (statistics.median(walls[k]) for k in walls)
        c0, c1 = (statistics.median(cpus[k]) for k in cpus)
        print(f"cold `kgraph ask` ({args.runs} alternating runs, medians)")
        print(f"  bundled only : {w0:.3f} s wall, {c0:.3f} s CPU")
        print(f"  with 2 files : {w1:.3f} s wall, {c1:.3f} s CPU")
        print(f"  ratio        : {w1 / w0:.2f}x wall, {c1 / c0:.2f}x CPU")
        for k, v in once.items():
            print(f"{k}: {v:.2f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
