"""The one name matcher: from what a user types to the entity they mean.

``search`` ranks entities whose preferred or alternative labels match a text; ``resolve`` picks
the one entity a name refers to, or says why it cannot. Search, ``ask``, ``path``, saved-query
parameters and the server all go through these two functions.

Matching runs in four stages; the first stage that matches an alias decides its score:

============  =====  ==========================================================================
stage         score  what must be equal
============  =====  ==========================================================================
exact         1.00   the text and the label, character for character (0.99 for an alt label)
normalised    0.95   :func:`normalise`-d forms with the spaces taken out: case, diacritics,
                     hyphens, spaces, punctuation; 0.94 with the words in another order
                     (family name last: "Ji-hoon Kim")
romanised     0.90   :func:`romanised_key`: spelling variants of romanised Korean (yu/yoo,
                     eo/o, ch/j, k/g, l/r, Lee/Yi/Rhee, Park/Pak …; 0.89 in another word
                     order); 0.88 (0.87) for the looser key
                     where o and u also meet (Jeong/Jung, Hyeon/Hyun)
fuzzy         <0.85  rapidfuzz similarity of the normalised forms or of the romanised keys,
                     or the share of the text's words found in the label
============  =====  ==========================================================================

``resolve`` accepts exact, normalised and romanised matches, and a fuzzy one only when it is a
near-certain typo (similarity ≥ 94 of 100 over at least 10 letters, e.g. "Jeon Jong-so"). Any
weaker match raises :class:`UnknownEntity` with up to five suggestions, so an unknown person is
never silently replaced by a similar name. Two different entities tied at the top raise
:class:`AmbiguousName`.

**The index.** The labels (``skos:prefLabel`` and ``skos:altLabel`` of every instance of
``kg:Entity`` or its subclasses) with their classes are read once per store object and kept
in memory; a lookup afterwards takes well under a millisecond. To keep this bounded on big
stores, a store with more than :data:`FULL_INDEX_LIMIT` label rows (checked with one cheap
``OFFSET`` probe) is never read whole: each call runs one SPARQL query that selects the labels
matching every word of the text through a romanisation-tolerant regular expression (each
letter widened to its spelling variants; if that finds too few, any word), and only those
candidates are scored. Fuzzy matching then only sees labels sharing a word with the text.
Before that scan, :func:`resolve` looks the text up as a label spelled exactly so (as typed or
with its words capitalised, plain or English: a lookup in the store's own index); when it names
an entity of the wanted type, that settles it, ties and all, without reading every label (at
10^6 titles the scan takes seconds per question). :func:`search` does the same when at least
``limit`` entities have a preferred label spelled exactly as the text (they score 1.0, which
nothing else reaches, so they are its answer); otherwise it scans, as before. The last
:data:`RECENT` texts' candidates are kept (least recently used out), so a long-running process
stays bounded.

>>> normalise("Ji-hoon KIM")
'jihoon kim'
>>> romanised_key("Kim Jihoon") == romanised_key("Gim Ji-hun")
True
>>> romanised_key("Lee Choonghyun") == romanised_key("Lee Chung-hyun")
True
>>> romanised_key("Park Yoo Rim", joined=True) == romanised_key("Bak Yu-rim", joined=True)
True
"""

from __future__ import annotations

import re
from _weakref import proxy
from collections.abc import Callable, Iterable, Sequence
from itertools import permutations

from .errors import AmbiguousName, Suggestion, UnknownEntity, UsageError
from .records import Any, field, record
from .resolve import entity_of, explicit_iri
from .store import PerStore, Store, forget_derived
from .terms import KG_NS, local_name, most_specific

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from .bounded import Recent

STAGES = ("exact", "normalised", "romanised", "fuzzy")
FULL_INDEX_LIMIT = 50_000  # label rows held in memory; above this, search per call
PREFILTER_LIMIT = 5_000  # candidate label rows per call on a big store
RECENT = 16  # texts whose candidates (an index, label rows) a big store's matcher keeps
MAX_WORDS = 8  # words of a text that the big-store prefilter looks for
FUZZY_FLOOR = 65.0  # rapidfuzz score (0-100) below which a fuzzy match is not shown
FUZZY_RESOLVE = 94.0  # ... at or above which (over >= 10 letters) a fuzzy match may resolve


@record(frozen=True)
class Match:
    """An entity matching a text: which alias matched, at which stage, how well."""

    iri: str
    label: str  # the entity's preferred label
    type: str  # local name of its most specific class: Person, Film, TVSeries, Character …
    score: float  # 0-1, higher is better
    alias: str  # the label (preferred or alternative) that matched
    stage: str  # exact | normalised | romanised | fuzzy

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "label": self.label,
            "type": self.type,
            "score": round(self.score, 4),
            "alias": self.alias,
            "stage": self.stage,
        }

    def suggestion(self) -> Suggestion:
        return Suggestion(self.label, self.iri, self.type, self.score)


