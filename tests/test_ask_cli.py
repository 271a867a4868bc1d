"""`kgraph ask` on the command line: output formats, exit codes, the fast path, piped prompts."""

from __future__ import annotations

import json

import pytest

QUESTION = "co-stars of Jeon Jong-seo"
COSTARS = ["Kim Ji-hoon", "Park Shin-hye", "Park Yu-rim", "Yoo Ji-tae"]


def test_headline_command(cli):
    r = cli("ask", QUESTION)
    assert r.code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "Co-stars of Jeon Jong-seo"
    assert lines[1] == "answer\tdetail\tsources"
    assert [ln.split("\t")[0] for ln in lines[2:6]] == COSTARS
    assert lines[3] == "Park Shin-hye\tThe Call\ts000, s002, s003, s004"
    # a legend of the sources cited: code, what it is, date
    assert lines[6] == "sources:"
    assert lines[7].startswith("  s000  What's On Netflix")
    assert lines[9] == "  s002  Ballerina cast and characters guide — 2023-10-05"
    assert len(lines) == 12
    assert r.stderr == ""


def test_json_contract(cli):
    r = cli("ask", "who directed Ballerina?", "--format", "json")
    assert r.code == 0
    obj = json.loads(r.stdout)
    assert list(obj) == ["question", "interpretation", "sparql", "answers"]
    assert obj["question"] == "who directed Ballerina?"
    assert obj["interpretation"] == "director of Ballerina"
    assert obj["answers"] == [
        {
            "label": "Lee Chung-hyun",
            "iri": "https://kgraph.dev/id/person/lee-chung-hyun",
            "value": None,
            "sources": [f"https://kgraph.dev/id/source/s00{i}" for i in range(5)],
            "detail": None,
            "facts": [
                {
                    "statement": "Lee Chung-hyun directed Ballerina",
                    "sources": [f"https://kgraph.dev/id/source/s00{i}" for i in range(5)],
                    "triples": [
                        [
                            "https://kgraph.dev/id/work/ballerina",
                            "https://kgraph.dev/ontology#director",
                            "https://kgraph.dev/id/person/lee-chung-hyun",
                        ]
                    ],
                }
            ],
        }
    ]
    assert "VALUES ?work { <https://kgraph.dev/id/work/ballerina> }" in obj["sparql"]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("who directed Titanic", "kgraph: no Work named 'Titanic' in the graph"),
        ("blorp zorp", "kgraph: I did not understand 'blorp zorp'"),
        ("co-stars of Tom Cruise", "kgraph: no Person named 'Tom Cruise' in the graph"),
    ],
)
def test_refusals_exit_1_with_one_line(cli, question, message):
    r = cli("ask", question)
    assert r.code == 1
    assert r.stdout == ""
    assert r.stderr.startswith(message)
    assert len(r.stderr.strip().splitlines()) == 1
    j = cli("ask", question, "--format", "json")
    assert j.code == 1
    obj = json.loads(j.stdout)
    assert obj == {"question": question, "error": obj["error"], "answers": []}
    assert message.removeprefix("kgraph: ") in obj["error"]
    assert j.stderr.startswith(message)


def test_empty_answer_exits_1(cli):
    r = cli("ask", "who is Kim Ji-hoon dating")
    assert r.code == 1
    assert (
        "no answer: the sources in the graph do not say (relationships of Kim Ji-hoon)" in r.stderr
    )
    j = cli("ask", "who is Kim Ji-hoon dating", "-f", "json")
    assert j.code == 1 and json.loads(j.stdout)["answers"] == []


def test_notes_go_to_stderr(cli):
    r = cli("ask", "costars of jeon jongseo")
    assert r.code == 0
    assert r.stderr == "taking 'jeon jongseo' as Jeon Jong-seo\n"
    assert "taking" not in r.stdout


