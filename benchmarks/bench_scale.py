"""IMDb-shaped titles at scale: import time and memory, then the questions' latency on the embedded
store and through ``--store`` on an Oxigraph (or Virtuoso) server holding the same data, side by
side.

    python benchmarks/bench_scale.py --works 100000 [--imdb DIR] [--workdir W] [--json F]

1. ``import``: ``kgraph.imdb.import_imdb`` of the IMDb-format files (``--imdb DIR``, else written
   by ``benchmarks/generate.py --works N --imdb``) into a new embedded store, in its own process:
   seconds, rows/s, triples, peak memory.
2. ``pick``: a busy actor with a name of their own, one of their co-stars, and a person about
   three collaboration hops away (a sampled breadth-first search over ``kg:workedOn``).
3. ``embedded`` and ``server``: in a fresh process each, a :class:`kgraph.KnowledgeGraph` on the
   store directory, then on ``oxigraph serve-read-only`` started on that same directory (the same
   data; queries go through :class:`kgraph.store.RemoteStore`, as ``--store URL`` does): the
   latency of co-stars (the SPARQL, then ``ask "co-stars of NAME"`` and ``ask "co-stars of
   <IRI>"``: a name shared by several people is refused with the candidates), shared works
   (``shared``), the path (``path``), a name search (``search``) and a card (``show``): the first
   call (which pays for caches such as the name index and the fact base) and the best of three
   warm calls; the answers' sizes, and the triples of the named graphs, to show both sides agree.

Prints a Markdown table; ``--json`` writes everything.

``--server virtuoso`` puts a Virtuoso Open-Source server in the server column instead
(``virtuoso-t`` with a private ini and database under ``--virtuoso-db``, about 6 GB of buffers, no
query time or result-size limit the questions could hit):

    python benchmarks/bench_scale.py --works 1000000 --server virtuoso --no-embedded \
        --virtuoso-db /work/scale6/virtuoso --workdir /work/scale6 [--imdb DIR]

4. ``convert``: ``import-imdb``'s own work without a store, the TSV -> N-Triples pass
   (``kgraph.imdb.convert``, the very lines ``import-imdb`` writes to its temporary file), into
   chunks of ``--chunk-mib``: seconds, rows/s, peak memory.
5. ``records``: what ``import-imdb`` writes besides those lines — the ontology graph and the
   file's record in its own graph — taken from kgraph itself: a tiny IMDb directory of the same
   directory name imported into an in-memory store, every quad but its data triples.
6. ``virtuoso_load``: Virtuoso's own bulk loader (``ld_add`` per file into the graph
   ``import-imdb`` would have written, ``rdf_loader_run()`` in two parallel ``isql-vt`` sessions,
   ``checkpoint``): seconds, triples/s, database size, server peak memory; the chunks are then
   deleted. ``RemoteStore.managed_graphs`` recognises the result as a kgraph store, so queries
   name the same dataset as on the embedded store (there is no ``kgg:merged`` copy: a query's
   default graph is then the managed graphs themselves, which for one source are the same
   triples). The database and ``bench-load.json`` stay in ``--virtuoso-db``: a second run only
   starts the server and asks the questions.

This is how a DBA loads a dump this size. kgraph's own ``--store URL load`` sends the data
through SPARQL Update requests (and rewrites the merged graph on the server): right for the
files of a knowledge base, not meant for 10^8 triples. ``--no-embedded`` drops the embedded
column, for when the disk cannot hold the embedded store (at 10^6 titles: about 134 M triples,
an embedded store projected at about 75 GB, since Oxigraph keeps six uncompressed indexes per
named-graph quad and three more for the merged default graph's copy).
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


def step_pick(spec: str) -> dict[str, Any]:
    """The people the questions are about, from the store ``spec`` (a directory or a URL)."""

    from kgraph.build import open_store

    store = open_store(spec)
    try:
        return pick(store)
    finally:
        store.close()


def pick(store: Any) -> dict[str, Any]:
    """A busy actor with a name of their own, a co-star, a person about three hops away."""
    import pyoxigraph as ox

    busy = store.select(
        """SELECT ?p (COUNT(*) AS ?n) WHERE { ?p kg:actedIn ?w } GROUP BY ?p
           ORDER BY DESC(?n) ?p LIMIT 200"""
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
        "SELECT DISTINCT ?b WHERE { ?a kg:actedIn ?w . ?b kg:actedIn ?w FILTER (?b != ?a) } ORDER BY ?b",
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
    return out


def step_queries(spec: str, who: dict[str, str], timeout: float | None = None) -> dict[str, Any]:
    """The questions on ``spec``; ``timeout``: a remote store's per-request limit (kgraph's
    default, 60 s, when None)."""
    from kgraph import KnowledgeGraph
    from kgraph.store import RemoteStore

    t = time.perf_counter()
    url = spec.startswith(("http://", "https://"))
    kg = KnowledgeGraph(RemoteStore(spec, timeout=timeout) if url and timeout else spec)
    out: dict[str, Any] = {"open_seconds": time.perf_counter() - t}

    def timed(name: str, fn: Any) -> None:
        t0 = time.perf_counter()
        try:
            res = fn()
        except Exception as e:  # noqa: BLE001 - recorded, the run goes on
            # a refusal (an ambiguous name, a timeout) is an answer too: when it came is kept
            out[name] = {"error": f"{type(e).__name__}: {e}"[:300], "first": _since(t0)}
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
    # the same question naming the person by IRI: an answer even where the name is shared
    # (the generator's 60,840 names cannot give 3.6 M people at 10^6 titles names of their own)
    timed("co_stars_iri", lambda: kg.ask(f"co-stars of <{who['a']}>"))
    timed("shared", lambda: kg.shared(f"<{who['a']}>", f"<{who['b']}>"))
    timed("path", lambda: kg.path(f"<{who['a']}>", f"<{who['far']}>"))
    timed("search", lambda: kg.search(who["a_label"]))
    timed("card", lambda: kg.show(f"<{who['a']}>"))
    out["peak_mib"] = _peak_mib()
    try:  # the same data on both sides: the triples of kgraph's named graphs (not timed)
        rows = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        out["named_graph_triples"] = int(rows[0]["n"].value)
    except Exception as e:  # noqa: BLE001 - recorded, the run goes on
        out["named_graph_triples"] = f"{type(e).__name__}: {e}"[:300]
    kg.close()
    return out


def _since(t0: float) -> float:
    return time.perf_counter() - t0


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


# -- the Virtuoso column ----------------------------------------------------------------------


class _Chunks:
    """A text file object writing N-Triples into numbered chunk files of about ``size`` bytes
    each (``imdb.convert`` writes whole lines per call, so a chunk ends at a line's end), so
    that Virtuoso's bulk loader can read them in parallel."""

    def __init__(self, directory: Path, size: int) -> None:
        self.directory, self.size = directory, size
        self.paths: list[Path] = []
        self._out: Any = None
        self._written = 0

    def write(self, text: str) -> int:
        if self._out is None or self._written >= self.size:
            self.close()
            path = self.directory / f"data-{len(self.paths):04d}.nt"
            self.paths.append(path)
            self._out = path.open("w", encoding="utf-8", newline="\n")
            self._written = 0
        n = self._out.write(text)
        self._written += len(text)
        return int(n)

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def step_convert(imdb: str, out_dir: str, chunk_mib: str) -> dict[str, Any]:
    """``import-imdb``'s own work without the store: the TSV -> N-Triples pass (``imdb.convert``)
    into chunk files (the same lines import-imdb writes into its one temporary file)."""
    from kgraph.imdb import convert

    t = time.perf_counter()
    chunks = _Chunks(Path(out_dir), int(chunk_mib) << 20)
    try:
        files, missing, triples = convert(Path(imdb), chunks)  # type: ignore[arg-type]
    finally:
        chunks.close()
    seconds = time.perf_counter() - t
    rows = sum(f.rows for f in files)
    return {
        "seconds": seconds,
        "rows": rows,
        "rows_per_s": rows / seconds if rows else None,
        "triples_written": triples,
        "skipped": sum(f.skipped for f in files),
        "missing": missing,
        "bytes": sum(p.stat().st_size for p in chunks.paths),
        "chunks": [str(p) for p in chunks.paths],
        "peak_mib": _peak_mib(),
    }


def step_records(imdb: str, out_dir: str, nt_path: str) -> dict[str, Any]:
    """What ``import-imdb`` writes besides the data triples: a tiny IMDb directory of the same
    name imported by kgraph into an in-memory store, every quad of its graphs but the data (the
    ontology graph, the file's own record in its graph), one N-Triples file per graph. Taken
    from kgraph itself, not written by hand, so that a server holding them plus the bulk-loaded
    data is the store ``kgraph import-imdb`` would have made (its merged default graph aside)."""
    import pyoxigraph as ox

    from kgraph.imdb import import_imdb, source_name
    from kgraph.store import OxigraphStore

    sys.path.insert(0, str(HERE))
    import generate

    name = Path(imdb).resolve().name
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / name
        generate.imdb(tiny, 5)
        store = OxigraphStore()
        import_imdb(store, tiny)
        file_graph = f"https://kgraph.dev/id/source/file/{source_name(tiny)}"
        graphs: dict[str, list[str]] = {}
        for q in store.raw.quads_for_pattern(None, None, None, None):
            if not isinstance(q.graph_name, ox.NamedNode):
                continue  # the merged default graph: kgraph's, rebuilt from the named graphs
            g = q.graph_name.value
            if g == file_graph and q.subject != q.graph_name:
                continue  # the tiny fixture's data: the real data is bulk-loaded
            o = q.object
            if q.predicate.value.endswith("#filePath"):
                o = ox.Literal(nt_path)  # where this run's N-Triples were written
            graphs.setdefault(g, []).append(f"{q.subject} {q.predicate} {o} .\n")
    files = {}
    for i, (g, lines) in enumerate(sorted(graphs.items())):
        path = Path(out_dir) / f"kgraph-{i}.nt"
        path.write_text("".join(sorted(lines)), encoding="utf-8")
        files[str(path)] = g
    return {"graph": file_graph, "files": files}


class Virtuoso:
    """``virtuoso-t`` on free loopback ports with its database in ``db`` (kept: a loaded database
    is reused by a later run), sized for this benchmark: ``buffers`` pages of 8 KiB (by default
    about 4 GiB, some 6 GB with the rest of its memory), no query time or result-size limit that
    the questions could hit, ``allowed`` directories readable by the bulk loader."""

    def __init__(self, db: Path, allowed: list[Path], buffers: int = 510_000) -> None:
        self.db = db
        self.sql_port, self.http_port = _free_port(), _free_port()
        while self.http_port == self.sql_port:
            self.http_port = _free_port()
        self.url = f"http://127.0.0.1:{self.http_port}/sparql"
        self.isql = shutil.which("isql-vt") or shutil.which("isql") or "isql-vt"
        db.mkdir(parents=True, exist_ok=True)
        dirs = ", ".join([".", *(str(p) for p in allowed)])
        ini = f"""[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = {self.sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {dirs}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * 3 // 4}
MaxQueryMem = 2G
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
[HTTPServer]
ServerPort = {self.http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""
        (db / "virtuoso.ini").write_text(ini)
        exe = shutil.which("virtuoso-t")
        if exe is None:
            raise SystemExit("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
        self.out = (db / "virtuoso.out").open("ab")
        self.proc = subprocess.Popen(
            [exe, "+configfile", str(db / "virtuoso.ini"), "+foreground"],
            cwd=db,
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )
        data = urllib.parse.urlencode({"query": "ASK {}"}).encode()
        for _ in range(1500):  # a large database can take a while to come up (roll forward)
            if self.proc.poll() is not None:
                raise SystemExit(f"virtuoso-t exited: see {db}/virtuoso.log")
            try:
                with urllib.request.urlopen(self.url, data=data, timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("Virtuoso did not start")

    def sql(self, statement: str, timeout: float | None = None) -> str:
        p = subprocess.run(
            [self.isql, str(self.sql_port), "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if p.returncode != 0 or "*** Error" in p.stdout + p.stderr:
            raise SystemExit(f"isql: {statement[:200]}:\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
        return p.stdout

    def peak_mib(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.sql("shutdown;", timeout=600)
            except (SystemExit, subprocess.TimeoutExpired):
                pass
            try:
                self.proc.wait(600)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                self.proc.wait(60)
        self.out.close()


def _du_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def virtuoso_load(
    server: Virtuoso, files: dict[str, str], loaders: int = 2, delete: bool = True
) -> dict[str, Any]:
    """Virtuoso's own bulk loader, as a DBA loads a dump this size: ``ld_add`` every file with its
    graph, ``rdf_loader_run()`` in ``loaders`` parallel sessions, then ``checkpoint``."""
    t = time.perf_counter()
    for path, graph in files.items():
        server.sql(f"ld_add('{path}', '{graph}');")
    procs = [
        subprocess.Popen(
            [server.isql, str(server.sql_port), "dba", "dba", "exec=rdf_loader_run();"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(loaders)
    ]
    outs = [p.communicate()[0] for p in procs]
    server.sql("checkpoint;")
    seconds = time.perf_counter() - t
    errors = server.sql(
        "select ll_file, ll_error from DB.DBA.load_list where ll_error is not null;"
    )
    if any(p.returncode for p in procs) or "*** Error" in "".join(outs) or ".nt" in errors:
        raise SystemExit(f"the bulk load failed:\n{''.join(outs)[-2000:]}\n{errors[-2000:]}")
    if delete:  # loaded: the database holds them now (disk space)
        for path in files:
            Path(path).unlink(missing_ok=True)
    return {"seconds": seconds, "loaders": loaders, "files": len(files)}


def _count(url: str, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    data = urllib.parse.urlencode({"query": q}).encode()
    req = urllib.request.Request(
        url, data=data, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(req, timeout=3600) as r:
        return int(json.load(r)["results"]["bindings"][0]["n"]["value"])


def virtuoso_column(
    imdb: Path | None, db: Path, work: Path, chunk_mib: int, results: dict[str, Any]
) -> Virtuoso:
    """A Virtuoso server on ``db`` holding what ``import-imdb`` of ``imdb`` writes: loaded now
    (the conversion timed on its own, then the bulk load) unless ``db`` holds a loaded database
    already (its ``bench-load.json``). Returns the running server."""
    marker = db / "bench-load.json"
    if marker.exists():
        print(f"reusing the Virtuoso database at {db}", flush=True)
        results.update(json.loads(marker.read_text()))
        return Virtuoso(db, [])
    assert imdb is not None
    nt = work / "nt"
    nt.mkdir(parents=True, exist_ok=True)
    conv = _child("convert", str(imdb), str(nt), str(chunk_mib))
    print(
        f"convert (import-imdb's TSV -> N-Triples): {conv['seconds']:.0f} s, "
        f"{conv['rows']:,} rows ({conv['rows_per_s']:,.0f} rows/s), "
        f"{conv['triples_written']:,} triples, {conv['bytes'] / 2**30:.1f} GiB, "
        f"peak {conv['peak_mib']:.0f} MiB",
        flush=True,
    )
    from kgraph.imdb import source_name

    rec = _child("records", str(imdb), str(nt), str(work / "nt" / source_name(imdb)))
    files = {p: rec["graph"] for p in conv.pop("chunks")} | rec["files"]
    server = Virtuoso(db, [nt])
    try:
        load = virtuoso_load(server, files)
        load["triples"] = _count(server.url, rec["graph"])
        load["triples_per_s"] = load["triples"] / load["seconds"]
        load["db_bytes"] = _du_bytes(db)
        load["server_peak_mib"] = server.peak_mib()
        load["graph"] = rec["graph"]
    except BaseException:
        server.stop()
        raise
    print(
        f"Virtuoso bulk load: {load['seconds']:.0f} s, {load['triples']:,} triples "
        f"({load['triples_per_s']:,.0f}/s), database {load['db_bytes'] / 2**30:.1f} GiB, "
        f"server peak {load['server_peak_mib'] or 0:.0f} MiB",
        flush=True,
    )
    done = {"convert": conv, "virtuoso_load": load}
    marker.write_text(json.dumps(done, indent=2) + "\n")
    results.update(done)
    return server


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "_child":
        step, rest = sys.argv[2], sys.argv[3:]
        if step == "import":
            res = step_import(*rest)
        elif step == "pick":
            res = step_pick(*rest)
        elif step == "convert":
            res = step_convert(*rest)
        elif step == "records":
            res = step_records(*rest)
        else:
            limit = float(rest[2]) if len(rest) > 2 else None
            res = step_queries(rest[0], json.loads(rest[1]), limit)
        print(json.dumps(res))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, default=100_000, help="titles to generate")
    ap.add_argument("--imdb", type=Path, help="IMDb-format files to import (else generated)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument(
        "--store", type=Path, help="keep the imported store here (an existing one is reused)"
    )
    ap.add_argument(
        "--server",
        choices=("oxigraph", "virtuoso"),
        default="oxigraph",
        help="the server column: oxigraph serve-read-only on the embedded store's directory, "
        "or a Virtuoso server bulk-loaded with the same data",
    )
    ap.add_argument(
        "--no-embedded",
        action="store_true",
        help="with --server virtuoso: no embedded store (when the disk cannot hold it)",
    )
    ap.add_argument(
        "--virtuoso-db",
        type=Path,
        help="with --server virtuoso: keep the database here (a loaded one is reused)",
    )
    ap.add_argument("--chunk-mib", type=int, default=512, help="N-Triples chunk size for Virtuoso")
    ap.add_argument(
        "--remote-timeout",
        type=float,
        help="the server column's per-request limit in seconds (default: kgraph's, 60 s)",
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    if args.no_embedded and args.server != "virtuoso":
        ap.error("--no-embedded needs --server virtuoso (the Oxigraph server reads the store)")
    remote_limit = [] if args.remote_timeout is None else [str(args.remote_timeout)]
    work = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=args.workdir))
    results: dict[str, Any] = {
        "works": args.works,
        "server_kind": args.server,
        "command": " ".join(["python benchmarks/bench_scale.py", *sys.argv[1:]]),
        "machine": {"python": sys.version.split()[0], "cpus": os.cpu_count()},
        "load_average": [os.getloadavg()],
    }
    imdb_dir: list[Path] = []

    def imdb() -> Path:
        if not imdb_dir:
            d = args.imdb
            if d is None:
                d = work / "imdb"
                subprocess.run(
                    [sys.executable, str(HERE / "generate.py"), "--works", str(args.works)]
                    + ["--imdb", str(d)],
                    check=True,
                )
            imdb_dir.append(d)
        return imdb_dir[0]

    try:
        who: dict[str, Any] | None = None
        store = str(args.store or work / "store")
        if args.no_embedded:
            results["embedded"] = None
        elif args.store is not None and args.store.is_dir():
            print(f"reusing the store at {store}", flush=True)
        else:
            results["import"] = imp = _child("import", str(imdb()), store)
            print(
                f"import-imdb: {imp['seconds']:.0f} s, {imp['triples']:,} triples, "
                f"{imp['rows_per_s']:,.0f} rows/s, peak {imp['peak_mib']:.0f} MiB",
                flush=True,
            )
        if not args.no_embedded:
            results["who"] = who = _child("pick", store)
            print(f"picked: {who}", flush=True)
            results["embedded"] = _child("queries", store, json.dumps(who))
            print(f"embedded: {results['embedded']}", flush=True)
        if args.server == "oxigraph":
            proc, url = _serve(store)
            try:
                results["server"] = _child("queries", url, json.dumps(who), *remote_limit)
            finally:
                proc.terminate()
                proc.wait(30)
        else:
            db = args.virtuoso_db or work / "virtuoso"
            loaded = (db / "bench-load.json").exists()
            server = virtuoso_column(None if loaded else imdb(), db, work, args.chunk_mib, results)
            try:
                if who is None:
                    cached = db / "bench-who.json"
                    if cached.exists():
                        who = json.loads(cached.read_text())
                    else:
                        who = _child("pick", server.url)
                        cached.write_text(json.dumps(who, indent=2) + "\n")
                    results["who"] = who
                    print(f"picked: {who}", flush=True)
                results["server"] = _child("queries", server.url, json.dumps(who), *remote_limit)
                results["server_peak_mib"] = server.peak_mib()
            finally:
                server.stop()
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
            when = f" after {x['first']:,.1f} s" if "first" in x else ""
            return f"error{when}: " + x["error"][:60]
        return f"{1000 * x['first']:,.0f} ms first, {1000 * x['warm']:,.0f} ms warm"

    name = "Virtuoso" if r.get("server_kind") == "virtuoso" else "Oxigraph"
    lines = [
        f"| question | embedded | {name} server (`--store URL`) |",
        "|---|---:|---:|",
    ]
    for k in ("co_stars_sparql", "co_stars", "co_stars_iri", "shared", "path", "search", "card"):
        if k not in r["server"]:
            continue
        emb = ms(r["embedded"][k]) if r["embedded"] else "not run (--no-embedded)"
        lines.append(f"| {k} | {emb} | {ms(r['server'][k])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
