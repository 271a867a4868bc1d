"""What `kgraph ask` returns: answers with their facts and sources, the links it made, and the
context a follow-up question may refer back to."""

from __future__ import annotations

from .factbase import Fact
from .records import Any, field, record

# -- result objects -------------------------------------------------------------------------


@record(frozen=True)
class AnswerItem:
    """One answer: its label, IRI (entities) or value (literals), and the sources stating it."""

    label: str
    iri: str | None
    value: str | None
    sources: tuple[str, ...]
    detail: str = ""  # a short human note ("as Ok-ju", "in Ballerina"), the JSON's "detail"
    facts: tuple[Fact, ...] = ()  # the facts the answer rests on, each with its own sources
    # the articles that state the row's own claim (docs/ask.md, "Citations"): what the table's
    # sources column shows; None: every source the answer rests on (``sources``); empty: no
    # article states it (an answer in the curators' reading only)
    stated_by: tuple[str, ...] | None = None

    @property
    def cited(self) -> tuple[str, ...]:
        """The sources the row cites: those that state its claim."""
        return self.sources if self.stated_by is None else self.stated_by

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "iri": self.iri,
            "value": self.value,
            "sources": list(self.sources),
            "detail": self.detail or None,
            "facts": [f.to_json() for f in self.facts],
            "stated_by": list(self.cited),
        }


def union(facts: Any) -> tuple[str, ...]:
    """Every source of ``facts``."""
    return tuple(sorted({s for f in facts for s in f.sources}))


def stated_by(facts: Any) -> tuple[str, ...]:
    """The articles that state a row's claim (docs/ask.md, "Citations").

    Each ``claim`` fact counts with its sources; where the question's ``premise`` is about the
    same thing (the asked person in the same work), only the articles that state both (falling
    back on the claim's own where none does: :func:`pieced`). A row listing alternatives (two
    shared works) is stated by each article stating one of them. ``part`` facts narrow the
    claims' articles to those stating a part too (where any does); a row with no claim but
    ``part`` facts is stated by the articles that state every part (:func:`stated_together`).
    ``context`` facts (a year to compare with, or shown beside a title) are never cited.
    """
    facts = list(facts)
    claims = [f for f in facts if f.role == "claim"]
    if not claims:
        return stated_together(*([f] for f in facts if f.role == "part"))[0]
    out: set[str] = set()
    for c in claims:
        mine = set(c.sources)
        given = _premise_sources(facts, c)
        out |= (mine & given) or mine
    # the rest of the claim (a work's place before another, an actor's part in the cast of the
    # work whose character the row names): only the articles that state that too
    rest = set(union(f for f in facts if f.role == "part"))
    return tuple(sorted((out & rest) or out if rest else out))


def pieced(facts: Any) -> list[Any]:
    """The claim facts of a row that no article states together with the question's premise
    (each stated by one article, the premise by another)."""
    facts = list(facts)
    out = []
    for c in facts:
        if c.role == "claim":
            given = _premise_sources(facts, c)
            if given and c.sources and not set(c.sources) & given:
                out.append(c)
    return out


def _premise_sources(facts: list[Any], claim: Any) -> set[str]:
    """Every source of the premise facts about what ``claim`` is about (a triple's object)."""
    objs = {t[2] for t in claim.triples}
    return {
        s
        for f in facts
        if f.role == "premise" and objs & {t[2] for t in f.triples}
        for s in f.sources
    }


def stated_together(*parts: Any) -> tuple[tuple[str, ...], bool]:
    """The articles that state every one of ``parts`` (each a list of facts, any of which states
    that part): those stating all of them, or, where no one article does, every part's articles
    and ``False`` (the claim is pieced together from several articles)."""
    sets = [set(union(p)) for p in parts if p]
    if not sets:
        return (), True
    common = set.intersection(*sets)
    if common:
        return tuple(sorted(common)), True
    return tuple(sorted(set.union(*sets))), False


@record(frozen=True)
class Link:
    """A name in the question and the entity it was linked to."""

    slot: str
    text: str  # as typed
    iri: str
    label: str
    type: str
    score: float
    stage: str  # exact | normalised | romanised | fuzzy | context

    @property
    def exact(self) -> bool:
        return self.stage == "exact" and self.text.strip() == self.label

    @property
    def note(self) -> str | None:
        """``taking 'jeon jongseo' as Jeon Jong-seo`` when the name was not typed exactly."""
        if self.stage == "context":
            return f"taking '{self.text}' as {self.label}"
        if self.text.strip().casefold() == self.label.casefold():
            return None
        return f"taking '{self.text}' as {self.label}"

    def to_json(self) -> dict[str, Any]:
        return {
            "slot": self.slot,
            "text": self.text,
            "iri": self.iri,
            "label": self.label,
            "type": self.type,
            "score": round(self.score, 4),
            "stage": self.stage,
        }


@record(frozen=True)
class Context:
    """What a follow-up question may refer back to: the last intent, its entities and answers."""

    intent: str | None = None
    links: tuple[Link, ...] = ()
    answers: tuple[AnswerItem, ...] = ()
    reading: Any = None


@record(frozen=True)
class Answer:
    """The answer to a question: interpretation, the SPARQL that ran, the answers with sources."""

    question: str
    interpretation: str
    sparql: str | None
    answers: tuple[AnswerItem, ...]
    intent: str = ""
    links: tuple[Link, ...] = ()
    notes: tuple[str, ...] = ()
    query: str | None = None  # the saved query that ran
    bindings: dict[str, str] = field(default_factory=dict)
    legend: tuple[str, ...] = ()  # one line per source cited: code, outlet, date
    reading: Any = None  # the understanding.Reading a scored answer came from

    @property
    def context(self) -> Context:
        return Context(self.intent, self.links, self.answers, self.reading)

    def to_json(self) -> dict[str, Any]:
        """The ``kgraph ask --format json`` contract of DESIGN.md."""
        return {
            "question": self.question,
            "interpretation": self.interpretation,
            "sparql": self.sparql,
            "answers": [a.to_json() for a in self.answers],
        }

    def explain_json(self) -> dict[str, Any]:
        """What ``--explain`` shows: intent, linked entities with scores, saved query and bindings."""
        return {
            "intent": self.intent,
            "query": self.query,
            "links": [lk.to_json() for lk in self.links],
            "bindings": dict(self.bindings),
            "notes": list(self.notes),
        }


def error_json(question: str, error: str) -> dict[str, Any]:
    """The JSON of a question that could not be answered."""
    return {"question": question, "error": error, "answers": []}
