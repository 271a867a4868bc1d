"""Real SPARQL servers for the tests: an Oxigraph server and a Virtuoso Open-Source server.

Each starts on a free loopback port with its data in a temporary directory, is waited for until
it answers SPARQL, and is stopped (by its own process id) when the fixture ends. Nothing is
mocked. When a server cannot be started the fixture fails loudly: a missing Virtuoso is a broken
CI machine, not a reason to skip (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass
class Server:
    """A running SPARQL server: where to query, where to update, and its process."""

    name: str
    query_url: str
    update_url: str | None
    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    data = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    req = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            break
        if _answers(server.query_url):
            return
        time.sleep(0.2)
    log = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
    server.stop()
    raise RuntimeError(f"{server.name} did not come up at {server.query_url}:\n{log}")


def _oxigraph_exe() -> str:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        raise RuntimeError("the `oxigraph` server is not installed (pip install oxigraph)")
    return exe


def start_oxigraph(workdir: Path) -> Server:
    """``oxigraph serve`` on a free port, without --union-default-graph (kgraph must cope)."""
    port = free_port()
    log = workdir / "oxigraph.log"
    with log.open("wb") as out:  # the child keeps its own descriptor
        proc = subprocess.Popen(
            [
                _oxigraph_exe(),
                "serve",
                "--location",
                str(workdir / "db"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", f"{base}/query", f"{base}/update", proc, log)
    _wait(server, 30)
    return server


def _virtuoso_ini(workdir: Path, sql_port: int, http_port: int) -> Path:
    if not VIRTUOSO_INI.exists():
        raise RuntimeError(
            f"Virtuoso is not installed ({VIRTUOSO_INI} missing): "
            "apt-get install -y virtuoso-opensource (.ci/run does this)"
        )
    text = VIRTUOSO_INI.read_text()
    text = text.replace("/var/lib/virtuoso-opensource-7/db", str(workdir))
    section = None
    out = []
    for line in text.splitlines():
        m = re.match(r"\s*\[(.+)\]", line)
        if m:
            section = m.group(1)
        if re.match(r"\s*ServerPort\s*=", line):
            line = f"ServerPort = {sql_port if section == 'Parameters' else http_port}"
        elif re.match(r"\s*ResultSetMaxRows\s*=", line):
            line = "ResultSetMaxRows = 1000000"
        elif re.match(r"\s*ServerRoot\s*=", line) and section == "HTTPServer":
            pass
        out.append(line)
    ini = workdir / "virtuoso.ini"
    ini.write_text("\n".join(out) + "\n")
    return ini


def start_virtuoso(workdir: Path) -> Server:
    """``virtuoso-t`` on free ports with its database in ``workdir``; SPARQL Update granted to
    the anonymous endpoint (loopback test server only)."""
    exe = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if exe is None or isql is None:
        raise RuntimeError(
            "Virtuoso is not installed: apt-get install -y virtuoso-opensource (.ci/run does this)"
        )
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = _virtuoso_ini(workdir, sql_port, http_port)
    log = workdir / "virtuoso.log"
    with (workdir / "virtuoso.out").open("wb") as out:
        proc = subprocess.Popen(
            [exe, "+configfile", str(ini), "+foreground"],
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{http_port}/sparql"
    server = Server("virtuoso", url, None, proc, log)
    _wait(server, 90)
    grant = subprocess.run(
        [isql, str(sql_port), "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if grant.returncode != 0:
        server.stop()
        raise RuntimeError(
            f"could not grant SPARQL_UPDATE on Virtuoso: {grant.stdout}{grant.stderr}"
        )
    return server


def running(start, workdir: Path) -> Iterator[Server]:
    """Start a server, yield it, stop it."""
    os.makedirs(workdir, exist_ok=True)
    server = start(workdir)
    try:
        yield server
    finally:
        server.stop()
