"""Answers to the kinds of question that need more than one saved query: counts, yes/no checks,
genres, distributors, debuts, works before or after, years, award winners, superlatives; and
the facts (each with exactly its sources) behind the answers of every kind.

Every answer here is computed from :mod:`kgraph.factbase`: triples as the sources' named graphs
state them, so an answer's ``facts`` cite, triple by triple, the sources that state it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .answers import AnswerItem, stated_by
from .citing import _outcome_facts, _works_with, premise, relationship_facts
from .factbase import KG, Fact, FactBase
from .records import field, record, replace
from .terms import local_name
from .understanding import Reading

COUNTRIES = {
    "KR": "South Korea",
    "ES": "Spain",
    "RU": "Russia",
    "JP": "Japan",
    "US": "United States",
}


@record
class Result:
    interpretation: str
    items: list[AnswerItem]
    notes: list[str] = field(default_factory=list)


def _union(facts: Iterable[Fact]) -> tuple[str, ...]:
    return tuple(sorted({s for f in facts for s in f.sources}))


def _item(label: str, facts: list[Fact], *, iri: str | None = None, detail: str = "") -> AnswerItem:
    facts = [f for f in facts if f.sources or f.statement]
    uniq = list(dict.fromkeys(facts))
    return AnswerItem(
        label, iri, None if iri else label, _union(uniq), detail, tuple(uniq), _cited(uniq)
    )


def _cited(facts: list[Fact]) -> tuple[str, ...] | None:
    """The articles stating a row's claim (None: every source of its facts)."""
    return stated_by(facts) or None


def _entity(fb: FactBase, iri: str, facts: list[Fact], detail: str = "") -> AnswerItem:
    return _item(fb.label(iri), facts, iri=iri, detail=detail)


def _verdict(label: str, facts: list[Fact], detail: str) -> AnswerItem:
    uniq = list(dict.fromkeys(facts))
    return AnswerItem(label, None, label, _union(uniq), detail, tuple(uniq), _cited(uniq))


def _typed(fb: FactBase, works: Iterable[str], wtype: str | None) -> list[str]:
    ws = [w for w in works if fb.is_work(w)]
    if wtype:
        ws = [w for w in ws if fb.is_a(w, wtype)]
    return sorted(set(ws), key=lambda w: fb.label(w).casefold())


def _noun(wtype: str | None, n: int = 2) -> str:
    base = {"Film": "film", "TVSeries": "series"}.get(wtype or "", "work")
    return base if n == 1 or base == "series" else base + "s"


def _year_detail(fb: FactBase, w: str) -> str:
    y = fb.year(w)
    return y or ""


# -- handlers ---------------------------------------------------------------------------------


def answer(fb: FactBase, r: Reading, text: str) -> Result:
    handler = HANDLERS[r.kind]
    return handler(fb, r, text)


def _check_together(fb: FactBase, r: Reading, text: str) -> Result:
    a, b = r.slots["person"].iri, r.slots["other"].iri
    shared = sorted(set(fb.works_of(a)) & set(fb.works_of(b)), key=lambda w: fb.label(w).casefold())
    interp = f"whether {fb.label(a)} and {fb.label(b)} worked together"
    if "work" in r.slots:
        w = r.slots["work"].iri
        if re.search(
            r"\b(?:apart from|besides|other than|except|excluding|aside from|beyond)\b", text
        ):
            shared = [x for x in shared if x != w]
            interp += f", apart from {fb.label(w)}"
        else:
            shared = [x for x in shared if x == w]
            interp += f" on {fb.label(w)}"
    if r.work_type:
        shared = [x for x in shared if fb.is_a(x, r.work_type)]
    if shared:  # stated by the articles naming both in a shared work
        facts = [f for w in shared for f in premise(_works_with(fb, a, w)) + _works_with(fb, b, w)]
        return Result(
            interp, [_verdict("yes", facts, "in " + ", ".join(fb.label(w) for w in shared))]
        )
    if fb.works_of(a) and fb.works_of(b):
        return Result(interp, [_verdict("no", [], "the sources name no work they share")])
    return Result(interp, [_verdict("not stated", [], "the sources name no work they share")])


