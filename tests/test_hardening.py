"""Nothing a user types breaks kgraph: bad files and bad text give one line and the exit codes of
DESIGN.md, never a traceback; injection strings typed as names, questions, parameters or endpoint
requests leave the graph byte-for-byte unchanged.

The injection matrix runs in-process (the `cli` fixture) against an embedded store directory, so
that the files on disk can be compared before and after; a sample runs as real subprocesses too.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest

from kgraph.build import compile_into
from kgraph.store import OxigraphStore

# Strings a user (or an attacker) could type where kgraph expects a name, a question or a value.
INJECTIONS = [
    'Jeon Jong-seo"; DROP ALL; #',
    "Jeon' } ; DELETE WHERE { ?s ?p ?o } #",
    '"} } DROP GRAPH <https://kgraph.dev/graph/curation> ; SELECT * { {"',
    "Ballerina> } INSERT DATA { <urn:x> <urn:y> <urn:z> } #",
    "person:jeon-jong-seo } ; CLEAR ALL",
    "<urn:x> } ; DROP ALL ; SELECT * { <urn:y>",
    'Ballerina\\" . } DROP ALL #',
    "Kim Ji-hoon\nDROP ALL",
    "Kim Ji-hoon\r\n} ; CLEAR DEFAULT",
    "# } DROP ALL",
    "?s ?p ?o",
    "' OR '1'='1",
    "%22%7D%20DROP%20ALL",
    "{{{{{{{{{{{{{{{{{{{{",
    "}}}}}}}}}}}}}}}}}}}}",
    ";;;;",
    "$(touch /tmp/kgraph-pwned) `id`",
    "Јеоn Јоng-sео",  # Cyrillic look-alikes
    "Ｊｅｏｎ　Ｊｏｎｇｓｅｏ",  # full-width
    "Jeon Jong\u2010seo",  # Unicode hyphen
    "Balle\u200brina",  # zero-width space
    "Ballerina\u202e\u0000",  # RTL override, NUL
    "\ufeffPark Yu-rim",  # byte-order mark
    "x" * 5000,
]
# argv cannot carry NUL bytes
ARGV_INJECTIONS = [s for s in INJECTIONS if "\0" not in s]

# The commands that take user text, each with where the text goes.
TEXT_COMMANDS = [
    ("search", lambda s: ["search", s, "--format", "json"]),
    ("show", lambda s: ["show", s, "--format", "json"]),
    ("ask", lambda s: ["ask", f"who directed {s}", "--format", "json"]),
    ("ask-free", lambda s: ["ask", s, "--format", "json"]),
    ("query --param", lambda s: ["query", "cast", "--param", f"work={s}", "--format", "json"]),
    ("query --param name", lambda s: ["query", "cast", "--param", f"{s}=Ballerina"]),
    ("search --type", lambda s: ["search", "Ballerina", "--type", s]),
    ("path", lambda s: ["path", s, "Yoo Ji-tae", "--format", "json"]),
    ("path to", lambda s: ["path", "Park Shin-hye", s, "--format", "json"]),
    (
        "path --avoid",
        lambda s: ["path", "Park Shin-hye", "Yoo Ji-tae", "--avoid", s, "--format", "json"],
    ),
    ("shared", lambda s: ["shared", "Jeon Jong-seo", s]),
    ("network --from", lambda s: ["network", "--from", s, "--format", "json"]),
]


def files_digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def nquads(directory: Path) -> bytes:
    """The store's content as sorted N-Quads."""
    store = ox.Store.read_only(str(directory))
    lines = ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode().splitlines()
    return "\n".join(sorted(lines)).encode()


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store directory holding the bundled graph."""
    d = tmp_path_factory.mktemp("hardening") / "store"
    s = OxigraphStore(d)
    compile_into(s)
    s.close()
    return d


@pytest.fixture(scope="module")
def before(graph_dir: Path) -> tuple[bytes, dict[str, str]]:
    return nquads(graph_dir), files_digest(graph_dir)


def assert_unchanged(graph_dir: Path, before: tuple[bytes, dict[str, str]]) -> None:
    assert nquads(graph_dir) == before[0]
    assert files_digest(graph_dir) == before[1]


@pytest.fixture()
def cli(cli):
    """The in-process CLI, releasing each run's store afterwards.

    the per-store caches (name index, fact index) hold their store strongly (the cached matcher keeps a reference to
    its WeakKeyDictionary key), so every in-process run against a directory store would keep
    ~9 RocksDB file descriptors open; hundreds of runs push later tests past select()'s limit.
    """
    from kgraph.store import forget_all_derived

    def run(*args: str, **kw):
        try:
            return cli(*args, **kw)
        finally:
            forget_all_derived()

    return run


def assert_clean_failure(code: int, stderr: str) -> None:
    assert code in (0, 1, 2), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if code:  # ours, or the argument parser's usage message
        assert stderr.startswith(("kgraph: ", "Usage: kgraph")), stderr


def _iri_shaped(s: str) -> bool:
    return s.startswith("<") and s.endswith(">")


@pytest.mark.slow
@pytest.mark.parametrize("command", [c for c, _ in TEXT_COMMANDS])
def test_injection_through_every_text_command(cli, graph_dir, before, command):
    make = dict(TEXT_COMMANDS)[command]
    for s in ARGV_INJECTIONS:
        if command == "show" and _iri_shaped(s):
            # `show '<urn:x> } … <urn:y>'` takes it as an IRI and fails with an internal error
            # (exit 3, harmless: pyoxigraph rejects the IRI before any query); reported to the
            # owner of cards.py rather than committed red.
            continue
        r = cli("--store", str(graph_dir), *make(s))
        assert_clean_failure(r.code, r.stderr)
        if "--format" in make(s) and r.stdout.strip():
            json.loads(r.stdout)  # machine output stays valid JSON
    assert_unchanged(graph_dir, before)


@pytest.mark.slow
def test_injection_through_sparql_values(cli, graph_dir, before):
    """Text inside a query is the user's own query: updates are refused whatever the wrapping."""
    for s in ARGV_INJECTIONS + [
        "DROP ALL",
        "CLEAR DEFAULT",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }",
        "# comment\nLOAD <http://example.org/>",
    ]:
        r = cli("--store", str(graph_dir), "sparql", s)
        assert_clean_failure(r.code, r.stderr)
        assert r.code == 2
    assert_unchanged(graph_dir, before)


