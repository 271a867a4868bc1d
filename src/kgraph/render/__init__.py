"""Rendering results for people and machines. The only package that imports rich.

Data goes to stdout, diagnostics to stderr. Output is plain (no colour, no box drawing) when
stdout is not a terminal or ``NO_COLOR`` is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..records import Any

_out = None
_err = None


def plain() -> bool:
    """True when output should carry no colour or decoration."""
    return bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()


def out():  # -> rich.console.Console
    """The stdout console (created on first use, so rich is not imported by JSON-only calls)."""
    global _out
    if _out is None or _out.file is not sys.stdout:
        from rich.console import Console

        p = plain()
        _out = Console(
            file=sys.stdout,
            no_color=p,
            highlight=False,
            soft_wrap=p,
            force_terminal=None if not p else False,
            width=None if not p else 10_000,
        )
    return _out


def err():  # -> rich.console.Console
    global _err
    if _err is None or _err.file is not sys.stderr:
        from rich.console import Console

        _err = Console(
            file=sys.stderr,
            no_color=bool(os.environ.get("NO_COLOR")) or not sys.stderr.isatty(),
            highlight=False,
            soft_wrap=True,
        )
    return _err


def write(text: str) -> None:
    """Raw text to stdout (machine formats: JSON, CSV, Turtle …)."""
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def write_json(obj: Any) -> None:
    import json  # only for JSON output: off the path of a cold `kgraph ask` in a table

    write(json.dumps(obj, ensure_ascii=False, indent=2))


def error(message: str) -> None:
    """One line on stderr, prefixed with the program name (control characters shown escaped)."""
    sys.stderr.write(f"kgraph: {one_line(message)}\n")
    sys.stderr.flush()


def one_line(text: str) -> str:
    """``text`` with newlines and other control characters escaped, so an error stays one line.

    >>> one_line("Invalid IRI code point '\\n'")
    "Invalid IRI code point '\\\\n'"
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def warn(message: str) -> None:
    sys.stderr.write(f"kgraph: warning: {message}\n")
    sys.stderr.flush()


def note(message: str) -> None:
    """A remark for the person at the terminal (stderr, so pipes stay clean)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A table: rich on a terminal, tab-separated with a header line otherwise."""
    if plain():
        if title:
            write(title)
        write("\t".join(columns))
        for r in rows:
            write("\t".join("" if v is None else str(v) for v in r))
        return
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    out().print(t)
