"""A small map that keeps its most recently used entries only, for what a long-lived process
(``kgraph serve``'s workers, a notebook) keeps per store about the texts it was asked: however
many distinct questions come, it never holds more than ``size`` entries.

:func:`functools.lru_cache` fits a function of hashable arguments; these caches live on an
object per store (kgraph.linking's name matcher) and are filled from inside its methods, so they
are a map: ``get`` refreshes an entry, ``put`` drops the least recently used one beyond ``size``.
Safe to share between threads (one lock; a get or put holds it for a dictionary operation).

>>> r = Recent(2)
>>> r.put("a", 1); r.put("b", 2); r.get("a"); r.put("c", 3)
1
>>> sorted(r.keys()), len(r), r.get("b")
(['a', 'c'], 2, None)
"""

from __future__ import annotations

from _thread import allocate_lock  # threading.Lock, without importing threading (cold ask)
from collections import OrderedDict

from .records import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most ``size`` entries, the least recently used dropped first; with weights (``put``'s
    ``weight``: a reply's bytes, :class:`kgraph.replycache.ReplyCache`), at most ``size`` of
    their total."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a Recent map holds at least one entry")
        self.size = size
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = allocate_lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: K, value: V, weight: int = 1) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while self._weight > self.size:
                _, (_, w) = self._items.popitem(last=False)
                self._weight -= w

    @property
    def weight(self) -> int:
        """The total weight held (the number of entries when every ``put`` weighs one)."""
        return self._weight

    def keys(self) -> list[K]:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)
