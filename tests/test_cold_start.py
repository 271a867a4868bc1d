"""What a cold ``kgraph ask`` imports (issue 18: within 5x of ``python -c pass``,
``benchmarks/cold_ask.py``).

Not a timing test: each module named here was taken off the path of one answer (plain output,
the bundled graph, a built cache), and this keeps it off. A module that comes back is a cost
every ``kgraph ask`` pays again; import it where it is used instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# module -> why a plain `kgraph ask` does without it
KEPT_OFF = {
    "typer": "the CLI framework: only for command lines other than `ask QUESTION`",
    "click": "typer's",
    "rich": "only the table renderers of other commands",
    "pydantic": "typer's",
    "kgraph.cli": "the typer app",
    "rdflib": "the rdflib bridge: export, validation, federation checks",
    "networkx": "paths and network analytics",
    "kgraph.overlay": "the user's own files: only when there are some",
    "hashlib": "imports OpenSSL; the store's checksums use the interpreter's BLAKE2b",
    "_hashlib": "OpenSSL",
    "dataclasses": "imports inspect; the ask path's classes are kgraph.records",
    "inspect": "imported by dataclasses",
    "typing": "annotations only under TYPE_CHECKING; kgraph.records stands in at run time",
    "json": "only for --format json",
    "pickle": "derived values are read back by _pickle alone; pickle.py only writes them",
    "threading": "PerStore's lock comes from _thread",
    "platformdirs": "the XDG directories are computed in kgraph.resources",
    "filelock": "only when building",
    "tempfile": "only when building or writing",
    "shutil": "only when building or removing",
    "unicodedata": "linking.normalise needs it only for text that is not ASCII",
    "pathlib": "imports urllib.parse and ipaddress; the cached store is found with os.path",
    "urllib.parse": "pathlib's (and a remote store's)",
    "ipaddress": "urllib.parse's",
    "fnmatch": "pathlib's glob; the store's files are listed with os.listdir",
    "weakref": "the store's derived values and proxies come from the interpreter's _weakref",
    "urllib.request": "only for a remote store",
    "http.client": "only for a remote store",
}

PROBE = """
import sys
before = set(sys.modules)
from kgraph.__main__ import fast_ask
code = fast_ask(sys.argv[1:])
added = sorted(set(sys.modules) - before)
sys.stdout.flush()
sys.stderr.write("\\n" + " ".join(added))
sys.exit(code)
"""


def _ask(*argv: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("KGRAPH_STORE", "KGRAPH_UPDATE_URL")}
    p = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True, check=False
    )
    modules = p.stderr.rsplit("\n", 1)[-1]
    return p, set(modules.split())


@pytest.mark.parametrize(
    ("question", "answer", "allowed"),
    [
        ("co-stars of Jeon Jong-seo", "Kim Ji-hoon", set()),  # benchmarks/cold_ask.py's
        ("who played Ok-ju in Ballerina?", "Jeon Jong-seo", set()),
        ("cast of Ballerina", "Kim Ji-hoon", set()),
        # a question the phrasing table does not read is scored (kgraph.kinds); its names go
        # through the fuzzy stage of kgraph.linking, and rapidfuzz imports typing
        ("how many films has Jeon Jong-seo made?", "Ballerina, Burning", {"typing"}),
    ],
)
def test_a_cold_ask_keeps_heavy_modules_off_its_path(
    question: str, answer: str, allowed: set[str]
) -> None:
    # the cache is built and the values derived from the store are kept beside it (a build
    # imports what an ask does not)
    _ask("ask", question)
    p, added = _ask("ask", question)
    assert p.returncode == 0, p.stderr
    assert answer in p.stdout  # the fast path answered, in a table
    back = {m: why for m, why in KEPT_OFF.items() if m in added and m not in allowed}
    assert not back, f"back on the path of `kgraph ask`: {back}"


def test_the_probe_sees_what_an_answer_in_json_needs() -> None:
    """The probe would notice: JSON output does import json."""
    _ask("ask", "co-stars of Jeon Jong-seo")
    p, added = _ask("ask", "co-stars of Jeon Jong-seo", "--format", "json")
    assert p.returncode == 0 and json.loads(p.stdout)["answers"]
    assert "json" in added and "typer" not in added


# What an answer does without: reading every saved query, reading the whole phrasing table, and
# compiling a regular expression that an earlier ask already compiled (kgraph.startcache).
WORK_PROBE = """
import sys
import builtins, re._parser
import kgraph.questions as q, kgraph.saved as saved, kgraph.startcache as sc
parsed, compiled = [], []
sc.compile = lambda *a: compiled.append(a[0]) or builtins.compile(*a)  # record classes' __init__
real_parse, real_compile = saved.parse_query_file, re._parser.parse
saved.parse_query_file = lambda path: parsed.append(str(path).rsplit("/")[-1]) or real_parse(path)
re._parser.parse = lambda p, *a: compiled.append(p) or real_compile(p, *a)
from kgraph.__main__ import fast_ask
code = fast_ask(sys.argv[1:])
read = sum(c._anchors is not None for c in q.compiled())
sys.stdout.flush()
sys.stderr.write(f"\\n{parsed}|{read}|{len(q.compiled())}|{len(compiled)}")
sys.exit(code)
"""


def _work(*argv: str) -> tuple[subprocess.CompletedProcess[str], list[str], int, int, int]:
    env = {k: v for k, v in os.environ.items() if k not in ("KGRAPH_STORE", "KGRAPH_UPDATE_URL")}
    p = subprocess.run(
        [sys.executable, "-c", WORK_PROBE, *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    parsed, read, table, compiled = p.stderr.rsplit("\n", 1)[-1].split("|")
    return p, json.loads(parsed.replace("'", '"')), int(read), int(table), int(compiled)


def test_a_cold_ask_reads_one_saved_query_and_part_of_the_table() -> None:
    _ask("ask", "co-stars of Jeon Jong-seo")
    p, parsed, read, table, _ = _work("ask", "co-stars of Jeon Jong-seo")
    assert p.returncode == 0 and "Kim Ji-hoon" in p.stdout, p.stderr
    assert parsed == ["co-stars.rq"]  # not the other 18 files of queries/
    assert 0 < read < table / 2  # the patterns after the first that answers are not read


def test_a_second_ask_compiles_no_regular_expression_and_no_record_class() -> None:
    """The first ask compiles and records the patterns and the generated ``__init__`` of the
    record classes of its path (kgraph.startcache); later ones read them back."""
    for question in ("cast of Ballerina", "who played Ok-ju in Ballerina?"):
        first = _work("ask", question)
        assert first[0].returncode == 0, first[0].stderr
        p, *_, compiled = _work("ask", question)
        assert p.returncode == 0 and p.stdout == first[0].stdout
        assert compiled == 0
