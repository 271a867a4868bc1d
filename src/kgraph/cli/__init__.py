"""The kgraph command line: thin adapters from arguments to library calls to renderers.

Each command group lives in its own module with a ``register(app)`` function. Global options
(``--store``, ``--update-url``) sit on the callback and reach commands through :func:`graph`.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from ..errors import KGraphError

app = typer.Typer(
    name="kgraph",
    help="A knowledge graph of films, series, people, characters and collaborations, from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    store: str | None = None
    update_url: str | None = None
    _kg: Any = None

    def kg(self, *, writable: bool = False) -> Any:
        from ..kg import KnowledgeGraph

        if self._kg is None or (writable and not self._kg._writable):
            self._kg = KnowledgeGraph(self.store, update_url=self.update_url, writable=writable)
        return self._kg


state = State()


def graph(*, writable: bool = False) -> Any:
    """The KnowledgeGraph selected by the global options."""
    return state.kg(writable=writable)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("kgraph")
        except PackageNotFoundError:  # run from a checkout without installing
            v = "unknown (not installed)"
        typer.echo(f"kgraph {v}")
        raise typer.Exit(0)


@app.callback()
def _global(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="KGRAPH_STORE",
            help="Store: a directory (embedded), 'memory:', or an http(s):// SPARQL endpoint. Default: the bundled graph.",
        ),
    ] = None,
    update_url: Annotated[
        str | None,
        typer.Option(
            "--update-url",
            envvar="KGRAPH_UPDATE_URL",
            help="SPARQL Update URL of a remote store, where it differs from the query URL.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print kgraph's version and exit.",
        ),
    ] = False,
) -> None:
    state.store = store
    state.update_url = update_url
    state._kg = None


F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(fn: F) -> F:
    """Turn library errors into one line on stderr and the exit codes of DESIGN.md."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .. import render
        from ..errors import StoreCorrupted

        try:
            try:
                return fn(*args, **kwargs)
            except StoreCorrupted as e:
                # The cached store failed a checksum while being read: it is a cache, so it
                # is rebuilt and the command run once more (a user's --store is never touched).
                from ..build import repair

                if state._kg is not None:
                    state._kg.close()
                    state._kg = None
                if repair(e.path) is None:
                    raise
                render.warn(f"{e}; the cache has been rebuilt")
                return fn(*args, **kwargs)
        except KGraphError as e:
            render.error(str(e))
            hint = getattr(e, "hint", None)
            if hint:
                render.note(hint)
            raise typer.Exit(e.exit_code) from None
        except BrokenPipeError:
            try:
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
            except OSError:
                pass
            raise typer.Exit(0) from None
        except OSError as e:
            if not output_failed(e):
                if os.environ.get("KGRAPH_DEBUG"):
                    raise
                render.error(
                    f"internal error: {type(e).__name__}: {e} (set KGRAPH_DEBUG=1 for details)"
                )
                raise typer.Exit(3) from None
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            render.error("interrupted")
            raise typer.Exit(130) from None
        except typer.Exit:
            raise
        except Exception as e:  # a bug: say so in one line, full trace only on request
            if os.environ.get("KGRAPH_DEBUG"):
                raise
            render.error(
                f"internal error: {type(e).__name__}: {e} (set KGRAPH_DEBUG=1 for details)"
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def output_failed(e: OSError) -> bool:
    """When writing the output failed (a full disk, ``> /dev/full``, an I/O error): say so in one
    line, silence the final flush of stdout, and return True; False for any other OSError."""
    import errno

    if e.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        return False
    print(f"kgraph: cannot write the output: {e.strerror}", file=sys.stderr)
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
    except OSError:
        pass
    return True


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """``@app.command`` with the shared error handling."""

    def deco(fn: F) -> F:
        app.command(*args, **kwargs)(handles_errors(fn))
        return fn

    return deco


_GROUPS = ("core", "query", "ask", "paths", "export", "stores", "serve", "ingest", "imdb")
_here = os.path.dirname(__file__)
for _name in _GROUPS:
    if os.path.exists(os.path.join(_here, f"{_name}.py")):
        importlib.import_module(f"{__name__}.{_name}")


def main() -> None:
    """Console-script entry point."""
    app()
