"""The README's examples are real: every ``console`` block is run and its output compared."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # one real kgraph process per README example

README = Path(__file__).resolve().parent.parent / "README.md"


def examples() -> list[tuple[str, str]]:
    """(command line, expected stdout) for every ``$ kgraph …`` line of a console block."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL):
        cmd, lines = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if cmd:
                    out.append((cmd, "\n".join(lines)))
                cmd, lines = line[2:], []
            else:
                lines.append(line)
        if cmd:
            out.append((cmd, "\n".join(lines)))
    return out


EXAMPLES = examples()


def test_readme_has_examples_of_the_main_commands():
    commands = {shlex.split(c)[1] for c, _ in EXAMPLES}
    assert {
        "ask",
        "path",
        "shared",
        "search",
        "show",
        "sparql",
        "query",
        "conflicts",
        "stats",
        "validate",
    } <= commands
    assert EXAMPLES[0][0] == 'kgraph ask "co-stars of Jeon Jong-seo"'


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output_is_real(kgraph_proc, command, expected):
    argv = shlex.split(command)
    assert argv[0] == "kgraph"
    r = kgraph_proc(*argv[1:], env={"NO_COLOR": "1"})
    assert r.code == 0, r.stderr
    assert r.stdout.rstrip("\n") == expected.rstrip("\n")
