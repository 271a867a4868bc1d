"""Issue 15, items 7, 13 and 15 (remote part): a hostile or broken remote SPARQL store.

Each "remote" is a real HTTP server on a loopback port, in a thread, answering what the attack
needs: a redirect to another origin, a trickle, garbage, JSON without ``results``, 403, 503.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kgraph.errors import KGraphError, RemoteError
from kgraph.store import RemoteStore

Behaviour = Callable[[BaseHTTPRequestHandler], None]


class _Remote:
    def __init__(self, behaviour: Behaviour) -> None:
        seen: list[dict[str, str]] = []
        self.seen = seen

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def do_POST(self) -> None:
                seen.append({k: v for k, v in self.headers.items()})
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                behaviour(self)

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def remote() -> Iterator[Callable[[Behaviour], _Remote]]:
    made: list[_Remote] = []

    def make(b: Behaviour) -> _Remote:
        r = _Remote(b)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def _answer(status: int, body: bytes, ctype: str = "application/sparql-results+json", **extra: str):
    def b(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            h.send_header(k.replace("_", "-"), v)
        h.end_headers()
        h.wfile.write(body)

    return b


ASK_TRUE = b'{"head": {}, "boolean": true}'


def test_credentials_never_follow_a_redirect(remote, monkeypatch):
    """Item 7: a remote store answering 302 to another host received ``Authorization: Bearer``
    there, and the redirected reply was printed as the answer."""
    other = remote(_answer(200, ASK_TRUE))
    first = remote(_answer(302, b"", Location=other.url))
    monkeypatch.setenv("KGRAPH_TOKEN", "secret-token")
    store = RemoteStore(first.url, timeout=10)
    with pytest.raises(RemoteError, match="HTTP 302, a redirect to .*does not follow redirects"):
        store.ask("ASK {}")
    assert first.seen and first.seen[0]["Authorization"] == "Bearer secret-token"
    assert other.seen == []  # nothing at all, credentials or not, reached the other host


@pytest.mark.slow
def test_a_trickling_remote_hits_a_total_deadline(remote):
    """Item 13: a server sending one byte every 0.3 s kept kgraph waiting past any timeout (the
    limit was per read)."""
    body = ASK_TRUE * 40

    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for i in range(len(body)):
                h.wfile.write(body[i : i + 1])
                h.wfile.flush()
                time.sleep(0.3)
        except OSError:
            pass

    r = remote(trickle)
    store = RemoteStore(r.url, timeout=2)
    t0 = time.monotonic()
    with pytest.raises(KGraphError, match="did not answer completely within 2 s") as e:
        store.ask("ASK {}")
    assert e.value.exit_code == 1
    assert time.monotonic() - t0 < 10  # the trickle alone would take 0.3 s x 1,160 bytes


@pytest.mark.parametrize(
    ("behaviour", "pattern"),
    [
        (_answer(200, b"<html>hello</html>", "text/html"), "not a SPARQL result"),
        (_answer(200, b'{"head": {"vars": ["x"]}}'), "not a SPARQL result .*KeyError"),
        (_answer(200, b"\xff\xfe garbage \x00"), "not a SPARQL result"),
    ],
)
def test_garbage_answers_are_one_line_errors(remote, behaviour, pattern):
    """Item 15: garbage or JSON without ``results`` ended in an internal error (exit 3)."""
    store = RemoteStore(remote(behaviour).url, timeout=10)
    with pytest.raises(RemoteError, match=pattern) as e:
        store.select("SELECT ?x WHERE { ?x ?p ?o }")
    assert "\n" not in str(e.value) and e.value.exit_code == 2


def test_a_read_only_remote_does_not_blame_credentials(remote, monkeypatch):
    """Item 15: a 403 to an update from a read-only remote suggested setting credentials."""
    r = remote(_answer(403, b"updates are disabled here", "text/plain"))
    store = RemoteStore(r.url, timeout=10)
    with pytest.raises(RemoteError) as e:
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert "refuses changes (it may be read-only" in str(e.value) and e.value.hint is None
    # a query refused without credentials still suggests them
    with pytest.raises(RemoteError) as e:
        store.ask("ASK {}")
    assert e.value.hint and "KGRAPH_TOKEN" in e.value.hint


def test_a_503_exits_1(remote):
    """Item 15: a remote 503 exited 2 (bad input) instead of 1 (no answer could be given)."""
    store = RemoteStore(remote(_answer(503, b"busy", "text/plain")).url, timeout=10)
    with pytest.raises(RemoteError, match="HTTP 503") as e:
        store.ask("ASK {}")
    assert e.value.exit_code == 1


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999/sparql", "http://a b/"])
def test_malformed_urls(kgraph_proc, url):
    """Item 15: a malformed remote URL ended in an internal error (exit 3)."""
    r = kgraph_proc("--store", url, "stats", timeout=60)
    assert r.code == 2, r.stderr
    assert r.stderr.startswith("kgraph:") and "Traceback" not in r.stderr
    assert "internal error" not in r.stderr
