"""`ask` on a big store: the lazy fact base (kgraph.factbase.LazyFactBase) gives exactly the
answers and citations of the fact base read whole, reads only what a question needs, and refuses
a question that needs the whole of a big store instead of answering from part of it.

The lazy fact base is forced on small stores by lowering the probe's threshold
(``kgraph.factbase.LIMIT``); the stranger-written question sets (test_ask_handwritten.py,
test_ask_paraphrase.py) also run under both fact bases (the ``store`` fixture they use is
parametrised there).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import kgraph.factbase as F
from kgraph.errors import KGraphError, NeedsWholeStore
from kgraph.questions import ask
from kgraph.store import OxigraphStore, Store, forget_derived

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

HANDWRITTEN = json.loads(
    (Path(__file__).parent / "data" / "questions_handwritten.json").read_text(encoding="utf-8")
)


def answers(store: Store, questions: list[str]) -> dict[str, object]:
    """Each question's JSON answer (the contract of `ask --format json`), or its refusal."""
    out: dict[str, object] = {}
    for q in questions:
        try:
            out[q] = ask(store, q).to_json()
        except KGraphError as e:
            out[q] = f"{type(e).__name__} (exit {e.exit_code}): {e}"
    return out


def both_ways(
    store: Store, questions: list[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, object], dict[str, object]]:
    """The answers from the fact base read whole, then from the lazy one, on one store."""
    forget_derived(store)
    monkeypatch.setattr(F, "LIMIT", 10**9)
    fb = F.facts_of(store)
    assert type(fb) is F.FactBase
    eager = answers(store, questions)
    forget_derived(store)
    monkeypatch.setattr(F, "LIMIT", 0)
    lazy_fb = F.facts_of(store)
    assert isinstance(lazy_fb, F.LazyFactBase)
    lazy = answers(store, questions)
    forget_derived(store)
    monkeypatch.undo()
    return eager, lazy


def assert_same(eager: dict[str, object], lazy: dict[str, object]) -> None:
    differ = [q for q in eager if eager[q] != lazy[q]]
    assert not differ, (differ[:5], [(eager[q], lazy[q]) for q in differ[:1]])


# -- the bundled graph ------------------------------------------------------------------------


def test_bundled_graph_handwritten_questions_answer_the_same_both_ways(monkeypatch):
    store = OxigraphStore()
    from kgraph.build import compile_into

    compile_into(store)
    questions = [i["question"] for i in HANDWRITTEN]
    eager, lazy = both_ways(store, questions, monkeypatch)
    assert_same(eager, lazy)
    answered = [q for q in questions if isinstance(eager[q], dict)]
    assert len(answered) >= 0.8 * len(questions)  # a real comparison, not of refusals
    assert any(
        f["sources"] for a in eager.values() if isinstance(a, dict) for f in _facts(a)
    )  # citations compared, not empty lists


def _facts(answer: dict) -> list[dict]:
    return [f for item in answer["answers"] for f in item.get("facts", [])]


def test_a_lazy_fact_base_reads_a_few_times_for_many_questions(monkeypatch):
    from kgraph import KnowledgeGraph

    monkeypatch.setattr(F, "LIMIT", 0)
    kg = KnowledgeGraph()
    frozen = kg.store.frozen
    assert frozen is not None  # a store whose derived values are kept beside it...
    derived = frozen.parent / "derived"
    before = sorted(derived.glob("*.facts-*")) if derived.is_dir() else []
    fb = F.facts_of(kg.store)
    assert isinstance(fb, F.LazyFactBase)
    ask(kg.store, "co-stars of Jeon Jong-seo")
    first = fb.queries
    assert 0 < first <= 12
    ask(kg.store, "co-stars of Jeon Jong-seo")
    assert fb.queries == first  # warm: everything it needs is held
    after = sorted(derived.glob("*.facts-*")) if derived.is_dir() else []
    assert after == before  # ...but not a lazy fact base
    kg.close()


