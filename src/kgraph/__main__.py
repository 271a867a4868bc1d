"""The ``kgraph`` command (and ``python -m kgraph``).

One command line is answered without importing typer: ``kgraph ask "QUESTION" [--format F]
[--explain]``, the headline use, which should start as fast as a Python program can. typer 0.29
coerces every parameter through pydantic, and typer, click and pydantic together cost more CPU
than opening the store, linking the names and answering. Every other command line (global
options, ``--help``, other commands, unknown options) goes to the typer app of :mod:`kgraph.cli`,
which gives the same answers for the same question (``tests/test_ask_cli.py`` checks it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from typing import Any


def main() -> None:
    for i, a in enumerate(sys.argv[1:], 1):
        if any("\udc80" <= c <= "\udcff" for c in a):  # bytes the locale could not decode
            print(f"kgraph: argument {i} is not valid UTF-8", file=sys.stderr)
            sys.exit(2)
    try:
        code = fast_ask(sys.argv[1:])
        if code is not None:
            # One question answered and written: leave without the interpreter's teardown (a
            # last walk of every object, 4 % of a cold ask). Nothing is left to write or close:
            # the stores `ask` opens are read-only, and files it writes are complete by now.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        from .cli import main as typer_main

        try:
            typer_main()
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        sys.stdout.flush()
    except OSError as e:  # the output could not be written (`kgraph --help > /dev/full`)
        from .conventions import output_failed

        if not output_failed(e):
            raise
        code = 1
    sys.exit(code)


def fast_ask(argv: list[str]) -> int | None:
    """Run the hot ``ask`` command line and return its exit code, or None for any other shape.

    Only ``ask QUESTION [--format F|-f F|--format=F] [--explain]`` is read here; anything else
    (``-h``, global options, ``-fjson``) is left to typer. Format names, their validation and
    every error's exit code and message come from :mod:`kgraph.conventions`, as in typer's
    ``ask`` (``tests/test_conventions.py`` runs both paths on each kind of error)."""
    if len(argv) < 2 or argv[0] != "ask":
        return None
    question: str | None = None
    fmt, explain = "table", False
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--explain":
            explain = True
        elif a in ("--format", "-f") and i + 1 < len(argv):
            fmt = argv[i + 1]
            i += 1
        elif a.startswith("--format="):
            fmt = a.split("=", 1)[1]
        elif a.startswith("-") or question is not None:
            return None
        else:
            question = a
        i += 1
    if question is None:
        return None
    # Starting up allocates some 10^5 long-lived objects (modules, classes, the indexes read from
    # disk), which the cyclic collector walked again every 700 allocations; collected in fewer,
    # larger steps instead (the library is not imported yet: kgraph/__init__ is lazy).
    import gc

    gc.set_threshold(50_000, 20, 20)
    # The regular expressions and record classes of the ask path, compiled by an earlier ask
    from . import startcache
    from .resources import cache_dir_text

    startcache.install(cache_dir_text())
    code = run_ask(_default_graph, question, fmt, explain)
    startcache.save()
    return code


def _default_graph() -> object:
    """The KnowledgeGraph the global options would select (they come from the environment here)."""
    from .kg import KnowledgeGraph

    return KnowledgeGraph(
        os.environ.get("KGRAPH_STORE") or None,
        update_url=os.environ.get("KGRAPH_UPDATE_URL") or None,
    )


def run_ask(graph: Callable[[], Any], question: str, fmt: str, explain: bool) -> int:
    """Answer one question and render it; the exit code of DESIGN.md (errors as one line).

    ``graph()`` gives the KnowledgeGraph; it is called again after a damaged cache is rebuilt.
    Errors map to exit codes in :func:`kgraph.conventions.run`, as for every other command.
    """
    from . import conventions
    from .render import ask as view

    kg: Any = None

    def answer() -> int:
        nonlocal kg, fmt
        fmt = conventions.check_format(fmt, conventions.REPORT_FORMATS)
        if not question.strip():  # a blank argument is bad usage, as in every command
            from .errors import UsageError

            raise UsageError("QUESTION is empty (see `kgraph ask -h`)")
        if kg is None:
            kg = graph()
        ans = kg.ask(question)
        view.answer(ans, fmt, explain=explain)
        return 0 if ans.answers else 1

    def reopen() -> None:
        nonlocal kg
        if kg is not None:
            kg.close()
            kg = None

    def report(e: Any) -> None:
        if fmt == "json":
            view.ask_error(question, str(e), fmt)
        else:
            conventions.report_error(e)

    return conventions.run(answer, reopen=reopen, report=report)


if __name__ == "__main__":
    main()
