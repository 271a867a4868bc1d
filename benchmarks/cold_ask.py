"""Cold-start cost of `kgraph ask`, as a ratio to an empty Python process.

Each run is a whole new process (interpreter start, imports, opening the store, linking the
name, running the saved query, printing). The store is built once beforehand into a private
cache, so the figure is what a user pays on every call, not the one-off build. The two commands
are run alternately so that machine load affects both alike; the medians are compared.

    python benchmarks/cold_ask.py [--runs 15] [--question "co-stars of Jeon Jong-seo"]

Targets: at most 10x `python -c pass` (issue 4), at most 5x (issue 18). Both commands run with bytecode caching on (a
private PYTHONPYCACHEPREFIX), as after a normal install.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, check=False)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[:500]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dt, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--question", default="co-stars of Jeon Jong-seo")
    args = ap.parse_args()
    exe = shutil.which("kgraph") or str(Path(sys.executable).with_name("kgraph"))
    cache = tempfile.mkdtemp(prefix="kgraph-bench-")
    env = os.environ.copy()
    env.update({"KGRAPH_CACHE_DIR": cache})
    env.pop("KGRAPH_STORE", None)
    # As installed: bytecode cached (this environment may set PYTHONDONTWRITEBYTECODE, which makes
    # every run recompile kgraph's sources); the .pyc files go to a private folder.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(cache, "pycache")
    try:
        subprocess.run([exe, "build"], env=env, check=True, stdout=subprocess.DEVNULL)
        floor_cmd = [sys.executable, "-c", "pass"]
        ask_cmd = [exe, "ask", args.question]
        store = next(Path(cache).glob("store-*"))
        # What any answer from the store costs before kgraph does anything: the interpreter, the
        # engine, and the store opened as kgraph opens it (its N-Quads snapshot loaded into
        # memory, see kgraph.build.snapshot) -- the "engine only" floor; the same with the
        # standard modules kgraph imported before issue 18's cold-start work took most of them
        # off the ask path (typing, json, dataclasses, hashlib), the floor the figures were
        # first compared with; and with the store opened by RocksDB instead (what kgraph did
        # before it kept a snapshot).
        snapshot = store / "kgraph-snapshot.nq"
        load = (
            f"s = ox.Store(); s.extend(ox.parse(path={str(snapshot)!r}, "
            "format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False, lenient=True))"
        )
        imports = "import re, typing, json, pathlib, dataclasses, hashlib, pyoxigraph as ox; "
        engine_cmds = {
            "engine only": [sys.executable, "-c", "import pyoxigraph as ox; " + load],
            "engine floor": [sys.executable, "-c", imports + load],
            "RocksDB open": [
                sys.executable,
                "-c",
                imports + f"ox.Store.read_only({str(store)!r})",
            ],
        }
        timed(ask_cmd, env)  # warm the OS file cache once (and keep what a first ask derives)
        runs: dict[str, list[tuple[float, float]]] = {"floor": [], "ask": []}
        runs.update({k: [] for k in engine_cmds})
        for _ in range(args.runs):
            runs["floor"].append(timed(floor_cmd, env))
            runs["ask"].append(timed(ask_cmd, env))
            for k, cmd in engine_cmds.items():
                runs[k].append(timed(cmd, env))
        for i, what in ((0, "wall-clock"), (1, "CPU (user+sys)")):
            med = {k: statistics.median(r[i] for r in v) for k, v in runs.items()}
            f = med["floor"]
            others = " | ".join(
                f"{k} {med[k] * 1000:6.1f} ms ({med[k] / f:3.1f}x)" for k in engine_cmds
            )
            print(
                f"{what:<15} python -c pass {f * 1000:6.1f} ms | kgraph ask {args.question!r} "
                f"{med['ask'] * 1000:6.1f} ms | ratio {med['ask'] / f:4.1f}x | {others}"
            )
        print(
            f"medians of {args.runs} runs each, alternating; target <= 5x (wall-clock); engine "
            "only: the interpreter with pyoxigraph imported and the store's snapshot loaded into "
            "memory (as kgraph opens the cached store); engine floor: the same with re/typing/"
            "json/pathlib/dataclasses/hashlib imported too (the floor before kgraph stopped "
            "importing most of them); RocksDB open: that with the store opened read-only by "
            "RocksDB"
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
