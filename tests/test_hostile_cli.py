"""Issue 15, items 5, 14, 15 and 17 from the command line: export targets that are not regular
files, triple terms, unknown SPARQL functions, unwritable output, undecodable arguments, absurd
timeouts, a read-only cache, and RDF/XML that could not be well-formed."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_cache import read_only
from test_serve import http

from kgraph.server import ServerConfig, SparqlServer

KGRAPH = str(Path(sys.executable).with_name("kgraph"))


def _store_with(tmp_path: Path, cli, text: str, name: str = "data.nt") -> str:
    f = tmp_path / name
    f.write_text(text)
    store = str(tmp_path / "store")
    r = cli("--store", store, "load", str(f))
    assert r.code == 0, r.stderr
    return store


# -- item 5: atomic writes replace regular files only -------------------------------------


def test_export_writes_into_a_fifo_instead_of_replacing_it(tmp_path: Path, cli):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = cli("export", "-f", "nt", "-o", str(fifo))
    reader.join(30)
    assert r.code == 0, r.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a FIFO
    assert got and got[0].count(b"\n") > 500  # and what went through it is the export


def test_export_to_a_device_writes_in_place(tmp_path: Path, cli):
    """Run as root, ``export -o /dev/null`` replaced /dev/null with a regular file."""
    if os.geteuid() == 0:
        dev = tmp_path / "null"
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    else:
        dev = Path("/dev/null")
    r = cli("export", "-f", "ttl", "-o", str(dev))
    assert r.code == 0, r.stderr
    assert stat.S_ISCHR(dev.lstat().st_mode)
    assert not list(dev.parent.glob(".null.*.part"))


def test_export_through_a_symlink_keeps_the_link(tmp_path: Path, cli):
    target = tmp_path / "real.ttl"
    target.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    r = cli("export", "-f", "ttl", "-o", str(link))
    assert r.code == 0, r.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("@prefix")


def test_export_to_a_directory_is_refused(tmp_path: Path, kgraph_proc):
    r = kgraph_proc("export", "-f", "ttl", "-o", str(tmp_path))
    assert r.code == 2 and "a directory" in r.stderr and r.stderr.count("\n") == 1
    assert tmp_path.is_dir()


# -- item 14: triple terms ------------------------------------------------------------------


def test_triple_terms_are_refused_at_load_with_one_line(tmp_path: Path, kgraph_proc):
    """They loaded, then export (turtle, trig, xml, jsonld), show, validate and --inferred
    crashed with exit 3."""
    f = tmp_path / "claims.nt"
    f.write_text("<urn:s> <urn:claims> <<( <urn:a> <urn:b> <urn:c> )>> .\n")
    store = str(tmp_path / "store")
    r = kgraph_proc("--store", store, "load", str(f))
    assert r.code == 2 and "triple terms" in r.stderr and r.stderr.count("\n") == 1
    for fmt in ("ttl", "trig", "xml", "jsonld"):
        r = kgraph_proc("--store", store, "export", "-f", fmt)
        assert r.code == 0, r.stderr
    assert kgraph_proc("--store", store, "validate").code == 0


# -- item 15: crashes and unclear errors ------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["SELECT * { BIND (<urn:f>(1) AS ?x) }", 'SELECT * { BIND (xsd:int("1") AS ?x) }']
)
def test_unknown_sparql_functions(kgraph_proc, query):
    r = kgraph_proc("sparql", query)
    assert r.code == 2 and "unknown SPARQL function" in r.stderr and "internal" not in r.stderr
    with SparqlServer(ServerConfig(port=0, workers=1), store="memory:") as srv:
        status, _h, body = http(
            srv.url, data=query.encode(), headers={"Content-Type": "application/sparql-query"}
        )
    assert status == 400 and b"unknown SPARQL function" in body


@pytest.mark.parametrize("args", [["--help"], ["stats"], ["ask", "who directed Ballerina"]])
def test_output_to_a_full_disk(args):
    """``kgraph --help > /dev/full`` ended in a traceback."""
    with open("/dev/full", "w") as full:
        p = subprocess.run(
            [KGRAPH, *args], stdout=full, stderr=subprocess.PIPE, text=True, check=False
        )
    assert (
        p.returncode == 1
        and p.stderr == "kgraph: cannot write the output: No space left on device\n"
    )


def test_undecodable_arguments():
    """Invalid UTF-8 in arguments ended in an internal error (exit 3)."""
    p = subprocess.run(
        [KGRAPH.encode(), b"sparql", b"SELECT \xff\xfe WHERE {}"], capture_output=True, check=False
    )
    assert p.returncode == 2 and p.stderr == b"kgraph: argument 2 is not valid UTF-8\n"


@pytest.mark.parametrize("value", ["nan", "inf", "1e300", "-1"])
def test_absurd_sparql_timeouts(kgraph_proc, value):
    r = kgraph_proc("sparql", "--timeout", value, "ASK {}")
    assert r.code == 2 and "--timeout must be" in r.stderr and "internal" not in r.stderr


def test_build_on_a_read_only_cache(tmp_path: Path):
    """``kgraph build`` on a read-only cache ended in an internal error (exit 3)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "KGRAPH_CACHE_DIR": str(cache)}
    with read_only(cache):
        p = subprocess.run([KGRAPH, "build"], capture_output=True, text=True, env=env, check=False)
    assert p.returncode == 2 and p.stderr.startswith("kgraph: cannot build in the cache directory")
    assert p.stderr.count("\n") == 1


# -- item 17: RDF/XML that would not be well-formed ------------------------------------------


def test_rdfxml_with_a_control_character_is_refused(tmp_path: Path, cli, kgraph_proc):
    store = _store_with(tmp_path, cli, '<urn:a> <urn:p> "a\\u0001b" .\n<urn:a> <urn:q> "fine" .\n')
    r = kgraph_proc("--store", store, "export", "-f", "xml")
    assert r.code == 2 and "U+0001" in r.stderr and r.stderr.count("\n") == 1
    with SparqlServer(ServerConfig(port=0, workers=1), store=store) as srv:
        status, _h, body = http(
            srv.url + "?query=CONSTRUCT%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
            headers={"Accept": "application/rdf+xml"},
        )
    assert status == 406 and b"U+0001" in body


def test_rdfxml_with_a_predicate_without_xml_name_is_refused(tmp_path: Path, cli, kgraph_proc):
    store = _store_with(tmp_path, cli, '<urn:a> <urn:123> "x" .\n')
    r = kgraph_proc("--store", store, "export", "-f", "xml")
    assert r.code == 2 and "<urn:123>" in r.stderr
    with SparqlServer(ServerConfig(port=0, workers=1), store=store) as srv:
        q = "CONSTRUCT WHERE { ?s <urn:123> ?o }"
        status, _h, body = http(
            srv.url,
            data=q.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/rdf+xml"},
        )
        assert status == 406 and b"<urn:123>" in body
        q = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 50"  # what can be written is well-formed
        status, _h, body = http(
            srv.url,
            data=q.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/rdf+xml"},
        )
    assert status == 406 or ET.fromstring(body) is not None
    r = kgraph_proc("export", "-f", "xml")
    assert r.code == 0 and ET.fromstring(r.stdout.encode()) is not None
