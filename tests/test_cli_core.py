"""build / validate / stats / conflicts on the command line, and a few one-line errors."""

from __future__ import annotations

import json


def test_stats_json_is_ordered_and_counts_sources(kgraph_proc):
    r = kgraph_proc("stats", "--format", "json")
    assert r.code == 0
    d = json.loads(r.stdout)
    assert list(d["graphs"]) == sorted(d["graphs"])
    assert d["facts"] == sum(s["facts"] for s in d["sources"])
    # the facts a source states itself are the ones `kgraph sources` counts (a stranger found
    # the two commands giving different numbers under one name)
    r = kgraph_proc("sources", "--format", "json")
    articles = {a["iri"]: a["facts"] for a in json.loads(r.stdout)["articles"]}
    assert {s["iri"]: s["stated"] for s in d["sources"]} == articles
    assert d["stated"] == sum(articles.values()) < d["facts"]


def test_unknown_format_is_bad_usage(kgraph_proc):
    for cmd in ("stats", "conflicts", "validate"):
        r = kgraph_proc(cmd, "--format", "yaml")
        assert r.code == 2, cmd
        assert "Traceback" not in r.stderr


def test_conflicts_json_has_sides_with_sources(kgraph_proc):
    d = json.loads(kgraph_proc("conflicts", "--format", "json").stdout)
    topics = {c["topic"]: c for c in d["conflicts"]}
    assert len(topics) == 4
    for c in topics.values():
        assert len(c["claims"]) >= 2


def test_show_with_an_invalid_iri_is_bad_input(kgraph_proc):
    r = kgraph_proc("show", "<urn:x> } … <urn:y>")
    assert r.code == 2
    assert r.stderr.strip().endswith("is not a valid IRI")


def test_sparql_binary_file_is_named_as_such(kgraph_proc, tmp_path):
    f = tmp_path / "q.rq"
    f.write_bytes(b"SELECT\0\1\2")
    r = kgraph_proc("sparql", f"@{f}")
    assert r.code == 2
    assert "binary file" in r.stderr and "Traceback" not in r.stderr


def test_version_prints_the_installed_version(kgraph_proc):
    from importlib.metadata import version

    r = kgraph_proc("--version")
    assert r.code == 0
    assert r.stdout.strip() == f"kgraph {version('kgraph')}"
