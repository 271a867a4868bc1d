"""Answers to yes/no questions about a work's genre and year ("Is Ballerina a horror film?",
"was Ballerina released in 2023?"), kept apart from :mod:`kgraph.kinds`: :mod:`kgraph.questions`
takes these ``HANDLERS`` beside its own. Like every answer, each rests on facts cited triple
by triple.

A genre the sources do not give is ``not stated``, never ``no``: genres do not exclude each
other, so "action" and "thriller" say nothing against "horror". A year is one fact: another
stated year is a ``no``.
"""

from __future__ import annotations

import datetime
import re

from .answers import AnswerItem
from .factbase import KG, Fact, FactBase
from .kinds import Result, _verdict
from .understanding import GENRE_WORDS, Reading


def asked_genres(text: str) -> list[str]:
    """The genre words of a question, as typed ("horror", "sci-fi")."""
    run = rf"{GENRE_WORDS}(?:[\s-]+{GENRE_WORDS})*"  # "revenge thriller" is one genre
    return list(dict.fromkeys(m.group(0) for m in re.finditer(run, text)))


def _same_genre(asked: str, stated: str) -> bool:
    """ "horror" fits "horror", "action" fits "action thriller"; "sci-fi" fits "science fiction"."""

    def norm(x: str) -> str:
        x = re.sub(r"[^a-z ]", " ", x.casefold().replace("sci-fi", "science fiction"))
        return " ".join(w.rstrip("s") for w in x.split())

    a, s = norm(asked), norm(stated)
    return a == s or f" {a} " in f" {s} " or f" {s} " in f" {a} "


