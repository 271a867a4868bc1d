"""kgraph: a command-line knowledge graph of films, series, people, characters and collaborations.

The public API is :class:`KnowledgeGraph`; the errors it raises are in :mod:`kgraph.errors`.
"""

from .errors import KGraphError
from .kg import Conflict, Disagreement, KnowledgeGraph, Stats

__all__ = ["Conflict", "Disagreement", "KGraphError", "KnowledgeGraph", "Stats"]
__version__ = "0.1.0"