def _check_partner(fb: FactBase, r: Reading, text: str) -> Result:
    a, b = r.slots["person"].iri, r.slots["other"].iri
    interp = f"whether {fb.label(a)} and {fb.label(b)} are partners"
    married = any(
        w in text for w in ("married", "marry", "marriage", "spouse", "husband", "wife", "engaged")
    )

    rels_a = set(fb.subjects("partner", a))
    together = [rel for rel in rels_a if rel in set(fb.subjects("partner", b))]
    if together:
        facts = [f for rel in together for f in relationship_facts(fb, rel, a, b)]
        types = {t for rel in together for t in fb.objects(rel, "relationshipType")}
        if married and not types & {"married", "spouses", "marriage"}:
            return Result(
                interp,
                [
                    _verdict(
                        "not stated",
                        facts,
                        "the sources say they are a couple; none says they are married",
                    )
                ],
            )
        return Result(interp, [_verdict("yes", facts, ", ".join(sorted(types)) or "partners")])
    others = [(rel, o) for rel in rels_a for o in fb.objects(rel, "partner") if o != a]
    if others:
        facts = [f for rel, o in others for f in relationship_facts(fb, rel, a, o)]
        return Result(
            interp,
            [
                _verdict(
                    "no",
                    facts,
                    f"the sources name {', '.join(fb.label(o) for _, o in others)} as {fb.label(a)}'s partner",
                )
            ],
        )
    return Result(
        interp, [_verdict("not stated", [], "the sources say nothing of their private lives")]
    )


def _check_credit(prop: str, what: str):  # type: ignore[no-untyped-def]
    def handler(fb: FactBase, r: Reading, text: str) -> Result:
        p, w = r.slots["person"].iri, r.slots["work"].iri
        interp = f"whether {fb.label(p)} {what} {fb.label(w)}"
        if fb.sources(w, prop, p):
            return Result(
                interp,
                [_verdict("yes", [fb.fact(f"{fb.label(p)} {what} {fb.label(w)}", w, prop, p)], "")],
            )
        others = fb.objects(w, prop)
        if others:
            facts = [fb.fact(f"{fb.label(o)} {what} {fb.label(w)}", w, prop, o) for o in others]
            return Result(
                interp,
                [
                    _verdict(
                        "no", facts, f"the sources name {', '.join(fb.label(o) for o in others)}"
                    )
                ],
            )
        return Result(
            interp, [_verdict("not stated", [], f"the sources do not say who {what} {fb.label(w)}")]
        )

    return handler


def _check_in(fb: FactBase, r: Reading, text: str) -> Result:
    p, w = r.slots["person"].iri, r.slots["work"].iri
    interp = f"whether {fb.label(p)} was in {fb.label(w)}"
    if fb.sources(p, "workedOn", w):
        facts = _works_with(fb, p, w)
        chars = [
            f.statement.split(" played ", 1)[1].rsplit(" in ", 1)[0]
            for f in facts
            if " played " in f.statement
        ]
        return Result(
            interp,
            [_verdict("yes", facts, ("as " + ", ".join(dict.fromkeys(chars))) if chars else "")],
        )
    people = fb.people_of(w)
    if people:
        return Result(
            interp,
            [
                _verdict(
                    "no",
                    [],
                    f"the sources name {len(people)} people who worked on {fb.label(w)}, not {fb.label(p)}",
                )
            ],
        )
    return Result(
        interp, [_verdict("not stated", [], f"the sources name nobody who worked on {fb.label(w)}")]
    )


def _check_played(fb: FactBase, r: Reading, text: str) -> Result:
    p, c = r.slots["person"].iri, r.slots["character"].iri
    interp = f"whether {fb.label(p)} played {fb.label(c)}"
    facts: list[Fact] = []
    other: list[Fact] = []
    for perf in fb.subjects("character", c):
        for who in fb.objects(perf, "performer"):
            for w in fb.objects(perf, "inWork"):
                f = fb.fact(
                    f"{fb.label(who)} played {fb.label(c)} in {fb.label(w)}", perf, "character", c
                )
                (facts if who == p else other).append(f)
    if facts:
        return Result(interp, [_verdict("yes", facts, "")])
    if other:
        return Result(interp, [_verdict("no", other, "")])
    return Result(interp, [_verdict("not stated", [], "")])


def _outcomes(fb: FactBase, r: Reading, text: str, *, nominated: bool) -> list[str]:
    """Award outcomes matching the reading's body/ceremony, category and year."""
    cls = "Nomination" if nominated else "Award"
    outs = fb.instances(cls, what="awards" if cls == "Award" else "nominations")
    body = r.slots.get("body")
    if body is not None:
        keep = []
        for o in outs:
            for cer in fb.objects(o, "ceremony"):
                if cer == body.iri or body.iri in fb.objects(cer, "editionOf"):
                    keep.append(o)
        outs = keep
    if r.category:
        outs = [
            o
            for o in outs
            if any(c.casefold() == r.category.casefold() for c in fb.objects(o, "category"))
        ]
    if r.year:
        outs = [
            o
            for o in outs
            if any(r.year in fb.objects(cer, "year") for cer in fb.objects(o, "ceremony"))
        ]
    return sorted(outs)


