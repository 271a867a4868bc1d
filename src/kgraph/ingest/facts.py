"""Candidate facts: rules over sentence templates, each with evidence and a confidence.

Each sentence is rewritten as a *template*: every mention becomes a placeholder ``⟦P3⟧`` whose
letter is its kind (P person, C character, W work, O organisation, F festival, E award ceremony,
A award category, U not known yet) and every date ``⟦D2⟧``. A rule is a regular expression over
templates whose slots say which kinds they take (``{C:char} \\({P:actor}\\)``). The same rules
first *type* the names (a slot accepts U and votes for its kind), then, once every name has a
kind, *read* the facts (a slot accepts only its kind).

The confidence of a fact is the rule's (how often that pattern is right) times a factor for
each guess it rests on: a pronoun resolved in the same sentence (0.9) or across sentences
(0.75), a work named only as "the film" or taken from the sentences before (0.8-0.9), a year
taken from the article's date (0.9), an award whose category honours a film given to a person
(0.3). :data:`DEFAULT_THRESHOLD` decides what is accepted without review.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..store import Store
from .mentions import (
    CODE,
    Entity,
    Mention,
    _val,
    best_label,
    cluster,
    find_spans,
    inner_kind,
    iri_for,
    known_spans,
    resolve_group,
    store_phrases,
    store_types,
)
from .reading import Article, DateMention

DEFAULT_THRESHOLD = 0.5

RELATIONS = (
    "cast",
    "plays",
    "director",
    "writer",
    "music",
    "producer",
    "cinematographer",
    "editor",
    "release",
    "premiere",
    "award",
    "nomination",
    "partner",
    "genre",
    "earlier_work",
)
KG = "https://kgraph.dev/ontology#"
PREDICATES = {
    "cast": KG + "actedIn",
    "earlier_work": KG + "actedIn",
    "plays": KG + "characterRole",
    "director": KG + "director",
    "writer": KG + "screenwriter",
    "music": KG + "musicBy",
    "producer": KG + "crewMember",
    "cinematographer": KG + "crewMember",
    "editor": KG + "crewMember",
    "release": KG + "releaseOf",
    "premiere": KG + "screenedWork",
    "award": KG + "awardReceived",
    "nomination": KG + "nominatedFor",
    "partner": KG + "unmarriedPartner",
    "genre": KG + "genre",
}
CREW = ("director", "writer", "music", "producer", "cinematographer", "editor")

# Categories that honour a film, not a person: given to a person, they are a misreading.
FILM_CATEGORIES = re.compile(
    r"international feature|foreign language film|best (?:picture|film|feature|documentary|"
    r"animated|international)|palme d|golden (?:lion|bear)|grand prix|best korean film",
    re.IGNORECASE,
)
GENRE_WORDS = (
    r"action|thriller|horror|comedy|drama|romance|romantic|revenge|crime|mystery|fantasy|sci-fi|"
    r"science[- ]fiction|documentary|animated|animation|musical|noir|heist|war|western|"
    r"melodrama|suspense|disaster|zombie|coming-of-age|psychological|historical|sports|teen"
)
_GENRE_RE = re.compile(
    rf"\b((?:(?:{GENRE_WORDS})(?:[- ](?:{GENRE_WORDS}))*))(?= (?:film|movie|series|show|drama|thriller)\b|\.|,|$| and )",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    """One candidate fact, as the JSON contract of ``kgraph ingest`` shows it."""

    relation: str
    subject: Entity
    object: Entity | None = None
    value: str | None = None
    work: Entity | None = None
    confidence: float = 0.0
    evidence: list[tuple[int, int]] = field(default_factory=list)
    rule: str = ""
    detail: dict[str, str] = field(default_factory=dict)  # category, year, platform, role …
    conflicts_with: list[str] = field(default_factory=list)
    conflict_notes: list[str] = field(default_factory=list)
    accepted: bool = False  # at the default threshold
    decision: str | None = None  # accept | reject, after review or --accept-above
    explicit: bool = False  # the work was named in the matched words

    @property
    def predicate(self) -> str:
        return PREDICATES[self.relation]

    def key(self) -> tuple[Any, ...]:
        return (
            self.relation,
            self.subject.iri,
            self.object.iri if self.object else None,
            self.value,
            self.work.iri if self.work else None,
            tuple(sorted(self.detail.items())),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "relation": self.relation,
            "predicate": self.predicate,
            "subject": self.subject.to_json(),
            "object": self.object.to_json() if self.object else None,
            "value": self.value,
            "work": self.work.to_json() if self.work else None,
            "confidence": round(self.confidence, 3),
            "accepted": self.accepted,
            "evidence": [{"start": s, "end": e} for s, e in self.evidence],
            "conflicts_with": list(self.conflicts_with),
            "detail": dict(sorted(self.detail.items())),
        }

    def statement(self) -> str:
        """The fact in a few words (for the review view and the text output)."""
        s = self.subject.label
        w = f" in {self.work.label}" if self.work else ""
        d = self.detail
        r = self.relation
        if r == "plays":
            return f"{s} plays {self.object.label if self.object else '?'}{w}"
        if r in ("cast", "earlier_work"):
            return f"{s} acted{w}" + (" (earlier work)" if r == "earlier_work" else "")
        if r in CREW:
            role = d.get("role", {"music": "music director", "writer": "screenwriter"}.get(r, r))
            return f"{s} is the {role} of {self.work.label if self.work else '?'}"
        if r == "release":
            where = f" on {self.object.label}" if self.object else ""
            return f"{s} released{where} on {self.value}"
        if r == "premiere":
            when = f" on {self.value}" if self.value else ""
            return f"{s} premiered at {self.object.label if self.object else '?'}{when}"
        if r in ("award", "nomination"):
            at = f" at {self.object.label}" if self.object else ""
            yr = f" {d['year']}" if d.get("year") and self.object else ""
            verb = "won" if r == "award" else "was nominated for"
            return f"{s} {verb} {d.get('category', '?')}{at}{yr}{' for ' + self.work.label if self.work else ''}"
        if r == "partner":
            since = f" since {self.value}" if self.value else ""
            return f"{s} and {self.object.label if self.object else '?'} are a couple{since}"
        if r == "genre":
            v = self.value or "?"
            return f"{s} is {'an' if v[:1].lower() in 'aeiou' else 'a'} {v}"
        return r


# -- templates ------------------------------------------------------------------------------------


@dataclass
class Template:
    index: int  # sentence number
    start: int
    end: int
    text: str  # the template
    slots: dict[str, Any]  # placeholder -> Mention | DateMention
    origin: list[int]  # template offset -> text offset

    def at(self, pos: int) -> int:
        return self.origin[min(pos, len(self.origin) - 1)]


def make_template(
    article: Article, index: int, mentions: list[Mention], kinds: dict[int, str]
) -> Template:
    s, e = article.sentences[index]
    plain = article.plain
    items: list[tuple[int, int, str, Any]] = []
    for i, m in enumerate(mentions):
        if s <= m.start and m.end <= e:
            code = CODE.get(kinds.get(m.cluster, m.kind), "U")
            items.append((m.start, m.end, f"⟦{code}{i}⟧", m))
    for j, d in enumerate(article.dates):
        if s <= d.start and d.end <= e and all(d.end <= a or d.start >= b for a, b, _, _ in items):
            items.append((d.start, d.end, f"⟦D{j}⟧", d))
    items.sort()
    out: list[str] = []
    origin: list[int] = []
    slots: dict[str, Any] = {}
    pos = s
    for a, b, ph, obj in items:
        seg = plain[pos:a]
        out.append(seg)
        origin.extend(range(pos, a))
        out.append(ph)
        origin.extend([a] * (len(ph) - 1) + [b - 1])
        slots[ph] = obj
        pos = b
    out.append(plain[pos:e])
    origin.extend(range(pos, e))
    origin.append(e)
    text = "".join(out).replace("\n", " ")
    return Template(index, s, e, text, slots, origin)


# -- rules ----------------------------------------------------------------------------------------

_SLOT = re.compile(r"\{([A-Z]+):(\w+)\}")
_KINDS_OF = {
    "P": "Person",
    "C": "Character",
    "W": "Work",
    "O": "Organization",
    "F": "Festival",
    "E": "AwardCeremony",
    "A": "Category",
}
PRON = r"(?:[Ss]he|[Hh]e|[Hh]er|[Hh]is|[Hh]im|[Tt]hey|[Tt]he actress|[Tt]he actor)"


def _compile(pattern: str, typing: bool) -> re.Pattern[str]:
    def slot(m: re.Match[str]) -> str:
        code, name = m.group(1), m.group(2)
        if code == "D":
            return rf"(?P<{name}>⟦D\d+⟧)"
        if code == "PR":  # a person or a pronoun standing for one
            cls = "[PU]" if typing else "P"
            return rf"(?P<{name}>⟦{cls}\d+⟧|\b{PRON}\b)"
        cls = f"[{code}U]" if typing and code in "PCWO" else code
        return rf"(?P<{name}>⟦{cls}\d+⟧)"

    return re.compile(_SLOT.sub(slot, pattern))


@dataclass(frozen=True)
class Rule:
    name: str
    relation: str | None  # None: a typing cue only
    pattern: str
    confidence: float = 0.8
    when: str | None = None  # the sentence must match this too (case-insensitive)
    types: bool = True  # whether the rule also votes for the kinds of unknown names

    def compiled(self, typing: bool) -> re.Pattern[str]:
        return _compiled(self.pattern, typing)


_cache: dict[tuple[str, bool], re.Pattern[str]] = {}


def _compiled(pattern: str, typing: bool) -> re.Pattern[str]:
    key = (pattern, typing)
    if key not in _cache:
        _cache[key] = _compile(pattern, typing)
    return _cache[key]


_W_INTRO = r"(?:the |a |an |its |his |her )?(?:(?:[\w-]+|⟦[DO]\d+⟧) ){0,4}?"
RULES: tuple[Rule, ...] = (
    # --- typing cues ---------------------------------------------------------------------------
    Rule("film-cue", None, r"\b(?:film|movie|feature|thriller)s? {W:w}"),
    Rule("film-comma-cue", None, r"\b(?:film|movie|series|show), {W:w}(?=[.,]| is\b)"),
    Rule(
        "is-a-film-cue",
        None,
        r"{W:w} is an? (?:[\w-]+ |⟦O\d+⟧ ){0,3}?(?:film|movie|series|thriller|drama|documentary|show)\b",
    ),
    Rule("series-cue", None, r"\b(?:series|show|dramas?|sitcoms?|miniseries) {W:w}"),
    Rule("year-paren", None, r"{W:w} \((?:⟦D\d+⟧)\)"),
    Rule(
        "acted-in-cue",
        None,
        r"(?i:played|starred|appeared|acted|roles?|cameos?|debut|projects?|titles?|such as) (?:[\w’'-]+ ){0,3}?(?:in|on) (?:the )?{W:w}",
    ),
    Rule("works-possessive", None, r"{W:w}[’'‘]s (?:director|\w+ (?:film|movie|series))"),
    Rule(
        "person-cue",
        None,
        r"(?i:director|filmmaker|actress|actor|musician|musical artist|rapper|singer|composer|"
        r"screenwriter|writer|cinematographer|editor|co-star|stars?|artist)s? {P:p}",
    ),
    Rule(
        "person-is",
        None,
        r"{P:p} (?:is|was) an? (?:\w+ ){0,3}?(?:actor|actress|director|filmmaker|singer|rapper|musician)",
    ),
    # --- characters --------------------------------------------------------------------------
    Rule(
        "paren",
        "plays",
        r"{C:char}[”\"]?,? \((?:played by |portrayed by |voiced by )?(?:⟦W\d+⟧[’'‘]s )?{P:actor}\)",
        0.85,
    ),
    Rule(
        "played-by", "plays", r"{C:char},? (?:who is |was )?(?:played|portrayed) by {P:actor}", 0.85
    ),
    Rule(
        "as",
        "plays",
        r"(?<!role )(?<!roles )(?<!cameo ){P:actor} as (?:(?:Captain|General|Detective|Doctor|Dr\.?|Officer|Sergeant|Lieutenant|Commander) )?{C:char}(?! in ⟦)",
        0.85,
    ),
    Rule(
        "as-in",
        "plays",
        rf"(?<!role )(?<!roles ){{P:actor}} as (?:(?:Captain|General|Detective|Doctor|Officer) )?{{C:char}} (?:in|on) {_W_INTRO}{{W:work}}",
        0.85,
    ),
    Rule(
        "appeared-as",
        "plays",
        rf"{{PR:actor}} (?:\w+ ){{0,2}}?(?:appeared|appears|starred|stars) in {_W_INTRO}{{W:work}} as (?:\w+ )?{{C:char}}",
        0.8,
    ),
    Rule(
        "plays",
        "plays",
        r"{PR:actor}(?:[’']ll)? (?:then |also |will |later |once )?(?:plays|played|portrays|portrayed|play|portray|is playing)"
        r" (?:the role of |the (?:[\w’'-]+ ){0,4}?|a (?:[\w-]+ ){0,3}?)?(?:[\w,’'-]+ ){0,4}?{C:char}"
        r"(?:, (?:[\w’'-]+ ){0,6}?(?:in|on) {W:work})?",
        0.8,
    ),
    Rule(
        "role-of",
        "plays",
        r"{PR:actor} (?:\w+ ){0,3}?(?:embrace|take on|takes on|took on|take|takes|took|land|lands|landed|has|had|played|plays|play)s? the role of (?:the |a )?(?:[a-z][\w'-]* ){0,3}{C:char}"
        rf"(?: (?:in|on) {_W_INTRO}{{W:work}})?",
        0.8,
    ),
    Rule(
        "role-as",
        "plays",
        rf"{{PR:actor}} (?:[\w’',-]+ ){{0,8}}?(?:role|roles|cameo) (?:was |is )?as (?:or )?(?:[a-z][\w-]* |[A-Z][a-z]+ (?=[a-z])){{0,3}}{{C:char}}"
        rf"(?: or {{C:alias}})?(?:,[^⟦]{{0,40}}?,)?(?: (?:in|on) {_W_INTRO}{{W:work}})?",
        0.75,
    ),
    Rule(
        "where-played",
        "plays",
        r"{W:work}, where {PR:actor} (?:played|plays) (?:[\w,-]+ ){0,8}?{C:char}",
        0.8,
    ),
    Rule(
        "char-in-work",
        "plays",
        rf"(?:, |and |including |as ){{C:char}} in {_W_INTRO}{{W:work}}",
        0.7,
        when=r"\broles?\b|\bplay",
    ),
    # --- cast ----------------------------------------------------------------------------------
    Rule("starring", "cast", r"(?:starring|featuring|stars) (?:actress |actor )?{P:actor}", 0.8),
    Rule(
        "starred-in",
        "cast",
        rf"{{PR:actor}} (?:\w+ )?(?:starred|stars|starring|appeared|appears|acted|acts|works|worked|collaborated|featured) (?:together )?(?:in|on) (?:{_W_INTRO}{{W:work}}|(?:that|this|the same) (?:film|movie|series|show|production))",
        0.75,
    ),
    Rule(
        "lead-role-in",
        "cast",
        r"{PR:actor} [^.]{0,80}?(?:lead|leading|main|supporting|starring) role in {W:work}",
        0.75,
    ),
    Rule(
        "such-as",
        "earlier_work",
        r"{PR:actor} (?:[\w’'-]+ ){0,6}?(?:in|on) (?:other |major |many )?(?:projects|titles|works|films|series|dramas) (?:such as|including|like) {W:work}",
        0.7,
    ),
    Rule(
        "debut-in",
        "earlier_work",
        rf"{{PR:actor}} (?:[\w’'-]+ ){{0,6}}?debut (?:was )?(?:in|with) {_W_INTRO}{{W:work}}",
        0.7,
    ),
    Rule("also-starring", "cast", r"{W:work}, (?:also )?starring {P:actor}", 0.8),
    Rule(
        "they-in",
        "cast",
        r"\((?:they|both) (?:\w+ ){0,2}?(?:played|starred|appeared|worked|acted) (?:[\w-]+ ){0,3}?(?:in|on) {W:work}",
        0.7,
    ),
    # --- crew ----------------------------------------------------------------------------------
    Rule(
        "written-directed", "writer", r"(?i:written and directed) by (?:[\w-]+ ){0,3}?{P:p}", 0.85
    ),
    Rule("directed-by", "director", r"(?:[Dd]irected|[Hh]elmed) by (?:[\w-]+ ){0,3}?{P:p}", 0.85),
    Rule(
        "written-by",
        "writer",
        r"(?:[Ww]ritten|[Pp]enned|[Ss]cripted) by (?:[\w-]+ ){0,3}?{P:p}",
        0.8,
    ),
    Rule("play-by", "writer", r"{W:work}, (?:the |a )?(?:[\w-]+ )?play by {P:p}", 0.8),
    Rule("produced-by", "producer", r"[Pp]roduced by (?:[\w-]+ ){0,3}?{P:p}", 0.8),
    Rule(
        "shot-by",
        "cinematographer",
        r"(?:[Ss]hot|[Ll]ensed|[Pp]hotographed) by (?:[\w-]+ ){0,3}?{P:p}",
        0.75,
    ),
    Rule("edited-by", "editor", r"[Ee]dited by (?:[\w-]+ ){0,3}?{P:p}", 0.8),
    Rule(
        "music-by",
        "music",
        r"(?:[Mm]usic|[Ss]core|[Ss]oundtrack)(?: is)? (?:composed )?by (?:[\w-]+ ){0,3}?{P:p}",
        0.8,
    ),
    Rule(
        "serves-as",
        "music",
        r"{P:p}\)?,? (?:[^⟦.]{0,120}?)(?:serves|served|will serve|is|was|joins|joined) (?:as )?(?:the |a )?(?:movie[’']s |film[’']s |series[’'] )?(?:music director|composer)",
        0.75,
    ),
    Rule(
        "role-serves-as",
        None,
        r"{P:p},? (?:who )?(?:serves|served|will serve) as (?:the |a )?(?:movie[’']s |film[’']s )?(?P<role>cinematographer|editor|producer|director of photography)",
        0.75,
    ),
    Rule(
        "directors-film",
        "director",
        r"(?:[Dd]irector|[Ff]ilmmaker) {P:p}[’'‘]s (?:[\w-]+ ){0,3}?{W:work}",
        0.8,
    ),
    Rule(
        "is-directors",
        "director",
        r"{W:work} is (?:director |filmmaker )?{P:p}[’'‘]s (?:\w+ ){0,3}?(?:feature|film|movie|work)",
        0.8,
    ),
    Rule(
        "debut-with",
        "director",
        rf"(?:[Dd]irector|[Ff]ilmmaker) {{P:p}} (?:made|makes) (?:his|her|their) (?:[\w-]+ ){{0,3}}?debut with {_W_INTRO}(?:{{O:o}}[’'‘]s )?{{W:work}}",
        0.85,
    ),
    Rule(
        "with-director-on",
        "director",
        rf"with (?:the )?director {{P:p}} (?:on|in|for) {_W_INTRO}{{W:work}}",
        0.8,
    ),
    Rule(
        "director-who-with",
        "director",
        rf"(?:[Dd]irector|[Ff]ilmmaker) {{P:p}}, who (?:[\w-]+ ){{0,3}}?(?:collaborated|worked|teamed up) with {{P:other}} (?:in|on) {_W_INTRO}{{W:work}}",
        0.8,
    ),
    Rule(
        "reunites-after",
        "director",
        r"reunites (?:director|filmmaker) {P:p} and (?:actress |actor )?{P:other} after (?:collaborating|working) (?:on|in) [“\"]?{W:work}",
        0.7,
    ),
    Rule(
        "director-debut",
        "director",
        rf"(?:[Hh]is|[Hh]er) debut was with {_W_INTRO}{{W:work}}",
        0.6,
        when=r"\bdirector\b",
    ),
    # --- release, premiere ---------------------------------------------------------------------
    Rule(
        "release-on",
        "release",
        r"(?i:releas\w*|premier\w*|arriv\w*|stream\w*|available|starting|catalog|comes out|hits?|lands?|launch\w*|release date)\b[^⟦]{0,60}?(?:on|for|from) {D:date}",
        0.8,
    ),
    Rule("release-year", "release", r"{W:work}[’'‘]s {D:date} release", 0.6),
    Rule(
        "premiere-at",
        "premiere",
        r"(?i:premiere|premiered|premieres|debut|debuts|debuted|screen|screens|screened|official selection|selection) (?:\w+ ){0,2}?(?:at|for|in|of) (?:the )?{F:fest}",
        0.8,
    ),
    # --- awards --------------------------------------------------------------------------------
    Rule(
        "won-award",
        "award",
        r"{PR:rec} (?:\w+ ){0,2}?(?:won|wins|received|receives|took home|takes home|picked up|claimed|earned|was awarded|bagged|scooped)"
        r" (?:the |an |a |multiple |several |two |three )?(?:awards? |prizes? |trophy |trophies )?(?:for |of )?(?:the )?{A:cat}",
        0.8,
    ),
    Rule(
        "nominated",
        "nomination",
        r"{PR:rec} (?:\w+ ){0,3}?(?:nominations?|nominated|nod|nods) (?:\w+ ){0,2}?(?:for|in) (?:the )?{A:cat}",
        0.8,
    ),
    # --- relationships -------------------------------------------------------------------------
    Rule(
        "couple",
        "partner",
        r"{PR:a} and {P:b} (?:have |had )?(?:also )?(?:been|are|were|became) (?:a couple|dating|married|engaged|partners|in a relationship)(?: since {D:since})?",
        0.85,
    ),
    Rule(
        "dating",
        "partner",
        r"{PR:a} (?:is|has been|was|got) (?:dating|married to|engaged to|in a relationship with) {P:b}(?: since {D:since})?",
        0.85,
    ),
    Rule(
        "the-two-romance",
        "partner",
        r"(?i:the two|they|both)\b[^⟦]{0,60}?(?:romantically involved|a couple|dating|in a relationship|married)",
        0.6,
    ),
)


_AS_VERBS = (
    r"(?:leads?|stars?|starring|heads? the cast|co-stars?|appears?|joins?|returns?|features?|"
    r"turns? up(?: [\w ]{0,30}?)?|comes? aboard|is cast|was cast|has been cast|takes? over)"
)
_GENRE_PHRASE = rf"(?:{GENRE_WORDS})(?:[- ](?:{GENRE_WORDS}))*"
MORE_RULES: tuple[Rule, ...] = (
    # --- more typing cues ----------------------------------------------------------------------
    Rule(
        "appositive-work",
        None,
        r"{W:w}, (?:an?|the) (?:[\w-]+ ){0,4}?(?:film|movie|series|thriller|drama|documentary|comedy|miniseries|show|feature|western|musical)\b",
    ),
    Rule(
        "work-verbs",
        None,
        r"{W:w} (?:will |is set to |is expected to )?(?:premieres?|releases?|launch(?:es)?|streams?|starts? streaming|opens?|is streaming|will stream)\b",
    ),
    Rule("release-of", None, r"(?i:release|premiere|screening|debut) of {W:w}"),
    Rule(
        "lead-work",
        None,
        r"(?i:signed on to lead|to star in|is back with|returns with|been cast in|cast in|producer on|music for|score for) {W:w}",
    ),
    Rule(
        "credited-cue",
        None,
        r"(?i:newcomer|novelist|co-star|producer|editor|cinematographer|composer|artist|director) {P:p}",
    ),
    # --- characters --------------------------------------------------------------------------
    Rule(
        "verb-as",
        "plays",
        rf"{{P:actor}}(?:, [^.⟦]{{0,40}}?(?:⟦W\d+⟧)?,)? (?:also )?{_AS_VERBS} as (?:the |a |an |her |his )?(?:[a-z][\w'-]* ){{0,4}}(?:(?:Captain|General|Detective|Doctor|Officer) )?{{C:char}}",
        0.85,
    ),
    Rule(
        "and-as",
        "plays",
        r"(?:, |and |alongside (?:[a-z]+ ){0,2}?){P:actor} as (?:the |a |an |her |his )?(?:[a-z][\w'-]* ){0,4},? ?{C:char}",
        0.8,
    ),
    Rule(
        "desc-played-by",
        "plays",
        r"{C:char}, (?:a|an|the) (?:[\w’'-]+ ){0,6}?(?:played|portrayed) by (?:[\w-]+ ){0,2}?{P:actor}",
        0.8,
    ),
    Rule(
        "who-plays",
        "plays",
        r"{P:actor},? who (?:plays|played|will play|portrays|portrayed) (?:the |a |an )?(?:[\w’'-]+ ){0,4}?(?:[\w’'-]+, )?(?:named )?{C:char}"
        rf"(?: in {_W_INTRO}{{W:work}})?",
        0.8,
    ),
    Rule("went-to", "plays", r"(?:[Tt]hat|[Tt]he) (?:part|role) went to {P:actor}", 0.6),
    Rule(
        "wrote-and-directed",
        "writer",
        r"{PR:p} (?:both |also )?(?:wrote and directed|co-wrote and directed)",
        0.8,
    ),
    Rule(
        "director-returns-with",
        "director",
        r"(?:[Dd]irector|[Ff]ilmmaker) {P:p} (?:returns|is back|comes back|is returning)[^.⟦]{0,40}? with (?:her|his|their) (?:new |latest |next )?(?:[\w-]+ )?(?:film|movie|series|feature|documentary) {W:work}",
        0.8,
    ),
    Rule(
        "cinematographer-filmed",
        "cinematographer",
        r"\bcinematographer {P:p} (?:shot|filmed|lensed|photographed)\b",
        0.75,
    ),
    Rule(
        "will-shoot",
        "director",
        r"(?:[Dd]irector|[Ff]ilmmaker) {P:p},[^.]{0,80}?, will (?:shoot|direct|helm) (?:the film|it|the series)",
        0.75,
    ),
    Rule(
        "trophy-for-work",
        None,
        r"(?i:won|nominated|trophy|prize|award)[^.⟦]{0,40}? for {W:w}",
        0.75,
    ),
    Rule(
        "name-with",
        "earlier_work",
        r"{PR:actor} (?:[\w’'-]+ ){0,6}?(?:a name for (?:herself|himself|themselves)|(?:best |well |most )?known) (?:with|for) (?:[\w’'-]+ ){0,2}?(?:⟦[PU]\d+⟧[’'‘]s )?{W:work}",
        0.7,
    ),
    Rule(
        "person-s-work",
        "director",
        r"(?<![Dd]irector )(?<![Ff]ilmmaker ){P:p}[’'‘]s (?:(?:[a-z][\w-]* ){0,2}(?:film |movie |drama |thriller )?)?{W:work}",
        0.55,
        types=False,
    ),
    Rule(
        "projects-such-as",
        "earlier_work",
        r"(?:in|on) (?:other |major |many )?(?:projects|titles|works|films|series|dramas) (?:such as|including|like) {W:work}",
        0.65,
    ),
    Rule(
        "debut-year",
        "release",
        r"debut (?:in|with) (?:the )?(?:[\w-]+ )?{W:work} in {D:date}",
        0.55,
    ),
    Rule("the-year-work", "release", r"\bthe {D:date} {W:work}", 0.55),
    Rule(
        "work-reunites-director",
        "director",
        r"{W:work}[”\"]? reunites (?:director|filmmaker) {P:p}",
        0.7,
    ),
    # --- cast ----------------------------------------------------------------------------------
    Rule(
        "signed-to-lead",
        "cast",
        r"{PR:actor} (?:has |have )?(?:signed on|signed|is set|been cast|was cast|has been cast|is cast) (?:to (?:lead|star in|join) |in )(?:the )?{W:work}",
        0.8,
    ),
    Rule("opposite", "cast", r"\bopposite {P:actor}", 0.7),
    Rule(
        "best-known-for",
        "earlier_work",
        r"{P:actor}, (?:best|most|well|also) known (?:abroad |internationally )?for {W:work}",
        0.75,
    ),
    Rule("work-lead", "earlier_work", r"{W:work} (?:lead|star|actress|actor) {P:actor}", 0.65),
    Rule(
        "both-appeared", "cast", r"both {P:actor} and {P:actor2} (?:appeared|starred|acted)", 0.75
    ),
    Rule(
        "starred-in-list",
        "earlier_work",
        rf"{{PR:actor}} (?:\w+ )?(?:previously |also |once )?(?:starred|appeared|acted) in {_W_INTRO}{{W:work}}(?:,? and (?:in )?{_W_INTRO}{{W:work2}})",
        0.75,
    ),
    # --- crew ----------------------------------------------------------------------------------
    Rule(
        "from-director",
        "director",
        r"(?:[Ff]ilm|[Ff]eature|title|[Mm]ovie|[Ss]eries|{W:work}) from (?:[\w-]+ ){0,3}?(?:director|filmmaker) {P:p}",
        0.8,
    ),
    Rule(
        "director-back-with",
        "director",
        r"(?:[Dd]irector|[Ff]ilmmaker) {P:p},? (?:is back|returns|comes back) with {W:work}",
        0.8,
    ),
    Rule(
        "whose-debut",
        "director",
        r"(?:[Dd]irector|[Ff]ilmmaker) {P:p}, whose debut,? {W:work}",
        0.8,
    ),
    Rule(
        "her-debut",
        "director",
        r"{PR:p} (?:[\w’'-]+ ){0,10}?(?:for )?(?:his|her|their) debut,? (?:film )?{W:work}",
        0.6,
        when=r"\bdirector",
    ),
    Rule("the-p-film", "director", r"\bthe {P:p} (?:film|movie)\b", 0.6),
    Rule("directed-from", "director", r"{PR:p} directed (?:from|it|the film)\b", 0.75),
    Rule(
        "screenplay-by",
        "writer",
        r"(?:screenplay|script) (?:is )?(?:by|credited to|written by) (?:[\w-]+ ){0,2}?{P:p}",
        0.8,
    ),
    Rule(
        "wrote-script",
        "writer",
        r"{PR:p} (?:also )?(?:wrote|co-wrote|writes) (?:the )?(?:script|screenplay)(?: with (?:the )?(?:[\w-]+ ){0,2}?{P:other_writer})?",
        0.8,
    ),
    Rule(
        "script-she-wrote",
        "writer",
        r"(?:script|screenplay) {PR:p} (?:co-)?wrote with (?:the )?(?:[\w-]+ ){0,2}?{P:other_writer}",
        0.8,
    ),
    Rule("film-he-wrote", "writer", r"(?:film|movie|series|script) {PR:p} also wrote", 0.75),
    Rule(
        "created-written-by",
        "writer",
        r"(?:created and )?written by (?:[\w-]+ ){0,2}?{P:p}(?: and {P:other_writer})?",
        0.8,
    ),
    Rule(
        "composed-music",
        "music",
        r"{PR:p} (?:also )?(?:composed|composes|wrote|will compose|will also compose|to write|signed to write|will write) (?:the |its |an original )?(?:music|score|soundtrack)(?: for {W:work})?",
        0.75,
    ),
    Rule("who-scored", "music", r"{P:p}, who (?:also )?scored {W:work}", 0.8),
    Rule(
        "produced-it",
        "producer",
        r"{PR:p},? (?:who )?(?:also )?(?:produced|produces|co-produced) (?:it|the film|the series|the documentary|through)\b",
        0.75,
    ),
    Rule(
        "producer-on",
        "producer",
        r"{PR:p} (?:is|was|serves as) (?:a |the )?producer on {W:work}",
        0.8,
    ),
    Rule(
        "its-producer",
        "producer",
        r"(?:its|the film’s|the film's|the series’) producer,? {P:p}",
        0.75,
    ),
    Rule("producer-accepted", "producer", r"\bproducer {P:p} (?:accepted|said|described)", 0.6),
    Rule(
        "shot-the-film",
        "cinematographer",
        r"{P:p} (?:shot|filmed|lensed) (?:the film|it|the series|the [A-Z]?\w+ )",
        0.75,
    ),
    Rule(
        "will-be-shot-by",
        "cinematographer",
        r"(?:will be |was |is )?shot by (?:cinematographer )?{P:p}",
        0.75,
    ),
    Rule("editor-cut", "editor", r"(?:editor )?{P:p} (?:edited|cut) (?:it|the film|a )", 0.75),
    Rule(
        "and-as-role",
        None,
        r"and {P:p} as (?P<role>cinematographer|editor|producer|composer|music director)",
        0.75,
    ),
    # --- release, premiere ---------------------------------------------------------------------
    Rule("release-of-on", "release", r"{D:date} (?:release|premiere|launch) of {W:work}", 0.75),
    Rule(
        "release-verb-date",
        "release",
        r"(?i:releas\w*|arriv\w*|stream\w*|launch\w*|reach(?:ed|es)?|opens?|open the film|in cinemas|hits?)\b[^.]{0,80}?(?:on|from) {D:date}",
        0.75,
    ),
    Rule("release-box", "release", r"(?i:release)[:–-] {D:date}", 0.75),
    Rule("work-year", "release", r"{W:work} \({D:date}\)", 0.6),
    Rule(
        "year-film",
        "release",
        r"the {D:date} (?:[\w-]+ ){0,2}?(?:film|movie|series|western|thriller|drama|documentary) {W:work}",
        0.55,
    ),
    Rule(
        "premiere-in",
        "premiere",
        r"(?i:premiere|premiered|premieres|debuts?|debuted|screens?|screened)\b[^.]{0,60}?(?:at|in|of) (?:the )?{F:fest}",
        0.8,
    ),
    Rule(
        "premiere-the-festival", "premiere", r"(?i:premiere|premiered|debuted) at the festival", 0.7
    ),
    # --- awards --------------------------------------------------------------------------------
    Rule(
        "named-award",
        "award",
        r"{PR:rec}(?:,? who)? (?:\w+ ){0,2}?(?:was named|named|went home with|won|wins|took|claimed|picked up) (?:the )?(?:⟦U\d+⟧ for )?{A:cat}",
        0.8,
    ),
    Rule("trophy-went-to", "award", r"(?:trophy|award|prize) went to (?:[\w-]+ )?{P:rec}", 0.75),
    # --- relationships -------------------------------------------------------------------------
    Rule(
        "possessive-partner",
        "partner",
        r"{P:a}, {P:b}[’'‘]s (?:partner|wife|husband|girlfriend|boyfriend|spouse)(?: since {D:since})?",
        0.8,
    ),
    Rule(
        "her-partner",
        "partner",
        r"(?:[Hh]er|[Hh]is) (?:partner|husband|wife|spouse|girlfriend|boyfriend)(?: and co-star)?,? (?:the )?(?:[\w-]+ ){0,2}?{P:b}",
        0.7,
    ),
)
RULES = RULES + MORE_RULES
HEDGES = re.compile(
    r"\b(?:not|never|no longer|rumou?red|may|might|could|reportedly|declined|turned down|hoped to|would|if)\b|n[’']t\b",
    re.IGNORECASE,
)


# -- reading facts --------------------------------------------------------------------------------


class Reader:
    """Reads one article against one store: mentions, entities, candidate facts."""

    def __init__(self, article: Article, store: Store, *, owned: set[str] | None = None) -> None:
        self.a = article
        self.store = store
        self.owned = owned or set()  # entities only this source defines: reported as new
        self.mentions: list[Mention] = []
        self.groups: list[list[Mention]] = []
        self.kinds: dict[int, str] = {}
        self.entities: dict[int, Entity] = {}
        self.templates: list[Template] = []
        self.salient: dict[int, list[int]] = {}  # sentence -> person clusters, in order
        self.candidates: list[Candidate] = []
        self._directors: set[int] | None = None
        self._genders: dict[int, str] | None = None

    # mentions and kinds
    def find_mentions(self, phrases: Any) -> None:
        known = known_spans(self.a.doc, phrases) if phrases is not None else []
        # dates are never names
        spans = [
            m
            for m in find_spans(self.a.plain, known)
            if all(m.end <= d.start or m.start >= d.end for d in self.a.dates)
        ]
        # a name the store knows in another spelling ("Park Yoo-rim") is that entity
        looked: dict[str, str | None] = {}
        for m in spans:
            if m.known or m.shape == "category" or inner_kind(m):
                continue
            if m.text not in looked:
                found = resolve_group(self.store, "Entity", [m.text])
                looked[m.text] = found[0] if found else None
            m.known = looked[m.text]
        types = store_types(self.store, [m.known for m in spans if m.known])
        for m in spans:
            if m.known and m.known in types:
                m.kind = types[m.known]
            else:
                m.known = None
                k = inner_kind(m)
                if k:
                    m.kind = k
        self.mentions = spans
        self._group()

    def _group(self) -> None:
        self.groups = cluster(self.mentions)
        self.kinds = {}
        for gi, g in enumerate(self.groups):
            for m in g:
                m.cluster = gi
            kinds = [m.kind for m in g if m.kind != "Unknown"]
            self.kinds[gi] = Counter(kinds).most_common(1)[0][0] if kinds else "Unknown"

    def type_names(self) -> None:
        """Give every unknown name the kind the rules vote for; three rounds, then regroup."""
        for _ in range(3):
            votes: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            self._templates()
            for t in self.templates:
                for rule in RULES:
                    if not rule.types:
                        continue
                    for m in rule.compiled(True).finditer(t.text):
                        phs = [ph for ph in m.groupdict().values() if ph and ph.startswith("⟦")]
                        clusters = {
                            t.slots[ph].cluster
                            for ph in phs
                            if isinstance(t.slots.get(ph), Mention)
                        }
                        if len(clusters) < len([ph for ph in phs if not ph.startswith("⟦D")]):
                            continue
                        for name, ph in m.groupdict().items():
                            if not ph or not ph.startswith("⟦U"):
                                continue
                            code = _slot_code(rule.pattern, name)
                            if code and code in _KINDS_OF:
                                mention = t.slots[ph]
                                weight = 2.0 if rule.relation is None else rule.confidence
                                votes[mention.cluster][_KINDS_OF[code]] += weight
            changed = False
            for gi, v in votes.items():
                if self.kinds.get(gi, "Unknown") == "Unknown" and v:
                    self.kinds[gi] = max(v.items(), key=lambda kv: kv[1])[0]
                    changed = True
            if not changed:
                break
        for gi, g in enumerate(self.groups):
            for mention in g:
                if mention.kind == "Unknown":
                    mention.kind = self.kinds.get(gi, "Unknown")
                # a known-kind-general mention of a specific cluster keeps the specific kind
        self._group()
        self._templates()

    def _templates(self) -> None:
        self.templates = [
            make_template(self.a, i, self.mentions, self.kinds)
            for i in range(len(self.a.sentences))
        ]

    # entities
    def link(self) -> None:
        for gi, g in enumerate(self.groups):
            kind = self.kinds.get(gi, "Unknown")
            if kind in ("Unknown", "Category"):
                continue
            known = [m.known for m in g if m.known]
            spellings = list(dict.fromkeys(m.text for m in g))
            found: tuple[str, str] | None = None
            if known:
                found = (Counter(known).most_common(1)[0][0], "")
            else:
                found = resolve_group(self.store, kind, spellings)
            if found:
                iri, label = found
                if not label:
                    label = _pref_label(self.store, iri) or best_label(g)
                types = store_types(self.store, [iri])
                ent_kind = types.get(iri, kind)
                self.entities[gi] = Entity(gi, ent_kind, label, iri, iri in self.owned, spellings)
            else:
                label = best_label(g)
                self.entities[gi] = Entity(gi, kind, label, iri_for(kind, label), True, spellings)
        # salient people per sentence (for pronouns): first the named ones, in order
        for t in self.templates:
            ppl = []
            for ph, obj in sorted(t.slots.items(), key=lambda kv: t.text.index(kv[0])):
                if (
                    isinstance(obj, Mention)
                    and self.kinds.get(obj.cluster) == "Person"
                    and obj.cluster not in ppl
                ):
                    ppl.append(obj.cluster)
            self.salient[t.index] = ppl

    # helpers for rules
    def entity(self, ph: str, t: Template) -> Entity | None:
        obj = t.slots.get(ph)
        if isinstance(obj, Mention):
            return self.entities.get(obj.cluster)
        return None

    def genders(self) -> dict[int, str]:
        """ "f" or "m" for the people the article marks: "actress X", "X … she" (one person)."""
        if self._genders is None:
            votes: dict[int, Counter[str]] = defaultdict(Counter)
            for t in self.templates:
                for m in re.finditer(
                    r"(?i:\b(actress|actor|husband|wife|her husband|his wife)),? ⟦P(\d+)⟧", t.text
                ):
                    word = m.group(1).lower()
                    g = "f" if word in ("actress", "wife", "his wife") else "m"
                    if word == "her husband":
                        g = "m"
                    votes[self.mentions[int(m.group(2))].cluster][g] += 2
                people = set(re.findall(r"⟦P(\d+)⟧", t.text))
                clusters = {self.mentions[int(x)].cluster for x in people}
                if len(clusters) == 1:
                    (c,) = clusters
                    she = len(re.findall(r"\b(?:[Ss]he|[Hh]er|[Hh]erself)\b", t.text))
                    he = len(re.findall(r"\b(?:[Hh]e|[Hh]is|[Hh]im|[Hh]imself)\b", t.text))
                    if she and not he:
                        votes[c]["f"] += 1
                    elif he and not she:
                        votes[c]["m"] += 1
            self._genders = {c: v.most_common(1)[0][0] for c, v in votes.items() if v}
        return self._genders

    def pronoun(self, t: Template, pos: int) -> tuple[Entity | None, float]:
        """The person a pronoun at ``pos`` stands for, and the factor its guess costs."""
        word = re.match(r"\w+", t.text[pos:])
        want = None
        if word:
            w = word.group(0).lower()
            want = "f" if w in ("she", "her") else "m" if w in ("he", "his", "him") else None
        genders = self.genders()

        def fits(cluster: int) -> bool:
            return want is None or genders.get(cluster, want) == want

        before = [
            self.entities[obj.cluster]
            for ph, obj in t.slots.items()
            if isinstance(obj, Mention)
            and t.text.index(ph) < pos
            and self.kinds.get(obj.cluster) == "Person"
            and obj.cluster in self.entities
            and fits(obj.cluster)
        ]
        if before:
            return before[0], 0.9
        for back in range(1, 4):
            i = t.index - back
            if i < 0:
                break
            ppl = [c for c in self.salient.get(i) or [] if fits(c)]
            if ppl:
                e = self.entities.get(ppl[0])
                if e:
                    self.salient.setdefault(t.index, []).insert(0, ppl[0])
                    return e, 0.75
        return None, 0.0

    def subject(self, t: Template, pos: int) -> tuple[Entity | None, float]:
        """The person a clause before ``pos`` is about: a name, else a pronoun."""
        head = t.text[:pos]
        for m in re.finditer(r"⟦P(\d+)⟧", head):
            e = self.entities.get(self.mentions[int(m.group(1))].cluster)
            if e:
                return e, 1.0
        pm = re.search(rf"\b{PRON}\b", head)
        if pm:
            return self.pronoun(t, pm.start())
        return None, 0.0

    def main_work(self) -> Entity | None:
        """The work the article is about: the one its release or premiere news names, else the
        one it names most often."""
        for t in self.templates:
            if re.search(r"releas|premiere|catalog|streaming|coming to", t.text, re.IGNORECASE):
                for ph in re.findall(r"⟦W(\d+)⟧", t.text):
                    e = self.entities.get(self.mentions[int(ph)].cluster)
                    if e:
                        return e
        counts: Counter[int] = Counter()
        for g_i, g in enumerate(self.groups):
            if self.kinds.get(g_i) in ("Work", "Film", "TVSeries") and g_i in self.entities:
                counts[g_i] = len(g)
        if not counts:
            return None
        top = counts.most_common()
        best = max(n for _, n in top)
        firsts = [gi for gi, n in top if n == best]
        return self.entities[min(firsts, key=lambda gi: self.groups[gi][0].start)]

    def context_work(
        self,
        t: Template,
        pos: int,
        *,
        prefer_main: bool = False,
        skip: tuple[int, int] | None = None,
    ) -> tuple[Entity | None, float]:
        """The work a fact without a named work is about, and the factor its guess costs.

        ``skip`` is the span of the matched words: a work named inside them (an aside such as
        "Park Yoo Rim, best known for Drive My Car, joins as Min-ji") is not the fact's work.
        """
        ws = [
            (t.text.index(ph), obj)
            for ph, obj in t.slots.items()
            if isinstance(obj, Mention)
            and self.kinds.get(obj.cluster) in ("Work", "Film", "TVSeries", "Play")
            and not self._original(t, ph)
            and not (skip and skip[0] <= t.text.index(ph) < skip[1])
        ]
        before = [o for p, o in ws if p < pos]
        if before:
            return self.entities.get(before[-1].cluster), 0.95
        anaphor = re.search(
            r"\b(?:that|this|the same|this first|the) (?:film|movie|series|show|drama|production)\b",
            t.text,
        )
        if anaphor and (
            re.match(r"(?:that|this|the same)", anaphor.group(0))
            or re.search(r"series|show|drama|production", anaphor.group(0))
        ):
            near = re.search(r"series|show|production", anaphor.group(0)) is not None
            return self._previous_work(t, window=1 if near else 4), 0.85
        if re.match(
            r"(?:The|This|Its) (?:film|movie|series|show|drama|documentary|picture|music|score|"
            r"soundtrack|screenplay|script)\b",
            t.text,
        ):
            return self._previous_work(t, window=2) or self.main_work(), 0.85
        line = self.a.text[max(0, t.start - 1) : t.end + 1]
        if not ws and line.startswith("\n") and len(t.text.split()) <= 8:
            return self.main_work(), 0.85  # a heading or caption: "Jeon Jong-seo as Ok-ju"
        if ws and not anaphor:
            return self.entities.get(ws[0][1].cluster), 0.9
        if anaphor or prefer_main:
            return self.main_work(), 0.85
        prev = self._previous_work(t, window=2)
        if prev is not None:
            return prev, 0.85
        return self.main_work(), 0.8

    def _original(self, tt: Template, ph: str) -> bool:
        """A work named only in passing: what another was adapted from ("the adaptation of the
        series X"), someone's earlier work in an aside ("whose debut X", "best known for X")."""
        i = tt.text.index(ph)
        return (
            re.search(
                r"(?:adaptation of (?:the )?(?:[\w-]+ ){0,3}|whose debut,? |(?:best|well) known "
                r"(?:abroad |internationally )?for |(?:previously|also|once) (?:starred|appeared) in (?:the )?(?:[\w-]+ ){0,3}?(?:⟦W\d+⟧,? (?:and )?(?:in )?)*)$",
                tt.text[:i],
            )
            is not None
        )

    def _previous_work(self, t: Template, window: int = 4) -> Entity | None:
        for back in range(1, window + 1):
            i = t.index - back
            if i < 0:
                break
            tt = self.templates[i]
            ws = [
                (tt.text.index(ph), obj)
                for ph, obj in tt.slots.items()
                if isinstance(obj, Mention)
                and self.kinds.get(obj.cluster) in ("Work", "Film", "TVSeries", "Play")
                and not self._original(tt, ph)
            ]
            if ws:
                return self.entities.get(max(ws, key=lambda x: x[0])[1].cluster)
        return None

    def person_slot(self, t: Template, m: re.Match[str], name: str) -> tuple[Entity | None, float]:
        ph = m.group(name)
        if ph is None:
            return None, 0.0
        if ph.startswith("⟦"):
            return self.entity(ph, t), 1.0
        e, f = self.pronoun(t, m.start(name))
        return e, f * (0.9 if ph.lower().startswith("the ") else 1.0)

    def evidence(self, t: Template, m: re.Match[str]) -> tuple[int, int]:
        start = t.at(m.start())
        end = t.at(max(m.end() - 1, m.start())) + 1
        return start, end

    # the facts
    def read(self) -> list[Candidate]:
        out: list[Candidate] = []
        for t in self.templates:
            for rule in RULES:
                if rule.relation is None and rule.name != "role-serves-as":
                    continue
                if rule.when and not re.search(rule.when, t.text, re.IGNORECASE):
                    continue
                for m in rule.compiled(False).finditer(t.text):
                    out.extend(self._facts(rule, t, m))
        self.candidates = _merge(out)
        return self.candidates

    def _facts(self, rule: Rule, t: Template, m: re.Match[str]) -> list[Candidate]:
        g = m.groupdict()
        conf = rule.confidence
        if HEDGES.search(t.text[m.start() : m.end()]):
            conf *= 0.3  # "did not direct", "may join", "is rumoured to", "turned down"
        ev = [self.evidence(t, m)]
        rel = rule.relation
        out: list[Candidate] = []

        def work_of(pos: int, *, prefer_main: bool = False) -> tuple[Entity | None, float]:
            if g.get("work"):
                return self.entity(g["work"], t), 1.0
            if rel == "plays" and g.get("char"):  # a character the store places in one work
                known = self.character_work(g["char"], t)
                if known is not None:
                    return known, 0.95
            return self.context_work(t, pos, prefer_main=prefer_main, skip=(m.start(), m.end()))

        if rel == "plays" and rule.name == "went-to":
            actor = self.entity(g["actor"], t)
            char = self._previous_character(t)
            if actor is None or char is None:
                return []
            work, f2 = self.context_work(t, m.start())
            if work is None:
                return []
            return [
                Candidate("plays", actor, char, None, work, conf * f2, ev, rule.name),
            ]
        if rel == "plays":
            actor, f1 = (
                self.person_slot(t, m, "actor") if g.get("actor") else self.subject(t, m.start())
            )
            char = self.entity(g["char"], t)
            if actor is None or char is None or actor.key == char.key:
                return []
            work, f2 = work_of(m.start())
            if work is None:
                return []
            c = Candidate("plays", actor, char, None, work, conf * f1 * f2, ev, rule.name)
            c.explicit = bool(g.get("work"))
            out.append(c)
            return out
        if rel in ("cast", "earlier_work"):
            if rule.name in ("both-appeared", "starred-in-list"):
                actor, f1 = self.person_slot(t, m, "actor")
                people = [actor]
                if g.get("actor2"):
                    people.append(self.entity(g["actor2"], t))
                works = [self.entity(g["work"], t)] if g.get("work") else []
                if g.get("work2"):
                    works.append(self.entity(g["work2"], t))
                if not works:
                    w, f1b = self.context_work(t, m.start())
                    works, f1 = [w], f1 * f1b
                return [
                    Candidate(rel, p, None, None, w, conf * f1, ev, rule.name)
                    for p in people
                    for w in works
                    if p is not None and w is not None
                ]
            if rule.name == "they-in":
                pair = self._recent_people(t, 2)
                work = self.entity(g["work"], t)
                return [
                    Candidate("cast", p, None, None, work, conf, ev, rule.name)
                    for p in pair
                    if work
                ]
            actor, f1 = (
                self.person_slot(t, m, "actor") if g.get("actor") else self.subject(t, m.start())
            )
            if actor is None:
                return []
            work, f2 = work_of(m.start())
            if work is None:
                return []
            cast: list[tuple[Entity, float]] = [(actor, f1)]
            if rule.name == "starring":  # "starring A, B, and C"
                rest = t.text[m.end() :]
                tail = re.match(r"((?:(?:,? and |, )⟦P\d+⟧)+)", rest)
                if tail:
                    for ph in re.findall(r"⟦P\d+⟧", tail.group(1)):
                        e = self.entity(ph, t)
                        if e:
                            cast.append((e, 1.0))
            if rule.name == "such-as":  # "such as A and B"
                tail = re.match(r"((?:(?:,? and |, )⟦[WU]\d+⟧)+)", t.text[m.end() :])
                listed: list[Entity | None] = [work]
                if tail:
                    listed += [self.entity(ph, t) for ph in re.findall(r"⟦[WU]\d+⟧", tail.group(1))]
                for w in listed:
                    if w is not None and w.kind in ("Work", "Film", "TVSeries", "Play"):
                        out.append(Candidate(rel, actor, None, None, w, conf * f1, ev, rule.name))
                return out
            if rule.name == "debut-in" and actor.key in self.directors():
                return [
                    Candidate("director", actor, None, None, work, conf * f1 * f2, ev, rule.name)
                ]
            if (
                rel == "cast"
                and work is not self.main_work()
                and re.search(r"\b(?:previously|also|earlier|before|first|debut)\b", t.text)
            ):
                rel = "earlier_work"
            for p, f in cast:
                out.append(Candidate(rel, p, None, None, work, conf * f * f2, ev, rule.name))
            return out
        if rel in CREW or rule.name in ("role-serves-as", "and-as-role"):
            person, f1 = self.person_slot(t, m, "p")
            if person is None:
                return []
            conf *= f1
            work, f2 = work_of(m.start(), prefer_main=True)
            if work is None:
                return []
            rels = [rel] if rel else []
            if rule.name in ("role-serves-as", "and-as-role"):
                role = g["role"].casefold()
                role = {"director of photography": "cinematographer", "composer": "music",
                        "music director": "music"}.get(role, role)  # fmt: skip
                rels = [role]
            if rule.name in ("written-directed", "wrote-and-directed"):
                rels = ["writer", "director"]
            for r in rels:
                detail = {"role": "playwright"} if rule.name == "play-by" else {}
                out.append(Candidate(r, person, None, None, work, conf * f2, ev, rule.name, detail))
            more = []
            if g.get("other_writer"):
                more.append(self.entity(g["other_writer"], t))
            if rule.name in ("directed-by", "written-by", "produced-by", "edited-by", "music-by"):
                tail = re.match(r" and ⟦P(\d+)⟧", t.text[m.end() :])
                if tail:
                    more.append(self.entities.get(self.mentions[int(tail.group(1))].cluster))
            for extra in more:
                if extra is not None:
                    for r in rels:
                        out.append(Candidate(r, extra, None, None, work, conf * f2, ev, rule.name))
            if g.get("other"):  # "collaborated with B in W": B acted in W
                other = self.entity(g["other"], t)
                if other and g.get("work"):
                    out.append(
                        Candidate("cast", other, None, None, work, conf * 0.9, ev, rule.name)
                    )
            return out
        if rel == "release":
            d: DateMention = t.slots[g["date"]]
            if rule.name in ("release-on", "release-of-on") and not d.is_day:
                return []
            if rule.name == "release-verb-date" and len(d.value) < 7:
                return []
            if rule.name in ("work-year", "year-film") and len(d.value) != 4:
                return []
            if rule.name in ("release-on", "release-verb-date") and re.search(
                r"\b(?:at|in) (?:the )?⟦F\d+⟧", t.text[m.start() : m.end()]
            ):
                return []
            work, f2 = work_of(m.start(), prefer_main=True)
            if work is None:
                return []
            platform = None  # a streaming service, or a channel the work comes out "on"
            for om in re.finditer(r"(?:\b(?:on|via|to) (?:the )?)?⟦O\d+⟧", t.text):
                e = self.entity(om.group(0)[om.group(0).index("⟦") :], t)
                if e and (
                    e.kind == "StreamingService"
                    or (e.kind == "Broadcaster" and om.group(0)[0] != "⟦")
                ):
                    platform = e
                    break
            f3 = 0.9 if d.guessed else 1.0
            cand = Candidate(
                "release", work, platform, d.value, None, conf * f2 * f3, ev, rule.name
            )
            region = self.region(t)
            if region:
                cand.detail["region"] = region
            return [cand]
        if rel == "premiere":
            if rule.name == "premiere-the-festival":
                fest = self._last_festival(t, m.start())
            else:
                fest = self.entity(g["fest"], t)
            if fest is None:
                return []
            work, f2 = work_of(m.start(), prefer_main=True)
            if work is None:
                return []
            # the day of the premiere: "… at the X Festival on 3 September", not the festival's
            # run ("from October 4th to October 13th") nor another event's date
            after = t.text[m.end() : m.end() + 40]
            dm = re.match(r"(?: [\w-]+){0,3}? (?:on|in) (⟦D\d+⟧)", after)
            day = t.slots[dm.group(1)] if dm else None
            value = day.value if day else None
            if (
                value is None
                and self.a.date
                and re.search(
                    r"\bthis year\b", self.a.text[self.templates[max(0, t.index - 1)].start : t.end]
                )
            ):
                value = self.a.date[:4]  # "this year's festival": the article's year
            edition = re.match(r"(\d+)(?:st|nd|rd|th)", fest.label)
            detail = {"edition": edition.group(1)} if edition else {}
            return [
                Candidate("premiere", work, fest, value, None, conf * f2, ev, rule.name, detail)
            ]
        if rel in ("award", "nomination"):
            rec, f1 = self.person_slot(t, m, "rec")
            if rule.name == "trophy-went-to":
                cats = re.findall(r"⟦A\d+⟧", t.text[: m.start()])
                g["cat"] = cats[-1] if cats else None
            cat_m = t.slots.get(g["cat"]) if g.get("cat") else None
            if rec is None or not isinstance(cat_m, Mention):
                return []
            category = re.sub(r"\s+(?:Award|Prize)$", "", cat_m.text)
            rest = t.text[m.end() :]
            if rel == "award" and re.search(r"nominat", t.text[m.start() : m.end()], re.IGNORECASE):
                rel = "nomination"
            # the ceremonies: "at the 2021 X Awards, the 2021 Y Awards, and the 2022 Z Awards"
            cers: list[tuple[Entity | None, str | None]] = []
            cm = re.match(
                r"(?: [Aa]ward| [Pp]rize)?,? (?:at|in|from) (?:the )?((?:(?:,? and |, )?(?:the )?(?:⟦D\d+⟧ )?⟦E\d+⟧)+)",
                rest,
            )
            if cm:
                for y, ph in re.findall(r"(?:(⟦D\d+⟧) )?(⟦E\d+⟧)", cm.group(1)):
                    year = t.slots[y].value if y else None
                    body = self.entity(ph, t)
                    cers.append((self.ceremony(body, year[:4]) if body and year else body, year))
            if not cers:
                cm2 = re.match(r"(?: [Aa]ward| [Pp]rize)?(?: (?:[\w-]+ ){0,2}?)?(⟦D\d+⟧)", rest)
                year2 = t.slots[cm2.group(1)].value[:4] if cm2 else None
                cers = [(None, year2)]
            elif all(y is None for _, y in cers):
                ym = re.search(r"^[^.]{0,30}?\b(?:in|on) (⟦D\d+⟧)", rest[cm.end() if cm else 0 :])
                if ym:
                    y = t.slots[ym.group(1)].value[:4]
                    cers = [(self.ceremony(c, y) if c else None, y) for c, y0 in cers]
                elif self.a.date and re.search(
                    r"\b(?:on (?:Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)|tonight|last night|this year)\b",
                    t.text,
                ):
                    y = self.a.date[:4]
                    cers = [(self.ceremony(c, y) if c else None, y) for c, y0 in cers]
            # the work: "for his role … in W", "for W", or the work named just before
            work = None
            f2 = 1.0
            wm = re.search(
                r"\bfor (?:his |her |their )?(?:role|performance|work)?[^⟦]{0,40}?(?:in )?(?:⟦C\d+⟧ in )?(⟦W\d+⟧)",
                rest,
            )
            if wm:
                work = self.entity(wm.group(1), t)
            else:
                before = re.findall(r"⟦W\d+⟧", t.text[: m.start() + 60])
                if before:
                    work, f2 = self.entity(before[-1], t), 0.9
                else:
                    work, f2 = self._previous_work(t, window=2), 0.9
            film_cat = FILM_CATEGORIES.search(category) is not None
            f3 = 0.3 if film_cat and rec.kind == "Person" else 1.0
            for cer, year in cers:
                detail = {"category": category}
                if year:
                    detail["year"] = year[:4]
                c = Candidate(
                    rel, rec, cer, category, work, conf * f1 * f2 * f3, ev, rule.name, detail
                )
                if film_cat:
                    c.conflict_notes.append("this category honours a film, not a person")
                out.append(c)
            return out
        if rel == "partner":
            a: Entity | None
            b: Entity | None
            if rule.name == "the-two-romance":
                pair = self._recent_people(t, 2)
                if len(pair) < 2:
                    return []
                a, b = pair
                f1 = 0.85
            elif rule.name == "her-partner":
                a, f1 = self.pronoun(t, m.start())
                b = self.entity(g["b"], t)
            else:
                a, f1 = self.person_slot(t, m, "a")
                b = self.entity(g["b"], t)
            if a is None or b is None or a.key == b.key:
                return []
            since = t.slots[g["since"]].value[:4] if g.get("since") else None
            x, y = sorted([a, b], key=lambda e: e.iri)
            return [Candidate("partner", x, y, since, None, conf * f1, ev, rule.name)]
        return out

    def directors(self) -> set[int]:
        """People the article calls a director or filmmaker somewhere."""
        if self._directors is None:
            found: set[int] = set()
            for t in self.templates:
                for m in re.finditer(r"(?i:director|filmmaker),? ⟦P(\d+)⟧", t.text):
                    found.add(self.mentions[int(m.group(1))].cluster)
            self._directors = found
        return self._directors

    def character_work(self, ph: str, t: Template) -> Entity | None:
        """The one work the store says a (linked) character appears in."""
        import pyoxigraph as ox

        char = self.entity(ph, t)
        if char is None or char.new:
            return None
        rows = self.store.select(
            "SELECT DISTINCT ?w WHERE { ?c kg:appearsIn ?w }", {"c": ox.NamedNode(char.iri)}
        )
        if len(rows) != 1:
            return None
        iri = _val(rows[0]["w"])
        for e in self.entities.values():
            if e.iri == iri:
                return e
        label = _pref_label(self.store, iri) or iri
        kind = store_types(self.store, [iri]).get(iri, "Work")
        return Entity(-1, kind, label, iri, False, [])

    def region(self, t: Template) -> str | None:
        """Where a release happens: "worldwide", or the countries "in South Korea and Japan"."""
        raw = self.a.plain[t.start : t.end]
        if re.search(r"\b(?:worldwide|globally|around the world)\b", raw):
            return "worldwide"
        m = re.search(
            r"\bin ((?:South |North )?[A-Z][a-z]+(?:(?:,| and) (?:South |North )?[A-Z][a-z]+)*)\b"
            r"(?! [A-Z])(?! (?:[a-z]+ )?(?:cinemas|theaters|theatres|section|competition))",
            raw,
        )
        if m is None:
            return None
        start, end = t.start + m.start(1), t.start + m.end(1)
        named = [
            x
            for x in self.mentions
            if x.start < end
            and start < x.end
            and self.kinds.get(x.cluster) not in ("Unknown", None)
        ]
        if named:  # a work, a person, a festival: not a country
            return None
        return "; ".join(re.split(r", | and ", m.group(1)))

    def _previous_character(self, t: Template) -> Entity | None:
        for back in range(3):
            i = t.index - back
            if i < 0:
                break
            for ph in reversed(re.findall(r"⟦C\d+⟧", self.templates[i].text)):
                e = self.entity(ph, self.templates[i])
                if e:
                    return e
        return None

    def _last_festival(self, t: Template, pos: int) -> Entity | None:
        for back in range(3):
            i = t.index - back
            if i < 0:
                break
            tt = self.templates[i]
            text = tt.text[:pos] if back == 0 else tt.text
            for ph in reversed(re.findall(r"⟦F\d+⟧", text)):
                e = self.entity(ph, tt)
                if e:
                    return e
        return None

    def ceremony(self, body: Entity, year: str) -> Entity:
        """The edition of an awards body in a year ("2021 Baeksang Arts Awards"), linked or new."""
        name = re.sub(r"^(?:the )?(?:\d{4} )?", "", body.label)
        label = f"{year} {name}"
        found = resolve_group(self.store, "AwardCeremony", [label])
        if found:
            return Entity(-1, "AwardCeremony", found[1], found[0], found[0] in self.owned, [])
        return Entity(-1, "AwardCeremony", label, iri_for("AwardCeremony", label), True, [label])

    def _recent_people(self, t: Template, n: int) -> list[Entity]:
        found: list[Entity] = []
        for back in range(4):
            i = t.index - back
            if i < 0:
                break
            for gi in self.salient.get(i, []):
                e = self.entities.get(gi)
                if e and all(e.key != f.key for f in found):
                    found.append(e)
            if len(found) >= n:
                return found[:n]
        return found[:n] if len(found) == n else []

    def genres(self) -> list[Candidate]:
        """Genre facts: "X is an action thriller", "the horror film X", "X, a mystery drama"."""
        out = []
        for t in self.templates:
            for pat, conf in (
                (rf"⟦W(?P<w>\d+)⟧, an? (?:[\w-]+ ){{0,3}}?(?P<g>{_GENRE_PHRASE})\b", 0.7),
                (
                    rf"\bthe (?:⟦D\d+⟧ )?(?:indie |new |upcoming )?(?P<g>{_GENRE_PHRASE}) ⟦W(?P<w>\d+)⟧",
                    0.7,
                ),
            ):
                for m in re.finditer(pat, t.text, re.IGNORECASE):
                    work = self.entities.get(self.mentions[int(m.group("w"))].cluster)
                    if work:
                        out.append(
                            _genre(work, m.group("g").lower(), conf, self.evidence(t, m), "genre")
                        )
            head = re.match(
                rf"(?:The|This) (?:[a-z][\w-]* )?(?P<g>{_GENRE_PHRASE}) (?:follows|stars|is|was|centres|centers|opens|tells)\b",
                t.text,
            )
            if head:
                work, f = self.context_work(t, 0, prefer_main=True)
                if work:
                    out.append(
                        _genre(
                            work,
                            head.group("g").lower(),
                            0.65 * f,
                            self.evidence(t, head),
                            "genre-subject",
                        )
                    )
            for m in re.finditer(
                rf"\b(?:[Aa]n?|[Tt]he) (?:[\w-]+ )?(?P<g>{_GENRE_PHRASE}) (?:film|movie|series|documentary|picture)\b",
                t.text,
            ):
                if "⟦W" in t.text[m.end() : m.end() + 3]:
                    continue
                work, f = self.context_work(t, m.start(), prefer_main=True)
                if work:
                    out.append(
                        _genre(
                            work,
                            m.group("g").lower(),
                            0.65 * f,
                            self.evidence(t, m),
                            "genre-context",
                        )
                    )
        for t in self.templates:
            for m in re.finditer(
                rf"⟦W(\d+)⟧ (?:is|was) an? ((?:[\w-]+ )*?)(?P<g>(?:{GENRE_WORDS})(?:[- ](?:{GENRE_WORDS}))*)\b",
                t.text,
                re.IGNORECASE,
            ):
                work = self.entities.get(self.mentions[int(m.group(1))].cluster)
                if work:
                    out.append(
                        _genre(work, m.group("g").lower(), 0.75, self.evidence(t, m), "is-a-genre")
                    )
            for m in re.finditer(
                rf"\b(?P<g>(?:{GENRE_WORDS})(?:[- ](?:{GENRE_WORDS}))*) (?:film|movie|series|drama) ⟦W(\d+)⟧",
                t.text,
                re.IGNORECASE,
            ):
                work = self.entities.get(self.mentions[int(m.group(2))].cluster)
                g = m.group("g").lower()
                if work and g not in ("drama",):
                    out.append(_genre(work, g, 0.7, self.evidence(t, m), "genre-film"))
        return out


def _genre(work: Entity, genre: str, conf: float, evidence: Any, rule: str) -> Candidate:
    """A genre fact about ``work``."""
    return Candidate("genre", work, None, genre, None, conf, [evidence], rule)


def _slot_code(pattern: str, name: str) -> str | None:
    m = re.search(r"\{([A-Z]+):" + re.escape(name) + r"\}", pattern)
    if not m:
        return None
    return "P" if m.group(1) == "PR" else m.group(1)


def _pref_label(store: Store, iri: str) -> str | None:
    import pyoxigraph as ox

    rows = store.select(
        "SELECT ?l WHERE { ?e skos:prefLabel ?l } LIMIT 1", {"e": ox.NamedNode(iri)}
    )
    return _val(rows[0]["l"]) if rows else None


def _merge(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per fact: the best confidence, every piece of evidence."""
    by: dict[tuple[Any, ...], Candidate] = {}
    for c in cands:
        if c.subject is None:
            continue
        k = c.key()
        if k in by:
            cur = by[k]
            for e in c.evidence:
                if e not in cur.evidence:
                    cur.evidence.append(e)
            if c.confidence > cur.confidence:
                cur.confidence, cur.rule = c.confidence, c.rule
        else:
            by[k] = c
    out = list(by.values())
    # a cast fact that a plays fact in the same work already states adds nothing
    played: dict[tuple[str, str], float] = {}
    for c in out:
        if c.relation == "plays" and c.work:
            k = (c.subject.iri, c.work.iri)
            played[k] = max(played.get(k, 0.0), c.confidence)
    out = [
        c
        for c in out
        if not (
            c.relation in ("cast", "earlier_work")
            and c.work
            and played.get((c.subject.iri, c.work.iri), -1.0) >= c.confidence
        )
    ]
    # one character, one work: where the article's facts put a character in two works, the
    # work named most often (or explicitly) wins
    by_char: dict[str, Counter[str]] = defaultdict(Counter)
    for c in out:
        if c.relation == "plays" and c.object and c.work:
            by_char[c.object.iri][c.work.iri] += 2 if c.explicit else 1
    keep = []
    for c in out:
        if c.relation == "plays" and c.object and c.work:
            top = by_char[c.object.iri].most_common()
            if len(top) > 1 and top[0][1] > top[1][1] and c.work.iri != top[0][0]:
                continue
        keep.append(c)
    keep.sort(key=lambda c: (c.evidence[0][0] if c.evidence else 0, RELATIONS.index(c.relation)))
    return keep


def read_article_facts(article: Article, store: Store, *, owned: set[str] | None = None) -> Reader:
    """Every candidate fact of ``article``, linked against ``store``."""
    from .reading import nlp

    reader = Reader(article, store, owned=owned)
    reader.find_mentions(store_phrases(store, nlp()))
    reader.type_names()
    reader.link()
    cands = reader.read() + reader.genres()
    reader.candidates = _merge(cands)
    for c in reader.candidates:
        c.confidence = round(min(c.confidence, 0.99), 3)
        c.accepted = c.confidence >= DEFAULT_THRESHOLD
    return reader


__all__ = ["DEFAULT_THRESHOLD", "RELATIONS", "Candidate", "Reader", "read_article_facts"]
