"""Every entity mention in a question: the first step of understanding it.

:func:`find_mentions` looks at every span of up to eight words of the question and keeps the
spans whose words are a label or alternative label of an entity, compared with the shared
matcher's rules (:mod:`kgraph.linking`: case, hyphens, spaces, punctuation, name order, then the
romanisation keys), longest spans first, never overlapping. A span that fits several entities
keeps all of them as candidates (the intent decides). Years ("2010"), award categories of the
graph ("Best Actress"), IRIs and CURIEs (``person:jeon-jong-seo``) and pronouns ("her", "it")
are mentions too. Nothing is guessed: a word that is not a name stays a word.

>>> from kgraph.build import compile_into
>>> from kgraph.store import OxigraphStore
>>> store = OxigraphStore()
>>> compile_into(store)
>>> [m.text for m in find_mentions(store, "what projects do jeon jongseo and Kim Ji-hoon share")]
['jeon jongseo', 'Kim Ji-hoon']
"""

from __future__ import annotations

import re

from .records import Any, NamedTuple
from .store import Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from collections.abc import Callable

MAX_SPAN = 8

# Single words that are never a name on their own, even when an alias spells the same.
STOP = frozenset(
    """a an the of in on at to for by with and or but is are was were be been being has have had
    do does did who whom whose what which when where why how many much this that these those it its
    he she him her his they them their me my i you your we our us all any some every each both
    not no yes ever also as from into about than then there here new old one two first last
    film films movie movies series show shows work works role roles cast crew play plays played
    part parts star stars actor actress director music award awards best year years""".split()  # noqa: SIM905
)

PRONOUNS = {
    "he": "male",
    "him": "male",
    "his": "male",
    "himself": "male",
    "she": "female",
    "her": "female",
    "hers": "female",
    "herself": "female",
    "it": "thing",
    "its": "thing",
    "they": "any",
    "them": "any",
    "their": "any",
}

# Common names of award bodies that no article spells out (the Oscars are the Academy Awards).
AWARD_NAMES = {
    "oscar": "https://kgraph.dev/id/org/academy-awards",
    "oscars": "https://kgraph.dev/id/org/academy-awards",
    "academy award": "https://kgraph.dev/id/org/academy-awards",
    "baeksang": "https://kgraph.dev/id/org/baeksang-arts-awards",
    "baeksangs": "https://kgraph.dev/id/org/baeksang-arts-awards",
    "kbs awards": "https://kgraph.dev/id/org/kbs-drama-awards",
}

