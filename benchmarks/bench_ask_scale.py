"""`kgraph ask` on a big store: first call and warm, and where the time of the first goes.

Each question is asked of a freshly opened store (so nothing derived from it is held: the fact
base, the name index), once (first) and again (warm), in one process; the queries the store ran
are counted and timed, split into the fact base's reads (kgraph.factbase) and the rest (linking
the names, the saved query, the path search). The store is opened read-only, never written.

    python benchmarks/bench_ask_scale.py --store /work/scale3/store \\
        --person kgr:person/imdb-nm0372088 --other kgr:person/imdb-nm0277454 \\
        --far kgr:person/imdb-nm0304559
    python benchmarks/bench_ask_scale.py --store http://127.0.0.1:7916/query ...

(a server on the same directory: ``oxigraph serve-read-only --location DIR --bind
127.0.0.1:7916``). Names that several people share are refused as ambiguous (as a user would
see): give people as kgraph CURIEs (``kgr:person/...``) or names unique in the store.

With ``--distinct N``, memory instead: one process (as a ``kgraph serve`` worker is) asks N
distinct questions of the store, about N different people (co-stars and works by IRI, who is
by name, in turn), and reports its resident memory after the first and after all N (the ratio),
with what the lazy fact base holds and how many fresh starts it made. ``--hold`` sets its bound
(kgraph.factbase.HOLD_LIMIT; ``--hold 0`` starts afresh after every question: the floor of the
engine's own memory; a huge one: unbounded, as before the bound)::

    python benchmarks/bench_ask_scale.py --store /work/scale3/store --distinct 2000
    python benchmarks/bench_ask_scale.py --store /work/scale3/store --distinct 2000 --serve

(``--serve``: the questions go to ``/ask`` of a ``kgraph serve`` of the store with one worker
and no answer cache, and the worker's resident memory is reported, default bound.)
"""

from __future__ import annotations

import argparse
import json
import time
import traceback
from typing import Any


