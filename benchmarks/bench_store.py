"""Benchmark kgraph's store against plain rdflib in memory, at growing sizes, in the same run.

    python benchmarks/bench_store.py --works 10000 100000 [--rdflib-max 100000] [--out benchmarks/results]

For each size, ``benchmarks/generate.py`` writes a synthetic film graph (N-Quads, cached in
``$KGRAPH_BENCH_DIR`` or the system temp dir); then, each step in its own process so that peak
memory (``resource.getrusage(...).ru_maxrss``) belongs to that step alone:

- ``kgraph-load``: ``kgraph.loading.load`` into a new embedded store (``derive=False``: the
  generated file already holds the derived triples) — load time and peak memory;
- ``kgraph-queries``: co-stars, shared works, search, show, ask, shortest path, export, each
  through kgraph's library, and the same SPARQL through raw pyoxigraph (kgraph's overhead);
- ``rdflib``: ``rdflib.Dataset().parse(...)`` then the same questions the plain rdflib way
  (``.query(...)`` with the same SPARQL, a BFS over ``triples()`` for the path,
  ``.serialize()`` for export) — skipped above ``--rdflib-max`` works, or stopped at
  ``--rdflib-mem-gib`` of address space, and recorded as such.

Results go to ``<out>/store-<works>.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import deque
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KG = "https://kgraph.dev/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

PREFIXES = f"PREFIX kg: <{KG}>\nPREFIX skos: <{SKOS}>\n"

CO_STARS = (
    PREFIXES
    + """SELECT ?costar (COUNT(DISTINCT ?work) AS ?n) WHERE {
  ?person kg:actedIn ?work . ?costar kg:actedIn ?work FILTER (?costar != ?person)
} GROUP BY ?costar"""
)
SHARED = (
    PREFIXES + """SELECT DISTINCT ?work WHERE { ?a kg:workedOn ?work . ?b kg:workedOn ?work }"""
)
SHOW = PREFIXES + """SELECT ?p ?o ?g WHERE { GRAPH ?g { ?e ?p ?o } }"""
SEARCH = (
    PREFIXES
    + """SELECT ?e ?label WHERE { ?e skos:prefLabel ?label
  FILTER (CONTAINS(LCASE(STR(?label)), LCASE(?text))) } LIMIT 10"""
)
ASK = (
    PREFIXES
    + """SELECT DISTINCT ?work WHERE { ?w kg:director ?person . ?person kg:actedIn ?work }"""
)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn, repeat: int = 3) -> tuple[float, Any]:
    """Best of ``repeat`` wall-clock runs, in seconds, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _sub(query: str, **terms: str) -> str:
    """Bind variables by a VALUES block first in the WHERE group (as kgraph does)."""
    values = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in terms.items())
    i = query.index("{", query.index("WHERE"))
    return query[: i + 1] + " " + values + " " + query[i + 1 :]


