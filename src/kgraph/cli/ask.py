"""Commands for asking: ask (and its interactive prompt), shell, queries, query."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from ..conventions import REPORT_FORMATS, check_format
from . import command, state
from .options import ParamOption, ReportFormat, format_option, parse_params

RESULT_FORMATS = ("table", "json", "csv", "tsv", "xml")
"""A saved query's output formats (the W3C SPARQL result formats, and table)."""


def graph() -> Any:
    """The KnowledgeGraph of the global options (`kgraph.cli.graph` is also a module name)."""
    return state.kg()


@command(
    "ask",
    example="""kgraph ask "co-stars of Jeon Jong-seo"
    kgraph ask "who directed Ballerina?" --explain
    kgraph ask "cast of Ballerina" --format json""",
)
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
    format: ReportFormat = "table",
) -> None:
    """Answer a plain-English question from the graph, citing the sources of every answer.

    Without a question, opens an interactive prompt (history, tab-completion of names,
    follow-ups such as "and her partner?").
    """
    from ..__main__ import run_ask

    if not question:
        _prompt(explain=explain, fmt=check_format(format, REPORT_FORMATS))
        return
    code = run_ask(graph, " ".join(question), format, explain)
    if code:
        raise typer.Exit(code)


@command("shell", example="kgraph shell --explain")
def shell_cmd(
    explain: Annotated[bool, typer.Option("--explain", help="Start with :explain on.")] = False,
) -> None:
    """The interactive question prompt (the same as `kgraph ask` with no question)."""
    _prompt(explain=explain, fmt="table")


@command("queries", example="kgraph queries --format json")
def queries_cmd(format: ReportFormat = "table") -> None:
    """List the saved queries with their descriptions and parameters."""
    from ..render import ask as view

    fmt = check_format(format, REPORT_FORMATS)
    view.saved_list(graph().queries(), fmt)


@command(
    "query",
    example="""kgraph query cast --param work=Ballerina
    kgraph query cast -p work=Ballerina --format csv""",
)
def query_cmd(
    name: Annotated[str, typer.Argument(help="The saved query's name (see `kgraph queries`).")],
    param: ParamOption = None,
    format: Annotated[str, format_option(RESULT_FORMATS)] = "table",
) -> None:
    """Run a saved query, binding each parameter as a value."""
    from ..render import ask as view

    fmt = check_format(format, RESULT_FORMATS)
    res = graph().query(name, parse_params(param))
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
            self._names = self.kg.names()
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
