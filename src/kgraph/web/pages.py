"""The explorer's pages and JSON, rendered from the store inside a query worker.

The HTML skeletons are the files of ``templates/`` (``string.Template``: ``${name}`` is replaced,
every value escaped here); the scripts and styles are the files of ``static/``. Each function
reads the store through the library (cards, linking, paths, saved queries, the entity graph of
:mod:`kgraph.export`), so the pages show what ``kgraph show``, ``ask``, ``path`` and ``stats`` show,
from any store, embedded or remote.
"""

from __future__ import annotations

import html
import json
import re
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from string import Template
from typing import Any
from urllib.parse import quote, unquote, urlencode

from ..terms import KG_NS, RDF_TYPE, SKOS_ALT, SKOS_PREF, local_name
from .base import TEMPLATES
from .base import PageError as HttpError

# runs a SPARQL query as the endpoint does (read-only, no SERVICE, capped): (media type, body,
# truncated); raises PageError
Runner = Callable[[str], tuple[str, bytes, bool]]

Page = tuple[int, str, bytes]
# classes of relation nodes and bookkeeping (not counted as entities on the home page)
HIDDEN_LABELS = {
    "Performance",
    "Credit",
    "Collaboration",
    "Claim",
    "Disagreement",
    "Source",
    "Role",
    "Personal relationship",
    "Participation",
    "Relationship",
}
KG_DESCRIPTION = KG_NS + "description"
HTML = "text/html; charset=utf-8"
JSON = "application/json"

esc = html.escape

# -- small per-worker caches (the graph changes only when someone loads data; 30 s is fresh enough)

_TTL = 30.0
# store -> kind -> (when computed, seconds it took, value); kept per store object and dropped
# with it: a worker that reopens its store after a load neither keeps the old store's values
# for ever nor hands them to a new store that happens to get the old one's address (id)
_cache: weakref.WeakKeyDictionary[Any, dict[str, tuple[float, float, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _cached(store: Any, kind: str, make: Callable[[], Any]) -> Any:
    """``make()`` for ``store``, remembered for 30 s, or ten times what it took to compute if
    that is longer (a label index that takes 20 s on a big store is not rebuilt every 30 s)."""
    mine = _cache.get(store)
    if mine is None:
        mine = _cache[store] = {}
    hit = mine.get(kind)
    now = time.monotonic()
    if hit is not None and now - hit[0] < max(_TTL, 10 * hit[1]):
        return hit[2]
    value = make()
    done = time.monotonic()
    mine[kind] = (done, done - now, value)
    return value


BIG_STORE = 300_000  # quads: above this, the explorer skips what would read the whole store


def store_size(store: Any) -> int:
    """The number of quads in the store (cached)."""

    def make() -> int:
        rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    return _cached(store, "size", make)  # type: ignore[no-any-return]


def is_big(store: Any) -> bool:
    """Whether the store holds more than :data:`BIG_STORE` statements (cached): a count in its
    default graph (the sources' statements merged, as ``kgraph.factbase`` probes it) that stops
    there — 0.1 s on the 3×10^5-title store (39 M quads), where :func:`store_size` takes 24 s and
    even a ``GRAPH ?g`` count stopped at the same number 8 s."""

    def make() -> bool:
        rows = store.select(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT ?s WHERE { ?s ?p ?o } "
            f"LIMIT {BIG_STORE + 1} }}"
        )
        return bool(rows) and int(rows[0]["n"].value) > BIG_STORE

    return _cached(store, f"big>{BIG_STORE}", make)  # type: ignore[no-any-return]


def _entity_graph(store: Any) -> Any:
    from ..entitygraph import entity_graph

    return _cached(store, "eg", lambda: entity_graph(store))


def _labels(store: Any) -> list[tuple[str, str, str, str, str]]:
    """(IRI, label, casefolded label, class local name, class label) of every labelled entity
    except relation nodes and bookkeeping (performances, credits, claims …), for completion and
    for labelling query results; sources are kept."""
    from ..entitygraph import _HIDDEN_CLASSES, _class_info
    from ..terms import local_name

    def make() -> list[tuple[str, str, str, str, str]]:
        ancestors, class_labels = _class_info(store)
        hidden = {
            c for c, anc in ancestors.items() if any(KG_NS + h in anc for h in _HIDDEN_CLASSES)
        }
        rows = store.select(
            """SELECT ?e (SAMPLE(?l) AS ?label)
                      (GROUP_CONCAT(DISTINCT STR(?c); separator=" ") AS ?cs) WHERE {
                 GRAPH ?g { ?e skos:prefLabel ?l } FILTER (?g != kgg:ontology)
                 OPTIONAL { ?e a ?c FILTER STRSTARTS(STR(?c), STR(kg:)) } } GROUP BY ?e"""
        )
        out = []
        for r in rows:
            cs = [c for c in (r["cs"].value.split() if "cs" in r else []) if c in ancestors]
            if KG_NS + "Source" in cs:
                cs = [KG_NS + "Source"]
            elif any(c in hidden for c in cs):
                continue
            best = sorted(c for c in cs if not any(o != c and c in ancestors[o] for o in cs))
            cls = best[0] if best else ""
            label = r["label"].value
            out.append(
                (
                    r["e"].value,
                    label,
                    label.casefold(),
                    local_name(cls) if cls else "",
                    class_labels.get(cls, local_name(cls)) if cls else "",
                )
            )
        return out

    return _cached(store, "labels", make)  # type: ignore[no-any-return]


# -- URLs and fragments -------------------------------------------------------------------------


def curie(iri: str) -> str:
    from ..terms import compact

    return compact(iri)


def entity_url(iri: str) -> str:
    """The stable page of an entity: ``/entity/person:jeon-jong-seo`` (full IRI when no prefix fits)."""
    return "/entity/" + quote(curie(iri), safe=":/")


def _short_source(iri: str) -> str:
    from ..terms import CURATION_GRAPH, INFERRED_GRAPH, local_name

    if iri in (CURATION_GRAPH, "kgg:curation"):
        return "curators"
    if iri in (INFERRED_GRAPH, "kgg:inferred"):
        return "inferred"
    return local_name(iri.split(":", 1)[1] if iri.startswith("source:") else iri)


def chips(sources: Iterable[str], labels: Mapping[str, str]) -> str:
    """Source chips: the short name, the full label on hover, a link to the source's page."""
    out = []
    for s in sources:
        label = labels.get(s, s)
        short = _short_source(s)
        href = entity_url(s) if short not in ("curators", "inferred") else "#sources"
        out.append(
            f'<a class="src" href="{esc(href)}" title="{esc(label)}" data-source="{esc(s)}">'
            f"{esc(short)}</a>"
        )
    return "".join(out)


def link(iri: str, label: str) -> str:
    return f'<a href="{esc(entity_url(iri))}">{esc(label)}</a>'


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def page(title: str, content: str, *, active: str = "", scripts: Iterable[str] = ()) -> bytes:
    """A whole page: the shared frame (header, navigation, name search) around ``content``."""
    nav = []
    for href, name in (("/", "Home"), ("/graph", "Graph"), ("/query", "SPARQL")):
        cur = ' aria-current="page"' if name == active else ""
        nav.append(f'<a href="{href}"{cur}>{name}</a>')
    tags = "".join(f'<script src="/static/{esc(s)}"></script>' for s in ("kgraph.js", *scripts))
    return (
        _template("base.html")
        .substitute(title=esc(title), nav="".join(nav), content=content, scripts=tags)
        .encode("utf-8")
    )


def _data_script(obj: Any, ident: str = "kg-data") -> str:
    from ..viz import _script_json

    return f'<script id="{ident}" type="application/json">{_script_json(obj)}</script>'


# -- routing ----------------------------------------------------------------------------------


# store -> (path, parameters) -> (when rendered, seconds it took, page); per store, as above
_PAGES: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], tuple[float, float, Page]]] = (
    weakref.WeakKeyDictionary()
)
MAX_CACHED_PAGES = 256  # per store


