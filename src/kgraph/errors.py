"""Errors of the kgraph library.

Every error a user can cause is a :class:`KGraphError` with a one-line message and the exit
code of DESIGN.md: 1 when an answer could not be given, 2 for bad usage or bad input. The CLI
turns them into a line on stderr; the library never prints or exits.
"""

from __future__ import annotations

from collections.abc import Sequence

from .records import field, record

NOT_FOUND = 1
BAD_INPUT = 2


class KGraphError(Exception):
    """Base of every error kgraph reports to a user."""

    exit_code = BAD_INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(KGraphError):
    """A command was called with arguments that cannot work together."""


class InputError(KGraphError):
    """A file or text given by the user cannot be read (missing, binary, wrong encoding, empty)."""


@record
class Position:
    """Where in a file or query text a syntax error sits (1-based line and column)."""

    line: int | None = None
    column: int | None = None
    source_line: str | None = None


class RdfSyntaxError(KGraphError):
    """An RDF data or ontology file does not parse."""

    def __init__(self, path: str, message: str, position: Position | None = None) -> None:
        pos = position or Position()
        where = path
        if pos.line is not None:
            where += f":{pos.line}"
            if pos.column is not None:
                where += f":{pos.column}"
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)  # one line
        super().__init__(f"{where}: {message}")
        self.path = path
        self.position = pos


class QuerySyntaxError(KGraphError):
    """A SPARQL query does not parse; carries the line and column when the engine gives them."""

    def __init__(self, message: str, query: str, position: Position | None = None) -> None:
        pos = position or Position()
        super().__init__(message)
        self.query = query
        self.position = pos


class UpdateRefused(KGraphError):
    """A SPARQL Update was sent where only queries are accepted."""


class ServiceRefused(KGraphError):
    """A query with ``SERVICE`` (federation) was run without allowing the network calls it makes."""


class ServiceFailed(KGraphError):
    """A remote endpoint named by a query's ``SERVICE`` failed (the endpoint's fault, not the store's)."""


class QueryTimeout(KGraphError):
    """A query ran past its time limit and was stopped."""

    exit_code = NOT_FOUND


class StoreError(KGraphError):
    """The store could not be opened, read or written."""


class StoreCorrupted(StoreError):
    """The store's files failed their checksums while being read (a disk fault, a flipped block)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class RemoteError(StoreError):
    """A remote SPARQL endpoint could not be reached or answered with an error."""


class RemoteUnavailable(RemoteError):
    """The remote store is there but gave no answer (HTTP 502/503/504, or too slow): exit 1."""

    exit_code = NOT_FOUND


@record
class Suggestion:
    """An entity offered instead of a name that did not match."""

    label: str
    iri: str
    type: str
    score: float


class UnknownEntity(KGraphError):
    """A name matches no entity closely enough; offers the nearest ones."""

    exit_code = NOT_FOUND

    def __init__(
        self, name: str, suggestions: Sequence[Suggestion] = (), kind: str = "entity"
    ) -> None:
        msg = f"no {kind} named {name!r} in the graph"
        if suggestions:
            msg += "; did you mean " + ", ".join(repr(s.label) for s in suggestions[:5]) + "?"
        super().__init__(msg)
        self.name = name
        self.suggestions = list(suggestions)


class AmbiguousName(KGraphError):
    """A name matches two or more entities equally well; lists them instead of guessing."""

    exit_code = NOT_FOUND

    def __init__(self, name: str, candidates: Sequence[Suggestion]) -> None:
        listed = "; ".join(f"{c.label} ({c.type}, {c.iri})" for c in candidates)
        super().__init__(f"{name!r} is ambiguous: it could be {listed}")
        self.name = name
        self.candidates = list(candidates)


class NotUnderstood(KGraphError):
    """A plain-English question matched no supported question shape."""

    exit_code = NOT_FOUND


class NoPath(KGraphError):
    """Two entities are not connected within the search bound."""

    exit_code = NOT_FOUND


@record
class ValidationReport:
    """The outcome of SHACL and ontology checks."""

    conforms: bool
    violations: list[dict[str, str]] = field(default_factory=list)


class NeedsWholeStore(KGraphError):
    """A question that needs every entity of a kind (every person, every work) asked of a store
    too big to read them all for one answer: refused rather than answered from part of it."""

    exit_code = NOT_FOUND
