"""Commands for asking: ask (and its interactive prompt), shell, queries, query."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from . import command, state


def graph() -> Any:
    """The KnowledgeGraph of the global options (`kgraph.cli.graph` is also a module name)."""
    return state.kg()


FORMATS = ("table", "json")


def _check(fmt: str, allowed: tuple[str, ...]) -> str:
    from ..errors import UsageError

    f = fmt.lower()
    if f not in allowed:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(allowed)}")
    return f


@command("ask")
def ask_cmd(
    question: Annotated[
        list[str] | None,
        typer.Argument(
            help='A question in plain English, e.g. "co-stars of Jeon Jong-seo". None: an interactive prompt.'
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show the interpretation, linked names and SPARQL.")
    ] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """Answer a plain-English question from the graph, citing the sources of every answer.

    Without a question, opens an interactive prompt (history, tab-completion of names,
    follow-ups such as "and her partner?").
    """
    from ..__main__ import run_ask

    fmt = _check(format, FORMATS)
    if not question:
        _prompt(explain=explain, fmt=fmt)
        return
    code = run_ask(graph(), " ".join(question), fmt, explain)
    if code:
        raise typer.Exit(code)


@command("shell")
def shell_cmd(
    explain: Annotated[bool, typer.Option("--explain", help="Start with :explain on.")] = False,
) -> None:
    """The interactive question prompt (the same as `kgraph ask` with no question)."""
    _prompt(explain=explain, fmt="table")


@command("queries")
def queries_cmd(
    format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """List the saved queries with their descriptions and parameters."""
    from ..render import ask as view

    fmt = _check(format, FORMATS)
    view.saved_list(graph().queries(), fmt)


@command("query")
def query_cmd(
    name: Annotated[str, typer.Argument(help="The saved query's name (see `kgraph queries`).")],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="NAME=VALUE; entity names are resolved like `kgraph search`."
        ),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, csv, tsv or xml")
    ] = "table",
) -> None:
    """Run a saved query, binding each parameter as a value."""
    from ..errors import UsageError
    from ..render import ask as view

    fmt = _check(format, ("table", "json", "csv", "tsv", "xml"))
    params: dict[str, str] = {}
    for p in param or []:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param {p!r}: expected NAME=VALUE")
        params[key.strip()] = value
    res = graph().query(name, params)
    view.saved_result(res, fmt)


# -- the interactive prompt -----------------------------------------------------------------

HELP = """Ask a question in plain English, e.g.
  co-stars of Jeon Jong-seo        who directed Ballerina?        and her partner?
