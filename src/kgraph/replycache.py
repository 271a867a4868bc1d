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

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ReplyCache:
    """A thread-safe LRU map of request key -> reply, bounded by the replies' total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes:
                _, (_, n) = self._items.popitem(last=False)
                self._size -= n

    def __len__(self) -> int:
        return len(self._items)
