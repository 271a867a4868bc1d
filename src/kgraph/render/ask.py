"""Rendering answers to questions and saved-query results."""

from __future__ import annotations

from ..records import Any
from . import note, table, write, write_json


def _short(iri: str) -> str:
    from ..terms import compact

    c = compact(iri)
    return c.split(":", 1)[1] if c.startswith("source:") else c


def sources_text(sources: Any) -> str:
    """The sources column of an answer: each source by the code its legend gives it (``s002``,
    a loaded file's name ``mine.ttl``), never a full IRI the legend does not show.

    >>> sources_text(["https://kgraph.dev/id/source/s002", "https://kgraph.dev/id/source/file/mine.ttl"])
    's002, mine.ttl'
    """
    from ..terms import local_name  # the legend's code (factbase.legend_line, paths.SourceRef)

    return ", ".join(local_name(s) for s in sources)


def answer(ans: Any, fmt: str = "table", *, explain: bool = False, sparql: bool = False) -> None:
    """An :class:`~kgraph.questions.Answer`: notes on stderr, answers on stdout."""
    for n in ans.notes:
        note(n)
    if fmt == "json":
        if not ans.answers:  # exit 1: the reason goes to stderr, as for every refusal
            from . import error

            error(f"no answer: the sources in the graph do not say ({ans.interpretation})")
        obj = ans.to_json()
        if explain:
            obj["explain"] = ans.explain_json()
        write_json(obj)
        return
    if explain:
        explanation(ans)
    if not ans.answers:
        note(f"no answer: the sources in the graph do not say ({ans.interpretation})")
    else:
        rows = [(a.label, a.detail, sources_text(a.sources)) for a in ans.answers]
        has_detail = any(r[1] for r in rows)
        cols = ["answer", "detail", "sources"] if has_detail else ["answer", "sources"]
        body = rows if has_detail else [(r[0], r[2]) for r in rows]
        table(cols, body, title=_capital(ans.interpretation))
        legend = getattr(ans, "legend", ())
        if legend:
            write("sources:\n" + "\n".join(f"  {line}" for line in legend))
    if sparql and not explain and ans.sparql:
        write("SPARQL:\n" + ans.sparql)


def explanation(ans: Any) -> None:
    """What ``--explain`` adds: the intent, each linked name with its score, the SPARQL that ran."""
    lines = [f"interpretation: {ans.interpretation}", f"intent: {ans.intent}"]
    if ans.query:
        lines.append(f"saved query: {ans.query} (queries/{ans.query}.rq)")
    for lk in ans.links:
        lines.append(
            f"linked {lk.slot}: '{lk.text}' -> {lk.label} <{lk.iri}> ({lk.type}; "
            f"{lk.stage}, score {lk.score:.2f})"
        )
    for a in ans.answers:
        for f in getattr(a, "facts", ()):
            lines.append(f"fact for {a.label}: {f.statement} [{sources_text(f.sources)}]")
    if ans.sparql:
        lines.append("SPARQL (values bound by the store, shown here as VALUES):")
        lines.append(ans.sparql.rstrip())
    write("\n".join(lines) + "\n")


def ask_error(question: str, message: str, fmt: str) -> None:
    """A refused question: JSON on stdout when asked for (the message always goes to stderr)."""
    from . import error

    if fmt == "json":
        from ..questions import error_json

        write_json(error_json(question, message))
    error(message)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def saved_list(queries: list[Any], fmt: str = "table") -> None:
    if fmt == "json":
        write_json({"queries": [q.to_json() for q in queries]})
        return
    rows = [
        (q.name, q.description, "; ".join(p.signature() for p in q.params) or "-") for q in queries
    ]
    table(["name", "description", "parameters"], rows)


def saved_result(res: Any, fmt: str = "table") -> None:
    """A saved query's rows: table, or the W3C formats (json, csv, tsv, xml)."""
    for name, m in res.matches.items():
        if m.stage != "exact" or res.params.get(name, "").strip() != m.label:
            note(f"taking {name}='{res.params.get(name)}' as {m.label} ({_short(m.iri)})")
    if fmt != "table":
        from ..results import serialize

        text = serialize(res.result, fmt)
        if fmt == "json" and res.facts:
            import json

            # the W3C results object, plus per row the facts it rests on with their sources
            data = json.loads(text)
            data["facts"] = res.facts_json()
            data["legend"] = [s.to_json() for s in res.legend]
            text = json.dumps(data, ensure_ascii=False, indent=2)
        write(text)
        return
    cols = res.variables
    rows = []
    for r in res.rows:
        row = []
        for c in cols:
            t = r.get(c)
            if t is None:
                row.append("")
            elif c == "sources":
                row.append(", ".join(_code(s) for s in sorted(t.value.split())))
            elif type(t).__name__ == "NamedNode":
                row.append(_short(t.value))
            else:
                row.append(t.value)
        rows.append(row)
    table(cols, rows)
    if not rows:
        note("no rows")
    _facts_and_legend(res)


def _code(source: str) -> str:
    """A saved query's source by the code its legend gives it (:func:`provenance.source_code`)."""
    from ..provenance import source_code

    return source_code(source)


def _facts_and_legend(res: Any) -> None:
    """Which source states which fact of each row, then the legend of the codes used."""
    lines: list[str] = []
    seen: set[str] = set()
    for fs in res.facts:
        for f in fs:
            line = f"  {f.statement}  [{', '.join(f.codes) or 'no source'}]"
            if line not in seen:
                seen.add(line)
                lines.append(line)
    if lines:
        write("\n".join(["", "who states what:", *lines]))
    if res.legend:
        width = max(len(s.code) for s in res.legend)
        legend = [f"  {s.code.ljust(width)}  {s.label}" for s in res.legend]
        write("\n".join(["", "sources:", *legend]))
