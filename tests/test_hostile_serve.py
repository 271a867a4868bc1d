"""Issue 15, the endpoint under attack: items 6, 8, 10, 11, 12, 16 and 18, each reproduced.

In-process :class:`~kgraph.server.SparqlServer` instances with the limits under test set low, and
one real ``kgraph serve`` process for what only its stderr shows (item 16).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import get, http, stop_server

from kgraph.build import open_store
from kgraph.errors import UsageError
from kgraph.loading import load
from kgraph.server import ServerConfig, SparqlServer


@pytest.fixture(scope="module")
def srv() -> Iterator[SparqlServer]:
    config = ServerConfig(
        port=0,
        workers=1,
        timeout=20,
        worker_memory=300,
        max_bytes=1 << 20,
        header_timeout=1.0,
        io_timeout=2.0,
        max_connections=6,
    )
    with SparqlServer(config, store="memory:") as s:
        yield s


class _Listener:
    """A TCP listener that counts connections (the target a SERVICE call would reach)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.hits = 0
        self.port = self.sock.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            c.close()

    def close(self) -> None:
        self._stop = True
        self.sock.close()


def test_service_escapes_cannot_smuggle_a_call(srv):
    """Item 6: ``person:a\\#b`` and ``kg:a\\'`` made the comment/string scanner miss the SERVICE
    that followed, and the server really called the URL."""
    target = _Listener()
    try:
        url = f"http://127.0.0.1:{target.port}/"
        attacks = [
            f"SELECT * WHERE {{ ?s ?p person:a\\#b . SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p kg:a\\' . SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f'SELECT * WHERE {{ ?s ?p kg:a\\" . SERVICE <{url}> {{ ?s ?p ?o }} }}',
            f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p kg:a\\# . SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} # '",
        ]
        for q in attacks:
            status, _h, body = get(srv.url, q)
            assert status == 403 and b"SERVICE" in body, (q, status, body)
        time.sleep(0.3)
        assert target.hits == 0
        # ``service`` as a variable, a local name or in a string is not federation
        for q in (
            'SELECT ?service WHERE { ?service ?p "SERVICE" }',
            "SELECT * WHERE { ?s kg:service ?o }",
        ):
            assert get(srv.url, q)[0] == 200
    finally:
        target.close()


def test_cross_origin_post_is_refused_without_cors(srv):
    """Item 8: a form POST from another site's page was executed."""
    form = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _h, body = http(srv.url, data=form, headers={**ctype, "Origin": "http://evil.example"})
    assert status == 403 and b"cross-origin" in body
    status, _h, body = http(srv.url, data=form, headers={**ctype, "Origin": "null"})
    assert status == 403
    own = f"http://127.0.0.1:{srv.port}"
    status, _h, body = http(srv.url, data=form, headers={**ctype, "Origin": own})
    assert status == 200 and json.loads(body)["boolean"] is True
    assert http(srv.url, data=form, headers=ctype)[0] == 200  # no Origin: not a browser page
    with SparqlServer(ServerConfig(port=0, workers=1, cors=True), store="memory:") as open_srv:
        status, headers, _b = http(
            open_srv.url, data=form, headers={**ctype, "Origin": "http://evil.example"}
        )
        assert status == 200 and headers["access-control-allow-origin"] == "*"


