"""Mentions: the names in an article, what kind of thing each names, and which entity.

1. **Spans.** Capitalised word runs (names), titles (capitalised runs that may hold "of", "the",
   "and the", "de", ":" or a dash, where a work cue stands before them or quotes round them),
   award ceremonies and festivals (runs ending in "Awards" / "Festival"), award categories
   ("Best …"), and every label of an entity already in the store (spaCy's ``PhraseMatcher`` over
   the tokens, case-insensitive), which wins where spans overlap.
2. **Kinds.** An entity the store knows keeps its class. A new name gets its kind from the
   rules that use it (``X (Y)`` makes Y a person and X a character, "directed by X" a person,
   "the 2018 film X" a work …) and from the words inside it; every spelling of one name in the
   article shares the kind most rules gave it.
3. **Entities.** Spellings of one name in the article are grouped by the shared romanisation
   key of :mod:`kgraph.linking` (so "Ok-ju", "Ok Ju" and "Ok Joo" are one character, "Pro Choi"
   and "Choi Pro" one too), and a person's given name alone ("Ji Hoon", "Jeon") joins the one
   full name it belongs to. Each group is then looked up in the store with
   :func:`kgraph.linking.resolve`, by its kind: found, it is linked; not found, it is new, with an
   IRI made the way the curated data makes them (``person:<slug of the label>``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..linking import class_tree
from ..store import Store
from ..terms import ID_NS, KG_NS, most_specific


def _val(term: Any) -> str:
    """The lexical value of a term from a query row."""
    return str(term.value)


# kind -> (IRI folder, class local name)
KINDS: dict[str, tuple[str, str]] = {
    "Person": ("person", "Person"),
    "Work": ("work", "Work"),
    "Film": ("work", "Film"),
    "TVSeries": ("work", "TVSeries"),
    "Play": ("work", "Play"),
    "Character": ("character", "Character"),
    "Organization": ("org", "Organization"),
    "StreamingService": ("org", "StreamingService"),
    "Broadcaster": ("org", "Broadcaster"),
    "Festival": ("org", "Festival"),
    "FestivalEdition": ("event", "FestivalEdition"),
    "AwardsBody": ("org", "AwardsBody"),
    "AwardCeremony": ("event", "AwardCeremony"),
}
# the code a kind has in a rule template (see facts.py)
CODE = {
    "Person": "P",
    "Character": "C",
    "Work": "W",
    "Film": "W",
    "TVSeries": "W",
    "Play": "W",
    "Organization": "O",
    "StreamingService": "O",
    "Broadcaster": "O",
    "NewsOutlet": "O",
    "Festival": "F",
    "FestivalEdition": "F",
    "AwardsBody": "E",
    "AwardCeremony": "E",
    "Category": "A",
    "Unknown": "U",
}

# Platforms and channels: a short list of names that are organisations wherever they appear.
PLATFORMS = {
    "netflix": "StreamingService",
    "disney+": "StreamingService",
    "apple tv+": "StreamingService",
    "prime video": "StreamingService",
    "amazon prime video": "StreamingService",
    "hulu": "StreamingService",
    "tving": "StreamingService",
    "wavve": "StreamingService",
    "coupang play": "StreamingService",
    "hbo": "Broadcaster",
    "tvn": "Broadcaster",
    "kbs": "Broadcaster",
    "kbs2": "Broadcaster",
    "mbc": "Broadcaster",
    "sbs": "Broadcaster",
    "jtbc": "Broadcaster",
    "ocn": "Broadcaster",
    "ena": "Broadcaster",
}

# Capitalised words that start sentences or stand before names without being part of them.
_LEADING = {
    "a",
    "about",
    "according",
    "actor",
    "actress",
    "additionally",
    "after",
    "again",
    "also",
    "an",
    "and",
    "as",
    "at",
    "before",
    "besides",
    "but",
    "by",
    "catch",
    "categorized",
    "check",
    "continue",
    "despite",
    "director",
    "during",
    "each",
    "even",
    "filmmaker",
    "finally",
    "following",
    "for",
    "from",
    "further",
    "grieving",
    "heroine",
    "her",
    "here",
    "his",
    "how",
    "however",
    "if",
    "image",
    "in",
    "it",
    "its",
    "like",
    "meanwhile",
    "meet",
    "more",
    "much",
    "musician",
    "need",
    "no",
    "nothing",
    "now",
    "of",
    "on",
    "once",
    "one",
    "our",
    "over",
    "read",
    "returning",
    "she",
    "he",
    "since",
    "so",
    "source",
    "star",
    "still",
    "that",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "to",
    "today",
    "under",
    "unfortunately",
    "until",
    "watch",
    "we",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "yes",
    "you",
    "your",
    "considering",
    "viewers",
    "korean",
    "south",
    "japanese",
    "chinese",
    "american",
    "british",
    "spanish",
    "russian",
    "rookie",
    "legendary",
    "acclaimed",
    "veteran",
    "singer",
    "rapper",
    "composer",
    "producer",
    "writer",
    "screenwriter",
    "cinematographer",
    "editor",
    "former",
    "ex",
    "the",
    "official",
    "netflix's",
    "photo",
    "credit",
    "synopsis",
    "portuguese",
    "norwegian",
    "czech",
    "french",
    "german",
    "italian",
    "indian",
    "canadian",
    "australian",
    "mexican",
    "brazilian",
    "taiwanese",
    "thai",
    "swedish",
    "danish",
    "dutch",
    "polish",
    "irish",
    "scottish",
    "english",
    "oklahoma-born",
    "berlin-based",
    "seoul-based",
    "hip-hop",
    "general",
    "captain",
    "detective",
    "doctor",
    "dr",
    "officer",
    "sergeant",
    "lieutenant",
    "commander",
    "newcomer",
    "novelist",
    "published",
    "behind",
    "trending",
    "teaser",
    "trailer",
    "poster",
    "season",
    "episode",
    "part",
}
# "The" opens titles ("The Call"), so it is dropped only where nothing capitalised follows.
_KEEP_THE = re.compile(r"^The [A-Z]")
_MONTH_WORDS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}

_W = r"(?:\d+(?:st|nd|rd|th)|[A-Z][\w]*(?:[.][A-Za-z]+)*(?:[-‐][\w]+)*(?:\+)?|(?<=[A-Za-z] )[\"“][A-Z]\w*[\"”](?= [A-Z]))"
NAME_RE = re.compile(rf"{_W}(?:[ \t]+{_W})*")
_CONNECT = r"(?:[ \t]+(?:of|the|and the|de|del|la|a|&)[ \t]+|[ \t]*[:–—-][ \t]+|[ \t]+)"
TITLE_RE = re.compile(rf"{_W}(?:{_CONNECT}{_W})*")
EVENT_RE = re.compile(
    r"(?:\d+(?:st|nd|rd|th)[ \t]+)?(?:[A-Z][\w'’.]*[ \t]+){0,5}(?:Awards|Festival)\b"
)
CATEGORY_RE = re.compile(r"\bBest(?:[ \t]+(?:[A-Z][\w'-]*|in a|in|of|a))*[ \t]+[A-Z][\w'-]*")
# "the International Feature Film Award": a named prize in the singular is a category
PRIZE_RE = re.compile(r"\b(?:[A-Z][\w'-]*[ \t]+){1,5}(?:Award|Prize)\b(?!s)")
QUOTED_RE = re.compile(r"(?<![A-Za-z] )[\"“«]([A-Z][^\"”»\n]{0,80}?)[.,]?[\"”»]")
WORK_CUE = re.compile(
    r"(?:\b(?:film|movie|series|show|drama|sitcom|documentary|feature|thriller|play|titles?|"
    r"projects? such as|such as|starred in|stars in|starring in|appeared in|appears in|"
    r"debut(?:ed)? (?:was )?(?:with|in)|roles? in|including|adaptation of|on|in|"
    r"(?:19|20)\d\d)|’s|'s|‘s)[ \t]+$"
)
PRONOUNS = {"she", "he", "her", "his", "him", "they", "their", "them"}


@dataclass
class Entity:
    """One thing the article names: linked to the store (``new`` false) or new."""

    key: int
    kind: str
    label: str
    iri: str = ""
    new: bool = True
    spellings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "iri": self.iri, "type": self.kind, "new": self.new}


@dataclass
class Mention:
    start: int
    end: int
    text: str
    shape: str  # name | title | event | category | known
    kind: str = "Unknown"
    known: str | None = None  # IRI the store gave (exact label match)
    cluster: int = -1

    @property
    def code(self) -> str:
        return CODE.get(self.kind, "U")


def slug(label: str) -> str:
    """The slug curated IRIs use: lower case, ASCII, words joined by hyphens.

    >>> slug("Jeon Jong-seo"), slug("Money Heist: Korea – Joint Economic Area"), slug("D.P.")
    ('jeon-jong-seo', 'money-heist-korea-joint-economic-area', 'd-p')
    """
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unnamed"


def iri_for(kind: str, label: str) -> str:
    folder = KINDS.get(kind, ("entity", kind))[0]
    return f"{ID_NS}{folder}/{slug(label)}"


# -- spans ----------------------------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading capitalised stop words and a trailing possessive or full stop."""
    s = text[start:end]
    while True:
        m = re.match(r"([\w.'’+-]+)[ \t]+", s)
        if not m:
            break
        w = m.group(1).casefold()
        if (w in _LEADING and not (w == "the" and _KEEP_THE.match(s))) or w in _MONTH_WORDS:
            start += m.end()
            s = s[m.end() :]
        else:
            break
    s2 = re.sub(r"(?:['’‘]s?|\.)$", "", s)
    end = start + len(s2)
    if not s2 or s2.casefold() in _LEADING or s2.casefold() in _MONTH_WORDS:
        return None
    if re.fullmatch(r"\d+(?:st|nd|rd|th)?", s2):
        return None
    return start, end


