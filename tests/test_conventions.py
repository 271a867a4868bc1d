"""The command line's conventions hold for every command (docs/cli.md "Conventions").

- ``--format``/``-f`` names what a command prints, validated by one function with one message;
  ``table`` everywhere (``text``, the path commands' old name, still accepted).
- ``-o``/``--output`` is always an output FILE; the old ``--output table|json`` of the commands
  that write no file is still read, with a warning.
- Every command's help has an Examples section and shows no Python type.
- Every error maps to the same exit code and message on the fast ``ask`` path and in typer.
"""

from __future__ import annotations

import ast
import errno
import io
import re
import sys
from pathlib import Path

import pytest

from kgraph import errors
from kgraph.errors import Suggestion

SRC = Path(__file__).resolve().parents[1] / "src" / "kgraph"


def _commands() -> list[str]:
    import typer.main

    from kgraph.cli import app

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


COMMANDS = _commands()


def test_the_command_list_is_the_one_the_docs_know():
    assert {"ask", "path", "export", "load", "sources", "viz", "serve", "ingest"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)], ids=lambda c: " ".join(c))
def test_every_help_has_examples_and_no_python_types(cli, command):
    r = cli(*command, "--help")
    assert r.code == 0, r.stderr
    assert "\n  Examples:\n" in r.stdout
    examples = r.stdout.split("Examples:\n", 1)[1]
    assert re.search(r"^\s+kgraph\b", examples, re.MULTILINE), examples
    # every <…> left in the help is a list of choices (<any|cast|crew>), never a type
    for shown in re.findall(r"<[^<>\s]*>", r.stdout):
        assert "|" in shown, f"{shown} in `kgraph {' '.join(command)} --help`"
    for py_type in ("str]", "list[", "<int", "<float", "<Path", "<path", "<str"):
        assert py_type not in r.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_o_is_always_an_output_file_and_f_always_the_output_format(cli, command):
    text = cli(command, "--help").stdout
    for line in text.splitlines():
        if "--output" in line:
            assert re.search(r"-o, --output FILE\b", line), line
        if "--format" in line and line.lstrip().startswith("-"):
            assert re.search(r"-f, --format FORMAT\s+Output format: ", line), line


# Each command with a report or data format, with the fewest arguments that reach the check.
FORMAT_CASES = {
    "validate": (),
    "stats": (),
    "conflicts": (),
    "search": ("Jeon",),
    "show": ("Jeon Jong-seo",),
    "ask": ("cast of Ballerina",),
    "queries": (),
    "query": ("cast",),
    "sparql": ("ASK {}",),
    "path": ("Jeon Jong-seo", "Yoo Ji-tae"),
    "shared": ("Jeon Jong-seo", "Yoo Ji-tae"),
    "network": (),
    "unload": ("nothing.ttl",),
    "sources": (),
    "reconcile": (),
    "ingest": ("article.txt",),
    "import-imdb": ("imdb",),
}


def test_every_format_taking_command_is_checked_here():
    with_format = {c for c in COMMANDS if "--format" in _help(c)}
    # load and import: an unknown --format is their old input syntax (tested below); export:
    # its data formats are the export registry's (tests/test_export.py)
    assert with_format - set(FORMAT_CASES) == {"load", "import", "export"}


def _help(command: str) -> str:
    from typer.testing import CliRunner

    from kgraph.cli import app

    return CliRunner().invoke(app, [command, "--help"]).stdout


@pytest.mark.parametrize("command", sorted(FORMAT_CASES))
def test_an_unknown_format_is_one_line_and_exit_2_everywhere(cli, command):
    r = cli(command, *FORMAT_CASES[command], "--format", "nope")
    assert r.code == 2
    assert re.fullmatch(
        r"kgraph: unknown format 'nope' for --format; use one of table, json(, \w+)*\n", r.stderr
    ), r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("command", ["path", "shared"])
def test_text_is_still_table_for_the_path_commands(cli, command):
    table = cli(command, "Jeon Jong-seo", "Kim Ji-hoon", "--format", "table")
    text = cli(command, "Jeon Jong-seo", "Kim Ji-hoon", "-f", "text")
    assert table.code == text.code == 0
    assert text.stdout == table.stdout and "Kim Ji-hoon" in table.stdout


def test_network_text_is_table(cli):
    assert cli("network", "-f", "text").stdout == cli("network").stdout