def _check_award(fb: FactBase, r: Reading, text: str) -> Result:
    e = r.slots["entity"].iri
    nominated = "nominat" in text
    asked = f"the {r.category} award" if r.category else "an award"
    if "body" in r.slots:
        asked += f" at the {fb.label(r.slots['body'].iri)}"
    if r.year:
        asked += f" in {r.year}"
    interp = f"whether {fb.label(e)} {'was nominated for' if nominated else 'won'} {asked}"
    outs = [
        o
        for o in _outcomes(fb, r, text, nominated=nominated)
        if e in fb.objects(o, "recipient") or e in fb.objects(o, "forWork")
    ]
    if "work" in r.slots:  # "did she win Best Actress for The Call?": for that work
        w = r.slots["work"].iri
        outs = [o for o in outs if w in fb.objects(o, "forWork")]
        asked += f" for {fb.label(w)}"
        interp += f" for {fb.label(w)}"
    if not outs and nominated:
        outs = [
            o
            for o in _outcomes(fb, r, text, nominated=False)
            if e in fb.objects(o, "recipient") or e in fb.objects(o, "forWork")
        ]
    noms = [
        o
        for o in ([] if nominated else _outcomes(fb, r, text, nominated=True))
        if e in fb.objects(o, "recipient")
    ]
    if not outs and noms:
        facts = [f for o in noms for f in _outcome_facts(fb, o, e)]
        return Result(
            interp,
            [_verdict("not stated", facts, "the sources say nominated; none says won or lost")],
        )
    if not outs:
        return Result(
            interp,
            [
                _verdict(
                    "not stated",
                    [],
                    f"no source says {fb.label(e)} {'was nominated for' if nominated else 'won'} {asked}",
                )
            ],
        )
    facts = [f for o in outs for f in _outcome_facts(fb, o, e)]
    # disputed whether the entity is the award's recipient or the work it was for: "did Drive My
    # Car win an Oscar?" rests on s001's award to Park Yu-rim, which the curators read as the
    # film's (no article says the film won)
    disputed = [t for o in outs for t in fb.disputes_of(o)]
    if disputed and not any(e in fb.objects(o, "recipient") for o in outs):
        # the work the disputed award was for: it won in the curators' reading, which no
        # article states (s001 gives the award to Park Yu-rim): cited to no article
        facts = [f.as_role("context") for f in facts] + [
            f.as_role("context")
            for o in outs
            for who in fb.objects(o, "recipient")
            for f in _outcome_facts(fb, o, who)[:1]
        ]
        uniq = list(dict.fromkeys(facts))
        topics = "; ".join(dict.fromkeys(disputed))
        return Result(
            interp,
            [
                AnswerItem(
                    "yes",
                    None,
                    "yes",
                    _union(uniq),
                    f"in the curators' reading, which no article states; disputed: {topics}",
                    tuple(uniq),
                    (),
                )
            ],
            [
                f"note: the sources disagree here — {t} (see `kgraph conflicts`)"
                for t in dict.fromkeys(disputed)
            ],
        )
    if disputed:
        return Result(
            interp,
            [
                _verdict(
                    "disputed", facts, "the sources disagree: " + "; ".join(dict.fromkeys(disputed))
                )
            ],
            [
                f"note: the sources disagree here — {t} (see `kgraph conflicts`)"
                for t in dict.fromkeys(disputed)
            ],
        )
    return Result(interp, [_verdict("yes", facts, "; ".join(fb.label(o) for o in outs))])


def _count_awards(fb: FactBase, r: Reading, text: str) -> Result:
    e = r.slots["entity"].iri
    nominated = "nominat" in text
    cls = "Nomination" if nominated else "Award"
    outs = sorted(
        {o for p in ("recipient", "forWork") for o in fb.subjects(p, e) if fb.is_a(o, cls)}
    )
    if r.category:
        outs = [
            o
            for o in outs
            if r.category.casefold() in {c.casefold() for c in fb.objects(o, "category")}
        ]
    if r.year:
        outs = [
            o
            for o in outs
            if any(r.year in fb.objects(c, "year") for c in fb.objects(o, "ceremony"))
        ]
    facts = [f for o in outs for f in _outcome_facts(fb, o, e)]
    n = len(outs)
    what = "nominations" if nominated else "awards"
    return Result(
        f"how many {what} {fb.label(e)} received",
        [_count(n, facts, ", ".join(fb.label(o) for o in outs))],
    )


def _count(
    n: int, facts: list[Fact], detail: str, stated: tuple[str, ...] | None = None
) -> AnswerItem:
    """A count: cited by the articles that name a counted thing (``stated``, or the sources of
    the claim facts)."""
    uniq = list(dict.fromkeys(facts))
    cited = _cited(uniq) if stated is None else stated
    return AnswerItem(str(n), None, str(n), _union(uniq), detail, tuple(uniq), cited)