def find_spans(text: str, known: list[tuple[int, int, str]] | None = None) -> list[Mention]:
    """Candidate mentions of ``text``, not overlapping, in order (longest shapes first)."""
    taken: list[Mention] = []

    def free(s: int, e: int) -> bool:
        return all(e <= m.start or s >= m.end for m in taken)

    names = [(m.start(), m.end()) for m in NAME_RE.finditer(text)]
    for s, e, iri in known or []:
        # a known label inside a longer name ("Jeon" of "Jeon Jong-Seo") is not that entity
        inside = any(a <= s and e <= b and (b - a) > (e - s) for a, b in names)
        if free(s, e) and not inside:
            taken.append(Mention(s, e, text[s:e], "known", known=iri))
    for m in EVENT_RE.finditer(text):
        t = _trim(text, m.start(), m.end())
        if t and free(*t) and " " in text[t[0] : t[1]]:
            taken.append(Mention(t[0], t[1], text[t[0] : t[1]], "event"))
    for pattern in (CATEGORY_RE, PRIZE_RE):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                taken.append(Mention(m.start(), m.end(), m.group(0), "category"))
    for m in QUOTED_RE.finditer(text):
        inner = m.group(1).rstrip(".,")
        words = inner.split()
        caps = sum(1 for w in words if w[:1].isupper())
        if (
            0 < len(words) <= 8
            and caps * 2 >= len(words)
            and free(m.start(1), m.start(1) + len(inner))
        ):
            taken.append(Mention(m.start(1), m.start(1) + len(inner), inner, "title"))
    for start in (x.start() for x in re.finditer(r"(?<![\w'’‘-])[A-Z]", text)):
        if not WORK_CUE.search(text[max(0, start - 40) : start]):
            continue
        tm = TITLE_RE.match(text, start)
        if tm is None or " " not in tm.group(0):
            continue
        t = _trim(text, tm.start(), tm.end())
        if not t:
            continue
        s, e = t
        # a title ends before a conjunction joining two titles ("Burning and Mona …")
        if free(s, e):
            taken.append(Mention(s, e, text[s:e], "title"))
    for m in NAME_RE.finditer(text):
        t = _trim(text, m.start(), m.end())
        if not t:
            continue
        s, e = t
        # split at an overlap with a longer shape already taken
        pieces = [(s, e)]
        for x in sorted(taken, key=lambda x: x.start):
            nxt = []
            for a, b in pieces:
                if x.end <= a or x.start >= b:
                    nxt.append((a, b))
                    continue
                if x.start > a:
                    nxt.append((a, x.start))
                if x.end < b:
                    nxt.append((x.end, b))
            pieces = nxt
        for a, b in pieces:
            tt = _trim(text, a, b)
            while tt and text[tt[1] - 1] in " \t":
                tt = (tt[0], tt[1] - 1)
            if tt and text[tt[0] : tt[1]].strip():
                a, b = tt
                taken.append(Mention(a, b, text[a:b], "name"))
    taken.sort(key=lambda m: m.start)
    return taken


