"""Every error of the command line is one line on stderr with the exit code of DESIGN.md: the
argument parser's usage errors, empty arguments, and no table header above a failed search
(the stranger's item 12). SPARQL syntax errors: ``tests/test_sparql.py``; hints:
``tests/test_conventions.py``."""

from __future__ import annotations

import json

import pytest

USAGE_ERRORS = [
    (["frobnicate"], "kgraph: No such command 'frobnicate' (see `kgraph -h`)"),
    (["ask", "--bogus", "x"], "kgraph: No such option: --bogus (see `kgraph ask -h`)"),
    (["--bogus", "stats"], "kgraph: No such option: --bogus (see `kgraph -h`)"),
    (["shared", "Park Yu-rim"], "kgraph: Missing argument 'B' (see `kgraph shared -h`)"),
    (["load"], "kgraph: Missing argument 'FILES' (see `kgraph load -h`)"),
    (["stats", "--format"], "kgraph: Option '--format' requires an argument"),
    (["viz", "--path", "A"], "kgraph: Option '--path' requires 2 arguments"),
    (
        ["path", "A", "B", "--max-hops", "x"],
        (
            "kgraph: Invalid value for '--max-hops': Input should be a valid integer, unable "
            "to parse string as an integer (see `kgraph path -h`)"
        ),
    ),
    (["network", "--via", "air"], None),
]


@pytest.mark.parametrize(
    "args, line", USAGE_ERRORS, ids=lambda a: " ".join(a) if isinstance(a, list) else ""
)
def test_usage_errors_are_one_line_exit_2(cli, args, line):
    r = cli(*args)
    assert r.code == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("kgraph: "), r.stderr
    if line is not None:
        assert r.stderr == line + "\n"


def test_usage_errors_in_a_real_process(kgraph_proc):
    for args in (["frobnicate"], ["ask", "who directed Ballerina", "--bogus"]):
        r = kgraph_proc(*args)
        assert r.code == 2 and r.stderr.count("\n") == 1 and r.stderr.startswith("kgraph: ")
        assert "Usage:" not in r.stderr and "Try '" not in r.stderr


def test_no_arguments_still_shows_the_help(cli):
    r = cli()
    assert "Usage: kgraph" in r.stdout + r.stderr and "Commands:" in r.stdout + r.stderr


EMPTY = [
    (["ask", ""], "QUESTION", "ask"),
    (["ask", "   "], "QUESTION", "ask"),
    (["show", ""], "ENTITY", "show"),
    (["search", ""], "TEXT", "search"),
    (["unload", ""], "SOURCE", "unload"),
    (["shared", "Jeon Jong-seo", " "], "B", "shared"),
    (["path", "", "Kim Ji-hoon"], "A", "path"),
    (["viz", "", "-o", "x.html"], "ENTITY", "viz"),
]


@pytest.mark.parametrize("args, name, command", EMPTY, ids=lambda a: repr(a))
def test_an_empty_argument_is_a_usage_error(cli, args, name, command):
    r = cli(*args)
    assert r.code == 2, r.stderr
    assert r.stderr == f"kgraph: {name} is empty (see `kgraph {command} -h`)\n"
    assert r.stdout == ""


def test_an_empty_question_on_the_fast_path_and_in_json(kgraph_proc, cli):
    p = kgraph_proc("ask", "")
    assert p.code == 2 and p.stderr == "kgraph: QUESTION is empty (see `kgraph ask -h`)\n"
    for run in (kgraph_proc("ask", "", "--format", "json"), cli("ask", "", "--format", "json")):
        assert run.code == 2
        assert json.loads(run.stdout) == {
            "question": "",
            "error": "QUESTION is empty (see `kgraph ask -h`)",
            "answers": [],
        }


def test_a_search_that_finds_nothing_prints_no_table(cli):
    r = cli("search", "zzzz")
    assert r.code == 1 and r.stdout == ""
    assert r.stderr == "kgraph: no entity matches 'zzzz'\n"
    r = cli("search", "zzzz", "--format", "json")
    assert r.code == 1 and json.loads(r.stdout) == {"query": "zzzz", "results": []}
