"""Plain-English questions answered from the graph, with the sources of every answer.

:func:`ask` cleans the question, matches it against the pattern table of
:mod:`kgraph.patterns` (one entry per kind of question), links the names it holds with the shared
matcher of :mod:`kgraph.linking`, runs the intent's saved query with the entities bound as values,
and returns an :class:`Answer`. It runs offline and deterministically: no language model.

Names that match no entity well enough are refused with suggestions (never silently replaced by
the nearest name); a question that fits no pattern is refused with examples of the supported
shapes. Follow-ups ("and her partner?", "who directed it?", "what about Kim Ji-hoon?") reuse the
entities of the previous answer, passed as ``context``, when the reference is unambiguous.

On the bundled graph::

    a = ask(KnowledgeGraph().store, "co-stars of jeon jongseo")
    a.notes, [x.label for x in a.answers]
    # (("taking 'jeon jongseo' as Jeon Jong-seo",),
    #  ['Kim Ji-hoon', 'Park Shin-hye', 'Park Yu-rim', 'Yoo Ji-tae'])
"""

from __future__ import annotations

import re
from functools import lru_cache

from .citing import _works_with as works_with
from .citing import facts_for
from .errors import AmbiguousName, InputError, KGraphError, NotUnderstood, UnknownEntity
from .factbase import Fact, asking, facts_of, legend_line
from .linking import normalise
from .mentions import Candidate, Mention, find_mentions, tokenize
from .patterns import INTENTS, Intent
from .records import Any, replace
from .store import Store
from .understanding import (
    CENTRAL,
    MARGIN,
    THRESHOLD,
    YES_NO,
    masked,
    readings,
    suggestions,
    understood,
)

MAX_QUESTION = 300  # characters; longer text is refused rather than matched


from .answers import (  # noqa: F401  (re-exported: kgraph.questions.Answer is public)
    Answer,
    AnswerItem,
    Context,
    Link,
    error_json,
)

# -- cleaning the question ------------------------------------------------------------------

_LEADING = re.compile(
    r"^(?:please|pls|plz|hey|hi|hello|ok|okay|so|now|then|well|um+|uh+|kgraph|question|q|"
    r"(?:can|could|would|will) you(?: please)?(?: tell me| show me| list| give me| find| name| say)?|"
    r"tell me|show me|give me|list(?: out)?|find(?: me)?|name|display|get(?: me)?|search for|look up|"
    r"i (?:want|would like|'d like|wanna) to know|i wonder|i'm wondering|do you know|any idea)\b[\s,:;-]*",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[\s,;:-]*\b(?:please|pls|thanks|thank you|thx|again)$", re.IGNORECASE)
_CONTRACTIONS = (
    (re.compile(r"\bwho's\b", re.IGNORECASE), "who is"),
    (re.compile(r"\bwhat's\b", re.IGNORECASE), "what is"),
    (re.compile(r"\bwhere's\b", re.IGNORECASE), "where is"),
    (re.compile(r"\bwhen's\b", re.IGNORECASE), "when is"),
    (re.compile(r"\bwho're\b", re.IGNORECASE), "who are"),
    (re.compile(r"\bwhat're\b", re.IGNORECASE), "what are"),
)
_FOLLOW_UP = re.compile(
    r"^(?:and what about|and how about|what about|how about|and for|same for|same question for|now for|and also|and)\s+(?P<x>.+)$",
    re.IGNORECASE,
)
_POSSESSIVE_PRONOUN = re.compile(r"^(?P<p>her|his|its|their)\s+(?P<rest>.+)$", re.IGNORECASE)
_SLOT_FILLER = re.compile(
    r"^(?:the |a |an )?(?:movie|film|feature film|tv series|tv show|television series|series|show|drama|k-?drama|"
    r"character|actor|actress|performer|director|filmmaker|person|play|title|work|role of|part of)\s+(?=\S)",
    re.IGNORECASE,
)
_SLOT_TRAILING = re.compile(
    r"\s+(?:movie|film|series|show|drama|k-?drama|tv series|character)$", re.IGNORECASE
)
_PRONOUNS = {
    "he": ("Person",),
    "him": ("Person",),
    "his": ("Person",),
    "she": ("Person",),
    "her": ("Person",),
    "this person": ("Person",),
    "that person": ("Person",),
    "this actor": ("Person",),
    "this actress": ("Person",),
    "that actor": ("Person",),
    "that actress": ("Person",),
    "it": ("!Person",),
    "its": ("!Person",),
    "this": ("!Person",),
    "that": ("!Person",),
    "this film": ("Work",),
    "that film": ("Work",),
    "the film": ("Work",),
    "this movie": ("Work",),
    "that movie": ("Work",),
    "the movie": ("Work",),
    "this show": ("Work",),
    "that show": ("Work",),
    "the show": ("Work",),
    "this series": ("Work",),
    "that series": ("Work",),
    "the series": ("Work",),
    "this work": ("Work",),
    "that work": ("Work",),
    "this character": ("Character",),
    "that character": ("Character",),
    "the character": ("Character",),
    "they": (),
    "them": (),
    "their": (),
}
_WORK_TYPES = {"Work", "Film", "TVSeries", "Play"}


def clean(question: str) -> str:
    """The question with politeness, contractions and end punctuation taken off.

    >>> clean("  Please, can you tell me who's in the movie Ballerina?? ")
    'who is in the movie Ballerina'
    """
    text = question.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"\s+", " ", text).strip()
    for rx, repl in _CONTRACTIONS:
        text = rx.sub(repl, text)
    for _ in range(6):
        before = text
        text = text.strip().strip("?!.,;: ").strip()
        text = _LEADING.sub("", text, count=1)
        text = _TRAILING.sub("", text)
        if text == before:
            break
    return text.strip().strip("?!.,;: ").strip()


# -- compiling the pattern table ------------------------------------------------------------

_LEAD = r"(?:(?:who|what|which) (?:are|is|were|was|are all) )?(?:all (?:of )?)?(?:the |a |an )?"
_SLOT_RE = re.compile(r"\{(\w+)\}")


class _Compiled:
    """One pattern of the table, read on first use: its anchors and slots when a question is
    first tried against it, its regular expression when the anchors are all there (a question
    the first patterns answer does not pay for the other 190)."""

    __slots__ = ("_anchors", "_literal", "_rx", "intent", "pattern")

    def __init__(self, intent: Intent, pattern: str) -> None:
        self.intent = intent
        self.pattern = pattern
        self._anchors: tuple[str, ...] | None = None
        self._literal = 0
        self._rx: re.Pattern[str] | None = None

    def _read(self) -> tuple[str, ...]:
        names = _SLOT_RE.findall(self.pattern)
        unknown = [n for n in names if n not in self.intent.slots]
        if unknown:
            raise ValueError(
                f"pattern {self.pattern!r} of intent {self.intent.name} uses unknown slot {unknown[0]}"
            )
        slotless = _SLOT_RE.sub(" ", self.pattern)
        self._literal = len(slotless) - len(names)
        self._anchors = _anchors(slotless)
        return self._anchors

    @property
    def anchors(self) -> tuple[str, ...]:
        """Words every match holds (see :func:`_anchors`)."""
        return self._read() if self._anchors is None else self._anchors

    @property
    def literal(self) -> int:
        """How much literal text the pattern has: more is a more specific pattern."""
        if self._anchors is None:
            self._read()
        return self._literal

    @property
    def source(self) -> str:
        """The regular expression of the pattern: its slots as named groups, after the lead."""
        body = _SLOT_RE.sub(lambda m: f"(?P<{m.group(1)}>.+?)", self.pattern)
        lead = "" if self.intent.name == "who-is" else _LEAD
        return rf"^{lead}(?:{body})$"

    def match(self, text: str, folded: str) -> re.Match[str] | None:
        if any(a not in folded for a in self.anchors):
            return None
        if self._rx is None:
            try:
                self._rx = re.compile(self.source, re.IGNORECASE)
            except re.error as e:
                raise ValueError(
                    f"pattern {self.source!r} of intent {self.intent.name}: {e}"
                ) from None
        return self._rx.match(text)


