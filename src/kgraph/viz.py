"""Pictures of the graph: an interactive HTML page, SVG/PNG drawings, Graphviz source.

The picture shows the *entity graph* of :func:`kgraph.export.entity_graph` (people, works,
characters … and the relations between them), or a part of it: the neighbourhood of an entity,
what a saved query touches, a collaboration path (highlighted), or the ontology's classes.

- ``.html``: one self-contained page. The vis-network library (vendored in ``viz_assets/``, see
  its README for version and licence), the styles, the data and the code are all inside the
  file: it works offline and requests nothing from the network.
- ``.svg`` / ``.png``: a static drawing by Graphviz (the ``dot`` program; ``sfdp`` for big graphs).
- ``.dot``: the Graphviz source, for your own styling.

>>> from kgraph.build import open_store
>>> pic = visualise(open_store("memory:"), Path("/tmp/kgraph-doctest.dot"), ontology=True)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from .errors import KGraphError, UsageError
from .export import Edge, EntityGraph, Fact, Node, entity_graph, write_atomic
from .store import Store
from .terms import KG_NS, ONTOLOGY_GRAPH, PREFIXES, compact, local_name

VIS_NETWORK_VERSION = "10.1.5"
ASSETS = Path(__file__).resolve().parent / "viz_assets"
FORMATS = (".html", ".svg", ".png", ".dot")
# Above this many nodes, static drawings use sfdp (force-directed, scales) without edge labels.
BIG = 300


class GraphvizMissing(KGraphError):
    """SVG/PNG pictures need the Graphviz programs, which are not installed."""


@dataclass(frozen=True)
class Picture:
    """A picture written to ``path``: its format and how much of the graph it shows."""

    path: Path
    format: str
    nodes: int
    edges: int
    title: str

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "nodes": self.nodes,
            "edges": self.edges,
            "title": self.title,
        }


# ---------------------------------------------------------------------------------------------
# Style: one colour and shape per class, shared by the HTML page and the static drawings
# ---------------------------------------------------------------------------------------------

# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies).
_STYLE: dict[str, tuple[str, str, str]] = {  # class -> (colour, vis shape, graphviz shape)
    "Person": ("#0072B2", "dot", "ellipse"),
    "Film": ("#E69F00", "square", "box"),
    "TVSeries": ("#D55E00", "square", "box"),
    "Play": ("#CC79A7", "square", "box"),
    "Character": ("#009E73", "diamond", "note"),
    "StreamingService": ("#56B4E9", "hexagon", "hexagon"),
    "Broadcaster": ("#56B4E9", "hexagon", "hexagon"),
    "NewsOutlet": ("#56B4E9", "hexagon", "hexagon"),
    "Organization": ("#56B4E9", "hexagon", "hexagon"),
    "Festival": ("#56B4E9", "hexagon", "hexagon"),
    "AwardsBody": ("#56B4E9", "hexagon", "hexagon"),
    "Award": ("#F0E442", "star", "cds"),
    "Nomination": ("#F0E442", "star", "cds"),
    "AwardCeremony": ("#999999", "triangle", "tab"),
    "FestivalEdition": ("#999999", "triangle", "tab"),
    "Screening": ("#999999", "triangle", "tab"),
    "Release": ("#999999", "triangle", "tab"),
    "Franchise": ("#8C564B", "triangleDown", "folder"),
    "Class": ("#0072B2", "box", "box"),
}
_FALLBACK = ["#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#E377C2"]


def style(cls: str) -> tuple[str, str, str]:
    """(colour, vis-network shape, Graphviz shape) of a class's nodes."""
    if cls in _STYLE:
        return _STYLE[cls]
    return (_FALLBACK[sum(map(ord, cls)) % len(_FALLBACK)], "dot", "ellipse")