def test_threads_sharing_a_lazy_fact_base_get_whole_answers(monkeypatch):
    """Questions asked at once from several threads of one lazy fact base (as a server may):
    no thread answers from an entity another thread is still reading."""
    from concurrent.futures import ThreadPoolExecutor

    from kgraph.build import compile_into

    store = OxigraphStore()
    compile_into(store)
    questions = [i["question"] for i in HANDWRITTEN]
    assert type(F.facts_of(store)) is F.FactBase
    eager = answers(store, questions)
    forget_derived(store)
    monkeypatch.setattr(F, "LIMIT", 0)
    assert isinstance(F.facts_of(store), F.LazyFactBase)
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda q: answers(store, [q])[q], questions))
    assert_same(eager, dict(zip(questions, got, strict=True)))
    forget_derived(store)


def test_a_lazy_fact_base_is_never_kept_on_disk(tmp_path, monkeypatch):
    import pickle

    from kgraph.build import compile_into

    store = OxigraphStore()
    compile_into(store)
    monkeypatch.setattr(F, "LIMIT", 0)
    fb = F.facts_of(store)
    assert isinstance(fb, F.LazyFactBase)
    with pytest.raises(pickle.PicklingError):
        pickle.dumps(fb)


def test_facts_resting_on_blank_nodes_answer_the_same_both_ways(tmp_path, monkeypatch):
    """A loaded file whose performances are blank nodes: a lazy read cannot name a blank node
    in a later query, so it reads them with the entity next to them; the answers match."""
    from kgraph.build import compile_into
    from kgraph.loading import load

    f = tmp_path / "blank.ttl"
    f.write_text(
        """@prefix kg: <https://kgraph.dev/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix p: <https://kgraph.dev/id/person/> .
@prefix w: <https://kgraph.dev/id/work/> .
@prefix c: <https://kgraph.dev/id/character/> .
p:xavier-quill a kg:Person ; skos:prefLabel "Xavier Quill" ; kg:actedIn w:ballerina ;
    kg:workedOn w:ballerina .
c:zed-quillfeather a kg:Character ; skos:prefLabel "Zed Quillfeather" .
[] a kg:Performance ; kg:performer p:xavier-quill ; kg:inWork w:ballerina ;
    kg:character c:zed-quillfeather .
""",
        encoding="utf-8",
    )
    store = OxigraphStore()
    compile_into(store)
    load(store, [f])
    assert store.select("SELECT ?b WHERE { ?b kg:character ?c FILTER isBlank(?b) }")
    questions = [
        "who played Zed Quillfeather?",
        "which character did Xavier Quill play in Ballerina?",
        "what roles has Xavier Quill had?",
        "cast of Ballerina",
        "co-stars of Xavier Quill",
        "did Xavier Quill play Zed Quillfeather?",
    ]
    eager, lazy = both_ways(store, questions, monkeypatch)
    assert_same(eager, lazy)
    played = eager["who played Zed Quillfeather?"]
    assert isinstance(played, dict) and [a["label"] for a in played["answers"]] == ["Xavier Quill"]
    assert any("played Zed Quillfeather" in f["statement"] for f in _facts(played))


# -- an IMDb-shaped store -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def imdb_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    import generate

    from kgraph.build import open_store
    from kgraph.imdb import import_imdb

    root = tmp_path_factory.mktemp("imdb-scale")
    generate.imdb(root / "gen", 300, seed=5)
    store = open_store("memory:")
    import_imdb(store, root / "gen")
    yield store
    store.close()


