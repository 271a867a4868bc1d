"""IMDb ids kept by ``kgraph import-imdb`` (``kg:imdbId``) are used by reconciliation (issue 18):
an entity of a later file that carries the same IMDb id is the same thing, whatever its name."""

from __future__ import annotations

from pathlib import Path

from kgraph.build import open_store
from kgraph.loading import load
from kgraph.reconcile import candidates, reconcile

KG = "https://kgraph.dev/ontology#"
ID = "https://kgraph.dev/id/"
HEAD = f"@prefix kg: <{KG}> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"


def _imported(tmp: Path) -> Path:
    """What import-imdb writes for one person and one title (IRIs and kg:imdbId from IMDb)."""
    f = tmp / "imdb-dump.ttl"
    f.write_text(
        HEAD
        + f"""<{ID}person/imdb-nm7654321> a kg:Person ; skos:prefLabel "Han Seo-yeon"@en ;
              kg:imdbId "nm7654321" .
            <{ID}work/imdb-tt7654321> a kg:Film ; skos:prefLabel "Quiet River"@en ;
              kg:imdbId "tt7654321" ; kg:year "2019"^^<http://www.w3.org/2001/XMLSchema#gYear> .
            <{ID}person/someone-else> a kg:Person ; skos:prefLabel "Seo-yeon Han"@en ."""
    )
    return f


def test_same_imdb_id_is_the_same_entity(tmp_path: Path):
    store = open_store("memory:", read_only=False)
    load(store, [_imported(tmp_path)])
    user = tmp_path / "notes.ttl"
    # the person under a romanisation that also matches someone else, the film under another
    # title: only the IMDb ids tell them apart (one as kg:imdbId, one as an IMDb URL)
    user.write_text(
        HEAD
        + """<https://example.org/p/han> a kg:Person ; skos:prefLabel "Seo-yeon Han"@en ;
              kg:imdbId "nm7654321" .
            <https://example.org/f/river> a kg:Film ; skos:prefLabel "The Quiet River"@en ;
              <https://schema.org/sameAs> <https://www.imdb.com/title/tt7654321/> ."""
    )
    load(store, [user])
    found = candidates(
        store, "https://example.org/p/han", "Person", "Seo-yeon Han", [_graph("notes.ttl")]
    )
    assert found[0]["iri"] == f"{ID}person/imdb-nm7654321" and found[0]["id"]
    assert "same identifier imdb:nm7654321" in found[0]["evidence"]
    out = reconcile(store, ["notes.ttl"])
    merged = {m["local"]: (m["target"], m["reason"]) for m in out.merged}
    assert merged == {
        "https://example.org/p/han": (
            f"{ID}person/imdb-nm7654321",
            "same identifier imdb:nm7654321",
        ),
        "https://example.org/f/river": (
            f"{ID}work/imdb-tt7654321",
            "same identifier imdb:tt7654321",
        ),
    }
    assert out.pending == []


def test_different_imdb_ids_are_not_merged_by_id(tmp_path: Path):
    store = open_store("memory:", read_only=False)
    load(store, [_imported(tmp_path)])
    user = tmp_path / "other.ttl"
    user.write_text(
        HEAD
        + """<https://example.org/p/han2> a kg:Person ; skos:prefLabel "Han Seo-yeon"@en ;
              kg:imdbId "nm0000001" ."""
    )
    load(store, [user])
    # the same name, but another IMDb id: never proposed; the namesake without one still is
    found = candidates(
        store, "https://example.org/p/han2", "Person", "Han Seo-yeon", [_graph("other.ttl")]
    )
    assert [c["iri"] for c in found] == [f"{ID}person/someone-else"]
    out = reconcile(store, ["other.ttl"])
    assert out.merged == []
    assert [c["iri"] for p in out.pending for c in p["candidates"]] == [f"{ID}person/someone-else"]


def _graph(name: str) -> str:
    from kgraph.loading import source_iri

    return source_iri(name)
