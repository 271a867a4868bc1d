"""`kgraph search` on a big store: the label index first, the scan of every label only when needed.

On a store with more labels than ``kgraph.linking.FULL_INDEX_LIMIT``, search used to run the
romanisation-tolerant prefilter (a regular-expression scan of every label) for every new text.
Now, when at least ``--limit`` entities have a preferred label spelled exactly as typed, their
first ``--limit`` are the answer (they score 1.0, which nothing else reaches), found through
the store's label index. This script asks each text of a freshly opened store both ways in one
run — the scan as before (``before``), and ``kgraph.linking.search`` (``after``) — and checks
that both give the same results. The store is opened read-only.

    python benchmarks/bench_search_scale.py --store /work/scale3/store

The texts: the preferred labels of the first people and works of the store (as typed, then
lower-cased without hyphens, which no label is spelled as: the scan answers), or ``--text``.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any


def _before(store: Any, text: str, limit: int) -> list[Any]:
    """search() as it was: the prefilter's candidates scored, every time."""
    from kgraph.linking import _matcher, _rank, _score_all

    m = _matcher(store)
    return [mt for mt, _ in _rank(_score_all(m.index_for(text), text, None))[:limit]]


def _after(store: Any, text: str, limit: int) -> list[Any]:
    from kgraph.linking import search

    return search(store, text, limit=limit)


def _lookup(store: Any, text: str, limit: int) -> Any:
    """The label-index attempt alone (what search now adds before a scan it still needs)."""
    from kgraph.linking import _exactly_spelled, _matcher

    return _exactly_spelled(_matcher(store), text, None, limit)


def timed(spec: str, text: str, limit: int, how: Any) -> tuple[float, float, list[Any]]:
    """First call on a freshly opened store, then warm (the same text again)."""
    from kgraph.build import open_store

    store = open_store(spec)
    try:
        t0 = time.perf_counter()
        got = how(store, text, limit)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        how(store, text, limit)
        warm = time.perf_counter() - t0
    finally:
        store.close()
    return first, warm, got


def texts_of(spec: str) -> list[str]:
    from kgraph.build import open_store

    store = open_store(spec)
    try:
        labels = [
            r["l"].value
            for c in ("Person", "Film")
            for r in store.select(
                f"SELECT ?l WHERE {{ {{ SELECT ?e WHERE {{ ?e a kg:{c} }} LIMIT 1 }} "
                "?e skos:prefLabel ?l }"
            )
        ]
    finally:
        store.close()
    return labels + [label.lower().replace("-", "") for label in labels]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a store directory (or SPARQL endpoint URL)")
    ap.add_argument("--text", action="append", help="a text to search for (repeatable)")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = []
    for text in args.text or texts_of(args.store):
        b_first, b_warm, b = timed(args.store, text, args.limit, _before)
        a_first, a_warm, a = timed(args.store, text, args.limit, _after)
        lookup, _, answered = timed(args.store, text, args.limit, _lookup)
        same = [m.to_json() for m in a] == [m.to_json() for m in b]
        results.append(
            {
                "text": text,
                "results": len(a),
                "same": same,
                "before_first_s": round(b_first, 3),
                "before_warm_s": round(b_warm, 4),
                "after_first_s": round(a_first, 3),
                "after_warm_s": round(a_warm, 4),
                "ratio_first": round(a_first / b_first, 3) if b_first else None,
                "label_index_answered": answered is not None,
                "label_index_lookup_s": round(lookup, 4),
            }
        )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"store: {args.store}  limit: {args.limit}")
    print(
        f"{'text':<28}{'n':>4}{'same':>6}{'before first':>14}{'after first':>13}{'ratio':>8}"
        f"{'index?':>8}{'lookup':>9}"
    )
    for r in results:
        print(
            f"{r['text'][:27]:<28}{r['results']:>4}{r['same']!s:>6}{r['before_first_s']:>13.3f}s"
            f"{r['after_first_s']:>12.3f}s{r['ratio_first']:>8.3f}"
            f"{r['label_index_answered']!s:>8}{r['label_index_lookup_s']:>8.3f}s"
        )


if __name__ == "__main__":
    main()
