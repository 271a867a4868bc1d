"""The endpoint's cache of finished answers, per request and store generation (issue 18).

Clients of a SPARQL endpoint ask the same queries again and again (a dashboard, a page's
widgets, a crawler). ``kgraph serve`` keeps the bytes of each successful answer, keyed by
everything that shapes them (the query text, the dataset, the negotiated format's inputs, the
caps) and by the store's generation (:func:`kgraph.server._store_signature`: it changes when a
``kgraph load``/``unload`` commits), so an answer is never served for data that has changed.
A hit skips the worker round trip, the query evaluation and the serialisation; the answer is
the one a worker gave under the same time limit and result caps, truncation header included.

Bounded: at most ``max_bytes`` of bodies in all (least recently used first out), and no single
answer larger than an eighth of that.

>>> c = ReplyCache(1000)
>>> c.put(("q", 1), "answer", 10)
>>> c.get(("q", 1)), c.get(("q", 2))
('answer', None)
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from .bounded import Recent


class ReplyCache(Recent[Hashable, Any]):
    """A thread-safe LRU map of request key -> reply, bounded by the replies' total size."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max(1, max_bytes))
        self.max_bytes = max(0, max_bytes)
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        value = super().get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: Hashable, value: Any, weight: int = 1) -> None:
        """Keep ``value`` of ``weight`` bytes, unless it is over an eighth of the bound."""
        if weight > self.max_bytes // 8:
            return
        super().put(key, value, weight)
