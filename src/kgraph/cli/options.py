"""The options every command shares, declared once: ``--format``, ``--param``, help layout.

- :func:`format_option` is the one ``--format``/``-f`` declaration; the command validates the
  value with :func:`kgraph.conventions.check_format` (names, old aliases, one message).
- :func:`parse_params` reads repeated ``--param NAME=VALUE`` options.
- :class:`Command` and :class:`Group` lay out help without Python types (``<list[str]>``):
  an option shows its metavar, an argument its name in capitals.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer import TyperException
from typer._click.exceptions import (  # click, vendored by typer
    ClickException,
    NoArgsIsHelpError,
)
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperCommand, TyperGroup

from ..conventions import ALIASES, REPORT_FORMATS, check_format
from ..formats import registered


def format_option(allowed: tuple[str, ...] = REPORT_FORMATS, *, note: str = "") -> Any:
    """The ``--format``/``-f`` option naming what the command prints, one of ``allowed``."""
    names = ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
    return typer.Option("--format", "-f", metavar="FORMAT", help=f"Output format: {names}.{note}")


ReportFormat = Annotated[str, format_option()]
"""``--format table|json`` of every command that prints a report."""


_READS = [f.name for f in registered("rdf", read=True)]  # the one registry's names

InputFormat = Annotated[
    str | None,
    typer.Option(
        "--input-format",
        "-i",
        metavar="SYNTAX",
        help="The files' RDF syntax when the extension does not tell: "
        + ", ".join(_READS[:-1])
        + f" or {_READS[-1]}.",
    ),
]
"""The RDF syntax of the files ``load`` and ``import`` read (formerly their ``--format``)."""

LegacyReportOutput = Annotated[
    str | None, typer.Option("--output", "-o", hidden=True, metavar="FORMAT")
]
"""``--output table|json``: the old name of ``--format`` in the commands that write no file."""


def report_format(format: str, output: str | None = None) -> str:
    """The report format of a command that writes no file: ``--format``, or the old
    ``--output table|json`` (still read, with a warning: ``-o`` names an output file)."""
    if output is None:
        return check_format(format, REPORT_FORMATS)
    from .. import render

    fmt = check_format(output, REPORT_FORMATS, option="--output")
    render.warn(f"--output {output} is deprecated here: write --format {fmt}")
    return fmt


def report_and_input_format(
    format: str, output: str | None, input_format: str | None
) -> tuple[str, str | None]:
    """``(report format, input syntax)`` of ``load`` and ``import``.

    Their ``--format`` named the files' syntax before it named the report's, as it does in
    every other command. The two sets of names do not overlap (``json`` is a report,
    ``jsonld`` a syntax), so an old ``--format turtle`` still means the input syntax, with a
    warning, and cannot be taken for a report format.
    """
    name = format.lower()
    if input_format is None and ALIASES.get(name, name) not in REPORT_FORMATS:
        from .. import render

        render.warn(f"--format {format} names the input syntax: write --input-format {format}")
        return report_format("table", output), format
    return report_format(format, output), input_format


def parse_params(values: list[str] | None) -> dict[str, str]:
    """Repeated ``--param NAME=VALUE`` options as a dict (a later NAME wins)."""
    from ..errors import UsageError

    out: dict[str, str] = {}
    for v in values or []:
        key, sep, value = v.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param {v!r}: expected NAME=VALUE")
        out[key.strip()] = value
    return out


ParamOption = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        metavar="NAME=VALUE",
        help="A parameter of the saved query (repeatable); entity names are resolved like "
        "`kgraph search`.",
    ),
]


def example_epilog(examples: str) -> str:
    """The ``Examples`` section closing a command's help (lines kept as written)."""
    lines = [line.strip() for line in examples.strip().splitlines()]
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines if line)


def _help_records(cmd: Any, ctx: Any, formatter: Any) -> None:
    args, opts = [], []
    for param in cmd.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()
            args.append((name + ("..." if param.nargs != 1 else ""), record[1]))
        else:
            opts.append(record)
    if args:
        with formatter.section("Arguments"):
            formatter.write_dl(args)
    if opts:
        with formatter.section("Options"):
            formatter.write_dl(opts)


def _plain_metavars(params: list[Any]) -> None:
    """Give every valued option without a metavar one, so typer shows no Python type
    (``--limit <int>``): ``N`` for a whole number, else its name (``--host HOST``); choices keep
    their ``<a|b>`` list, arguments show their name in capitals."""
    for p in params:
        if p.param_type_name == "argument":
            if p.metavar is None:
                p.metavar = p.name.upper()
        elif p.metavar is None and not p.is_flag and not p.type_descriptor.is_choice:
            whole = p.type_descriptor.annotation is int
            p.metavar = "N" if whole else p.opts[0].lstrip("-").replace("-", "_").upper()


class _PlainHelp:
    """Help with plain metavars (see :func:`_plain_metavars`), for commands and the app."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_metavars(self.params)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        _help_records(self, ctx, formatter)


# Arguments whose command says itself what an empty one means: `ask`'s question (its fast path
# never comes here) and `sparql`'s query (a query of only comments is empty too).
_OWN_EMPTY_CHECK = frozenset({"question", "query"})


class Command(_PlainHelp, TyperCommand):
    """A kgraph command: help with plain metavars and an Examples section.

    An empty argument (``show ""``, ``shared A "  "``) is a usage error, exit 2: a name, a
    file or a source that is blank cannot mean anything, and saying "no entity named ''" hid
    the mistake behind a search that found nothing."""

    def invoke(self, ctx: Any) -> Any:
        for p in self.params:
            if p.param_type_name != "argument" or p.name in _OWN_EMPTY_CHECK:
                continue
            value = ctx.params.get(p.name)
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            if value is not None and any(isinstance(v, str) and not v.strip() for v in values):
                raise ClickUsageError(f"{p.metavar or p.name.upper()} is empty", ctx)
        return super().invoke(ctx)


class Group(_PlainHelp, TyperGroup):
    """The kgraph app: global options with plain metavars, then the commands.

    A usage error of the argument parser (unknown command or option, missing argument, a value
    of the wrong type) is one line on stderr like every other error, exit 2:
    ``kgraph: No such option: --bogus (see `kgraph ask -h`)``, not click's usage block."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except TyperException as e:
            raise _one_line(e) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TyperException as e:  # the command's own arguments, parsed in here
            raise _one_line(e) from None


def _one_line(e: TyperException) -> TyperException:
    """The parser's error ``e`` shown as one line (the help asked for by no arguments stays)."""
    if isinstance(e, (OneLineUsage, NoArgsIsHelpError)) or not hasattr(e, "format_message"):
        return e
    ctx = getattr(e, "ctx", None)
    where = f" (see `{ctx.command_path} -h`)" if ctx is not None else ""
    return OneLineUsage(e.format_message().rstrip(".") + where, e.exit_code)


class OneLineUsage(ClickException):
    """A usage error of the argument parser, shown as ``kgraph: MESSAGE`` on one line."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        from ..render import error

        error(self.message)
