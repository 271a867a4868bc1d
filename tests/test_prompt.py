"""The interactive prompt of `kgraph ask`, driven through a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a real pseudo-terminal per test

pexpect = pytest.importorskip("pexpect")

EXE = shutil.which("kgraph") or str(Path(sys.executable).with_name("kgraph"))


def spawn(history: Path):
    env = dict(os.environ, KGRAPH_HISTORY=str(history), NO_COLOR="1", TERM="xterm")
    child = pexpect.spawn(
        EXE, ["ask"], env=env, encoding="utf-8", timeout=60, dimensions=(50, 250), use_poll=True
    )  # select() fails once the test process holds > 1024 fds
    child.expect("kgraph> ")
    return child


def test_type_complete_answer_follow_up_quit(tmp_path):
    history = tmp_path / "history"
    c = spawn(history)
    # tab completes the name being typed to its preferred label
    c.send("co-stars of Jeon Jong")
    c.send("\t")
    c.expect("-seo")
    c.send("\r")
    for name in ("Kim Ji-hoon", "Park Shin-hye", "Park Yu-rim", "Yoo Ji-tae"):
        c.expect(name)
    c.expect("kgraph> ")
    # a follow-up reuses the entity of the last question
    c.sendline("and her partner?")
    c.expect("taking 'her' as Jeon Jong-seo")
    c.expect("Lee Chung-hyun")
    c.expect("kgraph> ")
    # completion of a work's alias, then "it"
    c.send("cast of Bailar")
    c.send("\t")
    c.expect("ina")
    c.send("\r")
    c.expect("Choi Pro")
    c.expect("kgraph> ")
    c.sendline("who directed it?")
    c.expect("Lee Chung-hyun")
    c.expect("kgraph> ")
    # toggles
    c.sendline(":explain")
    c.expect("explain on")
    c.sendline("who played Ok-ju")
    c.expect("intent: who-played")
    c.expect("VALUES \\?character")
    c.expect("kgraph> ")
    c.sendline(":explain")
    c.expect("explain off")
    c.sendline(":sparql")
    c.expect("sparql on")
    c.sendline("who played Denver")
    c.expect("Kim Ji-hoon")
    c.expect("SPARQL:")
    c.expect(
        "VALUES \\?character \\{ <https://kgraph.dev/id/character/money-heist-korea-joint-economic-area--denver> \\}"
    )
    c.expect("kgraph> ")
    # a refusal does not end the session
    c.sendline("who directed Titanic")
    c.expect("no Work named 'Titanic'")
    c.expect("kgraph> ")
    c.sendline(":quit")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0
    lines = history.read_text(encoding="utf-8").splitlines()
    assert "co-stars of Jeon Jong-seo" in lines and "and her partner?" in lines


def test_tab_never_erases_what_was_typed_and_a_second_tab_lists_the_names(tmp_path):
    c = spawn(tmp_path / "history")
    c.send("co-stars of park")  # lower case: Park Hyeon-soo, Park Shin-hye, Park Yu-rim fit
    c.send("\t")
    c.send("\t")
    c.expect("Park Hyeon-soo")
    c.expect("Park Shin-hye")
    c.expect("Park Yu-rim")
    c.expect("kgraph> co-stars of park")  # the line is redrawn as typed
    c.send(" yu-rim\r")
    c.expect("Jeon Jong-seo")
    c.expect("kgraph> ")
    c.sendline(":quit")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0


def test_history_is_kept_across_runs(tmp_path):
    history = tmp_path / "history"
    history.write_text("who played Tokyo?\n", encoding="utf-8")
    c = spawn(history)
    c.send("\x1b[A")  # arrow up: the previous run's question
    c.expect("who played Tokyo\\?")
    c.send("\r")
    c.expect("Jeon Jong-seo")
    c.expect("kgraph> ")
    c.sendeof()  # Ctrl-D leaves too
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0


def test_completer_candidates(kg):
    from kgraph.cli.ask import NameCompleter

    comp = NameCompleter(kg)
    assert comp.candidates("co-stars of Jeon Jong") == ["co-stars of Jeon Jong-seo"]
    assert comp.candidates("cast of the telep") == [
        "cast of The Call"
    ]  # an alias completes to the label
    assert comp.candidates("who played ok") == ["who played Ok-ju"]
    assert set(comp.candidates("co-stars of Park")) == {
        "co-stars of Park Hyeon-soo",
        "co-stars of Park Shin-hye",
        "co-stars of Park Yu-rim",
    }
    assert comp.candidates("zzz") == []
    # what readline gets: a common start shorter than the typed text never replaces it
    assert comp.matches("co-stars of park") == ["co-stars of park", "co-stars of park "]
    assert comp._listing == ["Park Hyeon-soo", "Park Shin-hye", "Park Yu-rim"]
    assert set(comp.matches("co-stars of Park")) == set(comp.candidates("co-stars of Park"))
    assert comp.matches("co-stars of Jeon Jong") == ["co-stars of Jeon Jong-seo"]
