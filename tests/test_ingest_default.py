"""`kgraph ingest` without --store: the accepted facts join the user's own data (the overlay).

The article's source graph is kept as a TriG copy in KGRAPH_DATA_DIR and added through the
overlay like a loaded file: it answers questions, `kgraph conflicts` lists its contradictions,
`kgraph sources` lists it, `kgraph unload ARTICLE` takes it out, a cache wipe keeps it;
ingesting it again changes nothing and a failed ingest changes neither store nor data directory.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph import KnowledgeGraph
from kgraph.errors import InputError, StoreError

DATA = Path(__file__).resolve().parent / "data" / "ingest"
ARTICLE = "https://kgraph.dev/id/source/article/"
FILE = "https://kgraph.dev/id/source/file/"
S = "https://kgraph.dev/id/source/"
FILE_PATH = "https://kgraph.dev/ontology#filePath"
SLATE = "02_ballerina_autumn_slate.txt"  # Min-ji for Min-hee, 13 October for 6 October


@pytest.fixture()
def slate(tmp_path: Path) -> Path:
    f = tmp_path / SLATE
    shutil.copy(DATA / SLATE, f)
    return f


def _quads(kg: KnowledgeGraph) -> set[str]:
    # where a loaded file was read from (kg:filePath) is the data directory's copy after a rebuild
    out = {str(q) for q in kg.store.quads() if q.predicate.value != FILE_PATH}
    kg.close()
    return out


def _dir(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _release_sources(kg: KnowledgeGraph) -> dict[str, list[str]]:
    answers = kg.ask("when was Ballerina released?").answers
    return {a.label: list(a.sources) for a in answers}


def test_ingest_joins_the_default_store_and_unload_takes_it_out(user_dir: Path, slate: Path):
    kg = KnowledgeGraph()
    before = _quads(kg)
    src = ARTICLE + SLATE

    report = kg.ingest([slate])
    assert report.store == "default" and report.files[0].written > 0
    assert report.added is not None and report.added.data_dir == str(user_dir)
    # the source graph, as ingest writes it, kept as the user's own file
    copy = user_dir / "files" / (SLATE + ".trig")
    assert copy.is_file()
    kept = list(ox.parse(path=str(copy), format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in kept} == {src}
    assert set(kept) == set(report.files[0].quads)
    entry = json.loads((user_dir / "manifest.json").read_text())["files"]
    assert [(f["name"], f["aliases"]) for f in entry] == [(SLATE + ".trig", [SLATE, src])]

    # the facts answer like any other, cited by the article's source, with its PROV record
    dates = _release_sources(kg)
    assert dates["2023-10-13"] == [src]
    assert S + "s002" in dates["2023-10-06"]
    assert kg.store.ask(
        "ASK { GRAPH ?g { ?g kg:fileName ?n ; dcterms:identifier ?h ; prov:generatedAtTime ?t } }",
        {"g": ox.NamedNode(src)},
    )
    # the contradictions are listed, both sides with their sources
    mine = [
        c for c in kg.conflicts() if any(s == src for side in c.claims for s, _ in side.sources)
    ]
    assert {c.topic for c in mine} >= {
        "release date of Ballerina",
        "the character Park Yu-rim plays in Ballerina",
    }
    for c in mine:
        sides = [{s for s, _ in side.sources} for side in c.claims]
        assert {src} in sides and any(S + "s002" in s for s in sides)
    # listed once, as the user's file holding the article's graph
    users = [s for s in kg.sources() if s["origin"] == "user"]
    assert [(s["file"], s["graphs"]) for s in users] == [
        (SLATE + ".trig", [FILE + SLATE + ".trig", src])
    ]
    kg.close()

    # unloaded by the article's name: the bundled graph's quads exactly, and no copy left
    kg.unload(SLATE)
    assert _quads(kg) == before
    assert not copy.exists() and not (user_dir / "manifest.json").exists()


@pytest.mark.slow
def test_ingesting_twice_changes_nothing_and_survives_a_cache_wipe(user_dir: Path, slate: Path):
    kg = KnowledgeGraph()
    kg.ingest([slate])
    once, files = _quads(kg), _dir(user_dir)
    again = kg.ingest([slate])
    assert again.files[0].unchanged and again.files[0].written == 0 and again.added is None
    assert _dir(user_dir) == files  # not even the manifest's time stamp moves
    assert _quads(kg) == once

    from kgraph.build import cache_dir

    for p in cache_dir().glob("overlay-*"):
        shutil.rmtree(p)
    assert _quads(kg) == once  # rebuilt from the copy in the data directory
    assert _release_sources(kg)["2023-10-13"] == [ARTICLE + SLATE]
    # and the rebuilt store still reads the article as unchanged
    assert kg.ingest([slate]).files[0].unchanged
    kg.close()

    # a changed article replaces its graph: one file, the new facts only
    slate.write_text("Kim Ji-hoon plays Choi Pro in Ballerina.", encoding="utf-8")
    rep = kg.ingest([slate])
    assert rep.files[0].replaced and rep.files[0].written
    assert [f["name"] for f in json.loads((user_dir / "manifest.json").read_text())["files"]] == [
        SLATE + ".trig"
    ]
    assert "2023-10-13" not in _release_sources(kg)
    kg.unload(ARTICLE + SLATE)  # by the source's IRI too
    kg.close()


@pytest.mark.slow
def test_a_failed_ingest_changes_neither_store_nor_data(
    user_dir: Path, slate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    kg = KnowledgeGraph()
    before = _quads(kg)
    with pytest.raises(InputError, match="no such file"):
        kg.ingest([slate, tmp_path / "missing.txt"])
    assert not user_dir.exists()

    # the overlay fails while loading the article's graph: nothing is kept
    import kgraph.reconcile

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as m:  # (undo() would also undo user_dir's KGRAPH_DATA_DIR)
        m.setattr(kgraph.reconcile, "reconcile", broken)
        with pytest.raises(OSError, match="disk full"):
            kg.ingest([slate])
    assert not (user_dir / "manifest.json").exists()
    assert not list(user_dir.rglob("*.trig"))
    assert _quads(kg) == before
    from kgraph.build import cache_dir

    assert not list(cache_dir().glob(".scratch-*")) and not list(cache_dir().glob(".ingest-*"))

    # a data directory that cannot be written: one line, and the default store as it was
    user_dir.mkdir()
    (user_dir / "files").write_text("a file where the copies' directory goes")
    with pytest.raises(StoreError, match="cannot keep your files in .*user-data/files"):
        kg.ingest([slate])
    assert _quads(kg) == before and not (user_dir / "manifest.json").exists()


@pytest.mark.slow
def test_cli_ingest_sources_unload(cli, user_dir: Path, slate: Path):
    r = cli("ingest", str(slate), "--outlet", "K-Screen Daily")
    assert r.code == 0, r.stderr
    assert f"added {ARTICLE + SLATE}: 7 facts accepted" in r.stdout
    assert f"now in your own data ({user_dir})" in r.stderr
    assert f"`kgraph unload {SLATE}`" in r.stderr
    r = cli("sources")
    assert f"{SLATE}.trig\tuser" in r.stdout
    r = cli("ingest", str(slate), "--outlet", "K-Screen Daily")
    assert r.code == 0 and "unchanged" in r.stdout and "your own data" not in r.stderr
    r = cli("ingest", str(slate), "--dry-run", "--format", "json")
    assert r.code == 0
    facts = json.loads(r.stdout)["facts"]
    release = next(f for f in facts if f["relation"] == "release")
    assert S + "s002" in release["conflicts_with"]  # read against the user's graph
    r = cli("conflicts")
    assert SLATE in r.stdout
    r = cli("unload", str(slate))  # the article's path names it too
    assert r.code == 0, r.stderr
    r = cli("sources")
    assert "user" not in r.stdout
