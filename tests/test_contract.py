"""The JSON output contract of DESIGN.md: these keys may grow, never break."""

from __future__ import annotations

import json

import pytest

NODE = {"iri", "label", "type"}


def run_json(kgraph_proc, *args: str, code: int = 0) -> dict:
    r = kgraph_proc(*args, "--format", "json")
    assert r.code == code, r.stderr
    return json.loads(r.stdout)


def test_ask_json(kgraph_proc):
    d = run_json(kgraph_proc, "ask", "co-stars of Jeon Jong-seo")
    assert {"question", "interpretation", "sparql", "answers"} <= d.keys()
    assert isinstance(d["question"], str) and isinstance(d["interpretation"], str)
    assert d["sparql"] is None or isinstance(d["sparql"], str)
    assert d["answers"]
    for a in d["answers"]:
        assert {"label", "iri", "value", "sources", "detail", "facts"} <= a.keys()
        assert isinstance(a["label"], str)
        assert all(isinstance(s, str) for s in a["sources"]) and a["sources"]
        assert a["detail"] is None or isinstance(a["detail"], str)
        for f in a["facts"]:
            assert isinstance(f["statement"], str) and f["sources"]
            assert set(f["sources"]) <= set(a["sources"])
            # grown: the triples the fact rests on, [subject, predicate, object] each
            assert f["triples"] and all(
                len(t) == 3 and all(isinstance(x, str) for x in t) for t in f["triples"]
            )
    assert {a["label"] for a in d["answers"]} == {
        "Kim Ji-hoon",
        "Park Shin-hye",
        "Park Yu-rim",
        "Yoo Ji-tae",
    }


def test_ask_json_yes_no_and_count(kgraph_proc):
    yn = run_json(kgraph_proc, "ask", "did Lee Chung-hyun direct The Call?")
    assert [a["label"] for a in yn["answers"]] == ["yes"]
    n = run_json(kgraph_proc, "ask", "how many films has Kim Ji-hoon been in?")
    (count,) = n["answers"]
    assert count["label"] == count["value"] == "3" and len(count["facts"]) == 3


def test_ask_json_error(kgraph_proc):
    d = run_json(kgraph_proc, "ask", "co-stars of Tom Cruise", code=1)
    assert {"question", "error", "answers"} <= d.keys()
    assert d["answers"] == [] and d["error"]


def test_path_json(kgraph_proc):
    d = run_json(kgraph_proc, "path", "Park Yu-rim", "Park Shin-hye")
    assert {"from", "to", "hops", "paths"} <= d.keys()
    assert NODE <= d["from"].keys() and NODE <= d["to"].keys()
    assert d["hops"] == 2
    for p in d["paths"]:
        assert [n["type"] for n in p] == ["Person", "Film", "Person", "Film", "Person"]
        assert all(NODE <= n.keys() for n in p)


def test_search_json(kgraph_proc):
    d = run_json(kgraph_proc, "search", "Jeon Jong Seo")
    assert d["results"][0]["iri"] == "https://kgraph.dev/id/person/jeon-jong-seo"
    for r in d["results"]:
        assert {"iri", "label", "type", "score"} <= r.keys()
    scores = [r["score"] for r in d["results"]]
    assert scores == sorted(scores, reverse=True)


def test_show_json(kgraph_proc):
    d = run_json(kgraph_proc, "show", "Ballerina")
    assert {"iri", "label", "types", "facts"} <= d.keys()
    assert "Film" in " ".join(d["types"])
    for f in d["facts"]:
        assert {"predicate", "predicate_label", "object", "object_label", "sources"} <= f.keys()
        assert f["sources"]


@pytest.mark.parametrize(
    "query", ["SELECT ?p WHERE { ?p a kg:Person } LIMIT 2", "ASK { ?p a kg:Person }"]
)
def test_sparql_json_is_w3c(kgraph_proc, query):
    d = run_json(kgraph_proc, "sparql", query)
    if "boolean" in d:
        assert d == {"head": {}, "boolean": True}
    else:
        assert d["head"]["vars"] == ["p"]
        assert all(b["p"]["type"] == "uri" for b in d["results"]["bindings"])


ENTITY = {"label", "iri", "type", "new"}
RELATIONS = {
    "cast", "plays", "director", "writer", "music", "producer", "cinematographer", "editor",
    "release", "premiere", "award", "nomination", "partner", "genre", "earlier_work",
}  # fmt: skip


def test_ingest_dry_run_json(kgraph_proc):
    from pathlib import Path

    data = Path(__file__).resolve().parent / "data" / "ingest"
    files = [data / "02_ballerina_autumn_slate.txt", data / "13_tide_clocks_streaming.html"]
    r = kgraph_proc("ingest", *map(str, files), "--dry-run", "--format", "json")
    assert r.code == 0, r.stderr
    objects = [json.loads(line) for line in r.stdout.splitlines()]  # one object per file
    assert [Path(o["file"]).name for o in objects] == [f.name for f in files]
    for o, f in zip(objects, files, strict=True):
        assert {"file", "sentences", "facts"} <= o.keys()
        assert isinstance(o["sentences"], int) and o["sentences"] > 0
        assert o["facts"]
        text = None
        for fact in o["facts"]:
            assert {
                "relation", "predicate", "subject", "object", "value", "work", "confidence",
                "accepted", "evidence", "conflicts_with",
            } <= fact.keys()  # fmt: skip
            assert fact["relation"] in RELATIONS
            assert fact["predicate"].startswith("https://kgraph.dev/ontology#")
            assert ENTITY <= fact["subject"].keys()
            for key in ("object", "work"):
                assert fact[key] is None or ENTITY <= fact[key].keys()
            assert fact["value"] is None or isinstance(fact["value"], str)
            assert 0 <= fact["confidence"] <= 1
            assert fact["accepted"] == (fact["confidence"] >= 0.5)
            assert fact["evidence"] and all({"start", "end"} <= e.keys() for e in fact["evidence"])
            assert all(isinstance(s, str) for s in fact["conflicts_with"])
            if f.suffix == ".txt":
                text = text or f.read_text(encoding="utf-8")
                for e in fact["evidence"]:
                    assert 0 <= e["start"] < e["end"] <= len(text)
    # the contradiction with the bundled sources names them
    release = next(x for x in objects[0]["facts"] if x["relation"] == "release")
    assert release["value"] == "2023-10-13"
    assert "https://kgraph.dev/id/source/s002" in release["conflicts_with"]
    assert release["subject"] == {
        "label": "Ballerina",
        "iri": "https://kgraph.dev/id/work/ballerina",
        "type": "Film",
        "new": False,
    }
