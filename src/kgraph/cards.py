"""Entity cards: everything the graph says about one entity, each fact with its sources.

A card reads the entity's triples in every named graph, as subject and as object. The n-ary
nodes around it (performances, crew credits, awards and nominations, releases, screenings,
relationships, disagreements) are flattened into readable lines — "played Ok-ju in Ballerina",
"directed Ballerina", "won Best Actress, 2021 Baeksang Arts Awards, for The Call" — each with
the sources that state it. Where two sources describe one node differently (one names the
character, the other does not), each reading is its own line with its own sources. Where the
curators recorded a disagreement about the entity, each side's claim is listed with the
sources that make it.

The shortcut triples the build derives from those nodes (``kg:actedIn``, ``kg:director``,
``kg:awardReceived`` …) and the collaborations of ``kgg:inferred`` are left out: the
flattened lines already say the same, with their sources. Facts of the curation graph (the
entity's classes, preferred label, description) cite the curators' graph as their source.

>>> from kgraph.build import compile_into
>>> from kgraph.store import OxigraphStore
>>> store = OxigraphStore()
>>> compile_into(store)
>>> card = show(store, "Park Yu-rim")
>>> "played Min-hee in Ballerina" in [f.text for f in card.facts]
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .errors import UnknownEntity
from .resolve import entity_of, explicit_iri
from .store import Store
from .terms import (
    CURATION_GRAPH,
    INFERRED_GRAPH,
    KG,
    KG_NS,
    ONTOLOGY_GRAPH,
    RDF_TYPE,
    SKOS_ALT,
    SKOS_PREF,
    local_name,
    most_specific,
)

CURATORS = CURATION_GRAPH
CURATORS_LABEL = "the curators' graph: classes, preferred labels, descriptions, disagreements"

# Triples derived by the build from the nodes flattened below; the card shows the nodes instead.
DERIVED = frozenset(
    {
        KG.actedIn,
        KG.castMember,
        KG.workedOn,
        KG.crewMember,
        KG.director,
        KG.screenwriter,
        KG.musicBy,
        KG.author,
        KG.appearsIn,
        KG.awardReceived,
        KG.nominatedFor,
        KG.participant,
        KG.unmarriedPartner,
        KG.collaboratedWith,
    }
)

# Incoming links from n-ary nodes that a card flattens into lines.
NODE_LINKS = frozenset(
    {
        KG.performer,
        KG.character,
        KG.inWork,
        KG.creditedPerson,
        KG.recipient,
        KG.forWork,
        KG.releaseOf,
        KG.screenedWork,
        KG.partner,
        KG.about,
    }
)

# Verb phrases for crew roles, seen from the person and from the work.
ROLE_PERSON = {
    "director": "directed",
    "screenwriter": "wrote the screenplay of",
    "music-director": "directed the music of",
    "playwright": "wrote",
    "contributor": "contributed to",
}
ROLE_WORK = {
    "director": "directed by",
    "screenwriter": "screenplay by",
    "music-director": "music by",
    "playwright": "written by",
    "contributor": "with contributions by",
}


@dataclass(frozen=True)
class CardFact:
    """One statement about the entity, with the sources (named graphs) that make it."""

    predicate: str
    predicate_label: str
    object: str  # an IRI, or a literal's lexical form
    object_label: str
    sources: list[str]  # source IRIs (the curators' graph for identity facts)
    text: str  # the readable line: "played Ok-ju in Ballerina"
    direction: str = "out"  # out: entity is the subject; in: it is the object; node: flattened
    kind: str = (
        "fact"  # fact | performance | credit | award | nomination | release | screening | ...
    )
    via: str | None = None  # the n-ary node a flattened line comes from
    object_is_iri: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "predicate": self.predicate,
            "predicate_label": self.predicate_label,
            "object": self.object,
            "object_label": self.object_label,
            "sources": list(self.sources),
            "codes": [graph_code(x) for x in self.sources],
            "text": self.text,
            "direction": self.direction,
            "kind": self.kind,
            "via": self.via,
        }


@dataclass(frozen=True)
class Claim:
    statement: str
    sources: list[str]


@dataclass(frozen=True)
class Disagreement:
    """A disagreement between sources about the entity, each claim with its sources."""

    iri: str
    topic: str
    kind: str
    note: str | None
    claims: list[Claim]

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "topic": self.topic,
            "kind": self.kind,
            "note": self.note,
            "claims": [{"statement": c.statement, "sources": c.sources} for c in self.claims],
        }


@dataclass(frozen=True)
class Card:
    """What the graph says about one entity."""

    iri: str
    label: str
    types: list[str]  # class local names, most specific first
    alt_labels: list[tuple[str, list[str]]]  # (spelling, sources that use it)
    description: str | None
    facts: list[CardFact]
    disputes: list[Disagreement] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # source IRI -> its label
    matched: Any = None  # the linking.Match when the entity was given by name

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "iri": self.iri,
            "label": self.label,
            "types": list(self.types),
            "facts": [f.to_json() for f in self.facts],
            "alt_labels": [{"label": a, "sources": s} for a, s in self.alt_labels],
            "description": self.description,
            "disagreements": [d.to_json() for d in self.disputes],
            "sources": [
                {"iri": i, "label": lab, "code": graph_code(i)}
                for i, lab in sorted(self.sources.items())
            ],
        }
        if self.matched is not None:
            out["matched"] = self.matched.to_json()
        return out


# -- finding the entity -----------------------------------------------------------------------


def entity_iri(store: Store, entity: str) -> tuple[str, Any]:
    """The IRI ``entity`` names (an IRI, a prefixed name, or a name to resolve: the rules of
    :mod:`kgraph.resolve`), and the linking match when it was resolved by name."""
    iri = explicit_iri(entity)
    if iri is not None:
        return entity_of(store, iri) or iri, None
    from .linking import resolve

    match = resolve(store, entity.strip())
    return match.iri, match


def show(store: Store, entity: str) -> Card:
    """The card of ``entity``: a name (resolved like ``search``), an IRI or a prefixed name.

    Raises :class:`UnknownEntity` for an IRI the graph says nothing about, and whatever
    :func:`kgraph.linking.resolve` raises for a name.
    """
    iri, match = entity_iri(store, entity)
    return _Builder(store, iri).build(match)


# -- building the card ------------------------------------------------------------------------


class _Builder:
    def __init__(self, store: Store, iri: str) -> None:
        self.store = store
        self.iri = iri
        self.node = ox.NamedNode(iri)
        self.labels: dict[str, str] = {}
        self.types: dict[str, set[str]] = defaultdict(set)
        self.source_labels: dict[str, str] = {}

    # one query per kind of neighbour; every bound variable is projected, so bindings work
    # the same through substitutions and VALUES on every backend
    def _select(self, sparql: str, **bindings: Any) -> list[dict[str, Any]]:
        return self.store.select(sparql, bindings)

    def build(self, match: Any) -> Card:
        out_rows = self._select("SELECT ?e ?p ?o ?g WHERE { GRAPH ?g { ?e ?p ?o } }", e=self.node)
        in_rows = self._select("SELECT ?e ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?e } }", e=self.node)
        if not out_rows and not in_rows:
            raise UnknownEntity(self.iri, [], "entity")
        self.source_labels = {
            r["src"].value: (r["l"].value if "l" in r else local_name(r["src"].value))
            for r in self.store.select(
                "SELECT ?src ?l WHERE { ?src a kg:Source OPTIONAL { ?src skos:prefLabel ?l } }"
            )
        }
        # the n-ary nodes pointing at the entity, and every triple of each
        nodes = sorted(
            {
                r["s"].value
                for r in in_rows
                if r["p"].value in NODE_LINKS and isinstance(r["s"], ox.NamedNode)
            }
        )
        node_rows: list[dict[str, Any]] = []
        for chunk in _chunks(nodes, 300):
            node_rows += self._select(
                "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                s=[ox.NamedNode(n) for n in chunk],
            )
        # claims of disagreements about the entity
        claim_iris = sorted({r["o"].value for r in node_rows if r["p"].value == KG.claim})
        claim_rows: list[dict[str, Any]] = []
        for chunk in _chunks(claim_iris, 300):
            claim_rows += self._select(
                "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                s=[ox.NamedNode(n) for n in chunk],
            )
        iris = {self.iri}
        for r in (*out_rows, *node_rows):
            for k in ("o", "p", "s"):
                if k in r and isinstance(r[k], ox.NamedNode):
                    iris.add(r[k].value)
        for r in in_rows:
            iris.add(r["s"].value if isinstance(r["s"], ox.NamedNode) else "")
            iris.add(r["p"].value)
        self._load_labels(iris)
        # nodes two hops out whose labels lines need (ceremonies of awards, festivals of screenings)
        second = {r["o"].value for r in node_rows if isinstance(r["o"], ox.NamedNode)} - set(
            self.labels
        )
        self._load_labels(second)

        facts: list[CardFact] = []
        alt_labels: dict[str, set[str]] = defaultdict(set)
        description = None
        for r in out_rows:
            p, o, g = r["p"].value, r["o"], r["g"].value
            if p in DERIVED or g in (INFERRED_GRAPH, ONTOLOGY_GRAPH):
                continue
            if p == SKOS_ALT:
                alt_labels[o.value].add(g)
            if p == KG.description and description is None:
                description = o.value
            facts.append(self._fact(p, o, [g], "out"))
        for r in in_rows:
            p, s, g = r["p"].value, r["s"], r["g"].value
            if p in DERIVED or p in NODE_LINKS or g in (INFERRED_GRAPH, ONTOLOGY_GRAPH):
                continue
            facts.append(self._fact(p, s, [g], "in"))
        facts = _merge(facts)
        disputes: list[Disagreement] = []
        facts += self._flatten(node_rows, claim_rows, disputes)
        for d in disputes:  # each side of a disagreement is a fact too, with its own sources
            for c in d.claims:
                facts.append(
                    CardFact(
                        KG.claim,
                        self.label(KG.claim),
                        d.iri,
                        d.topic,
                        c.sources,
                        f"disputed ({d.kind}) — {d.topic}: {c.statement}",
                        "node",
                        "disagreement",
                        d.iri,
                        True,
                    )
                )
        label = self.labels.get(self.iri, local_name(self.iri))
        own_types = {r["o"].value for r in out_rows if r["p"].value == RDF_TYPE}
        used = {s for f in facts for s in f.sources} | {
            s for d in disputes for c in d.claims for s in c.sources
        }
        sources = {
            s: self.source_labels.get(s, CURATORS_LABEL if s == CURATORS else local_name(s))
            for s in used
        }
        return Card(
            iri=self.iri,
            label=label,
            types=self._type_names(own_types),
            alt_labels=sorted(
                ((a, sorted(g)) for a, g in alt_labels.items()), key=lambda x: x[0].casefold()
            ),
            description=description,
            facts=facts,
            disputes=disputes,
            sources=sources,
            matched=match,
        )

    def _load_labels(self, iris: Iterable[str]) -> None:
        todo = sorted(i for i in iris if i and i not in self.labels)
        for chunk in _chunks(todo, 300):
            rows = self._select(
                """SELECT ?x ?l ?rank ?c WHERE { { ?x skos:prefLabel ?l BIND (1 AS ?rank) }
                   UNION { ?x rdfs:label ?l BIND (2 AS ?rank) } UNION { ?x a ?c } }""",
                x=[ox.NamedNode(i) for i in chunk],
            )
            best: dict[str, tuple[int, int, str]] = {}
            for r in rows:
                x = r["x"].value
                if "l" in r:
                    # the preferred label first, then any label; English or untagged first
                    key = (
                        int(r["rank"].value),
                        0 if r["l"].language in (None, "en") else 1,
                        r["l"].value,
                    )
                    if x not in best or key < best[x]:
                        best[x] = key
                if "c" in r:
                    self.types[x].add(r["c"].value)
            for x, (_, _, label) in best.items():
                self.labels.setdefault(x, label)

    def _type_names(self, classes: set[str]) -> list[str]:
        from .linking import _matcher

        h = _matcher(self.store).h
        kg = [c for c in classes if c.startswith(KG_NS)] or list(classes)
        # the type it is shown as first (the one rule, terms.most_specific), then the rest from
        # the most specific down: a class that is an ancestor of another comes later
        head = most_specific(kg, h.ancestors)
        rest = sorted(kg, key=lambda c: (c != head, -len(h.ancestors(c)), local_name(c)))
        return [local_name(c) for c in rest]

    def label(self, iri: str) -> str:
        return self.labels.get(iri, local_name(iri))

    def _fact(self, p: str, term: Any, sources: list[str], direction: str) -> CardFact:
        is_iri = isinstance(term, ox.NamedNode)
        value = term.value
        obj_label = self.label(value) if is_iri else value
        plabel = self.label(p) if p in self.labels else local_name(p)
        # an incoming fact reads backwards: "The Call —debut of→ Lee Chung-hyun" shows as
        # "← debut of: The Call" on Lee Chung-hyun's card
        text = f"{plabel}: {obj_label}" if direction == "out" else f"← {plabel}: {obj_label}"
        return CardFact(
            p, plabel, value, obj_label, sorted(sources), text, direction, "fact", None, is_iri
        )

    # -- n-ary nodes --------------------------------------------------------------------------

    def _flatten(
        self,
        node_rows: list[dict[str, Any]],
        claim_rows: list[dict[str, Any]],
        disputes: list[Disagreement],
    ) -> list[CardFact]:
        # per node, per graph: the node's properties as that graph states them
        by_node: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        merged: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for r in node_rows:
            s, p, o, g = r["s"].value, r["p"].value, r["o"], r["g"].value
            by_node[s][g][p].append(o)
            if o not in merged[s][p]:
                merged[s][p].append(o)
        claims: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for r in claim_rows:
            claims[r["s"].value][r["p"].value].append(r["o"])
        out: list[CardFact] = []
        for node in sorted(by_node):
            types = {t.value for t in merged[node].get(RDF_TYPE, [])} | self.types.get(node, set())
            if KG.Disagreement in types:
                disputes.append(self._dispute(node, merged[node], claims))
                continue
            lines: dict[tuple[str, str, str, str, str], set[str]] = defaultdict(set)
            for g, props in by_node[node].items():
                if g in (INFERRED_GRAPH, ONTOLOGY_GRAPH):
                    continue
                if not any(
                    self.iri == o.value
                    for vals in props.values()
                    for o in vals
                    if isinstance(o, ox.NamedNode)
                ):
                    continue  # this graph says nothing linking the node to the entity
                line = self._line(node, types, props, merged[node])
                if line is not None:
                    lines[line].add(g)
            for (kind, pred, obj, obj_label, text), graphs in sorted(
                lines.items(), key=lambda kv: kv[0][4]
            ):
                out.append(
                    CardFact(
                        pred,
                        self.label(pred) if pred in self.labels else local_name(pred),
                        obj,
                        obj_label,
                        sorted(graphs),
                        text,
                        "node",
                        kind,
                        node,
                        obj.startswith(("http", "urn:")),
                    )
                )
        order = (
            "performance",
            "credit",
            "award",
            "nomination",
            "release",
            "screening",
            "relationship",
            "fact",
        )
        out.sort(
            key=lambda f: (
                order.index(f.kind) if f.kind in order else len(order),
                f.text.casefold(),
            )
        )
        return out

    def _one(self, props: dict[str, list[Any]], p: str) -> Any:
        vals = props.get(p) or []
        return vals[0] if vals else None

    def _line(
        self, node: str, types: set[str], props: dict[str, list[Any]], merged: dict[str, list[Any]]
    ) -> tuple[str, str, str, str, str] | None:
        """(kind, predicate, object, object label, text) of one graph's reading of a node."""
        one = self._one
        me = self.iri

        def lab(t: Any) -> str:
            return self.label(t.value) if isinstance(t, ox.NamedNode) else str(t.value)

        # identity comes from whichever graph states it; the details from this graph
        work = one(props, KG.inWork) or one(merged, KG.inWork)
        if KG.Performance in types or KG.performer in props:
            performer = one(props, KG.performer) or one(merged, KG.performer)
            char = one(props, KG.character)
            if performer is not None and performer.value == me:
                if char is not None and work is not None:
                    return (
                        "performance",
                        KG.actedIn,
                        work.value,
                        lab(work),
                        f"played {lab(char)} in {lab(work)}",
                    )
                if work is not None:
                    return (
                        "performance",
                        KG.actedIn,
                        work.value,
                        lab(work),
                        f"acted in {lab(work)}",
                    )
            if work is not None and work.value == me and performer is not None:
                text = (
                    f"{lab(performer)} as {lab(char)}"
                    if char is not None
                    else f"{lab(performer)} in the cast"
                )
                return ("performance", KG.castMember, performer.value, lab(performer), text)
            if char is not None and char.value == me and performer is not None:
                where = f" in {lab(work)}" if work is not None else ""
                return (
                    "performance",
                    KG.performer,
                    performer.value,
                    lab(performer),
                    f"played by {lab(performer)}{where}",
                )
            return None
        if KG.Credit in types or KG.creditedPerson in props:
            person = one(props, KG.creditedPerson) or one(merged, KG.creditedPerson)
            role = one(props, KG.role) or one(merged, KG.role)
            rkey = local_name(role.value) if role is not None else "contributor"
            if person is not None and person.value == me and work is not None:
                verb = ROLE_PERSON.get(rkey, f"{lab(role)} of" if role is not None else "worked on")
                return ("credit", KG.workedOn, work.value, lab(work), f"{verb} {lab(work)}")
            if work is not None and work.value == me and person is not None:
                verb = ROLE_WORK.get(rkey, f"{lab(role)}:" if role is not None else "crew:")
                return ("credit", KG.crewMember, person.value, lab(person), f"{verb} {lab(person)}")
            return None
        if KG.Award in types or KG.Nomination in types or KG.recipient in props:
            won = KG.Award in types
            category = one(props, KG.category) or one(merged, KG.category)
            ceremony = one(props, KG.ceremony) or one(merged, KG.ceremony)
            recipient = one(props, KG.recipient) or one(merged, KG.recipient)
            for_work = one(props, KG.forWork) or one(merged, KG.forWork)
            what = lab(category) if category is not None else self.label(node)
            parts = [what]
            if ceremony is not None:
                parts.append(lab(ceremony))
            count = one(props, KG.countNote)
            kind = "award" if won else "nomination"
            verb = "won" if won else "nominated for"
            if recipient is not None and recipient.value == me:
                if for_work is not None and for_work.value != me:
                    parts.append(f"for {lab(for_work)}")
                text = f"{verb} {', '.join(parts)}" + (
                    f" ({count.value})" if count is not None else ""
                )
                pred = KG.awardReceived if won else KG.nominatedFor
                return (kind, pred, node, self.label(node), text)
            if for_work is not None and for_work.value == me:
                who = f" to {lab(recipient)}" if recipient is not None else ""
                text = f"{'award' if won else 'nomination'}: {', '.join(parts)}{who}"
                return (kind, KG.forWork, node, self.label(node), text)
            return None
        if KG.Release in types or KG.releaseOf in props:
            platform = one(props, KG.platform)
            bits = []
            if platform is not None:
                bits.append(f"on {lab(platform)}")
            for p in (KG.region, KG.date, KG.year, KG.releaseStatus):
                v = one(props, p)
                if v is not None:
                    bits.append(str(v.value))
            text = "released " + (", ".join(bits) if bits else "(no details)")
            return ("release", KG.releaseOf, node, self.label(node), text)
        if KG.Screening in types or KG.screenedWork in props:
            fest = one(props, KG.atFestival) or one(merged, KG.atFestival)
            bits = [f"at {lab(fest)}"] if fest is not None else []
            section = one(props, KG.section)
            if section is not None:
                bits.append(f"section {section.value}")
            prem = one(props, KG.isPremiere)
            if prem is not None and str(prem.value).lower() in ("true", "1"):
                bits.append("premiere")
            date = one(props, KG.date)
            if date is not None:
                bits.append(str(date.value))
            return (
                "screening",
                KG.screenedWork,
                node,
                self.label(node),
                "screened " + ", ".join(bits),
            )
        if KG.partner in props or KG.Relationship in types:
            others = [
                o for o in (props.get(KG.partner) or merged.get(KG.partner) or []) if o.value != me
            ]
            if not any(o.value == me for o in props.get(KG.partner, [])):
                return None
            rtype = one(props, KG.relationshipType) or one(merged, KG.relationshipType)
            since = one(props, KG.startDate) or one(props, KG.year)
            who = ", ".join(lab(o) for o in others) or "?"
            text = f"{rtype.value if rtype is not None else 'relationship'} with {who}"
            if since is not None:
                text += f" since {since.value}"
            return ("relationship", KG.partner, others[0].value if others else node, who, text)
        # any other node pointing at the entity: say what it is and how it points
        links = [
            p
            for p, vals in props.items()
            if any(isinstance(v, ox.NamedNode) and v.value == me for v in vals)
        ]
        if not links:
            return None
        p = links[0]
        return ("fact", p, node, self.label(node), f"{self.label(node)} ({self.label(p)})")

    def _dispute(
        self, node: str, props: dict[str, list[Any]], claims: dict[str, dict[str, list[Any]]]
    ) -> Disagreement:
        topic = self._one(props, KG.topic)
        kind = self._one(props, KG.kind)
        note = self._one(props, KG.note)
        sides = []
        for c in sorted(o.value for o in props.get(KG.claim, [])):
            st = self._one(claims[c], KG.statement)
            srcs = sorted(o.value for o in claims[c].get(KG.claimedBy, []))
            sides.append(Claim(st.value if st is not None else self.label(c), srcs or [CURATORS]))
        return Disagreement(
            node,
            topic.value if topic is not None else self.label(node),
            kind.value if kind is not None else "",
            note.value if note is not None else None,
            sides,
        )


def _merge(facts: list[CardFact]) -> list[CardFact]:
    """One fact per (direction, predicate, object), with the union of the sources."""
    merged: dict[tuple[str, str, str], CardFact] = {}
    order: list[tuple[str, str, str]] = []
    for f in facts:
        key = (f.direction, f.predicate, f.object)
        if key in merged:
            old = merged[key]
            merged[key] = CardFact(
                old.predicate,
                old.predicate_label,
                old.object,
                old.object_label,
                sorted(set(old.sources) | set(f.sources)),
                old.text,
                old.direction,
                old.kind,
                old.via,
                old.object_is_iri,
            )
        else:
            merged[key] = f
            order.append(key)
    rank = {RDF_TYPE: 0, SKOS_PREF: 1, SKOS_ALT: 2, KG.description: 3}
    return sorted(
        (merged[k] for k in order),
        key=lambda f: (
            f.direction != "out",
            rank.get(f.predicate, 9),
            f.predicate_label,
            f.object_label,
        ),
    )


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def graph_code(iri: str) -> str:
    """``s000`` for a bundled source, ``curators`` for the curators' graph, else the IRI's end."""
    if iri == CURATORS:
        return "curators"
    return local_name(iri)