def known_spans(doc: Any, phrases: Any) -> list[tuple[int, int, str]]:
    """Spans of the doc that spell a label of an entity in the store (case-insensitive)."""
    if phrases is None:
        return []
    matcher, ids = phrases
    found = []
    for match_id, s, e in matcher(doc):
        span = doc[s:e]
        if not span.text[:1].isupper() and not span.text[:1].isdigit():
            continue
        found.append((span.start_char, span.end_char, ids[match_id]))
    found.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    return found


def store_phrases(store: Store, nlp: Any, limit: int = 50_000) -> Any:
    """A spaCy PhraseMatcher of every label of every entity in ``store`` (None when too many)."""
    from spacy.matcher import PhraseMatcher

    rows = store.select(
        """SELECT ?e ?l WHERE { { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l }
             ?e a ?c . FILTER (?c IN (kg:Person, kg:Film, kg:TVSeries, kg:Play, kg:Work,
               kg:Character, kg:StreamingService, kg:Broadcaster, kg:Festival,
               kg:FestivalEdition, kg:AwardsBody, kg:AwardCeremony, kg:Organization))
           } LIMIT """
        + str(limit + 1)
    )
    if len(rows) > limit:
        return None
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    ids: dict[int, str] = {}
    by_iri: dict[str, list[str]] = {}
    for r in rows:
        label = _val(r["l"])
        if len(label) < 3:
            continue
        by_iri.setdefault(_val(r["e"]), []).append(label)
    for iri, labels in by_iri.items():
        key = nlp.vocab.strings.add(iri)
        ids[key] = iri
        matcher.add(iri, [nlp.make_doc(x) for x in dict.fromkeys(labels)])
    return matcher, ids


