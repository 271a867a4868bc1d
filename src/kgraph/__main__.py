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


def main() -> None:
    for i, a in enumerate(sys.argv[1:], 1):
        if any("\udc80" <= c <= "\udcff" for c in a):  # bytes the locale could not decode
            print(f"kgraph: argument {i} is not valid UTF-8", file=sys.stderr)
            sys.exit(2)
    try:
        code = fast_ask(sys.argv[1:])
        if code is None:
            from .cli import main as typer_main

            try:
                typer_main()
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        sys.stdout.flush()
    except OSError as e:  # the output could not be written (`kgraph --help > /dev/full`)
        from .cli import output_failed

        if not output_failed(e):
            raise
        code = 1
    sys.exit(code)


def fast_ask(argv: list[str]) -> int | None:
    """Run the hot ``ask`` command line and return its exit code, or None for any other shape."""
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
    if question is None or fmt.lower() not in ("table", "json"):
        return None
    from .kg import KnowledgeGraph

    kg = KnowledgeGraph(
        os.environ.get("KGRAPH_STORE") or None,
        update_url=os.environ.get("KGRAPH_UPDATE_URL") or None,
    )
    return run_ask(kg, question, fmt.lower(), explain)


def run_ask(kg: object, question: str, fmt: str, explain: bool) -> int:
    """Answer one question and render it; the exit code of DESIGN.md (errors as one line)."""
    from . import render
    from .errors import KGraphError, StoreCorrupted
    from .render import ask as view

    try:
        try:
            ans = kg.ask(question)  # type: ignore[attr-defined]
        except StoreCorrupted as e:  # the cached store is damaged: rebuild it, ask again
            from .build import repair
            from .kg import KnowledgeGraph

            kg.close()  # type: ignore[attr-defined]
            if repair(e.path) is None:
                raise
            render.warn(f"{e}; the cache has been rebuilt")
            kg = KnowledgeGraph()
            ans = kg.ask(question)  # type: ignore[attr-defined]
        view.answer(ans, fmt, explain=explain)
    except KGraphError as e:
        if fmt == "json":
            view.ask_error(question, str(e), fmt)
        else:
            render.error(str(e))
            if e.hint:
                render.note(e.hint)
        return e.exit_code
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        render.error("interrupted")
        return 130
    except OSError as e:
        from .cli import output_failed

        if output_failed(e):
            return 1
        if os.environ.get("KGRAPH_DEBUG"):
            raise
        render.error(f"internal error: {type(e).__name__}: {e} (set KGRAPH_DEBUG=1 for details)")
        return 3
    except Exception as e:  # a bug: one line, the trace only on request (as kgraph.cli does)
        if os.environ.get("KGRAPH_DEBUG"):
            raise
        render.error(f"internal error: {type(e).__name__}: {e} (set KGRAPH_DEBUG=1 for details)")
        return 3
    return 0 if ans.answers else 1


if __name__ == "__main__":
    main()