# -- normalisation ----------------------------------------------------------------------------

_INNER = re.compile(r"[\-‐‑‒–—'’`´.·]")
_NON_ALNUM = re.compile(r"[\W_]+")  # letters of every script stay (Hangul, kana, Cyrillic …)


def normalise(text: str) -> str:
    """Lower-case ASCII words: diacritics dropped, punctuation inside a word removed, the
    rest of the punctuation and all runs of space turned into one space.

    >>> normalise("  Jeon  Jong-Seo ")
    'jeon jongseo'
    >>> normalise('Mona "Lisa" Lee'), normalise("Léa Seydoux"), normalise("D.P.")
    ('mona lisa lee', 'lea seydoux', 'dp')
    """
    if not text.isascii():  # ASCII has no diacritics to drop (NFKD leaves it as it is)
        import unicodedata

        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold()
    words = []
    for w in text.split():
        w = _NON_ALNUM.sub(" ", _INNER.sub("", w)).strip()
        if w:
            words.extend(w.split())
    return " ".join(words)


# Rules for one word of romanised Korean, applied in order. Each maps spellings that the
# Revised Romanisation, McCune-Reischauer (without its breves) and popular spellings use for
# one Korean sound to one key spelling.
_ROMAN_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"(?<=[aeiou])r(?=[^aeiouy]|$)", ""),  # non-rhotic r marks a vowel: Park = Pak = Bak
        (r"rh", "r"),  # Rhee
        (r"ng", "N"),  # keep the final -ng apart from g = k
        (r"t?ch|jj", "j"),  # ch / j / jj (ㅈ ㅊ ㅉ)
        (r"sh|ss", "s"),  # sh / s / ss (ㅅ ㅆ)
        (r"ph", "p"),
        (r"th", "t"),
        (r"kh", "k"),  # aspirate marks of McCune-Reischauer
        (r"eo", "o"),  # ㅓ: eo (RR) / o (MR without breve)
        (r"oo|ou|eu|wu", "u"),  # ㅜ: u / oo / ou; ㅡ: eu / u
        (r"ee|ea|yi", "i"),  # ㅣ: i / ee;  이: Yi / Lee / I
        (r"ae|ai", "e"),  # ㅐ / ㅔ
        (r"[lr](?=[iy])", ""),  # ㄹ before i/y is dropped word-initially (Lee = I,
        # Rim = Lim = Im, Ryu = Yu); dropped everywhere so
        # that "Yu Rim" and "Yu-rim" keep one key
        (r"[gcq]", "k"),  # ㄱ: g / k
        (r"b|f|v", "p"),  # ㅂ: b / p
        (r"d", "t"),  # ㄷ: d / t
        (r"r", "l"),  # ㄹ: r / l
        (r"z", "j"),
        (r"h(?=[^aeiouyw]|$)", ""),  # a silent h after a vowel: Oh = O, Ahn = An
        (r"([^aeiou])\1+", r"\1"),  # doubled consonants: kk, pp, tt, ll, nn
        (r"N", "ng"),
    )
)
_LOOSE = re.compile(r"[ou]")


def _rom(letters: str) -> str:
    for pattern, repl in _ROMAN_RULES:
        letters = pattern.sub(repl, letters)
    return letters


def romanised_key(text: str, *, joined: bool = False) -> str:
    """A key shared by the common romanisations of a Korean name, word by word; with
    ``joined``, of the words written together (what matching compares, so that where the
    spaces and hyphens fall does not matter: "Ji Rim", "Ji-rim" and "Jirim" share a key).

    >>> romanised_key("Park Yoo-rim"), romanised_key("Bak Yurim")
    ('pak yuim', 'pak yuim')
    >>> romanised_key("Jeon Jongseo") == romanised_key("Jeon Jong-seo") == romanised_key("Jon Chong-so")
    True
    """
    words = normalise(text).split()
    if joined:
        return _rom("".join(words))
    return " ".join(_rom(w) for w in words)


def loose_key(text: str) -> str:
    """The romanised key with o and u made equal (ㅓ is spelt eo, o and u: Jeong/Jung)."""
    return _LOOSE.sub("u", romanised_key(text))


