"""A long-running process (``kgraph serve``'s workers, a notebook) asked ever more distinct
questions of a big store keeps bounded caches: the lazy fact base starts a fresh generation once
it holds more than ``kgraph.factbase.HOLD_LIMIT`` (triples plus entities read), and the name
matcher keeps the candidates of its last ``kgraph.linking.RECENT`` texts only. The answers stay
exactly those of an unbounded fact base.

The bundled graph is run as each kind of store (``store_by_fact_base``: read whole, lazy, and
big in full, where names are also found through the store's label index); a bound of sixty
entries makes it renew many times over the question set (every fourth question in the fast
run, all 247 in the slow one).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kgraph.factbase as F
from kgraph import linking
from kgraph.bounded import Recent
from kgraph.errors import KGraphError
from kgraph.questions import ask
from kgraph.store import Store

HANDWRITTEN = json.loads(
    (Path(__file__).parent / "data" / "questions_handwritten.json").read_text(encoding="utf-8")
)
SMALL_BOUND = 60  # entries: a question or two on the bundled graph (about 600 in all)


def distinct_questions(store: Store) -> list[str]:
    """Many distinct questions: the stranger-written set, and for every labelled person and
    work of the graph a question by its name and one by its IRI."""
    rows = store.select(
        "SELECT DISTINCT ?e ?l ?c WHERE { VALUES ?c { kg:Person kg:Film kg:TVSeries } "
        "?e a ?c ; skos:prefLabel ?l } ORDER BY ?e"
    )
    out = [i["question"] for i in HANDWRITTEN]
    for r in rows:
        iri, label = r["e"].value, r["l"].value
        if r["c"].value.endswith("#Person"):
            out += [f"co-stars of {label}", f"what has <{iri}> been in?"]
        else:
            out += [f"who is in {label}?", f"who directed <{iri}>?"]
    return list(dict.fromkeys(out))


def answer(store: Store, question: str) -> object:
    try:
        return ask(store, question).to_json()
    except KGraphError as e:
        return f"{type(e).__name__} (exit {e.exit_code}): {e}"


def fresh_generation(store: Store) -> None:
    """Start the store's lazy fact base afresh (as a full one renews itself)."""
    fb = F.facts_of(store)
    if isinstance(fb, F.LazyFactBase):
        F._facts.renew(store, fb, lambda old: F.LazyFactBase(store, old.hierarchy))


@pytest.mark.parametrize(
    "step", [4, pytest.param(1, marks=pytest.mark.slow)], ids=["every-4th", "all"]
)
def test_every_cache_stays_within_its_bound_and_answers_do_not_change(
    store_by_fact_base, monkeypatch, step
):
    store = store_by_fact_base
    questions = distinct_questions(store)
    assert len(questions) >= 240
    questions = questions[::step]
    monkeypatch.setattr(F, "HOLD_LIMIT", 10**9)  # unbounded: the answers to hold them to
    fresh_generation(store)
    unbounded = {q: answer(store, q) for q in questions}
    grown = F.facts_of(store)

    monkeypatch.setattr(F, "HOLD_LIMIT", SMALL_BOUND)
    fresh_generation(store)
    first = F.facts_of(store)
    bounded = {}
    for q in questions:
        bounded[q] = answer(store, q)
        fb = F.facts_of(store)
        if isinstance(fb, F.LazyFactBase):
            assert fb.held() <= SMALL_BOUND, q  # between questions: within the bound
        matcher = linking._matcher(store)
        assert len(matcher._recent or ()) <= linking.RECENT
        assert len(matcher._recent_rows or ()) <= linking.RECENT

    differ = [q for q in questions if bounded[q] != unbounded[q]]
    assert not differ, (differ[:5], [(bounded[q], unbounded[q]) for q in differ[:1]])
    assert sum(isinstance(a, dict) for a in bounded.values()) >= 0.7 * len(questions)
    last = F.facts_of(store)
    if isinstance(first, F.LazyFactBase):
        assert isinstance(grown, F.LazyFactBase) and isinstance(last, F.LazyFactBase)
        assert grown.held() > 5 * SMALL_BOUND  # unbounded, it holds far more...
        assert last.generation - first.generation >= 5  # ...bounded, it started afresh often
        assert last._values  # the vocabulary of every question is carried over, not re-read
    else:  # read whole: nothing grows with the questions, nothing to renew
        assert last is first is grown


def test_questions_in_several_threads_under_a_small_bound_get_whole_answers(
    store_by_fact_base, monkeypatch
):
    """A question under way keeps the fact base it started with while another thread's
    question renews the store's: no answer mixes two generations."""
    from concurrent.futures import ThreadPoolExecutor

    store = store_by_fact_base
    questions = distinct_questions(store)[::6]
    expected = {q: answer(store, q) for q in questions}
    monkeypatch.setattr(F, "HOLD_LIMIT", SMALL_BOUND)
    fresh_generation(store)
    before = F.facts_of(store)
    with ThreadPoolExecutor(4) as pool:
        got = dict(zip(questions, pool.map(lambda q: answer(store, q), questions), strict=True))
    assert got == expected
    after = F.facts_of(store)
    if isinstance(before, F.LazyFactBase):
        assert isinstance(after, F.LazyFactBase) and after.generation > before.generation


def test_a_fact_base_under_its_bound_is_kept():
    store = None  # never opened: a fact base within its bound makes nothing new
    fb = F.LazyFactBase.__new__(F.LazyFactBase)
    fb.triples, fb._done = {("s", "p", "o"): set()}, {"out": {"s"}, "in": set(), "info": set()}
    assert fb.held() == 2
    assert fb.renewed(store) is None


def test_the_recent_map_keeps_the_most_recently_used():
    r: Recent[str, int] = Recent(3)
    for i, k in enumerate("abcd"):
        r.put(k, i)
    assert r.keys() == ["b", "c", "d"]
    assert r.get("b") == 1  # used: now the most recent
    r.put("e", 4)
    assert r.keys() == ["d", "b", "e"] and len(r) == 3
    with pytest.raises(ValueError):
        Recent(0)