_ESCAPE = re.compile(r"\\.", re.DOTALL)
_CLASS = re.compile(r"\[[^\]]*\]")
_GROUP = re.compile(r"\([^()]*\)")
_ANCHOR = re.compile(r"[A-Za-z]{2,}(?![A-Za-z?*{+])")


def _anchors(pattern: str) -> tuple[str, ...]:
    """Words a pattern needs in every match: literal letters outside any group, not quantified.

    A cheap test on these skips compiling and running patterns that cannot match. Escapes and
    character classes, then groups from the innermost out, become placeholders; what is left
    is the pattern's top level.

    >>> _anchors(r"who (?:played|plays) x in (?:the )?y")
    ('who', 'in')
    >>> _anchors(r"a|b")
    ()
    >>> _anchors(r"[(] ab cd? ef+ (gh) ij\\?")
    ('ab', 'ij')
    """
    top = _CLASS.sub("\x00", _ESCAPE.sub("\x00", pattern))
    while True:
        inner = _GROUP.sub("\x01", top)
        if inner == top:
            break
        top = inner
    if "|" in top:
        return ()  # a top-level alternative: nothing is required
    return tuple(w.lower() for w in _ANCHOR.findall(top))


@lru_cache(maxsize=1)
def compiled() -> tuple[_Compiled, ...]:
    """Every pattern of the table, in order (each read and compiled on first use)."""
    return tuple(_Compiled(intent, pat) for intent in INTENTS for pat in intent.patterns)


# -- linking --------------------------------------------------------------------------------


def _candidates(text: str) -> list[str]:
    """Ways to read a slot's text as a name: as typed, then without filler words or quotes."""
    out = [text.strip()]
    t = text.strip().strip("\"'").strip()
    for _ in range(3):
        t = _SLOT_FILLER.sub("", t)
        t = _SLOT_TRAILING.sub("", t).strip().strip("\"'").strip()
    for c in (t, re.sub(r"^the\s+", "", t, flags=re.IGNORECASE)):
        if c and c not in out:
            out.append(c)
    return out


class _Linker:
    """Resolves slot texts to entities, remembering the outcome for one question."""

    def __init__(self, store: Store, context: Context | None) -> None:
        self.store = store
        self.context = context
        self.cache: dict[tuple[str, tuple[str, ...]], Link | KGraphError] = {}

    def link(self, slot: str, text: str, types: tuple[str, ...]) -> Link:
        key = (text, types)
        if key not in self.cache:
            try:
                self.cache[key] = self._link(slot, text, types)
            except (UnknownEntity, AmbiguousName, NotUnderstood) as e:
                self.cache[key] = e
        got = self.cache[key]
        if isinstance(got, KGraphError):
            raise got
        return Link(slot, got.text, got.iri, got.label, got.type, got.score, got.stage)

    def _link(self, slot: str, text: str, types: tuple[str, ...]) -> Link:
        pronoun = text.strip().strip("\"'").lower()
        if pronoun in _PRONOUNS:
            return self._from_context(slot, text.strip(), _PRONOUNS[pronoun], types)
        from .linking import resolve

        first: KGraphError | None = None
        for cand in _candidates(text):
            if len(cand) > 120:
                continue
            try:
                m = resolve(self.store, cand, types=list(types) or None, known=_known_word)
            except (UnknownEntity, AmbiguousName) as e:
                first = first or e
                continue
            except InputError:  # "<a b>" looks like an IRI but is none: in a question, no name
                first = first or UnknownEntity(cand)
                continue
            return Link(slot, cand, m.iri, m.label, m.type, m.score, m.stage)
        if isinstance(first, UnknownEntity) and types:
            self._wrong_type(text, types, first)
        raise first or UnknownEntity(text)

    def _wrong_type(self, text: str, types: tuple[str, ...], err: UnknownEntity) -> None:
        """A name that does resolve, but to the wrong kind of thing: say so instead."""
        from .linking import resolve

        try:
            m = resolve(self.store, text.strip())
        except KGraphError:
            return
        wanted = (
            "a person"
            if types == ("Person",)
            else "a character"
            if types == ("Character",)
            else "a film, series or play"
            if set(types) <= _WORK_TYPES
            else "a " + " or ".join(types)
        )
        wrong = UnknownEntity(text, [], wanted.split(" ", 1)[1])
        wrong.message = f"'{text.strip()}' is {m.label}, a {m.type}; this question needs {wanted}"
        raise wrong from None

    def _from_context(
        self, slot: str, text: str, kinds: tuple[str, ...], types: tuple[str, ...]
    ) -> Link:
        ctx = self.context
        if ctx is None or (not ctx.links and not ctx.answers):
            raise NotUnderstood(
                f"I don't know who or what '{text}' refers to: ask about someone by name first"
            )
        pool: list[Link] = list(ctx.links)
        entity_answers = [a for a in ctx.answers if a.iri]
        if len(entity_answers) == 1:
            a = entity_answers[0]
            pool.append(
                Link(
                    slot,
                    text,
                    a.iri or "",
                    a.label,
                    _answer_type(self.store, a.iri or ""),
                    1.0,
                    "context",
                )
            )

        gender = {"she": "female", "her": "female", "he": "male", "him": "male", "his": "male"}.get(
            text.strip().strip("\"'").lower()
        )
        fb = facts_of(self.store)

        def fits(lk: Link) -> bool:
            t = lk.type
            if gender and fb.gender(lk.iri) not in (gender, None):
                return False
            if types and not _type_fits(t, types):
                return False
            for k in kinds:
                if k == "!Person" and t == "Person":
                    return False
                if k == "Work" and t not in _WORK_TYPES:
                    return False
                if k in ("Person", "Character") and t != k:
                    return False
            return True

        seen: dict[str, Link] = {}
        for lk in pool:
            if fits(lk) and lk.iri not in seen:
                seen[lk.iri] = lk
        if not seen:
            raise NotUnderstood(f"I don't know who or what '{text}' refers to here")
        if len(seen) > 1:
            names = " or ".join(lk.label for lk in seen.values())
            raise NotUnderstood(f"'{text}' could be {names}: please use the name")
        lk = next(iter(seen.values()))
        return Link(slot, text, lk.iri, lk.label, lk.type, 1.0, "context")


def _type_fits(t: str, types: tuple[str, ...]) -> bool:
    if not types:
        return True
    if t in types:
        return True
    return "Work" in types and t in _WORK_TYPES


def _answer_type(store: Store, iri: str) -> str:
    import pyoxigraph as ox

    from .linking import class_tree

    rows = store.select("SELECT ?c WHERE { ?e a ?c }", {"e": ox.NamedNode(iri)})
    return class_tree(store).most_specific({_text(r["c"]) for r in rows})


# -- asking ---------------------------------------------------------------------------------


def ask(store: Store, question: str, *, context: Any = None) -> Answer:
    """Answer a plain-English ``question`` from the graph.

    ``context`` is the previous :class:`Answer` (or its :class:`Context`) for follow-ups.
    Raises :class:`NotUnderstood`, :class:`UnknownEntity` or :class:`AmbiguousName` (exit 1)
    instead of guessing.
    """
    with asking(store):  # one fact base for the whole question (a big store's is bounded)
        return _ask(store, question, context)


