"""The kgraph command line: thin adapters from arguments to library calls to renderers.

Each command group lives in its own module; its commands are functions decorated with
:func:`command` (error handling, help layout, an example). Global options (``--store``,
``--update-url``) sit on the callback and reach commands through :func:`graph`. The shared
options are in :mod:`kgraph.cli.options`, the conventions behind them in :mod:`kgraph.conventions`.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from ..conventions import output_failed
from .options import Command, Group, example_epilog

app = typer.Typer(
    cls=Group,
    name="kgraph",
    help="A knowledge graph of films, series, people, characters and collaborations, from news articles.",
    epilog=example_epilog(
        """kgraph ask "co-stars of Jeon Jong-seo"
        kgraph show "Jeon Jong-seo"
        kgraph COMMAND --help"""
    ),
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

        if self._kg is None or (writable and not self._kg.writable):
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
            metavar="DIR|memory:|URL",
            help="Store: a directory (embedded), 'memory:', or an http(s):// SPARQL endpoint. Default: the bundled graph.",
        ),
    ] = None,
    update_url: Annotated[
        str | None,
        typer.Option(
            "--update-url",
            envvar="KGRAPH_UPDATE_URL",
            metavar="URL",
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
    """Turn library errors into one line on stderr and the exit codes of DESIGN.md
    (:func:`kgraph.conventions.run`, shared with the fast ``ask`` path)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .. import conventions

        def call() -> int:
            try:
                fn(*args, **kwargs)
            except typer.Exit as e:
                return e.exit_code
            return 0

        code = conventions.run(call, reopen=_forget_graph)
        if code:
            raise typer.Exit(code)

    return wrapper  # type: ignore[return-value]


def _forget_graph() -> None:
    """Close the store of the global options' graph, so the next use opens it afresh."""
    if state._kg is not None:
        state._kg.close()
        state._kg = None


def command(name: str, *, example: str, **kwargs: Any) -> Callable[[F], F]:
    """``@app.command`` with the shared error handling, help layout and an Examples section."""

    def deco(fn: F) -> F:
        app.command(name, cls=Command, epilog=example_epilog(example), **kwargs)(handles_errors(fn))
        return fn

    return deco


__all__ = ["app", "command", "graph", "main", "output_failed", "state"]

_GROUPS = ("core", "query", "ask", "paths", "export", "stores", "serve", "ingest", "imdb")
_here = os.path.dirname(__file__)
for _name in _GROUPS:
    if os.path.exists(os.path.join(_here, f"{_name}.py")):
        importlib.import_module(f"{__name__}.{_name}")


def main() -> None:
    """Console-script entry point."""
    app()
