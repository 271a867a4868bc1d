"""kgraph: a command-line knowledge graph of films, series, people, characters and collaborations.

The public API is :class:`KnowledgeGraph`; the errors it raises are in :mod:`kgraph.errors`.
The names below are imported on first use (PEP 562), so that ``kgraph ask`` can set up its
process before the library loads (see :mod:`kgraph.__main__`).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from typing import Any

    from .errors import KGraphError
    from .kg import Conflict, Disagreement, KnowledgeGraph, Stats

__all__ = ["Conflict", "Disagreement", "KGraphError", "KnowledgeGraph", "Stats"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "KGraphError":
        from .errors import KGraphError

        return KGraphError
    if name in __all__:
        from . import kg

        return getattr(kg, name)
    raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
