"""Rendering collaboration paths, shared works and the collaboration network."""

from __future__ import annotations

from typing import Any

from . import note, table, write, write_json


def _sources(items: Any) -> str:
    return ", ".join(s.short for s in items) or "no source"


def _notes_then_json(result: Any, fmt: str) -> bool:
    """The result's notes on stderr; then, for ``json``, the result on stdout (returns True)."""
    for n in getattr(result, "notes", ()):
        note(n)
    if fmt == "json":
        write_json(result.to_json())
    return fmt == "json"


def path_result(r: Any, fmt: str) -> None:
    if _notes_then_json(r, fmt):
        return
    via = "" if r.via == "any" else f" via {r.via}"
    count = (
        f", {len(r.paths)} shortest paths{' (cut short)' if r.truncated else ''}"
        if len(r.paths) > 1
        else ""
    )
    lines = [
        f"{r.source.label} → {r.target.label}{via}: {r.hops} hop{'s' if r.hops != 1 else ''}{count}"
    ]
    for i, (nodes, steps) in enumerate(zip(r.paths, r.steps), 1):
        if len(r.paths) > 1:
            lines.append("")
            lines.append(f"Path {i}: " + " – ".join(n.label for n in nodes))
        for j, st in enumerate(steps, 1):
            pieced = " (no one source names both)" if st.pieced else ""
            lines.append(f"  {j}. {st.text}  [sources: {_sources(st.stated_by)}{pieced}]")
            lines += [f"       {f.statement}  [{_sources(f.sources)}]" for f in st.facts]
    lines += _legend(s for st in r.steps for step in st for s in step.sources)
    write("\n".join(lines))


def _legend(sources: Any) -> list[str]:
    """The closing legend: each source code used, with its label."""
    import re

    from ..paths import legend

    used = legend(sources)
    if not used:
        return []
    width = max(len(s.short) for s in used)
    out = ["", "sources:"]
    for s in used:
        label = re.sub(rf"\s*\({re.escape(s.short)}\)\s*$", "", s.label) or s.label
        out.append(f"  {s.short.ljust(width)}  {label}")
    return out


def shared_result(r: Any, fmt: str) -> None:
    if _notes_then_json(r, fmt):
        return
    via = "" if r.via == "any" else f" ({r.via} credits)"
    if not r.works:
        write(f"{r.a.label} and {r.b.label} share no works{via}.")
        return
    n = len(r.works)
    rows = [
        (w.work.label, w.year or "", _roles(w.a), _roles(w.b), _sources(w.stated_by))
        for w in r.works
    ]
    table(
        ("work", "year", r.a.label, r.b.label, "sources"),
        rows,
        title=f"{r.a.label} and {r.b.label} share {n} work{'s' if n != 1 else ''}{via}",
    )
    lines = ["", "who states what:"]
    for w in r.works:
        lines += [f"  {f.statement}  [{_sources(f.sources)}]" for f in w.facts]
    lines += _legend(s for w in r.works for s in w.sources)
    write("\n".join(lines))


def _roles(part: Any) -> str:
    text = part.text
    label = part.person.label
    return text[len(label) + 2 : -1] if text.startswith(label + " (") else ""


def network_result(r: Any, fmt: str, *, top: int = 20) -> None:
    if _notes_then_json(r, fmt):
        return

    def cut(xs: Any) -> Any:
        return xs[:top] if top > 0 else xs

    via = "" if r.via == "any" else f", {r.via} credits only"
    if r.origin is not None:
        reached = [d for d in r.distances if d[1] is not None]
        rows = [(n.label, d if d is not None else "unreachable") for n, d in cut(r.distances)]
        table(
            ("person", "distance"),
            rows,
            title=f"Distance from {r.origin.label} (works crossed{via}): "
            f"{len(reached)} of {len(r.distances)} people reachable",
        )
        return
    people = len(r.people)
    write(
        f"{people} people, {r.edges} collaborating pairs, {len(r.components)} connected "
        f"component{'s' if len(r.components) != 1 else ''}{via}"
    )
    table(
        ("rank", "person", "collaborators", "works", "betweenness"),
        [
            (i, s.person.label, s.collaborators, s.works, f"{s.betweenness:.3f}")
            for i, s in enumerate(cut(r.people), 1)
        ],
        title="By collaborators",
    )
    sample = f" (estimated from {r.betweenness_sample} people)" if r.betweenness_sample else ""
    table(
        ("rank", "person", "betweenness", "collaborators"),
        [
            (i, s.person.label, f"{s.betweenness:.3f}", s.collaborators)
            for i, s in enumerate(cut(r.bridges), 1)
        ],
        title=f"By betweenness{sample}: who bridges separate circles",
    )
    table(
        ("component", "size", "members"),
        [
            (i, len(c), ", ".join(n.label for n in c[:10]) + (" …" if len(c) > 10 else ""))
            for i, c in enumerate(cut(r.components), 1)
        ],
        title="Connected components",
    )