def check_genre(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots["work"].iri
    asked = asked_genres(text)
    name = " and ".join(asked) or "that genre"
    interp = f"whether {fb.label(w)} is {name}"
    stated = sorted(set(fb.objects(w, "genre")))
    fits: list[str] = []
    for a in asked:  # each genre asked ("a horror film and a thriller") must be given
        exact = [g for g in stated if g.casefold() == a]
        got = exact or [g for g in stated if _same_genre(a, g)]
        if not got:
            fits = []
            break
        fits += [g for g in got if g not in fits]
    if fits:
        facts = [fb.fact(f"the genre of {fb.label(w)} is {g}", w, "genre", g) for g in fits]
        return Result(interp, [_verdict("yes", facts, ", ".join(fits))])
    facts = [fb.fact(f"the genre of {fb.label(w)} is {g}", w, "genre", g) for g in stated]
    detail = (
        f"the sources call it {', '.join(stated)}; none calls it {name}"
        if stated
        else f"the sources give no genre for {fb.label(w)}"
    )
    return Result(interp, [_verdict("not stated", facts, detail)])


def check_year(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots["work"].iri
    year = r.year or ""
    interp = f"whether {fb.label(w)} came out in {year}"
    years = sorted(set(fb.objects(w, "year")))
    facts = [fb.fact(f"{fb.label(w)} came out in {y}", w, "year", y) for y in years]
    if year in years:
        return Result(interp, [_verdict("yes", [f for f in facts if year in f.statement], year)])
    if years:
        return Result(
            interp, [_verdict("no", facts, f"the sources say {', '.join(years)}, not {year}")]
        )
    return Result(
        interp, [_verdict("not stated", [], f"the sources give no year for {fb.label(w)}")]
    )


_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# a month by its name or its three-letter abbreviation ("oct", "Sept."), lower case
_MONTH_NUMBER = {
    n: i + 1 for i, name in enumerate(_MONTH_NAMES) for n in (name.lower(), name.lower()[:3])
} | {"sept": 9}


def asked_day(text: str, year: str | None) -> str | None:
    """ "october 13" / "13 october" (with the reading's year, if any) as "MM-DD" or
    "YYYY-MM-DD"; None when the question gives no day."""
    months = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
    m = re.search(rf"\b({months})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b", text) or re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({months})\b", text
    )
    if m is None:
        return None
    a, b = m.group(1), m.group(2)
    month, day = (a, b) if a in _MONTH_NUMBER else (b, a)
    try:
        datetime.date(2000, _MONTH_NUMBER[month], int(day))  # a leap year: February 29 exists
    except ValueError:
        return None
    md = f"{_MONTH_NUMBER[month]:02d}-{int(day):02d}"
    return f"{year}-{md}" if year else md


def check_date(fb: FactBase, r: Reading, text: str) -> Result:
    """ "Was Ballerina released on October 13?": yes when a release the sources date falls on
    that day, no when they date its releases to other days, else not stated."""
    w = r.slots["work"].iri
    premiere = re.search(r"\b(?:premiere\w*|debut\w*)\b", text) is not None
    day = asked_day(text, r.year)
    shown = day or "that day"
    if day:
        month = _MONTH_NAMES[int(day[-5:-3]) - 1]
        shown = f"{month} {int(day[-2:])}" + (f", {r.year}" if r.year else "")
    interp = f"whether {fb.label(w)} {'premiered' if premiere else 'was released'} on {shown}"
    facts = []
    notes = []
    events = (
        [e for e in fb.subjects("screenedWork", w) if "true" in fb.objects(e, "isPremiere")]
        if premiere
        else fb.subjects("releaseOf", w)
    )
    for ev in sorted(set(events)):
        for d in sorted(set(fb.objects(ev, "date"))):
            facts.append(fb.fact(f"{fb.label(ev)} is on {d}", ev, "date", d))
        notes += [
            f"note: the sources disagree here — {t} (see `kgraph conflicts`)"
            for t in fb.disputes_of(ev)
        ]
    if day is None:
        return Result(interp, [])
    hits = [f for f in facts if f.triples[0][2].endswith(day)]
    if premiere and notes and facts:  # the premiere's date is what the sources dispute
        said = ", ".join(dict.fromkeys(f.triples[0][2] for f in facts))
        detail = f"the sources disagree on the date ({said} is stated)"
        return Result(interp, [_verdict("disputed", facts, detail)], notes)
    if hits:
        return Result(interp, [_verdict("yes", hits, hits[0].triples[0][2])], notes)
    if facts:
        said = ", ".join(dict.fromkeys(f.triples[0][2] for f in facts))
        return Result(interp, [_verdict("no", facts, f"the sources say {said}")], notes)
    return Result(
        interp,
        [
            _verdict(
                "not stated",
                [],
                f"the sources date no {'premiere' if premiere else 'release'} of {fb.label(w)}",
            )
        ],
    )


def festival_dates(fb: FactBase, r: Reading, text: str) -> Result:
    """A festival's dates are its editions' dates: the sources date editions, not festivals."""
    fest = r.slots["event"].iri
    editions = sorted(set(fb.subjects("editionOf", fest)), key=lambda e: fb.label(e))
    items: list[AnswerItem] = []
    for ev in editions:
        for prop, what in (("startDate", "starts"), ("endDate", "ends"), ("date", "is held")):
            for v in sorted(set(fb.objects(ev, prop))):
                f = fb.fact(f"{fb.label(ev)} {what} {v}", ev, prop, v)
                items.append(AnswerItem(v, None, v, f.sources, f"{fb.label(ev)} {what}", (f,)))
    notes = []
    if len(editions) == 1:
        notes.append(f"note: the sources date one edition only, {fb.label(editions[0])}")
    return Result(f"when {fb.label(fest)} takes place", items, notes)


_AUTHOR_Q = re.compile(
    r"^(?:who (?:wrote|authored|penned|is the (?:author|writer) of|was the (?:author|writer) of)|"
    r"(?:what|who) is the (?:byline|author) of|(?:the )?(?:author|byline) of|"
    r"by whom was)\b(?P<rest>.*)$"
)
_ARTICLE = re.compile(r"\b(?:article|source|piece|story|report|feature|guide|s\d{3})\b")
_FILLER = {"the", "a", "an", "of", "on", "about", "article", "source", "piece", "story", "report"}


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def source_author(fb: FactBase, text: str) -> Result | None:
    """ "Who wrote the teaser-poster article?": the author of the one source whose label (or
    code) holds every other word of the question; None when the question is not of this shape
    or names no single source. The byline is the curators' record of the article (``kgraph show
    s004``), stated in no source's graph, so the answer cites none."""
    m = _AUTHOR_Q.match(text.casefold().strip(" ?.!"))
    if m is None or not _ARTICLE.search(m.group("rest")):
        return None
    words = [w for w in _tokens(m.group("rest")) if w not in _FILLER and w != "written"]
    fb.source_of("")  # a lazy fact base reads the sources' records on first use
    hits = []
    for src, info in fb.source_info.items():
        code = src.rsplit("/", 1)[-1]
        have = set(_tokens(info.get("label", ""))) | {code.casefold()}
        if words and all(w in have for w in words):
            hits.append((src, code, info))
    if len(hits) != 1:
        return None
    src, code, info = hits[0]
    label = re.sub(r"\s*\(s\d+\)$", "", info.get("label", code))
    interp = f"who wrote {code} ({label})"
    author = info.get("author")
    if not author:
        return Result(interp, [], [f"note: the graph names no author for {code}"])
    fact = Fact(f"{code} is by {author}", (), ((src, KG + "authorName", author),))
    item = AnswerItem(author, None, author, (), f"author of {code}", (fact,))
    return Result(interp, [item], [f"note: {code}'s byline, as the curators record it"])


_VILLAIN = re.compile(r"\b(?:antagonist|villain|bad guy|baddie|nemesis)\b", re.IGNORECASE)


def antagonist(fb: FactBase, r: Reading, text: str) -> Result:
    """ "Who is the villain of Ballerina?": the work's characters the curators describe as its
    antagonist or villain (the sources' graphs hold no such role), each with who plays it."""
    w = r.slots["work"].iri
    items = []
    notes = []
    for c in sorted(set(fb.subjects("appearsIn", w)), key=lambda x: fb.label(x)):
        desc = fb.description(c) or ""
        if not _VILLAIN.search(desc):
            continue
        facts = [fb.fact(f"{fb.label(c)} is a character of {fb.label(w)}", c, "appearsIn", w)]
        players = []
        for perf in sorted(set(fb.subjects("character", c))):
            for p in sorted(set(fb.objects(perf, "performer"))):
                players.append(fb.label(p))
                facts.append(fb.fact(f"{fb.label(p)} played {fb.label(c)}", perf, "character", c))
        detail = f"played by {', '.join(dict.fromkeys(players))}" if players else ""
        cited = tuple(sorted({x for f in facts for x in f.sources}))
        items.append(AnswerItem(fb.label(c), c, None, cited, detail, tuple(facts)))
        notes.append(
            f"note: the curators describe {fb.label(c)} so ({desc!r}); no source's graph "
            "states the role"
        )
    return Result(f"the antagonist of {fb.label(w)}", items, notes)


def author_named(fb: FactBase, name: str) -> Result | None:
    """ "Who is Lily Alice?": a name no entity has, which is the byline of articles in the
    graph; None when no article is by that name."""
    from .linking import normalise

    wanted = normalise(
        re.sub(
            r"^(?:who|what)(?:'s| is| was)\s+|^(?:tell me )?about\s+",
            "",
            name.strip(" ?"),
            flags=re.IGNORECASE,
        )
    )
    fb.source_of("")
    items = []
    for src, info in sorted(fb.source_info.items()):
        author = info.get("author")
        if author and normalise(author) == wanted:
            code = src.rsplit("/", 1)[-1]
            label = re.sub(r"\s*\(s\d+\)$", "", info.get("label", code))
            fact = Fact(f"{code} is by {author}", (), ((src, KG + "authorName", author),))
            items.append(
                AnswerItem(author, None, author, (), f"author of {code} ({label})", (fact,))
            )
    if not items:
        return None
    return Result(
        f"who {items[0].label} is",
        items,
        [f"note: {items[0].label} is not in the graph's entities; the curators record the byline"],
    )


HANDLERS = {
    "antagonist": antagonist,
    "check-date": check_date,
    "check-genre": check_genre,
    "check-year": check_year,
    "festival-dates": festival_dates,
}