def _ask(store: Store, question: str, context: Any) -> Answer:
    ctx = context.context if isinstance(context, Answer) else context
    if ctx is not None and not isinstance(ctx, Context):
        ctx = None
    if not isinstance(question, str):
        raise NotUnderstood("a question must be text")
    if len(question) > MAX_QUESTION:
        raise NotUnderstood(
            f"that question is too long ({len(question)} characters; at most {MAX_QUESTION})"
        )
    text = clean(question)
    if not text or not re.search(r"\w", text):
        raise NotUnderstood("ask a question, e.g. " + _examples())
    linker = _Linker(store, ctx)

    follow = _FOLLOW_UP.match(text)
    if follow and ctx is not None and ctx.intent:
        got = _follow_up(store, question, follow.group("x"), ctx, linker)
        if got is None and ctx.reading is not None:
            got = _follow_up_reading(store, question, follow.group("x"), ctx)
        if got is not None:
            return got
    stripped = _FOLLOW_UP.sub(lambda m: m.group("x"), text)
    byline = _source_author(store, question, stripped)
    if byline is not None:
        return byline
    pp = _POSSESSIVE_PRONOUN.match(stripped)
    texts = [stripped] + ([f"{pp.group('rest')} of {pp.group('p')}"] if pp else [])

    failures: list[tuple[int, KGraphError]] = []
    mentions, resolved, words = _mentions(store, stripped, ctx)
    masked_text = masked(words, mentions)
    blocked = _BLOCK.search(masked_text) is not None or any(
        m.kind in ("year", "category") for m in mentions
    )
    for t in texts:
        folded = t.casefold()
        for comp in compiled():
            m = comp.match(t, folded)
            if not m:
                continue
            slots = {k: v for k, v in m.groupdict().items() if v is not None}
            try:
                links = _link_all(linker, comp.intent, slots)
            except (UnknownEntity, AmbiguousName, NotUnderstood) as e:
                failures.append((comp.literal if comp.intent.name != "who-is" else -1, e))
                continue
            if blocked or not _covers(links, mentions):
                break  # the table's reading leaves out part of the question: score it instead
            return _answer(store, question, comp.intent, links)
        else:
            continue
        break
    wrong_type = [
        e for _, e in failures if isinstance(e, UnknownEntity) and "this question needs" in str(e)
    ]
    # the table read the sentence whole and found a name of the wrong kind: that stands unless
    # the mentions make a strong case for another reading
    got = _by_mentions(
        store, question, masked_text, mentions, resolved, words, 5.0 if wrong_type else THRESHOLD
    )
    if got is None and wrong_type:
        raise wrong_type[0]
    if got is not None:
        return got
    # a slot of the table that swallowed a known name with the words around it ("no Work named
    # 'Is Ballerina a horror'") names no unknown thing: say what was understood instead
    failures = [(n, e) for n, e in failures if not _swallowed(e, mentions)]
    if failures:
        failures.sort(key=lambda f: -f[0])
        best_literal, err = failures[0]
        if best_literal < 0 and isinstance(err, UnknownEntity):  # "who is Lily Alice?"
            byline = _author_answer(store, question, err.name)
            if byline is not None:
                return byline
        if best_literal < 0 and isinstance(
            err, UnknownEntity
        ):  # only "who is X" / a bare name fitted
            if any(m.kind == "entity" for m in mentions):
                raise _refusal(store, question, mentions, resolved, words)
            close = "; ".join(repr(s.label) for s in err.suggestions[:3])
            hint = f" (no entity named {err.name!r}; did you mean {close}?)" if close else ""
            raise NotUnderstood(
                f"I did not understand {question.strip()!r}{hint}. Try: {_examples()}"
            )
        raise _trimmed(store, question, err)
    if any(m.kind in ("entity", "year", "category") for m in mentions):
        raise _refusal(store, question, mentions, resolved, words)
    raise NotUnderstood(f"I did not understand {question.strip()!r}. Try: {_examples()}")


# -- mention-first understanding ---------------------------------------------------------------

# Cues of question kinds the phrasing table does not know: when present, the table's reading
# (which would ignore them) is not taken, and the question is scored instead.
_BLOCK = re.compile(
    r"\b(?:how many|before|after|since|prior to|debut\w*|latest|earliest|most|genres?|distribut\w*|"
    r"broadcast\w*|country|nationality|ever worked|worked together|acted together|"
    r"in common|about|plot|story|synopsis)\b|^(?:did|does|do|is|was|are|were|has|have)\b.*\b(?:PERSON|WORK)\b.*\b(?:PERSON|WORK|CHARACTER|AWARDS|CEREMONY)\b"
)


def _mentions(
    store: Store, text: str, ctx: Context | None
) -> tuple[list[Mention], dict[int, Candidate], tuple[str, ...]]:
    """The mentions of ``text`` and the entity each pronoun refers to (where it is clear)."""
    fb = facts_of(store)
    values = fb.values_of("category", "alias")
    cats = {normalise(c): c for _, c in values["category"]}
    aliases = {normalise(a): s for s, a in values["alias"]}
    mentions = find_mentions(store, text, cats, aliases, _known_word)
    words = tokenize(text).words
    resolved: dict[int, Candidate] = {}
    for m in mentions:
        if m.kind != "pronoun":
            continue
        pool = _context_pool(store, ctx)
        fit = []
        for lk in pool:
            is_person = lk.type == "Person"
            if m.value == "thing" and is_person:
                continue
            if m.value in ("male", "female") and (
                not is_person or fb.gender(lk.iri) not in (m.value, None)
            ):
                continue
            fit.append(lk)
        uniq = {lk.iri: lk for lk in fit}
        if len(uniq) == 1:
            lk = next(iter(uniq.values()))
            classes = frozenset(_classes(store, lk.iri))
            resolved[m.start] = Candidate(lk.iri, lk.label, lk.type, classes, "context", 1.0)
    return mentions, resolved, words


def _classes(store: Store, iri: str) -> set[str]:
    from .linking import _matcher

    h = _matcher(store).h
    fb = facts_of(store)
    out: set[str] = set()
    for c in fb.classes_of(iri):
        for a in h.ancestors(c):
            out.add(re.split(r"[#/]", a)[-1])
    return out


def _context_pool(store: Store, ctx: Context | None) -> list[Link]:
    if ctx is None:
        return []
    pool: list[Link] = list(ctx.links)
    entity_answers = [a for a in ctx.answers if a.iri]
    if len(entity_answers) == 1:
        a = entity_answers[0]
        pool.append(
            Link(
                "", a.label, a.iri or "", a.label, _answer_type(store, a.iri or ""), 1.0, "context"
            )
        )
    return pool


def _covers(links: dict[str, Link], mentions: list[Mention]) -> bool:
    """Whether the table's reading uses every name the question mentions."""
    linked = {lk.iri for lk in links.values()}
    for m in mentions:
        central = m.types() & {"Person", "Work", "Character", "AwardCeremony"}
        if m.kind == "entity" and central and not linked & {c.iri for c in m.candidates}:
            return False
    return True


