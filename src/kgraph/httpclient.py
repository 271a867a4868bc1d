"""The one HTTP POST that :class:`kgraph.store.RemoteStore` makes, hardened.

- **No redirects.** A SPARQL POST answered with a redirect is an error: following it would send
  the query, and the ``Authorization`` header, to whatever host the answer names (urllib forwards
  every header to the new location, another origin included).
- **A total deadline.** urllib's ``timeout`` bounds each socket read, so a server that trickles
  one byte at a time holds the client forever; here a watchdog shuts the socket down when the
  whole exchange (connect, headers, body) has taken ``timeout`` seconds.

``urllib.request`` is imported only here (it pulls in http.client, email and ssl), so a command on
the embedded store never pays for it.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from .errors import RemoteError


class DeadlineExceeded(Exception):
    """The exchange took longer than its total deadline."""


def post(url: str, data: bytes, headers: dict[str, str], timeout: float) -> bytes:
    """POST ``data`` to ``url``; the body of a 2xx answer. HTTP errors are raised as urllib's
    ``HTTPError``; a redirect as :class:`RemoteError`; the deadline as :class:`DeadlineExceeded`."""
    import http.client
    import urllib.request

    sockets: list[socket.socket] = []

    def remember(cls: type[http.client.HTTPConnection]) -> Any:
        class Conn(cls):  # type: ignore[valid-type,misc]
            def connect(self) -> None:
                super().connect()
                sockets.append(self.sock)

        return Conn

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(remember(http.client.HTTPConnection), req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            return self.do_open(remember(http.client.HTTPSConnection), req)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self, req: Any, fp: Any, code: int, msg: str, hdrs: Any, newurl: str
        ) -> Any:
            raise RemoteError(
                f"{url} answered HTTP {code}, a redirect to {newurl}; kgraph does not follow "
                "redirects of a SPARQL request (nor send credentials to another address): "
                "give the final URL"
            )

    opener = urllib.request.build_opener(Http, Https, NoRedirect)
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(timeout, stop)
    watchdog.daemon = True
    start = time.monotonic()
    watchdog.start()
    req = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with opener.open(req, timeout=timeout) as resp:
            chunks = []
            while True:
                chunk = resp.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
                if time.monotonic() - start > timeout:
                    raise DeadlineExceeded
            if expired.is_set():
                raise DeadlineExceeded
            return b"".join(chunks)
    except (OSError, http.client.HTTPException) as e:
        if expired.is_set() and not _is_http_error(e):
            raise DeadlineExceeded from None
        raise
    finally:
        watchdog.cancel()


def _is_http_error(e: BaseException) -> bool:
    import urllib.error

    return isinstance(e, urllib.error.HTTPError)
