"""Reading other people's vocabularies as kgraph data: alignment by materialisation on load.

The ontology states how kgraph's terms relate to schema.org's and Wikidata's
(``owl:equivalentClass``, ``owl:equivalentProperty``, ``rdfs:subClassOf``,
``rdfs:subPropertyOf``, ``owl:inverseOf``); a user adds the same kind of axioms for any other
vocabulary by loading a small mapping file. :func:`align` turns those axioms into rules and
runs them inside each loaded graph, so every derived triple keeps the provenance of the triple
it comes from. Then three structural rules bring the shapes other vocabularies use to kgraph's:

- a Wikidata statement node (``p:P161`` / ``ps:P161`` / ``pq:P453``) gives the truthy triple
  (``wdt:P161``) and, with a character qualifier, becomes a ``kg:Performance``;
- a schema.org ``Role`` node between a work and a person (``PerformanceRole`` with
  ``characterName``) becomes a ``kg:Performance`` whose character is a ``kg:Character``;
- a shortcut triple with no participation behind it (``schema:director``, ``wdt:P161`` …) gets
  one (``kg:Credit`` with the role whose ``kg:shortcut`` it is, ``kg:Performance``), and a
  ``kg:date`` on a work gives its ``kg:year`` and a ``kg:Release``;

and every entity with names but no ``skos:prefLabel`` gets one (the others become
``skos:altLabel``). The build's own rules (:func:`kgraph.build.materialise`) then derive the
rest exactly as for the bundled data, so ``ask``, ``path``, ``show`` and ``search`` need no
knowledge of any vocabulary but kgraph's.

Why materialise rather than rewrite queries: every command's queries stay as they are and as
fast as on native data (a rewritten query is a union per term, and every module would have to
route through the rewriter); the cost is paid once, at load time, in proportion to the foreign
triples only (see ``docs/stores.md`` for the figures).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial

import pyoxigraph as ox

from .store import Store
from .terms import KG_NS, ONTOLOGY_GRAPH

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
WDT = "http://www.wikidata.org/prop/direct/"
WD_PROP = "http://www.wikidata.org/prop/"
LABEL = RDFS + "label"

# Axioms kgraph adds to its ontology's own for reading other data: where the ontology says a
# kgraph term is narrower than a schema.org one, data in the broader term still means the
# kgraph term in a film graph. Kept here, beside the rules that use them, not in the ontology,
# because they are reading conventions rather than claims about the domain.
EXTRA_AXIOMS: tuple[tuple[str, str, str], ...] = (
    (SCHEMA + "name", RDFS + "subPropertyOf", LABEL),
    (SCHEMA + "alternateName", RDFS + "subPropertyOf", SKOS + "altLabel"),
    (SCHEMA + "author", RDFS + "subPropertyOf", KG_NS + "screenwriter"),
    (SCHEMA + "datePublished", RDFS + "subPropertyOf", KG_NS + "date"),
    (SCHEMA + "characterName", RDFS + "subPropertyOf", KG_NS + "character"),
    (SCHEMA + "character", OWL + "inverseOf", KG_NS + "appearsIn"),
    (SCHEMA + "description", RDFS + "subPropertyOf", KG_NS + "description"),
    (SCHEMA + "PerformanceRole", RDFS + "subClassOf", KG_NS + "Performance"),
    # a work's country of origin and publication date (a person has no country of origin, and
    # an event no publication date: the ontology keeps these out of its equivalences)
    (SCHEMA + "countryOfOrigin", RDFS + "subPropertyOf", KG_NS + "country"),
    ("http://www.wikidata.org/prop/direct/P577", RDFS + "subPropertyOf", KG_NS + "date"),
    (
        "http://www.wikidata.org/prop/direct/P31",
        RDFS + "subPropertyOf",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    ),
)

AXIOM_PREDICATES = (
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    OWL + "inverseOf",
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Alignment:
    """Foreign term -> kgraph terms: classes, properties (with direction) and label properties."""

    classes: dict[str, frozenset[str]]
    properties: dict[str, frozenset[tuple[str, bool]]]  # (kgraph property, inverted)
    labels: frozenset[str]


def _is_target(term: str) -> bool:
    return term.startswith(KG_NS) or term in (
        LABEL,
        RDF_TYPE,
        SKOS + "altLabel",
        SKOS + "prefLabel",
    )


def _variants(term: str) -> list[str]:
    """schema.org is written with both http and https; treat them as one."""
    if term.startswith(SCHEMA):
        return [term, SCHEMA_HTTP + term[len(SCHEMA) :]]
    if term.startswith(SCHEMA_HTTP):
        return [term, SCHEMA + term[len(SCHEMA_HTTP) :]]
    return [term]


def compile_axioms(axioms: Iterable[tuple[str, str, str]]) -> Alignment:
    """Follow each foreign term through the axioms to the first kgraph terms it reaches.

    >>> a = compile_axioms([("urn:x:Flick", OWL + "equivalentClass", SCHEMA + "Movie"),
    ...                     (KG_NS + "Film", OWL + "equivalentClass", SCHEMA + "Movie")])
    >>> sorted(a.classes["urn:x:Flick"])
    ['https://kgraph.dev/ontology#Film']
    """
    cls: dict[str, set[str]] = {}
    prop: dict[str, set[tuple[str, bool]]] = {}

    def edge(graph: dict, a: str, b: str, flip: bool = False) -> None:
        for x in _variants(a):
            for y in _variants(b):
                graph.setdefault(x, set()).add((y, flip))

    for a, rel, b in axioms:
        if rel == OWL + "equivalentClass":
            edge(cls, a, b)
            edge(cls, b, a)
        elif rel == RDFS + "subClassOf":
            edge(cls, a, b)
        elif rel == OWL + "equivalentProperty":
            edge(prop, a, b)
            edge(prop, b, a)
        elif rel == RDFS + "subPropertyOf":
            edge(prop, a, b)
        elif rel == OWL + "inverseOf":
            edge(prop, a, b, True)
            edge(prop, b, a, True)
    for x in list(prop):  # a qualifier means what the direct property means
        if x.startswith(WDT):
            prop.setdefault(WD_PROP + "qualifier/" + x[len(WDT) :], set()).add((x, False))

    def reach(graph: dict, start: str) -> set[tuple[str, bool]]:
        out: set[tuple[str, bool]] = set()
        seen = {(start, False)}
        todo = deque([(start, False)])
        while todo:
            node, flipped = todo.popleft()
            for nxt, flip in graph.get(node, ()):
                state = (nxt, flipped != flip)
                if state in seen:
                    continue
                seen.add(state)
                if _is_target(nxt):
                    out.add(state)
                else:
                    todo.append(state)
        return out

    classes = {
        t: frozenset(k for k, _ in reach(cls, t) if k.startswith(KG_NS))
        for t in cls
        if not t.startswith(KG_NS)
    }
    properties = {t: frozenset(reach(prop, t)) for t in prop if not _is_target(t)}
    labels = frozenset(t for t, ks in properties.items() if (LABEL, False) in ks)
    return Alignment(
        {t: ks for t, ks in classes.items() if ks},
        {
            t: frozenset(k for k in ks if k[0] != LABEL)
            for t, ks in properties.items()
            if any(k[0] != LABEL for k in ks)
        },
        labels | {LABEL},
    )


def read_axioms(store: Store) -> list[tuple[str, str, str]]:
    """Every alignment axiom in the store (ontology and loaded mapping files) plus kgraph's own.

    Read from the named graphs: during a load the merged default graph is refreshed only at the
    end, so a mapping file loaded a moment ago is not in it yet."""
    rows = store.select(
        """SELECT DISTINCT ?a ?rel ?b WHERE {
             VALUES ?rel { owl:equivalentClass owl:equivalentProperty rdfs:subClassOf
                           rdfs:subPropertyOf owl:inverseOf }
             GRAPH ?g { ?a ?rel ?b } FILTER (isIRI(?a) && isIRI(?b)) }"""
    )
    return [(r["a"].value, r["rel"].value, r["b"].value) for r in rows] + list(EXTRA_AXIOMS)


def _values(rows: Iterable[Sequence[str]]) -> str:
    return " ".join("(" + " ".join(f"<{x}>" for x in row) + ")" for row in rows)


def _graphs_clause(graphs: Sequence[str]) -> str:
    return "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " }"


SHORTCUTS = frozenset(
    KG_NS + p for p in ("castMember", "actedIn", "director", "screenwriter", "musicBy", "author")
)
PARTICIPATIONS = frozenset(KG_NS + p for p in ("performer", "creditedPerson"))


def rules(
    al: Alignment, graphs: Sequence[str], present: AbstractSet[str] | None = None
) -> list[tuple[str, str]]:
    """The SPARQL Updates that align ``graphs``, as (name, update) in the order they must run.

    ``present`` (the predicates and classes the loaded files use, seen while checking them)
    leaves out every rule that could match nothing: native kgraph data pays nothing.
    """
    if present is not None:
        keep = set(present)
        keep |= {
            WD_PROP + p[len(WD_PROP + "statement/") :]
            for p in present
            if p.startswith(WD_PROP + "statement/")
        }
        # a type property (wdt:P31) names classes the scan never saw as rdf:type objects
        typed = any((RDF_TYPE, False) in ks for p, ks in al.properties.items() if p in keep)
        al = Alignment(
            {c: ks for c, ks in al.classes.items() if typed or c in keep},
            {
                p: ks
                for p, ks in al.properties.items()
                if p in keep or (p.startswith(WDT) and WD_PROP + p[len(WDT) :] in keep)
            },
            al.labels,
        )
    vg = _graphs_clause(graphs)
    out: list[tuple[str, str]] = []
    wikidata = sorted({p for p in al.properties if p.startswith(WDT)})
    if wikidata:
        pairs = [
            (WD_PROP + p[len(WDT) :], WD_PROP + "statement/" + p[len(WDT) :], p) for p in wikidata
        ]
        out.append(
            (
                "wikidata statements",
                f"""
            INSERT {{ GRAPH ?g {{ ?s ?direct ?o }} }}
            WHERE {{ {vg} VALUES (?claim ?statement ?direct) {{ {_values(pairs)} }}
                     GRAPH ?g {{ ?s ?claim ?st . ?st ?statement ?o }} }}""",
            )
        )
    fwd = sorted(
        (p, k) for p, ks in al.properties.items() for k, inv in ks if not inv and k != RDF_TYPE
    )
    inv = sorted((p, k) for p, ks in al.properties.items() for k, i in ks if i)
    types = sorted((p, RDF_TYPE) for p, ks in al.properties.items() if (RDF_TYPE, False) in ks)
    if types:
        out.append(
            (
                "type properties",
                f"""
            INSERT {{ GRAPH ?g {{ ?s a ?o }} }}
            WHERE {{ {vg} VALUES (?p ?k) {{ {_values(types)} }} GRAPH ?g {{ ?s ?p ?o }} FILTER isIRI(?o) }}""",
            )
        )
    classes = sorted((c, k) for c, ks in al.classes.items() for k in ks)
    if classes:
        out.append(
            (
                "classes",
                f"""
            INSERT {{ GRAPH ?g {{ ?x a ?k }} }}
            WHERE {{ {vg} VALUES (?c ?k) {{ {_values(classes)} }} GRAPH ?g {{ ?x a ?c }} }}""",
            )
        )
    if fwd:
        out.append(
            (
                "properties",
                f"""
            INSERT {{ GRAPH ?g {{ ?s ?k ?o }} }}
            WHERE {{ {vg} VALUES (?p ?k) {{ {_values(fwd)} }} GRAPH ?g {{ ?s ?p ?o }} }}""",
            )
        )
    if inv:
        out.append(
            (
                "inverse properties",
                f"""
            INSERT {{ GRAPH ?g {{ ?o ?k ?s }} }}
            WHERE {{ {vg} VALUES (?p ?k) {{ {_values(inv)} }} GRAPH ?g {{ ?s ?p ?o }} FILTER (!isLiteral(?o)) }}""",
            )
        )
    if present is not None and not out:
        shortcuts_alone = present & SHORTCUTS and not present & PARTICIPATIONS
        dated_works = KG_NS + "date" in present and KG_NS + "releaseOf" not in present
        if not (shortcuts_alone or dated_works):
            return out
    out += [
        # A role node between a work and a person (schema.org Role, a Wikidata statement that
        # carries a character qualifier): the performance itself.
        (
            "role nodes",
            f"""
            DELETE {{ GRAPH ?g {{ ?w kg:castMember ?r . ?r kg:castMember ?p . ?p kg:actedIn ?r . ?r kg:actedIn ?w }} }}
            INSERT {{ GRAPH ?g {{ ?r a kg:Performance ; kg:inWork ?w ; kg:performer ?p }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?w kg:castMember ?r . ?r kg:castMember ?p }}
                     GRAPH ?t {{ ?r a kg:Performance }} FILTER isIRI(?r) }}""",
        ),
        # ... a blank role node (``schema:actor [ a schema:PerformanceRole ; … ]``) gets an IRI, as
        # every performance in kgraph has one.
        (
            "blank role nodes",
            f"""
            DELETE {{ GRAPH ?g {{ ?w kg:castMember ?r . ?r kg:castMember ?p . ?r a kg:Performance .
                                 ?r kg:character ?c }} }}
            INSERT {{ GRAPH ?g {{ ?perf a kg:Performance ; kg:inWork ?w ; kg:performer ?p ; kg:character ?c }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?w kg:castMember ?r . ?r kg:castMember ?p . ?r a kg:Performance
                                      OPTIONAL {{ ?r kg:character ?c }} }}
                     FILTER isBlank(?r)
                     BIND (IRI(CONCAT(STR(performance:), "h", MD5(CONCAT(STR(?w), "|", STR(?p))))) AS ?perf) }}""",
        ),
        (
            "statement performances",
            f"""
            INSERT {{ GRAPH ?g {{ ?st a kg:Performance ; kg:inWork ?w ; kg:performer ?p }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?w ?claim ?st . ?st ?ps ?p . ?w kg:castMember ?p }}
                     FILTER (STRSTARTS(STR(?ps), "{WD_PROP}statement/")
                             && STRAFTER(STR(?ps), "statement/") = STRAFTER(STR(?claim), "prop/")) }}""",
        ),
        # ... and its character, from a qualifier stated in any of the graphs
        (
            "statement characters",
            f"""
            INSERT {{ GRAPH ?g {{ ?st kg:character ?c }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?st kg:characterRole ?c }} GRAPH ?h {{ ?st a kg:Performance }} }}""",
        ),
        # A character given by name beside the character entity itself (schema.org's
        # characterName on a role that also links the character): the entity is enough.
        (
            "character names of known characters",
            f"""
            DELETE {{ GRAPH ?g {{ ?r kg:character ?name }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?r kg:character ?name }} FILTER isLiteral(?name)
                     FILTER EXISTS {{ GRAPH ?h {{ ?r kg:character ?c }} FILTER isIRI(?c) }} }}""",
        ),
        # A character given only by name: a character entity of that work.
        (
            "named characters",
            f"""
            DELETE {{ GRAPH ?g {{ ?r kg:character ?name }} }}
            INSERT {{ GRAPH ?g {{ ?r kg:character ?c . ?c a kg:Character ; skos:prefLabel ?name }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?r kg:character ?name ; kg:inWork ?w }} FILTER isLiteral(?name)
                     BIND (IRI(CONCAT(STR(character:), "h", MD5(CONCAT(STR(?w), "|", STR(?name))))) AS ?c) }}""",
        ),
        (
            "characters",
            f"""
            INSERT {{ GRAPH ?g {{ ?c a kg:Character }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?r kg:character ?c }} FILTER isIRI(?c)
                     FILTER NOT EXISTS {{ GRAPH ?t {{ ?c a kg:Character }} }} }}""",
        ),
        # Shortcut triples with no participation behind them: the participation.
        (
            "performances",
            f"""
            INSERT {{ GRAPH ?g {{ ?perf a kg:Performance ; kg:performer ?p ; kg:inWork ?w }} }}
            WHERE {{ {vg} GRAPH ?g {{ {{ ?w kg:castMember ?p }} UNION {{ ?p kg:actedIn ?w }} }}
                     FILTER NOT EXISTS {{ GRAPH ?g {{ ?x kg:performer ?p ; kg:inWork ?w }} }}
                     FILTER NOT EXISTS {{ GRAPH ?g {{ ?p a kg:Performance }} }}
                     BIND (IRI(CONCAT(STR(performance:), "h", MD5(CONCAT(STR(?w), "|", STR(?p))))) AS ?perf) }}""",
        ),
        (
            "credits",
            f"""
            INSERT {{ GRAPH ?g {{ ?cr a kg:Credit ; kg:creditedPerson ?p ; kg:inWork ?w ; kg:role ?role }} }}
            WHERE {{ {vg} GRAPH kgg:ontology {{ ?role kg:shortcut ?shortcut }}
                     GRAPH ?g {{ ?w ?shortcut ?p }}
                     FILTER NOT EXISTS {{ GRAPH ?g {{ ?x kg:creditedPerson ?p ; kg:inWork ?w ; kg:role ?role }} }}
                     BIND (IRI(CONCAT(STR(credit:), "h", MD5(CONCAT(STR(?w), "|", STR(?p), "|", STR(?role))))) AS ?cr) }}""",
        ),
        # A dated work: its year and its release.
        (
            "release dates",
            f"""
            INSERT {{ GRAPH ?g {{ ?w kg:year ?year . ?rel a kg:Release ; kg:releaseOf ?w ; kg:date ?d ; kg:year ?year }} }}
            WHERE {{ {vg} GRAPH ?g {{ ?w kg:date ?d }} GRAPH ?t {{ ?w a ?c }}
                     VALUES ?c {{ kg:Film kg:TVSeries kg:Play kg:Work }}
                     FILTER NOT EXISTS {{ GRAPH ?h {{ ?known kg:releaseOf ?w ; kg:date ?d }} }}
                     BIND (STRDT(SUBSTR(STR(?d), 1, 4), xsd:gYear) AS ?year)
                     BIND (IRI(CONCAT(STR(event:), "h", MD5(CONCAT(STR(?w), "|release")))) AS ?rel) }}""",
        ),
    ]
    return out


def _labels(store: Store, al: Alignment, graphs: Sequence[str]) -> int:
    """Names -> one skos:prefLabel per entity (English or untagged first), the rest altLabels."""
    label_props = sorted(al.labels | {SKOS + "altLabel"})
    rows = store.select(
        f"""SELECT ?g ?x ?l ?p WHERE {{ {_graphs_clause(graphs)}
              VALUES ?p {{ {" ".join(f"<{p}>" for p in label_props)} }}
              GRAPH ?g {{ ?x ?p ?l }} FILTER (isLiteral(?l) && !isLiteral(?x))
              FILTER NOT EXISTS {{ GRAPH ?h {{ ?x skos:prefLabel ?any }} }} }}"""
    )
    names: dict[str, tuple[str, list[ox.Literal]]] = {}
    alternative: set[tuple[str, str]] = set()  # (entity, literal) given only as alternatives
    main: set[tuple[str, str]] = set()
    alt_props = {SKOS + "altLabel"} | {
        p for p, ks in al.properties.items() if (SKOS + "altLabel", False) in ks
    }
    for r in rows:
        x, label = r["x"], r["l"]
        if not isinstance(x, ox.NamedNode) or not isinstance(label, ox.Literal):
            continue
        names.setdefault(x.value, (r["g"].value, []))[1].append(label)
        (alternative if r["p"].value in alt_props else main).add((x.value, str(label)))
    if not names:
        return 0

    def rank(x: str, lit: ox.Literal) -> tuple[int, int, str]:
        lang = (lit.language or "").lower()
        alt = (x, str(lit)) in alternative and (x, str(lit)) not in main
        return (int(alt), 0 if lang in ("", "en") or lang.startswith("en-") else 1, lit.value)

    quads = []
    for iri, (g, lits) in names.items():
        best = min(lits, key=partial(rank, iri))
        graph = ox.NamedNode(g)
        quads.append(ox.Quad(ox.NamedNode(iri), ox.NamedNode(SKOS + "prefLabel"), best, graph))
        for lit in {lit for lit in lits if lit.value != best.value}:
            quads.append(ox.Quad(ox.NamedNode(iri), ox.NamedNode(SKOS + "altLabel"), lit, graph))
    return store.insert(quads)


def align(
    store: Store, graphs: Sequence[str], present: AbstractSet[str] | None = None
) -> list[str]:
    """Align the data of ``graphs`` (e.g. every loaded file's graphs) to kgraph's vocabulary.

    ``present``: the predicates and classes used in those graphs, when known (see :func:`rules`).
    Returns the names of the steps that ran. Idempotent: a second run adds nothing.
    """
    graphs = [g for g in dict.fromkeys(graphs) if g != ONTOLOGY_GRAPH]
    if not graphs:
        return []
    al = compile_axioms(read_axioms(store))
    steps = []
    for name, update in rules(al, graphs, present):
        store.update(update)
        steps.append(name)
    names = al.labels - {SKOS + "prefLabel"}
    if (present is None or steps or present & names) and _labels(store, al, graphs):
        steps.append("labels")
    return steps
