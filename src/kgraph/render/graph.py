"""Renderers for build, validate, stats and conflicts."""

from __future__ import annotations

from typing import Any

from ..records import asdict
from . import note, table, write, write_json


def build_info(info: Any) -> None:
    if info.built:
        note(f"built {info.path} ({info.quads} quads, {info.seconds:.2f} s)")
    else:
        note(f"up to date: {info.path}")


def validation(report: Any, fmt: str) -> None:
    if fmt == "json":
        write_json({"conforms": report.conforms, "violations": report.violations})
        return
    if report.conforms:
        write("valid: the graph conforms to the shapes and the ontology")
        return
    write(f"{len(report.violations)} violation(s):")
    for v in report.violations:
        where = v.get("focus_label") or v.get("focus", "")
        path = f" {v['path']}" if v.get("path") else ""
        write(f"- {where}{path}: {v.get('message', '')} [{v.get('constraint', '')}]")


def stats(s: Any, fmt: str) -> None:
    if fmt == "json":
        write_json(
            {
                "classes": s.classes,
                "sources": [
                    {"iri": i, "label": label, "facts": n, "stated": s.stated.get(i, 0)}
                    for i, label, n in s.sources
                ],
                "stated": sum(s.stated.values()),
                "facts": s.facts,
                "quads": s.quads,
                "graphs": s.graphs,
            }
        )
        return
    table(
        ["class", "entities"],
        sorted(s.classes.items(), key=lambda kv: (-kv[1], kv[0])),
        title="Entities per class",
    )
    table(
        ["source", "stated", "with derived"],
        [(label, s.stated.get(i, 0), n) for i, label, n in s.sources],
        title="Facts per source",
    )
    write(
        f"{sum(s.stated.values())} facts stated by sources ({s.facts} triples in their graphs, with "
        f"the shortcuts the build derives there); {s.quads} quads in all (with ontology, curation "
        "and derived)."
    )


def conflicts(items: list[Any], fmt: str) -> None:
    if fmt == "json":
        write_json({"conflicts": [asdict(c) for c in items]})
        return
    if not items:
        write("no disagreements recorded")
        return
    for c in items:
        about = ", ".join(label for _, label in c.about)
        write(f"{c.topic} ({c.kind}){' — ' + about if about else ''}")
        for side in c.claims:
            srcs = ", ".join(label for _, label in side.sources) or "curators"
            write(f"  • {side.statement}  [{srcs}]")
        if c.note:
            write(f"  note: {c.note}")
        write("")