_TOKEN = re.compile(r"<[^<>\s]+>|\S+")
_EDGE = re.compile(r"^[\"'“”‘’(\[{«]+|[\"'“”‘’)\]}»?!.,;:]+$")
_POSS = re.compile(r"(?:'s|’s|s'|s’|')$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CURIE = re.compile(r"^(?:<)?(?:https?://\S+|[a-z][a-z0-9]*:[A-Za-z0-9][\w.\-]*)(?:>)?$")


class Candidate(NamedTuple):
    iri: str
    label: str
    type: str  # most specific class, local name
    classes: frozenset[str]  # local names of the entity's classes and their ancestors
    stage: str  # exact | normalised | romanised | iri
    score: float


class Mention(NamedTuple):
    """A span of the question (token positions ``start``..``end``) and what it may name."""

    start: int
    end: int
    text: str
    kind: str  # entity | year | category | pronoun
    candidates: tuple[Candidate, ...] = ()
    value: str = ""  # the year, the category, or the pronoun's gender

    def types(self) -> set[str]:
        out: set[str] = set()
        for c in self.candidates:
            out |= c.classes
        return out


class Tokens(NamedTuple):
    words: tuple[str, ...]  # as typed, edge punctuation removed
    raw: tuple[str, ...]


def tokenize(text: str) -> Tokens:
    raw = tuple(_TOKEN.findall(text))
    words = []
    for t in raw:
        w = t if t.startswith("<") and t.endswith(">") else _EDGE.sub("", t)
        words.append(w)
    return Tokens(tuple(words), raw)


def _letters(s: str) -> int:
    return sum(ch.isalnum() for ch in s)


def find_mentions(
    store: Store,
    text: str,
    categories: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
    known: Callable[[str], bool] | None = None,
) -> list[Mention]:
    """The mentions of ``text``, in order (see the module's docstring). ``known`` tells the
    words of the question vocabulary (never part of a name), which spares a big store's label
    scan for them."""
    from .linking import _matcher, normalise

    words = tokenize(text).words
    m = _matcher(store)
    if m.full is not None:
        return _find(m.full, m.h, words, categories, extra)
    # A big store: the labels spelled as a span of the question and the entities its IRIs name,
    # read through the store's indexes; the scan of every label (the prefilter) only for the
    # words that those leave unexplained.
    spans = [" ".join(sw) for _, _, variants in _spans(words) for sw, _ in variants]
    written = {i: iri for i, w in enumerate(words) if (iri := _written_iri(w)) is not None}
    iris = [*written.values()]
    named = {**AWARD_NAMES, **(extra or {})}  # award bodies' common names, the graph's aliases
    iris += [named[k] for k in map(normalise, spans) if k in named]
    found = _find(m.mention_index(spans, iris), m.h, words, categories, extra)
    covered = {k for x in found for k in range(x.start, x.end)}
    rest = [
        w
        for i, w in enumerate(words)
        if i not in covered
        and i not in written
        and _letters(w) >= 2
        and not all(p in STOP or (known is not None and known(p)) for p in _parts(w))
    ]
    if not rest:
        return found
    return _find(m.mention_index(spans, iris, " ".join(rest)), m.h, words, categories, extra)


def _parts(word: str) -> list[str]:
    """The lower-case words of a token ("co-stars" -> co, stars; "Jeon's" -> jeon, s)."""
    return re.findall(r"[^\W_]+", word.casefold()) or [word.casefold()]


def _written_iri(word: str) -> str | None:
    """The IRI a token writes (an IRI or a kgraph CURIE, as ``resolve`` reads them), else None."""
    from .errors import KGraphError
    from .resolve import explicit_iri

    if ":" not in word:
        return None
    try:
        return explicit_iri(word)
    except KGraphError:  # not a valid IRI: a word
        return None


def _iri_of(word: str) -> str:
    """The IRI an IRI or CURIE token names (``person:jeon-jong-seo``, ``<https://…>``)."""
    from .terms import PREFIXES

    iri = word.strip("<>")
    prefix, _, local = iri.partition(":")
    if prefix in PREFIXES and not iri.startswith("http"):
        iri = PREFIXES[prefix] + local
    return iri


def _spans(
    words: tuple[str, ...],
) -> list[tuple[int, int, list[tuple[list[str], str]]]]:
    """Every span of the question that may be a name, longest first: its start, end and the
    spellings to look up (the possessive-free one first)."""
    n = len(words)
    out = []
    for length in range(min(MAX_SPAN, n), 0, -1):
        for i in range(n - length + 1):
            j = i + length
            span = list(words[i:j])
            if not all(span):
                continue
            folded = [w.casefold() for w in span]
            if length == 1 and (folded[0] in STOP or _letters(span[0]) < 2):
                continue
            if folded[0] in ("and", "or", "of", "in") or folded[-1] in ("and", "or", "of", "in"):
                continue
            variants = [(span, " ".join(span))]
            stripped = _POSS.sub("", span[-1])
            if stripped and stripped != span[-1]:
                v = [*span[:-1], stripped]
                variants.insert(0, (v, " ".join(v)))
            out.append((i, j, variants))
    return out


def _find(
    index: Any,
    h: Any,
    words: tuple[str, ...],
    categories: dict[str, str] | None,
    extra: dict[str, str] | None,
) -> list[Mention]:
    """The mentions of the question's ``words`` in the linking ``index`` (see find_mentions)."""
    from .linking import _LOOSE, _rom, normalise

    n = len(words)
    taken = [False] * n
    found: list[Mention] = []

    def classes_of(e: Any) -> frozenset[str]:
        out: set[str] = set()
        for c in e.classes:
            for a in h.ancestors(c):
                out.add(re.split(r"[#/]", a)[-1])
        return frozenset(out)

    # IRIs and CURIEs first: exact identifiers.
    by_iri: dict[str, Any] | None = None
    for i, w in enumerate(words):
        if _CURIE.match(w) and (":" in w):
            iri = _iri_of(w)
            if by_iri is None:
                by_iri = {a.entity.iri: a.entity for a in index.aliases}
            e = by_iri.get(iri)
            if e is not None:
                cand = Candidate(e.iri, e.label, e.type, classes_of(e), "iri", 1.0)
                found.append(Mention(i, i + 1, w, "entity", (cand,)))
                taken[i] = True

    def lookup(span_words: list[str], raw_text: str) -> list[Candidate]:
        spaced = normalise(" ".join(span_words))
        joined = spaced.replace(" ", "")
        if not joined:
            return []
        best: dict[str, tuple[float, str, Any]] = {}

        def offer(ai: int, score: float, stage: str) -> None:
            a = index.aliases[ai]
            cur = best.get(a.entity.iri)
            if cur is None or score > cur[0]:
                best[a.entity.iri] = (score, stage, a.entity)

        for ai in index.exact.get(raw_text, ()):
            offer(ai, 1.0, "exact")
        for ai, moved in index.joined.get(joined, ()):
            offer(ai, 0.94 if moved else 0.95, "normalised")
        content = [w for w in spaced.split() if w not in STOP]
        if not best and content and _letters(joined) >= 5:
            rom = _rom(joined)
            for ai, moved in index.rom.get(rom, ()):
                offer(ai, 0.89 if moved else 0.9, "romanised")
            if not best:
                for ai, moved in index.loose.get(_LOOSE.sub("u", rom), ()):
                    offer(ai, 0.87 if moved else 0.88, "romanised")
        if not best:
            return []
        top = max(s for s, _, _ in best.values())
        return [
            Candidate(e.iri, e.label, e.type, classes_of(e), stage, s)
            for s, stage, e in sorted(best.values(), key=lambda x: (-x[0], x[2].label))
            if s >= top - 1e-9
        ]

    for i, j, variants in _spans(words):
        if any(taken[i:j]):
            continue
        raw_text = " ".join(words[i:j])
        for sw, rt in variants:
            cands = lookup(sw, rt)
            if cands:
                found.append(Mention(i, j, rt, "entity", tuple(cands)))
                for k in range(i, j):
                    taken[k] = True
                break
        else:
            key = normalise(" ".join(variants[0][0]))
            if categories and key in categories:
                found.append(Mention(i, j, raw_text, "category", (), categories[key]))
                for k in range(i, j):
                    taken[k] = True
            elif key in AWARD_NAMES or (extra and key in extra):
                if by_iri is None:
                    by_iri = {a.entity.iri: a.entity for a in index.aliases}
                e = by_iri.get(AWARD_NAMES.get(key) or (extra or {}).get(key, ""))
                if e is not None:
                    cand = Candidate(e.iri, e.label, e.type, classes_of(e), "normalised", 0.95)
                    found.append(Mention(i, j, raw_text, "entity", (cand,)))
                    for k in range(i, j):
                        taken[k] = True
    for i, w in enumerate(words):
        if taken[i]:
            continue
        lw = w.casefold()
        if _YEAR.match(w):
            found.append(Mention(i, i + 1, w, "year", (), w))
            taken[i] = True
        elif lw in PRONOUNS:
            found.append(Mention(i, i + 1, w, "pronoun", (), PRONOUNS[lw]))
            taken[i] = True
    found.sort(key=lambda x: x.start)
    return found