def store_types(store: Store, iris: list[str]) -> dict[str, str]:
    """The most specific kgraph class (local name) of each IRI the store knows."""
    import pyoxigraph as ox

    if not iris:
        return {}
    out: dict[str, str] = {}
    rows = store.select(
        "SELECT ?e ?c WHERE { ?e a ?c }", {"e": [ox.NamedNode(i) for i in sorted(set(iris))]}
    )
    # the classes ingest knows, preferred in this order where the class tree leaves a choice
    known = [
        "Film", "TVSeries", "Play", "Person", "Character", "StreamingService", "Broadcaster",
        "NewsOutlet", "FestivalEdition", "Festival", "AwardCeremony", "AwardsBody",
        "Organization", "Work",
    ]  # fmt: skip
    classes: dict[str, set[str]] = {}
    for r in rows:
        c = _val(r["c"])
        if c.startswith(KG_NS) and c[len(KG_NS) :] in known:
            classes.setdefault(_val(r["e"]), set()).add(c)
    tree = class_tree(store)
    prefer = [KG_NS + k for k in known]
    for e, cs in classes.items():
        best = most_specific(cs, tree.ancestors, prefer)
        if best is not None:
            out[e] = best[len(KG_NS) :]
    return out


# -- kinds from the words inside a span ----------------------------------------------------------


def inner_kind(m: Mention) -> str | None:
    t = m.text
    low = t.casefold()
    if m.shape == "category":
        return "Category"
    if low in PLATFORMS:
        return PLATFORMS[low]
    if re.search(r"\bFestival$", t):
        return "FestivalEdition" if re.match(r"\d", t) else "Festival"
    if re.search(r"\bAwards$", t):
        return "AwardCeremony"
    if re.search(r"\b(?:News|Times|Post|Daily|Magazine|Studios|Pictures|Entertainment)$", t):
        return "Organization"
    return None