def _orders(words: Sequence[str]) -> list[str]:
    """The word string in its order and with the first or last word moved (name order)."""
    out = ["".join(words)]
    if 1 < len(words) <= 4:
        out.append("".join([*words[1:], words[0]]))
        out.append("".join([words[-1], *words[:-1]]))
    return out


# -- the index --------------------------------------------------------------------------------


@record
class _Entity:
    iri: str
    label: str = ""
    classes: set[str] = field(default_factory=set)  # class IRIs the entity has
    type: str = ""


@record
class _Alias:
    entity: _Entity
    text: str
    pref: bool
    joined: str  # normalised, spaces removed
    spaced: str  # normalised with spaces
    rom: str  # romanised key, spaces removed
    loose: str


class _Index:
    """Aliases of a set of entities, keyed for the exact, normalised and romanised stages."""

    def __init__(self, hierarchy: _Hierarchy) -> None:
        self.h = hierarchy
        self.aliases: list[_Alias] = []
        self.exact: dict[str, list[int]] = {}
        # key -> [(alias index, True when the key puts the label's words in another order)]
        self.joined: dict[str, list[tuple[int, bool]]] = {}
        self.rom: dict[str, list[tuple[int, bool]]] = {}
        self.loose: dict[str, list[tuple[int, bool]]] = {}

    def add(self, entity: _Entity, text: str, pref: bool) -> None:
        spaced = normalise(text)
        words = spaced.split()
        rom_keys = [_rom(k) for k in _orders(words)]  # the key of the words written together
        a = _Alias(
            entity, text, pref, "".join(words), spaced, rom_keys[0], _LOOSE.sub("u", rom_keys[0])
        )
        i = len(self.aliases)
        self.aliases.append(a)
        self.exact.setdefault(text.strip(), []).append(i)
        for table, keys in (
            (self.joined, _orders(words)),
            (self.rom, rom_keys),
            (self.loose, [_LOOSE.sub("u", k) for k in rom_keys]),
        ):
            for n, k in enumerate(dict.fromkeys(keys)):
                table.setdefault(k, []).append((i, n > 0 and k != keys[0]))


class _Hierarchy:
    """The class tree of the ontology: ancestors, most specific class, names."""

    def __init__(self, store: Store) -> None:
        self.parents: dict[str, set[str]] = {}
        self.labels: dict[str, str] = {}
        for r in store.select("SELECT ?c ?s WHERE { ?c rdfs:subClassOf ?s FILTER(isIRI(?s)) }"):
            self.parents.setdefault(r["c"].value, set()).add(r["s"].value)
        for r in store.select("SELECT ?c ?l WHERE { ?c a owl:Class ; rdfs:label ?l }"):
            self.labels[r["c"].value] = r["l"].value
        self._anc: dict[str, frozenset[str]] = {}

    def ancestors(self, c: str) -> frozenset[str]:
        """``c`` and every class above it."""
        if c not in self._anc:
            seen = {c}
            todo = [c]
            while todo:
                for p in self.parents.get(todo.pop(), ()):
                    if p not in seen:
                        seen.add(p)
                        todo.append(p)
            self._anc[c] = frozenset(seen)
        return self._anc[c]

    def is_entity(self, classes: Iterable[str]) -> bool:
        return any(KG_NS + "Entity" in self.ancestors(c) for c in classes)

    def most_specific(self, classes: set[str]) -> str:
        kg = {c for c in classes if c.startswith(KG_NS)} or classes
        best = most_specific(kg, self.ancestors)
        return local_name(best) if best else ""

    def resolve_types(self, types: Sequence[str] | None) -> set[str] | None:
        """Class IRIs named by ``types`` (local names or labels, any case); None = all."""
        if not types:
            return None
        known: dict[str, str] = {}
        for c in set(self.parents) | set(self.labels):
            if c.startswith(KG_NS):
                known[local_name(c).casefold()] = c
                if c in self.labels:
                    known[self.labels[c].casefold()] = c
                    known[self.labels[c].casefold().replace(" ", "")] = c
        out = set()
        for t in types:
            for part in t.split(","):
                key = part.strip().casefold()
                if not key:
                    continue
                if key not in known:
                    names = sorted({local_name(c) for c in known.values() if self.is_entity([c])})
                    raise UsageError(
                        f"unknown type {part.strip()!r}; use one of {', '.join(names)}"
                    )
                out.add(known[key])
        return out

    def has_type(self, entity: _Entity, wanted: set[str] | None) -> bool:
        return wanted is None or any(self.ancestors(c) & wanted for c in entity.classes)


_LABELS_QUERY = """
SELECT ?e ?l ?pref WHERE {
  { ?e skos:prefLabel ?l BIND(true AS ?pref) } UNION { ?e skos:altLabel ?l BIND(false AS ?pref) }
  FILTER(isLiteral(?l))
} LIMIT %d"""