def _pick(nq: Path) -> dict[str, str]:
    """A busy actor, a frequent collaborator of theirs and a far-away person, read from the file."""
    import pyoxigraph as ox

    acted: dict[str, int] = {}
    works: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for i, q in enumerate(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)):
        p = q.predicate.value
        if p == KG + "actedIn":
            acted[q.subject.value] = acted.get(q.subject.value, 0) + 1
            works.setdefault(q.object.value, []).append(q.subject.value)
        elif p == SKOS + "prefLabel" and "/person/" in q.subject.value:
            labels[q.subject.value] = q.object.value
        if i > 3_000_000:
            break
    # names typed by a user must be unambiguous: only people whose label is theirs alone
    count: dict[str, int] = {}
    for label in labels.values():
        count[label] = count.get(label, 0) + 1
    ranked = sorted(
        (k for k in acted if count.get(labels.get(k, ""), 0) == 1), key=lambda k: -acted[k]
    )
    a = ranked[0]
    b = next(x for w in works.values() if a in w for x in w if x != a)
    far = ranked[len(ranked) // 2]
    return {
        "a": a,
        "b": b,
        "far": far,
        "a_label": labels.get(a, ""),
        "far_label": labels.get(far, ""),
    }


def _bfs(neighbours, a: str, b: str, budget: int = 5000) -> int:
    """Hops from a to b (-1 when not found within ``budget`` expanded nodes: same work both ways)."""
    seen, todo = {a: 0}, deque([a])
    while todo and budget > 0:
        budget -= 1
        x = todo.popleft()
        if x == b:
            return seen[x]
        for y in neighbours(x):
            if y not in seen:
                seen[y] = seen[x] + 1
                todo.append(y)
    return -1


# -- the steps, each run in its own process -----------------------------------------------


def step_kgraph_load(nq: Path, store_dir: Path) -> dict[str, Any]:
    from kgraph.build import open_store
    from kgraph.loading import load

    t = time.perf_counter()
    store = open_store(str(store_dir), read_only=False)
    report = load(store, [nq], derive=False)
    store.close()
    return {"seconds": time.perf_counter() - t, "quads": report.quads, "peak_mib": _rss_mib()}


def step_kgraph_load_memory(nq: Path) -> dict[str, Any]:
    from kgraph.build import open_store
    from kgraph.loading import load

    t = time.perf_counter()
    store = open_store("memory:")
    report = load(store, [nq], derive=False)
    return {"seconds": time.perf_counter() - t, "quads": report.quads, "peak_mib": _rss_mib()}


def step_kgraph_queries(nq: Path, store_dir: Path, who: dict[str, str]) -> dict[str, Any]:
    import pyoxigraph as ox

    from kgraph import KnowledgeGraph
    from kgraph.store import OxigraphStore

    t0 = time.perf_counter()
    store = OxigraphStore(store_dir, read_only=True)
    kg = KnowledgeGraph(store)
    raw = store.raw
    out: dict[str, Any] = {"open_seconds": time.perf_counter() - t0}
    a, b = ox.NamedNode(who["a"]), ox.NamedNode(who["b"])

    def both(name: str, query: str, bindings: dict[str, Any], raw_text: str) -> None:
        t_kg, res = _timed(lambda: kg.sparql(query, bindings))

        def consume() -> int:
            sols = raw.query(raw_text, use_default_graph_as_union=True)
            names = [v.value for v in sols.variables]
            return len([[s[n] for n in names] for s in sols])

        t_raw, n_raw = _timed(consume)
        out[name] = {
            "kgraph": t_kg,
            "raw_pyoxigraph": t_raw,
            "rows": len(res.rows),
            "raw_rows": n_raw,
        }

    both("co_stars", CO_STARS, {"person": a}, _sub(CO_STARS, person=str(a)))
    both("shared_works", SHARED, {"a": a, "b": b}, _sub(SHARED, a=str(a), b=str(b)))
    both("show_sparql", SHOW, {"e": a}, _sub(SHOW, e=str(a)))
    both(
        "search_sparql",
        SEARCH,
        {"text": ox.Literal(who["a_label"][:6])},
        _sub(SEARCH, text=str(ox.Literal(who["a_label"][:6]))),
    )
    both("ask_sparql", ASK, {"person": a}, _sub(ASK, person=str(a)))

    def library(name: str, fn) -> None:
        try:
            first, _ = _timed(fn, repeat=1)  # the first call pays for caches (name index …)
            warm, _ = _timed(fn)
            out[name] = {"kgraph": first, "warm": warm}
        except (ImportError, AttributeError, TypeError) as e:  # command not in this checkout
            out[name] = {"kgraph": None, "note": f"unavailable: {type(e).__name__}: {e}"}
        except Exception as e:  # noqa: BLE001 - record, do not stop the run
            out[name] = {"kgraph": None, "note": f"{type(e).__name__}: {e}"[:300]}

    library("search", lambda: kg.search(who["a_label"]))
    library("show", lambda: kg.show(who["a"]))
    library("ask", lambda: kg.ask(f"co-stars of {who['a_label']}"))
    library("path", lambda: kg.path(who["a_label"], who["far_label"]))

    def export() -> int:
        from kgraph.export import export as ex

        return len(ex(store, "nquads"))

    library("export", export)
    out["peak_mib"] = _rss_mib()
    return out


def step_rdflib(nq: Path, who: dict[str, str]) -> dict[str, Any]:
    warnings.simplefilter("ignore")
    import rdflib

    t = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(str(nq), format="nquads")
    out: dict[str, Any] = {"load_seconds": time.perf_counter() - t, "load_peak_mib": _rss_mib()}
    a, b = rdflib.URIRef(who["a"]), rdflib.URIRef(who["b"])

    def q(name: str, query: str, **bindings: Any) -> None:
        t, res = _timed(lambda: len(list(ds.query(query, initBindings=bindings))), repeat=1)
        out[name] = {"rdflib": t, "rows": res}

    q("co_stars", CO_STARS, person=a)
    q("shared_works", SHARED, a=a, b=b)
    q("show_sparql", SHOW, e=a)
    q("search_sparql", SEARCH, text=rdflib.Literal(who["a_label"][:6]))
    q("ask_sparql", ASK, person=a)
    worked = rdflib.URIRef(KG + "workedOn")

    def neighbours(x: str) -> list[str]:
        s = rdflib.URIRef(x)
        return [
            str(y)
            for _, _, w in ds.triples((s, worked, None))
            for y, _, _ in ds.triples((None, worked, w))
        ]

    out["path_bfs"] = {
        "rdflib": _timed(lambda: _bfs(neighbours, who["a"], who["far"]), repeat=1)[0]
    }
    out["export"] = {"rdflib": _timed(lambda: len(ds.serialize(format="nquads")), repeat=1)[0]}
    out["peak_mib"] = _rss_mib()
    return out


# -- driver ---------------------------------------------------------------------------------


def _child(
    args: list[str], mem_gib: float | None = None, timeout: float = 6 * 3600
) -> dict[str, Any]:
    def limit() -> None:
        if mem_gib:
            cap = int(mem_gib * (1 << 30))
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    p = subprocess.run(
        [sys.executable, __file__, "_step", *args],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=timeout,
        check=False,
    )
    if p.returncode != 0:
        tail = (p.stderr or "").strip().splitlines()[-1:] or [f"exit {p.returncode}"]
        return {"failed": tail[0][:300], "returncode": p.returncode}
    return json.loads(p.stdout.strip().splitlines()[-1])


def run(works: int, out_dir: Path, rdflib_max: int, rdflib_mem_gib: float) -> dict[str, Any]:
    work = Path(os.environ.get("KGRAPH_BENCH_DIR") or tempfile.gettempdir()) / "kgraph-bench"
    work.mkdir(parents=True, exist_ok=True)
    nq = work / f"works-{works}.nq"
    if not nq.exists():
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--works", str(works), "--out", str(nq)],
            check=True,
        )
        print(f"generated {nq} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    who = _pick(nq)
    store_dir = Path(tempfile.mkdtemp(prefix=f"store-{works}-", dir=work))
    result: dict[str, Any] = {
        "works": works,
        "file": str(nq),
        "file_bytes": nq.stat().st_size,
        "who": who,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
        },
        "command": f"python benchmarks/bench_store.py --works {works}",
    }
    result["kgraph_load"] = _child(["kgraph-load", str(nq), str(store_dir)])
    result["kgraph_load_memory"] = _child(["kgraph-load-memory", str(nq)])
    result["kgraph_queries"] = _child(["kgraph-queries", str(nq), str(store_dir), json.dumps(who)])
    if works <= rdflib_max:
        result["rdflib"] = _child(["rdflib", str(nq), json.dumps(who)], mem_gib=rdflib_mem_gib)
    else:
        result["rdflib"] = {"skipped": f"above --rdflib-max {rdflib_max} works"}
    import shutil

    shutil.rmtree(store_dir, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"store-{works}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def _fmt(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "—"
    if unit == "s":
        return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"
    return f"{x:.0f} MiB"


def _ratio(slow: float | None, fast: float | None) -> str:
    if not slow or not fast:
        return "—"
    return f"{slow / fast:.1f}×"


def table(results: list[dict[str, Any]]) -> str:
    """The Markdown table of docs/stores.md."""
    lines = [
        "| works | quads | measure | kgraph | rdflib in-memory | rdflib ÷ kgraph | kgraph ÷ raw pyoxigraph |",
        "|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        kl, kq, rl = r.get("kgraph_load", {}), r.get("kgraph_queries", {}), r.get("rdflib", {})
        n, quads = f"{r['works']:,}", f"{kl.get('quads', 0):,}"
        rl_note = rl.get("skipped") or rl.get("failed")
        km = r.get("kgraph_load_memory", {})
        rows = [
            ("load (embedded, on disk)", kl.get("seconds"), rl.get("load_seconds"), None),
            ("peak memory (load, embedded)", kl.get("peak_mib"), rl.get("load_peak_mib"), None),
            ("load (`memory:` store)", km.get("seconds"), rl.get("load_seconds"), None),
            ("peak memory (load, `memory:`)", km.get("peak_mib"), rl.get("load_peak_mib"), None),
        ]
        for key, label in [
            ("co_stars", "co-stars (SPARQL)"),
            ("shared_works", "shared works (SPARQL)"),
            ("search_sparql", "search (label SPARQL)"),
            ("show_sparql", "show (SPARQL)"),
            ("ask_sparql", "ask (SPARQL)"),
        ]:
            rows.append(
                (
                    label,
                    kq.get(key, {}).get("kgraph"),
                    rl.get(key, {}).get("rdflib"),
                    kq.get(key, {}).get("raw_pyoxigraph"),
                )
            )
        rows.append(
            (
                "shortest path (`kg.path` / rdflib BFS)",
                kq.get("path", {}).get("kgraph"),
                rl.get("path_bfs", {}).get("rdflib"),
                None,
            )
        )
        rows.append(
            (
                "export N-Quads",
                kq.get("export", {}).get("kgraph"),
                rl.get("export", {}).get("rdflib"),
                None,
            )
        )
        for key, label in [
            ("search", "`kg.search`"),
            ("show", "`kg.show`"),
            ("ask", "`kg.ask` (co-stars question)"),
        ]:
            rows.append((label, kq.get(key, {}).get("kgraph"), None, None))
        for label, k, rv, raw in rows:
            unit = "MiB" if label.startswith("peak memory") else "s"
            rtext = (
                _fmt(rv, unit)
                if rv is not None
                else (rl_note or "—")
                if label.startswith("load")
                else _fmt(rv, unit)
            )
            ratio = _ratio(rv, k)
            if unit == "MiB" and rv and k:
                ratio = f"{rv / k:.1f}×"
            lines.append(
                f"| {n} | {quads} | {label} | {_fmt(k, unit)} | {rtext} | {ratio} | "
                f"{_ratio(k, raw) if raw else ''} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_step":
        kind, rest = argv[1], argv[2:]
        if kind == "kgraph-load":
            res = step_kgraph_load(Path(rest[0]), Path(rest[1]))
        elif kind == "kgraph-load-memory":
            res = step_kgraph_load_memory(Path(rest[0]))
        elif kind == "kgraph-queries":
            res = step_kgraph_queries(Path(rest[0]), Path(rest[1]), json.loads(rest[2]))
        else:
            res = step_rdflib(Path(rest[0]), json.loads(rest[1]))
        print(json.dumps(res))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--rdflib-max", type=int, default=100_000, help="largest size rdflib is run at")
    ap.add_argument(
        "--rdflib-mem-gib", type=float, default=14.0, help="address-space cap for rdflib"
    )
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument(
        "--table", action="store_true", help="print the table of the saved results and exit"
    )
    args = ap.parse_args(argv)
    if args.table:
        saved = [
            json.loads((args.out / f"store-{w}.json").read_text())
            for w in args.works
            if (args.out / f"store-{w}.json").exists()
        ]
        print(table(saved))
        return 0
    results = []
    for w in args.works:
        results.append(run(w, args.out, args.rdflib_max, args.rdflib_mem_gib))
        print(f"done {w} works", file=sys.stderr)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