def run(spec: str, question: str) -> dict[str, Any]:
    from kgraph.build import open_store
    from kgraph.errors import KGraphError
    from kgraph.questions import ask

    store = open_store(spec)
    calls: list[tuple[float, bool]] = []
    query = store.query

    def counted(sparql: str, bindings: Any = None, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return query(sparql, bindings, **kw)
        finally:
            stack = "".join(traceback.format_stack(limit=12))
            calls.append((time.perf_counter() - t0, "factbase.py" in stack))

    store.query = counted  # type: ignore[method-assign]
    out: dict[str, Any] = {"question": question}
    for phase in ("first", "warm"):
        calls.clear()
        t0 = time.perf_counter()
        try:
            a = ask(store, question)
            out[f"{phase}_answers"] = len(a.answers)
        except KGraphError as e:
            out[f"{phase}_error"] = f"{type(e).__name__}: {e}"[:200]
        out[f"{phase}_s"] = round(time.perf_counter() - t0, 3)
        out[f"{phase}_queries"] = len(calls)
        out[f"{phase}_factbase_queries"] = sum(1 for _, fb in calls if fb)
        out[f"{phase}_factbase_s"] = round(sum(d for d, fb in calls if fb), 3)
    store.close()
    return out


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _children_rss_mib() -> float:
    """The resident memory of this process's child processes (a server's workers), in MiB."""
    import os
    from pathlib import Path

    total = 0.0
    me = str(os.getpid())
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == me and b"resource_tracker" not in cmd:
            total += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    return total


def _people(spec: str, n: int) -> list[str]:
    """``n`` distinct questions about ``n`` different people of the store."""
    from kgraph.build import open_store

    store = open_store(spec)
    rows = store.select(f"SELECT ?p ?l WHERE {{ ?p a kg:Person ; skos:prefLabel ?l }} LIMIT {n}")
    store.close()
    people = [(r["p"].value, r["l"].value) for r in rows]
    if len(people) < n:
        raise SystemExit(f"the store names {len(people)} people, fewer than --distinct {n}")
    templates = ("co-stars of <{iri}>", "what has <{iri}> been in?", "who is {label}?")
    return [templates[i % 3].format(iri=iri, label=lb) for i, (iri, lb) in enumerate(people)]


def distinct_served(spec: str, n: int) -> dict[str, Any]:
    """The same through ``kgraph serve`` (one worker, no answer cache): the worker's RSS."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from kgraph.server import ServerConfig, SparqlServer

    questions = _people(spec, n)
    out: dict[str, Any] = {"store": spec, "distinct": n, "served": True}
    statuses: dict[int, int] = {}
    config = ServerConfig(port=0, workers=1, cache_mb=0, timeout=60.0)
    t0 = time.perf_counter()
    with SparqlServer(config, store=spec) as srv:
        base = srv.url.rsplit("/", 1)[0] + "/ask?q="
        for i, q in enumerate(questions):
            try:
                with urllib.request.urlopen(base + urllib.parse.quote(q), timeout=120) as r:
                    r.read()
                    code = r.status
            except urllib.error.HTTPError as e:
                code = e.code
            statuses[code] = statuses.get(code, 0) + 1
            if i == 0:
                out["rss_after_1_mib"] = round(_children_rss_mib(), 1)
            if (i + 1) % max(n // 8, 1) == 0:
                out.setdefault("rss_course_mib", {})[i + 1] = round(_children_rss_mib(), 1)
        out["rss_after_n_mib"] = round(_children_rss_mib(), 1)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["statuses"] = statuses
    out["ratio"] = round(out["rss_after_n_mib"] / out["rss_after_1_mib"], 2)
    return out


def distinct(spec: str, n: int, hold: int | None) -> dict[str, Any]:
    """RSS after the first and after ``n`` distinct questions asked in one process."""
    import kgraph.factbase as F
    from kgraph import linking
    from kgraph.build import open_store
    from kgraph.errors import KGraphError
    from kgraph.questions import ask

    if hold is not None:
        F.HOLD_LIMIT = hold
    questions = _people(spec, n)
    store = open_store(spec)
    read = {"queries": 0, "rows": 0}  # the store's work, whatever the machine's load
    select = store.select

    def counted(query: str, *args: Any, **kw: Any) -> Any:
        rows = select(query, *args, **kw)
        read["queries"] += 1
        read["rows"] += len(rows)
        return rows

    store.select = counted  # type: ignore[method-assign]
    out: dict[str, Any] = {"store": spec, "distinct": n, "hold_limit": F.HOLD_LIMIT}
    answered = 0
    t0 = time.perf_counter()
    for i, q in enumerate(questions):
        try:
            ask(store, q)
            answered += 1
        except KGraphError:
            pass
        if i == 0:
            out["rss_after_1_mib"] = round(_rss_mib(), 1)
        if (i + 1) % max(n // 8, 1) == 0:  # the course: a plateau, or growth with every question
            out.setdefault("rss_course_mib", {})[i + 1] = round(_rss_mib(), 1)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["answered"] = answered
    out.update(read)
    out["rss_after_n_mib"] = round(_rss_mib(), 1)
    out["ratio"] = round(out["rss_after_n_mib"] / out["rss_after_1_mib"], 2)
    fb = F.facts_of(store)
    if isinstance(fb, F.LazyFactBase):
        out["fact_base_held"] = fb.held()
        out["fact_base_generations"] = fb.generation + 1
    m = linking._matcher(store)
    out["matcher_recent"] = [len(m._recent or ()), len(m._recent_rows or ())]
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a store directory or a SPARQL endpoint URL")
    ap.add_argument("--person")
    ap.add_argument("--other", help="someone who shares a work with --person")
    ap.add_argument("--far", help="someone a few hops from --person")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--distinct", type=int, help="memory after N distinct questions instead")
    ap.add_argument("--hold", type=int, help="with --distinct: the lazy fact base's bound")
    ap.add_argument(
        "--serve", action="store_true", help="with --distinct: ask a `kgraph serve` (its worker)"
    )
    args = ap.parse_args()
    if args.distinct:
        if args.serve:
            r = distinct_served(args.store, args.distinct)
        else:
            r = distinct(args.store, args.distinct, args.hold)
        print(
            json.dumps(r, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in r.items())
        )
        return
    if not (args.person and args.other and args.far):
        ap.error("--person, --other and --far are needed (or --distinct N)")
    questions = [
        f"co-stars of {args.person}",
        f"what has {args.person} been in?",
        f"which works do {args.person} and {args.other} share?",
        f"how are {args.person} and {args.far} connected?",
    ]
    results = [run(args.store, q) for q in questions]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"store: {args.store}")
    print(
        f"{'question':<70}{'first s':>9}{'(facts s)':>10}{'queries':>9}{'warm s':>8}{'answers':>8}"
    )
    for r in results:
        print(
            f"{r['question'][:69]:<70}{r['first_s']:>9.2f}{r['first_factbase_s']:>10.2f}"
            f"{r['first_queries']:>9}{r['warm_s']:>8.3f}"
            f"{r.get('first_answers', r.get('first_error', '')):>8}"
        )


if __name__ == "__main__":
    main()
