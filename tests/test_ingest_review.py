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