def route(
    store: Any, path: str, params: dict[str, list[str]], run: Runner, max_results: int
) -> Page:
    """The page or JSON at ``path``; ``run`` runs a query with the endpoint's guards and cap.

    Pages are kept per worker like the caches above (30 s, or ten times what one took to render),
    at most MAX_CACHED_PAGES of them; query results (``/query``, ``/api/sparql``) are not kept.
    """
    if path in ("/query", "/api/sparql"):
        return _route(store, path, params, run, max_results)
    pages = _PAGES.get(store)
    if pages is None:
        pages = _PAGES[store] = {}
    key = (path, json.dumps(sorted(params.items())))
    hit = pages.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < max(_TTL, 10 * hit[1]):
        return hit[2]
    page = _route(store, path, params, run, max_results)
    done = time.monotonic()
    if len(pages) >= MAX_CACHED_PAGES:
        del pages[min(pages, key=lambda k: pages[k][0])]
    pages[key] = (done, done - now, page)
    return page


def _route(
    store: Any, path: str, params: dict[str, list[str]], run: Runner, max_results: int
) -> Page:

    def p(name: str) -> str:
        return (params.get(name) or [""])[0]

    if path == "/":
        return 200, HTML, home(store, p("ask"))
    if path == "/search":
        return 200, HTML, search_page(store, p("q"))
    if path.startswith("/entity/"):
        ident = unquote(path[len("/entity/") :])
        fmt = p("format")
        if fmt:
            return entity_export(store, ident, fmt)
        return 200, HTML, entity_page(store, ident)
    if path == "/graph":
        return 200, HTML, graph_page(store, p("focus"), p("from"), p("to"))
    if path == "/query":
        return 200, HTML, query_page(store, p("query"), run, max_results)
    if path == "/api/search":
        return 200, JSON, _json(search_json(store, p("q"), int(p("limit") or 10)))
    if path == "/api/neighbours":
        return 200, JSON, _json(neighbours_json(store, p("id")))
    if path == "/api/terms":
        return 200, JSON, _json(terms_json(store))
    if path == "/api/sparql":
        return 200, JSON, _json(sparql_json(store, p("query"), run))
    raise HttpError(404, f"no such page: {path}")


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


# -- home -------------------------------------------------------------------------------------


