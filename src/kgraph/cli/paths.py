"""Collaboration commands: path, shared, network."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..conventions import REPORT_FORMATS, check_format
from ..render import paths as view
from . import command, state
from .options import ReportFormat


def _kg():
    # (not `from . import graph`: once kgraph.cli.graph is imported, that name is the module)
    return state.kg()


class Via(str, Enum):
    any = "any"
    cast = "cast"
    crew = "crew"


ViaOpt = Annotated[
    Via,
    typer.Option("--via", help="Which credits link people: any (default), cast (acting) or crew."),
]


@command(
    "path",
    example="""kgraph path "Jeon Jong-seo" "Yoo Ji-tae"
    kgraph path "Jeon Jong-seo" "Park Shin-hye" --all --via cast --format json""",
)
def path_cmd(
    a: Annotated[str, typer.Argument(metavar="A", help="A person (name, IRI or person:slug).")],
    b: Annotated[str, typer.Argument(metavar="B", help="Another person, or a work.")],
    all: Annotated[
        bool, typer.Option("--all", help="Every shortest path, not just the first.")
    ] = False,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Cross at most N works.")] = 6,
    avoid: Annotated[
        list[str] | None,
        typer.Option(
            "--avoid",
            metavar="NAME",
            help="A person or work the path may not go through (repeatable).",
        ),
    ] = None,
    via: ViaOpt = Via.any,
    format: ReportFormat = "table",
) -> None:
    """The shortest chain of collaborations between two people (person - work - person ...).

    Each step names the work, each person's roles in it and the sources. Ties between equally
    short paths are broken by the labels along the path, so the answer is always the same.
    Exit 1 when no path exists within --max-hops.
    """
    fmt = check_format(format, REPORT_FORMATS)
    result = _kg().path(a, b, via=via.value, all=all, max_hops=max_hops, avoid=tuple(avoid or ()))
    view.path_result(result, fmt)


@command("shared", example='kgraph shared "Jeon Jong-seo" "Kim Ji-hoon"')
def shared_cmd(
    a: Annotated[str, typer.Argument(metavar="A", help="A person.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Another person.")],
    via: ViaOpt = Via.any,
    format: ReportFormat = "table",
) -> None:
    """The works two people share, with each one's roles and the sources."""
    fmt = check_format(format, REPORT_FORMATS)
    view.shared_result(_kg().shared(a, b, via=via.value), fmt)


@command(
    "network",
    example="""kgraph network --top 5
    kgraph network --from "Jeon Jong-seo" --format json""",
)
def network_cmd(
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="PERSON",
            help="Everyone's distance (works crossed) from this person: a 'Bacon number' table.",
        ),
    ] = None,
    via: ViaOpt = Via.any,
    top: Annotated[
        int, typer.Option("--top", help="Rows per ranking in table output (0: all).")
    ] = 20,
    format: ReportFormat = "table",
) -> None:
    """The collaboration network: people ranked by collaborators and by betweenness, and the
    connected components; with --from, distances from one person."""
    fmt = check_format(format, REPORT_FORMATS)
    view.network_result(_kg().network(via=via.value, from_=from_), fmt, top=top)