def _unexplained(words: tuple[str, ...], mentions: list[Mention]) -> str | None:
    """Words that look like a name the graph does not know ("Tom Cruise"), or None."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    run: list[str] = []
    runs: list[list[str]] = []
    for i, w in enumerate(words):
        lw = w.casefold().strip("'’")
        lw = re.sub(r"(?:'s|’s)$", "", lw)
        unknown = (
            i not in taken
            and re.fullmatch(r"[^\W\d_][\w'’.-]*", w) is not None
            and not _known_word(lw)
            and len(lw) > 1
        )
        if unknown:
            run.append(w)
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    for r in runs:
        if len(r) >= 2 or any(x[:1].isupper() and x != words[0] for x in r):
            return " ".join(r)
    return None


@lru_cache(maxsize=4096)
def _known_word(word: str) -> bool:
    """A word of the vocabulary, or one a question kind's cue takes whole ("aired" by
    ``air(?:ed|s)?``, "broadcaster" by ``broadcast\\w*``): never part of an unknown name."""
    if word in vocabulary():
        return True
    from .understanding import KINDS

    for k in KINDS:
        for rx, weight in k.cues:
            m = re.search(rx, word) if weight > 0 else None
            if m is not None and m.group(0) == word:
                return True
    return False


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every word the question kinds know (cue words, function words, common question words)."""
    from .mentions import STOP
    from .understanding import KINDS

    words: set[str] = set(STOP) | set(_COMMON.split())
    for k in KINDS:
        for rx, _ in k.cues:
            words.update(re.findall(r"[a-z]{2,}", re.sub(r"\\[a-zA-Z]", " ", rx)))
    for intent in INTENTS:
        for p in intent.patterns:
            words.update(re.findall(r"[a-z]{2,}", re.sub(r"\\[a-zA-Z]", " ", p)))
    return frozenset(words)


_COMMON = """
i me you please tell show give list name find know want like would could should can will may
might must shall ever actually really exactly just only also still yet again already even
some any anyone anybody someone somebody something anything everything nothing everyone
other others another else same different such very so too quite rather much many more most
less least few several lot lots kind sort type one ones two three four five six seven eight nine
ten twenty first second third last next new old young good great famous popular well known
korean south korea spanish japanese american english netflix tv film movie cinema
people person persons actor actors actress actresses director directors writer writers star
stars cast role roles character characters part parts work works project projects title titles
year years time times date day days month when where why how which what who whom whose
make made making do does did done doing have has had having be is are was were been being
get got gotten go went gone come came coming take took taken see saw seen watch watched
play played plays playing act acted acting appear appeared appearing star starred starring
work worked working win won winning receive received give given award awards prize prizes
the a an of in on at to for by with from about into onto over under between among through
and or but nor not no yes both either neither all each every there here this that these those
it its they them their he him his she her hers we us our my your
between together alongside opposite involved featured feature features featuring
released release releases come out premiered premiere
article articles source sources mention mentions mentioned named say says said according guide
busan biff festival korean apart besides except excluding aside everyone everybody list
main lead leading role known linked ever same day hit
original remake remakes adaptation version
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
"""


def _refusal(
    store: Store,
    question: str,
    mentions: list[Mention],
    resolved: dict[int, Candidate],
    words: tuple[str, ...],
) -> KGraphError:
    """Why a question naming known things is refused: a name the graph does not know ("was Tom
    Cruise in Ballerina"), or else what was found and what was not understood."""
    name = _unexplained(words, mentions)
    if name is not None:
        from .linking import search

        sugg = [m.suggestion() for m in search(store, name, limit=5) if m.score >= 0.6]
        return UnknownEntity(name, sugg, "entity")
    return _not_understood(question, mentions, resolved)


_ASKING = re.compile(
    r"^(?:is|was|are|were|did|does|do|has|have|had|and|or|who|what|which|when|where|how|"
    r"can|could|will|would)\b",
    re.IGNORECASE,
)


def _trimmed(store: Store, question: str, err: KGraphError) -> KGraphError:
    """An unknown name a table slot took with the question's own words ("no Person named 'Is
    Titanic a horror'") is trimmed to the words that look like a name ('Titanic'); with none
    left, the question is not understood, and the refusal says which words were not."""
    if not isinstance(err, UnknownEntity) or not _ASKING.match(err.name):
        return err
    name = _title(tokenize(err.name).words[1:])
    if name is None:
        odd = _unknown_words(question, [])
        unclear = f" (not understood: {', '.join(repr(w) for w in odd)})" if odd else ""
        return NotUnderstood(
            f"I did not understand {question.strip()!r}{unclear}. Try: {_examples()}"
        )
    from .linking import search

    sugg = [m.suggestion() for m in search(store, name, limit=5) if m.score >= 0.6]
    return UnknownEntity(name, sugg, "entity")


_JOINERS = {"of", "the", "and", "a", "an", "in", "on", "de", "la", "del", "&"}


def _title(words: tuple[str, ...]) -> str | None:
    """The first run of capitalised words, with the small words inside titles ("The Lord of
    the Rings"), or None."""
    best: list[str] = []
    run: list[str] = []
    gap: list[str] = []
    for w in words:
        if w[:1].isupper():
            run += gap + [w]
            gap = []
        elif run and w.casefold() in _JOINERS and len(gap) < 2:
            gap.append(w)
        elif run:
            best = run
            break
    best = best or run
    return " ".join(best) if best else None


def _swallowed(err: KGraphError, mentions: list[Mention]) -> bool:
    """An unknown name that holds a name the question's mentions found, with more words."""
    if not isinstance(err, UnknownEntity) or "this question needs" in str(err):
        return False
    name = normalise(err.name)
    return any(
        m.kind in ("entity", "year", "category")
        and normalise(m.text) in name
        and normalise(m.text) != name
        for m in mentions
    )


def _unknown_words(question: str, mentions: list[Mention]) -> list[str]:
    """The words of a question no kind of question knows, outside its mentions ("horror")."""
    words = tokenize(clean(question)).words
    taken = {i for m in mentions for i in range(m.start, m.end)}
    out = []
    for i, w in enumerate(words):
        lw = re.sub(r"(?:'s|’s)$", "", w.casefold().strip("'’"))
        if i not in taken and re.fullmatch(r"[^\W\d_][\w'’-]*", lw) and not _known_word(lw):
            out.append(w)
    return list(dict.fromkeys(out))


def _not_understood(
    question: str, mentions: list[Mention], resolved: dict[int, Candidate]
) -> NotUnderstood:
    found = understood(mentions, resolved)
    ideas = suggestions(mentions, resolved)
    you_can = ("; you can ask: " + "; ".join(f"'{q}'" for q in ideas)) if ideas else ""
    odd = _unknown_words(question, mentions)
    unclear = f" (not understood: {', '.join(repr(w) for w in odd)})" if odd else ""
    return NotUnderstood(
        f"I found {found} but not what you want to know in {question.strip()!r}{unclear}{you_can}"
    )


def _by_mentions(
    store: Store,
    question: str,
    text: str,
    mentions: list[Mention],
    resolved: dict[int, Candidate],
    words: tuple[str, ...],
    threshold: float,
) -> Answer | None:
    """The answer by the best-scoring reading of the mentions, or None (refuse)."""
    text = _spelled(text)
    # "other than X" narrows a list; a yes/no question handles "apart from W" itself
    excluded = frozenset() if YES_NO.match(text) else _excluded(words, mentions)
    rs = readings(mentions, text, resolved, excluded)
    if not rs or rs[0].score < threshold:
        return None
    best = rs[0]
    rivals = [r for r in rs[1:] if r.kind != best.kind]
    loose = [  # a pronoun after a name may refer to it ("… the same day it hit Netflix")
        m
        for m in mentions
        if m.kind == "pronoun"
        and m.start not in resolved
        and not any(e.kind == "entity" and e.start < m.start for e in mentions)
    ]
    if loose:  # "what awards have she and Kim Ji-hoon won?": never answered for one of them
        raise NotUnderstood(
            f"I don't know who or what '{loose[0].text}' refers to: ask about someone by name first"
        )
    if YES_NO.match(text):  # only a yes/no reading answers a yes/no question: no other rivals
        rivals = [r for r in rivals if r.kind.startswith("check-")]
    if (
        rivals
        and {best.kind, rivals[0].kind} <= _CREDIT_KINDS
        and best.slots == rivals[0].slots
        and _TWO_CREDITS.search(text)
    ):  # "who wrote and directed Ballerina?": the people who did both
        return _both_credits(store, question, best, rivals[0], mentions)
    if rivals and best.score - rivals[0].score < MARGIN:
        return None
    if YES_NO.match(text) and not best.kind.startswith("check-"):
        return None  # a yes/no question is answered yes or no, or not at all
    if re.search(r"\b(?:and|then) (?:when|where|who|what|which|how|did|is|was)\b", text):
        return None  # two questions in one: answering the first alone would mislead
    for m in mentions:  # "Ok-ju's friend": a relation the graph does not hold
        nxt = words[m.end].casefold() if m.end < len(words) else ""
        possessive = re.search(r"(?:'s|’s|s')$", words[m.end - 1]) is not None
        parts = re.findall(r"[a-z]+", nxt)
        if m.kind == "entity" and possessive and parts and not set(parts) <= vocabulary():
            return None
    name = _unexplained(words, mentions)
    if name is not None:
        from .linking import search

        sugg = [m.suggestion() for m in search(store, name, limit=5) if m.score >= 0.6]
        raise UnknownEntity(name, sugg, "entity")
    ans = _answer_reading(store, question, best, mentions)
    drop = {c.iri for m in mentions if m.start in excluded for c in m.candidates}
    if ans is not None and drop:
        fb = facts_of(store)
        kinds_answered = {fb.type_of(a.iri) for a in ans.answers if a.iri}
        if not {fb.type_of(i) for i in drop} <= kinds_answered:
            return None  # "in The Call but not Ballerina": not a list this answer can narrow
        names = ", ".join(m.text for m in mentions if m.start in excluded)
        ans = replace(
            ans,
            answers=tuple(a for a in ans.answers if a.iri not in drop),
            interpretation=f"{ans.interpretation}, other than {names}",
        )
    return ans


