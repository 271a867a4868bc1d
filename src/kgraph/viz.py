"""Pictures of the graph: an interactive HTML page, SVG/PNG drawings, Graphviz source.

The picture shows the *entity graph* of :func:`kgraph.entitygraph.entity_graph` (people, works,
characters … and the relations between them), or a part of it: the neighbourhood of an entity,
what a saved query touches, a collaboration path (highlighted), or the ontology's classes.

- ``.html``: one self-contained page. The vis-network library (vendored in ``web/static/vendor/``, see
  its README for version and licence), the styles, the data and the code are all inside the
  file: it works offline and requests nothing from the network.
- ``.svg`` / ``.png``: a static drawing by Graphviz (the ``dot`` program; ``sfdp`` for big graphs).
- ``.dot``: the Graphviz source, for your own styling.

For example::

    pic = visualise(open_store("memory:"), Path("ontology.dot"), ontology=True)
"""

from __future__ import annotations

import html
import json
import os
import shutil
import string
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from .entitygraph import Edge, EntityGraph, EntityNode, NodeFact, entity_graph
from .errors import KGraphError, UsageError
from .export import write_atomic
from .store import Store
from .terms import KG_NS, ONTOLOGY_GRAPH, PREFIXES, compact, local_name

VIS_NETWORK_VERSION = "10.1.5"
# the explorer's static files: the graph script and styles, and the vendored vis-network
WEB = Path(__file__).resolve().parent / "web" / "static"
ASSETS = WEB / "vendor" / "vis-network"
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

# One colour AND one shape per class, so no two classes look alike and the legend can be read
# without colour vision: the Okabe–Ito colours and Paul Tol's "muted" scheme, both chosen to stay
# distinguishable with the common colour-vision deficiencies. Related classes share a shape
# (organisations are hexagons, events triangles) and differ in colour. vis-network shapes whose label
# sits outside the symbol only, so every label is drawn the same way.
_STYLE: dict[str, tuple[str, str, str]] = {  # class -> (colour, vis shape, graphviz shape)
    "Person": ("#0072B2", "dot", "ellipse"),
    "Film": ("#E69F00", "square", "box"),
    "TVSeries": ("#CC79A7", "square", "box"),
    "Play": ("#882255", "square", "box"),
    "Character": ("#009E73", "diamond", "diamond"),
    "StreamingService": ("#56B4E9", "hexagon", "hexagon"),
    "Broadcaster": ("#332288", "hexagon", "hexagon"),
    "NewsOutlet": ("#AA4499", "hexagon", "hexagon"),
    "Organization": ("#888888", "hexagon", "hexagon"),
    "Festival": ("#44AA99", "hexagon", "hexagon"),
    "AwardsBody": ("#999933", "hexagon", "hexagon"),
    "Award": ("#F0E442", "star", "star"),
    "Nomination": ("#DDCC77", "star", "star"),
    "AwardCeremony": ("#D55E00", "triangle", "triangle"),
    "FestivalEdition": ("#117733", "triangle", "triangle"),
    "Screening": ("#88CCEE", "triangle", "triangle"),
    "Release": ("#661100", "triangle", "triangle"),
    "Franchise": ("#000000", "triangleDown", "invtriangle"),
    "Work": ("#BBBBBB", "square", "box"),  # a work of no more specific class (loaded data)
    "Class": ("#0072B2", "box", "box"),
}
# Classes outside the table (another ontology's data): a colour and a shape from these, by name.
_FALLBACK_COLOURS = ["#6699CC", "#EE7733", "#994455", "#EE3377", "#33BBEE", "#CC3311"]
_FALLBACK_SHAPES = [("dot", "ellipse"), ("square", "box"), ("diamond", "diamond")]