Tab completes names. Commands: :explain (toggle), :sparql (toggle), :examples, :help, :quit"""


def _prompt(*, explain: bool, fmt: str) -> None:
    from .. import render
    from ..errors import KGraphError
    from ..render import ask as view

    kg = graph()
    interactive = sys.stdin.isatty()
    history = _setup_readline(kg) if interactive else None
    show_sparql = False
    context: Any = None
    if interactive:
        render.note("kgraph ask — type a question, :help for help, :quit to leave")
    try:
        while True:
            try:
                line = input("kgraph> " if interactive else "")
            except EOFError:
                if interactive:
                    sys.stdout.write("\n")
                break
            except KeyboardInterrupt:
                sys.stdout.write("\n")
                continue
            q = line.strip()
            if not q:
                continue
            cmd = q.lower()
            if cmd in (":quit", ":q", ":exit", "quit", "exit", "bye"):
                break
            if cmd == ":help":
                render.write(HELP)
                continue
            if cmd == ":examples":
                from ..questions import supported

                render.write("\n".join(f"  {ex}" for _, ex in supported()))
                continue
            if cmd == ":explain":
                explain = not explain
                render.note(f"explain {'on' if explain else 'off'}")
                continue
            if cmd == ":sparql":
                show_sparql = not show_sparql
                render.note(f"sparql {'on' if show_sparql else 'off'}")
                continue
            try:
                ans = kg.ask(q, context=context)
            except KGraphError as e:
                view.ask_error(q, str(e), fmt)
                continue
            context = ans
            view.answer(ans, fmt, explain=explain, sparql=show_sparql)
    finally:
        if history is not None:
            _save_history(history)


def _history_file() -> str:
    env = os.environ.get("KGRAPH_HISTORY")
    if env:
        return env
    from ..build import cache_dir

    return str(cache_dir() / "ask-history")


def _setup_readline(kg: Any) -> str | None:
    try:
        import readline
    except ImportError:  # pragma: no cover - no readline on this platform
        return None
    path = _history_file()
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(1000)
    completer = NameCompleter(kg)
    readline.set_completer(completer.complete)
    readline.set_completer_delims("")
    readline.set_completion_display_matches_hook(completer.display)
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    return path


def _save_history(path: str) -> None:
    try:
        import readline

        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        readline.write_history_file(path)
    except (ImportError, OSError):
        pass


class NameCompleter:
    """Completes the name being typed at the end of the line to an entity's preferred label.

    Any label or alias may be typed ("Jeon Jong", "Bailarina"); aliases of one entity complete to
    its one preferred label, so a prefix shared only by the spellings of one name completes at once.
    """

    def __init__(self, kg: Any) -> None:
        self.kg = kg
        self._names: list[tuple[str, str]] | None = None  # (alias folded, preferred label)
        self._matches: list[str] = []
        self._listing: list[str] = []

    def names(self) -> list[tuple[str, str]]:
        if self._names is None:
            rows = self.kg.store.select(
                """SELECT DISTINCT ?alias ?label WHERE {
                     ?e skos:prefLabel ?label . { ?e skos:prefLabel ?alias } UNION { ?e skos:altLabel ?alias }
                     ?e a ?c .
                     FILTER (?c NOT IN (kg:Performance, kg:Credit, kg:Claim, kg:Disagreement, kg:Source,
                                        kg:Award, kg:Nomination, kg:Collaboration, kg:Release, kg:Screening,
                                        kg:Relationship, kg:Role)) }"""
            )
            self._names = sorted({(r["alias"].value.casefold(), r["label"].value) for r in rows})
        return self._names

    def candidates(self, line: str) -> list[str]:
        """Whole-line completions: the line with its trailing partial name completed."""
        starts = [0] + [i + 1 for i, ch in enumerate(line) if ch in " '\"("]
        for start in starts:
            part = line[start:].casefold()
            if not part.strip():
                continue
            labels = sorted(
                {label for alias, label in self.names() if alias.startswith(part)}, key=str.casefold
            )
            if labels:
                self._listing = labels
                return [line[:start] + label for label in labels]
        self._listing = []
        return []

    def matches(self, line: str) -> list[str]:
        """What readline gets for ``line``: never a set whose common prefix drops typed text.

        Readline replaces the typed text with the longest common prefix of the matches. When
        several names fit and that prefix is not an extension of what was typed (other case,
        another spelling: "park" for Park Shin-hye and Park Yu-rim), the matches are the typed
        line itself twice over, so nothing is erased; the second Tab then lists the names
        (:meth:`display`).
        """
        cands = self.candidates(line)
        if len(cands) <= 1:
            return cands
        if os.path.commonprefix(cands).startswith(line):
            return cands
        return [line, line + " "]

    def display(self, substitution: str, matches: Sequence[str], longest: int) -> None:
        """List the names (not whole lines) that fit, then show the prompt and line again."""
        try:
            import readline

            names = self._listing or matches
            sys.stdout.write("\n" + "    ".join(names) + "\n")
            sys.stdout.write("kgraph> " + readline.get_line_buffer())
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - completion must never break the prompt
            return

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            try:
                import readline

                line = readline.get_line_buffer()[: readline.get_endidx()]
            except Exception:  # noqa: BLE001 - completion must never break the prompt
                line = text
            self._matches = self.matches(line)
        return self._matches[state] if state < len(self._matches) else None