def _doubling(times: int) -> str:
    binds = " ".join(f"BIND (CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?s{times}) AS ?n) WHERE {{ BIND ("0123456789abcdef" AS ?s0) {binds} }}'


def test_worker_memory_is_bounded(srv):
    """Item 10: string doubling in 811 bytes of query pushed a worker to 793 MB. With a 300 MiB
    limit a query that needs 1 GiB is stopped (503), the worker replaced, and the next answered."""
    q = _doubling(26)  # a 1 GiB string, copied
    assert len(q) < 1500
    status, _h, body = get(srv.url, q)
    assert status == 503 and b"memory limit of 300 MiB" in body, body
    status, _h, body = get(srv.url, _doubling(10))
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "16384"


def test_response_bytes_are_bounded(srv):
    """Item 10: one 67 MB row came back whole. Rows are cut at ``max_bytes`` (1 MiB here)."""
    q = _doubling(21).replace("(STRLEN(?s21) AS ?n)", "?s21")  # one 32 MiB value
    status, headers, body = get(srv.url, q)
    assert status == 200 and headers["x-kgraph-truncated"] == f"max-bytes={1 << 20}"
    assert len(body) < 1 << 20
    q = "SELECT ?x WHERE { VALUES ?i { 1 2 3 4 5 6 7 8 } " + (
        'BIND (CONCAT(STR(?i), "' + "x" * 200_000 + '") AS ?x) }'
    )
    status, headers, body = http(
        srv.url, data=q.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    rows = json.loads(body)["results"]["bindings"]
    assert 0 < len(rows) < 8 and headers["x-kgraph-truncated"].startswith("max-bytes=")


def test_a_client_that_does_not_read_is_dropped(srv):
    """Item 10: slow readers held their answers (and threads) without bound; a client that stops
    reading is now disconnected after ``io_timeout`` (2 s here)."""
    q = _doubling(19).replace("(STRLEN(?s19) AS ?n)", "?s19")  # ~8 MiB response, capped at 1 MiB
    before = threading.active_count()
    socks = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        path = "/sparql?" + urllib.parse.urlencode({"query": q})
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        socks.append(s)
    deadline = time.monotonic() + 30
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert threading.active_count() <= before  # every handler thread gave up on its reader
    for s in socks:
        s.close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
        "SELECT * WHERE { FILTER (" + "(" * 5000 + "true" + ")" * 5000 + ") }",
        "SELECT * WHERE { FILTER (" + " || ".join(["true"] * 20000) + ") }",
        "SELECT * WHERE { BIND (" + "+".join(["1"] * 20000) + " AS ?x) }",
    ],
    ids=["braces", "parentheses", "or-chain", "plus-chain"],
)
def test_deep_nesting_is_refused_before_the_engine(srv, kgraph_proc, tmp_path, query):
    """Item 11: 3,000 nested ``{``, 5,000 ``(``, a 20,000-term ``||`` crashed the process (exit
    139, no message) and the endpoint's workers in a loop."""
    killed = srv.pool.killed
    status, _h, body = http(
        srv.url, data=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 400 and (b"levels deep" in body or b"operators" in body), body[:200]
    assert srv.pool.killed == killed  # no worker died
    f = tmp_path / "deep.rq"
    f.write_text(query)
    r = kgraph_proc("--store", "memory:", "sparql", f"@{f}")
    assert r.code == 2 and r.stderr.count("\n") == 1 and "limit" in r.stderr, r.stderr[:300]


def test_idle_and_half_sent_requests_are_disconnected(srv):
    """Item 12: 1,000 half-sent requests held 1,000 threads forever. A request line and headers
    must arrive within ``header_timeout`` (1 s here), idle keep-alive connections included."""
    half = socket.create_connection(("127.0.0.1", srv.port))
    half.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line
    idle = socket.create_connection(("127.0.0.1", srv.port))
    slow = socket.create_connection(("127.0.0.1", srv.port))
    for ch in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n":  # trickled, 0.1 s a byte
        try:
            slow.sendall(bytes([ch]))
        except OSError:
            break
        time.sleep(0.1)
    for s in (half, idle, slow):
        s.settimeout(10)
        t0 = time.monotonic()
        assert s.recv(1024) == b""  # closed by the server
        assert time.monotonic() - t0 < 5
        s.close()


def test_connection_limit(srv):
    """Item 12: with a low descriptor limit 58 idle connections blocked everyone. Connections
    beyond ``max_connections`` (6 here) get a one-line 503 at once, and are closed."""
    idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(6)]
    time.sleep(0.2)
    extra = socket.create_connection(("127.0.0.1", srv.port))
    extra.settimeout(5)
    answer = extra.recv(4096)
    assert answer.startswith(b"HTTP/1.1 503") and answer.endswith(
        b"too many connections; try again shortly\n"
    )
    for s in [*idle, extra]:
        s.close()
    time.sleep(1.5)  # the idle ones time out; the server answers again
    assert get(srv.url, "ASK {}")[0] == 200


