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

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "iri": self.iri,
            "value": self.value,
            "sources": list(self.sources),
            "detail": self.detail or None,
            "facts": [f.to_json() for f in self.facts],
        }


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
