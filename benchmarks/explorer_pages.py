"""Time the explorer's pages of `kgraph serve` on a store: each page's first request and a second one.

    python benchmarks/generate.py --works 10000 --out /tmp/films.nq
    python -c "import sys; sys.path.insert(0, 'benchmarks'); from generate import load_into; load_into('/tmp/films-store', '/tmp/films.nq')"
    python benchmarks/explorer_pages.py --store /tmp/films-store \\
        /entity/person:c0003526-jin-na-won "/api/search?q=jin+na" / /graph

Without paths it times a fixed set of pages of the bundled graph. Starts an in-process server with
one worker and a generous time limit (--timeout), over loopback only.
"""

from __future__ import annotations

import argparse
import time
import urllib.error
import urllib.request

DEFAULT = [
    "/",
    "/entity/person:jeon-jong-seo",
    "/api/neighbours?id=work:ballerina",
    "/api/search?q=jeon",
    "/graph",
    "/graph?from=Park+Yu-rim&to=Park+Shin-hye",
    "/query?query=SELECT+%3Fw+WHERE+%7B+person%3Ajeon-jong-seo+kg%3AactedIn+%3Fw+%7D",
]


def main() -> None:
    from kgraph.server import ServerConfig, SparqlServer

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="pages to time (default: a set on the bundled graph)")
    ap.add_argument("--store", help="store spec (default: the bundled graph)")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    config = ServerConfig(port=0, workers=1, timeout=args.timeout)
    with SparqlServer(config, store=args.store) as srv:
        for path in args.paths or DEFAULT:
            times, status, size = [], 0, 0
            for _ in range(2):
                t = time.perf_counter()
                req = urllib.request.Request(srv.base + path, headers={"Accept": "text/html"})
                try:
                    with urllib.request.urlopen(req, timeout=args.timeout + 30) as r:
                        status, size = r.status, len(r.read())
                except urllib.error.HTTPError as e:
                    status, size = e.code, len(e.read())
                times.append(time.perf_counter() - t)
            print(
                f"{path}: HTTP {status}, {size:,} bytes, first {times[0]:.2f} s, "
                f"again {times[1]:.2f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
