"""`kgraph ingest --review`, driven through a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

EXE = shutil.which("kgraph") or str(Path(sys.executable).with_name("kgraph"))
ARTICLE = (
    "Seoul, March 3, 2025 — The thriller Night Harbour, directed by Han Mi-rae, stars "
    "Jun Jong-seo as Captain Rho. Kim Jihoon plays the smuggler Bae Do-hyun.\n"
    "Night Harbour will be released on Netflix on April 18.\n"
)


def spawn(store: Path, article: Path, *extra: str):
    env = dict(os.environ, NO_COLOR="1", TERM="xterm")
    return pexpect.spawn(
        EXE,
        ["--store", str(store), "ingest", str(article), "--review", *extra],
        env=env,
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 220),
        use_poll=True,
    )


@pytest.mark.slow
def test_accept_reject_edit_skip_then_accept_all_above(tmp_path):
    article = tmp_path / "harbour.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    store = tmp_path / "store"
    c = spawn(store, article)
    # 1: the genre, with its evidence marked in the sentence
    c.expect("1/5  genre  confidence 0.70")
    c.expect("Night Harbour is a thriller")
    c.expect("»The thriller Night Harbour«")
    c.expect(r"\[a\]ccept  \[r\]eject  \[e\]dit  \[s\]kip")
    c.expect("decision> ")
    c.sendline("r")
    # 2: the director — edited, shown again, accepted
    c.expect("2/5  director")
    c.expect("»directed by Han Mi-rae«")
    c.expect("decision> ")
    c.sendline("e")
    c.expect("edit which\\? subject, work")
    c.expect("field> ")
    c.sendline("subject")
    c.expect("new subject> ")
    c.sendline("Han Mira")
    c.expect("2/5  director  confidence 1.00")
    c.expect("Han Mira is the director of Night Harbour")
    c.expect("decision> ")
    c.sendline("a")
    # 3: skipped (neither accepted nor rejected)
    c.expect("3/5  plays")
    c.expect("decision> ")
    c.sendline("s")
    # an unknown key asks again
    c.expect("4/5  plays")
    c.expect("decision> ")
    c.sendline("x")
    c.expect("unknown answer 'x'")
    c.expect("decision> ")
    # the rest: accept those at or above 0.65
    c.sendline("A")
    c.expect("confidence> ")
    c.sendline("0.65")
    c.expect("2 accepted, 2 rejected")
    c.expect("added https://kgraph.dev/id/source/article/harbour.txt: 2 facts accepted")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0

    from kgraph.store import OxigraphStore

    s = OxigraphStore(store, read_only=True)
    try:
        # the edited name is what was written; the rejected genre and the skipped role are not
        assert s.ask("ASK { work:night-harbour kg:director person:han-mira }")
        assert not s.ask("ASK { work:night-harbour kg:genre ?g }")
        assert not s.ask("ASK { ?x kg:character character:rho }")
        assert s.ask("ASK { ?x kg:character character:bae-do-hyun }")  # 0.68 >= 0.65
        assert not s.ask("ASK { ?r kg:releaseOf work:night-harbour }")  # 0.64 < 0.65
    finally:
        s.close()


@pytest.mark.slow
def test_quit_keeps_what_was_decided(tmp_path):
    article = tmp_path / "harbour.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    store = tmp_path / "store"
    c = spawn(store, article)
    c.expect("decision> ")
    c.sendline("a")
    c.expect("decision> ")
    c.sendline("q")
    c.expect("1 accepted, 0 rejected")
    c.expect("1 facts accepted")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0


@pytest.mark.slow
def test_an_edit_checks_the_edited_fact_for_conflicts_again(tmp_path):
    """Into the default store (the user's data): editing the date or the character of a fact
    re-runs the conflict check, so the panel, the written disagreements and `conflicts` follow."""
    from kgraph import KnowledgeGraph

    data = Path(__file__).resolve().parent / "data" / "ingest"
    article = tmp_path / "slate.txt"  # Min-ji for Min-hee, 13 October for 6 October
    article.write_text((data / "02_ballerina_autumn_slate.txt").read_text(encoding="utf-8"))
    env = dict(os.environ, NO_COLOR="1", TERM="xterm", KGRAPH_DATA_DIR=str(tmp_path / "data"))
    c = pexpect.spawn(
        EXE,
        ["ingest", str(article), "--review"],
        env=env,
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 220),
        use_poll=True,
    )

    def panel(title: str) -> str:
        """The panel up to its prompt."""
        c.expect(title)
        c.expect("decision> ")
        return str(c.before)

    def edit(which: str, new: str) -> None:
        c.sendline("e")
        c.expect("field> ")
        c.sendline(which)
        c.expect(f"new {which}> ")
        c.sendline(new)

    panel("1/7  director")
    c.sendline("a")
    panel("2/7  genre")
    c.sendline("r")
    # the release date contradicts the bundled articles; edited to theirs, it no longer does
    assert "contradicts: https://kgraph.dev/id/source/s002" in panel(
        "3/7  release  confidence 0.61"
    )
    edit("value", "unknown")
    c.expect("nothing changed: 'unknown' is not a date")
    assert "Ballerina released on 2023-10-13" in panel("3/7  release  confidence 0.61")
    edit("value", "6 October 2023")
    shown = panel("3/7  release  confidence 1.00")
    assert "Ballerina released on 2023-10-06" in shown and "contradicts" not in shown
    c.sendline("a")
    # agreeing with the bundled sources, then edited into a contradiction with them
    assert "contradicts" not in panel("4/7  plays  confidence 0.81")
    edit("object", "Min-hee")
    shown = panel("4/7  plays  confidence 1.00")
    assert "Jeon Jong-seo plays Min-hee in Ballerina" in shown
    assert "contradicts: https://kgraph.dev/id/source/s000" in shown
    c.sendline("a")
    # the other way round: Min-ji contradicts them, Min-hee does not
    assert "contradicts: https://kgraph.dev/id/source/s001" in panel("5/7  plays  confidence 0.68")
    edit("object", "Min-hee")
    shown = panel("5/7  plays  confidence 1.00")
    assert "Park Yu-rim plays Min-hee in Ballerina" in shown and "contradicts" not in shown
    c.sendline("a")
    panel("6/7  earlier_work")
    c.sendline("q")
    c.expect("4 accepted, 1 rejected")
    c.expect("added https://kgraph.dev/id/source/article/slate.txt: 4 facts accepted")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0

    src = "https://kgraph.dev/id/source/article/slate.txt"
    old = os.environ.get("KGRAPH_DATA_DIR")
    os.environ["KGRAPH_DATA_DIR"] = env["KGRAPH_DATA_DIR"]
    try:
        kg = KnowledgeGraph()
        mine = {
            c.topic: [{s for s, _ in side.sources} for side in c.claims]
            for c in kg.conflicts()
            if any(s == src for side in c.claims for s, _ in side.sources)
        }
        # only the edited character is a contradiction; the edited date agrees with s002
        assert list(mine) == ["the character Jeon Jong-seo plays in Ballerina"]
        sides = mine["the character Jeon Jong-seo plays in Ballerina"]
        assert {src} in sides and any("https://kgraph.dev/id/source/s000" in s for s in sides)
        dates = {a.label: list(a.sources) for a in kg.ask("when was Ballerina released?").answers}
        assert src in dates["2023-10-06"] and "2023-10-13" not in dates
        kg.close()
    finally:
        if old is None:
            os.environ.pop("KGRAPH_DATA_DIR", None)
        else:
            os.environ["KGRAPH_DATA_DIR"] = old