_EXCLUDING = re.compile(
    r"^(?:other than|apart from|aside from|except for|besides|except|excluding|but not|not)$"
)


def _excluded(words: tuple[str, ...], mentions: list[Mention]) -> frozenset[int]:
    """Mentions the question sets aside: "other than Kim Ji-hoon", "besides Jeon Jong-seo"."""
    out = set()
    for m in mentions:
        before = [w.casefold() for w in words[max(0, m.start - 2) : m.start]]
        if any(_EXCLUDING.match(" ".join(before[i:])) for i in range(len(before))):
            out.add(m.start)
    return frozenset(out)


def _answer_reading(
    store: Store, question: str, best: Any, mentions: list[Mention]
) -> Answer | None:
    """The answer to one reading of a question (a scored kind with its slots filled)."""
    if best.also is not None:
        return _two_works(store, question, best, mentions)
    text = best.text
    links = {
        slot: Link(
            slot,
            best.pronouns.get(slot) or best.texts.get(slot, c.label),
            c.iri,
            c.label,
            c.type,
            c.score,
            "context" if slot in best.pronouns else c.stage if c.stage != "iri" else "exact",
        )
        for slot, c in best.slots.items()
    }
    from .kinds import HANDLERS
    from .kinds import answer as kind_answer
    from .kinds_more import HANDLERS as MORE

    if best.kind in HANDLERS or best.kind in MORE:
        fb = facts_of(store)
        res = MORE[best.kind](fb, best, text) if best.kind in MORE else kind_answer(fb, best, text)
        notes = tuple(n for n in (lk.note for lk in links.values()) if n) + tuple(res.notes)
        return Answer(
            question,
            res.interpretation,
            None,
            tuple(res.items),
            best.kind,
            tuple(links.values()),
            notes,
            None,
            {k: lk.iri for k, lk in links.items()},
            _legend(fb, res.items),
            best,
        )
    from .patterns import by_name

    intent = by_name(best.kind)
    franchise = links.get("work") if "Franchise" in best.slots.get("work", _NO).classes else None
    if franchise is not None:  # "in Money Heist": any work of the franchise
        links = {k: v for k, v in links.items() if k != "work"}
    if any(s not in links and s not in intent.optional for s in intent.slots):
        return None
    ans = _answer(store, question, intent, links)
    if franchise is not None:
        fb = facts_of(store)
        works = set(fb.subjects("partOfFranchise", franchise.iri))
        where = franchise.label
        if re.search(r"\boriginal\b", text):  # "the original Money Heist": not its remakes
            works = {w for w in works if not set(fb.objects(w, "basedOn")) & works}
            where = (
                f"the original {franchise.label} ({', '.join(fb.label(w) for w in sorted(works))})"
            )
        ans = replace(
            ans,
            answers=tuple(a for a in ans.answers if _played_in(fb, a.iri, best, works)),
            interpretation=f"{ans.interpretation} in {where}",
        )
    if best.kind in ("awards-won", "awards", "nominations") and "work" in best.slots:
        fb = facts_of(store)  # "what did Jeon Jong-seo win for The Call?": that work's awards
        w = best.slots["work"].iri
        ans = replace(
            ans,
            answers=tuple(a for a in ans.answers if a.iri and w in fb.objects(a.iri, "forWork")),
        )
    if best.kind in ("awards-won", "awards", "nominations") and (best.year or best.category):
        fb = facts_of(store)
        ans = replace(
            ans,
            answers=tuple(a for a in ans.answers if a.iri and _award_fits(fb, a.iri, best)),
            interpretation=ans.interpretation
            + "".join(f", {x}" for x in (best.category, best.year) if x),
        )
    if best.kind in ("co-stars", "collaborators") and "work" in best.slots:
        fb = facts_of(store)
        w = best.slots["work"].iri
        p = best.slots["person"].iri
        kept: list[AnswerItem] = []
        for a in ans.answers:  # both the person asked about and the answer worked on the work
            if a.iri and w in fb.works_of(a.iri) and w in fb.works_of(p):
                facts = tuple(works_with(fb, p, w)[:1] + works_with(fb, a.iri, w)[:1])
                kept.append(_with_facts(replace(a, detail=fb.label(w), sources=()), facts))
        where = f" in {best.slots['work'].label}"
        interp = ans.interpretation
        ans = replace(
            ans,
            answers=tuple(kept),
            interpretation=interp if interp.endswith(where) else interp + where,
            legend=_legend(fb, kept),
        )
    qualifiers = [
        c
        for m in mentions
        if m.kind == "entity" and not (m.types() & CENTRAL)
        for c in m.candidates
    ]
    orgs = [c for c in qualifiers if "Organization" in c.classes]
    if orgs and not (
        ans.answers and all(a.iri and facts_of(store).is_work(a.iri) for a in ans.answers)
    ):
        return None  # an organisation named in the question that the answer cannot honour
    if orgs:
        fb = facts_of(store)
        keep = {o.iri for o in orgs}
        ans = replace(
            ans,
            answers=tuple(a for a in ans.answers if a.iri and keep & _outlets(fb, a.iri)),
            interpretation=f"{ans.interpretation}, on {', '.join(o.label for o in orgs)}",
        )
    if best.kind == "shared-works" and best.work_type:
        fb = facts_of(store)
        typed = tuple(a for a in ans.answers if a.iri and fb.is_a(a.iri, best.work_type))
        ans = replace(
            ans,
            answers=typed,
            interpretation=ans.interpretation.replace("works", _TYPE_NOUN[best.work_type], 1),
        )
    return ans


_BYLINE = re.compile(
    r"\b(?:wrote|authored|author|byline|penned|writer)\b.*"
    r"\b(?:article|source|piece|story|report|feature|guide|s\d{3})\b",
    re.IGNORECASE,
)


def _byline_answer(fb: Any, question: str, res: Any) -> Answer:
    """An answer about an article's byline (kinds_more): no entity is linked, no query runs."""
    legend = _legend(fb, res.items)
    notes = tuple(res.notes)
    return Answer(
        question,
        res.interpretation,
        None,
        tuple(res.items),
        "source-author",
        (),
        notes,
        None,
        {},
        legend,
    )