def _count_works(fb: FactBase, r: Reading, text: str) -> Result:
    p = r.slots["person"].iri
    noun = _noun(r.work_type)
    prop = {"Film": "filmCount", "TVSeries": "seriesCount"}.get(r.work_type or "")
    if ("work" in r.slots or r.year) and re.search(r"\b(?:before|after|prior to|since)\b", text):
        after = re.search(r"\b(?:after|since)\b", text) is not None
        res = _before_after(after)(fb, r, text)
        facts = [f for it in res.items for f in it.facts]
        n = len(res.items)
        cited = tuple(sorted({s for it in res.items for s in it.cited}))
        return Result(
            f"how many of {res.interpretation}",
            [_count(n, facts, ", ".join(i.label for i in res.items), cited)],
            res.notes
            + _prior_count(fb, r, n, after)
            + _count_disputes(
                fb,
                p,
                n,
                r.work_type,
                fb.label(r.slots["work"].iri) if "work" in r.slots else r.year,
            ),
        )
    if prop and re.search(r"\baccording to\b", text):
        stated = sorted(fb.objects(p, prop))
        if stated:
            facts = [fb.fact(f"{fb.label(p)} has made {v} {noun}", p, prop, v) for v in stated]
            return Result(
                f"how many {noun} {fb.label(p)} has made, as the sources state it",
                [_count(int(stated[0]), facts, "as stated")] if len(stated) == 1 else [],
            )
    works = _typed(fb, fb.works_of(p), r.work_type)
    facts = [f for w in works for f in _works_with(fb, p, w)[:1]]
    notes = []
    if prop:
        for v in fb.objects(p, prop):
            if v != str(len(works)):
                srcs = ", ".join(local_name(s) for s in fb.sources(p, prop, v))
                notes.append(
                    f"note: {srcs} gives {fb.label(p)} {v} {noun}; the graph names {len(works)}"
                )
    return Result(
        f"how many {noun} {fb.label(p)} has worked on",
        [_count(len(works), facts, ", ".join(fb.label(w) for w in works))],
        notes + _count_disputes(fb, p, len(works), r.work_type),
    )


def _prior_count(fb: FactBase, r: Reading, n: int, after: bool) -> list[str]:
    """A source's own number of the person's projects before their latest work (s002: "three
    previous projects before Ballerina"), where it differs from the count."""
    p, ref = r.slots["person"].iri, r.slots.get("work")
    years = {w: fb.year(w) or "" for w in fb.works_of(p)}
    if after or ref is None or not years or years.get(ref.iri) != max(years.values()):
        return []
    return [
        f"note: {', '.join(local_name(s) for s in fb.sources(p, 'priorProjectCount', v))} gives"
        f" {fb.label(p)} {v} projects before {fb.label(ref.iri)}; the graph names {n}"
        for v in fb.objects(p, "priorProjectCount")
        if v != str(n)
    ]


def _count_disputes(
    fb: FactBase, person: str, n: int, wtype: str | None, ref: str | None = None
) -> list[str]:
    """Notes on the disagreements recorded about ``person``'s body of work (not about one of
    their awards or relationships): a count of their works rests on it (a count of the works
    before or after ``ref``, on those whose topic names it)."""
    other = {
        t
        for prop in ("recipient", "partner")
        for x in fb.subjects(prop, person)
        for t in fb.disputes_of(x)
    }
    return [
        f"note: the sources disagree here — {t}; the graph counts {n} {_noun(wtype, n)}"
        " (see `kgraph conflicts`)"
        for t in dict.fromkeys(fb.disputes_of(person))
        if t not in other and (not ref or ref.casefold() in t.casefold())
    ]