def test_fifty_clients_at_once_are_not_reset():
    """Item 12: the listen backlog of 5 reset connections under 50 clients (8 of 8,944)."""
    with SparqlServer(ServerConfig(port=0, workers=2), store="memory:") as s:
        errors: list[BaseException] = []
        ok = []
        barrier = threading.Barrier(60)

        def client() -> None:
            barrier.wait()
            try:
                ok.append(get(s.url, "ASK {}")[0])
            except (OSError, urllib.error.URLError) as e:
                errors.append(e)

        threads = [threading.Thread(target=client) for _ in range(60)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == [] and ok == [200] * 60


@pytest.mark.slow
def test_server_hangups_trace_and_garbage(kg, tmp_path: Path):
    """Item 16: a full traceback on stderr for every client that hung up early; TRACE and garbage
    requests answered with HTML error pages."""
    import re
    import subprocess
    import sys

    assert kg.store is not None  # built before the server's workers open it
    log = tmp_path / "stderr.txt"
    exe = str(Path(sys.executable).with_name("kgraph"))
    with log.open("w") as f:
        proc = subprocess.Popen(
            [exe, "serve", "--port", "0", "--timeout", "5"], stderr=f, stdout=subprocess.DEVNULL
        )
    deadline = time.monotonic() + 60
    while not (m := re.search(r"SPARQL endpoint at (http://\S+/sparql)", log.read_text())):
        assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
        time.sleep(0.1)
    url = m.group(1)
    try:
        host, port = url.split("//")[1].split("/")[0].split(":")
        q = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        for _ in range(20):  # ask, then hang up without reading
            c = socket.create_connection((host, int(port)))
            c.sendall(f"GET /sparql?{q} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            c.close()  # RST
        for raw, status in (
            (b"TRACE /sparql HTTP/1.1\r\nHost: x\r\n\r\n", b"405"),
            (b"HELLO\r\n\r\n", b"400"),
            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", b"400"),
            (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", b"414"),
        ):
            c = socket.create_connection((host, int(port)))
            c.settimeout(10)
            c.sendall(raw)
            data = b""
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
            c.close()
            head, _, body = data.partition(b"\r\n\r\n")
            assert head.split(b" ")[1] == status, data[:200]
            assert b"text/plain" in head and b"<" not in body and body.count(b"\n") == 1, data
        assert get(url, "ASK {}")[0] == 200
    finally:
        assert stop_server(proc) == 0
    err = log.read_text()
    assert "Traceback" not in err and err.count("\n") == 1, err  # the start line only


def test_serve_store_dir_sees_later_loads(tmp_path: Path):
    """Item 18: ``serve --store DIR`` never saw later loads or unloads."""
    d = tmp_path / "store"
    s = open_store(str(d), read_only=False)
    s.close()
    f = tmp_path / "people.nt"
    f.write_text('<https://example.org/a> <https://example.org/name> "A" .\n')
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/name> ?o }"
    with SparqlServer(ServerConfig(port=0, workers=2), store=str(d)) as srv:

        def n() -> int:
            return int(json.loads(get(srv.url, count)[2])["results"]["bindings"][0]["n"]["value"])

        assert n() == 0
        w = open_store(str(d), read_only=False)
        load(w, [f])
        w.close()
        assert n() == 1 and n() == 1  # both workers
        from kgraph.loading import unload

        w = open_store(str(d), read_only=False)
        unload(w, "people.nt")
        w.close()
        assert n() == 0 and n() == 0


def test_serve_on_a_missing_directory_creates_nothing(tmp_path: Path, kgraph_proc):
    """Item 18: on a missing directory the "read-only" endpoint created a store, held writable."""
    d = tmp_path / "nothing-here"
    with pytest.raises(UsageError, match="no store there"):
        SparqlServer(ServerConfig(port=0, workers=1), store=str(d))
    r = kgraph_proc("--store", str(d), "serve", "--port", "0")
    assert r.code == 2 and "no store there" in r.stderr
    assert not d.exists()
    # a reader creating a new store (in a directory the user made) hands it over read-only
    (tmp_path / "fresh").mkdir()
    s = open_store(str(tmp_path / "fresh"))
    assert not s.writable
    s.close()


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e300"])
def test_serve_timeout_must_be_a_real_number(kgraph_proc, value):
    """Item 15: ``serve --timeout nan`` answered everything with 500."""
    r = kgraph_proc("serve", "--port", "0", "--timeout", value)
    assert r.code == 2 and "--timeout" in r.stderr and "Traceback" not in r.stderr


def test_idle_connections_under_a_low_descriptor_limit(kg, tmp_path: Path):
    """Item 12: with a low descriptor limit 58 idle connections blocked everyone. The connection
    cap is lowered to what ``ulimit -n`` leaves, so a real client gets an answer at once (200, or
    a one-line 503 while the idle ones wait for their header deadline), never a hang."""
    import re
    import resource
    import subprocess
    import sys

    assert kg.store is not None

    log = tmp_path / "stderr.txt"
    exe = str(Path(sys.executable).with_name("kgraph"))
    limited = (
        "import os, resource, sys; resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128)); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    assert resource.RLIMIT_NOFILE
    with log.open("w") as f:
        proc = subprocess.Popen(
            [sys.executable, "-c", limited, exe, "serve", "--port", "0", "--workers", "1"],
            stderr=f,
            stdout=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 60
    while not (m := re.search(r"SPARQL endpoint at (http://\S+/sparql)", log.read_text())):
        assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
        time.sleep(0.1)
    url = m.group(1)
    port = int(url.split(":")[2].split("/")[0])
    idle = []
    try:
        for _ in range(100):
            idle.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(0.5)
        t0 = time.monotonic()
        status = None
        try:
            status = get(url, "ASK {}")[0]
        except (ConnectionError, urllib.error.URLError):
            status = None
        assert status in (200, 503) and time.monotonic() - t0 < 10
        for s in idle:
            s.close()
        idle = []
        time.sleep(0.5)
        assert get(url, "ASK {}")[0] == 200
    finally:
        for s in idle:
            s.close()
        assert stop_server(proc) == 0
    assert "Traceback" not in log.read_text()