def sources_info(store: Any) -> list[dict[str, Any]]:
    """Every source with its label, title, outlet, date and author (whichever the graph states)."""
    rows = store.select(
        """SELECT ?src ?p ?o ?ol WHERE { ?src a kg:Source .
             OPTIONAL { ?src ?p ?o
               FILTER (?p IN (skos:prefLabel, kg:title, kg:date, kg:authorName, kg:creditsOutlet,
                              kg:outlet, kg:publisher, kg:publishedIn, kg:published, kg:datePublished,
                              dcterms:date, dcterms:title, schema:publisher, schema:datePublished,
                              schema:author, kg:language, kg:translatedFrom))
               OPTIONAL { ?o skos:prefLabel ?ol } } } ORDER BY ?src ?p ?o"""
    )
    by: dict[str, dict[str, list[tuple[str, str | None]]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        src = r["src"].value
        by[src]
        if "p" in r:
            from ..terms import local_name

            key = local_name(r["p"].value)
            o = r["o"]
            iri = o.value if type(o).__name__ == "NamedNode" else None
            text = r["ol"].value if "ol" in r else o.value
            pair = (text, iri)
            if pair not in by[src][key]:
                by[src][key].append(pair)
    out = []
    for src in sorted(by):
        props = by[src]

        def first(
            *keys: str, props: dict[str, list[tuple[str, str | None]]] = props
        ) -> list[tuple[str, str | None]]:
            for k in keys:
                if props.get(k):
                    return props[k]
            return []

        out.append(
            {
                "iri": src,
                "label": (first("prefLabel") or [(_short_source(src), None)])[0][0],
                "title": [t for t, _ in first("title")],
                "outlet": first("creditsOutlet", "outlet", "publisher", "publishedIn"),
                "date": [t for t, _ in first("date", "datePublished", "published")],
                "author": [t for t, _ in first("authorName", "author")],
                "language": [t for t, _ in first("language")],
                "translated_from": [t for t, _ in first("translatedFrom")],
            }
        )
    return out


def _source_labels(store: Any) -> dict[str, str]:
    from ..terms import CURATION_GRAPH, INFERRED_GRAPH, compact

    def make() -> dict[str, str]:
        labels = {CURATION_GRAPH: "the curators' graph", INFERRED_GRAPH: "inferred by the build"}
        for s in sources_info(store):
            labels[s["iri"]] = s["label"]
            labels[compact(s["iri"])] = s["label"]
        return labels

    return _cached(store, "srclabels", make)  # type: ignore[no-any-return]


def sources_table(store: Any, only: Iterable[str] | None = None) -> str:
    wanted = set(only) if only is not None else None
    rows = []
    for s in sources_info(store):
        if wanted is not None and s["iri"] not in wanted:
            continue
        outlet = ", ".join(link(i, t) if i else esc(t) for t, i in s["outlet"]) or "—"
        lang = ", ".join(s["language"])
        if s["translated_from"]:
            lang += f" (translated from {', '.join(s['translated_from'])})"
        rows.append(
            f'<tr id="src-{esc(_short_source(s["iri"]))}"><td>{chips([s["iri"]], {s["iri"]: s["label"]})}</td>'
            f"<td>{esc(s['label'])}</td><td>{esc('; '.join(s['title'])) or '—'}</td>"
            f"<td>{outlet}</td><td>{esc(', '.join(s['date'])) or '—'}</td>"
            f"<td>{esc(', '.join(s['author'])) or '—'}</td><td>{esc(lang) or '—'}</td></tr>"
        )
    if not rows:
        return '<p class="hint">No sources are described in this store.</p>'
    return (
        '<table class="data sources"><thead><tr><th>source</th><th>what</th><th>headline</th>'
        "<th>outlet</th><th>date</th><th>author</th><th>language</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def stats_html(store: Any) -> str:
    from ..kg import KnowledgeGraph

    st = KnowledgeGraph(store).stats()
    drawn = set(_all_classes(store).values()) - HIDDEN_LABELS
    classes = "".join(
        f"<tr><td>{esc(c)}</td><td class=num>{n}</td></tr>" for c, n in st.classes.items()
    )
    return (
        f'<p class="totals"><b>{sum(n for c, n in st.classes.items() if c in drawn)}</b> '
        f"people, works, characters, organisations and events; <b>{sum(st.stated.values())}</b> facts stated by "
        f"<b>{len(st.sources)}</b> sources "
        f"(<b>{st.quads}</b> quads in all).</p>"
        '<details><summary>Entities per class</summary><table class="data"><thead><tr><th>class</th>'
        f"<th>entities</th></tr></thead><tbody>{classes}</tbody></table></details>"
    )


def answer_html(store: Any, question: str) -> str:
    """The answer to ``question`` as ``kgraph ask --format json`` gives it, rendered: each answer
    with its sources (and each fact's sources where the answer lists its facts), a sources legend."""
    from ..errors import KGraphError
    from ..questions import ask

    try:
        data = ask(store, question).to_json()
    except KGraphError as e:
        hint = f"<p class=hint>{esc(str(e.hint))}</p>" if getattr(e, "hint", None) else ""
        return f'<div class="answer none" id="answer"><p class="err">{esc(str(e))}</p>{hint}</div>'
    labels = dict(_source_labels(store))
    legend = data.get("sources")
    if isinstance(legend, list):
        for s in legend:
            if isinstance(s, dict) and "iri" in s:
                labels[s["iri"]] = s.get("label") or s["iri"]
    elif isinstance(legend, dict):
        labels.update({k: str(v) for k, v in legend.items()})
    used: list[str] = []

    def cite(srcs: Any) -> str:
        ids = [s["iri"] if isinstance(s, dict) else str(s) for s in (srcs or [])]
        for s in ids:
            if s not in used:
                used.append(s)
        return chips(ids, labels)

    items = []
    for a in data.get("answers", []):
        head = link(a["iri"], a["label"]) if a.get("iri") else esc(str(a.get("label", "")))
        if a.get("value") not in (None, "", a.get("label")):
            head += f" <span class=value>{esc(str(a['value']))}</span>"
        sub = []
        for key, val in a.items():  # per-fact citations, whatever the list is called
            if key == "sources" or not isinstance(val, list):
                continue
            for f in val:
                if isinstance(f, dict) and "sources" in f:
                    text = next(
                        (str(f[k]) for k in ("text", "statement", "fact", "label") if f.get(k)),
                        "",
                    )
                    sub.append(f"<li>{esc(text)} {cite(f['sources'])}</li>")
        facts = f'<ul class="facts">{"".join(sub)}</ul>' if sub else ""
        items.append(f"<li>{head} {cite(a.get('sources'))}{facts}</li>")
    legend_rows = "".join(f"<li>{chips([s], labels)} {esc(labels.get(s, s))}</li>" for s in used)
    body = f'<ol class="answers">{"".join(items)}</ol>' if items else "<p>No answer.</p>"
    return (
        f'<div class="answer" id="answer"><p class="interp">{esc(data.get("interpretation", ""))}</p>'
        f"{body}"
        + (
            f'<div class="legend"><h3>Sources cited</h3><ul class="srclegend">{legend_rows}</ul></div>'
            if legend_rows
            else ""
        )
        + (
            f"<details><summary>SPARQL</summary><pre>{esc(data['sparql'])}</pre>"
            f'<a href="/query?{urlencode({"query": data["sparql"]})}">open in the editor</a></details>'
            if data.get("sparql")
            else ""
        )
        + "</div>"
    )


def home(store: Any, question: str) -> bytes:
    answer = answer_html(store, question) if question.strip() else ""
    content = _template("home.html").substitute(
        question=esc(question),
        answer=answer,
        stats=_cached(store, "stats", lambda: stats_html(store)),
        sources=_cached(store, "sources", lambda: sources_table(store)),
    )
    return page("kgraph explorer", content, active="Home")


# -- search -----------------------------------------------------------------------------------


def search_json(store: Any, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Completion: names that start with (then contain) what was typed, then the fuzzy matches
    of ``kgraph search``."""
    from ..errors import KGraphError
    from ..linking import search

    q = text.strip().casefold()
    if not q:
        return []
    limit = max(1, min(limit, 50))
    cls: dict[str, str] = {}
    hits: list[tuple[tuple[int, int, str], str, str]] = []
    index = [] if is_big(store) else _labels(store)  # big: the matcher alone
    for iri, label, folded, _c, class_label in index:
        if q in folded:
            cls[iri] = class_label
            words = re.split(r"[\s\-–:,.()]+", folded)
            rank = 0 if folded.startswith(q) else 1 if any(w.startswith(q) for w in words) else 2
            hits.append(((rank, len(label), folded), iri, label))
    hits.sort()
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _k, iri, label in hits:
        if iri not in seen:
            seen.add(iri)
            out.append(
                {"iri": iri, "label": label, "type": cls.get(iri, ""), "url": entity_url(iri)}
            )
    if len(out) < limit and len(q) >= 2:
        try:
            for m in search(store, text, limit=limit):
                if m.iri not in seen:
                    seen.add(m.iri)
                    out.append(
                        {"iri": m.iri, "label": m.label, "type": m.type, "url": entity_url(m.iri)}
                    )
        except KGraphError:  # a remote store that cannot search: the substring matches answer
            pass
    for o in out:
        o["curie"] = curie(o["iri"])
    return out[:limit]


def search_page(store: Any, text: str) -> bytes:
    hits = search_json(store, text, 30) if text.strip() else []
    items = "".join(
        f"<li>{link(h['iri'], h['label'])} <span class=cls-name>{esc(h['type'])}</span> "
        f"<code>{esc(h['curie'])}</code></li>"
        for h in hits
    )
    body = (
        f'<ul class="hits">{items}</ul>'
        if hits
        else f"<p>Nothing is named like {esc(text)!s}.</p>"
        if text.strip()
        else ""
    )
    content = (
        f"<h1>Search</h1><form action=/search method=get class=searchform role=search>"
        f'<input type=search name=q value="{esc(text)}" data-complete=1 autocomplete=off '
        f'aria-label="name"><button>Search</button></form>{body}'
    )
    return page(f"search: {text}", content)


# -- entity pages -----------------------------------------------------------------------------

GROUPS = [
    ("fact", "Facts"),
    ("performance", "Roles and cast"),
    ("credit", "Crew credits"),
    ("award", "Awards"),
    ("nomination", "Nominations"),
    ("release", "Releases"),
    ("screening", "Screenings"),
    ("relationship", "Relationships"),
    ("disagreement", "Where the sources disagree"),
    ("in", "Mentioned by"),
]


def _fact_value(f: Any) -> str:
    """A fact's line, its object linked to that entity's page."""
    text = esc(f.text)
    if f.object_is_iri and f.object_label and f.kind not in ("disagreement",):
        target = f.object if f.direction != "node" or f.kind in ("performance", "credit") else None
        if f.kind == "relationship":
            target = f.object
        if target:
            lab = esc(f.object_label)
            pos = text.rfind(lab)
            if pos >= 0:
                return (
                    text[:pos]
                    + f'<a href="{esc(entity_url(target))}">{lab}</a>'
                    + text[pos + len(lab) :]
                )
    return text


def card_html(store: Any, card: Any) -> str:
    labels = dict(_source_labels(store))
    labels.update(card.sources)
    groups: dict[str, list[str]] = defaultdict(list)
    for f in card.facts:
        # the label, spellings, classes and description are the page's heading
        if f.direction != "in" and f.predicate in (SKOS_PREF, SKOS_ALT, RDF_TYPE, KG_DESCRIPTION):
            continue
        key = "in" if f.direction == "in" else f.kind if f.direction == "node" else "fact"
        if key not in dict(GROUPS):
            key = "fact"
        groups[key].append(
            f'<tr><td class="fact">{_fact_value(f)}</td><td class="srcs">'
            f"{chips(f.sources, labels)}</td></tr>"
        )
    parts = []
    for key, title in GROUPS:
        if groups.get(key):
            parts.append(
                f'<section class="group" data-group="{key}"><h2>{esc(title)}</h2>'
                f'<table class="facts"><tbody>{"".join(groups[key])}</tbody></table></section>'
            )
    alt = "; ".join(f"{esc(a)} {chips(s, labels)}" for a, s in card.alt_labels)
    legend = "".join(
        f"<li>{chips([s], labels)} {esc(lab)}</li>"
        for s, lab in sorted(card.sources.items(), key=lambda kv: _short_source(kv[0]))
    )
    return (
        f'<p class="kind">{esc(" · ".join(card.types))} <code>{esc(curie(card.iri))}</code></p>'
        + (f'<p class="desc">{esc(card.description)}</p>' if card.description else "")
        + (f'<p class="alt">also written: {alt}</p>' if alt else "")
        + "".join(parts)
        + f'<section id="sources"><h2>Sources</h2><ul class="srclegend">{legend}</ul></section>'
    )


def _all_classes(store: Any) -> dict[str, str]:
    """Every kg class of the ontology, local name -> label (the legend's vocabulary)."""
    from ..terms import local_name

    def make() -> dict[str, str]:
        rows = store.select(
            """SELECT ?c (SAMPLE(?l) AS ?label) WHERE { GRAPH kgg:ontology { ?c a owl:Class
                 FILTER STRSTARTS(STR(?c), STR(kg:)) OPTIONAL { ?c rdfs:label ?l } } } GROUP BY ?c"""
        )
        return {
            local_name(r["c"].value): r["label"].value if "label" in r else local_name(r["c"].value)
            for r in rows
        }

    return _cached(store, "classes", make)  # type: ignore[no-any-return]


def _graph_sources(store: Any) -> dict[str, str]:
    """Source graphs by prefixed name -> label, as the graph script's source filter lists them."""
    from ..terms import compact

    return _cached(  # type: ignore[no-any-return]
        store,
        "graphsources",
        lambda: {compact(s["iri"]): s["label"] for s in sources_info(store)},
    )


def _graph_data(
    store: Any,
    sub: Any,
    *,
    title: str,
    highlight: Iterable[str] = (),
    focus: str | None = None,
    degree: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The graph view's data: the nodes and edges of ``sub`` as :mod:`kgraph.viz` draws them, each
    node with its degree (hubs keep their labels when zoomed out) and its page; the legend knows
    every class, so nodes added by expanding keep their style."""
    from ..viz import _page_data, palette

    data = _page_data(sub, title, set(highlight), degree=degree)
    data["classes"] = palette({**_all_classes(store), **dict(sub.classes)})
    data["sources"] = {**_graph_sources(store), **dict(sub.source_labels)}
    data["api"] = "/api/"
    data["focus"] = focus
    for n in data["nodes"]:
        n["url"] = entity_url(n["id"])
    return data


def _quads_about(store: Any, subjects: Iterable[Any], objects: Iterable[Any] = ()) -> list[Any]:
    """Every quad (outside the ontology graph) whose subject is one of ``subjects`` or whose
    object is one of ``objects``."""
    import pyoxigraph as ox

    from ..terms import ONTOLOGY_GRAPH

    out: list[Any] = []
    for var, terms in (("s", sorted(set(subjects), key=str)), ("o", sorted(set(objects), key=str))):
        for i in range(0, len(terms), 200):
            for r in store.select(
                "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {var: terms[i : i + 200]}
            ):
                if r["g"].value != ONTOLOGY_GRAPH:
                    out.append(ox.Quad(r["s"], r["p"], r["o"], r["g"]))
    return out


def _ontology_quads(store: Any) -> list[Any]:
    import pyoxigraph as ox

    from ..terms import ONTOLOGY_GRAPH

    def make() -> list[Any]:
        g = ox.NamedNode(ONTOLOGY_GRAPH)
        return [
            ox.Quad(r["s"], r["p"], r["o"], g)
            for r in store.select("SELECT ?s ?p ?o WHERE { GRAPH kgg:ontology { ?s ?p ?o } }")
        ]

    return _cached(store, "onto", make)  # type: ignore[no-any-return]


def local_graph(store: Any, iri: str) -> Any:
    """The neighbourhood of ``iri`` in the entity graph, read from the store around it only (a few
    queries, whatever the size of the store): the entity's quads and its relation nodes', then
    every quad of its neighbours (their facts and the edges among them), the classes and labels
    of what those mention, and the ontology, put in a small in-memory store whose entity graph
    is the neighbourhood's. The same nodes and edges as ``entity_graph(store).neighbourhood``."""
    import pyoxigraph as ox

    from ..entitygraph import entity_graph
    from ..store import OxigraphStore

    me = ox.NamedNode(iri)
    perf_links = [KG_NS + p for p in ("performer", "character", "inWork")]
    quads = _quads_about(store, [me], [me])
    # relation nodes pointing at the entity (performances, credits, awards …): all their quads
    nodes = {q.subject for q in quads if q.object == me and isinstance(q.subject, ox.NamedNode)}
    quads += _quads_about(store, nodes)
    near = {
        t
        for q in quads
        for t in (q.subject, q.object)
        if isinstance(t, ox.NamedNode) and t != me and t not in nodes
    }
    # the neighbours' own quads, and the performances of the people among them
    quads += _quads_about(store, near)
    perf = {
        q.subject
        for q in _quads_about(store, [], near)
        if q.predicate.value in perf_links and isinstance(q.subject, ox.NamedNode)
    }
    quads += _quads_about(store, perf - nodes)
    # classes and labels of everything mentioned, and the sources' labels
    mentioned = {
        t for q in quads for t in (q.subject, q.object, q.graph_name) if isinstance(t, ox.NamedNode)
    }
    for chunk in _chunked(sorted(mentioned, key=str), 200):
        for r in store.select(
            """SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o }
                 FILTER (?p IN (rdf:type, skos:prefLabel)) FILTER (?g != kgg:ontology) }""",
            {"s": chunk},
        ):
            quads.append(ox.Quad(r["s"], r["p"], r["o"], r["g"]))
    mem = OxigraphStore()
    mem.insert([*quads, *_ontology_quads(store)])
    return entity_graph(mem).neighbourhood(iri, 1)


def _chunked(items: list[Any], n: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def entity_page(store: Any, ident: str) -> bytes:
    from ..cards import show

    card = show(store, ident)
    sub = local_graph(store, card.iri)
    if sub.node(card.iri) is None:
        sub = None
    neighbours = ""
    graph = ""
    if sub is not None and len(sub.nodes) > 1:
        rel: dict[str, list[str]] = defaultdict(list)
        for e in sub.edges:
            if card.iri in (e.source, e.target):
                other = e.target if e.source == card.iri else e.source
                word = e.relation if e.source == card.iri else f"← {e.relation}"
                if word not in rel[other]:
                    rel[other].append(word)
        items = "".join(
            f"<li>{link(n.iri, n.label)} <span class=cls-name>{esc(n.class_label)}</span> "
            f'<span class="rel">{esc(", ".join(rel.get(n.iri, [])))}</span></li>'
            for n in sorted(sub.nodes, key=lambda n: (n.class_label, n.label.casefold()))
            if n.iri != card.iri
        )
        neighbours = (
            f'<section id="neighbours"><h2>Neighbours ({len(sub.nodes) - 1})</h2>'
            f'<ul class="neighbours">{items}</ul></section>'
        )
        graph = _data_script(
            _graph_data(store, sub, title=card.label, highlight=[card.iri], focus=card.iri)
        )
    base = entity_url(card.iri)
    from ..viz import graph_tools

    content = _template("entity.html").substitute(
        tools=graph_tools(
            find=False, hint="click a node to expand it, double-click to open its page"
        ),
        label=esc(card.label),
        card=card_html(store, card),
        neighbours=neighbours,
        graph=graph,
        has_graph="1" if graph else "",
        turtle=esc(base + "?format=turtle"),
        jsonld=esc(base + "?format=jsonld"),
        graph_link=esc("/graph?" + urlencode({"focus": curie(card.iri)})),
        query_link=esc(
            "/query?"
            + urlencode(
                {"query": f"SELECT ?p ?o ?g WHERE {{\n  GRAPH ?g {{ <{card.iri}> ?p ?o }}\n}}"}
            )
        ),
    )
    return page(card.label, content, scripts=["vendor/vis-network/vis-network.min.js", "graph.js"])


def entity_quads(store: Any, iri: str) -> list[Any]:
    """The quads that state the entity's facts: it as subject or object, and the relation nodes
    (performances, credits, awards …) that point at it."""
    import pyoxigraph as ox

    from ..cards import NODE_LINKS
    from ..terms import ONTOLOGY_GRAPH

    node = ox.NamedNode(iri)
    quads: list[Any] = []
    rows = store.select(
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?s = ?e || ?o = ?e) }",
        {"e": node},
    )
    nodes = set()
    for r in rows:
        if r["g"].value == ONTOLOGY_GRAPH:
            continue
        quads.append(ox.Quad(r["s"], r["p"], r["o"], r["g"]))
        if r["o"] == node and r["p"].value in NODE_LINKS and isinstance(r["s"], ox.NamedNode):
            nodes.add(r["s"])
    if nodes:
        for r in store.select(
            "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {"s": sorted(nodes, key=str)}
        ):
            quads.append(ox.Quad(r["s"], r["p"], r["o"], r["g"]))
    return quads


def entity_export(store: Any, ident: str, fmt: str) -> Page:
    from ..cards import entity_iri
    from ..errors import UnknownEntity
    from ..export import write_jsonld, write_turtle

    iri, _m = entity_iri(store, ident)
    quads = entity_quads(store, iri)
    if not quads:
        raise UnknownEntity(iri, [], "entity")
    from ..formats import names, registered

    f = names(registered("rdf", write=True)).get(fmt.lower().replace("-", ""))
    if f is not None and f.name in ("turtle", "jsonld"):  # the registry's names and media types
        write = write_turtle if f.name == "turtle" else write_jsonld
        charset = "; charset=utf-8" if f.media_type.startswith("text/") else ""
        return 200, f.media_type + charset, write(quads).encode("utf-8")
    raise HttpError(406, f"unknown format {fmt!r}; use turtle or jsonld")


def neighbours_json(store: Any, ident: str) -> dict[str, Any]:
    from ..cards import entity_iri

    if not ident.strip():
        raise HttpError(400, "give an entity: /api/neighbours?id=person:jeon-jong-seo")
    iri, _m = entity_iri(store, ident)
    sub = local_graph(store, iri)
    node = sub.node(iri)
    if node is None:
        raise HttpError(404, f"{curie(iri)} is not drawn in the entity graph")
    return _graph_data(store, sub, title=node.label, focus=iri)


# -- the graph view -----------------------------------------------------------------------------


def path_data(store: Any, a: str, b: str) -> tuple[dict[str, Any], str]:
    """The collaboration path(s) from ``a`` to ``b`` as graph data (edges labelled by the roles,
    with their sources) and as a server-rendered list."""
    from ..entitygraph import EntityGraph
    from ..entitygraph import EntityNode as GraphNode
    from ..paths import path as find_path

    found = find_path(store, a, b, all=True)
    labels = dict(_source_labels(store))
    on = {n.iri: n for p in found.paths for n in p}
    classes = _all_classes(store)
    sub = EntityGraph(
        tuple(GraphNode(n.iri, n.label, n.type, classes.get(n.type, n.type)) for n in on.values()),
        (),
        {},
        {n.type: classes.get(n.type, n.type) for n in on.values()},
    )
    data = _graph_data(
        store, sub, title=f"{found.source.label} → {found.target.label}", highlight=on
    )
    data["edges"] = []
    steps_html = []
    seen: set[tuple[str, str, str]] = set()
    for steps in found.steps:
        for st in steps:
            srcs: list[str] = []
            for part in st.people:
                roles = [r for r in part.roles if not (r.kind == "cast" and not r.iri)] or list(
                    part.roles
                )
                words = [f"as {r.label}" if r.kind == "cast" else r.label for r in roles]
                rsrc = sorted({curie(s.iri) for r in roles for s in r.sources})
                srcs += [s.iri for r in roles for s in r.sources]
                key = (part.person.iri, st.work.iri, ", ".join(words))
                if key in seen:
                    continue
                seen.add(key)
                data["edges"].append(
                    {
                        "from": part.person.iri,
                        "to": st.work.iri,
                        "label": ", ".join(words) or "in",
                        "work": st.work.label,
                        "sources": rsrc,
                        "hl": True,
                    }
                )
            steps_html.append(f"<li>{esc(st.text)} {chips(sorted(set(srcs)), labels)}</li>")
    hops = f"{found.hops} work{'s' if found.hops != 1 else ''}"
    listing = (
        f'<div id="path-result"><p>{link(found.source.iri, found.source.label)} → '
        f"{link(found.target.iri, found.target.label)}: {hops}, {len(found.paths)} shortest "
        f"path{'s' if len(found.paths) != 1 else ''}.</p><ol class=steps>{''.join(steps_html)}</ol></div>"
    )
    return data, listing


MAX_DRAWN = 1500  # the whole-graph view draws at most this many nodes, the best connected


def _whole_graph_or_none(store: Any) -> dict[str, Any] | None:
    """The whole-graph view's data, or None on a big store (drawing it would read every quad)."""
    if is_big(store):
        return None
    return _whole_graph(store, _entity_graph(store))


def _whole_graph(store: Any, eg: Any) -> dict[str, Any]:
    deg: dict[str, int] = defaultdict(int)
    for e in eg.edges:
        deg[e.source] += 1
        deg[e.target] += 1
    title = "the whole graph"
    if len(eg.nodes) > MAX_DRAWN:
        keep = sorted(eg.nodes, key=lambda n: (-deg[n.iri], n.iri))[:MAX_DRAWN]
        eg = eg.subgraph(n.iri for n in keep)
        title = f"the {MAX_DRAWN} best connected entities"
    return _graph_data(store, eg, title=title, degree=deg)


def graph_page(store: Any, focus: str, a: str, b: str) -> bytes:
    from ..cards import entity_iri
    from ..errors import KGraphError

    message = ""
    listing = ""
    data: dict[str, Any] | None
    if a.strip() and b.strip():
        try:
            data, listing = path_data(store, a, b)
        except KGraphError as e:
            message = f'<p class="err" id="path-error">{esc(str(e))}</p>'
            data = _whole_graph_or_none(store)
    elif focus.strip():
        iri, _m = entity_iri(store, focus)
        sub = local_graph(store, iri)
        node = sub.node(iri)
        if node is None:
            message = f'<p class="err">{esc(curie(iri))} is not drawn in the entity graph.</p>'
            data = _whole_graph_or_none(store)
        else:
            data = _graph_data(store, sub, title=node.label, highlight=[iri], focus=iri)
    else:
        data = _whole_graph_or_none(store)
    if data is None:
        from ..entitygraph import EntityGraph

        message += (
            f'<p class="hint" id="too-big">This store holds {store_size(store):,} quads, too many '
            "to draw at once: find an entity with the search box above and open it in the graph "
            "view, or give one here: <code>/graph?focus=person:…</code>.</p>"
        )
        data = _graph_data(store, EntityGraph((), ()), title="pick an entity to start from")
    listing_nodes = "".join(
        f"<li>{link(n['id'], n['label'])}</li>"
        for n in sorted(data["nodes"], key=lambda n: n["label"].casefold())
    )
    from ..viz import graph_tools

    content = _template("graph.html").substitute(
        tools=graph_tools(
            title=esc(data["title"]), links='<a href="/graph">whole graph</a>', status="laying out…"
        ),
        data=_data_script(data),
        message=message,
        path=listing,
        a=esc(a),
        b=esc(b),
        nodes=listing_nodes,
        count=len(data["nodes"]),
    )
    return page(
        f"graph: {data['title']}",
        content,
        active="Graph",
        scripts=["vendor/vis-network/vis-network.min.js", "graph.js"],
    )


# -- the SPARQL editor --------------------------------------------------------------------------


def terms_json(store: Any) -> dict[str, Any]:
    """Prefixes and the ontology's classes and properties, for the editor's completion."""
    from ..terms import PREFIXES

    def make() -> list[dict[str, str]]:
        rows = store.select(
            """SELECT ?t (SAMPLE(?k) AS ?kind) (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?doc) WHERE {
                 GRAPH kgg:ontology { ?t a ?k FILTER (?k IN (owl:Class, owl:ObjectProperty,
                     owl:DatatypeProperty, rdf:Property, owl:AnnotationProperty))
                   OPTIONAL { ?t rdfs:label ?l } OPTIONAL { ?t skos:definition|rdfs:comment ?d } }
               } GROUP BY ?t"""
        )
        out = []
        for r in rows:
            iri = r["t"].value
            c = curie(iri)
            if c == iri:
                continue
            kind = local_name(r["kind"].value)
            out.append(
                {
                    "curie": c,
                    "kind": "class" if kind == "Class" else "property",
                    "label": r["label"].value if "label" in r else "",
                    "doc": r["doc"].value if "doc" in r else "",
                }
            )
        return sorted(out, key=lambda t: t["curie"])

    return {"prefixes": dict(PREFIXES), "terms": _cached(store, "terms", make)}


def _term_json(t: Any, labels: Mapping[str, str]) -> dict[str, Any]:
    kind = type(t).__name__
    if kind == "NamedNode":
        c = curie(t.value)
        return {
            "type": "uri",
            "value": t.value,
            "curie": c,
            "label": labels.get(t.value, c),
            "url": entity_url(t.value),
        }
    if kind == "Literal":
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["lang"] = t.language
        elif t.datatype and not t.datatype.value.endswith("#string"):
            out["datatype"] = curie(t.datatype.value)
        return out
    if kind == "BlankNode":
        return {"type": "bnode", "value": t.value}
    return {"type": "triple", "value": str(t)}


def _label_terms(store: Any, iris: Iterable[str]) -> dict[str, str]:
    """Labels of the IRIs that have one: the preferred label, else any rdfs:label."""
    import pyoxigraph as ox

    todo = sorted(set(iris))
    best: dict[str, tuple[int, str]] = {}
    for chunk in _chunked(todo, 200):
        for r in store.select(
            """SELECT ?x ?l ?rank WHERE { { ?x skos:prefLabel ?l BIND (1 AS ?rank) }
                 UNION { ?x rdfs:label ?l BIND (2 AS ?rank) } }""",
            {"x": [ox.NamedNode(i) for i in chunk]},
        ):
            key = (int(r["rank"].value), r["l"].value)
            x = r["x"].value
            if x not in best or key < best[x]:
                best[x] = key
    return {x: label for x, (_r, label) in best.items()}


def sparql_json(store: Any, query: str, run: Runner) -> dict[str, Any]:
    """A query's result with labels: ``select``/``ask`` as rows, ``graph`` as graph data."""
    if not query.strip():
        raise HttpError(400, "the query is empty")
    ctype, body, truncated = run(query)
    if ctype.startswith("application/sparql-results+json"):
        res = json.loads(body)
        if "boolean" in res:
            return {"kind": "ask", "boolean": res["boolean"], "truncated": False}
        import pyoxigraph as ox

        iris = {
            b["value"]
            for row in res["results"]["bindings"]
            for b in row.values()
            if b.get("type") == "uri"
        }
        labels = _label_terms(store, iris)
        rows = []
        for row in res["results"]["bindings"]:
            out = {}
            for k, b in row.items():
                if b.get("type") == "uri":
                    out[k] = _term_json(ox.NamedNode(b["value"]), labels)
                else:
                    out[k] = {kk: vv for kk, vv in b.items() if kk != "xml:lang"}
                    words = str(b.get("value", "")).split()
                    if words and all(w.startswith(("http://", "https://")) for w in words):
                        # GROUP_CONCAT of IRIs (the sources of a saved query): each one a link
                        out[k]["links"] = [
                            {"value": w, "curie": curie(w), "url": entity_url(w)} for w in words
                        ]
                    if "xml:lang" in b:
                        out[k]["lang"] = b["xml:lang"]
                    if "datatype" in b:
                        out[k]["datatype"] = curie(b["datatype"])
            rows.append(out)
        return {"kind": "select", "vars": res["head"]["vars"], "rows": rows, "truncated": truncated}
    import pyoxigraph as ox

    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    return {
        "kind": "graph",
        "graph": construct_graph(store, triples),
        "triples": len(triples),
        "truncated": truncated,
    }


def _classes_of(store: Any, iris: Iterable[str]) -> dict[str, str]:
    """The most specific kg class (local name) of each IRI that has one."""
    import pyoxigraph as ox

    from ..entitygraph import _class_info
    from ..terms import local_name, most_specific

    ancestors, _labels_of = _cached(store, "classinfo", lambda: _class_info(store))
    types: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunked(sorted(set(iris)), 200):
        for r in store.select(
            "SELECT ?x ?c WHERE { ?x a ?c }", {"x": [ox.NamedNode(i) for i in chunk]}
        ):
            if r["c"].value in ancestors:
                types[r["x"].value].add(r["c"].value)
    out = {}
    for x, cs in types.items():
        best = most_specific(cs, ancestors.__getitem__)
        if best:
            out[x] = local_name(best)
    return out


def construct_graph(store: Any, triples: list[Any]) -> dict[str, Any]:
    """A CONSTRUCT result as graph data: IRIs as nodes (classed as the graph classes them), IRI
    objects as edges, literals as the facts of their subject."""
    from ..terms import local_name
    from ..viz import palette

    iris = {t.subject.value for t in triples if type(t.subject).__name__ == "NamedNode"} | {
        t.object.value
        for t in triples
        if type(t.object).__name__ == "NamedNode" and t.predicate.value != RDF_TYPE
    }
    labels = _label_terms(store, iris | {t.predicate.value for t in triples})
    known = _classes_of(store, iris)
    facts: dict[str, list[Any]] = defaultdict(list)
    edges = []
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if type(s).__name__ != "NamedNode":
            continue
        plabel = labels.get(p) or local_name(p)
        if type(o).__name__ == "NamedNode" and p != RDF_TYPE:
            edges.append(
                {
                    "from": s.value,
                    "to": o.value,
                    "label": plabel,
                    "work": "",
                    "sources": [],
                    "hl": False,
                }
            )
        else:
            value = labels.get(o.value) or (local_name(o.value) if p == RDF_TYPE else o.value)
            facts[s.value].append([plabel, value, "", []])
    classes = palette(_all_classes(store))
    nodes = []
    for iri in sorted(iris):
        nodes.append(
            {
                "id": iri,
                "label": labels.get(iri) or local_name(iri) or iri,
                "cls": known.get(iri, "Resource"),
                "iri": curie(iri),
                "hl": False,
                "deg": sum(1 for e in edges if iri in (e["from"], e["to"])),
                "facts": facts.get(iri, []),
                "url": entity_url(iri),
            }
        )
    if any(n["cls"] == "Resource" for n in nodes):
        classes = [*classes, *palette({"Resource": "Other resource"})]
    return {
        "title": "CONSTRUCT result",
        "classes": classes,
        "sources": _graph_sources(store),
        "nodes": nodes,
        "edges": edges,
        "api": "/api/",
        "focus": None,
    }


def _result_table(res: dict[str, Any]) -> str:
    """A SELECT/ASK result as an HTML table (the no-JavaScript view; the script draws the same)."""
    if res["kind"] == "ask":
        return f'<p class="boolean">{"yes (true)" if res["boolean"] else "no (false)"}</p>'
    if res["kind"] == "graph":
        g = res["graph"]
        rows = "".join(
            f"<tr><td>{link(e['from'], e['from'])}</td><td>{esc(e['label'])}</td>"
            f"<td>{link(e['to'], e['to'])}</td></tr>"
            for e in g["edges"]
        )
        return (
            f"<p>{res['triples']} triples, {len(g['nodes'])} nodes.</p>"
            f'<table class="data"><thead><tr><th>subject</th><th>predicate</th><th>object</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>"
        )

    def cell(b: dict[str, Any] | None) -> str:
        if not b:
            return ""
        if b.get("type") == "uri":
            return f'<a href="{esc(b["url"])}" title="{esc(b["value"])}">{esc(b["label"])}</a>'
        if b.get("links"):
            return " ".join(
                f'<a href="{esc(x["url"])}" title="{esc(x["value"])}">{esc(x["curie"])}</a>'
                for x in b["links"]
            )
        extra = f'<span class="lang">@{esc(b["lang"])}</span>' if b.get("lang") else ""
        return esc(str(b.get("value", ""))) + extra

    head = "".join(f"<th>{esc(v)}</th>" for v in res["vars"])
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(r.get(v))}</td>" for v in res["vars"]) + "</tr>"
        for r in res["rows"]
    )
    return (
        f'<p class="count">{len(res["rows"])} row{"s" if len(res["rows"]) != 1 else ""}'
        f"{' (truncated)' if res.get('truncated') else ''}</p>"
        f'<table class="data results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


DEFAULT_QUERY = """SELECT ?work ?title WHERE {
  person:jeon-jong-seo kg:actedIn ?work .
  ?work skos:prefLabel ?title .
} ORDER BY ?title"""


def query_page(store: Any, query: str, run: Runner, max_results: int) -> bytes:
    from ..saved import list_queries

    result = ""
    data = ""
    if query.strip():
        try:
            res = sparql_json(store, query, run)
            result = _result_table(res)
            data = _data_script(res, "kg-result")
        except HttpError as e:
            result = f'<p class="err">{esc(e.message)}</p>'
    gallery = []
    for q in list_queries():
        params = ", ".join(p.signature() for p in q.params)
        gallery.append(
            f'<li><a class="example" data-name="{esc(q.name)}" '
            f'href="/query?{esc(urlencode({"query": q.text}))}">{esc(q.name)}</a> '
            f"<span>{esc(q.description)}</span>"
            + (f' <span class="params">(parameters: {esc(params)})</span>' if params else "")
            + "</li>"
        )
    from ..viz import graph_tools

    content = _template("query.html").substitute(
        tools=graph_tools(find=False),
        query=esc(query or DEFAULT_QUERY),
        result=result,
        data=data,
        gallery="".join(gallery),
        max_results=max_results,
    )
    return page(
        "SPARQL",
        content,
        active="SPARQL",
        scripts=[
            "vendor/codemirror/kgraph-editor.min.js",
            "vendor/vis-network/vis-network.min.js",
            "graph.js",
            "query.js",
        ],
    )
