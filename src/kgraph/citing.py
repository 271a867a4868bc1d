"""The facts behind each answer of a saved-query kind of question, each cited by exactly the
sources whose named graph states it (see :mod:`kgraph.factbase`)."""

from __future__ import annotations

from .answers import AnswerItem
from .factbase import KG, Fact, FactBase


def _works_with(fb: FactBase, person: str, work: str) -> list[Fact]:
    if fb.sources(person, "actedIn", work):
        return fb.acting_facts(person, work)
    return [fb.worked_on_fact(person, work)]


def _outcome_facts(fb: FactBase, o: str, who: str) -> list[Fact]:
    cats = ", ".join(fb.objects(o, "category"))
    cer = ", ".join(fb.label(c) for c in fb.objects(o, "ceremony"))
    verb = "was nominated for" if fb.is_a(o, "Nomination") else "received"
    what = " at ".join(x for x in (cats, cer) if x) or fb.label(o)
    facts = [fb.fact(f"{fb.label(who)} {verb} {what}", o, "recipient", who)]
    for w in fb.objects(o, "forWork"):
        facts.append(
            fb.fact(
                f"the {'nomination' if verb != 'received' else 'award'} was for {fb.label(w)}",
                o,
                "forWork",
                w,
            )
        )
    return [f for f in facts if f.sources]


def premise(facts: list[Fact]) -> list[Fact]:
    """``facts`` as the question's premise (the asked entity's own part in a shared work)."""
    return [f.as_role("premise") for f in facts]


def cast_facts(fb: FactBase, person: str, work: str, detail: str = "") -> list[Fact]:
    """``X acted in W`` and the characters the row names: where the row shows a character, the
    row claims ``X played C in W``, and ``X acted in W`` is a weaker part of it (an article that
    names X in the cast but not the character does not state the row)."""
    facts = fb.acting_facts(person, work)
    played = [f for f in facts if f.triples and f.triples[0][1] == KG + "character"]
    if detail and played:
        return [f if f in played else f.as_role("part") for f in facts]
    return facts


def relationship_facts(fb: FactBase, rel: str, x: str, y: str) -> list[Fact]:
    """``X and Y are a couple`` (resting on the relationship's partner links and its type) and
    when it began."""
    types = sorted(set(fb.objects(rel, "relationshipType")))
    kind = ", ".join(types) or "partners"
    out = [
        fb.cite(
            f"{fb.label(x)} and {fb.label(y)} are a {kind}",
            (rel, "partner", x),
            (rel, "partner", y),
            *((rel, "relationshipType", t) for t in types),
        )
    ]
    for since in fb.objects(rel, "startDate"):
        out.append(fb.fact(f"their relationship began in {since}", rel, "startDate", since))
    return out


