"""IMDb-shaped titles at scale: import time and memory, then the questions' latency on the embedded
store and through ``--store`` on an Oxigraph server holding the same data, side by side.

    python benchmarks/bench_scale.py --works 100000 [--imdb DIR] [--workdir W] [--json F]

1. ``import``: ``kgraph.imdb.import_imdb`` of the IMDb-format files (``--imdb DIR``, else written
   by ``benchmarks/generate.py --works N --imdb``) into a new embedded store, in its own process:
   seconds, rows/s, triples, peak memory.
2. ``pick``: a busy actor with a name of their own, one of their co-stars, and a person about
   three collaboration hops away (a sampled breadth-first search over ``kg:workedOn``).
3. ``embedded`` and ``server``: in a fresh process each, a :class:`kgraph.KnowledgeGraph` on the
   store directory, then on ``oxigraph serve-read-only`` started on that same directory (the same
   data; queries go through :class:`kgraph.store.RemoteStore`, as ``--store URL`` does): the
   latency of co-stars (``ask "co-stars of …"``), shared works (``shared``), the path (``path``),
   a name search (``search``) and a card (``show``): the first call (which pays for caches such
   as the name index) and the best of three warm calls.

Prints a Markdown table; ``--json`` writes everything.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_import(imdb: str, store_dir: str) -> dict[str, Any]:
    from kgraph.build import open_store
    from kgraph.imdb import import_imdb

    t = time.perf_counter()
    store = open_store(store_dir, read_only=False)
    report = import_imdb(store, Path(imdb), workdir=Path(store_dir).parent)
    store.close()
    seconds = time.perf_counter() - t
    rows = report.rows
    return {
        "seconds": seconds,
        "triples": report.triples,
        "rows": rows,
        "rows_per_s": rows / seconds if rows else None,
        "peak_mib": _peak_mib(),
    }


def step_pick(store_dir: str) -> dict[str, Any]:
    import pyoxigraph as ox

    from kgraph.store import OxigraphStore

    store = OxigraphStore(store_dir, read_only=True)
    busy = store.select(
        """SELECT ?p (COUNT(*) AS ?n) WHERE { ?p kg:actedIn ?w } GROUP BY ?p
           ORDER BY DESC(?n) LIMIT 200"""
    )

    def label(iri: ox.NamedNode) -> str:
        rows = store.select("SELECT ?l WHERE { ?x skos:prefLabel ?l }", {"x": iri})
        return rows[0]["l"].value if rows else ""

    def unique(iri: Any) -> bool:
        """Whether no one else has this person's name (a name typed by a user must be theirs)."""
        rows = store.select(
            "SELECT (COUNT(DISTINCT ?y) AS ?n) WHERE { ?x skos:prefLabel ?l . ?y skos:prefLabel ?l }",
            {"x": iri},
        )
        return int(rows[0]["n"].value) == 1

    # the busiest actor with a name of their own (else the busiest: ask may then list several)
    a = next((r["p"] for r in busy if unique(r["p"])), busy[0]["p"])
    co = store.select(
        "SELECT DISTINCT ?b WHERE { ?a kg:actedIn ?w . ?b kg:actedIn ?w FILTER (?b != ?a) }",
        {"a": a},
    )
    b = next((r["b"] for r in co if unique(r["b"])), co[0]["b"])

    def neighbours(nodes: list[ox.NamedNode]) -> set[str]:
        rows = store.select(
            "SELECT DISTINCT ?y WHERE { ?x kg:workedOn ?w . ?y kg:workedOn ?w }", {"x": nodes}
        )
        return {r["y"].value for r in rows}

    rng = random.Random(0)
    seen = {a.value}
    frontier = [a.value]
    far = a.value
    for _ in range(3):
        nxt = sorted(neighbours([ox.NamedNode(x) for x in frontier]) - seen)
        if not nxt:
            break
        seen |= set(nxt)
        frontier = rng.sample(nxt, min(200, len(nxt)))
        far = next((x for x in frontier if unique(ox.NamedNode(x))), frontier[0])
    out = {
        "a": a.value,
        "a_label": label(a),  # type: ignore[arg-type]
        "a_unique": unique(a),
        "b": b.value,
        "b_label": label(b),  # type: ignore[arg-type]
        "far": far,
        "far_label": label(ox.NamedNode(far)),
    }
    store.close()
    return out