def _light(hex_colour: str, amount: float = 0.7) -> str:
    """The colour mixed with white (fills that keep black text legible)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


# ---------------------------------------------------------------------------------------------
# Choosing what to draw
# ---------------------------------------------------------------------------------------------


def _resolve(store: Store, name: str) -> str:
    """The IRI of the entity ``name`` names (the tolerant lookup of :mod:`kgraph.linking`)."""
    from .linking import resolve

    return resolve(store, name).iri


def ontology_graph(store: Store) -> EntityGraph:
    """The ontology as a picture: classes as nodes; "subclass of" and each object property
    (from its domain to its range) as edges; definitions and data properties as facts."""
    rows = store.select("""SELECT ?s ?p ?o WHERE { GRAPH kgg:ontology { ?s ?p ?o } }""")
    props: dict[str, dict[str, list[Any]]] = {}
    for r in rows:
        props.setdefault(r["s"].value, {}).setdefault(r["p"].value, []).append(r["o"])
    rdf_type, owl = PREFIXES["rdf"] + "type", PREFIXES["owl"]
    rdfs, skos = PREFIXES["rdfs"], PREFIXES["skos"]

    def is_a(iri: str, cls: str) -> bool:
        return any(getattr(o, "value", None) == cls for o in props.get(iri, {}).get(rdf_type, []))

    def label(iri: str) -> str:
        ls = props.get(iri, {}).get(rdfs + "label", [])
        return ls[0].value if ls else local_name(iri)

    classes = sorted(i for i in props if is_a(i, owl + "Class") and i.startswith(KG_NS))
    facts: dict[str, list[Fact]] = {c: [] for c in classes}
    edges: list[Edge] = []
    here = (compact(ONTOLOGY_GRAPH),)
    for c in classes:
        for d in props[c].get(skos + "definition", []):
            facts[c].append(Fact(skos + "definition", "definition", d.value, None, here))
        for e in props[c].get(owl + "equivalentClass", []):
            if hasattr(e, "value") and not e.value.startswith(KG_NS):
                facts[c].append(
                    Fact(owl + "equivalentClass", "same as", compact(e.value), e.value, here)
                )
        for sup in props[c].get(rdfs + "subClassOf", []):
            if getattr(sup, "value", None) in facts:
                edges.append(
                    Edge(c, sup.value, rdfs + "subClassOf", "subclass of", None, None, here)
                )
    for p in sorted(props):
        if not p.startswith(KG_NS):
            continue
        doms = [
            d.value for d in props[p].get(rdfs + "domain", []) if getattr(d, "value", None) in facts
        ]
        rngs = [r.value for r in props[p].get(rdfs + "range", []) if hasattr(r, "value")]
        for d in doms:
            if is_a(p, owl + "ObjectProperty"):
                for r in rngs:
                    if r in facts:
                        edges.append(Edge(d, r, p, label(p), None, None, here))
            elif is_a(p, owl + "DatatypeProperty"):
                facts[d].append(
                    Fact(
                        p,
                        "data property",
                        f"{label(p)} ({compact(rngs[0]) if rngs else 'literal'})",
                        p,
                        here,
                    )
                )
    nodes = tuple(
        Node(
            c,
            label(c),
            "Class",
            "Class",
            tuple(sorted(facts[c], key=lambda f: (f.predicate_label, f.value))),
        )
        for c in classes
    )
    edges.sort(key=lambda e: (e.source, e.predicate, e.target))
    return EntityGraph(
        nodes, tuple(edges), {compact(ONTOLOGY_GRAPH): "kgraph ontology"}, {"Class": "Class"}
    )


def _touching(eg: EntityGraph, iris: set[str]) -> EntityGraph:
    """The nodes ``iris`` plus every node that links two of them (e.g. the works two people share)."""
    adj: dict[str, set[str]] = {}
    for e in eg.edges:
        adj.setdefault(e.source, set()).add(e.target)
        adj.setdefault(e.target, set()).add(e.source)
    keep = set(iris)
    for n, nbrs in adj.items():
        if n not in keep and len(nbrs & iris) >= 2:
            keep.add(n)
    return eg.subgraph(keep)


def select(
    store: Store,
    *,
    entity: str | None = None,
    depth: int = 1,
    query: str | None = None,
    params: Mapping[str, str] | None = None,
    path: Sequence[str] | None = None,
    ontology: bool = False,
    graph: str | None = None,
) -> tuple[EntityGraph, set[str], str]:
    """What to draw: (subgraph, IRIs to highlight, title)."""
    chosen = [x for x in (entity is not None, query is not None, path is not None, ontology) if x]
    if len(chosen) > 1:
        raise UsageError("draw one thing at a time: an ENTITY, --query, --path or --ontology")
    if depth < 0:
        raise UsageError("--depth must be 0 or more")
    if ontology:
        return ontology_graph(store), set(), "kgraph ontology: classes and properties"
    eg = entity_graph(store, graph=graph)
    if entity is not None:
        iri = _resolve(store, entity)
        if eg.node(iri) is None:
            raise UsageError(
                f"{compact(iri)} is not drawn in the entity graph (it is a relation node or bookkeeping)"
            )
        sub = eg.neighbourhood(iri, depth)
        return sub, {iri}, f"{eg.node(iri).label} (depth {depth})"  # type: ignore[union-attr]
    if query is not None:
        from .saved import run_saved

        result = run_saved(store, query, dict(params or {}))
        iris = _iris_in(result) | {m.iri for m in getattr(result, "matches", {}).values()}
        iris &= {n.iri for n in eg.nodes}
        if not iris:
            raise UsageError(f"the saved query {query!r} touches no entity that can be drawn")
        args = ", ".join(f"{k}={v}" for k, v in (params or {}).items())
        return _touching(eg, iris), set(), f"query {query}" + (f" ({args})" if args else "")
    if path is not None:
        from .paths import path as find_path

        if len(path) != 2:
            raise UsageError("--path takes two names: --path A B")
        found = find_path(store, path[0], path[1], all=True)
        on_path = {n.iri for p in found.paths for n in p}
        steps = {frozenset((a.iri, b.iri)) for p in found.paths for a, b in pairwise(p)}
        sub = eg.subgraph(on_path)
        sub = EntityGraph(
            sub.nodes,
            tuple(e for e in sub.edges if frozenset((e.source, e.target)) in steps),
            sub.source_labels,
            sub.classes,
        )
        hops = f"{found.hops} work{'s' if found.hops != 1 else ''}"
        return (
            sub,
            on_path,
            (
                f"{found.source.label} → {found.target.label} ({hops}, {len(found.paths)} "
                f"shortest path{'s' if len(found.paths) != 1 else ''})"
            ),
        )
    return eg, set(), "kgraph: the whole graph" if graph is None else f"kgraph: {graph}"


def _iris_in(result: Any) -> set[str]:
    """Every IRI in a query result (rows of terms, whatever the result object looks like)."""
    rows = getattr(result, "rows", None)
    if rows is None and hasattr(result, "result"):
        rows = getattr(result.result, "rows", None)
    out: set[str] = set()
    for row in rows or []:
        values = row.values() if isinstance(row, Mapping) else row
        for t in values:
            v = getattr(t, "value", None)
            if isinstance(v, str) and v.startswith(("http://", "https://")):
                out.add(v)
    return out


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


def visualise(
    store: Store,
    target: Path,
    *,
    entity: str | None = None,
    depth: int = 1,
    query: str | None = None,
    params: Mapping[str, str] | None = None,
    path: Sequence[str] | None = None,
    ontology: bool = False,
    graph: str | None = None,
) -> Picture:
    """Draw the graph, or a part of it, into ``target``; the format comes from its extension."""
    target = Path(target)
    fmt = target.suffix.lower()
    if fmt not in FORMATS:
        raise UsageError(f"{target}: say which picture by the extension: {', '.join(FORMATS)}")
    eg, highlight, title = select(
        store,
        entity=entity,
        depth=depth,
        query=query,
        params=params,
        path=path,
        ontology=ontology,
        graph=graph,
    )
    if fmt == ".html":
        data = to_html(eg, title=title, highlight=highlight).encode("utf-8")
    elif fmt == ".dot":
        data = to_dot(eg, title=title, highlight=highlight).encode("utf-8")
    else:
        data = render_graphviz(
            to_dot(eg, title=title, highlight=highlight),
            fmt[1:],
            engine="sfdp" if len(eg.nodes) > BIG else "dot",
        )
    write_atomic(target, data)
    return Picture(target, fmt[1:], len(eg.nodes), len(eg.edges), title)


# --- Graphviz ---------------------------------------------------------------------------------


def _dot_id(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _wrap(label: str, width: int = 22) -> str:
    """Long labels over several lines, so boxes stay narrow and text stays legible."""
    words, lines, cur = label.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return "\n".join(lines) or label


def _legend(eg: EntityGraph, title: str, per_row: int = 6) -> str:
    """The graph's label: the title over a legend of the classes drawn (HTML-like label)."""
    used = sorted({n.cls for n in eg.nodes})
    cells = [
        f'<TD BGCOLOR="{_light(style(c)[0])}" COLOR="{style(c)[0]}" BORDER="1" CELLPADDING="3">'
        f"{html.escape(eg.classes.get(c, c))}</TD>"
        for c in used
    ]
    rows = "".join(
        "<TR>" + "".join(cells[i : i + per_row]) + "</TR>" for i in range(0, len(cells), per_row)
    )
    head = f'<TR><TD><FONT POINT-SIZE="20">{html.escape(title)}</FONT></TD></TR>'
    legend = f'<TR><TD><TABLE BORDER="0" CELLSPACING="4">{rows}</TABLE></TD></TR>' if rows else ""
    return f'<<TABLE BORDER="0" CELLSPACING="2">{head}{legend}</TABLE>>'


