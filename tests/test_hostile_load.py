"""Issue 15, data loss and corruption: the attacks of items 1–4 and 9, each reproduced as described.

1. a TriG file naming the ontology graph or another file's source graph must not take it over;
2. a load killed with SIGKILL at any moment leaves exactly the old or exactly the new version;
3. two files with the same base name in one ``load`` are both kept;
9. an RDF/XML "billion laughs" file is refused before it expands.
(Item 4, the cache, is in tests/test_cache.py.)
"""

from __future__ import annotations

import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgraph.build import open_store
from kgraph.errors import InputError, UsageError
from kgraph.loading import load, loaded_sources, source_iri, unload
from kgraph.terms import ONTOLOGY_GRAPH

EX = "https://example.org/"
PEOPLE = "".join(
    f'<{EX}p{i}> a <https://schema.org/Person> ; <https://schema.org/name> "P {i}" .\n'
    for i in range(40)
)


def _dump(store) -> list[str]:
    return sorted(str(q) for q in store.quads())


def test_a_trig_file_cannot_take_over_the_ontology_or_another_source(tmp_path: Path, cli):
    """Item 1: the attack TriG names the ontology graph and people.ttl's source graph (and plants
    a record claiming them); unloading it used to remove both (565 quads -> 0)."""
    people = tmp_path / "people.ttl"
    people.write_text(PEOPLE)
    store_dir = tmp_path / "store"
    s = open_store(str(store_dir), read_only=False)
    load(s, [people])
    before = _dump(s)
    ontology_before = len(s.select(f"SELECT * WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"))
    attack = tmp_path / "attack.trig"
    victim = source_iri(people)
    attack.write_text(
        f"<{ONTOLOGY_GRAPH}> {{ <urn:x> <urn:p> 1 . }}\n"
        f"<{victim}> {{ <urn:y> <urn:p> 2 . }}\n"
        f"<{source_iri(attack)}> {{ <{source_iri(attack)}> <http://purl.org/dc/terms/hasPart> "
        f"<{ONTOLOGY_GRAPH}> , <{victim}> . }}\n"
    )
    report = load(s, [attack])
    info = report.files[0]
    assert set(info.renamed) == {ONTOLOGY_GRAPH, victim}
    assert all(g.startswith(info.source + "/graph/") for g in info.renamed.values())
    # the attack's data is kept, under the file's own names
    assert s.ask(f"ASK {{ GRAPH <{info.renamed[ONTOLOGY_GRAPH]}> {{ <urn:x> <urn:p> 1 }} }}")
    unload(s, "attack.trig")
    assert _dump(s) == before
    assert (
        len(s.select(f"SELECT * WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"))
        == ontology_before
    )
    s.close()
    r = cli("--store", str(store_dir), "validate")
    assert r.code == 0, r.stdout + r.stderr


def test_backup_round_trip_then_unload_loses_nothing(tmp_path: Path, cli):
    """Item 1, the ordinary way: ``export -f trig``, ``import`` it, ``unload`` it."""
    people = tmp_path / "people.ttl"
    people.write_text(PEOPLE)
    store_dir = str(tmp_path / "store")
    assert cli("--store", store_dir, "load", str(people)).code == 0
    s = open_store(store_dir)
    before = _dump(s)
    s.close()
    backup = tmp_path / "backup.trig"
    r = cli("--store", store_dir, "export", "-f", "trig", "-o", str(backup))
    assert r.code == 0, r.stderr
    r = cli("--store", store_dir, "import", str(backup))
    assert r.code == 0, r.stderr
    r = cli("--store", store_dir, "unload", "backup.trig")
    assert r.code == 0, r.stderr
    s = open_store(store_dir)
    assert _dump(s) == before
    s.close()


def test_a_file_cannot_claim_a_graph_by_writing_its_own_record(tmp_path: Path):
    """A Turtle file stating ``<its source> dcterms:hasPart <the ontology graph>`` in its default
    graph: the claim is dropped, so unloading the file leaves the ontology alone."""
    s = open_store("memory:")
    f = tmp_path / "sneaky.ttl"
    f.write_text(
        f"<{source_iri(f)}> <http://purl.org/dc/terms/hasPart> <{ONTOLOGY_GRAPH}> .\n"
        f'<{source_iri(f)}> <https://kgraph.dev/ontology#fileName> "x.ttl" .\n'
        "<urn:a> <urn:b> <urn:c> .\n"
    )
    before = _dump(s)
    load(s, [f])
    assert loaded_sources(s)[0]["graphs"] == [source_iri(f)]
    unload(s, "sneaky.ttl")
    assert _dump(s) == before