def _author_answer(store: Store, question: str, name: str) -> Answer | None:
    """A name no entity has that is an article's author: who it is (kinds_more.author_named)."""
    from .kinds_more import author_named

    fb = facts_of(store)
    res = author_named(fb, name)
    return None if res is None else _byline_answer(fb, question, res)


def _source_author(store: Store, question: str, text: str) -> Answer | None:
    """The author of an article ("who wrote the teaser-poster article?"): see
    kinds_more.source_author."""
    if not _BYLINE.search(text):
        return None  # most questions: no fact base read here (cold `kgraph ask` speed)
    from .kinds_more import source_author

    fb = facts_of(store)
    res = source_author(fb, text)
    return None if res is None else _byline_answer(fb, question, res)


_CREDIT_KINDS = {"director", "writer", "music"}
_CREDIT = r"(?:wr[io]te|written|directed|direct|composed|scored|penned|helmed)"
_TWO_CREDITS = re.compile(rf"\b{_CREDIT},? (?:and|&) (?:also )?{_CREDIT}\b")


def _both_credits(
    store: Store, question: str, r1: Any, r2: Any, mentions: list[Mention]
) -> Answer | None:
    """Two credits asked together ("wrote and directed"): the people the sources give both."""
    if r1.also is not None or r2.also is not None:
        return None  # two credits of two works: too many ways to read it
    a1 = _answer_reading(store, question, r1, mentions)
    a2 = _answer_reading(store, question, r2, mentions)
    if a1 is None or a2 is None:
        return None
    by2 = {a.iri: a for a in a2.answers if a.iri}
    rows = [
        replace(
            a,
            facts=tuple(dict.fromkeys(a.facts + by2[a.iri].facts)),
            sources=tuple(sorted(set(a.sources) | set(by2[a.iri].sources))),
        )
        for a in a1.answers
        if a.iri in by2
    ]
    return replace(
        a1,
        interpretation=f"{a1.interpretation} and {a2.interpretation}",
        answers=tuple(rows),
        links=tuple(dict.fromkeys(a1.links + a2.links)),
        notes=tuple(dict.fromkeys(a1.notes + a2.notes)),
        sparql=None,
        legend=_legend(facts_of(store), rows),
    )


_BOTH = re.compile(
    r"\bboth\b|\bin common\b|\bshared?\b|\bsame\b|\balso\b|\bas well\b|"
    r"\bfrom WORK\b.*\bin WORK\b|\bin WORK\b.*\bfrom WORK\b"
)


def _two_works(store: Store, question: str, best: Any, mentions: list[Mention]) -> Answer | None:
    """A question of one work asked of two ("who directed Ballerina and The Call?"): each
    answered alone, then joined. "Both", "in common" or "from W … in W2" keep the answers true
    of both works (the people in both casts); otherwise each answer says which work it is for."""
    slot = best.also_slot
    first = replace(best, also=None)
    second = replace(
        best,
        also=None,
        slots={**best.slots, slot: best.also},
        texts={**best.texts, slot: best.texts.get("also", best.also.label)},
    )
    a1 = _answer_reading(store, question, first, mentions)
    a2 = _answer_reading(store, question, second, mentions)
    if a1 is None or a2 is None:
        return None
    w1, w2 = best.slots[slot].label, best.also.label
    if best.kind.startswith("check-"):
        return _both_verdicts(store, best, a1, a2, (w1, w2))
    both = slot == "work" and _BOTH.search(best.text) is not None
    key = lambda a: a.iri or a.label
    by2 = {key(a): a for a in a2.answers}
    rows: list[AnswerItem] = []
    seen: set[str] = set()
    for a in a1.answers:
        b = by2.get(key(a))
        if b is not None:
            facts = tuple(dict.fromkeys(a.facts + b.facts))
            detail = " | ".join(_for(x.detail, w, slot) for x, w in ((a, w1), (b, w2)))
            rows.append(
                replace(
                    a,
                    detail=detail,
                    facts=facts,
                    sources=tuple(sorted(set(a.sources) | set(b.sources))),
                )
            )
        elif not both:
            rows.append(replace(a, detail=_for(a.detail, w1, slot)))
        seen.add(key(a))
    if not both:
        rows += [
            replace(b, detail=_for(b.detail, w2, slot)) for b in a2.answers if key(b) not in seen
        ]
    interp = (
        f"{a1.interpretation} and {a2.interpretation}, in both"
        if both
        else f"{a1.interpretation}; {a2.interpretation}"
    )
    fb = facts_of(store)
    links = tuple(dict.fromkeys(a1.links + a2.links))
    return replace(
        a1,
        interpretation=interp,
        answers=tuple(rows),
        links=links,
        notes=tuple(dict.fromkeys(a1.notes + a2.notes)),
        sparql=None,
        legend=_legend(fb, rows),
        reading=best,
    )


def _both_verdicts(
    store: Store, best: Any, a1: Answer, a2: Answer, works: tuple[str, str]
) -> Answer | None:
    """A yes/no question of two works: with "and", yes when it holds for both, no when it fails
    for one; with "or", yes when it holds for one, no when it fails for both; otherwise
    ``not stated``, or ``disputed`` where a source disagreement decides it."""
    if len(a1.answers) != 1 or len(a2.answers) != 1:
        return None
    v1, v2 = a1.answers[0], a2.answers[0]
    labels = {v1.label, v2.label}
    either = re.search(r"\bWORK or WORK\b", best.text) is not None
    if either:
        label = "yes" if "yes" in labels else "no" if labels == {"no"} else None
    else:
        label = "no" if "no" in labels else "yes" if labels == {"yes"} else None
    if label is None:
        label = "disputed" if "disputed" in labels else "not stated"
    detail = "; ".join(
        f"{w}: {v.label}" + (f" ({v.detail})" if v.detail else "") for w, v in zip(works, (v1, v2))
    )
    facts = tuple(dict.fromkeys(v1.facts + v2.facts))
    item = AnswerItem(
        label, None, label, tuple(sorted(set(v1.sources) | set(v2.sources))), detail, facts
    )
    join = " or " if either else " and "
    interp = a1.interpretation.replace(works[0], works[0] + join + works[1], 1)
    return replace(
        a1,
        interpretation=interp,
        answers=(item,),
        links=tuple(dict.fromkeys(a1.links + a2.links)),
        notes=tuple(dict.fromkeys(a1.notes + a2.notes)),
        sparql=None,
        legend=_legend(facts_of(store), [item]),
        reading=best,
    )


def _for(detail: str, name: str, slot: str) -> str:
    """A row's detail with the work (or person) it is for: "as Ok-ju in Ballerina"."""
    if not detail:
        return name
    if name in detail:
        return detail
    return f"{detail} in {name}" if slot == "work" else f"{name}: {detail}"


_TYPE_NOUN = {"Film": "films", "TVSeries": "series"}
_NO = Candidate("", "", "", frozenset(), "", 0.0)


def _outlets(fb: Any, work: str) -> set[str]:
    """The distributors, platforms and broadcasters the sources give a work."""
    out = set(fb.objects(work, "distributor")) | set(fb.objects(work, "originalBroadcaster"))
    for ev in fb.subjects("releaseOf", work):
        out |= set(fb.objects(ev, "platform"))
    return out


def _spelled(text: str) -> str:
    """The masked question with misspelt cue words put right ("dirceted" -> "directed")."""
    import difflib

    vocab = vocabulary()
    words = text.split()
    for i, w in enumerate(words):
        if len(w) >= 6 and w.isalpha() and w.islower() and w not in vocab:
            close = difflib.get_close_matches(w, _cue_words(), n=1, cutoff=0.8)
            if close:
                words[i] = close[0]
    return " ".join(words)