def style(cls: str) -> tuple[str, str, str]:
    """(colour, vis-network shape, Graphviz shape) of a class's nodes."""
    if cls in _STYLE:
        return _STYLE[cls]
    h = sum(map(ord, cls))
    shape = _FALLBACK_SHAPES[(h // len(_FALLBACK_COLOURS)) % len(_FALLBACK_SHAPES)]
    return (_FALLBACK_COLOURS[h % len(_FALLBACK_COLOURS)], *shape)


def palette(classes: Mapping[str, str]) -> list[dict[str, str]]:
    """The legend: each class (local name -> label) with its colour and shape."""
    return [
        {"id": c, "label": label, "colour": style(c)[0], "shape": style(c)[1]}
        for c, label in sorted(classes.items(), key=lambda kv: kv[1].casefold())
    ]


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
    facts: dict[str, list[NodeFact]] = {c: [] for c in classes}
    edges: list[Edge] = []
    here = (compact(ONTOLOGY_GRAPH),)
    for c in classes:
        for d in props[c].get(skos + "definition", []):
            facts[c].append(NodeFact(skos + "definition", "definition", d.value, None, here))
        for e in props[c].get(owl + "equivalentClass", []):
            if hasattr(e, "value") and not e.value.startswith(KG_NS):
                facts[c].append(
                    NodeFact(owl + "equivalentClass", "same as", compact(e.value), e.value, here)
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
                    NodeFact(
                        p,
                        "data property",
                        f"{label(p)} ({compact(rngs[0]) if rngs else 'literal'})",
                        p,
                        here,
                    )
                )
    nodes = tuple(
        EntityNode(
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


def visualise(store: Store, target: Path, **what: Any) -> Picture:
    """Draw the graph, or a part of it, into ``target``; the format comes from its extension.

    ``what`` says which part, with the keywords of :func:`select` (``entity``, ``depth``,
    ``query``, ``params``, ``path``, ``ontology``, ``graph``); none: the whole graph."""
    target = Path(target)
    fmt = target.suffix.lower()
    if fmt not in FORMATS:
        raise UsageError(f"{target}: say which picture by the extension: {', '.join(FORMATS)}")
    eg, highlight, title = select(store, **what)
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


def _page_data(
    eg: EntityGraph,
    title: str,
    highlight: set[str],
    degree: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The data the graph script draws: classes with their style, sources, nodes (each with its
    degree, which sets how long its label stays drawn when zoomed out) and edges."""
    used = sorted({n.cls for n in eg.nodes})
    if degree is None:
        counts: dict[str, int] = {}
        for e in eg.edges:
            counts[e.source] = counts.get(e.source, 0) + 1
            counts[e.target] = counts.get(e.target, 0) + 1
        degree = counts
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
                "deg": degree.get(n.iri, 0),
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


def graph_tools(
    *, title: str = "", links: str = "", status: str = "", hint: str = "", find: bool = True
) -> str:
    """The graph view's toolbar (``web/templates/graph_tools.html``), the same on every page that
    draws a graph: the ``viz`` page, the explorer's graph view, entity and SPARQL pages. ``title``
    (escaped HTML) heads it; ``find`` shows the find-a-node box; ``links`` and ``hint`` are HTML."""
    template = (WEB.parent / "templates" / "graph_tools.html").read_text(encoding="utf-8")
    return string.Template(template).substitute(
        heading=f'<h1 id="title">{title}</h1>\n      ' if title else "",
        find_hidden="" if find else " hidden",
        links=f"{links}\n      " if links else "",
        status=status,
        hint=f'\n      <span class="hint">{hint}</span>' if hint else "",
    )


def to_html(eg: EntityGraph, *, title: str = "kgraph", highlight: Iterable[str] = ()) -> str:
    """One self-contained interactive page: the explorer's graph view (the same template, styles
    and script as ``kgraph serve``'s pages, from ``web/``) with the library and the data inline."""
    data = _script_json(_page_data(eg, title, set(highlight)))

    def inline(name: str) -> str:
        return (WEB / name).read_text(encoding="utf-8").replace("</script", "<\\/script")

    template = (WEB.parent / "templates" / "viz.html").read_text(encoding="utf-8")
    return string.Template(template).substitute(
        title=html.escape(title),
        tools=graph_tools(title=html.escape(title), status="laying out…"),
        vis_version=VIS_NETWORK_VERSION,
        css=inline("graph.css"),
        data=data,
        app=inline("graph.js"),
        lib=(ASSETS / "vis-network.min.js")
        .read_text(encoding="utf-8")
        .replace("</script", "<\\/script"),
    )