def _pick(store: Store) -> dict[str, str]:
    """People and works of the generated data to ask about, by names no one else has (read from
    the data, never hard-coded)."""
    unique = """FILTER NOT EXISTS { ?other skos:prefLabel ?l FILTER (?other != %s) }"""
    busy = store.select(
        f"""SELECT ?p ?l (COUNT(*) AS ?n) WHERE {{ ?p kg:actedIn ?w ; skos:prefLabel ?l
           {unique % "?p"} }} GROUP BY ?p ?l ORDER BY DESC(?n) ?p LIMIT 1"""
    )[0]
    p = busy["p"]
    other = store.select(
        f"""SELECT ?q ?l WHERE {{ ?p kg:actedIn ?w . ?q kg:actedIn ?w ; skos:prefLabel ?l
           FILTER (?q != ?p) {unique % "?q"} }} ORDER BY ?q LIMIT 1""",
        {"p": p},
    )[0]
    far = store.select(
        f"""SELECT ?q ?l WHERE {{ ?p kg:workedOn ?w . ?x kg:workedOn ?w . ?x kg:workedOn ?v .
           ?q kg:workedOn ?v ; skos:prefLabel ?l FILTER NOT EXISTS {{ ?p kg:workedOn ?v }}
           FILTER (?q != ?p) {unique % "?q"} }} ORDER BY ?q LIMIT 1""",
        {"p": p},
    )[0]
    work = store.select(
        f"""SELECT ?w ?l WHERE {{ ?p kg:actedIn ?w . ?w kg:director ?d ; skos:prefLabel ?l
           {unique % "?w"} }} ORDER BY ?w LIMIT 1""",
        {"p": p},
    )[0]
    director = store.select("SELECT ?d WHERE { ?w kg:director ?d } LIMIT 1", {"w": work["w"]})
    char = store.select(
        f"""SELECT ?c ?l WHERE {{ ?perf kg:performer ?p ; kg:character ?c . ?c skos:prefLabel ?l
           {unique % "?c"} }} ORDER BY ?c LIMIT 1""",
        {"p": p},
    )
    year = store.select("SELECT ?y WHERE { ?w kg:year ?y } LIMIT 1", {"w": work["w"]})

    def curie(x: ox.NamedNode) -> str:
        return "kgr:" + x.value.split("/id/", 1)[1]

    return {
        "p": busy["l"].value,
        "p_iri": curie(p),
        "q": other["l"].value,
        "far": far["l"].value,
        "w": work["l"].value,
        "d": store.select("SELECT ?l WHERE { ?d skos:prefLabel ?l }", {"d": director[0]["d"]})[0][
            "l"
        ].value,
        "c": char[0]["l"].value if char else work["l"].value,
        "year": year[0]["y"].value if year else "2001",
    }


IMDB_QUESTIONS = [
    "co-stars of {p}",
    "co-stars of {p_iri}",
    "who has {p} worked with?",
    "who has {p} worked with more than once?",
    "which works do {p} and {q} share?",
    "how are {p} and {far} connected?",
    "did {p} and {q} work together?",
    "what has {p} been in?",
    "which films has {p} been in?",
    "what series has {p} been in?",
    "how many films has {p} been in?",
    "what is the latest film of {p}?",
    "what was the first film of {p}?",
    "who is {p}'s most frequent collaborator?",
    "cast of {w}",
    "who directed {w}?",
    "who wrote {w}?",
    "crew of {w}",
    "characters of {w}",
    "what year did {w} come out?",
    "what genre is {w}?",
    "how many actors are in {w}?",
    "was {p} in {w}?",
    "did {q} direct {w}?",
    "did {d} direct {w}?",
    "what did {d} direct?",
    "which films of {p} came out before {w}?",
    "which films of {p} came out after {year}?",
    "which of {p}'s films came out in {year}?",
    "who played {c}?",
    "what roles has {p} had?",
    "which character did {p} play in {w}?",
    "what is {w} about?",
    "who is {p}?",
]


def _questions(store: Store) -> list[str]:
    pick = _pick(store)
    return [q.format(**pick) for q in IMDB_QUESTIONS]


def test_imdb_store_answers_the_same_both_ways(imdb_store, monkeypatch):
    questions = _questions(imdb_store)
    eager, lazy = both_ways(imdb_store, questions, monkeypatch)
    assert_same(eager, lazy)
    answered = [q for q in questions if isinstance(eager[q], dict) and eager[q]["answers"]]
    assert len(answered) >= 0.75 * len(questions), [q for q in questions if q not in answered]


def test_the_lazy_reads_of_the_whole_store_hold_what_the_whole_read_holds(imdb_store, monkeypatch):
    """Below the scan bound, the lists a lazy fact base reads by query (every work, every
    person, a literal's subjects) are the whole read's."""
    forget_derived(imdb_store)
    monkeypatch.setattr(F, "LIMIT", 10**9)
    eager = F.facts_of(imdb_store)
    assert type(eager) is F.FactBase
    forget_derived(imdb_store)
    monkeypatch.setattr(F, "LIMIT", 0)
    lazy = F.facts_of(imdb_store)
    assert isinstance(lazy, F.LazyFactBase)
    assert sorted(lazy.works()) == sorted(eager.works()) and eager.works()
    people = eager.instances("Person")
    assert sorted(lazy.instances("Person")) == sorted(people) and people
    w = next(iter(sorted(eager.works())))
    year = eager.year(w)
    assert year and sorted(lazy.subjects("year", year)) == sorted(eager.subjects("year", year))
    for p, o in (("category", "alias"), ("alias", "category")):
        assert sorted(lazy.values_of(p, o)[p]) == sorted(eager.values_of(p, o)[p])
    assert lazy.description(w) == eager.description(w) and lazy.type_of(w) == eager.type_of(w)
    forget_derived(imdb_store)