@lru_cache(maxsize=1)
def _cue_words() -> list[str]:
    return sorted(w for w in vocabulary() if len(w) >= 5)


def _award_fits(fb: Any, outcome: str, reading: Any) -> bool:
    """Whether an award or nomination is of the reading's year and category (where given)."""
    if reading.category and reading.category.casefold() not in {
        c.casefold() for c in fb.objects(outcome, "category")
    }:
        return False
    years = {y for c in fb.objects(outcome, "ceremony") for y in fb.objects(c, "year")}
    return not reading.year or reading.year in years


def _played_in(fb: Any, person: str | None, reading: Any, works: set[str]) -> bool:
    """Whether ``person`` played the reading's character in one of ``works``."""
    c = reading.slots["character"].iri
    return any(
        w in works
        for perf in fb.subjects("character", c)
        if person in fb.objects(perf, "performer")
        for w in fb.objects(perf, "inWork")
    )


def _with_facts(
    item: AnswerItem, facts: tuple[Fact, ...], stated: tuple[str, ...] | None = None
) -> AnswerItem:
    """The answer with its facts; its sources are then every source of those facts, and the
    articles it cites those that state its claim (``stated``, or its claim facts' sources)."""
    from .answers import stated_by

    sources = tuple(sorted({s for f in facts for s in f.sources})) or item.sources
    cited = (stated_by(facts) or None) if stated is None else stated
    return replace(item, facts=facts, sources=sources, stated_by=cited)


def _codes(sources: Any) -> str:
    """``s000``, ``mine.ttl`` (a loaded file by its name), as the legend shows them."""
    base = "https://kgraph.dev/id/source/"
    return ", ".join(s.removeprefix(base).removeprefix("file/") for s in sources)


def _pieced_notes(items: Any) -> tuple[str, ...]:
    """Where no one article states a row's claim together with the question's premise (the
    asked person in that work): the row cites its own part's articles, and says so."""
    from .answers import pieced

    out = []
    for a in items:
        for c in pieced(a.facts):
            given = [
                f for f in a.facts if f.role == "premise" and f.triples[0][2] == c.triples[0][2]
            ]
            out.append(
                f"note: {c.statement} [{_codes(c.sources)}]; "
                + "; ".join(f"{f.statement} [{_codes(f.sources)}]" for f in given)
                + " — no one article states both"
            )
    return tuple(out)


def _legend(fb: Any, items: Any) -> tuple[str, ...]:
    """One line per source the rows cite (a premise's or context fact's other sources are in
    ``--explain`` and JSON, not in the table)."""
    used = sorted({s for a in items for s in a.cited})
    return tuple(legend_line(fb, s) for s in used)


def _link_all(linker: _Linker, intent: Intent, slots: dict[str, str]) -> dict[str, Link]:
    links: dict[str, Link] = {}
    for name, types in intent.slots.items():
        if name not in slots:
            if name in intent.optional:
                continue
            raise NotUnderstood(f"missing {name}")
        links[name] = linker.link(name, slots[name], types)
    people = [lk.iri for lk in links.values()]
    if len(people) != len(set(people)) and intent.name in ("shared-works", "connection"):
        raise NotUnderstood("ask about two different people")
    return links


def _follow_up_reading(store: Store, question: str, x: str, ctx: Context) -> Answer | None:
    """``and Kim Ji-hoon?`` after a scored question: the same reading about another entity."""
    prev = ctx.reading
    mentions = [m for m in find_mentions(store, x) if m.kind == "entity"]
    if len(mentions) != 1 or len(mentions[0].candidates) != 1:
        return None
    new = mentions[0].candidates[0]
    for slot, old in prev.slots.items():
        if old.classes & new.classes & {"Person", "Work", "Character", "AwardCeremony"}:
            slots = dict(prev.slots)
            slots[slot] = new
            reading = replace(prev, slots=slots, texts={**prev.texts, slot: mentions[0].text})
            return _answer_reading(store, question, reading, [])
    return None


def _follow_up(store: Store, question: str, x: str, ctx: Context, linker: _Linker) -> Answer | None:
    """``and Kim Ji-hoon?`` after a question: the same intent about another entity."""
    from .patterns import by_name

    try:
        intent = by_name(ctx.intent or "")
    except KeyError:
        return None
    if not intent.slots:
        return None
    previous = {lk.slot: lk for lk in ctx.links}
    for slot, types in intent.slots.items():
        try:
            new = linker.link(slot, x, types)
        except KGraphError:
            continue
        links = dict(previous)
        links[slot] = new
        if all(s in links or s in intent.optional for s in intent.slots):
            return _answer(store, question, intent, links)
    return None


def _answer(store: Store, question: str, intent: Intent, links: dict[str, Link]) -> Answer:
    labels = {k: lk.label for k, lk in links.items()}
    interpretation = _summary(intent, labels)
    notes = tuple(n for n in (lk.note for lk in links.values()) if n)
    if intent.handler == "connection":
        return _connection(store, question, intent, links, interpretation, notes)
    return _saved_answer(store, question, intent, links, interpretation, notes)


def _summary(intent: Intent, labels: dict[str, str]) -> str:
    text = intent.summary
    for k, v in labels.items():
        text = text.replace("{" + k + "}", v)
    text = re.sub(r"\{\w+\}", "", text).strip()
    if "work" in labels and "{work}" not in intent.summary:
        text += f" in {labels['work']}"
    return text


def _saved_answer(
    store: Store,
    question: str,
    intent: Intent,
    links: dict[str, Link],
    interpretation: str,
    notes: tuple[str, ...],
) -> Answer:
    import pyoxigraph as ox

    from .saved import get_query

    assert intent.query
    query = get_query(intent.query)
    bindings: dict[str, Any] = {}
    for slot, lk in links.items():
        param = intent.params.get(slot, slot)
        if query.param(param) is not None:
            bindings[param] = ox.NamedNode(lk.iri)
    result = store.query(query.text, bindings)
    rows = [{k: _text(v) for k, v in r.items()} for r in result.rows]
    terms = result.rows
    pairs = list(zip(rows, terms, strict=True))
    for column, slot in intent.within.items():
        iri = links[slot].iri
        pairs = [(r, t) for r, t in pairs if iri in r.get(column, "").split()]
    if intent.keep is not None:
        pairs = [(r, t) for r, t in pairs if intent.keep(r)]
    for choose in intent.prefer:
        chosen = [(r, t) for r, t in pairs if choose(r)]
        if chosen:
            pairs = chosen
            break
    else:
        if intent.prefer:
            pairs = []
    answers = _items(intent, pairs)
    topics = _dispute_topics(store, pairs)
    notes = notes + tuple(
        f"note: the sources disagree here — {t} (see `kgraph conflicts`)"
        for t in sorted({t for ts in topics.values() for t, _ in ts})
    )
    fb = facts_of(store)
    iris = {k: lk.iri for k, lk in links.items()}
    fb.prefetch([*iris.values(), *(a.iri for a in answers if a.iri)])  # one read, not one each
    answers = tuple(
        _with_facts(a, facts_for(fb, intent.name, iris, a, interpretation)) for a in answers
    )
    notes = notes + _pieced_notes(answers)
    answers = _mark_disputed(intent, pairs, answers, topics)  # after the facts: no source says it
    if intent.name in ("premiere", "premiere-where"):
        answers = tuple(_with_edition(fb, a) for a in answers)
    return Answer(
        question,
        interpretation,
        display_sparql(query.text, bindings),
        answers,
        intent.name,
        tuple(links.values()),
        notes,
        query.name,
        {k: v.value for k, v in bindings.items()},
        _legend(fb, answers),
    )