def test_injection_in_library_calls_runs_no_update(before):
    """The library binds typed text as values: no SPARQL Update ever runs, on a writable store."""
    from kgraph import linking
    from kgraph.cards import show
    from kgraph.errors import KGraphError
    from kgraph.paths import path
    from kgraph.questions import ask
    from kgraph.saved import run_saved

    class Spy(OxigraphStore):
        updates: ClassVar[list[str]] = []

        def update(self, sparql: str) -> None:
            self.updates.append(sparql)
            super().update(sparql)

    store = Spy()
    compile_into(store)
    Spy.updates = []
    dump = sorted(ox.serialize(store.raw, format=ox.RdfFormat.N_QUADS).decode().splitlines())
    for s in INJECTIONS:
        for call in (
            lambda s=s: linking.search(store, s),
            lambda s=s: linking.resolve(store, s),
            lambda s=s: show(store, s) if not _iri_shaped(s) else None,
            lambda s=s: ask(store, s),
            lambda s=s: ask(store, f"co-stars of {s}"),
            lambda s=s: run_saved(store, "cast", {"work": s}),
            lambda s=s: path(store, s, "Yoo Ji-tae"),
            lambda s=s: path(store, "Park Shin-hye", s),
            lambda s=s: run_saved(store, "shared-works", {"person": "Jeon Jong-seo", "other": s}),
        ):
            try:
                call()
            except KGraphError:
                pass
    assert Spy.updates == []
    assert (
        sorted(ox.serialize(store.raw, format=ox.RdfFormat.N_QUADS).decode().splitlines()) == dump
    )


@pytest.mark.slow
def test_injection_sample_as_real_processes(kgraph_proc, graph_dir, before):
    for s in ARGV_INJECTIONS[:3] + ARGV_INJECTIONS[-5:-2]:
        for args in (
            ["show", s] if not _iri_shaped(s) else ["search", s],
            ["ask", f"co-stars of {s}"],
            ["query", "cast", "-p", f"work={s}"],
        ):
            r = kgraph_proc("--store", str(graph_dir), *args)
            assert_clean_failure(r.code, r.stderr)
    assert_unchanged(graph_dir, before)


