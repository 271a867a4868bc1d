"""``--store``: a mistyped directory is refused by every reading command instead of becoming a new,
empty store (the stranger's item 13); unknown URL schemes are refused as such; the commands that
write (``load``, ``import``) still create a store where there was none."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.build import open_store
from kgraph.errors import StoreError

READERS = [
    ["ask", "co-stars of Jeon Jong-seo"],
    ["show", "Jeon Jong-seo"],
    ["search", "Jeon"],
    ["sparql", "ASK { ?s ?p ?o }"],
    ["stats"],
    ["conflicts"],
    ["sources"],
    ["path", "Jeon Jong-seo", "Kim Ji-hoon"],
    ["shared", "Jeon Jong-seo", "Kim Ji-hoon"],
    ["network"],
    ["query", "co-stars", "--param", "person=Jeon Jong-seo"],
    ["export", "--format", "nquads"],
    ["validate"],
    ["unload", "films.ttl"],  # a writer, but with nothing to remove a new store is no use
]


@pytest.mark.parametrize("args", READERS, ids=lambda a: a[0])
def test_a_mistyped_store_is_refused_by_readers(cli, tmp_path: Path, args):
    typo = tmp_path / "mystroe"
    r = cli("--store", str(typo), *args)
    assert r.code == 2, (r.stdout, r.stderr)
    assert r.stderr == (
        f"kgraph: --store {typo}: no store there; `kgraph --store {typo} load FILE…` or "
        "`import FILE` creates one\n"
    )
    assert r.stdout == "" and not typo.exists()


def test_the_fast_ask_path_and_the_environment_variable_refuse_too(kgraph_proc, tmp_path: Path):
    typo = tmp_path / "mystroe"
    r = kgraph_proc("ask", "co-stars of Jeon Jong-seo", env={"KGRAPH_STORE": str(typo)})
    assert r.code == 2 and "no store there" in r.stderr and str(typo) in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and not typo.exists()


def test_viz_refuses_and_writes_no_picture(cli, tmp_path: Path):
    out = tmp_path / "p.html"
    r = cli("--store", str(tmp_path / "nope"), "viz", "Ballerina", "-o", str(out))
    assert r.code == 2 and "no store there" in r.stderr
    assert not out.exists() and not (tmp_path / "nope").exists()


@pytest.mark.parametrize("spec", ["ftp://x", "ftp://example.org/films", "file:///tmp/films"])
def test_unknown_url_schemes_are_refused_as_such(cli, spec):
    scheme = spec.split("://")[0]
    for args in (["stats"], ["ask", "co-stars of Jeon Jong-seo"], ["load", "x.ttl"]):
        r = cli("--store", spec, *args)
        assert r.code == 2, r.stderr
        assert r.stderr == (
            f"kgraph: --store {spec}: unknown scheme '{scheme}://'; a store is a directory, "
            "memory: or an http(s):// SPARQL endpoint\n"
        )
    assert not Path("ftp:").exists() and not Path("file:").exists()
    with pytest.raises(StoreError, match="unknown scheme"):
        open_store(spec, read_only=False)


def test_memory_without_its_colon_gets_a_hint(cli, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("--store", "memory", "stats")
    assert r.code == 2 and "(did you mean memory:?)" in r.stderr
    assert not (tmp_path / "memory").exists()


def test_writers_still_create_a_store(cli, tmp_path: Path):
    data = tmp_path / "films.ttl"
    data.write_text(
        "@prefix kg: <https://kgraph.dev/ontology#> . @prefix skos: "
        "<http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/p> a kg:Person ; skos:prefLabel "Moon Ha-eun"@en .\n',
        encoding="utf-8",
    )
    for command in ("load", "import"):
        store = tmp_path / f"new-{command}"
        r = cli("--store", str(store), command, str(data))
        assert r.code == 0, r.stderr
        assert store.is_dir()
        r = cli("--store", str(store), "search", "Moon Ha-eun", "--format", "json")
        assert r.code == 0 and "Moon Ha-eun" in r.stdout, r.stderr


def test_an_existing_empty_directory_opens_as_a_new_store(tmp_path: Path):
    """A directory the user made is not a typo: a reader gets a new store there, read-only."""
    d = tmp_path / "films"
    d.mkdir()
    s = open_store(str(d))
    assert not s.writable and s.named_graphs() == ["https://kgraph.dev/graph/ontology"]
    s.close()
    with pytest.raises(StoreError, match="no store there"):
        open_store(str(tmp_path / "missing"))
    assert not (tmp_path / "missing").exists()
