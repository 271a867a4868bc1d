"""Rendering for `kgraph ingest`: the candidates, the review walk, the JSON contract."""

from __future__ import annotations

import json
import sys
from typing import Any

from . import err, note, out, plain, write

KEYS = "[a]ccept  [r]eject  [e]dit  [s]kip  [A]ccept all above…  [q]uit"


def _snippet(text: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
    a = max(0, start - width)
    b = min(len(text), end + width)
    before = text[a:start].replace("\n", " ")
    after = text[end:b].replace("\n", " ")
    return (
        ("…" if a > 0 else "") + before,
        text[start:end].replace("\n", " "),
        after + ("…" if b < len(text) else ""),
    )


def report(rep: Any, fmt: str) -> None:
    """The candidates of each file, and what was written (JSON: one object per file per line)."""
    if fmt == "json":
        for f in rep.files:
            sys.stdout.write(json.dumps(f.to_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    for f in rep.files:
        text = f.article.text
        date = f" (dated {f.article.date})" if f.article.date else ""
        write(
            f"{f.article.path}{date}: {len(f.article.sentences)} sentences, {len(f.facts)} candidate facts"
        )
        for c in f.facts:
            # ✓: accepted (a dry run: would be, at the default threshold)
            mark = "✓" if (c.accepted if rep.dry_run else c.decision == "accept") else "·"
            s, e = c.evidence[0]
            _, hit, _ = _snippet(text, s, e, 0)
            conflict = f"  [contradicts {', '.join(c.conflicts_with)}]" if c.conflicts_with else ""
            write(f"  {mark} {c.confidence:.2f}  {c.relation:<12} {c.statement()}{conflict}")
            write(f"         “{hit[:110]}{'…' if len(hit) > 110 else ''}” @{s}-{e}")
        if rep.dry_run:
            continue
        if f.unchanged:
            write(f"  unchanged: {f.source} already holds these facts")
        else:
            n = len(f.accepted)
            verb = "replaced" if f.replaced else "added"
            write(f"  {verb} {f.source}: {n} facts accepted, {f.written} quads")
    if rep.dry_run:
        note("dry run: nothing was written (✓ = accepted at the default threshold)")
    elif rep.added is not None:
        names = ", ".join(f.article.name for f in rep.files if f.written)
        note(
            f"{names}: now in your own data ({rep.added.data_dir}), beside the bundled graph; "
            f"`kgraph unload {rep.files[-1].article.name}` takes it out again"
        )
        for m in rep.added.merged:
            note(f"{m['label']}: {m['local']} is {m['target']} ({m['reason']})")
        if rep.added.pending:
            note(f"{len(rep.added.pending)} unsure match(es) kept apart: see `kgraph reconcile`")


def review(result: Any) -> None:
    """Walk the candidates of one file at the terminal; sets each one's ``decision``."""
    from rich.markup import escape
    from rich.panel import Panel

    con = err() if not sys.stdout.isatty() else out()
    text = result.article.text
    facts = result.facts
    threshold: float | None = None
    con.print(f"[bold]{escape(str(result.article.path))}[/]: {len(facts)} candidate facts")
    i = 0
    while i < len(facts):
        c = facts[i]
        if threshold is not None:
            c.decision = "accept" if c.confidence >= threshold else "reject"
            i += 1
            continue
        s, e = c.evidence[0]
        pre, hit, post = _snippet(text, s, e)
        body = f"{escape(pre)}[reverse bold]»{escape(hit)}«[/]{escape(post)}"
        conflict = ""
        if c.conflicts_with:
            conflict = "\n[red]contradicts:[/] " + escape(", ".join(c.conflicts_with))
        title = f"{i + 1}/{len(facts)}  {c.relation}  confidence {c.confidence:.2f}"
        con.print(
            Panel(
                f"[bold]{escape(c.statement())}[/]{conflict}\n\n{body}", title=title, expand=False
            )
        )
        con.print(escape(KEYS))
        answer = _ask(con, "decision> ")
        if answer in ("a", "accept", "y"):
            c.decision = "accept"
        elif answer in ("r", "reject", "n"):
            c.decision = "reject"
        elif answer in ("s", "skip", ""):
            c.decision = None
        elif answer in ("e", "edit"):
            _edit(con, c, result)
            continue  # show it again, edited
        elif answer in ("A", "all"):
            value = _ask(con, "accept all remaining at or above confidence> ")
            try:
                threshold = float(value)
            except ValueError:
                con.print(f"not a number: {escape(value)}")
            continue
        elif answer in ("q", "quit"):
            for rest in facts[i:]:
                rest.decision = None
            break
        else:
            con.print(f"unknown answer {escape(answer)!r}")
            continue
        i += 1
    accepted = sum(1 for c in facts if c.decision == "accept")
    con.print(f"{accepted} accepted, {sum(1 for c in facts if c.decision == 'reject')} rejected")


def _ask(con: Any, prompt: str) -> str:
    con.print(prompt, end="")
    try:
        line = input()
    except EOFError:
        return "q"
    return line.strip()


def _edit(con: Any, c: Any, result: Any) -> None:
    """Ask which field of a candidate to change and its new text; the library does the rest
    (a renamed entity is looked up again, the conflict check runs again on the edited fact)."""
    from rich.markup import escape

    from ..errors import KGraphError

    fields = [n for n in ("subject", "object", "work") if getattr(c, n) is not None]
    if c.value is not None:
        fields.append("value")
    con.print("edit which? " + ", ".join(fields))
    which = _ask(con, "field> ")
    if which not in fields:
        con.print("nothing changed")
        return
    new = _ask(con, f"new {which}> ")
    if not new:
        con.print("nothing changed")
        return
    try:
        result.edit(c, which, new)
    except KGraphError as e:
        con.print(f"nothing changed: {escape(str(e))}")


__all__ = ["plain", "report", "review"]
