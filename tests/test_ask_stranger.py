"""The stranger's question set: 103 questions a black-box tester checked against the articles.

``tests/data/questions_stranger.json`` is /work/handoff/questions_stranger.json as the tester
wrote it (someone who read only the README, docs/ and the five articles, never the code), one
field added: ``kept: false`` with ``why_not_kept`` marks the few entries this test does not
hold, each with its reason; every other entry must pass. (One note quoting an article was
shortened, and says so: the repository holds no nine-word run of an article.) Each entry gives the question, the
strings the answer must contain (``expect_contains``) and must not (``expect_absent``), the
exit code (0: answered; 1: refused, or understood with nothing to say) and the article that
states the answer. The answer is checked as the tester read it, on stdout: the title and the
rows (label, detail, sources). Where the tester found the citations right (``citations_ok``),
an answered question must cite the article the tester took the answer from; where not, the
sources are the citations' business (tests of citing.py), not this test's.

Run on each fact base `ask` may use (tests/conftest.py: eager, lazy, big).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph.errors import KGraphError
from kgraph.questions import ask
from kgraph.render.ask import sources_text

DATA = Path(__file__).parent / "data" / "questions_stranger.json"
ITEMS = json.loads(DATA.read_text(encoding="utf-8"))
KEPT = [i for i in ITEMS if i.get("kept", True)]


@pytest.fixture(scope="module")
def store(store_by_fact_base):
    """The bundled graph, with each fact base `ask` may use (tests/conftest.py)."""
    return store_by_fact_base


def stdout(store, question):
    """(exit code, what `kgraph ask` prints on stdout, the source codes cited)."""
    try:
        a = ask(store, question)
    except KGraphError:
        return 1, "", set()
    if not a.answers:
        return 1, "", set()
    rows = [f"{x.label}\t{x.detail}\t{sources_text(x.sources)}" for x in a.answers]
    cited = {s for x in a.answers for s in sources_text(x.sources).split(", ") if s}
    return 0, "\n".join([a.interpretation, *rows]), cited


def test_the_set_is_as_the_tester_left_it():
    assert len(ITEMS) == 103
    for item in ITEMS:
        assert item["question"] and "kgraph_right" in item and "citations_ok" in item
        assert item["expect_exit"] in (0, 1)
        assert item.get("kept", True) or item["why_not_kept"], item["question"]
    # every entry the tester found wrong is either kept (and so passes below) or has its reason
    assert len(KEPT) >= 102


def failures(store):
    out = []
    for item in KEPT:
        code, text, cited = stdout(store, item["question"])
        low = text.casefold()
        why = []
        if code != item["expect_exit"]:
            why.append(f"exit {code}, expected {item['expect_exit']}")
        why += [f"no {s!r}" for s in item["expect_contains"] if s.casefold() not in low]
        why += [f"has {s!r}" for s in item["expect_absent"] if s.casefold() in low]
        article = "s" + item["source_article"][:3]
        if code == 0 and item["citations_ok"] and cited and article not in cited:
            why.append(f"does not cite {article} (cites {sorted(cited)})")
        if why:
            out.append(f"{item['question']!r}: {'; '.join(why)}\n{text}")
    return out


def test_the_strangers_questions_are_answered_as_the_articles_say(store):
    bad = failures(store)
    assert not bad, "\n\n".join(bad)


@pytest.mark.parametrize(
    "question",
    [i["question"] for i in KEPT if not i["kgraph_right"]],
)
def test_the_questions_the_tester_found_wrong_are_now_right(store, question):
    """One test each for the defects of the report (items 1, 8, 9, 16), so a regression names
    its question."""
    item = next(i for i in KEPT if i["question"] == question)
    code, text, _ = stdout(store, question)
    assert code == item["expect_exit"], text
    for s in item["expect_contains"]:
        assert s.casefold() in text.casefold(), text
    for s in item["expect_absent"]:
        assert s.casefold() not in text.casefold(), text


def test_the_report_item_1_on_the_command_line(cli):
    """What the tester ran: `kgraph ask` prints the people in both casts, and exits 0; a refusal
    never names a table slot that swallowed a known name (item 8)."""
    r = cli("ask", "which actors from Money Heist Korea are in Ballerina?")
    assert r.code == 0, r.stderr
    rows = [ln.split("\t")[0] for ln in r.stdout.splitlines()[2:] if "\t" in ln]
    assert rows == ["Jeon Jong-seo", "Kim Ji-hoon"]
    r = cli("ask", "Is Ballerina a spooky film?")
    assert r.code == 1 and r.stdout == ""
    assert r.stderr.startswith("kgraph: I found Ballerina (Film)") and "'spooky'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