def test_a_question_over_every_person_of_a_big_store_is_refused_in_one_line(
    imdb_store, monkeypatch, tmp_path
):
    """Above the scan bound, "who has the most films?" would need every person: refused
    (exit 1, one line) rather than answered from those read so far."""
    forget_derived(imdb_store)
    monkeypatch.setattr(F, "LIMIT", 0)
    monkeypatch.setattr(F, "SCAN_LIMIT", 10)
    for q in ("who has the most films?", "which films came out in 2001?"):
        with pytest.raises(NeedsWholeStore) as e:
            ask(imdb_store, q)
        assert e.value.exit_code == 1
        assert "\n" not in str(e.value) and "whole store" in str(e.value)
    forget_derived(imdb_store)


def test_the_cli_refuses_a_whole_store_question_with_exit_1(tmp_path, monkeypatch, cli):
    import generate

    from kgraph.build import open_store
    from kgraph.imdb import import_imdb

    generate.imdb(tmp_path / "gen", 60, seed=2)
    path = tmp_path / "store"
    store = open_store(str(path), read_only=False)
    import_imdb(store, tmp_path / "gen")
    store.close()
    monkeypatch.setattr(F, "LIMIT", 0)
    monkeypatch.setattr(F, "SCAN_LIMIT", 10)
    r = cli("--store", str(path), "ask", "who has the most films?")
    assert r.code == 1
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "scan of the whole store" in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    # the same store, asked about one person, answers
    reader = OxigraphStore(path, read_only=True)
    p = _pick(reader)
    reader.close()
    r = cli("--store", str(path), "ask", f"co-stars of {p['p_iri']}", "--format", "json")
    assert r.code == 0 and json.loads(r.stdout)["answers"]


class Counting:
    """A store that counts the queries it is asked and the rows it hands back."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries = 0
        self.rows = 0

    def select(self, sparql, bindings=None):
        rows = self.store.select(sparql, bindings)
        self.queries += 1
        self.rows += len(rows)
        return rows


def test_the_probe_counts_without_reading_the_store(imdb_store, monkeypatch):
    """Deciding big or small is one query of one row, however big the store (it stops counting
    at the threshold), not a read of the facts."""
    total = int(
        imdb_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"].value
    )
    for limit in (10, 1_000, 10**9):
        monkeypatch.setattr(F, "LIMIT", limit)
        counting = Counting(imdb_store)
        small = F._small(counting)  # type: ignore[arg-type]
        assert counting.queries == 1 and counting.rows == 1
        assert small == (limit == 10**9)
    assert total > 1_000
    # a lazy fact base reads nothing until asked, then only the entity asked about
    monkeypatch.setattr(F, "LIMIT", 0)
    forget_derived(imdb_store)
    fb = F.facts_of(imdb_store)
    assert isinstance(fb, F.LazyFactBase) and fb.queries == 0 and not fb.triples
    p = _pick(imdb_store)["p_iri"].replace("kgr:", "https://kgraph.dev/id/")
    works = fb.objects(p, "actedIn")
    assert works and fb.queries == 1
    assert len(fb.triples) < total / 10
    forget_derived(imdb_store)


@pytest.mark.slow
def test_through_a_sparql_server_the_lazy_fact_base_answers_the_same(tmp_path_factory, monkeypatch):
    """`--store URL`: the bundled graph loaded into a live Oxigraph server, the handwritten
    questions answered from both fact bases through the protocol, alike."""
    from servers import running, start_oxigraph

    from kgraph import KnowledgeGraph, resources

    for server in running(start_oxigraph, tmp_path_factory.mktemp("oxigraph-facts")):
        kg = KnowledgeGraph(server.query_url, update_url=server.update_url, writable=True)
        kg.load(resources.data_files())
        questions = [i["question"] for i in HANDWRITTEN]
        eager, lazy = both_ways(kg.store, questions, monkeypatch)
        assert_same(eager, lazy)
        assert sum(isinstance(a, dict) for a in eager.values()) >= 0.8 * len(questions)
        kg.close()