def to_dot(eg: EntityGraph, *, title: str = "", highlight: Iterable[str] = ()) -> str:
    """Graphviz source: nodes filled and shaped by class, edges labelled by relation, a legend."""
    hl = set(highlight)
    big = len(eg.nodes) > BIG
    out = [
        "digraph kgraph {",
        f'  graph [label={_legend(eg, title)}, labelloc=t, fontsize=12, fontname="Helvetica", '
        + (
            "overlap=prism, outputorder=edgesfirst, splines=false"
            if big
            else "rankdir=LR, nodesep=0.25, ranksep=0.9, splines=true, newrank=true"
        )
        + ", pad=0.3];",
        '  node [fontname="Helvetica", fontsize=11, style="filled", penwidth=1.2, margin="0.08,0.04"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#666666", fontcolor="#444444", arrowsize=0.6];',
    ]
    for n in eg.nodes:
        colour, _, shape = style(n.cls)
        extra = ', penwidth=3.5, color="#C00000"' if n.iri in hl else f', color="{colour}"'
        out.append(
            f"  {_dot_id(n.iri)} [label={_dot_id(_wrap(n.label))}, shape={shape}, "
            f'fillcolor="{_light(colour)}"{extra}, tooltip={_dot_id(n.class_label + ": " + n.iri)}];'
        )
    for e in eg.edges:
        attrs = [] if big else [f"label={_dot_id(e.relation)}"]
        if e.source in hl and e.target in hl:
            attrs.append('color="#C00000", penwidth=2.5')
        out.append(f"  {_dot_id(e.source)} -> {_dot_id(e.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def graphviz_program(engine: str = "dot") -> str:
    exe = shutil.which(engine)
    if exe is None:
        raise GraphvizMissing(
            f"drawing SVG or PNG needs Graphviz (the `{engine}` program), which is not installed",
            hint="install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), "
            "or draw to .html or .dot instead",
        )
    return exe


def render_graphviz(
    dot_source: str, fmt: str, *, engine: str = "dot", timeout: float = 300
) -> bytes:
    """Run Graphviz on ``dot_source``; ``fmt`` is ``svg`` or ``png``."""
    exe = graphviz_program(engine)
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    source = dot_source.encode("utf-8")
    unflatten = shutil.which("unflatten")
    if engine == "dot" and unflatten:
        # Stagger the many leaves of a hub (an actor's roles) over several ranks: a drawing about
        # as wide as it is tall instead of one very long column.
        try:
            u = subprocess.run(
                [unflatten, "-l", "3", "-f", "-c", "5"],
                input=source,
                capture_output=True,
                timeout=timeout,
                env=env,
                check=False,
            )
            if u.returncode == 0 and u.stdout.strip():
                source = u.stdout
        except subprocess.TimeoutExpired:
            pass
    args = [exe, f"-T{fmt}"] + (["-Gdpi=96"] if fmt == "png" else [])
    try:
        p = subprocess.run(
            args, input=source, capture_output=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        raise KGraphError(
            f"Graphviz ({engine}) took longer than {timeout:.0f} s; draw fewer nodes"
        ) from None
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise KGraphError(f"Graphviz ({engine}) failed: {msg[-1] if msg else p.returncode}")
    return p.stdout


# --- HTML -------------------------------------------------------------------------------------


def _page_data(eg: EntityGraph, title: str, highlight: set[str]) -> dict[str, Any]:
    used = sorted({n.cls for n in eg.nodes})
    return {
        "title": title,
        "classes": [
            {
                "id": c,
                "label": eg.classes.get(c, c),
                "colour": style(c)[0],
                "shape": style(c)[1],
                "count": sum(1 for n in eg.nodes if n.cls == c),
            }
            for c in used
        ],
        "sources": dict(eg.source_labels),
        "nodes": [
            {
                "id": n.iri,
                "label": n.label,
                "cls": n.cls,
                "iri": compact(n.iri),
                "hl": n.iri in highlight,
                "facts": [
                    [f.predicate_label, f.value, f.iri or "", list(f.sources)] for f in n.facts
                ],
            }
            for n in eg.nodes
        ],
        "edges": [
            {
                "from": e.source,
                "to": e.target,
                "label": e.relation,
                "work": e.work_label or "",
                "sources": list(e.sources),
                "hl": e.source in highlight and e.target in highlight,
            }
            for e in eg.edges
        ],
    }


def _script_json(obj: Any) -> str:
    """JSON safe inside a <script> element (no "</script>", no HTML comment openers)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def to_html(eg: EntityGraph, *, title: str = "kgraph", highlight: Iterable[str] = ()) -> str:
    """One self-contained interactive page (library, styles, data and code inline)."""
    lib = (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")
    data = _script_json(_page_data(eg, title, set(highlight)))
    return (
        _PAGE.replace("@@TITLE@@", html.escape(title))
        .replace("@@VIS_VERSION@@", VIS_NETWORK_VERSION)
        .replace("@@CSS@@", _CSS)
        .replace("@@DATA@@", data)
        .replace("@@APP@@", _APP)
        .replace("@@LIB@@", lib.replace("</script", "<\\/script"))
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<meta name="generator" content="kgraph viz (vis-network @@VIS_VERSION@@)">
<title>@@TITLE@@</title>
<style>@@CSS@@</style>
</head>
<body>
<header>
  <h1 id="title">@@TITLE@@</h1>
  <form id="find" autocomplete="off" role="search">
    <input id="search" type="search" list="labels" placeholder="Find a node…" aria-label="Find a node">
    <datalist id="labels"></datalist>
    <button type="submit">Find</button>
  </form>
  <button id="freeze" type="button" aria-pressed="false">Freeze layout</button>
  <button id="fit" type="button">Fit</button>
  <span id="status" role="status">laying out…</span>
</header>
<main>
  <div id="graph" aria-label="graph"></div>
  <aside id="panel">
    <section id="legend"><h2>Classes</h2><ul id="legend-list"></ul></section>
    <section id="details"><p class="hint">Hover over or click a node to see its facts and sources.
      Drag to move, scroll to zoom.</p></section>
    <section id="sources"><h2>Sources</h2><dl id="source-list"></dl></section>
  </aside>
</main>
<script id="kg-data" type="application/json">@@DATA@@</script>
<script>/* vis-network @@VIS_VERSION@@ — (c) Almende B.V. and visjs contributors — Apache-2.0 OR MIT */
@@LIB@@</script>
<script>@@APP@@</script>
</body>
</html>
"""

_CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1b1b; background: #fff; }
header { display: flex; gap: .6em; align-items: center; padding: .5em .8em; border-bottom: 1px solid #ddd; background: #f7f7f7; flex-wrap: wrap; }
h1 { font-size: 1.05em; margin: 0 1em 0 0; font-weight: 600; }
h2 { font-size: .95em; margin: .2em 0 .4em; }
#find { display: flex; gap: .3em; }
input[type=search] { width: 16em; padding: .3em .5em; border: 1px solid #bbb; border-radius: 4px; font: inherit; }
button { padding: .3em .8em; border: 1px solid #bbb; border-radius: 4px; background: #fff; font: inherit; cursor: pointer; }
button[aria-pressed=true] { background: #0072B2; color: #fff; border-color: #0072B2; }
#status { color: #666; font-size: .9em; }
main { display: flex; height: calc(100% - 3em); }
#graph { flex: 1; min-width: 0; height: 100%; }
#panel { width: 24em; max-width: 45%; overflow: auto; border-left: 1px solid #ddd; padding: .6em .8em; background: #fcfcfc; }
#legend-list { list-style: none; margin: 0; padding: 0; columns: 2; }
#legend-list li { display: flex; align-items: center; gap: .4em; padding: .1em 0; cursor: pointer; break-inside: avoid; font-size: .9em; }
#legend-list li.off { opacity: .35; }
.swatch { width: .9em; height: .9em; border: 1px solid rgba(0,0,0,.3); flex: none; }
.swatch.dot { border-radius: 50%; } .swatch.diamond { transform: rotate(45deg) scale(.8); }
.swatch.star, .swatch.triangle, .swatch.triangleDown, .swatch.hexagon { border-radius: 2px; }
#details { border-top: 1px solid #ddd; border-bottom: 1px solid #ddd; margin: .6em 0; padding: .4em 0; }
#details h2 { font-size: 1.1em; margin: .2em 0; }
.cls { display: inline-block; font-size: .8em; padding: 0 .4em; border-radius: 3px; color: #fff; }
.iri { color: #666; font-size: .8em; word-break: break-all; }
.hint { color: #666; }
table.facts { border-collapse: collapse; width: 100%; font-size: .88em; margin-top: .4em; }
table.facts td { border-top: 1px solid #eee; padding: .25em .3em; vertical-align: top; }
table.facts td.p { color: #555; white-space: nowrap; }
.src { display: inline-block; font-size: .75em; padding: 0 .3em; margin: 0 .15em .1em 0; border-radius: 3px; background: #e8eef5; color: #234; white-space: nowrap; }
a.node { color: #0060a0; cursor: pointer; text-decoration: underline; }
#source-list { font-size: .85em; margin: 0; }
#source-list dt { font-weight: 600; } #source-list dd { margin: 0 0 .3em .8em; color: #444; }
"""

_APP = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var big = data.nodes.length > 1000;
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var classes = {};
  data.classes.forEach(function (c) { classes[c.id] = c; });

  var groups = {};
  data.classes.forEach(function (c) {
    groups[c.id] = { color: { background: c.colour, border: "#333333",
                              highlight: { background: c.colour, border: "#000000" },
                              hover: { background: c.colour, border: "#000000" } },
                     shape: c.shape };
  });
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var v = { id: n.id, label: n.label, group: n.cls };
    if (n.hl) { v.borderWidth = 4; v.color = { border: "#C00000", background: classes[n.cls].colour }; v.size = 22; }
    if (n.cls === "Class") { v.shape = "box"; v.color = { background: "#DCEAF5", border: "#0072B2" }; }
    return v;
  }));
  var pairs = {};
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var v = { id: "e" + i, from: e.from, to: e.to, label: e.label, arrows: "to" };
    if (e.hl) { v.color = { color: "#C00000" }; v.width = 3; }
    // several relations between the same two nodes: bend each one differently so none hides another
    var key = e.from < e.to ? e.from + " " + e.to : e.to + " " + e.from;
    var k = pairs[key] = (pairs[key] || 0) + 1;
    if (k > 1 && !big) { v.smooth = { type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil((k - 1) / 2) + 0.1 }; }
    return v;
  }));
  var options = {
    groups: groups,
    nodes: { size: 14, font: { size: 14, face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" },
             borderWidth: 1, widthConstraint: { maximum: 150 } },
    edges: { font: { size: 10, align: "middle", color: "#444444", strokeWidth: 0, background: "rgba(255,255,255,0.9)" },
             color: { color: "#9a9a9a", highlight: "#333333", hover: "#333333" },
             smooth: big ? false : { type: "continuous" }, arrows: { to: { scaleFactor: 0.5 } },
             width: 1, selectionWidth: 2 },
    physics: { solver: "forceAtlas2Based",
               forceAtlas2Based: { gravitationalConstant: -140, centralGravity: 0.008, springLength: 150,
                                   springConstant: 0.05, damping: 0.5, avoidOverlap: 0.8 },
               stabilization: { enabled: true, iterations: big ? 300 : 600, updateInterval: 50, fit: true },
               minVelocity: 1.0, maxVelocity: 60, timestep: 0.4 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big, navigationButtons: false, keyboard: false },
    layout: { improvedLayout: !big, randomSeed: 7 }
  };
  if (big) {
    // Thousands of nodes: a short untangling pass before the first drawing, then the layout
    // keeps settling on screen (Barnes–Hut, O(n log n) a step) until it rests or is frozen.
    options.edges.font.size = 0;
    options.physics.solver = "barnesHut";
    options.physics.barnesHut = { gravitationalConstant: -6000, centralGravity: 0.3, springLength: 120,
                                  springConstant: 0.04, damping: 0.3, avoidOverlap: 0.1 };
    options.physics.stabilization.iterations = 60;
    options.physics.minVelocity = 2.0;
  }
  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var status = document.getElementById("status");
  var frozen = false;
  var freezeButton = document.getElementById("freeze");

  function setFrozen(value) {
    frozen = value;
    network.setOptions({ physics: { enabled: !frozen } });
    freezeButton.setAttribute("aria-pressed", String(frozen));
    freezeButton.textContent = frozen ? "Unfreeze layout" : "Freeze layout";
    status.textContent = frozen ? "layout frozen" : "physics on";
  }
  freezeButton.addEventListener("click", function () { setFrozen(!frozen); });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: true }); });

  network.on("stabilizationProgress", function (p) {
    status.textContent = "laying out… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    status.textContent = data.nodes.length + " nodes, " + data.edges.length + " edges";
    document.body.setAttribute("data-ready", "1");
  });
  network.on("stabilized", function () {
    if (!frozen) { status.textContent = data.nodes.length + " nodes, " + data.edges.length + " edges — settled"; }
  });

  // --- side panel ----------------------------------------------------------------------
  var details = document.getElementById("details");
  var pinned = null;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function sourceChips(cell, srcs) {
    srcs.forEach(function (s) {
      var chip = el("span", { "class": "src", title: data.sources[s] || s }, s.replace(/^source:/, ""));
      cell.appendChild(chip);
    });
  }
  function showNode(id) {
    var n = byId[id];
    if (!n) { return; }
    details.textContent = "";
    details.setAttribute("data-node", id);
    details.appendChild(el("h2", null, n.label));
    var c = classes[n.cls];
    var badge = el("span", { "class": "cls" }, c ? c.label : n.cls);
    badge.style.background = c ? c.colour : "#777";
    details.appendChild(badge);
    details.appendChild(el("div", { "class": "iri" }, n.iri));
    var table = el("table", { "class": "facts" });
    n.facts.forEach(function (f) {
      var tr = el("tr");
      tr.appendChild(el("td", { "class": "p" }, f[0]));
      var v = el("td");
      if (f[2] && byId[f[2]]) {
        var a = el("a", { "class": "node", tabindex: "0" }, f[1]);
        a.addEventListener("click", function () { focusNode(f[2]); });
        v.appendChild(a);
      } else {
        v.appendChild(document.createTextNode(f[1]));
      }
      v.appendChild(document.createTextNode(" "));
      sourceChips(v, f[3]);
      tr.appendChild(v);
      table.appendChild(tr);
    });
    if (!n.facts.length) { details.appendChild(el("p", { "class": "hint" }, "No facts stated about it.")); }
    details.appendChild(table);
  }
  function showEdge(id) {
    var e = data.edges[parseInt(id.slice(1), 10)];
    if (!e) { return; }
    details.textContent = "";
    details.removeAttribute("data-node");
    details.appendChild(el("h2", null, byId[e.from].label + " — " + e.label + " → " + byId[e.to].label));
    if (e.work) { details.appendChild(el("p", null, "Work: " + e.work)); }
    var p = el("p", null, "Sources: ");
    sourceChips(p, e.sources);
    details.appendChild(p);
  }
  function focusNode(id) {
    pinned = id;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400 } });
    showNode(id);
  }
  network.on("click", function (params) {
    if (params.nodes.length) { pinned = params.nodes[0]; showNode(pinned); }
    else if (params.edges.length) { pinned = null; showEdge(params.edges[0]); }
  });
  network.on("hoverNode", function (params) { showNode(params.node); });
  network.on("blurNode", function () { if (pinned) { showNode(pinned); } });

  // --- search --------------------------------------------------------------------------
  var list = document.getElementById("labels");
  data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); }).forEach(function (n) {
    list.appendChild(el("option", { value: n.label }));
  });
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return null; }
    var exact = null, partial = null;
    data.nodes.forEach(function (n) {
      var l = n.label.toLowerCase();
      if (l === q && !exact) { exact = n; }
      else if (l.indexOf(q) >= 0 && !partial) { partial = n; }
    });
    return exact || partial;
  }
  document.getElementById("find").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var n = find(document.getElementById("search").value);
    if (n) { focusNode(n.id); status.textContent = "found " + n.label; }
    else { status.textContent = "no node matches"; }
  });

  // --- legend: click a class to hide or show its nodes ---------------------------------------
  var legend = document.getElementById("legend-list");
  data.classes.forEach(function (c) {
    var li = el("li", { title: "show or hide " + c.label });
    var sw = el("span", { "class": "swatch " + c.shape });
    sw.style.background = c.colour;
    li.appendChild(sw);
    li.appendChild(document.createTextNode(c.label + " (" + c.count + ")"));
    li.addEventListener("click", function () {
      var off = li.classList.toggle("off");
      nodes.update(data.nodes.filter(function (n) { return n.cls === c.id; })
                             .map(function (n) { return { id: n.id, hidden: off }; }));
    });
    legend.appendChild(li);
  });
  var sl = document.getElementById("source-list");
  Object.keys(data.sources).forEach(function (s) {
    sl.appendChild(el("dt", null, s.replace(/^source:/, "")));
    sl.appendChild(el("dd", null, data.sources[s]));
  });

  window.kgraph = { network: network, nodes: nodes, edges: edges, data: data, focusNode: focusNode, setFrozen: setFrozen };
})();
"""