def test_ingest_text_is_table(cli, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Jeon Jong-seo stars in Ballerina, directed by Lee Chung-hyun.\n")
    table = cli("ingest", str(article), "--dry-run", "--format", "table")
    text = cli("ingest", str(article), "--dry-run", "--format", "text")
    assert table.code == text.code == 0
    assert text.stdout == table.stdout != ""


def test_the_old_output_json_still_works_with_a_warning(cli):
    new = cli("sources", "--format", "json")
    old = cli("sources", "--output", "json")
    assert old.code == new.code == 0 and old.stdout == new.stdout
    assert "sources" in new.stdout and new.stderr == ""
    assert old.stderr == "kgraph: warning: --output json is deprecated here: write --format json\n"


def test_the_old_output_takes_only_report_formats(cli):
    r = cli("sources", "-o", "report.json")
    assert r.code == 2
    assert r.stderr == (
        "kgraph: unknown format 'report.json' for --output; use one of table, json\n"
    )


def test_load_input_syntax_has_its_own_option_and_the_old_format_still_works(cli, tmp_path):
    data = tmp_path / "people.txt"  # no RDF extension: the syntax has to be named or sniffed
    data.write_text('<urn:x:a> <http://www.w3.org/2004/02/skos/core#prefLabel> "A" .\n')
    store = str(tmp_path / "store")
    new = cli("--store", store, "load", str(data), "--input-format", "ntriples", "-f", "json")
    assert new.code == 0, new.stderr
    assert '"quads": 1' in new.stdout and new.stderr == ""
    old = cli("--store", store, "load", str(data), "--format", "ntriples")
    assert old.code == 0, old.stderr
    assert "kgraph: warning: --format ntriples names the input syntax" in old.stderr
    assert "people.txt" in old.stdout  # the table report
    bad = cli("--store", store, "load", str(data), "--input-format", "ntriples", "-f", "xml")
    assert bad.code == 2 and "unknown format 'xml' for --format" in bad.stderr


@pytest.mark.parametrize(
    "argv",
    [("query", "cast", "--param", "work"), ("viz", "--query", "cast", "-p", "=Ballerina")],
)
def test_param_is_parsed_one_way(cli, argv):
    r = cli(*argv)
    assert r.code == 2 and "expected NAME=VALUE" in r.stderr


def test_the_cli_reaches_the_store_only_through_the_facade():
    """Commands call KnowledgeGraph methods; none takes ``.store`` or a private attribute."""
    offenders = []
    for f in sorted((SRC / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute):
                continue
            if node.attr in ("_writable", "_store", "_spec"):
                offenders.append(f"{f.name}:{node.lineno} .{node.attr}")
            is_spec = isinstance(node.value, ast.Name) and node.value.id in ("state", "self")
            if node.attr == "store" and not is_spec:  # state.store is the --store spec
                offenders.append(f"{f.name}:{node.lineno} .store")
    assert offenders == []


# -- one error mapping for the fast ask path and typer ----------------------------------------

ERRORS = {
    "unknown entity": errors.UnknownEntity("Nobody", [Suggestion("Somebody", "urn:x", "P", 0.9)]),
    "usage": errors.UsageError("bad usage", hint="try this instead"),
    "timeout": errors.QueryTimeout("the query ran past 1 s"),
    "store": errors.StoreError("cannot open the store"),
    "remote down": errors.RemoteUnavailable("the endpoint gave 503"),
    "broken pipe": BrokenPipeError(errno.EPIPE, "Broken pipe"),
    "interrupted": KeyboardInterrupt(),
    "disk full": OSError(errno.ENOSPC, "No space left on device"),
    "other OSError": PermissionError(errno.EACCES, "Permission denied"),
    "bug": RuntimeError("something broke"),
}


def _raiser(exc: BaseException):
    def raise_it(self, *args, **kwargs):
        raise exc

    return raise_it


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_fast_path_and_typer_map_every_error_alike(kind, cli, monkeypatch):
    from kgraph import __main__, conventions
    from kgraph.kg import KnowledgeGraph

    exc = ERRORS[kind]
    monkeypatch.delenv("KGRAPH_DEBUG", raising=False)
    monkeypatch.setattr(KnowledgeGraph, "ask", _raiser(exc))
    # (stdout is silenced after a broken pipe or a full disk: not in-process, where the test
    # runner reads it afterwards)
    monkeypatch.setattr(conventions, "_silence_stdout", lambda: None)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    fast_code = __main__.fast_ask(["ask", "cast of Ballerina"])
    monkeypatch.undo()  # the typer runner swaps the streams itself
    monkeypatch.setattr(KnowledgeGraph, "show", _raiser(exc))
    monkeypatch.setattr(conventions, "_silence_stdout", lambda: None)
    monkeypatch.delenv("KGRAPH_DEBUG", raising=False)
    typer_run = cli("show", "Ballerina")
    assert fast_code == typer_run.code
    assert err.getvalue() == typer_run.stderr
    expected = {
        "unknown entity": 1,
        "usage": 2,
        "timeout": 1,
        "store": 2,
        "remote down": 1,
        "broken pipe": 0,
        "interrupted": 130,
        "disk full": 1,
        "other OSError": 3,
        "bug": 3,
    }[kind]
    assert fast_code == expected
    if expected:
        assert err.getvalue().startswith("kgraph: ") and err.getvalue().endswith("\n")
    if kind == "usage":
        assert err.getvalue() == "kgraph: bad usage; try this instead\n"


def test_fast_path_and_typer_reject_a_format_alike(cli, capsys):
    from kgraph import __main__

    code = __main__.fast_ask(["ask", "cast of Ballerina", "--format", "yaml"])
    fast = capsys.readouterr()
    typer_run = cli("ask", "cast of Ballerina", "--format", "yaml")
    assert code == typer_run.code == 2
    assert (
        fast.err
        == typer_run.stderr
        == ("kgraph: unknown format 'yaml' for --format; use one of table, json\n")
    )


def test_the_format_names_in_help_are_the_ones_the_library_writes():
    """The CLI lists its data formats for --help; the library's registries are the truth."""
    from kgraph.cli.export import EXPORT_FORMATS
    from kgraph.cli.query import SPARQL_FORMATS
    from kgraph.export import FORMATS
    from kgraph.results import SERIALIZERS

    assert set(SPARQL_FORMATS) == {"table", *SERIALIZERS}
    assert EXPORT_FORMATS == FORMATS


def test_writable_is_public_on_the_facade():
    from kgraph import KnowledgeGraph

    assert KnowledgeGraph("memory:").writable is False
    assert KnowledgeGraph("memory:", writable=True).writable is True
