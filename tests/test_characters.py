"""Characters belong to their work: one IRI per character of one work, with that work's label."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kgraph import KnowledgeGraph
from kgraph.errors import AmbiguousName

ROOT = Path(__file__).resolve().parents[1]
W = "https://kgraph.dev/id/work/"
C = "https://kgraph.dev/id/character/"


def _tool():
    spec = importlib.util.spec_from_file_location(
        "scope_characters", ROOT / "tools" / "scope_characters.py"
    )
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_every_character_is_scoped_by_its_one_work(store):
    rows = store.select(
        """SELECT ?c (COUNT(DISTINCT ?w) AS ?n) (SAMPLE(?w) AS ?work) (COUNT(DISTINCT ?l) AS ?labels)
           WHERE { ?c a kg:Character ; skos:prefLabel ?l ; kg:appearsIn ?w } GROUP BY ?c"""
    )
    assert len(rows) == 20
    for r in rows:
        c, work = r["c"].value, r["work"].value
        assert int(r["n"].value) == 1, c
        assert int(r["labels"].value) == 1, c  # one label, the one its work gives it
        assert c.startswith(C + work[len(W) :] + "--"), c


def test_the_migration_has_nothing_left_to_do():
    tool = _tool()
    mapping, problems = tool.renames(tool.character_works(sorted((ROOT / "data").glob("*.trig"))))
    assert (mapping, problems) == ({}, [])


def test_rewrite_touches_whole_local_names_only():
    tool = _tool()
    m = {"tokyo": "money-heist--tokyo"}
    assert tool.rewrite("character:tokyo ; character:tokyo-2 .", m) == (
        "character:money-heist--tokyo ; character:tokyo-2 ."
    )
    assert tool.rewrite("<https://kgraph.dev/id/character/tokyo>", m) == (
        "<https://kgraph.dev/id/character/money-heist--tokyo>"
    )
    assert tool.rewrite("performance:x--tokyo", m) == "performance:x--tokyo"


def test_a_same_named_character_of_another_work_stays_another_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("KGRAPH_DATA_DIR", str(tmp_path / "data"))
    f = tmp_path / "la-casa.ttl"
    f.write_text(
        """@prefix schema: <http://schema.org/> .
<https://example.org/la-casa-de-papel> a schema:TVSeries ; schema:name "La casa de papel" ;
    schema:actor [ a schema:PerformanceRole ; schema:characterName "Tokyo" ;
                   schema:actor <https://example.org/ursula-corbero> ] .
<https://example.org/ursula-corbero> a schema:Person ; schema:name "Úrsula Corberó" .
"""
    )
    kg = KnowledgeGraph()
    try:
        kg.load([f])
        tokyo = "character:money-heist-korea-joint-economic-area--tokyo"
        korean = {a.label for a in kg.ask(f"who played {tokyo}?").answers}
        assert korean == {"Jeon Jong-seo"}
        with pytest.raises(AmbiguousName):  # two Tokyos now: the name alone cannot say which
            kg.resolve("Tokyo", types=["Character"])
        by_work = kg.store.select(
            """SELECT ?c WHERE { ?c a kg:Character ; skos:prefLabel "Tokyo" ; kg:appearsIn ?w .
                                 ?w skos:prefLabel "La casa de papel" }"""
        )
        assert (
            len(by_work) == 1
            and by_work[0]["c"].value != C + "money-heist-korea-joint-economic-area--tokyo"
        )
    finally:
        kg.unload("la-casa.ttl")
        kg.close()