def test_explain(cli):
    r = cli("ask", "--explain", "who played tokyo in money heist korea")
    assert r.code == 0
    out = r.stdout
    assert "intent: who-played" in out
    assert "saved query: who-played (queries/who-played.rq)" in out
    assert (
        "linked character: 'tokyo' -> Tokyo <https://kgraph.dev/id/character/money-heist-korea-joint-economic-area--tokyo> (Character; normalised, score 0.95)"
        in out
    )
    assert (
        "VALUES ?character { <https://kgraph.dev/id/character/money-heist-korea-joint-economic-area--tokyo> }"
        in out
    )
    assert "Jeon Jong-seo\tin Money Heist: Korea – Joint Economic Area\ts002, s003" in out
    j = json.loads(cli("ask", "--explain", "-f", "json", "cast of Ballerina").stdout)
    assert j["explain"]["intent"] == "cast" and j["explain"]["links"][0]["label"] == "Ballerina"


def test_unquoted_words_are_joined(cli):
    assert cli("ask", "co-stars", "of", "Jeon", "Jong-seo").stdout == cli("ask", QUESTION).stdout


def test_bad_format_is_usage_error(cli):
    r = cli("ask", QUESTION, "--format", "yaml")
    assert r.code == 2 and "unknown format 'yaml'" in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("ask", QUESTION),
        ("ask", "costars of jeon jongseo", "--format", "json"),
        ("ask", "--explain", "who played Ok-ju"),
        ("ask", "who directed Titanic"),
        ("ask", "who directed Titanic", "-f", "json"),
        ("ask", "who is Kim Ji-hoon dating"),
    ],
)
def test_fast_path_and_typer_agree(cli, kgraph_proc, args):
    """The installed command answers this shape without typer (kgraph/__main__.py): same output."""
    fast, slow = kgraph_proc(*args), cli(*args)
    assert (fast.code, fast.stdout, fast.stderr) == (slow.code, slow.stdout, slow.stderr)


@pytest.mark.slow
def test_real_process_fast_path_matches(cli, kgraph_proc):
    """The installed command (which skips typer's parsing for this shape) prints the same."""
    p = kgraph_proc("ask", QUESTION)
    assert p.code == 0 and p.stdout == cli("ask", QUESTION).stdout
    p = kgraph_proc("ask", "who directed Titanic", "--format", "json")
    assert p.code == 1 and json.loads(p.stdout)["answers"] == []
    assert "Traceback" not in p.stderr
    p = kgraph_proc("ask", "--format=json", "cast of Ballerina")
    assert p.code == 0 and len(json.loads(p.stdout)["answers"]) == 3
    p = kgraph_proc("ask", QUESTION, "--bogus")
    assert p.code == 2 and "No such option" in p.stderr


def test_piped_questions_are_answered_one_by_one(cli):
    r = cli(
        "ask", input="co-stars of Jeon Jong-seo\nand her partner?\nwho directed Titanic\n:quit\n"
    )
    assert r.code == 0
    assert "Co-stars of Jeon Jong-seo" in r.stdout
    assert (
        "Relationships of Jeon Jong-seo\nanswer\tdetail\tsources\nLee Chung-hyun\tcouple 2021\ts002, s003"
        in r.stdout
    )
    assert "taking 'her' as Jeon Jong-seo" in r.stderr
    assert "no Work named 'Titanic'" in r.stderr


def test_a_loaded_files_sources_column_uses_the_legends_code(cli, tmp_path):
    """The sources column printed a loaded file's full IRI while the legend below it named the
    file (the stranger's item 18): both give the file's name now, as `path` and `shared` do."""
    from pathlib import Path

    data = Path(__file__).parent / "data" / "vocab" / "schema-org.ttl"
    store = str(tmp_path / "store")
    assert cli("--store", store, "load", str(data)).code == 0
    r = cli("--store", store, "ask", "who directed Night Signal")
    assert r.code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:3] == [
        "Director of Night Signal",
        "answer\tsources",
        "Moon Ha-eun\tschema-org.ttl",
    ]
    assert "sources:" in lines and any(x.startswith("  schema-org.ttl  ") for x in lines)
    assert "https://" not in r.stdout