def _count_people(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots["work"].iri
    if any(x in text for x in ("actor", "actress", "cast", "star", "acted", "performer")):
        people = sorted(set(fb.subjects("actedIn", w)), key=lambda p: fb.label(p).casefold())
        what = "actors"
    elif "crew" in text:
        people = sorted(set(fb.objects(w, "crewMember")), key=lambda p: fb.label(p).casefold())
        what = "crew members"
    elif "character" in text:
        chars = sorted(
            {c for perf in fb.subjects("inWork", w) for c in fb.objects(perf, "character")}
        )
        facts = [
            fb.cite(
                f"{fb.label(c)} appears in {fb.label(w)}",
                *(
                    (perf, "character", c)
                    for perf in fb.subjects("character", c)
                    if w in fb.objects(perf, "inWork")
                ),
            )
            for c in chars
        ]
        return Result(
            f"how many characters {fb.label(w)} has",
            [_count(len(chars), facts, ", ".join(fb.label(c) for c in chars))],
        )
    else:
        people = fb.people_of(w)
        what = "people"
    facts = [_works_with(fb, p, w)[0] for p in people]
    return Result(
        f"how many {what} worked on {fb.label(w)}",
        [_count(len(people), facts, ", ".join(fb.label(p) for p in people))],
    )


def _most_credits(fb: FactBase, r: Reading, text: str) -> Result:
    people = fb.instances("Person", what="people")
    counts = {p: _typed(fb, fb.works_of(p), r.work_type) for p in people}
    best = max((len(v) for v in counts.values()), default=0)
    top = sorted(
        (p for p, v in counts.items() if len(v) == best and best),
        key=lambda p: fb.label(p).casefold(),
    )
    items = [
        _entity(
            fb,
            p,
            [f for w in counts[p] for f in _works_with(fb, p, w)[:1]],
            f"{best} {_noun(r.work_type, best)}",
        )
        for p in top
    ]
    return Result(f"who has the most {_noun(r.work_type)} in the graph", items)


def _most_frequent(fb: FactBase, r: Reading, text: str) -> Result:
    p = r.slots["person"].iri
    mine = set(fb.works_of(p))
    shared: dict[str, list[str]] = {}
    for w in mine:
        for o in fb.people_of(w):
            if o != p:
                shared.setdefault(o, []).append(w)
    best = max((len(v) for v in shared.values()), default=0)
    top = sorted(
        (o for o, v in shared.items() if len(v) == best), key=lambda o: fb.label(o).casefold()
    )
    items = []
    for o in top:
        ws = sorted(shared[o], key=lambda w: fb.label(w).casefold())
        facts = [
            f for w in ws for f in premise(_works_with(fb, p, w)[:1]) + _works_with(fb, o, w)[:1]
        ]
        items.append(
            _entity(
                fb,
                o,
                facts,
                f"{best} shared work{'s' if best != 1 else ''}: "
                + ", ".join(fb.label(w) for w in ws),
            )
        )
    return Result(f"{fb.label(p)}'s most frequent collaborator", items)


def _award_people(fb: FactBase, r: Reading, text: str, *, nominated: bool) -> Result:
    outs = _outcomes(fb, r, text, nominated=nominated)
    what = " ".join(
        x
        for x in (
            r.category or "",
            "at" if r.category and ("body" in r.slots or r.year) else "",
            fb.label(r.slots["body"].iri) if "body" in r.slots else "",
            r.year or "",
        )
        if x
    )
    interp = f"{'nominees' if nominated else 'winners'} of {what}"
    items: dict[str, list[Fact]] = {}
    details: dict[str, list[str]] = {}
    notes: list[str] = []
    for o in outs:
        recipients = fb.objects(o, "recipient")
        curators = bool(fb.disputes_of(o) and fb.objects(o, "forWork"))
        if curators:
            # the recipient is disputed; the work the award was for is the curators' reading
            # (no article says the film won: s001 gives the award to Park Yu-rim), so the row
            # cites no article and lists s001's facts as context
            recipients = fb.objects(o, "forWork")
        for who in recipients:
            if fb.is_work(who):
                items.setdefault(who, []).append(
                    fb.fact(f"{fb.label(o)} was for {fb.label(who)}", o, "forWork", who)
                )
            else:
                items.setdefault(who, []).extend(_outcome_facts(fb, o, who))
            if curators:
                items[who] = [f.as_role("context") for f in items[who]] + [
                    f.as_role("context")
                    for r in fb.objects(o, "recipient")
                    for f in _outcome_facts(fb, o, r)[:1]
                ]
            d = (
                ", ".join(fb.objects(o, "category"))
                + " — "
                + ", ".join(fb.label(c) for c in fb.objects(o, "ceremony"))
            )
            if fb.disputes_of(o):
                d += (
                    " (in the curators' reading, which no article states; disputed)"
                    if curators
                    else " (disputed)"
                )
                notes += [
                    f"note: the sources disagree here — {t} (see `kgraph conflicts`)"
                    for t in fb.disputes_of(o)
                ]
            details.setdefault(who, []).append(d.strip(" —"))
    out = [
        _entity(fb, who, facts, "; ".join(details[who]))
        for who, facts in sorted(items.items(), key=lambda kv: fb.label(kv[0]).casefold())
    ]
    # a row resting only on context (the curators' reading) cites no article
    out = [
        replace(a, stated_by=()) if a.facts and all(f.role == "context" for f in a.facts) else a
        for a in out
    ]
    return Result(interp, out, list(dict.fromkeys(notes)))


def _works_in_year(fb: FactBase, r: Reading, text: str) -> Result:
    y = r.year or ""
    p = r.slots.get("person")
    pool = fb.works_of(p.iri) if p else fb.works()
    works = [w for w in _typed(fb, pool, r.work_type) if y in fb.objects(w, "year")]
    items = []
    for w in works:
        facts = [fb.fact(f"{fb.label(w)} came out in {y}", w, "year", y)]
        if p:  # the row claims the person's work, from that year: both
            facts = _works_with(fb, p.iri, w) + [f.as_role("part") for f in facts]
        items.append(_entity(fb, w, facts, y))
    who = f"{fb.label(p.iri)}'s " if p else ""
    return Result(f"{who}{_noun(r.work_type)} from {y}", items)


def _before_after(after: bool):  # type: ignore[no-untyped-def]
    def handler(fb: FactBase, r: Reading, text: str) -> Result:
        p = r.slots.get("person")
        ref = r.slots.get("work")
        ref_year = r.year if ref is None else fb.year(ref.iri)
        pool = fb.works_of(p.iri) if p else fb.works()
        works = _typed(fb, pool, r.work_type)
        items = []
        ref_label = fb.label(ref.iri) if ref else (r.year or "")
        for w in works:
            if ref and w == ref.iri:
                continue
            facts: list[Fact] = []
            if ref is not None:
                pair = (ref.iri, w) if after else (w, ref.iri)
                stated = fb.sources(pair[0], "precedes", pair[1])
                if stated:
                    facts.append(
                        fb.fact(
                            f"{fb.label(pair[0])} came before {fb.label(pair[1])}",
                            pair[0],
                            "precedes",
                            pair[1],
                        )
                    )
            wy = fb.year(w)
            if wy and ref_year and ((wy > ref_year) if after else (wy < ref_year)):
                yf = fb.year_fact(w)
                if yf:
                    facts.append(yf)
                if ref is not None:
                    rf = fb.year_fact(ref.iri)
                    if rf:  # the other work's year: only compared with, not cited for the row
                        facts.append(rf.as_role("context"))
                else:
                    facts[-1:] = facts[-1:]
            if not facts:
                continue
            if p:  # the row claims the person's work (stated with its place before the other)
                facts = _works_with(fb, p.iri, w)[:1] + [
                    f.as_role("part") if f.role == "claim" else f for f in facts
                ]
            stated_only = "as the sources state" if not wy else ""
            items.append(_entity(fb, w, facts, wy or stated_only))
        who = f"{fb.label(p.iri)}'s " if p else ""
        notes = []
        if ref is not None and not ref_year:
            notes.append(
                f"note: the sources give no year for {ref_label}; only works they say came {'after' if after else 'before'} it are listed"
            )
        return Result(
            f"{who}{_noun(r.work_type)} {'after' if after else 'before'} {ref_label}", items, notes
        )

    return handler


def _values(prop: str, what: str):  # type: ignore[no-untyped-def]
    def handler(fb: FactBase, r: Reading, text: str) -> Result:
        e = (r.slots.get("work") or r.slots.get("entity") or r.slots["person"]).iri
        items = []
        for v in sorted(set(fb.objects(e, prop))):
            is_iri = v.startswith("http")
            label = fb.label(v) if is_iri else (COUNTRIES.get(v, v) if prop == "country" else v)
            fact = fb.fact(f"the {what} of {fb.label(e)} is {label}", e, prop, v)
            items.append(
                AnswerItem(
                    label, v if is_iri else None, None if is_iri else v, fact.sources, "", (fact,)
                )
            )
        return Result(f"the {what} of {fb.label(e)}", items)

    return handler


def _distributor(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots["work"].iri
    res = _values("distributor", "distributor")(fb, r, text)
    by_iri = {i.iri: i for i in res.items}
    for ev in fb.subjects("releaseOf", w):
        for pl in fb.objects(ev, "platform"):
            f = fb.fact(f"{fb.label(w)} is released on {fb.label(pl)}", ev, "platform", pl)
            old = by_iri.get(pl)
            facts = (list(old.facts) if old else []) + [f]
            by_iri[pl] = AnswerItem(fb.label(pl), pl, None, _union(facts), "", tuple(facts))
    if not by_iri:
        for b in fb.objects(w, "originalBroadcaster"):
            f = fb.fact(
                f"{fb.label(w)} was broadcast by {fb.label(b)}", w, "originalBroadcaster", b
            )
            by_iri[b] = AnswerItem(fb.label(b), b, None, f.sources, "broadcaster", (f,))
    return Result(f"who distributes {fb.label(w)}", list(by_iri.values()))


def _about(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots["work"].iri
    facts: list[Fact] = []
    for g in sorted(set(fb.objects(w, "genre"))):
        facts.append(fb.fact(f"{fb.label(w)} is a {g}", w, "genre", g))
    for perf in fb.subjects("inWork", w):
        for c in fb.objects(perf, "character"):
            for who in fb.objects(perf, "performer"):
                facts.append(fb.fact(f"{fb.label(who)} plays {fb.label(c)}", perf, "character", c))
    facts = [f for f in facts if f.sources]
    desc = fb.description(w)
    label = desc or f"{fb.label(w)}: " + "; ".join(f.statement for f in facts[:3])
    return Result(
        f"what {fb.label(w)} is about",
        [
            AnswerItem(
                label,
                None,
                label,
                _union(facts),
                "summary in the curators' words; the facts are the sources'",
                tuple(dict.fromkeys(facts)),
            )
        ],
        [] if desc else ["note: the graph keeps no plot summary; these are the facts it holds"],
    )


def _debut(fb: FactBase, r: Reading, text: str) -> Result:
    p = r.slots["person"].iri
    works = sorted(set(fb.subjects("debutOf", p)))
    if works:
        items = [
            _entity(
                fb,
                w,
                [fb.fact(f"{fb.label(w)} was {fb.label(p)}'s debut", w, "debutOf", p)],
                _year_detail(fb, w),
            )
            for w in works
        ]
        notes = []
        if r.work_type and any(not fb.is_a(w, r.work_type) for w in works):
            notes.append(
                f"note: the sources name the debut, which is not a {_noun(r.work_type, 1)}"
            )
        return Result(f"{fb.label(p)}'s debut", items, notes)
    if "debut" in text:  # a debut is what a source calls so; the earliest work is offered
        early = _extreme(fb, r, latest=False).items
        hint = (
            f"; the earliest work with a year in the graph is {early[0].label} ({early[0].detail})"
            f' — ask "what was {fb.label(p)}\'s first work?"'
            if early
            else ""
        )
        return Result(f"{fb.label(p)}'s debut", [], [f"note: no source names the debut{hint}"])
    res = _extreme(fb, r, latest=False)
    res.interpretation = f"{fb.label(p)}'s debut"
    res.notes.append(
        "note: no source names the debut; this is the earliest work with a year in the graph"
    )
    return res


def _extreme(fb: FactBase, r: Reading, *, latest: bool) -> Result:
    p = r.slots["person"].iri
    works = [w for w in _typed(fb, fb.works_of(p), r.work_type) if fb.year(w)]
    noun = _noun(r.work_type, 1)
    interp = f"{fb.label(p)}'s {'latest' if latest else 'earliest'} {noun}"
    if not works:
        return Result(interp, [])
    pick = max if latest else min
    y = pick(fb.year(w) or "" for w in works)
    top = [w for w in works if fb.year(w) == y]
    items = [
        _entity(
            fb,
            w,
            _works_with(fb, p, w)[:1] + [f.as_role("part") for f in [fb.year_fact(w)] if f],
            y,
        )
        for w in top
    ]
    return Result(interp, items, ["note: only works whose year the sources give are compared"])


def _genre(fb: FactBase, r: Reading, text: str) -> Result:
    return _values("genre", "genre")(fb, r, text)


def _written_by(fb: FactBase, r: Reading, text: str) -> Result:
    p = r.slots["person"].iri
    items = []
    for prop in ("screenwriter", "author"):
        for w in _typed(fb, fb.subjects(prop, p), r.work_type):
            fact = fb.fact(f"{fb.label(p)} wrote {fb.label(w)}", w, prop, p)
            items.append(_entity(fb, w, [fact], fb.year(w) or ""))
    return Result(f"{_noun(r.work_type)} written by {fb.label(p)}", items)


def _most_awards(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots.get("work")
    people = fb.people_of(w.iri) if w else fb.instances("Person", what="people")
    won = {p: sorted(o for o in fb.subjects("recipient", p) if fb.is_a(o, "Award")) for p in people}
    best = max((len(v) for v in won.values()), default=0)
    top = sorted(
        (p for p, v in won.items() if len(v) == best and best), key=lambda p: fb.label(p).casefold()
    )
    items = [
        _entity(
            fb,
            p,
            [f for o in won[p] for f in _outcome_facts(fb, o, p)],
            f"{best} award{'s' if best != 1 else ''}",
        )
        for p in top
    ]
    where = f" among the people of {fb.label(w.iri)}" if w else ""
    return Result(f"who has won the most awards{where}", items)


def _relationship_since(fb: FactBase, r: Reading, text: str) -> Result:
    a, b = r.slots["person"].iri, r.slots["other"].iri
    items = []
    for rel in set(fb.subjects("partner", a)) & set(fb.subjects("partner", b)):
        for since in fb.objects(rel, "startDate"):
            f = fb.fact(
                f"{fb.label(a)} and {fb.label(b)} have been a couple since {since}",
                rel,
                "startDate",
                since,
            )
            items.append(AnswerItem(since, None, since, f.sources, "", (f,)))
    return Result(f"since when {fb.label(a)} and {fb.label(b)} have been a couple", items)


def _premiere_section(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots["work"].iri
    items = []
    for ev in fb.subjects("screenedWork", w):
        for sec in fb.objects(ev, "section"):
            f = fb.fact(f"{fb.label(w)} was shown in the section {sec}", ev, "section", sec)
            items.append(AnswerItem(sec, None, sec, f.sources, fb.label(ev), (f,)))
    return Result(f"the festival section of {fb.label(w)}", items)


def _event_dates(fb: FactBase, r: Reading, text: str) -> Result:
    ev = r.slots["event"].iri
    items = []
    for prop, what in (
        ("startDate", "starts"),
        ("endDate", "ends"),
        ("date", "is held"),
        ("year", "is held in"),
    ):
        for v in sorted(set(fb.objects(ev, prop))):
            f = fb.fact(f"{fb.label(ev)} {what} {v}", ev, prop, v)
            items.append(AnswerItem(v, None, v, f.sources, what, (f,)))
    return Result(f"when {fb.label(ev)} takes place", items)


def _check_distributor(fb: FactBase, r: Reading, text: str) -> Result:
    w, org = r.slots["work"].iri, r.slots["body"].iri
    interp = f"whether {fb.label(w)} is on {fb.label(org)}"
    facts = []
    if fb.sources(w, "distributor", org):
        facts.append(fb.fact(f"{fb.label(org)} distributes {fb.label(w)}", w, "distributor", org))
    for ev in fb.subjects("releaseOf", w):
        if org in fb.objects(ev, "platform"):
            facts.append(
                fb.fact(f"{fb.label(w)} is released on {fb.label(org)}", ev, "platform", org)
            )
    if fb.sources(w, "originalBroadcaster", org):
        facts.append(
            fb.fact(f"{fb.label(org)} broadcast {fb.label(w)}", w, "originalBroadcaster", org)
        )
    if facts:
        return Result(interp, [_verdict("yes", facts, "")])
    return Result(interp, [_verdict("not stated", [], "")])


def _check_premiere(fb: FactBase, r: Reading, text: str) -> Result:
    w = r.slots["work"].iri
    interp = f"whether {fb.label(w)} premiered at a festival"
    facts = []
    for ev in fb.subjects("screenedWork", w):
        if "true" not in fb.objects(ev, "isPremiere"):
            continue
        for fest in fb.objects(ev, "atFestival"):
            place = " ".join([fb.label(fest), *fb.objects(fest, "location")]).casefold()
            asked = [x for x in re.findall(r"[a-z]{4,}", text) if x in place]
            if not asked:
                continue
            facts.append(
                fb.cite(
                    f"{fb.label(w)} premiered at {fb.label(fest)}",
                    (ev, "screenedWork", w),
                    (ev, "isPremiere", "true"),
                    (ev, "atFestival", fest),
                )
            )
    if facts:
        # stated by the articles that give both the festival and that it was the premiere (s004
        # names the festival screening but not a premiere)
        both: set[str] = set()
        for f in facts:
            per = [set(fb.triples.get(t, ())) for t in f.triples if t[1] != KG + "screenedWork"]
            both |= set.intersection(*per) if per else set(f.sources)
        yes = _verdict("yes", facts, "")
        return Result(interp, [replace(yes, stated_by=tuple(sorted(both)) or None)])
    return Result(interp, [_verdict("not stated", [], "")])


def _check_debut(fb: FactBase, r: Reading, text: str) -> Result:
    p, w = r.slots["person"].iri, r.slots["work"].iri
    interp = f"whether {fb.label(w)} was {fb.label(p)}'s debut"
    if fb.sources(w, "debutOf", p):
        return Result(
            interp,
            [
                _verdict(
                    "yes",
                    [fb.fact(f"{fb.label(w)} was {fb.label(p)}'s debut", w, "debutOf", p)],
                    "",
                )
            ],
        )
    others = fb.subjects("debutOf", p)
    if others:
        facts = [
            fb.fact(f"{fb.label(o)} was {fb.label(p)}'s debut", o, "debutOf", p) for o in others
        ]
        return Result(
            interp,
            [_verdict("no", facts, "the debut was " + ", ".join(fb.label(o) for o in others))],
        )
    return Result(interp, [_verdict("not stated", [], "")])


HANDLERS = {
    "check-together": _check_together,
    "check-partner": _check_partner,
    "check-directed": _check_credit("director", "directed"),
    "check-wrote": _check_credit("screenwriter", "wrote"),
    "check-music": _check_credit("musicBy", "did the music for"),
    "check-in": _check_in,
    "check-played": _check_played,
    "check-award": _check_award,
    "count-awards": _count_awards,
    "count-people": _count_people,
    "count-works": _count_works,
    "most-credits": _most_credits,
    "most-frequent-collaborator": _most_frequent,
    "award-winners": lambda fb, r, t: _award_people(fb, r, t, nominated=False),
    "award-nominees": lambda fb, r, t: _award_people(fb, r, t, nominated=True),
    "works-in-year": _works_in_year,
    "works-before": _before_after(False),
    "works-after": _before_after(True),
    "genre": _genre,
    "about": _about,
    "distributor": _distributor,
    "broadcaster": _values("originalBroadcaster", "broadcaster"),
    "country": _values("country", "country"),
    "debut": _debut,
    "earliest": lambda fb, r, t: _extreme(fb, r, latest=False),
    "latest": lambda fb, r, t: _extreme(fb, r, latest=True),
    "most-awards": _most_awards,
    "written-by": _written_by,
    "relationship-since": _relationship_since,
    "premiere-section": _premiere_section,
    "event-dates": _event_dates,
    "check-distributor": _check_distributor,
    "check-premiere": _check_premiere,
    "check-debut": _check_debut,
}


# -- facts behind the answers of the saved-query kinds ---------------------------------------------


__all__ = ["HANDLERS", "KG", "Result", "answer"]