def _with_edition(fb: Any, item: AnswerItem) -> AnswerItem:
    """A festival answer with its edition where a source numbers it ("28th edition", s002),
    that fact listed (as context: the row claims the premiere, not the numbering)."""
    eds = sorted(fb.objects(item.iri, "edition")) if item.iri else []
    if not eds:
        return item
    nth = ", ".join(_ordinal(e) for e in eds) + " edition"
    facts = item.facts + tuple(
        fb.fact(f"{item.label} is the {_ordinal(e)} edition", item.iri, "edition", e).as_role(
            "context"
        )
        for e in eds
    )
    return _with_facts(
        replace(item, detail=f"{item.detail}; {nth}" if item.detail else nth),
        facts,
        item.stated_by,
    )


def _ordinal(n: str) -> str:
    if not n.isdigit():
        return n
    k = int(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _dispute_topics(
    store: Store, pairs: list[tuple[dict[str, str], dict[str, Any]]]
) -> dict[str, list[tuple[str, str]]]:
    """The recorded disagreements (topic, kind) about each event or award an answer rests on."""
    import pyoxigraph as ox

    iris = sorted(
        {
            t[c].value
            for _, t in pairs
            for c in ("event", "outcome")
            if isinstance(t.get(c), ox.NamedNode)
        }
    )
    if not iris:
        return {}
    rows = store.select(
        "SELECT DISTINCT ?x ?topic ?kind WHERE { ?d a kg:Disagreement ; kg:about ?x ;"
        " kg:topic ?topic OPTIONAL { ?d kg:kind ?kind } } ORDER BY ?topic",
        {"x": [ox.NamedNode(i) for i in iris]},
    )
    out: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        pair = (_text(r["topic"]), _text(r["kind"]) if r.get("kind") is not None else "")
        if pair not in out.setdefault(_text(r["x"]), []):
            out[_text(r["x"])].append(pair)
    return out


# a disagreement of these kinds puts the answer in doubt (a "superseded" one does not: both
# readings were true when written)
_DOUBT = ("contradiction", "misattribution")


def _mark_disputed(
    intent: Intent,
    pairs: list[tuple[dict[str, str], dict[str, Any]]],
    answers: tuple[AnswerItem, ...],
    topics: dict[str, list[tuple[str, str]]],
) -> tuple[AnswerItem, ...]:
    """Each answer resting on an event or award the sources disagree about says so in its
    detail (``disputed: …``), on stdout as in JSON, not only in a note on stderr."""
    if not topics:
        return answers
    label_col = intent.label or intent.answer + "Label"
    doubt: dict[tuple[str, str], list[str]] = {}
    for row, terms in pairs:
        term = terms.get(intent.answer)
        value = term.value if term is not None else (intent.unbound or "")
        is_iri = term is not None and type(term).__name__ == "NamedNode"
        key = (value if is_iri else "", row.get(label_col) or value)
        prop = row.get("property", "")
        for c in ("event", "outcome"):
            x = terms.get(c)
            for topic, kind in topics.get(getattr(x, "value", ""), []) if x is not None else []:
                if prop and prop.casefold() not in topic.casefold():
                    continue  # about another detail of the event (its date, not its festival)
                if kind in _DOUBT and topic not in doubt.setdefault(key, []):
                    doubt[key].append(topic)
    out = []
    for a in answers:
        ts = doubt.get((a.iri or "", a.label), [])
        if ts:
            mark = "disputed: " + "; ".join(ts)
            a = replace(a, detail=f"{a.detail}; {mark}" if a.detail else mark)
        out.append(a)
    return tuple(out)


def _text(term: Any) -> str:
    """A term's value (lexical form or IRI); an RDF 1.2 triple term in N-Triples syntax."""
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def _items(
    intent: Intent, pairs: list[tuple[dict[str, str], dict[str, Any]]]
) -> tuple[AnswerItem, ...]:
    import pyoxigraph as ox

    label_col = intent.label or intent.answer + "Label"
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row, terms in pairs:
        term = terms.get(intent.answer)
        if term is None:
            if intent.unbound is None:
                continue
            term = ox.Literal(intent.unbound)
        is_iri = isinstance(term, ox.NamedNode)
        value = term.value
        label = row.get(label_col) or value
        key = (value if is_iri else "", label)
        item = merged.setdefault(
            key,
            {
                "label": label,
                "iri": value if is_iri else None,
                "value": None if is_iri else value,
                "sources": set(),
                "details": [],
            },
        )
        item["sources"].update(row.get("sources", "").split())
        if intent.detail:
            d = _detail(intent.detail, row)
            if d and d not in item["details"]:
                item["details"].append(d)
    return tuple(
        AnswerItem(
            it["label"],
            it["iri"],
            it["value"],
            tuple(sorted(it["sources"])),
            "; ".join(it["details"]),
        )
        for it in merged.values()
    )


def _detail(fmt: str, row: dict[str, str]) -> str:
    """The row's values in ``fmt``; a placeholder without a value drops its phrase."""
    names = _SLOT_RE.findall(fmt)
    if names and all(not row.get(n) for n in names):
        return ""
    # a GROUP_CONCAT list comes in the engine's order: sorted here, so every store agrees
    text = _SLOT_RE.sub(lambda m: " | ".join(sorted(row.get(m.group(1), "").split(" | "))), fmt)
    text = re.sub(r"\b(?:as|in|by|played by)\s*$", "", text.strip()).strip()
    return re.sub(r"\s+", " ", text)


def display_sparql(text: str, bindings: dict[str, Any]) -> str:
    """The query as it ran: the saved text with the bound values shown in a VALUES block.

    The values were bound by the store, not pasted; this is the equivalent text, for reading.
    """
    if not bindings:
        return text
    from .store import bind_values

    return bind_values(text, bindings)


def _connection(
    store: Store,
    question: str,
    intent: Intent,
    links: dict[str, Link],
    interpretation: str,
    notes: tuple[str, ...],
) -> Answer:
    from .errors import NoPath
    from .paths import path

    a, b = links["person"], links["other"]
    try:
        res = path(store, a.iri, b.iri, all=True, limit=20)
    except NoPath as e:
        raise NoPath(str(e)) from None
    steps = res.steps[0] if res.steps else ()
    if res.hops == 1:  # directly linked: every work they share is a link
        steps = tuple({st[0].work.iri: st[0] for st in res.steps if st}.values())
    fb = facts_of(store)
    fb.prefetch([x for s in steps for x in (s.work.iri, *(part.person.iri for part in s.people))])
    # each step rests on both people's part in its work, each part cited by its own sources
    # the step is stated by the sources naming both people in its work (Step.stated_by)
    answers = tuple(
        _with_facts(
            AnswerItem(s.text, s.work.iri, None, tuple(src.iri for src in s.sources), s.work.label),
            tuple(
                f.as_role("part")
                for part in s.people
                for f in works_with(fb, part.person.iri, s.work.iri)
            ),
            tuple(src.iri for src in s.stated_by),
        )
        for s in steps
    )
    notes = notes + tuple(
        f"note: no one source names both people of: {s.text}" for s in steps if s.pieced
    )
    interp = (
        f"{interpretation}: {res.hops} hop{'s' if res.hops != 1 else ''} ("
        + " → ".join(n.label for n in res.paths[0])
        + ")"
    )
    return Answer(
        question,
        interp,
        None,
        answers,
        intent.name,
        tuple(links.values()),
        notes,
        None,
        {"person": a.iri, "other": b.iri},
        _legend(fb, answers),
    )


def _examples() -> str:
    picks = ("co-stars", "director", "cast", "who-played", "release-date", "connection")
    from .patterns import by_name

    return "; ".join(f"'{by_name(n).example}'" for n in picks)


def supported() -> list[tuple[str, str]]:
    """Each intent with an example question, for help texts."""
    return [(i.name, i.example) for i in INTENTS]
