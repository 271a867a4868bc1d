"""Endpoint throughput: ``kgraph serve`` vs ``oxigraph serve-read-only`` on the same store, side by side.

    python benchmarks/bench_endpoint.py [--clients 8] [--seconds 10] [--rounds 2] [--vary] [--store-dir]

Both servers read the bundled graph's store (built into a private cache first). CLIENTS client
processes (loopback only), each with one keep-alive connection, send the same co-stars query
(``queries/co-stars.rq`` for Jeon Jong-seo, with its prefixes) for SECONDS, against one server
then the other, alternating over ROUNDS. Both answer from the store's default graph, the merge
of its named graphs that kgraph maintains (set semantics): Oxigraph is not given
``--union-default-graph``, which would evaluate over the bag of every graph's triples, a
different (and slower) dataset. Every answer is checked to be 200 with the same rows as the
first. Prints requests/s and latency percentiles of each and the ratio kgraph ÷ oxigraph (the
target is ≥ 0.8×).

``kgraph serve`` keeps finished answers per request and store generation
(:mod:`kgraph.replycache`), so the same query text again is answered from memory. ``--vary``
makes every request's text distinct (a trailing comment with a counter), on both servers, which
measures the uncached path: parse, evaluation and serialisation each time.

The bundled graph is small enough that kgraph's workers load it into memory from the build's
N-Quads snapshot instead of opening RocksDB; ``--store-dir`` serves the same store directory with
``kgraph --store DIR serve`` instead, read from RocksDB as Oxigraph reads it (the like-for-like
engine comparison).

Each line also gives the CPU time the server used per answer (its process and its workers, from
/proc, on Linux): on a machine shared with other work, requests/s follow the CPU share each
server gets, while CPU per request is what each server costs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERSON = "https://kgraph.dev/id/person/jeon-jong-seo"


def co_stars_query() -> str:
    from kgraph.terms import PREFIXES

    body = (ROOT / "queries" / "co-stars.rq").read_text()
    body = "\n".join(line for line in body.splitlines() if not line.startswith("#"))
    body = body.replace("WHERE {", f"WHERE {{\n  VALUES ?person {{ <{PERSON}> }}", 1)
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))
    return head + body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, query: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            status, _ = _request(url, query, None)
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def _request(url: str, query: str, conn: http.client.HTTPConnection | None) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    c = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    c.request(
        "GET",
        parts.path + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    r = c.getresponse()
    data = r.read()
    if conn is None:
        c.close()
    return r.status, data


def _rows(body: bytes) -> list[tuple[str, ...]]:
    doc = json.loads(body)
    return sorted(
        tuple(b.get(v, {}).get("value", "") for v in doc["head"]["vars"])
        for b in doc["results"]["bindings"]
    )


def _client(
    url: str, query: str, seconds: float, want: list[tuple[str, ...]], out: mp.Queue, vary: bool
) -> None:  # type: ignore[type-arg]
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    lat: list[float] = []
    bad = 0
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
        text = f"{query}\n# {os.getpid()}-{n}" if vary else query
        t0 = time.perf_counter()
        try:
            status, body = _request(url, text, conn)
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            bad += 1
            continue
        lat.append(time.perf_counter() - t0)
        if status != 200 or _rows(body) != want:
            bad += 1
    out.put((lat, bad))


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its descendants (Linux /proc; 0 elsewhere)."""
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def measure(
    url: str, query: str, clients: int, seconds: float, vary: bool, pid: int | None = None
) -> dict[str, float]:
    _, body = _request(url, query, None)
    want = _rows(body)
    if not want:
        raise SystemExit(f"{url}: the co-stars query has no answer")
    q: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    procs = [
        mp.Process(target=_client, args=(url, query, seconds, want, q, vary))
        for _ in range(clients)
    ]
    cpu0 = _tree_cpu(pid) if pid else 0.0
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [q.get() for _ in procs]
    cpu = _tree_cpu(pid) - cpu0 if pid else 0.0
    for p in procs:
        p.join()
    wall = time.perf_counter() - t0
    lat = sorted(x for r, _ in results for x in r)
    bad = sum(b for _, b in results)
    if bad:
        raise SystemExit(f"{url}: {bad} failed or wrong answers")
    return {
        "requests": len(lat),
        "rps": len(lat) / seconds,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))],
        "wall": wall,
        "rows": len(want),
        "cpu_ms": 1000 * cpu / max(1, len(lat)),  # the server's CPU per answer, workers included
    }


