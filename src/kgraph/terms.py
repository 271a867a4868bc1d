"""The ontology's terms as one closed namespace, and the prefixes every query may use.

``KG.Person`` gives the IRI string of a term; a name that is not in the ontology fails loudly
(``AttributeError``), so a typo cannot silently query nothing. ``tests/test_terms.py`` checks the
list below against ``ontology/kgraph.ttl``. Plain strings keep this module free of rdflib, which
is too slow to import on a cold CLI call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence

KG_NS = "https://kgraph.dev/ontology#"
ID_NS = "https://kgraph.dev/id/"
GRAPH_NS = "https://kgraph.dev/graph/"

ONTOLOGY_GRAPH = GRAPH_NS + "ontology"
CURATION_GRAPH = GRAPH_NS + "curation"
INFERRED_GRAPH = GRAPH_NS + "inferred"
# The RDF merge of every other graph, kept by a remote store (an embedded one keeps it in its
# real default graph): what a query sees as its default graph. See store.py.
MERGED_GRAPH = GRAPH_NS + "merged"

# Graphs that hold no source's statements: the vocabulary, the curators' identity and
# disagreement records, and the cross-source derivations. A fact found only there has no source.
NOT_SOURCES = frozenset({ONTOLOGY_GRAPH, CURATION_GRAPH, INFERRED_GRAPH})


def is_source_graph(graph: str) -> bool:
    """A graph whose statements are a source's (a bundled article or a loaded file)."""
    return graph not in NOT_SOURCES and not graph.startswith(GRAPH_NS)


TERM_NAMES: frozenset[str] = frozenset(
    (
        "Agent",
        "Award",
        "AwardCeremony",
        "AwardOutcome",
        "AwardsBody",
        "Broadcaster",
        "Character",
        "Claim",
        "Collaboration",
        "Credit",
        "Disagreement",
        "Entity",
        "Event",
        "Festival",
        "FestivalEdition",
        "Film",
        "Franchise",
        "NewsOutlet",
        "Nomination",
        "Organization",
        "Participation",
        "Performance",
        "Person",
        "Play",
        "Relationship",
        "Release",
        "Role",
        "Screening",
        "Source",
        "StreamingService",
        "TVSeries",
        "Work",
        "about",
        "actedIn",
        "alias",
        "appearsIn",
        "atFestival",
        "author",
        "authorName",
        "awardReceived",
        "basedOn",
        "billing",
        "castMember",
        "category",
        "ceremony",
        "character",
        "characterRole",
        "claim",
        "claimedBy",
        "collaboratedWith",
        "collaborator",
        "countNote",
        "country",
        "creditedPerson",
        "creditsOutlet",
        "crewMember",
        "date",
        "debutOf",
        "gender",
        "precedes",
        "depictsPerformanceOf",
        "description",
        "director",
        "distributor",
        "edition",
        "editionOf",
        "endDate",
        "fileName",
        "filePath",
        "filmCount",
        "forWork",
        "genre",
        "inWork",
        "isPremiere",
        "kind",
        "language",
        "location",
        "musicBy",
        "nominatedFor",
        "note",
        "occupation",
        "ongoing",
        "originalBroadcaster",
        "originalLanguage",
        "outlet",
        "partOfFranchise",
        "participant",
        "partner",
        "performer",
        "platform",
        "priorProjectCount",
        "recipient",
        "region",
        "relationshipType",
        "releaseOf",
        "releaseStatus",
        "role",
        "screenedWork",
        "screenwriter",
        "section",
        "seriesCount",
        "sharedWork",
        "shortcut",
        "startDate",
        "statement",
        "title",
        "topic",
        "translatedFrom",
        "unmarriedPartner",
        "workedOn",
        "year",
        # IMDb import (kgraph.imdb)
        "Episode",
        "birthYear",
        "deathYear",
        "episodeNumber",
        "episodeOf",
        "imdbId",
        "imdbRating",
        "imdbVotes",
        "producer",
        "seasonNumber",
    )
)


