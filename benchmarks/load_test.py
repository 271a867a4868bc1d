"""Load test of `kgraph serve`: many concurrent clients for a fixed time, over loopback only.

Starts `kgraph serve --port 0` (or uses --url of a running loopback server), runs CLIENTS client
threads for SECONDS (and at most --max-requests requests), each sending a mix of SELECT, ASK and
CONSTRUCT queries in several result formats over a keep-alive connection, and checks every
answer against the one the first request got. Halfway through, one more client sends a query that
never finishes on its own: it must come back as 503 after the server's --timeout, while the other
clients keep being served. Prints throughput and latency percentiles; exits 1 on any failure.

A connection reset or dropped by the server (``ConnectionResetError``, ``RemoteDisconnected``,
``BrokenPipeError``) is counted as a *reset* and the request as lost: nothing is retried, so a
listen backlog that overflows or a server that drops connections shows in the figures.

    python benchmarks/load_test.py --clients 16 --seconds 20
    python benchmarks/load_test.py --clients 16 --seconds 20 --pages   # with the explorer's pages
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

MIX = [
    (
        (
            "SELECT DISTINCT ?w ?title WHERE { person:jeon-jong-seo kg:actedIn ?w . "
            "?w skos:prefLabel ?title } ORDER BY ?title"
        ),
        "application/sparql-results+json",
    ),
    (
        "SELECT DISTINCT ?p ?name WHERE { work:ballerina kg:castMember ?p . ?p skos:prefLabel ?name } ORDER BY ?name",
        "text/csv",
    ),
    (
        "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c",
        "application/sparql-results+xml",
    ),
    (
        "SELECT DISTINCT ?a ?b WHERE { ?a kg:collaboratedWith ?b } ORDER BY ?a ?b",
        "text/tab-separated-values",
    ),
    ("ASK { work:ballerina kg:director person:lee-chung-hyun }", "application/sparql-results+json"),
    ("CONSTRUCT { work:ballerina ?p ?o } WHERE { work:ballerina ?p ?o }", "application/n-triples"),
]
# --pages: the explorer's pages and JSON as a browser asks for them, mixed with the queries above
# (an item starting with "/" is a path on the server, not a query)
PAGES = [
    ("/", "text/html"),
    ("/entity/person:jeon-jong-seo", "text/html"),
    ("/graph", "text/html"),
    ("/graph?from=Park+Yu-rim&to=Park+Shin-hye", "text/html"),
    ("/query?query=SELECT+%3Fp+WHERE+%7B+%3Fp+a+kg%3APerson+%7D", "text/html"),
    ("/api/search?q=jeon", "application/json"),
    ("/api/neighbours?id=work:ballerina", "application/json"),
    ("/static/graph.js", "*/*"),
]
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def start_server(
    timeout: float, workers: int, store: str | None
) -> tuple[subprocess.Popen[str], str]:
    exe = str(Path(sys.executable).with_name("kgraph"))
    cmd = [
        exe,
        *(["--store", store] if store else []),
        "serve",
        "--port",
        "0",
        "--timeout",
        str(timeout),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        m = re.search(r"SPARQL endpoint at (http://\S+/sparql)", line)
        if m:
            threading.Thread(
                target=lambda: sys.stderr.write(proc.stderr.read()), daemon=True
            ).start()
            return proc, m.group(1)
        sys.stderr.write(line)
    raise SystemExit("kgraph serve did not start")


class Reset(Exception):
    """The server reset or dropped the connection under a request."""


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, url: str, timeout: float) -> None:
        self.parts = urllib.parse.urlsplit(url)
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, query: str, accept: str) -> tuple[int, bytes]:
        if query.startswith("/"):  # an explorer page
            path = self.parts.path.rsplit("/", 1)[0] + query
        else:
            path = self.parts.path + "?" + urllib.parse.urlencode({"query": query})
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.parts.hostname, self.parts.port, timeout=self.timeout
            )
        try:
            self.conn.request("GET", path, headers={"Accept": accept})
            r = self.conn.getresponse()
            return r.status, r.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
            self.conn.close()
            self.conn = None  # the next request opens a new connection; this one is lost
            raise Reset(f"{type(e).__name__}: {e}") from None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--timeout", type=float, default=2.0, help="the server's per-query time limit")
    ap.add_argument("--workers", type=int, default=2, help="the server's worker processes")
    ap.add_argument("--store", help="store spec for the server (default: the bundled graph)")
    ap.add_argument("--url", help="a running loopback endpoint instead of starting one")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument(
        "--pages", action="store_true", help="mix the explorer's pages in with the queries"
    )
    args = ap.parse_args()
    args.clients = max(1, min(args.clients, 256))
    args.seconds = max(1.0, min(args.seconds, 300.0))

    proc = None
    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("load tests run against loopback addresses only")
        url = args.url
    else:
        proc, url = start_server(args.timeout, args.workers, args.store)
    try:
        return run(url, args)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)


def run(url: str, args: argparse.Namespace) -> int:
    mix = MIX + PAGES if args.pages else MIX
    warm = Client(url, 60)
    expected = {}
    for q, accept in mix:
        status, body = warm.get(q, accept)
        if status != 200:
            raise SystemExit(f"warm-up query failed with {status}: {body[:200]!r}")
        expected[(q, accept)] = body

    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    resets: list[str] = []
    issued = 0
    stop_at = time.monotonic() + args.seconds
    slow: dict[str, object] = {}

    def client(i: int) -> None:
        nonlocal issued
        c = Client(url, args.timeout * 4 + 30)
        k = i
        while time.monotonic() < stop_at:
            with lock:
                if issued >= args.max_requests:
                    return
                issued += 1
            q, accept = mix[k % len(mix)]
            k += 1
            t0 = time.perf_counter()
            try:
                status, body = c.get(q, accept)
            except Reset as e:
                with lock:
                    resets.append(str(e))
                continue
            except OSError as e:
                with lock:
                    failures.append(f"{type(e).__name__}: {e}")
                continue
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if status != 200 or body != expected[(q, accept)]:
                    failures.append(f"{status}: {body[:120]!r}")

    def slow_client() -> None:
        time.sleep(min(1.0, args.seconds / 4))
        with lock:
            before = len(latencies)
        t0 = time.perf_counter()
        status, body = Client(url, args.timeout * 4 + 30).get(
            ENDLESS, "application/sparql-results+json"
        )
        with lock:
            slow.update(
                status=status,
                body=body.decode(errors="replace").strip(),
                seconds=time.perf_counter() - t0,
                served_meanwhile=len(latencies) - before,
            )

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    threads.append(threading.Thread(target=slow_client))
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0

    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000 if lat else float("nan")

    figures = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": len(lat),
        "failed": len(failures),
        "reset": len(resets),
        "throughput_rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(pct(50), 1),
        "p90_ms": round(pct(90), 1),
        "p99_ms": round(pct(99), 1),
        "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "server_timeout_s": args.timeout,
        "server_workers": args.workers,
        "slow_query": {
            "status": slow.get("status"),
            "seconds": round(float(slow.get("seconds", 0)), 2),
            "answer": slow.get("body"),
            "others_served_meanwhile": slow.get("served_meanwhile"),
        },
        "cpus": os.cpu_count(),
        "mix": len(mix),
        "pages": bool(args.pages),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{figures['requests']} requests from {args.clients} clients in {figures['seconds']} s: "
            f"{figures['throughput_rps']} req/s, {figures['failed']} failed, "
            f"{figures['reset']} reset"
        )
        print(
            f"latency ms: p50 {figures['p50_ms']}  p90 {figures['p90_ms']}  p99 {figures['p99_ms']}  "
            f"max {figures['max_ms']}"
        )
        s = figures["slow_query"]
        print(
            f"endless query: HTTP {s['status']} after {s['seconds']} s ({s['answer']}); "
            f"{s['others_served_meanwhile']} other requests answered meanwhile"
        )
    for f in failures[:10]:
        print("FAILED:", f, file=sys.stderr)
    for f in resets[:10]:
        print("RESET:", f, file=sys.stderr)
    ok = (
        not failures
        and not resets
        and slow.get("status") == 503
        and int(slow.get("served_meanwhile", 0)) > 0
    )  # type: ignore[call-overload]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