def facts_for(
    fb: FactBase, intent: str, links: dict[str, str], item: AnswerItem, interpretation: str = ""
) -> tuple[Fact, ...]:
    """The facts behind one answer of a saved-query kind, each with exactly its sources."""
    a = item.iri or ""
    p = links.get("person", "")
    facts: list[Fact] = []
    # the row states the answer's own part (the co-star in the work); the asked person's part
    # is the question's premise, listed with its own sources but not cited for the row
    if intent == "co-stars":
        for w in sorted(set(fb.objects(p, "actedIn")) & set(fb.objects(a, "actedIn"))):
            facts += premise(fb.acting_facts(p, w)[:1]) + fb.acting_facts(a, w)[:1]
    elif intent in ("collaborators", "repeat-collaborators"):
        for w in sorted(set(fb.works_of(p)) & set(fb.works_of(a))):
            facts += premise(_works_with(fb, p, w)[:1]) + _works_with(fb, a, w)[:1]
    elif intent == "shared-works":  # stated by the articles naming both in the work
        facts += premise(_works_with(fb, p, a)[:1]) + _works_with(fb, links.get("other", ""), a)[:1]
    elif intent == "cast":
        facts += cast_facts(fb, a, links.get("work", ""), item.detail)
    elif intent in ("director", "writer", "music", "crew"):
        w = links.get("work", "")
        for prop, what in (
            ("director", "directed"),
            ("screenwriter", "wrote"),
            ("author", "wrote"),
            ("musicBy", "did the music for"),
            ("crewMember", "worked on"),
        ):
            if intent == "crew" and prop != "crewMember":
                continue
            if (
                intent != "crew"
                and {"director": "director", "writer": "screenwriter", "music": "musicBy"}[intent]
                != prop
                and not (intent == "writer" and prop == "author")
            ):
                continue
            if fb.sources(w, prop, a):
                facts.append(fb.fact(f"{fb.label(a)} {what} {fb.label(w)}", w, prop, a))
    elif intent == "directed-by":
        facts.append(fb.fact(f"{fb.label(p)} directed {fb.label(a)}", a, "director", p))
    elif intent in ("films-of", "series-of", "works-of"):
        facts += _works_with(fb, p, a)
        yf = fb.year_fact(a)
        if yf and item.detail and (fb.year(a) or "") in item.detail:
            facts.append(yf.as_role("context"))  # the year shown: not what the row claims
    elif intent == "who-played":
        c = links.get("character", "")
        for perf in fb.subjects("character", c):
            if a in fb.objects(perf, "performer"):
                for w in fb.objects(perf, "inWork"):
                    facts.append(
                        fb.fact(
                            f"{fb.label(a)} played {fb.label(c)} in {fb.label(w)}",
                            perf,
                            "character",
                            c,
                        )
                    )
    elif intent in ("character-of", "characters-of"):
        for perf in fb.subjects("character", a):
            for who in fb.objects(perf, "performer"):
                if intent == "character-of" and who != p:
                    continue
                for w in fb.objects(perf, "inWork"):
                    if "work" in links and w != links["work"]:
                        continue
                    facts.append(
                        fb.fact(
                            f"{fb.label(who)} played {fb.label(a)} in {fb.label(w)}",
                            perf,
                            "character",
                            a,
                        )
                    )
    elif intent in ("awards", "awards-won", "nominations"):
        e = links.get("entity", "")
        facts += _outcome_facts(fb, a, e) if e in fb.objects(a, "recipient") else []
        for w in fb.objects(a, "forWork"):
            if w == e:
                facts.append(fb.fact(f"{fb.label(a)} was for {fb.label(w)}", a, "forWork", w))
    elif intent == "relationships":
        for rel in set(fb.subjects("partner", p)) & set(fb.subjects("partner", a)):
            facts += relationship_facts(fb, rel, p, a)
    elif intent == "who-is" and item.sources:
        # the description is the curators' (the detail says so); what the sources cited state
        # is only that they mention the entity
        facts.append(Fact(f"these sources mention {item.label}", item.sources))
    elif intent == "roles-of":
        facts += _role_facts(fb, p, a, links.get("work"))
    if intent == "characters-of":
        w = links.get("work", "")
        facts.append(fb.fact(f"{fb.label(a)} appears in {fb.label(w)}", a, "appearsIn", w))
    head = f"{interpretation}: " if interpretation else ""
    tail = f" ({item.detail})" if item.detail else ""
    summary = f"{head}{item.label}{tail}"
    if intent in _RELEASE:
        facts.append(
            fb.cite(summary, *_release_triples(fb, intent, links["work"], a or item.value))
        )
    facts = [f for f in dict.fromkeys(facts) if f.sources]
    if not facts and item.sources:
        # an answer from the curators' records (who-is, disagreements), not from the sources'
        # triples: cited as the saved query cites it
        facts = [Fact(summary, item.sources)]
    return tuple(facts)


def _role_facts(fb: FactBase, person: str, role: str, work: str | None) -> list[Fact]:
    """The performances or credits behind one of ``person``'s roles (``role`` empty: acting
    roles whose character no source names)."""
    out = []
    for perf in fb.subjects("performer", person):
        chars = fb.objects(perf, "character")
        if (role not in chars) if role else bool(chars):
            continue
        for w in fb.objects(perf, "inWork"):
            if work and w != work:
                continue
            if role:
                text = f"{fb.label(person)} played {fb.label(role)} in {fb.label(w)}"
                out.append(fb.fact(text, perf, "character", role))
            else:
                text = f"{fb.label(person)} acted in {fb.label(w)}"
                out.append(fb.cite(text, (perf, "performer", person), (perf, "inWork", w)))
    for cr in fb.subjects("creditedPerson", person):
        if role not in fb.objects(cr, "role"):
            continue
        for w in fb.objects(cr, "inWork"):
            if not work or w == work:
                text = f"{fb.label(person)}, {fb.label(role)} of {fb.label(w)}"
                out.append(fb.cite(text, (cr, "creditedPerson", person), (cr, "role", role)))
    return out


# intent -> the event kind and properties its answers come from (queries/release.rq)
_RELEASE: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "premiere-where": ("premiere", ("atFestival",)),
    "premiere-when": ("premiere", ("date",)),
    "premiere": ("premiere", ("atFestival", "date")),
    "release-year": (None, ("year",)),
    "release-date": ("release", ("date",)),
}


def _release_triples(
    fb: FactBase, intent: str, work: str, value: str | None
) -> list[tuple[str, str, str]]:
    """The triples stating ``value`` as the release or premiere detail ``intent`` asks for: the
    work's year, a release's date, year, platform or region, a screening's date, festival,
    section or place (``release-date`` falls back on a year, as its query does)."""
    rows = [("work", work, "year", y) for y in fb.objects(work, "year")]
    for ev in fb.subjects("releaseOf", work):
        for prop in ("date", "year", "platform", "region"):
            rows += [("release", ev, prop, v) for v in fb.objects(ev, prop)]
    for ev in fb.subjects("screenedWork", work):
        kind = "premiere" if "true" in fb.objects(ev, "isPremiere") else "screening"
        for prop in ("date", "atFestival", "section", "location"):
            rows += [(kind, ev, prop, v) for v in fb.objects(ev, prop)]
    want, props = _RELEASE[intent]
    rows = [r for r in rows if r[3] == value]
    picked = [r for r in rows if want in (None, r[0]) and r[2] in props]
    if not picked and intent == "release-date":
        picked = [r for r in rows if r[2] == "year"]
    return [(s, p, o) for _, s, p, o in picked]