class ClosedNamespace:
    """Attribute access to IRIs in a namespace whose names are fixed."""

    def __init__(self, base: str, names: frozenset[str]) -> None:
        self._base = base
        self._names = names

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in self._names:
            raise AttributeError(f"{name!r} is not a term of {self._base}")
        return self._base + name

    def __contains__(self, iri: object) -> bool:
        return (
            isinstance(iri, str)
            and iri.startswith(self._base)
            and iri[len(self._base) :] in self._names
        )


KG = ClosedNamespace(KG_NS, TERM_NAMES)

PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "kgr": ID_NS,
    "person": ID_NS + "person/",
    "work": ID_NS + "work/",
    "character": ID_NS + "character/",
    "performance": ID_NS + "performance/",
    "credit": ID_NS + "credit/",
    "org": ID_NS + "org/",
    "event": ID_NS + "event/",
    "award": ID_NS + "award/",
    "rel": ID_NS + "rel/",
    "source": ID_NS + "source/",
    "disagreement": ID_NS + "disagreement/",
    "role": ID_NS + "role/",
    "franchise": ID_NS + "franchise/",
    "collaboration": ID_NS + "collaboration/",
    "kgg": GRAPH_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    # Wikidata's statement nodes (cast with character qualifiers), as WDQS declares them
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
}

# longest namespace first, so person: wins over kgr: (ties keep the order above)
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
RDF_TYPE = PREFIXES["rdf"] + "type"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
SKOS_ALT = PREFIXES["skos"] + "altLabel"
RDFS_LABEL = PREFIXES["rdfs"] + "label"


def sparql_prefixes() -> str:
    """The PREFIX lines of every prefix above, for query text shown to users."""
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def split_prefix(iri: str) -> tuple[str, str] | None:
    """The prefix of kgraph's longest namespace that ``iri`` starts with, and the rest; or None.
    The one prefix choice (for compact IRIs, Turtle and result headers).

    >>> split_prefix("https://kgraph.dev/id/person/x"), split_prefix("urn:x")
    (('person', 'x'), None)
    """
    for p, ns in _BY_LENGTH:
        if iri.startswith(ns):
            return p, iri[len(ns) :]
    return None


def compact(iri: str) -> str:
    """``https://kgraph.dev/id/person/x`` -> ``person:x`` where a prefix fits; else the IRI."""
    split = split_prefix(iri)
    if split is not None:
        p, local = split
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{p}:{local}"
    return iri


def local_name(iri: str) -> str:
    """The last segment of ``iri`` after ``#`` or ``/`` (a trailing one ignored).

    >>> local_name("https://kgraph.dev/ontology#Person"), local_name("http://x/a/b/")
    ('Person', 'b')
    """
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def most_specific(
    classes: Iterable[str], ancestors: Callable[[str], Container[str]], prefer: Sequence[str] = ()
) -> str | None:
    """The most specific of ``classes``: one that is no other's ancestor (``ancestors(c)`` holds
    ``c`` and the classes above it); among several, the first in ``prefer``, else the first by
    name. The one rule for the type an entity is shown as.

    >>> tree = {"Film": {"Film", "Work"}, "Work": {"Work"}, "Person": {"Person"}}
    >>> most_specific({"Work", "Film"}, tree.__getitem__)
    'Film'
    >>> most_specific({"Person", "Film"}, tree.__getitem__, prefer=("Person",))
    'Person'
    """
    cs = set(classes)
    leaves = sorted(c for c in cs if not any(o != c and c in ancestors(o) for o in cs))
    return next((c for c in prefer if c in leaves), leaves[0] if leaves else None)


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_STRING_RE = re.compile(r'[\\"\x00-\x1f\x7f]')
_IRI_RE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def escape_string(text: str) -> str:
    r"""``text`` as the inside of an N-Triples/Turtle string (``"…"``): the one literal escaping.

    >>> print(escape_string('a "b"\tc\x01'))
    a \"b\"\tc\u0001
    """
    return _STRING_RE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text)


def escape_iri(iri: str) -> str:
    """``iri`` as the inside of an N-Triples/Turtle IRI (``<…>``): characters IRIs may not hold
    written as ``\\uXXXX``."""
    return _IRI_RE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri)