# -- grouping spellings -------------------------------------------------------------------------


def name_keys(text: str) -> set[str]:
    """Keys shared by the spellings of one name: romanised, in any rotation of its words."""
    from ..linking import normalise, romanised_key

    words = normalise(text).split()
    if not words:
        return set()
    orders = [words]
    if 1 < len(words) <= 4:
        orders += [[*words[1:], words[0]], [words[-1], *words[:-1]]]
    keys = set()
    for ws in orders:
        k = romanised_key(" ".join(ws), joined=True)
        keys.add(k)
        if len(k) >= 8:  # o and u meet in the looser key (Jeon Jong-Soo, a typo of Jong-seo)
            keys.add("~" + k.replace("o", "u"))
    return keys


def cluster(mentions: list[Mention]) -> list[list[Mention]]:
    """Group the mentions that spell one name; a person's partial name joins its full name."""
    from ..linking import romanised_key

    groups: list[list[Mention]] = []
    keys: list[set[str]] = []
    for m in mentions:
        if m.kind == "Category":
            k = {m.text.casefold()}
        else:
            k = name_keys(m.text)
        if m.known:
            k = k | {"iri:" + m.known}
        for i, gk in enumerate(keys):
            same_kind = groups[i][0].kind == m.kind or "Unknown" in (groups[i][0].kind, m.kind)
            if gk & k and same_kind:
                groups[i].append(m)
                gk |= k
                break
        else:
            groups.append([m])
            keys.append(set(k))
    # partial names of people: one or two words that end or start one full name
    full = [
        (i, [romanised_key(w, joined=True) for w in g[0].text.replace("-", " ").split()])
        for i, g in enumerate(groups)
        if g[0].kind in ("Person", "Unknown") and len(g[0].text.split()) >= 2
    ]
    merged: dict[int, int] = {}
    for i, g in enumerate(groups):
        if g[0].kind not in ("Person", "Unknown"):
            continue
        words = g[0].text.replace("-", " ").split()
        if len(words) > 2 or any(len(x.text.split()) >= 3 for x in g):
            continue
        mine = [romanised_key(w, joined=True) for w in words]
        hits = [
            j
            for j, fw in full
            if j != i
            and len(fw) > len(mine)
            and (fw[-len(mine) :] == mine or fw[: len(mine)] == mine)
        ]
        if len(hits) == 1:
            merged[i] = hits[0]
    out: list[list[Mention]] = []
    index: dict[int, int] = {}
    for i, g in enumerate(groups):
        if i in merged:
            continue
        index[i] = len(out)
        out.append(list(g))
    for i, j in merged.items():
        for m in groups[i]:
            m.kind = "Person"
        out[index[j]].extend(groups[i])
    return out


def best_label(group: list[Mention]) -> str:
    """The spelling a new entity is named by: the most frequent of the longest ones."""
    n = max(len(m.text.split()) for m in group)
    counts = Counter(m.text for m in group if len(m.text.split()) == n)
    order = [m.text for m in group]
    return min(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0])))[0]


def resolve_group(store: Store, kind: str, spellings: list[str]) -> tuple[str, str] | None:
    """(IRI, preferred label) of the store's entity these spellings name, by kind."""
    from ..errors import KGraphError
    from ..linking import resolve

    types = {
        "Work": ["Work"],
        "Film": ["Work"],
        "TVSeries": ["Work"],
        "Play": ["Work"],
        "Person": ["Person"],
        "Character": ["Character"],
        "Festival": ["Festival", "FestivalEdition"],
        "FestivalEdition": ["FestivalEdition"],
        "AwardCeremony": ["AwardCeremony", "AwardsBody"],
        "StreamingService": ["Organization"],
        "Broadcaster": ["Organization"],
        "Organization": ["Organization"],
        "Entity": ["Entity"],
    }.get(kind)
    if types is None:
        return None
    for text in sorted(set(spellings), key=lambda s: (-len(s), s)):
        try:
            m = resolve(store, text, types=types)
        except KGraphError:
            continue
        return m.iri, m.label
    return None