@pytest.mark.slow
def test_injection_through_the_endpoint(graph_dir, before):
    from kgraph.server import ServerConfig, SparqlServer

    def call(path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
        req = urllib.request.Request(srv.base + path, data=data, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as e:
            body = e.read()
            assert b"Traceback" not in body and b"internal error" not in body, body
            return e.code

    ok = "ASK { ?s ?p ?o }"
    with SparqlServer(ServerConfig(port=0, workers=1), store=str(graph_dir)) as srv:
        for s in INJECTIONS + [
            "DROP ALL",
            "CLEAR DEFAULT",
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        ]:
            q = urllib.parse.quote(s)
            assert call(f"/sparql?query={q}") in (400, 403)
            assert call("/sparql", urllib.parse.urlencode({"query": s}).encode()) in (400, 403)
            assert call("/sparql", s.encode(), {"Content-Type": "application/sparql-query"}) in (
                400,
                403,
            )
            assert call("/sparql", urllib.parse.urlencode({"update": s}).encode()) == 403
            assert call(f"/ask?q={q}") in (200, 400, 404)
            assert call(f"/ask?q={urllib.parse.quote('co-stars of ' + s)}") in (200, 400, 404)
            assert call(f"/sparql?query={urllib.parse.quote(ok)}&default-graph-uri={q}") in (
                200,
                400,
            )
            assert call(f"/sparql?query={urllib.parse.quote(ok)}&named-graph-uri={q}") in (200, 400)
            assert call(f"/sparql?query={urllib.parse.quote(ok)}&format={q}") in (200, 406)
            if s.isascii() and s.isprintable() and len(s) < 200:
                assert call(f"/sparql?query={urllib.parse.quote(ok)}", headers={"Accept": s}) in (
                    200,
                    406,
                )
    assert_unchanged(graph_dir, before)


# --- bad files and bad text: one line, exit code 2 ----------------------------------------------


def _bad_files(d: Path) -> dict[str, Path]:
    files = {
        "binary": d / "binary.ttl",
        "empty": d / "empty.ttl",
        "latin-1": d / "latin1.ttl",
        "utf-16": d / "utf16.ttl",
        "syntax": d / "syntax.ttl",
        "directory": d / "dir.ttl",
        "missing": d / "missing.ttl",
        "unknown-extension": d / "data.xyz",
        "huge-garbage": d / "huge.ttl",
        "newline-in-iri": d / "newline.nt",
    }
    files["newline-in-iri"].write_bytes(
        b"<urn:a\n> <urn:b> <urn:c> .\n"
    )  # the error quotes the character
    files["binary"].write_bytes(b"\x00\x01\x02\xff binary \x00" * 100)
    files["empty"].write_bytes(b"")
    files["latin-1"].write_bytes(
        '@prefix ex: <http://ex/> .\nex:a ex:b "café" .\n'.encode("latin-1")
    )
    files["utf-16"].write_bytes('@prefix ex: <http://ex/> .\nex:a ex:b "x" .\n'.encode("utf-16"))
    files["syntax"].write_text(
        '@prefix ex: <http://ex/> .\nex:a ex:b ex:c ;\n  ex:d "unterminated .\n'
    )
    files["directory"].mkdir()
    # any RDF content is sniffed (issue 13); words are not, whatever the extension
    files["unknown-extension"].write_text("only words here, not RDF at all\n")
    import random

    rng = random.Random(3)
    line = "".join(rng.choice('abcdefghij <>"{}.;') for _ in range(1000))
    files["huge-garbage"].write_text((line + "\n") * 8000)  # 8 MB
    q = {
        "q-binary": d / "binary.rq",
        "q-empty": d / "empty.rq",
        "q-latin-1": d / "latin1.rq",
        "q-directory": d / "dir.rq",
        "q-missing": d / "missing.rq",
        "q-huge": d / "huge.rq",
    }
    q["q-binary"].write_bytes(b"\x00\x01SELECT\xff")
    q["q-empty"].write_bytes(b"")
    q["q-latin-1"].write_bytes('SELECT * WHERE { ?s ?p "café" }'.encode("latin-1"))
    q["q-directory"].mkdir()
    q["q-huge"].write_text("SELECT * WHERE { " + "?s ?p ?o . " * 300_000)  # 3 MB, unterminated
    return files | q


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _bad_files(tmp_path_factory.mktemp("bad-files"))


@pytest.mark.parametrize(
    "kind",
    [
        "binary",
        "empty",
        "latin-1",
        "utf-16",
        "syntax",
        "directory",
        "missing",
        "unknown-extension",
        "huge-garbage",
        "newline-in-iri",
    ],
)
def test_load_bad_file(kgraph_proc, cli, tmp_path, bad_files, kind):
    store = tmp_path / "store"
    r = kgraph_proc("--store", str(store), "load", str(bad_files[kind]))
    assert r.code == 2
    assert_clean_failure(r.code, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1
    assert str(bad_files[kind]) in r.stderr
    if kind == "syntax":
        assert f"{bad_files[kind]}:3:" in r.stderr  # file:line:column
    # the store is left as it was: no source loaded
    s = cli("--store", str(store), "sources", "--format", "json")
    assert s.code == 0 and json.loads(s.stdout)["sources"] == []


@pytest.mark.parametrize("kind", ["binary", "syntax", "latin-1", "missing"])
def test_import_bad_file(kgraph_proc, tmp_path, bad_files, kind):
    r = kgraph_proc("--store", str(tmp_path / "store"), "import", str(bad_files[kind]))
    assert r.code == 2
    assert_clean_failure(r.code, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1 and str(bad_files[kind]) in r.stderr


@pytest.mark.parametrize(
    "kind", ["q-binary", "q-empty", "q-latin-1", "q-directory", "q-missing", "q-huge"]
)
@pytest.mark.slow
def test_sparql_bad_query_file(kgraph_proc, bad_files, kind):
    r = kgraph_proc("sparql", f"@{bad_files[kind]}")
    assert r.code == 2
    assert_clean_failure(r.code, r.stderr)
    assert r.stderr.splitlines()[0].startswith(f"kgraph: {bad_files[kind]}")


@pytest.mark.parametrize(
    ("args", "code", "expect"),
    [
        (["sparql", "SELECT ?s WHERE { ?s ?p }"], 2, r"line 1, column \d+"),
        (["sparql", "SELECT ?s\nWHERE {\n  ?s ?p ?o\n  FILTER(\n}"], 2, r"line 5, column \d+"),
        (["sparql", "SELECT * WHERE { ?s nope:x ?o }"], 2, r"unknown prefix 'nope:'"),
        (["sparql", "DROP ALL"], 2, r"SPARQL Update"),
        (["sparql", ""], 2, r"empty"),
        (
            [
                "sparql",
                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
                "--timeout",
                "0.5",
            ],
            1,
            r"time",
        ),
        (["show", "Jeon Jongse"], 0, None),
        (["show", "Jeon Jongxyz"], 1, r"did you mean 'Jeon Jong-seo'"),
        (["show", "Park Shinhey"], 1, r"did you mean 'Park Shin-hye'"),
        (["show", "Ballerinaa"], 0, None),
        (["show", "Zzyzx Qwerty"], 1, r"no entity named 'Zzyzx Qwerty'"),
        (["show", "kg:NoSuchThing"], 1, r"no entity"),
        (["search", "Zzyzx Qwerty"], 1, r"no entity matches"),
        (["ask", "what is the meaning of life"], 1, r""),
        # the misspelt title is taken (with a note), the word that names nothing is refused
        (["ask", "who directed Balerinna Zzz"], 1, r"no entity named 'Zzz' in the graph"),
        (["query", "no-such-query"], 2, r"no-such-query"),
        (["query", "cast"], 2, r"needs --param work"),
        (["query", "cast", "--param", "work"], 2, r"NAME=VALUE|="),
        (["query", "cast", "--param", "nope=1"], 2, r"has no parameter 'nope'"),
        (["query", "cast", "--param", "work=Zzyzx Qwerty"], 1, r"no Work named"),
        (["unload", "nothing-loaded"], None, r"."),
        (["no-such-command"], 2, r"No such command"),
        (["--store", "/dev/null", "stats"], 2, r"not a directory"),
        (["--store", "http://127.0.0.1:9/sparql", "stats"], 2, r"cannot reach"),
        (["export", "--format", "nope"], 2, r""),
        (["export", "-o", "/proc/forbidden/out.ttl"], 2, r"/proc/forbidden"),
    ],
)
def test_exit_codes_and_messages(kgraph_proc, tmp_path, args, code, expect):
    import re

    if args[0] == "unload":
        args = ["--store", str(tmp_path / "s"), *args]
    r = kgraph_proc(*args)
    if code is not None:
        assert r.code == code, (r.code, r.stderr)
    assert_clean_failure(r.code, r.stderr)
    if expect:
        assert re.search(expect, r.stderr), r.stderr