def test_two_files_with_one_base_name_in_one_load(tmp_path: Path):
    """Item 3: ``load a/people.ttl b/people.ttl`` replaced the first with the second."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "people.ttl", tmp_path / "b" / "people.ttl"
    a.write_text(f'<{EX}alice> <{EX}name> "Alice" .\n')
    b.write_text(f'<{EX}bob> <{EX}name> "Bob" .\n')
    s = open_store("memory:")
    report = load(s, [a, b])
    first, second = (f.source for f in report.files)
    assert first == source_iri(a) and second != first and second.startswith(first + "~")
    names = {r["n"].value for r in s.select(f"SELECT ?n WHERE {{ ?x <{EX}name> ?n }}")}
    assert names == {"Alice", "Bob"}
    assert sorted(x["path"] for x in loaded_sources(s)) == sorted(map(str, (a, b)))
    # loading either again replaces only itself
    b.write_text(f'<{EX}bob> <{EX}name> "Bobby" .\n')
    report = load(s, [b])
    assert report.files[0].source == second and report.files[0].replaced
    names = {r["n"].value for r in s.select(f"SELECT ?n WHERE {{ ?x <{EX}name> ?n }}")}
    assert names == {"Alice", "Bobby"}
    # the base name alone is now ambiguous for unload; the path is not
    with pytest.raises(UsageError, match="2 loaded sources are called 'people.ttl'"):
        unload(s, "people.ttl")
    unload(s, str(a))
    names = {r["n"].value for r in s.select(f"SELECT ?n WHERE {{ ?x <{EX}name> ?n }}")}
    assert names == {"Bobby"}


# -- item 9: billion laughs ---------------------------------------------------------------


def _laughs(levels: int) -> str:
    ents = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, levels + 1)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{ents}]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="urn:ex:">'
        f'<rdf:Description rdf:about="urn:a"><ex:p>&lol{levels};</ex:p></rdf:Description></rdf:RDF>\n'
    )


def test_billion_laughs_rdfxml_is_refused(tmp_path: Path):
    """Item 9: an 887-byte RDF/XML file expanded to 1.26 GB and loaded."""
    f = tmp_path / "lol.rdf"
    f.write_text(_laughs(8))
    assert f.stat().st_size < 1000
    s = open_store("memory:")
    before = _dump(s)
    with pytest.raises(InputError, match="XML entity expansion too large"):
        load(s, [f])
    assert _dump(s) == before
    # a self-referencing entity and an external one are refused too
    g = tmp_path / "ext.rdf"
    g.write_text(
        _laughs(1).replace(
            '<!ENTITY lol0 "', '<!ENTITY ext SYSTEM "file:///etc/passwd"><!ENTITY lol0 "'
        )
    )
    with pytest.raises(InputError, match="external XML entity 'ext'"):
        load(s, [g])


def test_ordinary_xml_entities_still_load(tmp_path: Path):
    """Namespace abbreviations by entity (common in OWL files) are not an attack."""
    f = tmp_path / "onto.rdf"
    f.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ex "urn:ex:"> <!ENTITY xsd '
        '"http://www.w3.org/2001/XMLSchema#">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="urn:ex:">'
        '<rdf:Description rdf:about="&ex;a"><ex:p rdf:datatype="&xsd;integer">3</ex:p>'
        "</rdf:Description></rdf:RDF>\n"
    )
    s = open_store("memory:")
    load(s, [f])
    assert s.ask("ASK { <urn:ex:a> <urn:ex:p> 3 }")


# -- item 2: SIGKILL at random moments during a reload ------------------------------------


def _canonical(store_dir: Path) -> collections.Counter[str]:
    """The store's quads, blank node labels (and the skolem IRIs made of them) erased."""
    s = open_store(str(store_dir), read_only=False)  # opening recovers a killed load
    try:
        return collections.Counter(re.sub(r"_:[A-Za-z0-9]+", "_:b", str(q)) for q in s.quads())
    finally:
        s.close()


def _people(n: int, tag: str) -> str:
    lines = []
    for i in range(n):
        p = f"<{EX}person/{i}>"
        lines.append(f'{p} <http://www.w3.org/2004/02/skos/core#prefLabel> "{tag} {i}" .')
        lines.append(
            f"{p} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://kgraph.dev/ontology#Person> ."
        )
        lines.append(f"{p} <{EX}knows> <{EX}person/{(i * 7919) % n}> .")
        if i % 50 == 0:  # some blank nodes: the transactional path, renamed labels
            lines.append(f'{p} <{EX}note> [ <{EX}text> "{tag} note {i}" ] .')
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_sigkill_at_random_moments_during_a_reload(tmp_path: Path):
    """Item 2: a reload killed with SIGKILL at N random moments (``KGRAPH_KILL_POINTS``, 30 by
    default) leaves, after the next open, exactly the old or exactly the new version, quad for
    quad (derived triples included)."""
    points = int(os.environ.get("KGRAPH_KILL_POINTS", "30"))
    n = int(os.environ.get("KGRAPH_KILL_PEOPLE", "8000"))
    data = tmp_path / "people.ttl"
    data.write_text(_people(n, "old"))
    template = tmp_path / "template"
    s = open_store(str(template), read_only=False)
    load(s, [data])
    s.close()
    old = _canonical(template)
    data.write_text(_people(n, "new"))
    exe = [sys.executable, "-m", "kgraph"]
    env = {**os.environ, "KGRAPH_CACHE_DIR": str(tmp_path / "cache")}
    ref = tmp_path / "reference"
    shutil.copytree(template, ref)
    t0 = time.monotonic()
    subprocess.run(
        [*exe, "--store", str(ref), "load", str(data)], env=env, check=True, capture_output=True
    )
    full = time.monotonic() - t0
    new = _canonical(ref)
    assert new != old
    rng = random.Random(15)
    outcomes = collections.Counter()
    for k in range(points):
        target = tmp_path / f"kill{k}"
        shutil.copytree(template, target)
        proc = subprocess.Popen(
            [*exe, "--store", str(target), "load", str(data)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, full * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = _canonical(target)
        assert got in (old, new), f"kill point {k}: neither the old nor the new version"
        outcomes["old" if got == old else "new"] += 1
        assert not (target / "kgraph-rollback.ok").exists()
        shutil.rmtree(target)
    assert sum(outcomes.values()) == points
    print(json.dumps({"points": points, "seconds_per_load": round(full, 2), **outcomes}))
