"""The command line's conventions, in one place for both of its entry points.

``kgraph`` has two ways in: the typer app of :mod:`kgraph.cli` and the fast ``ask`` path of
:mod:`kgraph.__main__`, which answers the headline command line without importing typer. Both
take their output format names and their error handling from here, so they cannot drift:

- **Output formats** (``--format``/``-f``): ``table`` for people (a rich table on a terminal,
  tab-separated text in a pipe), ``json`` for programs, plus each command's data formats (csv,
  turtle, …). :func:`check_format` is the one validation, with the one error message.
- **Exit codes** (DESIGN.md): 0 ok, 1 no answer, 2 bad usage or input, 3 an internal error,
  130 interrupted. :func:`run` maps every kind of error to its code and one line on stderr.

This module imports nothing heavy at import time (the fast path pays for every import).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from .records import Any

TABLE = "table"
JSON = "json"
REPORT_FORMATS = (TABLE, JSON)
"""The formats of every command that prints a report rather than data."""

ALIASES = {"text": TABLE}
"""Old names still accepted (``text`` was the path commands' name for ``table``)."""

INTERNAL_ERROR = 3
INTERRUPTED = 130


def check_format(value: str, allowed: Sequence[str], option: str = "--format") -> str:
    """``value`` as one of ``allowed`` (case-insensitive, old names mapped); else a UsageError.

    >>> check_format("JSON", REPORT_FORMATS)
    'json'
    >>> check_format("text", REPORT_FORMATS)
    'table'
    """
    from .errors import UsageError

    name = value.lower()
    name = ALIASES.get(name, name) if TABLE in allowed else name
    if name not in allowed:
        raise UsageError(f"unknown format {value!r} for {option}; use one of {', '.join(allowed)}")
    return name


def run(
    call: Callable[[], int],
    *,
    reopen: Callable[[], None] = lambda: None,
    report: Callable[[Any], None] | None = None,
) -> int:
    """Run one command and return its exit code; every error becomes one line on stderr.

    ``call`` does the work and returns the exit code. When the cached store fails a checksum
    while being read, the cache is rebuilt, ``reopen`` drops the damaged store and ``call`` runs
    once more (a user's own ``--store`` is never repaired). ``report`` shows a
    :class:`~kgraph.errors.KGraphError` (default: :func:`report_error`).
    """
    from . import render
    from .errors import KGraphError, StoreCorrupted

    try:
        try:
            return call()
        except StoreCorrupted as e:
            from .build import repair

            reopen()
            if repair(e.path) is None:
                raise
            render.warn(f"{e}; the cache has been rebuilt")
            return call()
    except KGraphError as e:
        (report or report_error)(e)
        return e.exit_code
    except BrokenPipeError:  # `kgraph … | head`: the reader has all it wanted
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        render.error("interrupted")
        return INTERRUPTED
    except OSError as e:
        if output_failed(e):
            return 1
        return _internal(e)
    except Exception as e:  # noqa: BLE001 - a bug: one line, the full trace only on request
        return _internal(e)


def report_error(e: Any) -> None:
    """A :class:`~kgraph.errors.KGraphError` as one line on stderr (:func:`one_line_message`)."""
    from . import render

    render.error(one_line_message(e))


def one_line_message(e: Any) -> str:
    """The error's message, and its hint after a semicolon when the hint is one line too.

    A hint of several lines (a SPARQL syntax error's excerpt with a caret) stays on the error
    for the library and the explorer; the message already names the line and column.

    >>> from kgraph.errors import NoPath
    >>> one_line_message(NoPath("no path within 2 hops", hint="a larger --max-hops may find one"))
    'no path within 2 hops; a larger --max-hops may find one'
    """
    message, hint = str(e), (getattr(e, "hint", None) or "").strip()
    return f"{message}; {hint}" if hint and "\n" not in hint else message


def _internal(e: BaseException) -> int:
    if os.environ.get("KGRAPH_DEBUG"):
        raise e
    from . import render

    render.error(f"internal error: {type(e).__name__}: {e} (set KGRAPH_DEBUG=1 for details)")
    return INTERNAL_ERROR


def output_failed(e: OSError) -> bool:
    """When writing the output failed (a full disk, ``> /dev/full``, an I/O error): say so in one
    line, silence the final flush of stdout, and return True; False for any other OSError."""
    import errno

    if e.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        return False
    print(f"kgraph: cannot write the output: {e.strerror}", file=sys.stderr)
    _silence_stdout()
    return True


def _silence_stdout() -> None:
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
    except OSError:
        pass