def step_queries(spec: str, who: dict[str, str]) -> dict[str, Any]:
    from kgraph import KnowledgeGraph

    t = time.perf_counter()
    kg = KnowledgeGraph(spec)
    out: dict[str, Any] = {"open_seconds": time.perf_counter() - t}

    def timed(name: str, fn: Any) -> None:
        t0 = time.perf_counter()
        try:
            res = fn()
        except Exception as e:  # noqa: BLE001 - recorded, the run goes on
            out[name] = {"error": f"{type(e).__name__}: {e}"[:300]}
            return
        first = time.perf_counter() - t0
        warm = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            warm = min(warm, time.perf_counter() - t0)
        out[name] = {"first": first, "warm": warm, "size": _size(res)}

    import pyoxigraph as ox

    co_stars = """SELECT DISTINCT ?other ?name WHERE {
        ?person kg:actedIn ?work . ?other kg:actedIn ?work FILTER (?other != ?person)
        ?other skos:prefLabel ?name }"""
    timed("co_stars_sparql", lambda: kg.sparql(co_stars, {"person": ox.NamedNode(who["a"])}))
    timed("co_stars", lambda: kg.ask(f"co-stars of {who['a_label']}"))
    timed("shared", lambda: kg.shared(f"<{who['a']}>", f"<{who['b']}>"))
    timed("path", lambda: kg.path(f"<{who['a']}>", f"<{who['far']}>"))
    timed("search", lambda: kg.search(who["a_label"]))
    timed("card", lambda: kg.show(f"<{who['a']}>"))
    out["peak_mib"] = _peak_mib()
    kg.close()
    return out


def _size(res: Any) -> Any:
    """How big an answer was (answers, hops, facts, matches), to show both sides agree."""
    hops = getattr(res, "hops", None)
    if isinstance(hops, int):
        return {"hops": hops}
    for attr in ("answers", "facts", "works", "nodes", "rows"):
        v = getattr(res, attr, None)
        if v is not None:
            try:
                return {attr: len(v)}
            except TypeError:
                pass
    if isinstance(res, list):
        return {"items": len(res)}
    return None


def _child(step: str, *args: str) -> dict[str, Any]:
    p = subprocess.run(
        [sys.executable, __file__, "_child", step, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if p.returncode != 0:
        raise SystemExit(f"{step} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(store_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "serve-read-only", "--location", store_dir, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    data = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, data=data, timeout=5) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the Oxigraph server did not start")


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "_child":
        step, args = sys.argv[2], sys.argv[3:]
        if step == "import":
            res = step_import(*args)
        elif step == "pick":
            res = step_pick(*args)
        else:
            res = step_queries(args[0], json.loads(args[1]))
        print(json.dumps(res))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, default=100_000, help="titles to generate")
    ap.add_argument("--imdb", type=Path, help="IMDb-format files to import (else generated)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument(
        "--store", type=Path, help="keep the imported store here (an existing one is reused)"
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=args.workdir))
    results: dict[str, Any] = {"works": args.works, "load_average": [os.getloadavg()]}
    try:
        store = str(args.store or work / "store")
        if args.store is not None and args.store.is_dir():
            print(f"reusing the store at {store}", flush=True)
        else:
            imdb = args.imdb
            if imdb is None:
                imdb = work / "imdb"
                subprocess.run(
                    [sys.executable, str(HERE / "generate.py"), "--works", str(args.works)]
                    + ["--imdb", str(imdb)],
                    check=True,
                )
            results["import"] = imp = _child("import", str(imdb), store)
            print(
                f"import-imdb: {imp['seconds']:.0f} s, {imp['triples']:,} triples, "
                f"{imp['rows_per_s']:,.0f} rows/s, peak {imp['peak_mib']:.0f} MiB",
                flush=True,
            )
        results["who"] = who = _child("pick", store)
        print(f"picked: {who}", flush=True)
        results["embedded"] = _child("queries", store, json.dumps(who))
        print(f"embedded: {results['embedded']}", flush=True)
        proc, url = _serve(store)
        try:
            results["server"] = _child("queries", url, json.dumps(who))
        finally:
            proc.terminate()
            proc.wait(30)
        print(f"server: {results['server']}", flush=True)
        results["load_average"].append(os.getloadavg())
        print(table(results))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def table(r: dict[str, Any]) -> str:
    def ms(x: dict[str, Any]) -> str:
        if "error" in x:
            return "error: " + x["error"][:60]
        return f"{1000 * x['first']:,.0f} ms first, {1000 * x['warm']:,.0f} ms warm"

    lines = [
        "| question | embedded | Oxigraph server (`--store URL`) |",
        "|---|---:|---:|",
    ]
    for k in ("co_stars_sparql", "co_stars", "shared", "path", "search", "card"):
        lines.append(f"| {k} | {ms(r['embedded'][k])} | {ms(r['server'][k])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