def start_kgraph(
    cache: str, workers: int, store: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    exe = str(Path(sys.executable).with_name("kgraph"))
    env = {**os.environ, "KGRAPH_CACHE_DIR": cache}
    cmd = [exe, *(["--store", store] if store else []), "serve", "--port", "0"]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    assert proc.stderr is not None
    for raw in proc.stderr:
        m = re.search(r"SPARQL endpoint at (http://\S+/sparql)", raw.decode())
        if m:
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            return proc, m.group(1)
    raise SystemExit("kgraph serve did not start")


def start_oxigraph(store: str) -> tuple[subprocess.Popen[bytes], str]:
    exe = str(Path(sys.executable).with_name("oxigraph"))
    port = _free_port()
    cmd = [
        exe,
        "serve-read-only",
        "--location",
        store,
        "--bind",
        f"127.0.0.1:{port}",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}/query"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="kgraph serve's worker processes")
    ap.add_argument("--vary", action="store_true", help="a distinct query text per request")
    ap.add_argument(
        "--store-dir",
        action="store_true",
        help="serve the store directory with --store (RocksDB, read as Oxigraph reads it) instead "
        "of the bundled graph, which kgraph's workers hold in memory from the build's snapshot",
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    cache = tempfile.mkdtemp(prefix="kgraph-bench-endpoint-")
    try:
        return _run(args, cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)  # the build's store: ~100 MB a run


def _run(args: argparse.Namespace, cache: str) -> int:
    env = {**os.environ, "KGRAPH_CACHE_DIR": cache}
    subprocess.run(
        [str(Path(sys.executable).with_name("kgraph")), "build"],
        env=env,
        check=True,
        capture_output=True,
    )
    [store] = [str(p) for p in Path(cache).glob("store-*")]
    query = co_stars_query()
    load0 = os.getloadavg()
    results: dict[str, list[dict[str, float]]] = {"kgraph": [], "oxigraph": []}
    for i in range(args.rounds):
        for kind in ("kgraph", "oxigraph") if i % 2 == 0 else ("oxigraph", "kgraph"):
            proc, url = (
                start_kgraph(cache, args.workers, store if args.store_dir else None)
                if kind == "kgraph"
                else start_oxigraph(store)
            )
            try:
                _wait(url, query, proc)
                r = measure(url, query, args.clients, args.seconds, args.vary, proc.pid)
            finally:
                proc.terminate()
                proc.wait(10)
            results[kind].append(r)
            print(
                f"round {i + 1} {kind:8}  {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                f"p99 {r['p99_ms']:6.1f} ms  server CPU {r['cpu_ms']:5.2f} ms/request  "
                f"({r['requests']} requests, {r['rows']} rows each)",
                flush=True,
            )
    med = {
        k: {m: statistics.median(r[m] for r in v) for m in ("rps", "p50_ms", "cpu_ms")}
        for k, v in results.items()
    }
    ratio = med["kgraph"]["rps"] / med["oxigraph"]["rps"]
    print(
        f"kgraph serve ÷ oxigraph serve-read-only: {ratio:.2f}× requests/s "
        f"({med['kgraph']['rps']:.0f} vs {med['oxigraph']['rps']:.0f}; p50 {med['kgraph']['p50_ms']:.1f} vs "
        f"{med['oxigraph']['p50_ms']:.1f} ms; server CPU per request {med['kgraph']['cpu_ms']:.2f} vs "
        f"{med['oxigraph']['cpu_ms']:.2f} ms); {args.clients} clients"
        f"{', distinct texts' if args.vary else ''}"
        f"{'; kgraph on the store directory (--store)' if args.store_dir else ''}; load average "
        f"{load0[0]:.1f} → {os.getloadavg()[0]:.1f}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "median": med,
                    "ratio": ratio,
                    "vary": args.vary,
                    "store_dir": args.store_dir,
                    "runs": results,
                    "load_average": [load0, os.getloadavg()],
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
