"""Ways to write an N-Quads file plus its merged default graph, measured side by side (issue 18).

    python benchmarks/bench_load_designs.py --file F.nq [--rounds 2] [--kinds raw,floor,...]

Each design runs in its own process and a fresh store directory, in alternating rounds; CPU
seconds include the bulk loader's threads. The ratios are against ``raw`` of the same run.
Every design but ``raw``, ``check`` and ``check_nt`` ends with the file's quads in their named
graphs and its triples in the default graph (what ``kgraph load`` must write, issue 12's merge):

- ``raw``: ``Store.bulk_load(path=F)``, the baseline;
- ``floor``: ``raw``, then the triples bulk-loaded into the default graph from an N-Triples file
  written before the rounds (no Python touches a quad: the least the engine can do);
- ``floor_lenient``: the same, both parsers lenient (what kgraph does after its check pass);
- ``one_pass``: idea (a), the file parsed once in Python, each quad and its triple fed to one
  ``bulk_extend``;
- ``one_file``: idea (c), one bulk load of a file holding each quad and its triple (written
  before the rounds);
- ``parallel``: the floor's two bulk loads in two threads at once;
- ``check``: kgraph's check pass alone (parse, predicates, graphs, blank nodes, triple terms);
- ``check_nt``: the check pass writing the N-Triples the merge is loaded from;
- ``check_in_extend``: the check folded into a ``bulk_extend`` of the quads, the triples
  serialized on the way, then bulk-loaded into the default graph (one parse of the file).
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

KINDS = "raw,floor,floor_lenient,one_pass,one_file,parallel,check,check_nt,check_in_extend"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _checked(nq: str, seen: dict[str, set[Any]]) -> Iterator[Any]:
    """The quads of the file, with kgraph's per-quad checks (as in ``loading._scan``)."""
    import pyoxigraph as ox

    rdf_type = ox.NamedNode(RDF_TYPE)
    preds, graphs, classes = seen["preds"], seen["graphs"], seen["classes"]
    blank, triple = ox.BlankNode, ox.Triple
    for q in ox.parse(path=nq, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=True):
        s, p, o, g = q
        preds.add(p)
        graphs.add(g)
        if p == rdf_type:
            classes.add(o)
        if type(s) is blank or type(o) is blank or type(s) is triple or type(o) is triple:
            raise ValueError("the designs here assume no blank node and no triple term")
        yield q


def _child(kind: str, nq: str, store_dir: str, nt: str, both: str) -> dict[str, float]:
    import pyoxigraph as ox

    nquads, ntriples, default = ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES, ox.DefaultGraph()
    seen: dict[str, set[Any]] = {"preds": set(), "graphs": set(), "classes": set()}
    scratch = Path(tempfile.mkdtemp(dir=Path(store_dir).parent))
    w0, c0 = time.perf_counter(), time.process_time()
    s = ox.Store(store_dir)
    if kind in ("raw", "floor", "floor_lenient"):
        lenient = kind == "floor_lenient"
        s.bulk_load(path=nq, format=nquads, lenient=lenient)
        if kind != "raw":
            s.bulk_load(path=nt, format=ntriples, to_graph=default, lenient=lenient)
    elif kind == "one_pass":

        def both_ways() -> Iterator[Any]:
            for q in _checked(nq, seen):
                yield q
                yield ox.Quad(q.subject, q.predicate, q.object, default)

        s.bulk_extend(both_ways())
    elif kind == "one_file":
        s.bulk_load(path=both, format=nquads)
    elif kind == "parallel":
        import threading

        other = threading.Thread(
            target=s.bulk_load, kwargs={"path": nt, "format": ntriples, "to_graph": default}
        )
        other.start()
        s.bulk_load(path=nq, format=nquads)
        other.join()
    elif kind == "check":
        for _ in _checked(nq, seen):
            pass
    elif kind == "check_nt":
        out = str(scratch / "t.nt")
        ox.serialize((q.triple for q in _checked(nq, seen)), output=out, format=ntriples)
    elif kind == "check_in_extend":
        out = str(scratch / "t.nt")
        with open(out, "wb") as f:

            def quads() -> Iterator[Any]:
                buf = []
                for q in _checked(nq, seen):
                    yield q
                    buf.append(q.triple)
                    if len(buf) >= 65536:
                        ox.serialize(buf, output=f, format=ntriples)
                        buf.clear()
                ox.serialize(buf, output=f, format=ntriples)

            s.bulk_extend(quads())
        s.bulk_load(path=out, format=ntriples, to_graph=default, lenient=True)
    else:
        raise SystemExit(f"unknown design {kind!r}")
    s.flush()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    shutil.rmtree(scratch, ignore_errors=True)
    return {"wall": wall, "cpu": cpu}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        print(json.dumps(_child(*sys.argv[2:7])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file", type=Path, required=True, help="an N-Quads file (no blank nodes)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--kinds", default=KINDS)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = ap.parse_args()
    kinds = args.kinds.split(",")
    import pyoxigraph as ox

    work = Path(tempfile.mkdtemp(prefix="bench-designs-", dir=args.workdir))
    try:
        nt, both = work / "triples.nt", work / "both.nq"
        triples = (q.triple for q in ox.parse(path=str(args.file), format=ox.RdfFormat.N_QUADS))
        ox.serialize(triples, output=str(nt), format=ox.RdfFormat.N_TRIPLES)
        if "one_file" in kinds:
            with args.file.open("rb") as a, nt.open("rb") as b, both.open("wb") as out:
                shutil.copyfileobj(a, out)
                shutil.copyfileobj(b, out)
        results: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
        load0 = os.getloadavg()
        for i in range(args.rounds):
            for kind in kinds if i % 2 == 0 else kinds[::-1]:
                store = tempfile.mkdtemp(prefix=f"{kind}-", dir=work)
                child = [sys.executable, __file__, "_child", kind, str(args.file), store]
                p = subprocess.run(
                    [*child, str(nt), str(both)], capture_output=True, text=True, check=False
                )
                shutil.rmtree(store, ignore_errors=True)
                if p.returncode != 0:
                    raise SystemExit(f"{kind} failed:\n{p.stderr}")
                r = json.loads(p.stdout.strip().splitlines()[-1])
                results[kind].append(r)
                print(f"round {i + 1} {kind:16} wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s")
        med = {
            k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu")}
            for k, v in results.items()
        }
        base = med.get("raw", next(iter(med.values())))
        for k, m in med.items():
            print(
                f"{k:16} cpu {m['cpu']:7.2f} s ({m['cpu'] / base['cpu']:.2f}× raw)  "
                f"wall {m['wall']:7.2f} s ({m['wall'] / base['wall']:.2f}× raw)"
            )
        print(f"load average {load0[0]:.1f} → {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