_TYPES_QUERY = "SELECT DISTINCT ?e ?c WHERE { ?e skos:prefLabel ?l ; a ?c }"

_CANDIDATES_QUERY = """
SELECT ?e ?l ?pref WHERE {
  { ?e skos:prefLabel ?l BIND(true AS ?pref) } UNION { ?e skos:altLabel ?l BIND(false AS ?pref) }
  FILTER(isLiteral(?l) && (%s))
} LIMIT %d"""

_EXACT_QUERY = """
SELECT ?e ?l ?pref WHERE {
  { ?e skos:prefLabel ?l BIND(true AS ?pref) } UNION { ?e skos:altLabel ?l BIND(false AS ?pref) }
}"""

_SAFE_PATTERN = re.compile(r"[a-z0-9()?:|+*\-' .\[\]^~]*")
_OTHER_SCRIPT = "[^ -~]+"

_DETAILS_QUERY = "SELECT ?e ?l ?c WHERE { ?e a ?c OPTIONAL { ?e skos:prefLabel ?l } }"


class _Matcher:
    """Everything linking keeps per store: the class tree and, for small stores, the index."""

    def __init__(self, store: Store) -> None:
        # A proxy, not the store: the cache is keyed weakly by the store, and a strong reference
        # from the value would keep every store (and its open files) alive for ever.
        self.store = proxy(store)
        self.h = _Hierarchy(store)
        self.full: _Index | None = None
        # big stores: the candidates of the last texts, and their label rows (bounded: a
        # server asked many distinct questions keeps the last RECENT of each); made on first
        # use, which a small store's never comes to (a cold `kgraph ask` imports nothing more)
        self._recent: Recent[str, _Index] | None = None
        self._recent_rows: Recent[str, list[dict[str, Any]]] | None = None
        # Cheap probe first: does the store hold more labels than we are willing to index?
        big = store.select(_LABELS_QUERY % 1 + f" OFFSET {FULL_INDEX_LIMIT}")
        if not big:
            self.full = self._build(
                store.select(_LABELS_QUERY % (FULL_INDEX_LIMIT + 1)), store.select(_TYPES_QUERY)
            )

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the store (PerStore keeps a frozen store's index in a file)."""
        return {**self.__dict__, "store": None, "_recent": None, "_recent_rows": None}

    def _lru(self) -> tuple[Recent[str, _Index], Recent[str, list[dict[str, Any]]]]:
        """The maps of the last texts' candidates and label rows (made on first use)."""
        if self._recent is None or self._recent_rows is None:
            from .bounded import Recent

            self._recent, self._recent_rows = Recent(RECENT), Recent(RECENT)
        return self._recent, self._recent_rows

    def _build(self, label_rows: list[dict[str, Any]], type_rows: list[dict[str, Any]]) -> _Index:
        entities: dict[str, _Entity] = {}
        for r in type_rows:
            entities.setdefault(r["e"].value, _Entity(r["e"].value)).classes.add(r["c"].value)
        index = _Index(self.h)
        pending: dict[tuple[str, str], tuple[_Entity, bool]] = {}  # one alias per spelling
        for r in label_rows:
            e = entities.get(r["e"].value)
            if e is None or not self.h.is_entity(e.classes):
                continue
            pref = r["pref"].value in ("true", "1")  # Virtuoso answers booleans as 1/0
            if pref and not e.label:
                e.label = r["l"].value
            key = (e.iri, r["l"].value)
            pending[key] = (e, pref or (key in pending and pending[key][1]))
        for (_, text), (e, pref) in pending.items():
            if not e.type:
                e.type = self.h.most_specific(e.classes)
                e.label = e.label or text
            index.add(e, text, pref)
        return index

    def index_for(self, text: str) -> _Index:
        """The full index, or on a big store an index of the candidates for ``text``."""
        if self.full is not None:
            return self.full
        key = romanised_key(text)  # the prefilter is built from these words: same key, same rows
        recent, _ = self._lru()
        index = recent.get(key)  # search then resolve of one text: one scan, not two
        if index is None:
            index = self._candidates(text)
            recent.put(key, index)
        return index

    def exact_for(self, text: str) -> _Index | None:
        """On a big store, an index of the entities with a label spelled exactly ``text`` (as
        typed, or with its words capitalised; plain or English), found through the store's
        index in milliseconds where the prefilter reads every label. None on a small store
        (the full index answers) or when no label is spelled so."""
        if self.full is not None:
            return None
        rows = self._exact_rows([text])
        return self._index_of(rows) if rows else None

    def mention_index(
        self, spans: Iterable[str], iris: Iterable[str] = (), rest: str = ""
    ) -> _Index:
        """On a big store, the index a question's mentions are looked up in, read through the
        store's own indexes rather than by a scan of every label: the entities with a label
        spelled as one of ``spans`` (as typed, or with its words capitalised; plain or
        English), the entities ``iris`` name, and — only when ``rest`` holds words that no such
        label covers and no question word explains (a name spelled otherwise than its label,
        "jeon jongseo") — the prefilter's candidates for those words."""
        import pyoxigraph as ox

        rows = self._exact_rows(spans)
        named = sorted(set(iris))
        for i in range(0, len(named), 500):
            chunk = [ox.NamedNode(x) for x in named[i : i + 500]]
            rows += self.store.select(_EXACT_QUERY, {"e": chunk})
        if rest.strip():
            rows += self._candidate_rows(rest)
        return self._index_of(rows)

    def _exact_rows(self, texts: Iterable[str]) -> list[dict[str, Any]]:
        """The label rows (?e ?l ?pref) of labels spelled as one of ``texts`` (see exact_for)."""
        import pyoxigraph as ox

        spellings: dict[str, None] = {}
        for text in texts:
            words = text.split()
            # as typed, and with a colon after one word ("Money Heist: Korea"): a subtitle
            for k in range(min(len(words), 4)):
                typed = " ".join(w + (":" if i == k - 1 else "") for i, w in enumerate(words))
                if typed:
                    capitalised = " ".join(w[:1].upper() + w[1:] for w in typed.split())
                    spellings.update(dict.fromkeys([typed, capitalised, typed.title()]))
        values: list[Any] = [ox.Literal(t) for t in spellings]
        values += [ox.Literal(t, language="en") for t in spellings]
        rows: list[dict[str, Any]] = []
        for i in range(0, len(values), 500):
            rows += self.store.select(_EXACT_QUERY, {"l": values[i : i + 500]})
        return rows

    def _candidate_rows(self, text: str) -> list[dict[str, Any]]:
        """The prefilter's label rows for ``text`` (a scan of every label; the last few kept:
        a question's mentions and then its slots ask for the same words)."""
        key = romanised_key(text)
        _, recent_rows = self._lru()
        rows = recent_rows.get(key)
        if rows is None:
            rows = self.store.select(_candidates_query(text, every_word=True))
            if not rows:  # no label has every word: any word of three letters or more
                rows = self.store.select(_candidates_query(text, every_word=False))
            recent_rows.put(key, rows)
        return rows

    def holds_a_label(self, text: str) -> bool:
        """On a big store, whether a shorter run of ``text``'s words is a label spelled so (then
        ``text`` is a name with other words, not a misspelt name: no scan can help)."""
        words = text.split()
        runs = [
            " ".join(words[i:j])
            for i in range(len(words))
            for j in range(i + 1, len(words) + 1)
            if j - i < len(words)
        ]
        return bool(runs) and bool(self._exact_rows(runs))

    def _candidates(self, text: str) -> _Index:
        return self._index_of(self._candidate_rows(text))

    def _index_of(self, rows: list[dict[str, Any]]) -> _Index:
        """An index of the entities of label ``rows`` (?e ?l ?pref), with all their labels."""
        import pyoxigraph as ox

        iris = sorted({r["e"].value for r in rows})
        details: list[dict[str, Any]] = []
        for i in range(0, len(iris), 500):
            chunk = [ox.NamedNode(x) for x in iris[i : i + 500]]
            details += self.store.select(_DETAILS_QUERY, {"e": chunk})
        type_rows = [{"e": r["e"], "c": r["c"]} for r in details]
        prefs = {(r["e"].value, r["l"].value): r for r in details if "l" in r}
        label_rows = [
            {"e": ox.NamedNode(e), "l": r["l"], "pref": ox.Literal("true")}
            for (e, _), r in prefs.items()
        ]
        label_rows += [r for r in rows if r["pref"].value not in ("true", "1")]
        return self._build(label_rows, type_rows)


# Regular-expression alternatives for each letter of a romanised key (see _ROMAN_RULES).
_WIDEN = {
    "k": "(?:kh|k|g|c|q)+",
    "p": "(?:ph|p|b|f|v)+",
    "t": "(?:th|t|d)+",
    "l": "(?:l|r)+",
    "j": "(?:t?ch|j|z)+",
    "s": "(?:sh|s)+",
    # a vowel may be followed by the r the key drops after it (non-rhotic: "Burning" is
    # "puning", "Park" is "pak"), as [lr]* before i and y stands for the r or l dropped there
    "o": "(?:eo|o|u|oo)[hr]?",
    "u": "(?:oo|ou|eu|wu|u|eo|o)r?",
    "i": "[lr]*(?:ee|ea|yi|i|y)r?",
    "y": "[lr]*y",
    "e": "(?:ae|ai|e)r?",
    "a": "(?:ah|a)r?",
}


def _candidates_query(text: str, *, every_word: bool) -> str:
    """The big-store prefilter query for ``text``.

    The patterns go into the query as string literals rather than bound values: pyoxigraph
    compiles a regular expression that is not a constant once per row (measured: 27 s instead
    of 0.4 s over 10^6 labels). They are built only from the letters a-z and digits of the
    text's romanised key and this module's own regex syntax (checked below), and written with
    pyoxigraph's own N-Triples escaping, exactly as a bound value is; no character the user
    typed can reach the query otherwise.
    """
    import pyoxigraph as ox

    words = tolerant_patterns(text)
    if not every_word:  # short words ("do", "ha") would match most labels on their own
        keys = list(dict.fromkeys(romanised_key(text).split()))[:MAX_WORDS]
        words = [p for p, k in zip(words, keys) if len(k) >= 3] or words
    for p in words:
        if not _SAFE_PATTERN.fullmatch(p):  # pragma: no cover - a bug in tolerant_patterns
            raise ValueError(f"unsafe search pattern {p!r}")
    if not words:
        words = ["(?!)"]
    tests = [f'REGEX(STR(?l), {ox.Literal(p)}, "i")' for p in words]
    return _CANDIDATES_QUERY % ((" && " if every_word else " || ").join(tests), PREFILTER_LIMIT)


def tolerant_patterns(text: str) -> list[str]:
    """One case-insensitive regex per word of ``text`` that matches the word in a label in
    any romanisation (built from the word's romanised key: only a-z and 0-9 come from the text).

    >>> import re
    >>> [bool(re.search(p, "Kim Ji-hoon", re.I)) for p in tolerant_patterns("Kim Jihoon")]
    [True, True]
    """
    parts = []
    for word in list(dict.fromkeys(romanised_key(text).split()))[:MAX_WORDS]:
        letters = word.replace("ng", "N")
        pieces: list[str] = []
        for ch in letters:
            if ch == "N":
                pieces.append("ng")
            elif ch in _WIDEN:
                pieces.append(_WIDEN[ch])
            elif ch.isascii() and ch.isalnum():
                pieces.append(ch + "+")
            elif not ch.isascii() and (not pieces or pieces[-1] != _OTHER_SCRIPT):
                pieces.append(_OTHER_SCRIPT)  # other scripts: any run of non-ASCII characters
        if pieces:
            parts.append("[-' .]?h?".join(pieces))
    return parts


def _reattach(m: _Matcher, store: Store) -> None:
    m.store = proxy(store)


_matcher: PerStore[_Matcher] = PerStore(
    _Matcher, persist="names", attach=_reattach, settings=lambda: FULL_INDEX_LIMIT
)


def class_tree(store: Store) -> _Hierarchy:
    """The ontology's class tree of ``store`` (ancestors, the most specific of some classes)."""
    return _matcher(store).h


def forget(store: Store) -> None:
    """Drop the cached index of ``store``, and every other value derived from it (the fact
    index of ``ask``), after its data changed."""
    forget_derived(store)


# -- scoring ----------------------------------------------------------------------------------


def _score_all(
    index: _Index,
    text: str,
    wanted: set[str] | None,
    *,
    fuzzy_when_found: bool = True,
    exact_only: bool = False,
) -> dict[str, tuple[float, _Alias, str, float]]:
    """Best (score, alias, stage, raw fuzzy score) per entity IRI.

    With ``fuzzy_when_found=False`` the fuzzy stage is skipped once an earlier stage matched:
    fuzzy scores (at most 0.85) can never outrank those, so resolving a name does not change,
    and the common case avoids importing rapidfuzz on a cold start.
    """
    best: dict[str, tuple[float, _Alias, str, float]] = {}

    def offer(i: int, score: float, stage: str, raw: float = 100.0) -> None:
        a = index.aliases[i]
        if not index.h.has_type(a.entity, wanted):
            return
        cur = best.get(a.entity.iri)
        if cur is None or score > cur[0] or (score == cur[0] and a.pref and not cur[1].pref):
            best[a.entity.iri] = (score, a, stage, raw)

    q = text.strip()
    spaced = normalise(q)
    words = spaced.split()
    joined = "".join(words)
    rom = _rom(joined)
    loose = _LOOSE.sub("u", rom)
    if not joined:
        return best
    for i in index.exact.get(q, ()):
        offer(i, 1.0 if index.aliases[i].pref else 0.99, "exact")
    if exact_only:
        return best
    # in the label's word order first; in another order (family name first or last) 0.01 less,
    # so "jin ho gyu" prefers Jin Ho-gyu to Jin Gyu-ho but still finds either
    for i, moved in index.joined.get(joined, ()):
        offer(i, 0.94 if moved else 0.95, "normalised")
    if 2 < len(words) <= 5:
        for perm in permutations(words):
            for i, _ in index.joined.get("".join(perm), ()):
                offer(i, 0.94, "normalised")
    for i, moved in index.rom.get(rom, ()):
        offer(i, 0.89 if moved else 0.90, "romanised")
    for i, moved in index.loose.get(loose, ()):
        offer(i, 0.87 if moved else 0.88, "romanised")
    if fuzzy_when_found or not best:
        _fuzzy(index, spaced, joined, rom, offer)
    return best


def _fuzzy(index: _Index, spaced: str, joined: str, rom: str, offer: Any) -> None:
    from rapidfuzz import fuzz, process

    n = len(index.aliases)
    if n == 0:
        return
    limit = min(n, 200)
    found: dict[int, float] = {}
    for query, choices, scorer in (
        (joined, [a.joined for a in index.aliases], fuzz.ratio),
        (rom, [a.rom for a in index.aliases], fuzz.ratio),
    ):
        for _, s, i in process.extract(
            query, choices, scorer=scorer, limit=limit, score_cutoff=FUZZY_FLOOR
        ):
            found[i] = max(found.get(i, 0.0), s)
    # words of the text found among the label's words ("Heist" finds "Money Heist: Korea")
    if len(joined) >= 3:
        spaced_choices = [a.spaced for a in index.aliases]
        for _, s, i in process.extract(
            spaced, spaced_choices, scorer=fuzz.token_set_ratio, limit=limit, score_cutoff=80
        ):
            a = index.aliases[i]
            cover = len(joined) / max(len(a.joined), 1)
            found[i] = max(found.get(i, 0.0), min(s, 60 + 35 * cover))
    for i, s in found.items():
        a = index.aliases[i]
        # Only the plain spelling counts for resolving: a near-miss romanised key is a
        # different name as often as a typo (Park Shin-hae is not Park Shin-hye).
        strict = fuzz.ratio(joined, a.joined) if len(joined) >= 10 else 0.0
        offer(i, 0.85 * s / 100, "fuzzy", strict)


def _rank(best: dict[str, tuple[float, _Alias, str, float]]) -> list[tuple[Match, float]]:
    out = []
    for score, a, stage, raw in best.values():
        e = a.entity
        out.append((Match(e.iri, e.label, e.type, round(score, 4), a.text, stage), raw))
    out.sort(
        key=lambda mr: (-mr[0].score, STAGES.index(mr[0].stage), mr[0].label.casefold(), mr[0].iri)
    )
    return out


# -- the public functions ---------------------------------------------------------------------


def search(
    store: Store,
    text: str,
    *,
    types: Sequence[str] | None = None,
    limit: int = 10,
    exact: bool = False,
) -> list[Match]:
    """Entities whose labels match ``text``, best first, one entry per entity.

    ``types`` keeps entities of those classes or their subclasses (``Work`` keeps films).
    ``exact`` keeps the exact stage only (a label spelled character for character as
    ``text``): on a big store it is found through the store's label index (plain and English
    labels), never by a scan of every label.

    >>> from kgraph.build import compile_into
    >>> from kgraph.store import OxigraphStore
    >>> store = OxigraphStore()
    >>> compile_into(store)
    >>> [(m.label, m.stage) for m in search(store, "jeon jongseo", limit=1)]
    [('Jeon Jong-seo', 'normalised')]
    """
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    m = _matcher(store)
    wanted = m.h.resolve_types(types)
    if exact:
        index = m.full if m.full is not None else m.exact_for(text.strip())
        if index is None:
            return []
        return [mt for mt, _ in _rank(_score_all(index, text, wanted, exact_only=True))[:limit]]
    first = _exactly_spelled(m, text, wanted, limit)
    if first is not None:
        return first
    ranked = _rank(_score_all(m.index_for(text), text, wanted))
    return [mt for mt, _ in ranked[:limit]]


def _exactly_spelled(
    m: _Matcher, text: str, wanted: set[str] | None, limit: int
) -> list[Match] | None:
    """On a big store, the answer of :func:`search` found through the store's label index
    instead of a scan of every label, when that is sure to be the same: when at least
    ``limit`` entities (of the wanted types) have a preferred label spelled exactly ``text``.
    Those score 1.0, which nothing else reaches, so the first ``limit`` of them in search's
    order are its answer. None otherwise (the scan answers, as before)."""
    q = text.strip()
    if m.full is not None or not q or " ".join(q.split()) != q:
        return None
    rows = m._exact_rows([q])  # plain or English labels spelled so (and capitalised variants)
    spelled = {r["e"].value for r in rows if r["l"].value == q and r["pref"].value in ("true", "1")}
    if len(spelled) < limit:  # too few to settle it: no index of them to build
        return None
    ranked = _rank(_score_all(m._index_of(rows), q, wanted, fuzzy_when_found=False))
    top = [mt for mt, _ in ranked if mt.score == 1.0]
    return top[:limit] if len(top) >= limit else None


def _by_iri(store: Store, iri: str, wanted: set[str] | None) -> Match | None:
    """The entity an IRI names, when the graph says something about it (of a wanted type)."""
    import pyoxigraph as ox

    m = _matcher(store)
    entity = entity_of(store, iri)  # a file's IRI that reconciliation linked: the graph's entity
    if entity is None:
        return None
    iri = entity
    rows = store.select(
        """SELECT ?c ?l WHERE { { ?x a ?c } UNION { ?x skos:prefLabel ?l } }""",
        {"x": ox.NamedNode(iri)},
    )
    classes = {r["c"].value for r in rows if "c" in r}
    labels = sorted(r["l"].value for r in rows if "l" in r)
    if wanted is not None and not any(m.h.ancestors(c) & wanted for c in classes):
        return None
    label = labels[0] if labels else local_name(iri)
    return Match(iri, label, m.h.most_specific(classes), 1.0, iri, "exact")


def resolve(
    store: Store,
    name: str,
    *,
    types: Sequence[str] | None = None,
    known: Callable[[str], bool] | None = None,
) -> Match:
    """The one entity ``name`` refers to.

    Raises :class:`UnknownEntity` (with up to five suggestions) when nothing matches closely
    enough, and :class:`AmbiguousName` when two different entities tie at the top.

    On a big store, when no label is spelled as ``name``, the scan of every label (for a name
    spelled otherwise) is skipped when a shorter run of its words is a label spelled so, and
    looks only for the words that ``known`` (the question vocabulary) does not explain.

    >>> from kgraph.build import compile_into
    >>> from kgraph.store import OxigraphStore
    >>> store = OxigraphStore()
    >>> compile_into(store)
    >>> resolve(store, "Park Yoorim").iri
    'https://kgraph.dev/id/person/park-yu-rim'
    """
    m = _matcher(store)
    wanted = m.h.resolve_types(types)
    kind = "entity"
    if types:
        kind = " or ".join(local_name(c) for c in sorted(wanted or ())) or "entity"
    iri = explicit_iri(name)
    if iri is not None:  # an IRI or CURIE names its entity directly, ties and all
        found = _by_iri(store, iri, wanted)
        if found is None:
            raise UnknownEntity(name, [], kind)
        return found
    if not normalise(name):
        raise UnknownEntity(name, [], kind)
    ranked: list[tuple[Match, float]] = []
    exact = m.exact_for(name)  # a big store: a label spelled so settles it without a scan
    if exact is not None:
        ranked = _rank(_score_all(exact, name, wanted, fuzzy_when_found=False))
    if not ranked and m.full is not None:
        ranked = _rank(_score_all(m.full, name, wanted, fuzzy_when_found=False))
    elif not ranked:
        if m.holds_a_label(name):
            raise UnknownEntity(name, [], kind)
        words = name.split()
        if known is not None:
            words = [w for w in words if not all(map(known, re.findall(r"[^\W_]+", w.lower())))]
        if not words:
            raise UnknownEntity(name, [], kind)
        index = m.index_for(" ".join(words))
        ranked = _rank(_score_all(index, name, wanted, fuzzy_when_found=False))
    if not ranked:
        raise UnknownEntity(name, [], kind)
    top, raw = ranked[0]
    confident = top.stage != "fuzzy" or raw >= FUZZY_RESOLVE
    if not confident:
        raise UnknownEntity(name, [mt.suggestion() for mt, _ in ranked[:5]], kind)
    ties = [
        mt for mt, _ in ranked if mt.score >= top.score - (0.05 if top.stage == "fuzzy" else 1e-9)
    ]
    if len(ties) > 1:
        raise AmbiguousName(name, [mt.suggestion() for mt in ties[:10]])
    return top
